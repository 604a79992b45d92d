//! `adapty_server._native`: the Python face of the Rust core.
//!
//! It only converts: Python data to JSON for the core's `ops::call`, the results' JSON text back
//! to plain Python data for the generated models (`_generated/models.py`, with Python's own `json`
//! decoder), and the core's `Error` to the exception classes of `_generated/exceptions.py`. A call runs
//! blocking with the GIL released, or, given an asyncio future and its loop's [`Completions`], in
//! the background, settling the future.

mod completions;
mod logging;
mod shutdown;
mod tracing;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use adapty_server::events::Event;
use adapty_server::ops::{self, Json};
use adapty_server::{Client as CoreClient, Config, Error, RequestOptions};
use completions::Completions;
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Value};

/// Every Rust allocation of the extension (the core's included) goes to mimalloc: requests are
/// allocated on one thread and freed on another, where glibc's malloc took about a sixth of the
/// CPU at 64 calls in flight (docs/ARCHITECTURE.md, "Where a call's time goes").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

type Op = Pin<Box<dyn Future<Output = Result<Json, Error>> + Send>>;

/// A configured core client.
#[pyclass(frozen, module = "adapty_server._native")]
struct Client {
    inner: CoreClient,
}

#[pymethods]
impl Client {
    /// `options`: the core's JSON settings (`Config::from_json`).
    #[new]
    fn new(py: Python<'_>, options: &Bound<'_, PyDict>) -> PyResult<Self> {
        let options = py_to_json(options.as_any(), "")?;
        let config = Config::from_json(&options).map_err(|e| to_py_err(py, Error::Validation(e)))?;
        logging::sync_level(py)?;
        let inner = CoreClient::new(config).map_err(|e| to_py_err(py, e))?;
        Ok(Self { inner })
    }

    /// The base URL requests go to (after defaults and `ADAPTY_BASE_URL`).
    #[getter]
    fn base_url(&self) -> String {
        self.inner.config().base_url_text().to_owned()
    }

    /// The API generation requests use (after the default).
    #[getter]
    fn api_version(&self) -> &'static str {
        self.inner.config().api_version().as_str()
    }

    /// Runs the core operation `op` (e.g. `"profiles.get"`) with `args` (see `adapty_server::ops`)
    /// and the call's `options` (`RequestOptions::from_json`): blocking, or in the background
    /// settling `future` (see [`run`]). With `raw`, the result is `{"data", "response"}`; with a
    /// `trace` (`adapty_server._tracing.CallTracer`), each attempt is its span.
    #[pyo3(signature = (op, args, options=None, raw=false, completions=None, future=None, trace=None))]
    #[allow(clippy::too_many_arguments)]
    fn call(
        &self,
        py: Python<'_>,
        op: String,
        args: &Bound<'_, PyDict>,
        options: Option<&Bound<'_, PyDict>>,
        raw: bool,
        completions: Option<Py<Completions>>,
        future: Option<Py<PyAny>>,
        trace: Option<Py<PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let args = py_to_json(args.as_any(), "")?;
        let client = match options {
            Some(options) => self.with_options(py, options)?.inner,
            None => self.inner.clone(),
        };
        let op: Op = if raw {
            Box::pin(async move { ops::observe::call_raw(&client, &op, &args).await.map(|r| r.to_json()) })
        } else {
            Box::pin(async move { ops::call(&client, &op, &args).await })
        };
        run(py, traced(op, trace), completions.zip(future))
    }

    /// A client sharing this one's settings, pool and listeners, with `options` over its own.
    fn with_options(&self, py: Python<'_>, options: &Bound<'_, PyDict>) -> PyResult<Client> {
        let options = py_to_json(options.as_any(), "")?;
        let options = RequestOptions::from_json(&options).map_err(|e| to_py_err(py, Error::Validation(e)))?;
        let inner = self.inner.with_options(&options).map_err(|e| to_py_err(py, e))?;
        Ok(Client { inner })
    }

    /// Calls `callback` with each request event's JSON text (`adapty_server::events`), on the
    /// thread the request runs on.
    fn listen(&self, callback: Py<PyAny>) {
        self.inner.add_listener(move |event: &Event<'_>| {
            let text = event.to_json();
            shutdown::attach(|py| {
                if let Err(e) = callback.call1(py, (text,)) {
                    e.write_unraisable(py, Some(callback.bind(py)));
                }
            });
        });
    }

    /// A walk over every page of the list operation `op` (see `adapty_server::ops::Walk`).
    fn walk(&self, py: Python<'_>, op: String, args: &Bound<'_, PyDict>) -> PyResult<Walk> {
        let args = py_to_json(args.as_any(), "")?;
        let walk = ops::Walk::new(&self.inner, &op, args).map_err(|e| to_py_err(py, e))?;
        Ok(Walk { inner: Arc::new(walk) })
    }
}

