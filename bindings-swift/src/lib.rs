//! The library under the Swift and Kotlin packages (uniffi).
//!
//! Like the other bindings it only passes JSON: an operation name and snake_case arguments go
//! to the core's `ops::call`, the result's JSON comes back for the generated models, and the
//! core's `Error` becomes [`AdaptyError`], whose cases mirror the core's taxonomy. List walks
//! are the core's `ops::Walk` ([`NativeWalk`]): the cursor loop and its guard live there.

use std::sync::Arc;

use adapty_server::{Client, Config, Error, ops};
use serde_json::Value;

uniffi::setup_scaffolding!();

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
}

impl std::fmt::Display for AdaptyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let detail = match self {
            AdaptyError::Validation { detail, .. }
            | AdaptyError::Connection { detail }
            | AdaptyError::Timeout { detail }
            | AdaptyError::RateLimited { detail, .. }
            | AdaptyError::Api { detail, .. }
            | AdaptyError::Usage { detail } => detail,
        };
        f.write_str(detail)
    }
}

impl std::error::Error for AdaptyError {}

impl From<Error> for AdaptyError {
    fn from(e: Error) -> Self {
        let detail = e.to_string();
        match e {
            Error::Validation(v) => AdaptyError::Validation {
                field: v.field,
                rule: v.rule.as_str().to_owned(),
                error_code: v.api_code.map(str::to_owned),
                detail,
            },
            Error::Connection { .. } => AdaptyError::Connection { detail },
            Error::Timeout { .. } => AdaptyError::Timeout { detail },
            Error::Api(a) if a.status == 429 => AdaptyError::RateLimited {
                retry_after_seconds: a.retry_after.map(|d| d.as_secs_f64()),
                error_code: a.error_code,
                request_id: a.request_id,
                body: a.body,
                detail,
            },
            Error::Api(a) => AdaptyError::Api {
                status: a.status,
                errors: a.errors.into_iter().map(|f| FieldError { source: f.source, errors: f.errors }).collect(),
                error_code: a.error_code,
                request_id: a.request_id,
                body: a.body,
                detail,
            },
            Error::Usage { .. } | Error::Internal { .. } => AdaptyError::Usage { detail },
        }
    }
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
        Ok(ops::call(&self.inner, &op, &args).await?.to_string())
    }

    /// `call`, blocking the calling thread.
    pub fn call_blocking(&self, op: String, args_json: String) -> Result<String, AdaptyError> {
        let args = parse(&args_json, "args")?;
        let client = self.inner.clone();
        Ok(adapty_server::runtime::block_on(async move { ops::call(&client, &op, &args).await })?.to_string())
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
        Ok(self.inner.next().await?.map(|items| items.to_string()))
    }

    /// `next`, blocking the calling thread.
    pub fn next_blocking(&self) -> Result<Option<String>, AdaptyError> {
        let walk = Arc::clone(&self.inner);
        Ok(adapty_server::runtime::block_on(async move { walk.next().await })?.map(|items| items.to_string()))
    }
}

fn parse(json: &str, what: &str) -> Result<Value, AdaptyError> {
    serde_json::from_str(json).map_err(|e| AdaptyError::Usage { detail: format!("{what} are not JSON: {e}") })
}
