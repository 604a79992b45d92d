//! How async calls report to the asyncio loop that awaits them, without runtime threads ever
//! entering Python.
//!
//! Each loop has one [`Completions`]: its `fileno()` is registered with `loop.add_reader`, and
//! its `drain` settles the awaited futures. A runtime thread that finishes a call only pushes the
//! outcome (plain Rust data) onto the queue and, if the queue was empty, writes one byte to the
//! pipe: one wake-up of the loop, and one `drain`, for however many outcomes arrived meanwhile.
//! A loop without `add_reader` (Windows' default, the proactor) is woken instead by one
//! `call_soon_threadsafe` per batch, which takes the GIL on the runtime thread.
//! Before this, each outcome took the GIL on a runtime thread (waiting for the loop's thread to
//! let go of it, up to its switch interval, with the runtime thread stalled meanwhile) and a
//! `call_soon_threadsafe` (a lock, a handle and a pipe write per outcome). The outcomes are
//! converted to Python objects on the loop's thread, which holds the GIL anyway.

use std::collections::HashMap;
#[cfg(unix)]
use std::io::{PipeReader, PipeWriter, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use adapty_server::Error;
use adapty_server::ops::Json;
use pyo3::prelude::*;
use pyo3::{PyTraverseError, PyVisit, intern};

use crate::{json_to_py, shutdown, to_py_err};

type Outcome = Result<Json, Error>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The outcomes waiting for the loop, the futures they settle, and what wakes the loop. Runtime
/// threads hold it until they have reported, so the pipe is closed only once nothing can write to
/// it any more.
struct Queue {
    outcomes: Mutex<Vec<(u64, Outcome)>>,
    /// By token. Touched only on the loop's thread (with the GIL); a lock only because the queue
    /// is shared.
    futures: Mutex<HashMap<u64, Py<PyAny>>>,
    wake: Wake,
}

/// How the first outcome of a batch wakes the loop.
enum Wake {
    /// A byte down a pipe whose reading end the loop watches (`add_reader`). Unix only: the
    /// selector loop on Windows watches sockets only.
    #[cfg(unix)]
    Pipe {
        wake: PipeWriter,
        /// Non-blocking: `drain` empties it without waiting.
        woken: PipeReader,
    },
    /// The loop's `call_soon_threadsafe`, called with a [`Drain`].
    Call(Py<PyAny>),
}

impl Queue {
    fn wake(self: &Arc<Self>) {
        match &self.wake {
            // The pipe holds at most a byte or two (one per wake-up `drain` has not read yet), so
            // this never blocks; a failed write can only mean the process is going down.
            #[cfg(unix)]
            Wake::Pipe { wake, .. } => {
                let _ = (&*wake).write(&[1]);
            }
            // A closed loop refuses: nobody awaits its futures any more.
            Wake::Call(call_soon_threadsafe) => {
                shutdown::attach(|py| {
                    let drain = Drain { queue: self.clone() };
                    let _ = Py::new(py, drain).and_then(|drain| call_soon_threadsafe.call1(py, (drain,)));
                });
            }
        }
    }

    /// Settles the futures whose outcomes have arrived.
    fn drain(&self, py: Python<'_>) {
        #[cfg(unix)]
        if let Wake::Pipe { woken, .. } = &self.wake {
            let mut buf = [0u8; 64];
            while matches!((&*woken).read(&mut buf), Ok(n) if n == buf.len()) {}
        }
        // Taken after the pipe is emptied: an outcome pushed from here on wakes the loop again.
        let outcomes = std::mem::take(&mut *lock(&self.outcomes));
        for (token, outcome) in outcomes {
            let future = lock(&self.futures).remove(&token);
            if let Some(future) = future {
                settle(future.bind(py), outcome);
            }
        }
    }
}

/// What `call_soon_threadsafe` runs on the loop's thread: the queue's `drain`.
#[pyclass(frozen, module = "adapty_server._native")]
pub struct Drain {
    queue: Arc<Queue>,
}

#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) {
        self.queue.drain(py);
    }
}

/// Where one call reports its outcome: moved into the task on the runtime. Dropped without
/// reporting (its task panicked), it reports an internal error, so no await waits forever.
pub struct Reporter {
    queue: Arc<Queue>,
    token: u64,
    sent: bool,
}

impl Reporter {
    /// Which call this is, for [`Completions::forget`].
    pub fn token(&self) -> u64 {
        self.token
    }

    pub fn report(mut self, outcome: Outcome) {
        self.send(outcome);
    }

