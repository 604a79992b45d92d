//! Watching calls from outside the SDK's types, for tools built on [`call`] (the `adapty`
//! command line): the status and request id a call's response had ([`call_observed`]), a call
//! checked exactly as it would be sent but not sent ([`check`]), and each request and response
//! as text on the `adapty_server::wire` tracing target ([`WIRE`]: TRACE level; the key redacted).
//!
//! The first two are hooks of the transport, installed for the call's task only: they see only
//! the calls made inside them, whatever else runs.

use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::api::client::Client;
use crate::dispatch::run::call;
use crate::models::error::Error;
use crate::models::json::Json;
use crate::transport::hook::{self, Hook, Response};
use crate::transport::request::ApiRequest;
pub use crate::transport::wire::WIRE;

/// The status and request id of a call's successful response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub status: u16,
    pub request_id: Option<String>,
}

/// [`call`], with the status and request id of its successful response (`None` after an error:
/// the error carries its own).
pub async fn call_observed(client: &Client, op: &str, args: &Value) -> (Result<Json, Error>, Option<Sent>) {
    let (client, op, args) = (client.clone(), op.to_owned(), args.clone());
    let observer = Arc::new(Observer::default());
    let run = hook::scope(observer.clone(), async move { call(&client, &op, &args).await });
    // On the SDK's runtime, so the whole call runs inside the scope.
    let result = crate::transport::runtime::spawn(async move { Ok(run.await) }).await.unwrap_or_else(Err);
    let sent = observer.sent.lock().unwrap_or_else(|p| p.into_inner()).take();
    (result, sent)
}

/// Notes the last successful response.
#[derive(Default)]
struct Observer {
    sent: Mutex<Option<Sent>>,
}

impl Hook for Observer {
    fn on_request(&self, _: &ApiRequest) -> Result<(), Error> {
        Ok(())
    }

    fn on_response(&self, response: Response<'_>) {
        if response.status < 400 {
            let sent = Sent { status: response.status, request_id: response.request_id.map(str::to_owned) };
            *self.sent.lock().unwrap_or_else(|p| p.into_inner()) = Some(sent);
        }
    }
}

/// What [`check`] finds at the point of sending.
const NOT_SENT: &str = "dry run: checked, not sent";

/// Checks `args` for `op` exactly as [`call`] does (arguments, the body's rules), up to the
/// point of sending, and sends nothing: `Ok` when the call would be sent.
pub async fn check(client: &Client, op: &str, args: &Value) -> Result<(), Error> {
    let (client, op, args) = (client.clone(), op.to_owned(), args.clone());
    let run = hook::scope(Arc::new(DryRun), async move { call(&client, &op, &args).await });
    match crate::transport::runtime::spawn(run).await {
        Err(Error::Usage { message }) if message == NOT_SENT => Ok(()),
        Err(e) => Err(e),
        Ok(_) => Err(Error::Internal { message: "a dry run completed a call without sending it".into() }),
    }
}

/// Stops every request at the point of sending.
struct DryRun;

impl Hook for DryRun {
    fn on_request(&self, _: &ApiRequest) -> Result<(), Error> {
        Err(Error::Usage { message: NOT_SENT.into() })
    }

    fn on_response(&self, _: Response<'_>) {}
}
