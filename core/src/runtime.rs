//! The one process-wide tokio runtime and HTTP connection pool that every request runs on.
//!
//! Pooled connections belong to the runtime that opened them, so mixing runtimes breaks reqwest
//! ("dispatch task is gone"). Every request is therefore spawned here, whichever runtime (or
//! thread) the caller is on. After `fork()` the child has the parent's memory but none of its
//! threads, and shares its sockets: the first use in a new process builds a fresh runtime and
//! pool and abandons (never drops) the parent's.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::runtime::{Handle, Runtime};

use crate::error::Error;

struct Shared {
    pid: u32,
    runtime: &'static Runtime,
    /// One pool per connect timeout (reqwest sets it per pool); in practice one.
    pools: Mutex<HashMap<Duration, reqwest::Client>>,
}

static SHARED: Mutex<Option<Arc<Shared>>> = Mutex::new(None);

fn shared() -> Result<Arc<Shared>, Error> {
    let mut slot = SHARED.lock().unwrap_or_else(|p| p.into_inner());
    let pid = std::process::id();
    if let Some(s) = slot.as_ref().filter(|s| s.pid == pid) {
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
    let s = Arc::new(Shared { pid, runtime, pools: Mutex::new(HashMap::new()) });
    *slot = Some(s.clone());
    Ok(s)
}

fn worker_threads() -> usize {
    std::env::var("ADAPTY_RUNTIME_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get().min(4)))
}

/// The process's HTTP client for the given connect timeout.
pub(crate) fn http_client(connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    let s = shared()?;
    let mut pools = s.pools.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(c) = pools.get(&connect_timeout) {
        return Ok(c.clone());
    }
    // A host application may already have installed a rustls provider; either way one is set.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .pool_idle_timeout(Duration::from_secs(60))
        .tcp_nodelay(true)
        .build()
        .map_err(|e| Error::Internal { message: format!("cannot build the HTTP client: {e}") })?;
    pools.insert(connect_timeout, client.clone());
    Ok(client)
}

/// Runs `fut` on the shared runtime and awaits it from any executor. Dropping the returned
/// future (a cancelled caller) aborts the request.
pub(crate) async fn spawn<T: Send + 'static>(fut: impl Future<Output = Result<T, Error>> + Send + 'static) -> Result<T, Error> {
    let mut task = AbortOnDrop(shared()?.runtime.spawn(fut));
    (&mut task.0).await.unwrap_or_else(|e| Err(join_error(e)))
}

struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Blocks the calling thread until `fut`, run on the shared runtime, completes. Refuses to run
/// on a thread that is already driving an async runtime, where blocking would stall it or
/// deadlock.
pub fn block_on<T: Send + 'static>(fut: impl Future<Output = Result<T, Error>> + Send + 'static) -> Result<T, Error> {
    if Handle::try_current().is_ok() {
        return Err(Error::Usage {
            message:
                "the blocking client was called from inside an async runtime; use the async client there (or call it from a plain thread)"
                    .into(),
        });
    }
    let s = shared()?;
    let handle = s.runtime.spawn(fut);
    s.runtime.block_on(handle).unwrap_or_else(|e| Err(join_error(e)))
}

fn join_error(e: tokio::task::JoinError) -> Error {
    Error::Internal { message: if e.is_panic() { "an SDK task panicked".into() } else { "an SDK task was cancelled".into() } }
}
