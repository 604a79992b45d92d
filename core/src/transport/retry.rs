//! When to retry and how long to wait: exponential backoff with jitter, `Retry-After` honoured
//! up to a cap.

use std::time::{Duration, SystemTime};

use crate::models::config::RetryPolicy;

/// Statuses worth another attempt: the server did not process the request (408, 429) or failed
/// in a way that may pass (5xx).
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500..=599)
}

/// Parses `Retry-After`: delay-seconds (fractions tolerated) or an HTTP date. A date in the past
/// means "now".
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    RetryAfter(Duration),
    GiveUp,
}

/// Decides on retry number `retry` (0 for the first retry). A `Retry-After` beyond the policy's
/// cap means giving up at once: waiting that long inside one call would look like a hang.
pub fn decide(policy: &RetryPolicy, retry: u32, retry_after: Option<Duration>) -> Decision {
    if retry >= policy.max_retries {
        return Decision::GiveUp;
    }
    match retry_after {
        Some(d) if d > policy.max_retry_after => Decision::GiveUp,
        Some(d) => Decision::RetryAfter(d),
        None => Decision::RetryAfter(backoff(policy, retry)),
    }
}

/// `initial * 2^retry`, capped, then scaled by a random factor in [0.5, 1.0] so that many
/// clients failing together do not retry in lockstep.
fn backoff(policy: &RetryPolicy, retry: u32) -> Duration {
    let exp = policy.initial_backoff.saturating_mul(1u32 << retry.min(16));
    exp.min(policy.max_backoff).mul_f64(0.5 + fastrand::f64() * 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("0.25", now), Some(Duration::from_millis(250)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after_cap() {
        let p = RetryPolicy { max_retries: 10, ..RetryPolicy::default() };
        for retry in 0..10 {
            let Decision::RetryAfter(d) = decide(&p, retry, None) else { panic!() };
            let full = p.initial_backoff.saturating_mul(1 << retry).min(p.max_backoff);
            assert!(d <= full && d >= full / 2, "retry {retry}: {d:?} vs {full:?}");
        }
        assert_eq!(decide(&p, 10, None), Decision::GiveUp);
        assert_eq!(decide(&p, 0, Some(Duration::from_secs(2))), Decision::RetryAfter(Duration::from_secs(2)));
        assert_eq!(decide(&p, 0, Some(Duration::from_secs(61))), Decision::GiveUp);
    }
}
