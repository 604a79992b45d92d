//! Where requests run: the one seam between the core and the platform it runs on. Everything
//! above it (retries, pauses, pages, `delete_many`'s workers, hooks and tracers) is written once
//! against these functions:
//!
//! - [`threads`] (every target but WebAssembly): one process-wide tokio runtime and connection
//!   pool, fork handling, and the blocking facades' [`block_on`];
//! - `host` (`wasm32`): the JavaScript host's event loop, its `fetch` and its timers; no threads,
//!   no tokio, and a [`block_on`] that refuses (a host's only thread cannot wait on itself).
//!
//! Both give `spawn` (run a request's future where requests run), `task` (run one beside others:
//! in parallel where there are threads), `sleep`, `http_client` (the pool for a client's network
//! settings), `generation` (changes in a forked child) and `local` (a future of the platform's
//! HTTP stack, as the transport may hold it).

#[cfg(target_arch = "wasm32")]
mod host;
#[cfg(not(target_arch = "wasm32"))]
mod threads;

#[cfg(target_arch = "wasm32")]
pub use host::block_on;
#[cfg(target_arch = "wasm32")]
pub(crate) use host::{generation, http_client, local, sleep, spawn, task};
#[cfg(not(target_arch = "wasm32"))]
pub use threads::{BlockingTask, block_on, handle, start_blocking};
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use threads::{generation, http_client, local, sleep, spawn, task};

/// A point in time for latencies and waits: `std`'s, or the host's clock where `std` has none.
pub(crate) use web_time::Instant;

/// The wall clock now (a `Retry-After` date is read against it).
pub(crate) fn system_now() -> std::time::SystemTime {
    let since_epoch = web_time::SystemTime::now().duration_since(web_time::UNIX_EPOCH).unwrap_or_default();
    std::time::UNIX_EPOCH + since_epoch
}
