//! Where requests run in a JavaScript host (Cloudflare Workers, Vercel Edge, Deno, Node running
//! the WebAssembly build): on the host's event loop, through its `fetch`, with its timers.
//!
//! The host has one thread, so nothing is spawned: a request's future is awaited where it is,
//! as part of the Promise the binding returns. Its futures (`fetch`, `setTimeout`) hold
//! JavaScript values and are not `Send`; [`local`] marks them so, which is sound only because
//! this build has no threads (checked below), and lets the rest of the core keep its `Send`
//! bounds unchanged.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use wasm_bindgen::{JsCast, JsValue};

use crate::models::config::Network;
use crate::models::error::Error;

#[cfg(target_feature = "atomics")]
compile_error!("the WebAssembly build assumes one thread (`local`): build it without the `atomics` target feature");

/// Never changes: a host process does not fork.
pub(crate) fn generation() -> u64 {
    0
}

/// The host's `fetch`. Its network settings are the host's own: a proxy cannot be given to it,
/// and saying so beats ignoring it (a CA bundle is refused when the configuration is built).
pub(crate) fn http_client(network: &Network) -> Result<reqwest::Client, Error> {
    if network.proxy.is_some() {
        return Err(Error::Usage {
            message: "proxy is not available in the WebAssembly build: requests go through the runtime's fetch, which uses its own network settings".into(),
        });
    }
    reqwest::Client::builder().build().map_err(|e| Error::Internal { message: format!("cannot build the HTTP client: {e}") })
}

/// Runs `fut` where the caller awaits it (the host's event loop is the only place to run), on the
/// heap as a spawned task would be: the caller's future then holds a pointer, not the request's
/// whole state, which each move of it would copy (measured: several times slower without).
pub(crate) async fn spawn<T>(fut: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    Box::pin(fut).await
}

/// Runs `fut` boxed, where the caller awaits it: the host has no other thread to run it on.
pub(crate) async fn task<T>(fut: impl Future<Output = T>) -> Result<T, Error> {
    Ok(Box::pin(fut).await)
}

/// Refuses: the host's one thread cannot block waiting for a request that needs it to run.
pub fn block_on<T>(_fut: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    Err(Error::Usage {
        message: "blocking calls are not available in the WebAssembly build (a JavaScript host's one thread cannot wait on itself); use the async ones".into(),
    })
}

/// Waits `delay` on the host's timer (`setTimeout`).
pub(crate) async fn sleep(delay: Duration) {
    let millis = delay.as_millis().min(i32::MAX as u128) as f64;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let set_timeout = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("setTimeout"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        match set_timeout {
            Some(set_timeout) => drop(set_timeout.call2(&JsValue::NULL, &resolve, &JsValue::from_f64(millis))),
            // No timers (no JavaScript host has none): do not wait rather than never wake.
            None => drop(resolve.call0(&JsValue::NULL)),
        }
    });
    let _ = local(wasm_bindgen_futures::JsFuture::from(promise)).await;
}

/// `fut`, which holds JavaScript values, as a `Send` future.
pub(crate) fn local<F: Future>(fut: F) -> Local<F> {
    Local(fut)
}

/// A future of the host's that the single-threaded build may treat as `Send`.
pub(crate) struct Local<F>(F);

// SAFETY: without the `atomics` target feature (refused above) a WebAssembly module runs on one
// thread, so no value can ever be sent to, or shared with, another.
unsafe impl<F> Send for Local<F> {}

impl<F: Future> Future for Local<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: a projection to the only field, never moved out of the pin.
        unsafe { self.map_unchecked_mut(|l| &mut l.0) }.poll(cx)
    }
}
