//! The library under the Swift and Kotlin packages (uniffi).
//!
//! Like the other bindings it only passes JSON: an operation name and snake_case arguments go
//! to the core's `ops::call`, the result's JSON comes back for the generated models, and the
//! core's `Error` becomes [`AdaptyError`] by its description's `kind` and `api_kind` (the core
//! classifies; nothing here looks at a status), in one place that bulk results use too
//! ([`result_errors`]). List walks
//! are the core's `ops::Walk` ([`NativeWalk`]): the cursor loop and its guard live there.

use std::sync::Arc;

use adapty_server::{ApiErrorKind, Client, Config, Error, ops};
use serde_json::Value;

uniffi::setup_scaffolding!();

/// Every Rust allocation of the library (the core's included) goes to mimalloc: requests are
/// allocated on one thread and freed on another, where glibc's malloc took about a sixth of the
/// CPU at 64 calls in flight (docs/ARCHITECTURE.md, "Where a call's time goes").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One entry of an API error body's `errors`: the field it is about, if any, and its messages.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FieldError {
    pub source: Option<String>,
    pub errors: Vec<String>,
}

/// Every failure, by case; `detail` is the one-line description.
#[derive(Debug, Clone, PartialEq, uniffi::Error)]
pub enum AdaptyError {
    /// Refused before any request: `field` names the value, `rule` the rule it broke, and
    /// `error_code` is Adapty's code for the same mistake (e.g. `expires_date_error`), if it has one.
    Validation { field: String, rule: String, error_code: Option<String>, detail: String },
    /// The connection failed or broke before a response arrived.
    Connection { detail: String },
    /// No complete response within the timeout.
    Timeout { detail: String },
    /// 429 from the API; `retry_after_seconds` is what the server asked to wait, if it said.
    RateLimited { retry_after_seconds: Option<f64>, error_code: Option<String>, request_id: Option<String>, body: String, detail: String },
    /// Any other error status from the API.
    Api { status: u16, error_code: Option<String>, errors: Vec<FieldError>, request_id: Option<String>, body: String, detail: String },
    /// The SDK was used wrongly (e.g. a closed client) or failed internally.
    Usage { detail: String },
    /// A webhook's `Authorization` header is missing or not the configured secret: answer 401.
    WebhookAuthorization { detail: String },
    /// A webhook's body is not an event Adapty sends: `field` names the wrong value.
    WebhookPayload { field: String, detail: String },
}

impl std::fmt::Display for AdaptyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let detail = match self {
            AdaptyError::Validation { detail, .. }
            | AdaptyError::Connection { detail }
            | AdaptyError::Timeout { detail }
            | AdaptyError::RateLimited { detail, .. }
            | AdaptyError::Api { detail, .. }
            | AdaptyError::Usage { detail }
            | AdaptyError::WebhookAuthorization { detail }
            | AdaptyError::WebhookPayload { detail, .. } => detail,
        };
        f.write_str(detail)
    }
}

impl std::error::Error for AdaptyError {}

impl From<Error> for AdaptyError {
    fn from(e: Error) -> Self {
        AdaptyError::from_description(&e.to_json())
    }
}

impl AdaptyError {
    /// The case for one of the core's error descriptions ([`Error::to_json`], the shape every
    /// binding reads), picked by its `kind` and, for API errors, the core's classification
    /// `api_kind`: the one conversion, for errors thrown and errors in bulk results alike.
    fn from_description(info: &Value) -> Self {
        let text = |key: &str| info.get(key).and_then(Value::as_str).map(str::to_owned);
        let detail = text("message").unwrap_or_default();
        match info["kind"].as_str() {
            Some("validation") => AdaptyError::Validation {
                field: text("field").unwrap_or_default(),
                rule: text("rule").unwrap_or_default(),
                error_code: text("error_code"),
                detail,
            },
            Some("connection") => AdaptyError::Connection { detail },
            Some("timeout") => AdaptyError::Timeout { detail },
            Some("api") if info["api_kind"] == ApiErrorKind::RateLimit.as_str() => AdaptyError::RateLimited {
                retry_after_seconds: info["retry_after"].as_f64(),
                error_code: text("error_code"),
                request_id: text("request_id"),
                body: text("body").unwrap_or_default(),
                detail,
            },
            Some("api") => AdaptyError::Api {
                status: info["status"].as_u64().and_then(|s| u16::try_from(s).ok()).unwrap_or_default(),
                errors: info["errors"].as_array().into_iter().flatten().map(FieldError::from_description).collect(),
                error_code: text("error_code"),
                request_id: text("request_id"),
                body: text("body").unwrap_or_default(),
                detail,
            },
            Some("webhook_authorization") => AdaptyError::WebhookAuthorization { detail },
            Some("webhook_payload") => AdaptyError::WebhookPayload { field: text("field").unwrap_or_default(), detail },
            _ => AdaptyError::Usage { detail },
        }
    }
}

