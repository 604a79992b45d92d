//! Options of calls, beside the client's settings: a timeout or retry count for some calls,
//! extra headers, and query parameters or body fields the SDK does not know yet.
//!
//! The same [`RequestOptions`] serve a client made with `Client::with_options` (its every call)
//! and one call (a binding's last argument, Rust's `client.with_options(..)` for one call):
//! options given later are laid over earlier ones ([`CallOptions::over`]). They are checked once,
//! when laid over, so a wrong header fails before any request.

use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use serde_json::{Map, Value};

use crate::models::error::{Rule, ValidationError};

/// Headers the SDK sets itself: the key, the profile it names, the idempotency key, and the
/// framing of the body. A caller's value would change what the call means, so it is refused.
pub const OWNED_HEADERS: &[&str] = &[
    "authorization",
    "adapty-profile-id",
    "adapty-customer-user-id",
    "adapty-platform",
    "idempotency-key",
    "content-type",
    "content-length",
    "accept",
    "host",
    "transfer-encoding",
];

/// Options for calls, as a caller gives them. Unset options keep what the client (or the call's
/// client) has.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestOptions {
    /// Time allowed for one attempt.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// Extra headers (name, value); a name given twice keeps the last value.
    pub headers: Vec<(String, String)>,
    /// Extra query parameters, after the operation's own.
    pub extra_query: Vec<(String, String)>,
    /// Extra fields of the JSON body, for fields the SDK does not know yet. A field the
    /// operation's body has is refused: give it as a field, where it is checked.
    pub extra_body: Map<String, Value>,
}

impl RequestOptions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_query.push((name.into(), value.into()));
        self
    }

    pub fn body_field(mut self, name: impl Into<String>, value: Value) -> Self {
        self.extra_body.insert(name.into(), value);
        self
    }

    /// The options as bindings pass them: `timeout` (seconds) or `timeout_ms`, `max_retries`,
    /// `headers`, `extra_query` (objects of text; numbers and booleans are written as text) and
    /// `extra_body` (an object). Absent or null keys are unset; anything else is an error naming
    /// the key.
    pub fn from_json(options: &Value) -> Result<Self, ValidationError> {
        let Some(map) = options.as_object() else {
            return match options {
                Value::Null => Ok(Self::default()),
                _ => Err(ValidationError::new("options", Rule::Type, "must be an object")),
            };
        };
        let mut out = Self::default();
        for (key, value) in map.iter().filter(|(_, v)| !v.is_null()) {
            match key.as_str() {
                "timeout" => out.timeout = Some(seconds(key, value, 1.0, "seconds")?),
                "timeout_ms" => out.timeout = Some(seconds(key, value, 1000.0, "milliseconds")?),
                "max_retries" => out.max_retries = Some(retries(key, value)?),
                "headers" => out.headers = pairs(key, value)?,
                "extra_query" => out.extra_query = pairs(key, value)?,
                "extra_body" => {
                    out.extra_body =
                        value.as_object().cloned().ok_or_else(|| ValidationError::new(key, Rule::Type, "must be an object"))?;
                }
                other => return Err(ValidationError::new(other, Rule::Type, format!("unknown option `{other}`"))),
            }
        }
        Ok(out)
    }
}

/// A number of `unit`s (`per_second` of them in a second) as a positive duration, read from the
/// JSON option `key` (a client's or a call's): not a number is a type error, zero, negative or
/// too large a range error.
pub(crate) fn seconds(key: &str, value: &Value, per_second: f64, unit: &str) -> Result<Duration, ValidationError> {
    let n = value.as_f64().ok_or_else(|| ValidationError::new(key, Rule::Type, format!("must be a number of {unit}, got {value}")))?;
    let duration = Duration::try_from_secs_f64(n / per_second)
        .map_err(|_| ValidationError::new(key, Rule::Range, format!("must be a positive number of {unit}, got {value}")))?;
    positive(key, duration)
}

/// A duration given in code, refused when zero (no request could be sent in it).
pub(crate) fn positive(key: &str, duration: Duration) -> Result<Duration, ValidationError> {
    if duration.is_zero() {
        return Err(ValidationError::new(key, Rule::Range, "must be greater than zero"));
    }
    Ok(duration)
}

/// The JSON option `key`, a count of retries: a whole number >= 0.
pub(crate) fn retries(key: &str, value: &Value) -> Result<u32, ValidationError> {
    let n = value.as_u64().and_then(|n| u32::try_from(n).ok());
    n.ok_or_else(|| ValidationError::new(key, Rule::Range, format!("must be a whole number >= 0, got {value}")))
}

