//! `ops::call` with any operation and any JSON arguments never panics and never fails with an
//! internal error: arguments are refused by validation (before any I/O) or reach the transport,
//! which fails fast with a connection error against a closed loopback port.
//!
//! Input: byte 0 picks the operation (`OPERATIONS[(byte & 0x7f) % len]`, one past the end is an
//! unknown name) and the client (bit 0x80 set: `ApiVersion::V1`, else V2); the rest is the
//! arguments as JSON text (inputs that are not JSON are skipped).
#![no_main]

use std::net::TcpListener;
use std::sync::OnceLock;
use std::time::Duration;

use adapty_server::{ApiVersion, Client, Config, ErrorKind, ops};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

struct Fixture {
    runtime: tokio::runtime::Runtime,
    v1: Client,
    v2: Client,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        // A port nothing listens on: bound once, then released.
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free loopback port").port();
        let client = |version| {
            let config = Config::builder()
                .api_key("secret_fuzz")
                .base_url(format!("http://127.0.0.1:{port}"))
                .allow_insecure_http(true)
                .api_version(version)
                .max_retries(0)
                .connect_timeout(Duration::from_millis(200))
                .timeout(Duration::from_millis(300))
                .build()
                .expect("a valid config");
            Client::new(config).expect("a client")
        };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        Fixture { runtime, v1: client(ApiVersion::V1), v2: client(ApiVersion::V2) }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, json)) = data.split_first() else { return };
    let Ok(args) = serde_json::from_slice::<Value>(json) else { return };
    let f = fixture();
    let index = (selector & 0x7f) as usize % (ops::manifest::OPERATIONS.len() + 1);
    let op = ops::manifest::OPERATIONS.get(index).map_or("no.suchOperation", |o| o.name);
    let client = if selector & 0x80 != 0 { &f.v1 } else { &f.v2 };
    let result = f.runtime.block_on(ops::call(client, op, &args));
    if let Err(e) = &result {
        assert_ne!(e.kind(), ErrorKind::Internal, "{op} {args}: {e}");
        assert!(e.to_json().is_object());
    }
    if let Ok(json) = &result {
        let value: Value = serde_json::from_str(json.get()).expect("a result is JSON");
        if let Value::Array(results) = &value {
            // `profiles.deleteMany`: one entry per ref, each `null` or an error's JSON.
            assert!(results.iter().all(|r| r.is_null() || r["kind"] != "internal"), "{op} {args}: {value}");
        }
    }
    let _ = ops::outcome(result);
});
