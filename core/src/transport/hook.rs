//! Hooks: code outside the transport that sees each request before it is sent (and may stop it)
//! and the response it ended with. A hook is installed for one task ([`scope`]) and sees only
//! the requests made inside it, whatever else runs; the transport calls it and knows nothing of
//! who installed it. The command line's dry runs and its report of each call's status and request
//! id are hooks (`ops::observe`).

use std::future::Future;
use std::sync::Arc;

use crate::models::error::Error;
use crate::transport::request::ApiRequest;
use crate::transport::scope::{self, Slot, scoped};

/// What a hook sees of a response.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Response<'a> {
    pub status: u16,
    /// The `Request-Id` (or `X-Request-Id`) header.
    pub request_id: Option<&'a str>,
    /// A success's headers (an error's are not kept).
    pub headers: Option<&'a reqwest::header::HeaderMap>,
    /// Attempts before the one that succeeded (0 for an error).
    pub retries: u32,
}

/// Called by the transport for every request made inside the hook's [`scope`].
pub(crate) trait Hook: Send + Sync {
    /// Before the first attempt of `request`: an error stops the request with that error, and
    /// nothing is sent.
    fn on_request(&self, request: &ApiRequest) -> Result<(), Error>;

    /// The response a request ended with (after any retries), success or failure. A request that
    /// ended without one (a connection error, a timeout) has no call.
    fn on_response(&self, response: Response<'_>);
}

thread_local! {
    static HOOK: Slot<Arc<dyn Hook>> = const { Slot::new(None) };
}

/// Runs `fut` with `hook` installed: every request `fut` makes on this task goes through it.
pub(crate) async fn scope<F: Future>(hook: Arc<dyn Hook>, fut: F) -> F::Output {
    scoped(&HOOK, hook, fut).await
}

/// The hook installed for the running task, if any.
pub(crate) fn current() -> Option<Arc<dyn Hook>> {
    scope::current(&HOOK)
}
