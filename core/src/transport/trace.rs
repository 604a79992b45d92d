//! Spans of every attempt of a request, in OpenTelemetry's HTTP client conventions, for two
//! kinds of tracer:
//! - Rust's `tracing`: each attempt is the span `adapty.request` (which `tracing-opentelemetry`
//!   turns into a CLIENT span; with the `opentelemetry` feature its context is sent along);
//! - a host language's tracer (OpenTelemetry in Python, Node, the JVM; any tracer a Swift or
//!   Kotlin user plugs in): a [`CallTracer`] installed for one call's task ([`traced`]), as a
//!   hook is. The binding captures the caller's context when the call begins; the core says what
//!   each span is ([`SpanStart`], [`SpanEnd`]: name and attributes computed here once), the host
//!   starts it under that context and gives back the headers that carry it (`traceparent`,
//!   `tracestate`), which the attempt sends.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::Url;
use serde_json::{Map, Value, json};

use crate::models::error::Error;
use crate::transport::events::Outcome;
use crate::transport::scope::{Slot, scoped};

/// Starts the span of each attempt of one call, under the context the call began in.
pub trait CallTracer: Send + Sync + 'static {
    /// Starts the span of an attempt about to be sent. `id` numbers it among the call's spans
    /// (the attempts of `delete_many`'s requests run side by side), for a host that keeps its
    /// spans by number until they end. A host that must be reached on a thread of its own
    /// (Node's) answers later; the attempt waits for it.
    fn start(&self, id: u32, span: &SpanStart<'_>) -> Pin<Box<dyn Future<Output = Box<dyn AttemptSpan>> + Send>>;
}

/// A host's span of one attempt.
pub trait AttemptSpan: Send {
    /// The headers that carry the span to the server: W3C `traceparent` and `tracestate`, or
    /// whatever the host's propagator writes. A name or value that cannot be sent is left out.
    fn headers(&self) -> &[(String, String)];

    /// Ends the span with how the attempt ended.
    fn end(self: Box<Self>, end: &SpanEnd);
}

/// The tracer of one call's task, and the number of its next span.
pub(crate) struct Scope {
    tracer: Arc<dyn CallTracer>,
    spans: AtomicU32,
}

thread_local! {
    static TRACER: Slot<Arc<Scope>> = const { Slot::new(None) };
}

/// Runs `call` (any call of the SDK's clients) with `tracer` starting the span of each attempt
/// of each request it makes.
pub async fn traced<T: Send + 'static>(
    tracer: Arc<dyn CallTracer>,
    call: impl Future<Output = Result<T, Error>> + Send + 'static,
) -> Result<T, Error> {
    // On the SDK's runtime, so the whole call runs inside the scope.
    let scope = Arc::new(Scope { tracer, spans: AtomicU32::new(0) });
    crate::transport::runtime::spawn(scoped(&TRACER, scope, call)).await
}

/// The tracer installed for the running task, if any.
pub(crate) fn current() -> Option<Arc<Scope>> {
    crate::transport::scope::current(&TRACER)
}

/// Runs `fut` with a call's tracer installed (on a task the call spawned).
pub(crate) async fn within<F: Future>(scope: Arc<Scope>, fut: F) -> F::Output {
    scoped(&TRACER, scope, fut).await
}

/// An attempt about to be sent, as a span: a CLIENT span named by its method, with
/// `http.request.method`, `url.full`, `server.address`, `server.port`, `adapty.operation`, and
/// on a retry `http.request.resend_count`.
#[derive(Debug, Clone, Copy)]
pub struct SpanStart<'a> {
    pub method: &'a str,
    /// The whole URL (the key travels in a header, never here).
    pub url: &'a Url,
    /// The operation, as the manifest names it (`profiles.get`).
    pub operation: &'a str,
    /// Attempts before this one.
    pub resend_count: u32,
}

