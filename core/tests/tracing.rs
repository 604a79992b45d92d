//! `tracing` events name each request (method, path, status, attempt) and never the API key;
//! each attempt is a span, of `tracing` and of a host's tracer.

mod common;

use std::collections::BTreeMap;
use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use adapty_server::trace::{self, AttemptSpan, CallTracer, SpanEnd, SpanStart};
use adapty_server::{ProfileRef, RequestOptions};
use common::{Env, KEY};
use serde_json::{Value, json};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_describe_requests_without_secrets() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .init();

    let env = Env::start().await;
    env.control.seed_user("traced").await;
    env.control.fault(json!({ "method": "GET", "status": 503, "times": 1 })).await;
    let client = env.client();
    let call = async move { client.profiles().get(&ProfileRef::customer_user_id("traced").unwrap()).await };
    tracing::Instrument::instrument(call, tracing::info_span!("caller")).await.unwrap();

    let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("retrying"), "{log}");
    assert!(log.contains("path=\"/api/v2/server-side-api/profile/\"") || log.contains("path=/api/v2/server-side-api/profile/"), "{log}");
    assert!(log.contains("status=200") && log.contains("attempt=2"), "{log}");
    assert!(!log.contains(KEY), "the key leaked into the logs");
    // Each attempt is a span in OpenTelemetry's HTTP client conventions, under the caller's span.
    let spans: Vec<&str> = log.lines().filter(|l| l.contains("caller:adapty.request{")).collect();
    assert!(!spans.is_empty(), "{log}");
    let first = spans.iter().find(|l| l.contains("request failed")).expect("the first attempt's event");
    for field in
        ["otel.kind=\"client\"", "http.request.method=\"GET\"", "adapty.operation=\"profiles.get\"", "server.address=\"127.0.0.1\""]
    {
        assert!(first.contains(field), "{field} in {first}");
    }
    assert!(first.contains("url.full=\"http://127.0.0.1:"), "{first}");
    let second = spans.iter().find(|l| l.contains("request succeeded")).expect("the second attempt's event");
    assert!(second.contains("http.request.resend_count=1"), "{second}");
    // When an attempt's span closes, it has the status, and the error's type for a failure.
    let closed: Vec<&str> = log.lines().filter(|l| l.contains("adapty.request{") && l.contains("close")).collect();
    assert!(closed.iter().any(|l| l.contains("http.response.status_code=503") && l.contains("error.type=\"503\"")), "{closed:?}");
    assert!(closed.iter().any(|l| l.contains("http.response.status_code=200") && !l.contains("error.type")), "{closed:?}");
}

/// A host's tracer as a binding plugs one in: records each span by the number the core gives it,
/// and answers later (as Node's thread does) with a `traceparent` naming that number.
#[derive(Default)]
struct Recorder {
    spans: Spans,
}

/// Each span's start and, once it ended, its end (their JSON), by the span's number.
type Spans = Arc<Mutex<BTreeMap<u32, (Value, Option<Value>)>>>;

struct RecordedSpan {
    id: u32,
    headers: Vec<(String, String)>,
    spans: Spans,
}

impl CallTracer for Recorder {
    fn start(&self, id: u32, span: &SpanStart<'_>) -> Pin<Box<dyn Future<Output = Box<dyn AttemptSpan>> + Send>> {
        let earlier = self.spans.lock().unwrap().insert(id, (serde_json::from_str(&span.to_json()).unwrap(), None));
        assert!(earlier.is_none(), "span {id} numbered twice");
        let parent = format!("00-0af7651916cd43dd8448eb211c80319c-{:016x}-01", id + 1);
        let headers = vec![("traceparent".to_owned(), parent), ("tracestate".to_owned(), "vendor=1".to_owned())];
        let span = RecordedSpan { id, headers, spans: self.spans.clone() };
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(2)).await;
            Box::new(span) as Box<dyn AttemptSpan>
        })
    }
}

