//! Log lines of requests (`ADAPTY_LOG`, or a client's `log_level`): one line per attempt that
//! ends, at `info` when it succeeds, `warn` when it is retried, `error` when the request fails
//! with it, and at `debug` one more before each attempt. Written to stderr, or handed to a
//! binding's logger; never the key, never a body. A listener of the client's events.

use std::io::Write;
use std::sync::Arc;

use crate::models::config::LogLevel;
use crate::transport::events::{Event, Listener, Outcome, Phase};

/// Where the lines go: (level, line).
pub type LogSink = Arc<dyn Fn(LogLevel, &str) + Send + Sync>;

/// Writes the lines of `level` and above to `sink`.
pub(crate) struct LogLines {
    level: LogLevel,
    sink: LogSink,
}

impl LogLines {
    pub fn new(level: LogLevel, sink: LogSink) -> Self {
        Self { level, sink }
    }

    /// To stderr, one line each: `adapty_server WARN profiles.get GET https://... -> 503 ...`.
    pub fn stderr(level: LogLevel) -> Self {
        Self::new(
            level,
            Arc::new(|level, line| {
                let _ = writeln!(std::io::stderr().lock(), "adapty_server {} {line}", level.as_str().to_ascii_uppercase());
            }),
        )
    }
}

impl Listener for LogLines {
    fn on_event(&self, event: &Event<'_>) {
        let (level, line) = line(event);
        if level >= self.level {
            (self.sink)(level, &line);
        }
    }
}

/// An event's level and line.
fn line(e: &Event<'_>) -> (LogLevel, String) {
    let call = format!("{} {} {}", e.operation, e.method, e.url);
    let Some(Outcome { status, request_id, elapsed, error_kind, retry_in }) = &e.outcome else {
        debug_assert_eq!(e.phase, Phase::Request);
        return (LogLevel::Debug, format!("{call} attempt {}", e.attempt));
    };
    let mut line = format!("{call} -> ");
    match (status, error_kind) {
        (Some(status), _) => line += &status.to_string(),
        (None, Some(kind)) => line += kind.as_str(),
        (None, None) => line += "?",
    }
    line += &format!(" in {:.1} ms (attempt {}", elapsed.as_secs_f64() * 1000.0, e.attempt);
    if let Some(id) = request_id {
        line += &format!(", request id {id}");
    }
    line += ")";
    let level = match (error_kind, retry_in) {
        (None, _) => LogLevel::Info,
        (Some(_), Some(delay)) => {
            line += &format!("; retrying in {} ms", delay.as_millis());
            LogLevel::Warn
        }
        (Some(_), None) => LogLevel::Error,
    };
    (level, line)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::models::error::ErrorKind;

    fn event(outcome: Option<Outcome<'static>>) -> Event<'static> {
        let phase = if outcome.is_some() { Phase::Response } else { Phase::Request };
        Event { phase, operation: "profiles.get", method: "GET", url: "https://api.adapty.io/x", attempt: 2, outcome }
    }

    fn outcome(status: Option<u16>, error_kind: Option<ErrorKind>, retry_in: Option<Duration>) -> Option<Outcome<'static>> {
        Some(Outcome { status, request_id: Some("req-1"), elapsed: Duration::from_millis(12), error_kind, retry_in })
    }

    #[test]
    fn one_line_per_attempt_at_its_level() {
        assert_eq!(line(&event(None)), (LogLevel::Debug, "profiles.get GET https://api.adapty.io/x attempt 2".into()));
        let ok = line(&event(outcome(Some(200), None, None)));
        assert_eq!(ok, (LogLevel::Info, "profiles.get GET https://api.adapty.io/x -> 200 in 12.0 ms (attempt 2, request id req-1)".into()));
        let retried = line(&event(outcome(Some(503), Some(ErrorKind::Api), Some(Duration::from_millis(500)))));
        assert_eq!(retried.0, LogLevel::Warn);
        assert!(retried.1.ends_with("-> 503 in 12.0 ms (attempt 2, request id req-1); retrying in 500 ms"), "{}", retried.1);
        let failed = line(&event(outcome(None, Some(ErrorKind::Timeout), None)));
        assert_eq!(failed.0, LogLevel::Error);
        assert!(failed.1.contains("-> timeout in"), "{}", failed.1);
    }
}