impl SpanStart<'_> {
    /// The span's name: the method, as the conventions ask when there is no route template.
    pub fn name(&self) -> &str {
        self.method
    }

    pub fn server_address(&self) -> &str {
        self.url.host_str().unwrap_or_default()
    }

    pub fn server_port(&self) -> u16 {
        self.url.port_or_known_default().unwrap_or_default()
    }

    /// `{"name", "kind": "client", "attributes": {...}}`, as every binding hands it to its host.
    pub fn to_json(&self) -> String {
        let mut attributes = Map::new();
        attributes.insert("http.request.method".into(), self.method.into());
        attributes.insert("url.full".into(), self.url.as_str().into());
        attributes.insert("server.address".into(), self.server_address().into());
        attributes.insert("server.port".into(), self.server_port().into());
        attributes.insert("adapty.operation".into(), self.operation.into());
        if self.resend_count > 0 {
            attributes.insert("http.request.resend_count".into(), self.resend_count.into());
        }
        json!({"name": self.name(), "kind": "client", "attributes": attributes}).to_string()
    }
}

/// How an attempt ended, as a span: `http.response.status_code` when a response came, and on
/// failure `error.type` (the status for an error status, else the kind of error), which marks
/// the span as failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanEnd {
    pub status: Option<u16>,
    pub error_type: Option<Cow<'static, str>>,
}

impl SpanEnd {
    pub(crate) fn of(outcome: &Outcome<'_>) -> Self {
        let error_type = match (outcome.error_kind, outcome.status) {
            (Some(_), Some(status)) => Some(Cow::Owned(status.to_string())),
            (Some(kind), None) => Some(Cow::Borrowed(kind.as_str())),
            (None, _) => None,
        };
        Self { status: outcome.status, error_type }
    }

    /// An attempt whose call was dropped (a cancelled task, an aborted signal) before it ended.
    pub(crate) fn cancelled() -> Self {
        Self { status: None, error_type: Some(Cow::Borrowed("cancelled")) }
    }

    /// `{"attributes": {...}}`; a host marks the span failed when `error.type` is among them.
    pub fn to_json(&self) -> String {
        let mut attributes = Map::new();
        if let Some(status) = self.status {
            attributes.insert("http.response.status_code".into(), status.into());
        }
        if let Some(error_type) = &self.error_type {
            attributes.insert("error.type".into(), Value::from(error_type.as_ref()));
        }
        json!({ "attributes": attributes }).to_string()
    }
}

/// The headers that carry `span`'s OpenTelemetry context (the `opentelemetry` feature, with a
/// `tracing-opentelemetry` layer): whatever the global propagator writes; none without a layer.
#[cfg(feature = "opentelemetry")]
pub(crate) fn tracing_context_headers(span: &tracing::Span) -> Vec<(String, String)> {
    use tracing_opentelemetry::OpenTelemetrySpanExt;

    struct Headers(Vec<(String, String)>);
    impl opentelemetry::propagation::Injector for Headers {
        fn set(&mut self, key: &str, value: String) {
            self.0.push((key.to_owned(), value));
        }
    }
    if span.is_disabled() {
        return Vec::new();
    }
    let mut headers = Headers(Vec::new());
    let context = span.context();
    opentelemetry::global::get_text_map_propagator(|propagator| propagator.inject_context(&context, &mut headers));
    headers.0
}

/// Without the `opentelemetry` feature a `tracing` span carries nothing to the server.
#[cfg(not(feature = "opentelemetry"))]
pub(crate) fn tracing_context_headers(_: &tracing::Span) -> Vec<(String, String)> {
    Vec::new()
}

/// A host's span that ends when dropped if the attempt never ended (its call was cancelled).
pub(crate) struct Started(Option<Box<dyn AttemptSpan>>);

impl Started {
    pub async fn start(scope: &Scope, span: &SpanStart<'_>) -> Self {
        let id = scope.spans.fetch_add(1, Ordering::Relaxed);
        Self(Some(scope.tracer.start(id, span).await))
    }

    pub fn headers(&self) -> &[(String, String)] {
        self.0.as_ref().map_or(&[], |s| s.headers())
    }

    pub fn end(mut self, end: &SpanEnd) {
        if let Some(span) = self.0.take() {
            span.end(end);
        }
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        if let Some(span) = self.0.take() {
            span.end(&SpanEnd::cancelled());
        }
    }
}