impl FieldError {
    fn from_description(info: &Value) -> Self {
        FieldError {
            source: info["source"].as_str().map(str::to_owned),
            errors: info["errors"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect(),
        }
    }
}

/// The errors of a bulk operation's results (a JSON array of `null` or the core's error
/// description, as operations whose manifest output is `delete_results` return them), one per
/// input, in order.
#[uniffi::export]
pub fn result_errors(results_json: String) -> Result<Vec<Option<AdaptyError>>, AdaptyError> {
    let results = parse(&results_json, "results")?;
    let items = results.as_array().ok_or_else(|| AdaptyError::Usage { detail: "results are not a JSON array".into() })?;
    Ok(items.iter().map(|item| (!item.is_null()).then(|| AdaptyError::from_description(item))).collect())
}

/// A webhook request read as an event (`adapty_server::webhooks`): with a `secret`, its
/// `authorization` header checked first; `event_names_json` maps renamed events to Adapty's types.
/// Returns the event's JSON.
#[uniffi::export]
pub fn webhook_event(
    body: Vec<u8>,
    authorization: Option<String>,
    secret: Option<String>,
    event_names_json: Option<String>,
) -> Result<String, AdaptyError> {
    let names = event_names_json.map(|n| parse(&n, "event names")).transpose()?.unwrap_or(Value::Null);
    Ok(text(adapty_server::webhooks::construct_event_json(&body, authorization.as_deref(), secret.as_deref(), &names)?))
}

/// A configured core client.
#[derive(uniffi::Object)]
pub struct NativeClient {
    inner: Client,
}

#[uniffi::export]
impl NativeClient {
    /// `options_json`: the core's JSON settings (`Config::from_json`).
    #[uniffi::constructor]
    pub fn new(options_json: String) -> Result<Arc<Self>, AdaptyError> {
        let options = parse(&options_json, "options")?;
        let config = Config::from_json(&options).map_err(Error::Validation)?;
        Ok(Arc::new(Self { inner: Client::new(config)? }))
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> String {
        self.inner.config().base_url_text().to_owned()
    }

    /// Runs the core operation `op` with JSON `args_json`; returns the result's JSON.
    pub async fn call(&self, op: String, args_json: String) -> Result<String, AdaptyError> {
        let args = parse(&args_json, "args")?;
        Ok(text(ops::call(&self.inner, &op, &args).await?))
    }

    /// `call`, blocking the calling thread.
    pub fn call_blocking(&self, op: String, args_json: String) -> Result<String, AdaptyError> {
        let args = parse(&args_json, "args")?;
        let client = self.inner.clone();
        Ok(text(adapty_server::runtime::block_on(async move { ops::call(&client, &op, &args).await })?))
    }

    /// A walk over every page of the list operation `op` (one with a walk in `ops::manifest`) with JSON `args_json`
    /// (no `cursor`: the walk sends it).
    pub fn walk(&self, op: String, args_json: String) -> Result<Arc<NativeWalk>, AdaptyError> {
        let args = parse(&args_json, "args")?;
        Ok(Arc::new(NativeWalk { inner: Arc::new(ops::Walk::new(&self.inner, &op, args)?) }))
    }
}

/// The core's walk over a list's pages: each `next` fetches one page and returns its items as a
/// JSON array, or nothing once the walk is over (after the last page, a repeated cursor's error,
/// or any other error).
#[derive(uniffi::Object)]
pub struct NativeWalk {
    inner: Arc<ops::Walk>,
}

#[uniffi::export]
impl NativeWalk {
    /// The next page's items (a JSON array of the models), or `None` when the walk is over.
    pub async fn next(&self) -> Result<Option<String>, AdaptyError> {
        Ok(self.inner.next().await?.map(text))
    }

    /// `next`, blocking the calling thread.
    pub fn next_blocking(&self) -> Result<Option<String>, AdaptyError> {
        let walk = Arc::clone(&self.inner);
        Ok(adapty_server::runtime::block_on(async move { walk.next().await })?.map(text))
    }
}

/// The core's JSON result as the string uniffi passes (no copy).
fn text(json: ops::Json) -> String {
    Box::<str>::from(json).into_string()
}

fn parse(json: &str, what: &str) -> Result<Value, AdaptyError> {
    serde_json::from_str(json).map_err(|e| AdaptyError::Usage { detail: format!("{what} are not JSON: {e}") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use adapty_server::ops::manifest::ERROR_CLASSES;

    /// Every class of the core's taxonomy lands on its case: API classes by `api_kind`, so a
    /// 429 is `RateLimited` because the core says `rate_limit`, and a class the core adds falls
    /// back to its parent's case.
    #[test]
    fn every_error_class_has_its_case() {
        for class in ERROR_CLASSES {
            let api = class.parent == Some("api");
            let info = serde_json::json!({ "kind": if api { "api" } else { class.code }, "api_kind": class.code, "message": class.doc });
            let case = match AdaptyError::from_description(&info) {
                AdaptyError::Validation { .. } => "validation",
                AdaptyError::Connection { .. } => "connection",
                AdaptyError::Timeout { .. } => "timeout",
                AdaptyError::RateLimited { .. } => "rate_limit",
                AdaptyError::Api { .. } => "api",
                AdaptyError::Usage { .. } => "usage",
                AdaptyError::WebhookAuthorization { .. } => "webhook_authorization",
                AdaptyError::WebhookPayload { .. } => "webhook_payload",
            };
            let expected = match class.code {
                "rate_limit" | "validation" | "connection" | "timeout" | "usage" | "webhook_authorization" | "webhook_payload" => {
                    class.code
                }
                "internal" => "usage",
                _ => "api",
            };
            assert_eq!(case, expected, "{}", class.class);
        }
    }

    #[test]
    fn bulk_results_keep_their_order() {
        let text = r#"[null, {"kind": "api", "api_kind": "not_found", "status": 404, "message": "gone", "errors": [{"source": null, "errors": ["Profile not found"]}]}]"#;
        let errors = result_errors(text.into()).unwrap();
        assert_eq!(errors[0], None);
        let Some(AdaptyError::Api { status: 404, errors, .. }) = &errors[1] else { panic!("{errors:?}") };
        assert_eq!(errors[0].errors, ["Profile not found"]);
    }
}
