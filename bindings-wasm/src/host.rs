//! The exports (see the crate's doc).

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use adapty_server::events::Event;
use adapty_server::ops::{self, Json};
use adapty_server::trace::{AttemptSpan, CallTracer, SpanEnd, SpanStart};
use adapty_server::{Client, Config, Error, LogLevel, RequestOptions};
use futures_util::future::{AbortHandle, Abortable};
use js_sys::{Function, Promise};
use serde_json::Value;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The calls that can be aborted (given a signal), by id, until they settle.
    static ABORTABLE: RefCell<HashMap<u32, AbortHandle>> = RefCell::new(HashMap::new());
}

/// A configured core client.
#[wasm_bindgen]
pub struct WasmClient {
    inner: Client,
}

#[wasm_bindgen]
impl WasmClient {
    /// `options`: the JSON text of the core's settings (`Config::from_json`); a bad option
    /// throws an Error whose message is the JSON description.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str) -> Result<WasmClient, JsError> {
        let inner = json(options).and_then(|o| Config::from_json(&o).map_err(Error::Validation)).and_then(Client::new).map_err(thrown)?;
        Ok(Self { inner })
    }

    /// The base URL requests go to.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.inner.config().base_url_text().to_owned()
    }

    /// Runs the operation `op` with `args` (JSON text) and the call's `options`
    /// (`RequestOptions` JSON text); resolves to the outcome's JSON text. With `raw`, `ok` is
    /// `{ data, response }`; an `abortable` call can be aborted by `id` ([`abort`]); with
    /// `trace`, each attempt is its span.
    #[allow(clippy::too_many_arguments)]
    pub fn call(
        &self,
        op: String,
        args: &str,
        id: u32,
        options: Option<String>,
        raw: bool,
        abortable: bool,
        trace: Option<Function>,
    ) -> Promise {
        let run = json(args).and_then(|args| Ok((self.client_for(options)?, args)));
        settle(id, abortable, async move {
            let (client, args) = run?;
            traced(trace, async move {
                if raw {
                    ops::observe::call_raw(&client, &op, &args).await.map(|r| r.to_json())
                } else {
                    ops::call(&client, &op, &args).await
                }
            })
            .await
        })
    }

    /// Blocking: the core's refusal, as the outcome's JSON text.
    #[wasm_bindgen(js_name = callSync)]
    pub fn call_sync(&self, _op: String, _args: &str, _options: Option<String>, _raw: bool) -> String {
        ops::outcome(adapty_server::runtime::block_on(async { Ok(ops::null()) }))
    }

    /// A client sharing this one's settings and listeners, with `options` (JSON text) over its own.
    #[wasm_bindgen(js_name = withOptions)]
    pub fn with_options(&self, options: String) -> Result<WasmClient, JsError> {
        Ok(Self { inner: self.client_for(Some(options)).map_err(thrown)? })
    }

    /// Hands each request event's JSON text (`adapty_server::events`) to `callback`.
    pub fn listen(&self, callback: Function) {
        let callback = HostFn(callback);
        self.inner.add_listener(move |event: &Event<'_>| drop(callback.call(&[event.to_json().into()])));
    }

    /// Hands `callback` the log lines of `level` and above (default `warn`) as `LEVEL\tLINE`.
    #[wasm_bindgen(js_name = logTo)]
    pub fn log_to(&self, level: Option<String>, callback: Function) -> Result<(), JsError> {
        let level = match level {
            Some(level) => level.to_ascii_lowercase().parse().map_err(|e| thrown(Error::Validation(e)))?,
            None => LogLevel::Warn,
        };
        let callback = HostFn(callback);
        let sink = move |level: LogLevel, line: &str| drop(callback.call(&[format!("{}\t{line}", level.as_str()).into()]));
        self.inner.log_to(level, Arc::new(sink));
        Ok(())
    }

    /// A walk over every page of the list operation `op` with `args` (JSON text).
    pub fn walk(&self, op: String, args: &str) -> Result<WasmWalk, JsError> {
        let walk = json(args).and_then(|args| ops::Walk::new(&self.inner, &op, args)).map_err(thrown)?;
        Ok(WasmWalk { inner: Arc::new(walk) })
    }

    /// This client, or one with the call's `options` over its own.
    fn client_for(&self, options: Option<String>) -> Result<Client, Error> {
        match options.as_deref().map(json).transpose()?.filter(|o| !o.is_null()) {
            None => Ok(self.inner.clone()),
            Some(options) => self.inner.with_options(&RequestOptions::from_json(&options)?),
        }
    }
}

/// A walk over every page of a list (the core's `ops::Walk`).
#[wasm_bindgen]
pub struct WasmWalk {
    inner: Arc<ops::Walk>,
}

#[wasm_bindgen]
impl WasmWalk {
    /// The next page: resolves to `{ ok: items }`, `{ ok: null }` once the walk is over, or
    /// `{ error }` (after which it is over), as JSON text.
    pub fn next(&self, id: u32, trace: Option<Function>) -> Promise {
        let walk = self.inner.clone();
        settle(id, false, traced(trace, async move { walk.next().await.map(|items| items.unwrap_or_else(ops::null)) }))
    }

