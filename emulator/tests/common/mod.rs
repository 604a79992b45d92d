//! The raw-HTTP harness the emulator's test files share: an in-process emulator and a plain
//! reqwest client (not the SDK, so the emulator is checked on its own).

// Each test file uses a different part of this module.
#![allow(dead_code)]

pub mod hooks;

use adapty_emulator::{DEFAULT_APP_ID, Emulator, Settings};
use reqwest::{Client, Method, RequestBuilder};
use serde_json::Value;

pub const KEY: &str = "secret_emulator_test";

pub struct T {
    pub emulator: Emulator,
    pub http: Client,
}

impl T {
    /// An emulator accepting `key` (`None`: any key).
    pub async fn start(key: Option<&str>) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self { emulator: Emulator::start_local(key).await.unwrap(), http: Client::new() }
    }

    /// An emulator where every key is an app of its own (`--accept-any-key`).
    pub async fn start_tenants() -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let settings = Settings { tenant_per_key: true, app_id: DEFAULT_APP_ID, ..Settings::default() };
        let emulator = Emulator::start(([127, 0, 0, 1], 0).into(), settings).await.unwrap();
        Self { emulator, http: Client::new() }
    }

    /// A request to `path` with the right key.
    pub fn req(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{path}", self.emulator.base_url())).header("authorization", format!("Api-Key {KEY}"))
    }

    /// Status and JSON body (`null` when empty).
    pub async fn send(&self, req: RequestBuilder) -> (u16, Value) {
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() })
    }

    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}/__emulator/{path}", self.emulator.base_url()));
        if let Some(b) = body {
            req = req.pipe_json(&b);
        }
        self.send(req).await
    }
}

/// `RequestBuilder::json` without reqwest's `json` feature.
pub trait PipeJson {
    fn pipe_json(self, body: &Value) -> Self;
}

impl PipeJson for RequestBuilder {
    fn pipe_json(self, body: &Value) -> Self {
        self.header("content-type", "application/json").body(body.to_string())
    }
}
