//! The native addon under the `adapty-server` npm package.
//!
//! It only passes JSON: `lib/native.js` sends an operation name and snake_case arguments to the
//! core's `ops::call`, and gets the JSON text of `{ ok: value }` or `{ error: description }` back
//! (never a rejection) for `JSON.parse`, from which it builds every error the same way. List walks go through
//! the core's `ops::Walk` (one `NativeWalk` per walk), so the cursor handling lives in the core.
//!
//! A background call runs as a task on the SDK's runtime and reports to the JavaScript thread's
//! [`NativeCompletions`], which hands every outcome that arrived meanwhile to JavaScript in one
//! batch: one wake-up of the event loop for many calls, one thread-safe function for the
//! JavaScript environment (a napi deferred makes and frees one per Promise, and settles each with
//! a wake-up of its own).

mod tracing;

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use adapty_server::events::Event;
use adapty_server::ops::{self, Json};
use adapty_server::{Client, Config, Error, LogLevel, RequestOptions};
use futures_util::FutureExt;
use napi::bindgen_prelude::{Either, Function, Uint8Array};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use serde_json::Value;
use tokio::task::AbortHandle;

/// Every Rust allocation of the addon (the core's included) goes to mimalloc: requests are
/// allocated on one thread and freed on another, where glibc's malloc took about a sixth of the
/// CPU at 64 calls in flight (docs/ARCHITECTURE.md, "Where a call's time goes").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The outcomes waiting for the JavaScript thread: the JSON text of a list of `[id, outcome]`
/// pairs, without its closing bracket (empty when nothing waits).
type Outcomes = Arc<Mutex<String>>;

/// Where the background calls of one JavaScript environment (the main thread, or a worker)
/// report: `settle(batch)` receives the JSON text of the `[id, outcome]` pairs that arrived since
/// its last call (one string and one `JSON.parse` per batch: V8 builds the objects faster from
/// text than napi does property by property).
/// Its thread-safe function is weak: what keeps the event loop alive while calls are in flight
/// is `lib/native.js`'s business. Once the environment is torn down (`process.exit`, a worker
/// terminated), outcomes are dropped: napi-rs refuses calls to a closed thread-safe function.
#[napi]
pub struct NativeCompletions {
    inner: Arc<Completions>,
}

struct Completions {
    outcomes: Outcomes,
    settle: ThreadsafeFunction<(), (), String, napi::Status, false, true>,
    /// The calls that can be aborted (given a signal), by id, until they report.
    abortable: Mutex<HashMap<u32, AbortHandle>>,
}

#[napi]
impl NativeCompletions {
    #[napi(constructor, ts_args_type = "settle: (batch: string) => void")]
    pub fn new(settle: Function<String, ()>) -> napi::Result<Self> {
        let outcomes = Outcomes::default();
        let taken = outcomes.clone();
        let settle = settle.build_threadsafe_function::<()>().weak::<true>().build_callback(move |_| {
            let mut batch = std::mem::take(&mut *lock(&taken));
            batch.push(']');
            Ok(batch)
        })?;
        Ok(Self { inner: Arc::new(Completions { outcomes, settle, abortable: Mutex::default() }) })
    }

    /// Aborts call `id` (an abortable one still running): its request is dropped, nothing is
    /// retried, and it never reports (the caller has rejected its Promise already).
    #[napi]
    pub fn abort(&self, id: u32) {
        if let Some(task) = lock(&self.inner.abortable).remove(&id) {
            task.abort();
        }
    }
}

impl Completions {
    /// Queues call `id`'s outcome; the first one queued since the last batch wakes the loop.
    fn report(&self, id: u32, outcome: &str) {
        let was_empty = {
            let mut outcomes = lock(&self.outcomes);
            let was_empty = outcomes.is_empty();
            outcomes.push_str(if was_empty { "[[" } else { ",[" });
            outcomes.push_str(&id.to_string());
            outcomes.push(',');
            outcomes.push_str(outcome);
            outcomes.push(']');
            was_empty
        };
        if was_empty {
            // `Closing` once the environment is gone: nobody waits for the outcome any more.
            let _ = self.settle.call((), ThreadsafeFunctionCallMode::NonBlocking);
        }
    }

