//! Where requests run on a machine with threads: the one process-wide tokio runtime and HTTP
//! connection pool that every request runs on.
//!
//! Pooled connections belong to the runtime that opened them, so mixing runtimes breaks reqwest
//! ("dispatch task is gone"). Every request is therefore run here, whichever runtime (or thread)
//! the caller is on. After `fork()` the child has the parent's memory but none of its threads,
//! and shares its sockets: a fork handler bumps a generation counter, and the first use in the
//! child builds a fresh runtime and pool and abandons (never drops) the parent's.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once, mpsc};
use std::time::Duration;

use tokio::runtime::{Handle, Runtime};

use crate::models::config::Network;
use crate::models::error::Error;

struct Shared {
    generation: u64,
    runtime: &'static Runtime,
    /// One pool per network settings (reqwest sets them per pool); in practice one.
    pools: Mutex<HashMap<Network, reqwest::Client>>,
}

static SHARED: Mutex<Option<Arc<Shared>>> = Mutex::new(None);

/// Bumped in every child process right after `fork()`.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// The current process generation: changes in a forked child.
pub(crate) fn generation() -> u64 {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(register_fork_handler);
    GENERATION.load(Ordering::Acquire)
}

#[cfg(unix)]
fn register_fork_handler() {
    extern "C" fn child() {
        GENERATION.fetch_add(1, Ordering::AcqRel);
    }
    // SAFETY: the handler only touches an atomic, which is async-signal-safe.
    unsafe {
        libc::pthread_atfork(None, None, Some(child));
    }
}

#[cfg(not(unix))]
fn register_fork_handler() {}

fn shared() -> Result<Arc<Shared>, Error> {
    let generation = generation();
    let mut slot = SHARED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(s) = slot.as_ref().filter(|s| s.generation == generation) {
        return Ok(s.clone());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(worker_threads())
        .thread_name("adapty-server")
        .enable_all()
        .build()
        .map_err(|e| Error::Internal { message: format!("cannot start the async runtime: {e}") })?;
    // Leaked on purpose: dropping a runtime inherited through fork() would wait for threads
    // that do not exist in the child.
    let runtime: &'static Runtime = Box::leak(Box::new(runtime));
    let s = Arc::new(Shared { generation, runtime, pools: Mutex::new(HashMap::new()) });
    // The parent's pool is abandoned too: dropping its connections wakes tasks of the parent's
    // runtime, whose locks a parent thread may have held at the fork (a deadlock in the child).
    if let Some(parent) = slot.replace(s.clone()) {
        std::mem::forget(parent);
    }
    Ok(s)
}

fn worker_threads() -> usize {
    std::env::var("ADAPTY_RUNTIME_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get().min(4)))
}

/// The process's HTTP client for the given network settings.
pub(crate) fn http_client(network: &Network) -> Result<reqwest::Client, Error> {
    let s = shared()?;
    let mut pools = s.pools.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(c) = pools.get(network) {
        return Ok(c.clone());
    }
    // A host application may already have installed a rustls provider; either way one is set.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder =
        reqwest::Client::builder().connect_timeout(network.connect_timeout).pool_idle_timeout(Duration::from_secs(60)).tcp_nodelay(true);
    if let Some(proxy) = &network.proxy {
        let proxy =
            reqwest::Proxy::all(proxy.url().as_str()).map_err(|e| Error::Internal { message: format!("cannot use the proxy: {e}") })?;
        builder = builder.proxy(proxy);
    }
    if let Some(bundle) = &network.ca_bundle {
        builder = builder.tls_certs_merge(bundle.certificates());
    }
    let client = builder.build().map_err(|e| {
        // The cause (e.g. no trust store on the machine) is in the source chain.
        let mut message = format!("cannot build the HTTP client: {e}");
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(&format!(": {s}"));
            source = s.source();
        }
        Error::Internal { message }
    })?;
    pools.insert(network.clone(), client.clone());
    Ok(client)
}

/// Sleeps on the SDK's runtime (its timers).
pub(crate) async fn sleep(delay: Duration) {
    tokio::time::sleep(delay).await;
}

/// `fut` as it is: on this platform every future the transport awaits may move between threads.
pub(crate) fn local<F: Future + Send>(fut: F) -> F {
    fut
}

/// A handle to the SDK's runtime. Code that awaits the client from a task on this runtime (as
/// the language bindings do) skips the hop from a foreign runtime to this one.
pub fn handle() -> Result<Handle, Error> {
    Ok(shared()?.runtime.handle().clone())
}

/// Runs `fut` on the shared runtime and awaits it from any executor. Dropping the returned
/// future (a cancelled caller) aborts the request.
pub(crate) async fn spawn<T: Send + 'static>(fut: impl Future<Output = Result<T, Error>> + Send + 'static) -> Result<T, Error> {
    let s = shared()?;
    if Handle::try_current().is_ok_and(|h| h.id() == s.runtime.handle().id()) {
        // Already on the SDK's runtime: a spawn would only add a task switch.
        return fut.await;
    }
    // The caller's current span goes with the task, so the request's spans are its children.
    let mut task = AbortOnDrop(s.runtime.spawn(tracing::Instrument::in_current_span(fut)));
    (&mut task.0).await.unwrap_or_else(|e| Err(join_error(e)))
}

