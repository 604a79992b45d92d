//! A call's OpenTelemetry spans in Node: the core's [`CallTracer`] over the function
//! `lib/tracing.js` makes for a call, `(id, json) => headers`: called with a span's start (the
//! core's `SpanStart` JSON), it starts span `id` and returns the JSON text of the headers that
//! carry it; called again with the same `id` and the end, it ends it. JavaScript runs on its own
//! thread, so an attempt waits for the answer before it is sent.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use adapty_server::trace::{AttemptSpan, CallTracer, SpanEnd, SpanStart};
use napi::bindgen_prelude::{FnArgs, Function};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};

/// The function `lib/tracing.js` makes for a call.
pub type TraceFn<'scope> = Function<'scope, FnArgs<(u32, String)>, Option<String>>;

type Tell = ThreadsafeFunction<FnArgs<(u32, String)>, Option<String>, FnArgs<(u32, String)>, napi::Status, false, true>;

pub struct JsTracer {
    tell: Arc<Tell>,
}

impl JsTracer {
    /// Weak: a span never keeps the event loop alive (the call's Promise does).
    pub fn new(trace: TraceFn<'_>) -> napi::Result<Self> {
        let tell = trace.build_threadsafe_function::<FnArgs<(u32, String)>>().weak::<true>().build()?;
        Ok(Self { tell: Arc::new(tell) })
    }
}

struct JsSpan {
    id: u32,
    tell: Arc<Tell>,
    headers: Vec<(String, String)>,
}

impl CallTracer for JsTracer {
    fn start(&self, id: u32, span: &SpanStart<'_>) -> Pin<Box<dyn Future<Output = Box<dyn AttemptSpan>> + Send>> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let status =
            self.tell.call_with_return_value((id, span.to_json()).into(), ThreadsafeFunctionCallMode::NonBlocking, move |headers, _| {
                let _ = answer.send(headers.ok().flatten());
                Ok(())
            });
        let tell = self.tell.clone();
        Box::pin(async move {
            // Nothing comes once the environment is gone (`Closing`): the request goes untraced.
            let headers = if status == napi::Status::Ok { answered.await.ok().flatten() } else { None };
            let headers = headers.and_then(|h| serde_json::from_str(&h).ok()).unwrap_or_default();
            Box::new(JsSpan { id, tell, headers }) as Box<dyn AttemptSpan>
        })
    }
}

impl AttemptSpan for JsSpan {
    fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    fn end(self: Box<Self>, end: &SpanEnd) {
        let _ = self.tell.call((self.id, end.to_json()).into(), ThreadsafeFunctionCallMode::NonBlocking);
    }
}
