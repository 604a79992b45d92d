//! The library under the Swift and Kotlin packages (uniffi).
//!
//! Like the other bindings it only passes JSON: an operation name and snake_case arguments go
//! to the core's `ops::call`, the result's JSON comes back for the generated models, and the
//! core's `Error` becomes [`AdaptyError`] by its description's `kind` and `api_kind` (the core
//! classifies; nothing here maps a status itself), in one place that bulk results use too
//! ([`result_errors`]). The error taxonomy Python and Node have as classes is [`ErrorClass`],
//! generated from the manifest (`error_class.rs`); each case tells its class
//! ([`AdaptyError::error_class`]). List walks are the core's `ops::Walk` ([`NativeWalk`]): the
//! cursor loop and its guard live there.

#[path = "generated/error_class.rs"]
mod error_class;
mod trace;

use std::sync::{Arc, Mutex};

use adapty_server::events::{Event, ListenerId};
use adapty_server::{ApiErrorKind, Client, Config, Error, LogLevel, RequestOptions, ops};
pub use error_class::ErrorClass;
use futures_util::future::{AbortHandle, abortable};
use serde_json::Value;
pub use trace::CallTrace;

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
    /// Any other error status from the API. The status is signed (`Int`, `Int32`): Kotlin's
    /// unsigned types are value classes, whose getters Java sees under mangled names.
    Api { status: i32, error_code: Option<String>, errors: Vec<FieldError>, request_id: Option<String>, body: String, detail: String },
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
        let class = |key: &str| info[key].as_str().and_then(ErrorClass::from_code);
        let detail = text("message").unwrap_or_default();
        match class("kind") {
            Some(ErrorClass::Validation) => AdaptyError::Validation {
                field: text("field").unwrap_or_default(),
                rule: text("rule").unwrap_or_default(),
                error_code: text("error_code"),
                detail,
            },
            Some(ErrorClass::Connection) => AdaptyError::Connection { detail },
            Some(ErrorClass::Timeout) => AdaptyError::Timeout { detail },
            Some(ErrorClass::Api) if class("api_kind") == Some(ErrorClass::RateLimit) => AdaptyError::RateLimited {
                retry_after_seconds: info["retry_after"].as_f64(),
                error_code: text("error_code"),
                request_id: text("request_id"),
                body: text("body").unwrap_or_default(),
                detail,
            },
            Some(ErrorClass::Api) => AdaptyError::Api {
                status: info["status"].as_i64().and_then(|s| i32::try_from(s).ok()).unwrap_or_default(),
                errors: info["errors"].as_array().into_iter().flatten().map(FieldError::from_description).collect(),
                error_code: text("error_code"),
                request_id: text("request_id"),
                body: text("body").unwrap_or_default(),
                detail,
            },
            Some(ErrorClass::WebhookAuthorization) => AdaptyError::WebhookAuthorization { detail },
            Some(ErrorClass::WebhookPayload) => AdaptyError::WebhookPayload { field: text("field").unwrap_or_default(), detail },
            _ => AdaptyError::Usage { detail },
        }
    }
}