    /// Runs `work` on the SDK's runtime and reports its outcome (`{ ok }` or `{ error }`) as
    /// call `id`'s; a panic is reported as the core's internal error, so every call settles. An
    /// `abortable` call can be aborted by id until it reports.
    fn spawn(self: &Arc<Self>, id: u32, abortable: bool, work: impl Future<Output = Result<Json, Error>> + Send + 'static) {
        let completions = self.clone();
        match adapty_server::runtime::handle() {
            Ok(runtime) => {
                // Held while the task is registered, so it cannot report before it is.
                let mut registry = abortable.then(|| lock(&self.abortable));
                let task = runtime.spawn(async move {
                    let result = AssertUnwindSafe(work).catch_unwind().await;
                    let panicked = || Err(Error::Internal { message: "an SDK task panicked".into() });
                    if abortable {
                        lock(&completions.abortable).remove(&id);
                    }
                    completions.report(id, &ops::outcome(result.unwrap_or_else(|_| panicked())));
                });
                if let Some(registry) = registry.as_mut() {
                    registry.insert(id, task.abort_handle());
                }
            }
            Err(e) => completions.report(id, &ops::outcome(Err(e))),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A configured core client.
#[napi]
pub struct NativeClient {
    inner: Client,
    completions: Arc<Completions>,
}

#[napi]
impl NativeClient {
    /// `options`: the core's JSON settings (`Config::from_json`). A bad option throws an
    /// error whose message is the JSON description.
    /// Background calls report to `completions`, those of the environment the client is made in.
    #[napi(constructor)]
    pub fn new(options: Value, completions: &NativeCompletions) -> napi::Result<Self> {
        let built = Config::from_json(&options).map_err(Error::Validation);
        let inner = built.and_then(Client::new).map_err(|e| napi::Error::from_reason(e.to_json().to_string()))?;
        Ok(Self { inner, completions: completions.inner.clone() })
    }

    /// The base URL requests go to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.config().base_url_text().to_owned()
    }

    /// Runs the operation `op` (a name of the core's manifest) with `args` and the call's
    /// `options` (`RequestOptions::from_json`) in the background; its outcome, `{ ok }` or
    /// `{ error }`, comes to the completions' `settle` as call `id`'s. With `raw`, `ok` is
    /// `{ data, response }`; an `abortable` call can be aborted (`NativeCompletions.abort`); with
    /// `trace` (`lib/tracing.js`), each attempt is its span.
    #[napi(
        ts_args_type = "op: string, args: any, id: number, options: any | null, raw: boolean, abortable: boolean, trace?: ((id: number, json: string) => string | undefined) | null"
    )]
    #[allow(clippy::too_many_arguments)]
    pub fn call(
        &self,
        op: String,
        args: Value,
        id: u32,
        options: Option<Value>,
        raw: bool,
        abortable: bool,
        trace: Option<tracing::TraceFn<'_>>,
    ) -> napi::Result<()> {
        let tracer = trace.map(tracing::JsTracer::new).transpose()?;
        match self.client_for(options) {
            Ok(client) => self.completions.spawn(id, abortable, traced(tracer, run(client, op, args, raw))),
            Err(e) => self.completions.report(id, &ops::outcome(Err(e))),
        }
        Ok(())
    }

    /// The same as `call`, blocking the calling thread (and so the event loop); returns the
    /// outcome's JSON text.
    #[napi]
    pub fn call_sync(&self, op: String, args: Value, options: Option<Value>, raw: bool) -> String {
        let run = self.client_for(options).map(|client| run(client, op, args, raw));
        ops::outcome(run.and_then(adapty_server::runtime::block_on))
    }

    /// A client sharing this one's settings, pool and listeners, with `options` over its own; a
    /// wrong option throws an error whose message is the JSON description.
    #[napi]
    pub fn with_options(&self, options: Value) -> napi::Result<NativeClient> {
        let inner = self.client_for(Some(options)).map_err(|e| napi::Error::from_reason(e.to_json().to_string()))?;
        Ok(NativeClient { inner, completions: self.completions.clone() })
    }

    /// Hands each request event's JSON text (`adapty_server::events`) to `callback` on the
    /// JavaScript thread. Weak: it never keeps the event loop alive.
    #[napi(ts_args_type = "callback: (event: string) => void")]
    pub fn listen(&self, callback: Function<String, ()>) -> napi::Result<()> {
        let tell = callback.build_threadsafe_function::<String>().weak::<true>().build()?;
        self.inner.add_listener(move |event: &Event<'_>| {
            // `Closing` once the environment is gone: nobody listens any more.
            let _ = tell.call(event.to_json(), ThreadsafeFunctionCallMode::NonBlocking);
        });
        Ok(())
    }

    /// Hands `callback` the log lines (`adapty_server::log`) of `level` and above (default:
    /// `ADAPTY_LOG`, else `warn`) as `LEVEL\tLINE`, on the JavaScript thread: the `logger`
    /// option. Weak: it never keeps the event loop alive.
    #[napi(ts_args_type = "level: string | null, callback: (entry: string) => void")]
    pub fn log_to(&self, level: Option<String>, callback: Function<String, ()>) -> napi::Result<()> {
        let level = match level {
            Some(level) => level
                .to_ascii_lowercase()
                .parse()
                .map_err(|e: adapty_server::ValidationError| napi::Error::from_reason(Error::Validation(e).to_json().to_string()))?,
            None => LogLevel::from_env().unwrap_or(LogLevel::Warn),
        };
        let tell = callback.build_threadsafe_function::<String>().weak::<true>().build()?;
        self.inner.log_to(
            level,
            Arc::new(move |level: LogLevel, line: &str| {
                let _ = tell.call(format!("{}\t{line}", level.as_str()), ThreadsafeFunctionCallMode::NonBlocking);
            }),
        );
        Ok(())
    }

    /// This client, or one with the call's `options` over its own.
    fn client_for(&self, options: Option<Value>) -> Result<Client, Error> {
        match options.filter(|o| !o.is_null()) {
            None => Ok(self.inner.clone()),
            Some(options) => self.inner.with_options(&RequestOptions::from_json(&options)?),
        }
    }

    /// A walk over every page of the list operation `op` (one the manifest gives a walk) with
    /// `args`; an `op` that is not one throws an error whose message is the JSON description.
    #[napi]
    pub fn walk(&self, op: String, args: Value) -> napi::Result<NativeWalk> {
        let walk = ops::Walk::new(&self.inner, &op, args).map_err(|e| napi::Error::from_reason(e.to_json().to_string()))?;
        Ok(NativeWalk { inner: Arc::new(walk), completions: self.completions.clone() })
    }
}

