//! Watching calls from outside the SDK's types, for tools built on [`super::call`] (the `adapty`
//! command line): the status and request id a call's response had ([`call_observed`]), a call
//! checked exactly as it would be sent but not sent ([`check`]), and each request and response
//! as text on the `adapty_server::wire` tracing target (TRACE level; the key redacted).
//!
//! The first two are task-local: they see only the calls made inside them, whatever else runs.

use std::cell::RefCell;

use serde_json::Value;

use super::{Json, call};
use crate::client::Client;
use crate::error::Error;

/// The tracing target of the request and response texts.
pub const WIRE: &str = "adapty_server::wire";

/// The status and request id of a call's successful response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub status: u16,
    pub request_id: Option<String>,
}

tokio::task_local! {
    static OBSERVED: RefCell<Option<Sent>>;
    static DRY_RUN: ();
}

/// What [`check`] finds at the point of sending.
const NOT_SENT: &str = "dry run: checked, not sent";

/// [`call`], with the status and request id of its successful response (`None` after an error:
/// the error carries its own).
pub async fn call_observed(client: &Client, op: &str, args: &Value) -> (Result<Json, Error>, Option<Sent>) {
    let (client, op, args) = (client.clone(), op.to_owned(), args.clone());
    let run = OBSERVED.scope(RefCell::new(None), async move {
        let result = call(&client, &op, &args).await;
        (result, OBSERVED.with(|o| o.take()))
    });
    // On the SDK's runtime, so the whole call runs inside the scope.
    crate::runtime::spawn(async move { Ok(run.await) }).await.unwrap_or_else(|e| (Err(e), None))
}

/// Checks `args` for `op` exactly as [`call`] does (arguments, the body's rules), up to the
/// point of sending, and sends nothing: `Ok` when the call would be sent.
pub async fn check(client: &Client, op: &str, args: &Value) -> Result<(), Error> {
    let (client, op, args) = (client.clone(), op.to_owned(), args.clone());
    let run = DRY_RUN.scope((), async move { call(&client, &op, &args).await });
    match crate::runtime::spawn(run).await {
        Err(Error::Usage { message }) if message == NOT_SENT => Ok(()),
        Err(e) => Err(e),
        Ok(_) => Err(Error::Internal { message: "a dry run completed a call without sending it".into() }),
    }
}

/// Whether the running call is a [`check`].
pub(crate) fn dry_run() -> bool {
    DRY_RUN.try_with(|_| ()).is_ok()
}

/// The outcome a [`check`] stops a call with.
pub(crate) fn not_sent() -> Error {
    Error::Usage { message: NOT_SENT.into() }
}

/// Whether the running call is observed (so a success's request id is worth reading).
pub(crate) fn observing() -> bool {
    OBSERVED.try_with(|_| ()).is_ok()
}

/// Notes a successful response for [`call_observed`].
pub(crate) fn record(status: u16, request_id: Option<String>) {
    let _ = OBSERVED.try_with(|o| *o.borrow_mut() = Some(Sent { status, request_id }));
}

/// A request or response as `curl -v` shows it: `> ` (or `< `) before the first line and each
/// header, then the body.
pub(crate) fn wire_text(direction: char, first: &str, headers: &[(&str, String)], body: Option<&[u8]>) -> String {
    let mut text = format!("{direction} {first}\n");
    for (name, value) in headers {
        text.push_str(&format!("{direction} {name}: {value}\n"));
    }
    text.push_str(&format!("{direction}\n"));
    if let Some(body) = body.filter(|b| !b.is_empty()) {
        text.push_str(&String::from_utf8_lossy(body));
        text.push('\n');
    }
    text
}
