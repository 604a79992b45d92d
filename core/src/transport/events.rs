//! Request events: what code outside the SDK sees of each attempt of each request, before it is
//! sent and when it ends (Python's `event_hooks`, Node's `client.on('request' | 'response')`, a
//! Rust [`Listener`]). They carry the operation, method, URL, attempt, and on response the
//! status, request id, time taken and the kind of error; never the key, never a body.
//!
//! Listeners belong to a client and every client made from it with other options; the transport
//! calls them on the SDK's runtime, so a listener must be quick and must not block.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::Serialize;

use crate::models::error::ErrorKind;

/// Sees every attempt of every request of the clients it is added to.
pub trait Listener: Send + Sync + 'static {
    fn on_event(&self, event: &Event<'_>);
}

impl<F: Fn(&Event<'_>) + Send + Sync + 'static> Listener for F {
    fn on_event(&self, event: &Event<'_>) {
        self(event)
    }
}

/// Which side of an attempt an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Before the attempt is sent.
    Request,
    /// The attempt ended: with a response, or with a connection error or timeout.
    Response,
}

/// One attempt of a request, before it is sent or when it has ended.
#[derive(Debug, Clone, Serialize)]
pub struct Event<'a> {
    #[serde(rename = "type")]
    pub phase: Phase,
    /// The operation, as the manifest names it (`profiles.get`).
    pub operation: &'a str,
    pub method: &'a str,
    /// The whole URL, query included (the key travels in a header, never here).
    pub url: &'a str,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// How the attempt ended (response events only).
    #[serde(flatten)]
    pub outcome: Option<Outcome<'a>>,
}

/// How an attempt ended.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome<'a> {
    /// The response's status; `None` when no response came (a connection error, a timeout).
    pub status: Option<u16>,
    pub request_id: Option<&'a str>,
    /// From sending to the whole response body (or the failure).
    #[serde(rename = "elapsed_ms", serialize_with = "millis")]
    pub elapsed: Duration,
    /// The kind of error the attempt ended with (`api` for an error status), `None` on success.
    pub error_kind: Option<ErrorKind>,
    /// When the request is sent again, if it is; `None` when this attempt ends it.
    #[serde(rename = "retry_in_ms", serialize_with = "optional_millis")]
    pub retry_in: Option<Duration>,
}

fn optional_millis<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => millis(d, s),
        None => s.serialize_none(),
    }
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

impl Event<'_> {
    /// The event as JSON, as every binding hands it to its language: `type` (`request` or
    /// `response`), `operation`, `method`, `url`, `attempt`, and on response `status`,
    /// `request_id`, `elapsed_ms`, `error_kind`, `retry_in_ms`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A listener's registration, to remove it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListenerId(u64);

/// The listeners of a client (shared by every client made from it).
#[derive(Default)]
pub(crate) struct Listeners {
    all: RwLock<Vec<(ListenerId, Arc<dyn Listener>)>>,
    next: std::sync::atomic::AtomicU64,
}

impl Listeners {
    pub fn add(&self, listener: Arc<dyn Listener>) -> ListenerId {
        let id = ListenerId(self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        self.all.write().unwrap_or_else(|p| p.into_inner()).push((id, listener));
        id
    }

    /// Whether `id` was registered (and now is not).
    pub fn remove(&self, id: ListenerId) -> bool {
        let mut all = self.all.write().unwrap_or_else(|p| p.into_inner());
        let before = all.len();
        all.retain(|(i, _)| *i != id);
        all.len() != before
    }

    /// The listeners now registered: empty (and no allocation) when there are none.
    pub fn current(&self) -> Vec<Arc<dyn Listener>> {
        let all = self.all.read().unwrap_or_else(|p| p.into_inner());
        all.iter().map(|(_, l)| l.clone()).collect()
    }
}