/// Runs `fut` as a task of its own on the shared runtime, so that several run in parallel on its
/// threads (`delete_many`'s requests); the returned future awaits it, and dropping that aborts it.
pub(crate) async fn task<T: Send + 'static>(fut: impl Future<Output = T> + Send + 'static) -> Result<T, Error> {
    let mut task = AbortOnDrop(shared()?.runtime.spawn(fut));
    (&mut task.0).await.map_err(join_error)
}

struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Blocks the calling thread until `fut`, run on the shared runtime, completes. Refuses to run
/// on a thread that is already driving an async runtime, where blocking could stall it or
/// deadlock.
pub fn block_on<T: Send + 'static>(fut: impl Future<Output = Result<T, Error>> + Send + 'static) -> Result<T, Error> {
    start_blocking(fut)?.wait()
}

/// Starts `fut` on the shared runtime for a caller that will block until it completes, with the
/// same refusal as [`block_on`]. The caller may wait in slices ([`BlockingTask::wait_for`]), as
/// the Python binding does to notice Ctrl-C during a slow request.
pub fn start_blocking<T: Send + 'static>(fut: impl Future<Output = Result<T, Error>> + Send + 'static) -> Result<BlockingTask<T>, Error> {
    if Handle::try_current().is_ok() {
        return Err(Error::Usage {
            message:
                "the blocking client was called from inside an async runtime; use the async client there (or call it from a plain thread)"
                    .into(),
        });
    }
    // The caller waits on a channel, not on the runtime: a timed wait is then a plain timed
    // futex wait, where a tokio timer would wake a runtime thread to re-arm its clock per call.
    let (tx, rx) = mpsc::sync_channel(1);
    let task = shared()?.runtime.spawn(async move {
        let _ = tx.send(fut.await);
    });
    Ok(BlockingTask { outcome: rx, task: task.abort_handle() })
}

/// A request running on the shared runtime that a blocking caller waits for. Dropping it (a
/// caller that stops waiting) aborts the request.
pub struct BlockingTask<T> {
    outcome: mpsc::Receiver<Result<T, Error>>,
    task: tokio::task::AbortHandle,
}

impl<T: Send + 'static> BlockingTask<T> {
    /// Blocks until the request completes.
    pub fn wait(self) -> Result<T, Error> {
        self.outcome.recv().unwrap_or_else(|_| Err(panicked()))
    }

    /// Blocks for at most `limit`: the outcome, or the task again if it is still running.
    pub fn wait_for(self, limit: Duration) -> Result<Result<T, Error>, Self> {
        match self.outcome.recv_timeout(limit) {
            Ok(outcome) => Ok(outcome),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(self),
            // The task ended without an outcome: only a panic does that while someone waits.
            Err(mpsc::RecvTimeoutError::Disconnected) => Ok(Err(panicked())),
        }
    }
}

impl<T> Drop for BlockingTask<T> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn panicked() -> Error {
    Error::Internal { message: "an SDK task panicked".into() }
}

fn join_error(e: tokio::task::JoinError) -> Error {
    if e.is_panic() { panicked() } else { Error::Internal { message: "an SDK task was cancelled".into() } }
}
