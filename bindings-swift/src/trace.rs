//! A call's spans in a host's tracer (OpenTelemetry on the JVM; any tracer a Swift or Kotlin
//! user plugs in): the core's [`CallTracer`] over a foreign [`CallTrace`], called on the thread
//! the request runs on.

use std::collections::HashMap;
use std::future::{Future, ready};
use std::pin::Pin;
use std::sync::Arc;

use adapty_server::trace::{AttemptSpan, CallTracer, SpanEnd, SpanStart};

/// The spans of one call's attempts, under the context the call began in. `start` starts span
/// `id` from the core's description (`{"name", "kind": "client", "attributes"}`: OpenTelemetry's
/// HTTP client conventions) and returns the headers that carry it (`traceparent`,
/// `tracestate`); `end` ends it (`{"attributes"}`: the status, and `error.type` on failure).
/// Both must be quick and must not throw.
#[uniffi::export(with_foreign)]
pub trait CallTrace: Send + Sync {
    fn start(&self, id: u64, span_json: String) -> HashMap<String, String>;
    fn end(&self, id: u64, end_json: String);
}

/// A call of the core, boxed: its future is large (in a debug build, larger than what is left of
/// a JVM thread's stack once moved by value a few times).
pub type Call<T> = Pin<Box<dyn Future<Output = Result<T, adapty_server::Error>> + Send>>;

/// `call`, each attempt of it a span of `trace` when there is one.
pub async fn traced<T: Send + 'static>(trace: Option<Arc<dyn CallTrace>>, call: Call<T>) -> Result<T, adapty_server::Error> {
    match trace {
        Some(trace) => adapty_server::trace::traced(Arc::new(Foreign(trace)), call).await,
        None => call.await,
    }
}

struct Foreign(Arc<dyn CallTrace>);

struct ForeignSpan {
    id: u64,
    trace: Arc<dyn CallTrace>,
    headers: Vec<(String, String)>,
}

impl CallTracer for Foreign {
    fn start(&self, id: u32, span: &SpanStart<'_>) -> Pin<Box<dyn Future<Output = Box<dyn AttemptSpan>> + Send>> {
        let id = u64::from(id);
        let headers = self.0.start(id, span.to_json()).into_iter().collect();
        Box::pin(ready(Box::new(ForeignSpan { id, trace: self.0.clone(), headers }) as Box<dyn AttemptSpan>))
    }
}

impl AttemptSpan for ForeignSpan {
    fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    fn end(self: Box<Self>, end: &SpanEnd) {
        self.trace.end(self.id, end.to_json());
    }
}