/// The core's page walk: `next` gives the next page's items, `None` at the end.
#[pyclass(frozen, module = "adapty_server._native")]
struct Walk {
    inner: Arc<ops::Walk>,
}

#[pymethods]
impl Walk {
    /// Blocking, or in the background settling `future`, traced by `trace`, like `Client.call`.
    #[pyo3(signature = (completions=None, future=None, trace=None))]
    fn next(
        &self,
        py: Python<'_>,
        completions: Option<Py<Completions>>,
        future: Option<Py<PyAny>>,
        trace: Option<Py<PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let walk = self.inner.clone();
        let op: Op = Box::pin(async move { walk.next().await.map(|items| items.unwrap_or_else(ops::null)) });
        run(py, traced(op, trace), completions.zip(future))
    }
}

/// Lets a Python awaitable cancel the request it waits for.
#[pyclass(frozen, module = "adapty_server._native")]
struct Pending {
    handle: tokio::task::AbortHandle,
    completions: Py<Completions>,
    token: u64,
}

#[pymethods]
impl Pending {
    fn abort(&self) {
        self.handle.abort();
        self.completions.get().forget(self.token);
    }
}

/// `op`, each attempt of it a span of `trace` when there is one.
fn traced(op: Op, trace: Option<Py<PyAny>>) -> Op {
    match trace {
        Some(trace) => Box::pin(adapty_server::trace::traced(Arc::new(tracing::PyTracer(trace)), op)),
        None => op,
    }
}

/// How long a blocking call waits outside the interpreter before checking for signals, so that
/// Ctrl-C interrupts a slow request (Python runs signal handlers only on the main thread, and
/// only when it is attached).
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

/// Runs `op`: blocking without the GIL, or, given a loop's completions and a future of that
/// loop, in the background (the future is settled on the loop's thread).
fn run(py: Python<'_>, op: Op, background: Option<(Py<Completions>, Py<PyAny>)>) -> PyResult<Py<PyAny>> {
    let Some((completions, future)) = background else {
        let mut task = adapty_server::runtime::start_blocking(op).map_err(|e| to_py_err(py, e))?;
        loop {
            let (waited, inside) = py.detach(|| (task.wait_for(SIGNAL_CHECK), shutdown::before_reattach()));
            drop(inside);
            match waited {
                Ok(Ok(v)) => return json_to_py(py, v.get()),
                Ok(Err(e)) => return Err(to_py_err(py, e)),
                // A signal handler that raises (KeyboardInterrupt) ends the call; dropping the
                // task aborts the request.
                Err(running) => {
                    py.check_signals()?;
                    task = running;
                }
            }
        }
    };
    if shutdown::exiting() {
        let message = "the interpreter is exiting: an async call could not report its result; use the blocking client";
        return Err(to_py_err(py, Error::Usage { message: message.into() }));
    }
    let handle = adapty_server::runtime::handle().map_err(|e| to_py_err(py, e))?;
    let reporter = completions.get().expect(future);
    let token = reporter.token();
    let task = handle.spawn(async move { reporter.report(op.await) });
    Pending { handle: task.abort_handle(), completions, token }.into_py_any(py)
}