    /// Blocking: the core's refusal, as the outcome's JSON text.
    #[wasm_bindgen(js_name = nextSync)]
    pub fn next_sync(&self) -> String {
        ops::outcome(adapty_server::runtime::block_on(async { Ok(ops::null()) }))
    }
}

/// Aborts call `id` (an abortable one still running): its request is dropped and nothing is
/// retried; its Promise never settles (the caller has rejected its own already).
#[wasm_bindgen]
pub fn abort(id: u32) {
    if let Some(handle) = ABORTABLE.with_borrow_mut(|calls| calls.remove(&id)) {
        handle.abort();
    }
}

/// Whether the access levels (their JSON text) give `access_level_id` at `at` (RFC 3339; none:
/// now), by the core's rule; the outcome's JSON text.
#[wasm_bindgen(js_name = hasActiveAccess)]
pub fn has_active_access(access_levels: &str, access_level_id: &str, at: Option<String>) -> String {
    match ops::has_active_access(access_levels, access_level_id, at.as_deref()) {
        Ok(active) => format!(r#"{{"ok":{active}}}"#),
        Err(e) => ops::outcome(Err(e)),
    }
}

/// A webhook request read as an event (`adapty_server::webhooks`): with a `secret`, its
/// `authorization` header checked first; `event_names` (JSON text) maps renamed events. The
/// outcome's JSON text.
#[wasm_bindgen(js_name = webhookEvent)]
pub fn webhook_event(body: &[u8], authorization: Option<String>, secret: Option<String>, event_names: Option<String>) -> String {
    let names = event_names.as_deref().map(json).transpose().map(Option::unwrap_or_default);
    ops::outcome(
        names.and_then(|names| adapty_server::webhooks::construct_event_json(body, authorization.as_deref(), secret.as_deref(), &names)),
    )
}

/// A Promise of `work`'s outcome as JSON text; an `abortable` one can be aborted by `id`.
fn settle(id: u32, abortable: bool, work: impl Future<Output = Result<Json, Error>> + 'static) -> Promise {
    let outcome = async move { JsValue::from(ops::outcome(work.await)) };
    if !abortable {
        return wasm_bindgen_futures::future_to_promise(async move { Ok(outcome.await) });
    }
    let (handle, registration) = AbortHandle::new_pair();
    ABORTABLE.with_borrow_mut(|calls| calls.insert(id, handle));
    let run = Abortable::new(outcome, registration);
    // An aborted call never settles: the Promise is dropped with nobody waiting on it.
    wasm_bindgen_futures::future_to_promise(async move {
        let outcome = run.await;
        ABORTABLE.with_borrow_mut(|calls| calls.remove(&id));
        match outcome {
            Ok(outcome) => Ok(outcome),
            Err(_aborted) => std::future::pending().await,
        }
    })
}

/// `work`, each attempt of it a span of the JavaScript `trace` function when there is one.
async fn traced(trace: Option<Function>, work: impl Future<Output = Result<Json, Error>> + Send + 'static) -> Result<Json, Error> {
    match trace {
        Some(trace) => adapty_server::trace::traced(Arc::new(JsTracer(HostFn(trace))), work).await,
        None => work.await,
    }
}

fn json(text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::Internal { message: format!("the binding passed JSON the core cannot read: {e}") })
}

/// The core's error, thrown as an Error whose message is its JSON description.
fn thrown(e: Error) -> JsError {
    JsError::new(&e.to_json().to_string())
}

/// A JavaScript function the core may hold where it asks for `Send + Sync` (listeners, loggers,
/// tracers).
struct HostFn(Function);

// SAFETY: the WebAssembly build has one thread (the core's `runtime::host` refuses to build with
// the `atomics` feature), so the function is never sent to, or shared with, another.
unsafe impl Send for HostFn {}
unsafe impl Sync for HostFn {}

impl HostFn {
    /// Calls it; what it throws is its own business (a listener's failure fails no request).
    fn call(&self, args: &[JsValue]) -> JsValue {
        let args: js_sys::Array = args.iter().collect();
        self.0.apply(&JsValue::NULL, &args).unwrap_or(JsValue::UNDEFINED)
    }
}

/// A call's OpenTelemetry spans: `lib/tracing.js`'s `(id, json) => headers` function, called on
/// this thread, so each span starts at once.
struct JsTracer(HostFn);

struct JsSpan {
    id: u32,
    tell: Arc<HostFn>,
    headers: Vec<(String, String)>,
}

impl CallTracer for JsTracer {
    fn start(&self, id: u32, span: &SpanStart<'_>) -> Pin<Box<dyn Future<Output = Box<dyn AttemptSpan>> + Send>> {
        let answer = self.0.call(&[id.into(), span.to_json().into()]);
        let headers = answer.as_string().and_then(|h| serde_json::from_str(&h).ok()).unwrap_or_default();
        let tell = Arc::new(HostFn(self.0.0.clone()));
        Box::pin(std::future::ready(Box::new(JsSpan { id, tell, headers }) as Box<dyn AttemptSpan>))
    }
}

impl AttemptSpan for JsSpan {
    fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    fn end(self: Box<Self>, end: &SpanEnd) {
        self.tell.call(&[self.id.into(), end.to_json().into()]);
    }
}