    fn send(&mut self, outcome: Outcome) {
        self.sent = true;
        let was_empty = {
            let mut outcomes = lock(&self.queue.outcomes);
            outcomes.push((self.token, outcome));
            outcomes.len() == 1
        };
        if was_empty {
            self.queue.wake();
        }
    }
}

impl Drop for Reporter {
    fn drop(&mut self) {
        if !self.sent {
            self.send(Err(Error::Internal { message: "an SDK task panicked".into() }));
        }
    }
}

/// One event loop's completions: the queue its awaits' outcomes come through.
#[pyclass(frozen, module = "adapty_server._native")]
pub struct Completions {
    queue: Arc<Queue>,
    next_token: AtomicU64,
}

#[pymethods]
impl Completions {
    /// Woken through a pipe (`fileno()`, for `add_reader`), or, given the loop's
    /// `call_soon_threadsafe`, through that.
    #[new]
    #[pyo3(signature = (call_soon_threadsafe=None))]
    fn new(call_soon_threadsafe: Option<Py<PyAny>>) -> PyResult<Self> {
        let wake = match call_soon_threadsafe {
            Some(call) => Wake::Call(call),
            None => pipe_wake()?,
        };
        let queue = Arc::new(Queue { outcomes: Mutex::new(Vec::new()), futures: Mutex::new(HashMap::new()), wake });
        Ok(Self { queue, next_token: AtomicU64::new(0) })
    }

    /// The file descriptor that becomes readable when outcomes are waiting (for `add_reader`);
    /// -1 for completions woken through `call_soon_threadsafe`.
    fn fileno(&self) -> i32 {
        match &self.queue.wake {
            #[cfg(unix)]
            Wake::Pipe { woken, .. } => std::os::fd::AsRawFd::as_raw_fd(woken),
            Wake::Call(_) => -1,
        }
    }

    /// Settles the futures whose outcomes have arrived: the loop's reader callback.
    fn drain(&self, py: Python<'_>) {
        self.queue.drain(py);
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        // A pending future refers to its loop, and the loop to this object (its reader): the
        // collector must see the cycle to free a loop that was dropped with awaits pending.
        if let Ok(futures) = self.queue.futures.try_lock() {
            for future in futures.values() {
                visit.call(future)?;
            }
        }
        match &self.queue.wake {
            Wake::Call(call) => visit.call(call)?,
            #[cfg(unix)]
            Wake::Pipe { .. } => {}
        }
        Ok(())
    }

    fn __clear__(&self) {
        lock(&self.queue.futures).clear();
    }
}

impl Completions {
    /// Registers `future`, to be settled with the outcome the returned reporter sends.
    pub fn expect(&self, future: Py<PyAny>) -> Reporter {
        let token = self.next_token.fetch_add(1, Ordering::Relaxed);
        lock(&self.queue.futures).insert(token, future);
        Reporter { queue: self.queue.clone(), token, sent: false }
    }

    /// Forgets the future of the call `token`, whose outcome will not come (it was aborted).
    pub fn forget(&self, token: u64) {
        lock(&self.queue.futures).remove(&token);
    }
}

/// Sets `future`'s result or exception, unless its await was cancelled meanwhile.
fn settle(future: &Bound<'_, PyAny>, outcome: Outcome) {
    let py = future.py();
    if future.call_method0(intern!(py, "done")).and_then(|d| d.is_truthy()).unwrap_or(true) {
        return;
    }
    let set = match outcome {
        Ok(value) => json_to_py(py, value.get()).and_then(|v| future.call_method1(intern!(py, "set_result"), (v,))),
        Err(e) => future.call_method1(intern!(py, "set_exception"), (to_py_err(py, e).into_value(py),)),
    };
    if let Err(e) = set {
        let _ = future.call_method1(intern!(py, "set_exception"), (e.into_value(py),));
    }
}

/// A pipe whose reading end is non-blocking, so `drain` empties it without waiting.
#[cfg(unix)]
fn pipe_wake() -> PyResult<Wake> {
    use std::os::fd::AsRawFd;
    let (woken, wake) = std::io::pipe()?;
    let fd = woken.as_raw_fd();
    // SAFETY: fcntl on a descriptor this process owns, with flags it read from it.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, libc::fcntl(fd, libc::F_GETFL) | libc::O_NONBLOCK) } == -1 {
        return Err(std::io::Error::last_os_error().into());
    }
    Ok(Wake::Pipe { wake, woken })
}

/// Refused, so the caller falls back to the loop's `call_soon_threadsafe`.
#[cfg(not(unix))]
fn pipe_wake() -> PyResult<Wake> {
    Err(pyo3::exceptions::PyNotImplementedError::new_err("no pipe wake-up on this platform"))
}
