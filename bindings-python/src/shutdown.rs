//! Keeps threads that are not Python's own out of the interpreter once it starts shutting down.
//!
//! CPython exits in this order: it joins the non-daemon threads, runs the `atexit` callbacks,
//! then marks itself finalizing and frees every other thread's state. A thread that enters
//! Python after that mark is killed inside `take_gil` by `pthread_exit` (which unwinds through
//! Rust frames: an abort) or touches a freed thread state (a segfault). Two kinds of threads
//! enter Python from outside: the SDK's runtime threads forwarding a log record (async results
//! never enter Python on them: see `completions`) and daemon threads whose blocking call returns.
//!
//! So every such entry goes through this gate, and an `atexit` callback ([`close`]) shuts it and
//! waits, without the GIL, for the threads already inside to leave. Past that point a runtime
//! thread skips Python (nobody reads its log records any more), and a daemon thread coming back
//! from a blocking call parks until the process ends, which is what CPython 3.14 itself does with
//! daemon threads at exit. Only the thread that runs the exit
//! (the one that closed the gate) keeps going, so `atexit` callbacks registered before this
//! module may still use the blocking client; an async call from there fails at once (its result
//! could never be reported).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, Thread, ThreadId};

use pyo3::prelude::*;

/// The high bit: the gate is shut. The rest: how many threads are inside.
const CLOSED: usize = 1 << (usize::BITS - 1);
static STATE: AtomicUsize = AtomicUsize::new(0);
/// The thread waiting in [`close`], woken by the last thread to leave.
static CLOSER: OnceLock<(ThreadId, Thread)> = OnceLock::new();

/// A thread inside the interpreter, counted until it is dropped.
pub struct Inside(());

impl Drop for Inside {
    fn drop(&mut self) {
        let before = STATE.fetch_sub(1, Ordering::AcqRel);
        if before == CLOSED | 1 {
            if let Some((_, closer)) = CLOSER.get() {
                closer.unpark();
            }
        }
    }
}

/// Counts the calling thread in, unless the gate is shut.
fn enter() -> Option<Inside> {
    let mut state = STATE.load(Ordering::Acquire);
    loop {
        if state & CLOSED != 0 {
            return None;
        }
        match STATE.compare_exchange_weak(state, state + 1, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return Some(Inside(())),
            Err(now) => state = now,
        }
    }
}

/// Whether the interpreter is exiting: results from the runtime threads can no longer arrive.
pub fn exiting() -> bool {
    STATE.load(Ordering::Acquire) & CLOSED != 0
}

/// Runs `f` attached to the interpreter, from a thread Python did not start (a runtime
/// thread); `None`, without touching Python, once the interpreter is exiting.
pub fn attach<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    let inside = enter()?;
    let result = Python::attach(f);
    // Counted out only after the thread has released the interpreter.
    drop(inside);
    Some(result)
}

/// Called by a Python thread, still detached, right before it attaches again after waiting
/// outside the interpreter. Once the interpreter is exiting, parks the thread for good (but the
/// one running the exit): attaching would kill it.
pub fn before_reattach() -> Option<Inside> {
    if let Some(inside) = enter() {
        return Some(inside);
    }
    if CLOSER.get().is_some_and(|(id, _)| *id == thread::current().id()) {
        return None;
    }
    loop {
        thread::park();
    }
}

/// The `atexit` callback: shuts the gate and waits for the threads inside to leave.
#[pyfunction]
pub fn close(py: Python<'_>) {
    let _ = CLOSER.set((thread::current().id(), thread::current()));
    STATE.fetch_or(CLOSED, Ordering::AcqRel);
    py.detach(|| {
        while STATE.load(Ordering::Acquire) & !CLOSED != 0 {
            thread::park();
        }
    });
}

/// Registers [`close`] with `atexit`, and forgets, in a forked child, the threads that were
/// inside in the parent (they do not exist in the child).
pub fn install(m: &Bound<'_, PyModule>) -> PyResult<()> {
    #[cfg(unix)]
    {
        extern "C" fn child() {
            STATE.store(0, Ordering::Release);
        }
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe {
            libc::pthread_atfork(None, None, Some(child));
        }
    }
    let close = wrap_pyfunction!(close, m)?;
    m.py().import("atexit")?.call_method1("register", (close,))?;
    Ok(())
}