/// An object of scalars as (name, text) pairs.
fn pairs(key: &str, value: &Value) -> Result<Vec<(String, String)>, ValidationError> {
    let map = value.as_object().ok_or_else(|| ValidationError::new(key, Rule::Type, "must be an object of text values"))?;
    map.iter()
        .map(|(name, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return Err(ValidationError::new(format!("{key}.{name}"), Rule::Type, "must be text, a number or a boolean")),
            };
            Ok((name.clone(), text))
        })
        .collect()
}

/// Options checked and laid over a client's: what the transport reads for each request.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    pub timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub extra_query: Vec<(String, String)>,
    pub extra_body: Map<String, Value>,
}

impl CallOptions {
    /// `options` laid over these: set values replace, headers and body fields replace by name,
    /// query parameters add. Checked first; nothing is changed on an error.
    pub fn over(&self, options: &RequestOptions) -> Result<CallOptions, ValidationError> {
        if let Some(timeout) = options.timeout {
            positive("timeout", timeout)?;
        }
        let mut out = self.clone();
        out.timeout = options.timeout.or(self.timeout);
        out.max_retries = options.max_retries.or(self.max_retries);
        for (name, value) in &options.headers {
            let (name, value) = header(name, value)?;
            out.headers.retain(|(n, _)| *n != name);
            out.headers.push((name, value));
        }
        out.extra_query.extend(options.extra_query.iter().cloned());
        out.extra_body.extend(options.extra_body.iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(out)
    }
}

/// One extra header, checked: a valid name and value, and not one the SDK owns.
fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), ValidationError> {
    let field = || format!("headers.{name}");
    let parsed =
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| ValidationError::new(field(), Rule::Format, "is not a header name"))?;
    if OWNED_HEADERS.contains(&parsed.as_str()) {
        return Err(ValidationError::new(field(), Rule::Conflict, "is set by the SDK and cannot be given"));
    }
    let value = HeaderValue::from_str(value).map_err(|_| ValidationError::new(field(), Rule::Format, "cannot be sent in a header"))?;
    Ok((parsed, value))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_every_option_from_json() {
        let o = RequestOptions::from_json(&json!({
            "timeout_ms": 1500, "max_retries": 0, "headers": {"X-Trace": "a"},
            "extra_query": {"debug": true}, "extra_body": {"new_field": 1}
        }))
        .unwrap();
        assert_eq!(o.timeout, Some(Duration::from_millis(1500)));
        assert_eq!(o.max_retries, Some(0));
        assert_eq!(o.headers, vec![("X-Trace".to_owned(), "a".to_owned())]);
        assert_eq!(o.extra_query, vec![("debug".to_owned(), "true".to_owned())]);
        assert_eq!(o.extra_body["new_field"], 1);
    }

    #[test]
    fn names_the_wrong_option() {
        let field = |v: Value| RequestOptions::from_json(&v).unwrap_err().field;
        assert_eq!(field(json!({"timeout": -1})), "timeout");
        assert_eq!(field(json!({"timeout": 0})), "timeout");
        assert_eq!(field(json!({"max_retries": 1.5})), "max_retries");
        assert_eq!(field(json!({"headers": {"x": [1]}})), "headers.x");
        assert_eq!(field(json!({"extra_body": 1})), "extra_body");
        assert_eq!(field(json!({"retries": 1})), "retries");
    }

    #[test]
    fn owned_headers_are_refused_in_any_case() {
        for name in ["Authorization", "adapty-profile-id", "ADAPTY-CUSTOMER-USER-ID", "Idempotency-Key"] {
            let err = CallOptions::default().over(&RequestOptions::new().header(name, "x")).unwrap_err();
            assert_eq!((err.field, err.rule), (format!("headers.{name}"), Rule::Conflict));
        }
        let err = CallOptions::default().over(&RequestOptions::new().header("x-ok", "a\nb")).unwrap_err();
        assert_eq!(err.rule, Rule::Format);
    }

    #[test]
    fn later_options_replace_earlier_ones_by_name() {
        let client = CallOptions::default()
            .over(&RequestOptions::new().timeout(Duration::from_secs(5)).header("X-A", "1").header("X-B", "1").query("q", "1"))
            .unwrap();
        let call = client.over(&RequestOptions::new().max_retries(0).header("x-a", "2").query("q", "2")).unwrap();
        assert_eq!((call.timeout, call.max_retries), (Some(Duration::from_secs(5)), Some(0)));
        let headers: Vec<_> = call.headers.iter().map(|(n, v)| (n.as_str(), v.to_str().unwrap())).collect();
        assert_eq!(headers, [("x-b", "1"), ("x-a", "2")]);
        assert_eq!(call.extra_query.len(), 2);
    }
}
