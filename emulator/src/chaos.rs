//! Faults drawn at random for every API request, at a rate per kind and from a seed: the weather
//! a fault soak runs in (`POST /__emulator/chaos`).
//!
//! Each matching request takes the next number of a seeded sequence (SplitMix64), so one seed
//! gives one sequence of faults; which request meets which fault still depends on the order in
//! which concurrent requests arrive.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What can happen to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 500 instead of handling it.
    #[serde(rename = "status_500")]
    Status500,
    /// 503 instead of handling it.
    #[serde(rename = "status_503")]
    Status503,
    /// 429 with `Retry-After` instead of handling it.
    #[serde(rename = "status_429")]
    Status429,
    /// The connection breaks instead of an answer.
    Dropped,
    /// Handled only after `slow_ms` (meant to be past the client's timeout), and then to the end
    /// even when the client has gone, as a real server would.
    Slow,
    /// Handled (the change is made), then answered 500.
    #[serde(rename = "applied_then_500")]
    AppliedThen500,
    /// Handled (the change is made), then the connection breaks.
    AppliedThenDropped,
}

/// The settings of `POST /__emulator/chaos`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub seed: u64,
    /// The probability of each kind per request, summing to at most 1; the rest pass untouched.
    pub rates: BTreeMap<Kind, f64>,
    /// Only API paths starting with this (all if absent).
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// `Retry-After` of the 429s.
    #[serde(default = "default_retry_after")]
    pub retry_after: String,
    /// The delay of `slow`.
    #[serde(default = "default_slow_ms")]
    pub slow_ms: u64,
}

fn default_retry_after() -> String {
    "1".into()
}

fn default_slow_ms() -> u64 {
    2000
}

/// Chaos as configured, with what it has done so far.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Chaos {
    #[serde(flatten)]
    pub settings: Settings,
    /// Matching requests seen.
    pub requests: u64,
    /// Faults injected, by kind.
    pub injected: BTreeMap<Kind, u64>,
}

impl Chaos {
    /// Checks the rates: each in 0..=1, together at most 1.
    pub fn new(settings: Settings) -> Result<Self, String> {
        if settings.rates.values().any(|r| !(0.0..=1.0).contains(r)) || settings.rates.values().sum::<f64>() > 1.0 + 1e-9 {
            return Err("rates must each be between 0 and 1 and sum to at most 1".into());
        }
        Ok(Self { settings, requests: 0, injected: BTreeMap::new() })
    }

    /// The fate of the next request to `path`.
    pub fn draw(&mut self, path: &str) -> Option<Kind> {
        if !self.settings.path_prefix.as_deref().is_none_or(|p| path.starts_with(p)) {
            return None;
        }
        let n = self.requests;
        self.requests += 1;
        // The top 53 bits as a uniform number in [0, 1).
        let x = (splitmix64(self.settings.seed ^ splitmix64(n)) >> 11) as f64 / (1u64 << 53) as f64;
        let mut bound = 0.0;
        let kind = self.settings.rates.iter().find_map(|(kind, rate)| {
            bound += rate;
            (x < bound).then_some(*kind)
        })?;
        *self.injected.entry(kind).or_default() += 1;
        Some(kind)
    }
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chaos(seed: u64, rate: f64) -> Chaos {
        Chaos::new(Settings {
            seed,
            rates: BTreeMap::from([(Kind::Status500, rate / 2.0), (Kind::Dropped, rate / 2.0)]),
            path_prefix: Some("/api/".into()),
            retry_after: default_retry_after(),
            slow_ms: 1,
        })
        .unwrap()
    }

    #[test]
    fn a_seed_gives_one_sequence_at_the_asked_rate() {
        let draws = |seed| {
            let mut c = chaos(seed, 0.1);
            (0..10_000).map(|_| c.draw("/api/x")).collect::<Vec<_>>()
        };
        let a = draws(7);
        assert_eq!(a, draws(7));
        assert_ne!(a, draws(8));
        let faulted = a.iter().filter(|k| k.is_some()).count();
        assert!((900..1100).contains(&faulted), "{faulted} faults in 10,000 at 10%");
        assert!(a.contains(&Some(Kind::Status500)) && a.contains(&Some(Kind::Dropped)));
    }

    #[test]
    fn other_paths_and_bad_rates_are_left_alone() {
        let mut c = chaos(1, 1.0);
        assert_eq!(c.draw("/__emulator/journal"), None);
        assert_eq!(c.requests, 0);
        assert!(c.draw("/api/x").is_some());
        assert!(Chaos::new(Settings { rates: BTreeMap::from([(Kind::Slow, 0.7), (Kind::Status503, 0.7)]), ..c.settings.clone() }).is_err());
    }
}
