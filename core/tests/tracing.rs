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
    tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false).with_writer(move || writer.clone()).init();

    let env = Env::start().await;
    env.control.seed_user("traced").await;
    env.control.fault(json!({ "method": "GET", "status": 503, "times": 1 })).await;
    env.client().profiles().get(&ProfileRef::customer_user_id("traced").unwrap()).await.unwrap();

    let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("retrying"), "{log}");
    assert!(log.contains("path=\"/api/v2/server-side-api/profile/\"") || log.contains("path=/api/v2/server-side-api/profile/"), "{log}");
    assert!(log.contains("status=200") && log.contains("attempt=2"), "{log}");
    assert!(!log.contains(KEY), "the key leaked into the logs");
}