impl AttemptSpan for RecordedSpan {
    fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    fn end(self: Box<Self>, end: &SpanEnd) {
        self.spans.lock().unwrap().get_mut(&self.id).unwrap().1 = Some(serde_json::from_str(&end.to_json()).unwrap());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_tracer_spans_each_attempt_and_its_context_is_sent() {
    let env = Env::start().await;
    env.control.seed_user("host-traced").await;
    env.control.fault(json!({ "method": "GET", "status": 503, "times": 1 })).await;
    env.control.clear_journal().await;
    // A context given in the options gives way to the attempt's span.
    let client = env.client().with_options(&RequestOptions::new().header("traceparent", "00-given-by-the-caller-01")).unwrap();
    let recorder = Recorder::default();
    let spans = recorder.spans.clone();
    let user = ProfileRef::customer_user_id("host-traced").unwrap();
    trace::traced(Arc::new(recorder), async move { client.profiles().get(&user).await }).await.unwrap();

    let spans: Vec<_> = spans.lock().unwrap().values().cloned().collect();
    assert_eq!(spans.len(), 2, "{spans:?}");
    let (first, first_end) = &spans[0];
    assert_eq!(first["name"], "GET");
    assert_eq!(first["kind"], "client");
    let attributes = &first["attributes"];
    assert_eq!(attributes["http.request.method"], "GET");
    assert_eq!(attributes["adapty.operation"], "profiles.get");
    assert_eq!(attributes["server.address"], "127.0.0.1");
    assert_eq!(attributes["url.full"].as_str().unwrap(), format!("{}/api/v2/server-side-api/profile/", env.base_url()));
    assert!(attributes["server.port"].as_u64().unwrap() > 0);
    assert!(attributes.get("http.request.resend_count").is_none(), "{attributes}");
    assert_eq!(first_end.as_ref().unwrap()["attributes"], json!({"http.response.status_code": 503, "error.type": "503"}));
    let (second, second_end) = &spans[1];
    assert_eq!(second["attributes"]["http.request.resend_count"], 1);
    assert_eq!(second_end.as_ref().unwrap()["attributes"], json!({"http.response.status_code": 200}));
    // Each attempt carried its own span's context.
    let sent: Vec<Value> = env.control.journal().await.into_iter().filter(|e| e["path"] == "/api/v2/server-side-api/profile/").collect();
    let parents: Vec<&str> = sent.iter().map(|e| e["headers"]["traceparent"].as_str().unwrap()).collect();
    assert_eq!(
        parents,
        ["00-0af7651916cd43dd8448eb211c80319c-0000000000000001-01", "00-0af7651916cd43dd8448eb211c80319c-0000000000000002-01"]
    );
    assert!(sent.iter().all(|e| e["headers"]["tracestate"] == "vendor=1"), "{sent:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_call_ends_its_span_as_cancelled() {
    let env = Env::start().await;
    env.control.seed_user("cancelled").await;
    env.control.fault(json!({ "method": "GET", "delay_ms": 5000, "times": 1 })).await;
    let client = env.client();
    let recorder = Recorder::default();
    let spans = recorder.spans.clone();
    let user = ProfileRef::customer_user_id("cancelled").unwrap();
    let call = trace::traced(Arc::new(recorder), async move { client.profiles().get(&user).await });
    assert!(tokio::time::timeout(Duration::from_millis(300), call).await.is_err(), "the call should still be waiting");
    // The task is aborted when its handle drops; its span ends as it unwinds.
    for _ in 0..100 {
        if spans.lock().unwrap().get(&0).is_some_and(|(_, end)| end.is_some()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let spans = spans.lock().unwrap().clone();
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(spans[&0].1.as_ref().expect("the span ended")["attributes"], json!({"error.type": "cancelled"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spans_of_requests_side_by_side_are_numbered_apart() {
    let env = Env::start().await;
    let names: Vec<String> = (0..8).map(|i| format!("numbered-{i}")).collect();
    for name in &names {
        env.control.seed_user(name).await;
    }
    let users: Vec<ProfileRef> = names.iter().map(|n| ProfileRef::customer_user_id(n.as_str()).unwrap()).collect();
    let client = env.client();
    let recorder = Recorder::default();
    let spans = recorder.spans.clone();
    let results = trace::traced(Arc::new(recorder), async move { Ok(client.profiles().delete_many(users, 4).await) }).await.unwrap();
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let spans = spans.lock().unwrap();
    assert_eq!(spans.keys().copied().collect::<Vec<_>>(), (0..8).collect::<Vec<_>>(), "one number per attempt, none twice");
    assert!(spans.values().all(|(_, end)| end.is_some()), "every span ended");
}
