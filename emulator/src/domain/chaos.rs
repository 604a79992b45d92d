//! Faults drawn at random for every API request, at a rate per kind and from a seed: the weather
//! a fault soak runs in (`POST /__emulator/chaos`).
//!
//! Each matching request takes the next number of a seeded sequence (SplitMix64), so one seed
//! gives one sequence of faults; which request meets which fault still depends on the order in
//! which concurrent requests arrive.

use std::collections::BTreeMap;

use crate::state::chaos::{Chaos, Kind, Settings};

/// Chaos with these settings, nothing done yet; the rates must each be in 0..=1 and together at
/// most 1.
pub fn start(settings: Settings) -> Result<Chaos, String> {
    if settings.rates.values().any(|r| !(0.0..=1.0).contains(r)) || settings.rates.values().sum::<f64>() > 1.0 + 1e-9 {
        return Err("rates must each be between 0 and 1 and sum to at most 1".into());
    }
    Ok(Chaos { settings, requests: 0, injected: BTreeMap::new() })
}

/// The fate of the next request to `path`.
pub fn draw(chaos: &mut Chaos, path: &str) -> Option<Kind> {
    if !chaos.settings.path_prefix.as_deref().is_none_or(|p| path.starts_with(p)) {
        return None;
    }
    let n = chaos.requests;
    chaos.requests += 1;
    // The top 53 bits as a uniform number in [0, 1).
    let x = (splitmix64(chaos.settings.seed ^ splitmix64(n)) >> 11) as f64 / (1u64 << 53) as f64;
    let mut bound = 0.0;
    let kind = chaos.settings.rates.iter().find_map(|(kind, rate)| {
        bound += rate;
        (x < bound).then_some(*kind)
    })?;
    *chaos.injected.entry(kind).or_default() += 1;
    Some(kind)
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
    use crate::state::chaos::default_retry_after;

    fn chaos(seed: u64, rate: f64) -> Chaos {
        start(Settings {
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
            (0..10_000).map(|_| draw(&mut c, "/api/x")).collect::<Vec<_>>()
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
        assert_eq!(draw(&mut c, "/__emulator/journal"), None);
        assert_eq!(c.requests, 0);
        assert!(draw(&mut c, "/api/x").is_some());
        assert!(start(Settings { rates: BTreeMap::from([(Kind::Slow, 0.7), (Kind::Status503, 0.7)]), ..c.settings.clone() }).is_err());
    }
}
