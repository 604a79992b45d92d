//! Watching calls from outside the SDK's types: a call's response (status, headers, request id,
//! retries: [`with_raw_response`], [`call_raw`] for the bindings and the command line), a call
//! checked exactly as it would be sent but not sent ([`check`]), and each request and response
//! as text on the `adapty_server::wire` tracing target ([`WIRE`]: TRACE level; the key redacted).
//!
//! The first two are hooks of the transport, installed for the call's task only: they see only
//! the calls made inside them, whatever else runs.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::Value;

use crate::api::client::Client;
use crate::dispatch::run::call;
use crate::models::error::Error;
use crate::models::json::Json;
use crate::transport::hook::{self, Hook, Response};
use crate::transport::request::ApiRequest;
pub use crate::transport::wire::WIRE;

/// A successful call's response: its status, headers, request id and retries (for a call of
/// several requests, the last one's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseMeta {
    pub status: u16,
    /// Names in lower case; a header given several times has its values joined with `, `.
    pub headers: BTreeMap<String, String>,
    /// The `Request-Id` (or `X-Request-Id`) header: what Adapty's support asks for.
    pub request_id: Option<String>,
    /// Attempts before the one that succeeded.
    pub retries: u32,
}

/// A call's result with its response ([`with_raw_response`]).
#[derive(Debug, Clone)]
pub struct Raw<T> {
    pub data: T,
    pub response: ResponseMeta,
}

impl Raw<Json> {
    /// `{"data": result, "response": {"status", "headers", "request_id", "retries"}}`: how every
    /// binding receives a raw response.
    pub fn to_json(&self) -> Json {
        let response = serde_json::to_string(&self.response).unwrap_or_default();
        let text = format!(r#"{{"data":{},"response":{response}}}"#, self.data.get());
        serde_json::value::RawValue::from_string(text).unwrap_or_else(|_| crate::dispatch::run::null())
    }
}

/// Runs `call` (any call of the SDK's clients) and returns its result with its response:
/// `with_raw_response(async move { client.profiles().get(&user).await })`. An error carries its
/// own status and request id.
pub async fn with_raw_response<T, F>(call: F) -> Result<Raw<T>, Error>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    let observer = Arc::new(Observer::default());
    let run = hook::scope(observer.clone(), call);
    // On the SDK's runtime, so the whole call runs inside the scope.
    let data = crate::transport::runtime::spawn(run).await?;
    let response = observer.last.lock().unwrap_or_else(|p| p.into_inner()).take();
    let response = response.ok_or_else(|| Error::Usage { message: "the call sent no request, so it has no response".into() })?;
    Ok(Raw { data, response })
}

/// [`call`] with its response ([`with_raw_response`]).
pub async fn call_raw(client: &Client, op: &str, args: &Value) -> Result<Raw<Json>, Error> {
    let (client, op, args) = (client.clone(), op.to_owned(), args.clone());
    with_raw_response(async move { call(&client, &op, &args).await }).await
}

/// Notes the last successful response.
#[derive(Default)]
struct Observer {
    last: Mutex<Option<ResponseMeta>>,
}

impl Hook for Observer {
    fn on_request(&self, _: &ApiRequest) -> Result<(), Error> {
        Ok(())
    }

    fn on_response(&self, response: Response<'_>) {
        if response.status >= 400 {
            return;
        }
        let mut headers = BTreeMap::<String, String>::new();
        for (name, value) in response.headers.into_iter().flatten() {
            let value = String::from_utf8_lossy(value.as_bytes());
            headers.entry(name.as_str().to_owned()).and_modify(|v| *v = format!("{v}, {value}")).or_insert_with(|| value.into_owned());
        }
        let meta = ResponseMeta {
            status: response.status,
            headers,
            request_id: response.request_id.map(str::to_owned),
            retries: response.retries,
        };
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(meta);
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
