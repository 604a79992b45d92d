//! A call's OpenTelemetry spans in Python: the core's [`CallTracer`] over the tracer
//! `adapty_server._tracing` makes for a call (`start(span_json) -> (end, headers)`, then
//! `end(end_json)`), called on the thread the request runs on.

use std::future::{Future, ready};
use std::pin::Pin;

use adapty_server::trace::{AttemptSpan, CallTracer, SpanEnd, SpanStart};
use pyo3::prelude::*;

use crate::shutdown;

pub struct PyTracer(pub Py<PyAny>);

struct PySpan {
    end: Option<Py<PyAny>>,
    headers: Vec<(String, String)>,
}

impl CallTracer for PyTracer {
    /// The span's number goes unused: Python's `end` is the span's own (a closure over it).
    fn start(&self, _: u32, span: &SpanStart<'_>) -> Pin<Box<dyn Future<Output = Box<dyn AttemptSpan>> + Send>> {
        let text = span.to_json();
        let started = shutdown::attach(|py| {
            let started = self.0.call_method1(py, "start", (text,)).and_then(|r| r.extract::<(Py<PyAny>, Vec<(String, String)>)>(py));
            // A tracer that fails costs its spans, never the request.
            started.map_err(|e| e.write_unraisable(py, Some(self.0.bind(py)))).ok()
        });
        let span = match started.flatten() {
            Some((end, headers)) => PySpan { end: Some(end), headers },
            None => PySpan { end: None, headers: Vec::new() },
        };
        Box::pin(ready(Box::new(span) as Box<dyn AttemptSpan>))
    }
}

impl AttemptSpan for PySpan {
    fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    fn end(self: Box<Self>, end: &SpanEnd) {
        let Some(end_span) = self.end else { return };
        let text = end.to_json();
        shutdown::attach(|py| {
            if let Err(e) = end_span.call1(py, (text,)) {
                e.write_unraisable(py, Some(end_span.bind(py)));
            }
        });
    }
}
