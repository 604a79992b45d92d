//! The `opentelemetry` feature against a server that records what it receives: an attempt's
//! `tracing` span sends its OpenTelemetry context. Here, not beside `transport/trace.rs`,
//! because it needs a client (this layer's).

use opentelemetry::trace::{TraceContextExt, TracerProvider};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::SubscriberExt;

use crate::{Client, Config, ProfileRef};

/// Answers every request with 204 and hands over its head.
async fn server() -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (heads, received) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let heads = heads.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = socket.read(&mut buf).await {
                    head.extend_from_slice(&buf[..n]);
                    if head.windows(4).any(|w| w == b"\r\n\r\n") {
                        let _ = heads.send(String::from_utf8_lossy(&head).into_owned());
                        head.clear();
                        let _ = socket.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").await;
                    }
                }
            });
        }
    });
    (url, received)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempts_span_context_is_sent_as_traceparent() {
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
    opentelemetry::global::set_text_map_propagator(opentelemetry_sdk::propagation::TraceContextPropagator::new());
    let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("test"));
    // Global: the request's spans are made on the SDK's runtime threads.
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer)).unwrap();

    let (url, mut heads) = server().await;
    let client = Client::new(Config::builder().api_key("secret_test").base_url(url).build().unwrap()).unwrap();
    let handler = tracing::info_span!("handler");
    let handler_context = handler.context().span().span_context().clone();
    let user = ProfileRef::customer_user_id("traced").unwrap();
    tracing::Instrument::instrument(async move { client.profiles().delete(&user).await }, handler).await.unwrap();

    let head = heads.recv().await.unwrap().to_ascii_lowercase();
    let traceparent = head.lines().find_map(|l| l.strip_prefix("traceparent: ")).unwrap_or_else(|| panic!("no traceparent in {head}"));
    let parts: Vec<&str> = traceparent.trim().split('-').collect();
    assert_eq!(parts[1], handler_context.trace_id().to_string(), "the caller's trace");
    assert_ne!(parts[2], handler_context.span_id().to_string(), "the attempt's own span, under the caller's");
    assert_eq!(parts[3], "01");
}
