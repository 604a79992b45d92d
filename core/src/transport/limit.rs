//! Client-side rate limits: where Adapty states a limit per key (the Export Analytics API's 2
//! requests per second), requests with that key are spaced so that a loop never meets a 429.
//! Shared by every client of the process with the same key, as the limit is the key's.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::transport::runtime::{self, Instant};

/// The space between two Export Analytics requests with one key: Adapty allows 2 per second;
/// 10% more than half a second keeps a request's arrival, after network jitter, out of the
/// previous second.
pub const ANALYTICS_SPACING: Duration = Duration::from_millis(550);

/// A key's turn, known by a hash of the key (the key itself is never kept here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Lane(u64);

impl Lane {
    pub fn of(key: &impl Hash) -> Self {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        Lane(hasher.finish())
    }

    /// Waits for this key's next turn, `spacing` after the one before.
    pub async fn wait_turn(self, spacing: Duration) {
        static NEXT: OnceLock<Mutex<HashMap<Lane, Instant>>> = OnceLock::new();
        let now = Instant::now();
        let turn = {
            let mut next = NEXT.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
            let slot = next.entry(self).or_insert(now);
            let turn = (*slot).max(now);
            *slot = turn + spacing;
            turn
        };
        let wait = turn.saturating_duration_since(now);
        if !wait.is_zero() {
            runtime::sleep(wait).await;
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn turns_of_one_key_are_spaced_and_other_keys_wait_for_none() {
        crate::transport::runtime::block_on(async {
            let lane = Lane::of(&"secret_limit_test");
            let start = Instant::now();
            for _ in 0..3 {
                lane.wait_turn(Duration::from_millis(50)).await;
            }
            assert!(start.elapsed() >= Duration::from_millis(100), "{:?}", start.elapsed());
            let other = Instant::now();
            Lane::of(&"another_key").wait_turn(Duration::from_millis(50)).await;
            assert!(other.elapsed() < Duration::from_millis(40));
            Ok(())
        })
        .unwrap();
    }
}
