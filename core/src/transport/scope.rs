//! Values installed for one future and everything it awaits (a call's hook, its tracer): what
//! tokio's `task_local!` gives, without tokio (the WebAssembly build has none). The value sits
//! in a thread-local slot while the future is polled and is taken back after each poll, so it
//! follows the future from thread to thread and is never seen by another task.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread::LocalKey;

/// A slot: `thread_local! { static NAME: Slot<T> = const { RefCell::new(None) }; }`.
pub(crate) type Slot<T> = RefCell<Option<T>>;

/// `fut` with `value` installed in `slot` while it runs.
pub(crate) fn scoped<T: 'static, F: Future>(slot: &'static LocalKey<Slot<T>>, value: T, fut: F) -> Scoped<T, F> {
    Scoped { slot, value: Some(value), fut }
}

/// The value installed in `slot` for the future being polled, if any.
pub(crate) fn current<T: Clone + 'static>(slot: &'static LocalKey<Slot<T>>) -> Option<T> {
    slot.with_borrow(Clone::clone)
}

pin_project_lite::pin_project! {
    /// See [`scoped`].
    pub(crate) struct Scoped<T: 'static, F> {
        slot: &'static LocalKey<Slot<T>>,
        // Ours while the future is not being polled; the slot's previous value while it is.
        value: Option<T>,
        #[pin]
        fut: F,
    }
}

impl<T, F: Future> Future for Scoped<T, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        this.slot.with_borrow_mut(|installed| std::mem::swap(installed, this.value));
        // Swapped back after the poll, also when it panics.
        let _restore = Restore { slot: this.slot, value: this.value };
        this.fut.poll(cx)
    }
}

struct Restore<'a, T: 'static> {
    slot: &'static LocalKey<Slot<T>>,
    value: &'a mut Option<T>,
}

impl<T> Drop for Restore<'_, T> {
    fn drop(&mut self) {
        self.slot.with_borrow_mut(|installed| std::mem::swap(installed, self.value));
    }
}