/// Runs `op`: its result, or with `raw`, `{ data, response }`.
async fn run(client: Client, op: String, args: Value, raw: bool) -> Result<Json, Error> {
    if raw { ops::observe::call_raw(&client, &op, &args).await.map(|r| r.to_json()) } else { ops::call(&client, &op, &args).await }
}

/// `work`, each attempt of it a span of `tracer` when there is one.
async fn traced(
    tracer: Option<tracing::JsTracer>,
    work: impl Future<Output = Result<Json, Error>> + Send + 'static,
) -> Result<Json, Error> {
    match tracer {
        Some(tracer) => adapty_server::trace::traced(Arc::new(tracer), work).await,
        None => work.await,
    }
}

/// A walk over every page of a list (the core's `ops::Walk`): its cursor state and the guard
/// against a repeated cursor live in the core.
#[napi]
pub struct NativeWalk {
    inner: Arc<ops::Walk>,
    completions: Arc<Completions>,
}

#[napi]
impl NativeWalk {
    /// Fetches the next page in the background, reported as call `id`'s: `{ ok: items }` (the
    /// models' JSON), `{ ok: null }` when the walk is over, or `{ error }` (after which the walk
    /// is over). With `trace`, its attempts are spans, as a call's.
    #[napi(ts_args_type = "id: number, trace?: ((id: number, json: string) => string | undefined) | null")]
    pub fn next(&self, id: u32, trace: Option<tracing::TraceFn<'_>>) -> napi::Result<()> {
        let tracer = trace.map(tracing::JsTracer::new).transpose()?;
        let walk = self.inner.clone();
        let page = async move { walk.next().await.map(|items| items.unwrap_or_else(ops::null)) };
        self.completions.spawn(id, false, traced(tracer, page));
        Ok(())
    }

    /// The same as `next`, blocking the calling thread (and so the event loop); returns the
    /// outcome's JSON text.
    #[napi]
    pub fn next_sync(&self) -> String {
        let walk = self.inner.clone();
        ops::outcome(adapty_server::runtime::block_on(async move { walk.next().await }).map(|items| items.unwrap_or_else(ops::null)))
    }
}

/// Whether the access levels (`access_levels`, their JSON text as the core writes them) give
/// `access_level_id` at `at` (RFC 3339 text; null: now), by the core's rule
/// (`ops::has_active_access`). Returns the outcome's JSON text, `{ ok: bool }` or `{ error }`.
#[napi]
pub fn has_active_access(access_levels: String, access_level_id: String, at: Option<String>) -> String {
    match ops::has_active_access(&access_levels, &access_level_id, at.as_deref()) {
        Ok(active) => format!(r#"{{"ok":{active}}}"#),
        Err(e) => ops::outcome(Err(e)),
    }
}

/// A webhook request read as an event (`adapty_server::webhooks`): with a `secret`, its
/// `authorization` header checked first; `event_names` maps renamed events to Adapty's types.
/// Returns the outcome's JSON text, `{ ok: event }` or `{ error }`, as a call does.
#[napi]
pub fn webhook_event(
    body: Either<Uint8Array, String>,
    authorization: Option<String>,
    secret: Option<String>,
    event_names: Option<Value>,
) -> String {
    let body: &[u8] = match &body {
        Either::A(bytes) => bytes,
        Either::B(text) => text.as_bytes(),
    };
    let names = event_names.unwrap_or(Value::Null);
    ops::outcome(adapty_server::webhooks::construct_event_json(body, authorization.as_deref(), secret.as_deref(), &names))
}
