//! `tracing` events name each request (method, path, status, attempt) and never the API key.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use adapty_server::ProfileRef;
use common::{Env, KEY};
use serde_json::json;

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