/// Python data to JSON; anything else is a `TypeError` naming where it was.
fn py_to_json(obj: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    let at = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    if obj.is_none() {
        Ok(Value::Null)
    } else if let Ok(b) = obj.cast::<PyBool>() {
        Ok(Value::Bool(b.is_true()))
    } else if obj.is_instance_of::<PyInt>() {
        match obj.extract::<i64>() {
            Ok(i) => Ok(Value::from(i)),
            Err(_) => Err(PyTypeError::new_err(format!("{path}: integer out of range"))),
        }
    } else if obj.is_instance_of::<PyFloat>() {
        let f: f64 = obj.extract()?;
        serde_json::Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| PyTypeError::new_err(format!("{path}: {f} is not a finite number")))
    } else if let Ok(s) = obj.cast::<PyString>() {
        Ok(Value::String(s.to_str()?.to_owned()))
    } else if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = k.cast::<PyString>().map_err(|_| PyTypeError::new_err(format!("{path}: keys must be strings")))?.to_str()?.to_owned();
            let value = py_to_json(&v, &at(&key))?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    } else if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let items: PyResult<Vec<Value>> = obj.try_iter()?.enumerate().map(|(i, item)| py_to_json(&item?, &at(&i.to_string()))).collect();
        Ok(Value::Array(items?))
    } else {
        let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
        Err(PyTypeError::new_err(format!("{path}: a value of type {type_name} cannot be sent")))
    }
}

/// JSON text to plain Python data (dict, list, str, int, float, bool, None), by `json.loads`:
/// C code that builds the objects directly (and reuses the key strings of repeated objects).
fn json_to_py(py: Python<'_>, json: &str) -> PyResult<Py<PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    Ok(LOADS.import(py, "json", "loads")?.call1((json,))?.unbind())
}

/// The exception for `e`, built by the Python package so the classes are plain Python ones.
fn to_py_err(py: Python<'_>, e: Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let info = json_to_py(py, &e.to_json().to_string())?;
        let exc = py.import("adapty_server._generated.exceptions")?.getattr("_from_core")?.call1((info,))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|err| err)
}

/// A webhook request read as an event (`adapty_server::webhooks`): with a `secret`, its
/// `authorization` header checked first; `event_names` maps renamed events to Adapty's types.
#[pyfunction]
#[pyo3(signature = (body, authorization, secret, event_names=None))]
fn webhook_event(
    py: Python<'_>,
    body: &[u8],
    authorization: Option<&str>,
    secret: Option<&str>,
    event_names: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let names = event_names.map(|n| py_to_json(n.as_any(), "event_names")).transpose()?.unwrap_or(Value::Null);
    let event = adapty_server::webhooks::construct_event_json(body, authorization, secret, &names).map_err(|e| to_py_err(py, e))?;
    json_to_py(py, event.get())
}

/// Whether the access levels (`access_levels`, their JSON text) give `access_level_id` at `at`
/// (RFC 3339 text; None: now), by the core's rule (`ops::has_active_access`).
#[pyfunction]
#[pyo3(signature = (access_levels, access_level_id, at=None))]
fn has_active_access(py: Python<'_>, access_levels: &str, access_level_id: &str, at: Option<&str>) -> PyResult<bool> {
    ops::has_active_access(access_levels, access_level_id, at).map_err(|e| to_py_err(py, e))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Client>()?;
    m.add_class::<Completions>()?;
    m.add_class::<Pending>()?;
    m.add_class::<Walk>()?;
    m.add_function(wrap_pyfunction!(webhook_event, m)?)?;
    m.add_function(wrap_pyfunction!(has_active_access, m)?)?;
    m.add("CORE_VERSION", adapty_server::VERSION)?;
    shutdown::install(m)?;
    Ok(())
}