#[uniffi::export]
impl AdaptyError {
    /// The class of this error in the taxonomy every language shares: Python's and Node's
    /// exception class for the same failure (`NotFound` for a 404, a kind of `Api`). The core's
    /// `internal` errors (a caught SDK bug) arrive as the `Usage` case and read `Usage`: that case
    /// predates the class, and a field telling them apart would break `Usage(detail)` patterns.
    pub fn error_class(&self) -> ErrorClass {
        match self {
            AdaptyError::Validation { .. } => ErrorClass::Validation,
            AdaptyError::Connection { .. } => ErrorClass::Connection,
            AdaptyError::Timeout { .. } => ErrorClass::Timeout,
            AdaptyError::RateLimited { .. } => ErrorClass::RateLimit,
            // The core's `api_kind` of the status (`ApiError::kind`), as Python and Node pick theirs.
            AdaptyError::Api { status, .. } => {
                ErrorClass::from_code(ApiErrorKind::from_status(u16::try_from(*status).unwrap_or_default()).as_str())
                    .unwrap_or(ErrorClass::Api)
            }
            AdaptyError::Usage { .. } => ErrorClass::Usage,
            AdaptyError::WebhookAuthorization { .. } => ErrorClass::WebhookAuthorization,
            AdaptyError::WebhookPayload { .. } => ErrorClass::WebhookPayload,
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

/// Whether the access levels (`access_levels_json`, as the core writes them) give
/// `access_level_id` at `at` (RFC 3339 text; nil: now), by the core's rule
/// (`ops::has_active_access`).
#[uniffi::export]
pub fn has_active_access_json(access_levels_json: String, access_level_id: String, at: Option<String>) -> Result<bool, AdaptyError> {
    Ok(ops::has_active_access(&access_levels_json, &access_level_id, at.as_deref())?)
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

    /// Runs the core operation `op` with JSON `args_json`; returns the result's JSON, or with
    /// `raw` `{"data": result, "response": {"status", "headers", "request_id", "retries"}}`
    /// (`ops::observe::call_raw`). A `cancellation` cancelled meanwhile drops the request; with a
    /// `trace`, each attempt is its span.
    pub async fn call(
        &self,
        op: String,
        args_json: String,
        raw: bool,
        cancellation: Option<Arc<Cancellation>>,
        trace: Option<Arc<dyn CallTrace>>,
    ) -> Result<String, AdaptyError> {
        let args = parse(&args_json, "args")?;
        let (call, abort) = abortable(run(self.inner.clone(), op, args, raw, trace));
        if let Some(cancellation) = cancellation {
            cancellation.attach(abort);
        }
        call.await.unwrap_or_else(|_| Err(AdaptyError::Usage { detail: "the call was cancelled".into() }))
    }

    /// `call`, blocking the calling thread.
    pub fn call_blocking(
        &self,
        op: String,
        args_json: String,
        raw: bool,
        trace: Option<Arc<dyn CallTrace>>,
    ) -> Result<String, AdaptyError> {
        let args = parse(&args_json, "args")?;
        let client = self.inner.clone();
        adapty_server::runtime::block_on(async move { Ok(run(client, op, args, raw, trace).await) })?
    }

    /// A client sharing this one's settings, pool and listeners, whose calls use the options
    /// `options_json` (`RequestOptions::from_json`) over its own.
    pub fn with_options(&self, options_json: String) -> Result<Arc<NativeClient>, AdaptyError> {
        let options = RequestOptions::from_json(&parse(&options_json, "options")?).map_err(Error::Validation)?;
        Ok(Arc::new(Self { inner: self.inner.with_options(&options)? }))
    }

    /// Tells `listener` of every request event of this client and the clients made from it,
    /// until the returned registration is cancelled.
    pub fn add_listener(&self, listener: Arc<dyn EventListener>) -> Arc<ListenerRegistration> {
        let id = self.inner.add_listener(move |event: &Event<'_>| listener.on_event(event.to_json()));
        Arc::new(ListenerRegistration { client: self.inner.clone(), id })
    }

    /// Hands `sink` the log lines (`adapty_server::log`) of `level` (`debug`, `info`, `warn`,
    /// `error`) and above: a language's own logger (SLF4J).
    pub fn log_to(&self, level: String, sink: Arc<dyn LogSink>) -> Result<Arc<ListenerRegistration>, AdaptyError> {
        let level: LogLevel = level.to_ascii_lowercase().parse().map_err(Error::Validation)?;
        let id =
            self.inner.log_to(level, Arc::new(move |level: LogLevel, line: &str| sink.log(level.as_str().to_owned(), line.to_owned())));
        Ok(Arc::new(ListenerRegistration { client: self.inner.clone(), id }))
    }

    /// A walk over every page of the list operation `op` (one with a walk in `ops::manifest`) with JSON `args_json`
    /// (no `cursor`: the walk sends it).
    pub fn walk(&self, op: String, args_json: String) -> Result<Arc<NativeWalk>, AdaptyError> {
        let args = parse(&args_json, "args")?;
        Ok(Arc::new(NativeWalk { inner: Arc::new(ops::Walk::new(&self.inner, &op, args)?) }))
    }
}

/// Receives each request event's JSON (`adapty_server::events`), on the thread the request
/// runs on: it must be quick and must not block.
#[uniffi::export(with_foreign)]
pub trait EventListener: Send + Sync {
    fn on_event(&self, event_json: String);
}

/// Receives log lines, on the thread the request runs on.
#[uniffi::export(with_foreign)]
pub trait LogSink: Send + Sync {
    fn log(&self, level: String, line: String);
}

/// A listener's registration.
#[derive(uniffi::Object)]
pub struct ListenerRegistration {
    client: Client,
    id: ListenerId,
}

#[uniffi::export]
impl ListenerRegistration {
    /// Stops telling the listener; `false` if it was stopped already.
    pub fn cancel(&self) -> bool {
        self.client.remove_listener(self.id)
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
    /// The next page's items (a JSON array of the models), or `None` when the walk is over;
    /// with a `trace`, each attempt is its span.
    pub async fn next(&self, trace: Option<Arc<dyn CallTrace>>) -> Result<Option<String>, AdaptyError> {
        let walk = Arc::clone(&self.inner);
        Ok(trace::traced(trace, Box::pin(async move { walk.next().await })).await?.map(text))
    }

    /// `next`, blocking the calling thread.
    pub fn next_blocking(&self, trace: Option<Arc<dyn CallTrace>>) -> Result<Option<String>, AdaptyError> {
        let walk = Arc::clone(&self.inner);
        Ok(adapty_server::runtime::block_on(trace::traced(trace, Box::pin(async move { walk.next().await })))?.map(text))
    }
}

/// Runs `op`: its result's JSON, or with `raw` `{ data, response }`; traced by `trace`.
async fn run(client: Client, op: String, args: Value, raw: bool, trace: Option<Arc<dyn CallTrace>>) -> Result<String, AdaptyError> {
    let call: trace::Call<_> = Box::pin(async move {
        if raw { ops::observe::call_raw(&client, &op, &args).await.map(|r| r.to_json()) } else { ops::call(&client, &op, &args).await }
    });
    Ok(text(trace::traced(trace, call).await?))
}

/// Cancels a call from the foreign side (Swift's task cancellation; uniffi's Swift futures
/// cannot be dropped from there): the call's future is dropped, and with it the request.
#[derive(Default, uniffi::Object)]
pub struct Cancellation {
    /// The call's abort handle, once it started; `None` in the second slot until cancelled.
    state: Mutex<(Option<AbortHandle>, bool)>,
}

#[uniffi::export]
impl Cancellation {
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::default()
    }

    /// Cancels the call (now, or as it starts).
    pub fn cancel(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.1 = true;
        if let Some(abort) = &state.0 {
            abort.abort();
        }
    }
}

impl Cancellation {
    fn attach(&self, abort: AbortHandle) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.1 {
            abort.abort();
        }
        state.0 = Some(abort);
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

    /// Every class of the core's taxonomy lands on its case, and the case reads as that class:
    /// API classes by `api_kind` (so a 429 is `RateLimited` because the core says `rate_limit`)
    /// with the status the manifest gives them; `internal` is folded into `Usage`.
    #[test]
    fn every_error_class_has_its_case() {
        for class in ERROR_CLASSES {
            let api = class.parent == Some("api");
            let status: u16 = class.status.map_or(0, |s| s.replace("xx", "00").parse().unwrap());
            let info = serde_json::json!({
                "kind": if api { "api" } else { class.code },
                "api_kind": class.code,
                "status": status,
                "message": class.doc,
            });
            let error = AdaptyError::from_description(&info);
            let expected = if class.code == "internal" { ErrorClass::Usage } else { ErrorClass::from_code(class.code).unwrap() };
            assert_eq!(error.error_class(), expected, "{}: {error:?}", class.class);
        }
    }

    /// The generated enum is the manifest's taxonomy: codes, names, parents, statuses, order.
    #[test]
    fn error_classes_are_the_manifests() {
        let generated: Vec<_> =
            ErrorClass::ALL.iter().map(|c| (c.code(), c.class_name(), c.parent().map(ErrorClass::code), c.status())).collect();
        let manifest: Vec<_> = ERROR_CLASSES.iter().map(|c| (c.code, c.class.to_owned(), c.parent, c.status.map(str::to_owned))).collect();
        assert_eq!(generated, manifest);
        assert!(ErrorClass::NotFound.is_a(ErrorClass::Api) && ErrorClass::Timeout.is_a(ErrorClass::Connection));
        assert!(!ErrorClass::Api.is_a(ErrorClass::NotFound) && !ErrorClass::Usage.is_a(ErrorClass::Api));
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
