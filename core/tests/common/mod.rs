//! Test helpers: an emulator per test and its control plane.
#![allow(dead_code)]

pub mod proxy;

use std::time::Duration;

use adapty_emulator::Emulator;
use adapty_server::{
    BlockingClient, Client, Config, ConfigBuilder, Error, ProfileRef, RetryPolicy, TransactionParams, VirtualCurrencyTransactionParams,
};
use chrono::Utc;
use serde_json::{Value, json};

pub const KEY: &str = "secret_test_Zq81Kx0wPp";
/// The public key (the Web API's) and the Adapty Mail key the test clients hold beside it.
pub const PUBLIC_KEY: &str = "public_test_Wb52";
pub const MAIL_KEY: &str = "secret_mail_test_Ml27";

/// Retries fast enough for tests.
pub fn fast_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(5),
    }
}

/// An emulator serving on the test's runtime.
pub struct Env {
    pub emulator: Emulator,
    pub control: Control,
}

impl Env {
    pub async fn start() -> Self {
        let emulator = Emulator::start_local(Some(KEY)).await.expect("emulator starts");
        let control = Control::new(emulator.base_url());
        Self { emulator, control }
    }

    pub fn base_url(&self) -> String {
        self.emulator.base_url()
    }

    pub fn config(&self) -> ConfigBuilder {
        Config::builder()
            .api_key(KEY)
            .public_api_key(PUBLIC_KEY)
            .mail_api_key(MAIL_KEY)
            .base_url(self.base_url())
            .retry_policy(fast_retries(2))
    }

    pub fn client(&self) -> Client {
        Client::new(self.config().build().unwrap()).unwrap()
    }
}

/// An emulator on its own thread and runtime, for blocking-client tests run from plain threads.
pub struct ThreadEnv {
    pub base_url: String,
    pub control: Control,
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ThreadEnv {
    pub fn start() -> Self {
        let (url_tx, url_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            let mut emulator = rt.block_on(Emulator::start_local(Some(KEY))).unwrap();
            url_tx.send(emulator.base_url()).unwrap();
            let _ = stop_rx.recv();
            rt.block_on(emulator.stop());
        });
        let base_url = url_rx.recv().unwrap();
        Self { control: Control::new(base_url.clone()), base_url, stop: Some(stop_tx), thread: Some(thread) }
    }

    pub fn config(&self) -> ConfigBuilder {
        Config::builder()
            .api_key(KEY)
            .public_api_key(PUBLIC_KEY)
            .mail_api_key(MAIL_KEY)
            .base_url(self.base_url.clone())
            .retry_policy(fast_retries(2))
    }

    pub fn client(&self) -> BlockingClient {
        BlockingClient::new(self.config().build().unwrap()).unwrap()
    }
}

impl Drop for ThreadEnv {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Runs a control-plane future to completion from a plain thread.
pub fn control<T: Send + 'static>(fut: impl std::future::Future<Output = T> + Send + 'static) -> T {
    adapty_server::runtime::block_on(async move { Ok(fut.await) }).unwrap()
}

/// The emulator's control plane, through one pooled HTTP client.
#[derive(Clone)]
pub struct Control {
    base: String,
    http: reqwest::Client,
}

impl Control {
    pub fn new(base: impl Into<String>) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self { base: base.into(), http: reqwest::Client::new() }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b.to_string());
        }
        let resp = req.send().await.expect("control plane answers");
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) })
    }

    pub async fn journal(&self) -> Vec<Value> {
        match self.call(reqwest::Method::GET, "/__emulator/journal", None).await.1 {
            Value::Array(entries) => entries,
            other => panic!("journal: {other}"),
        }
    }

    pub async fn clear_journal(&self) {
        self.call(reqwest::Method::DELETE, "/__emulator/journal", None).await;
    }

    pub async fn reset(&self) {
        self.call(reqwest::Method::POST, "/__emulator/reset", None).await;
    }

    pub async fn fault(&self, fault: Value) {
        let (status, body) = self.call(reqwest::Method::POST, "/__emulator/faults", Some(fault)).await;
        assert_eq!(status, 204, "fault refused: {body}");
    }

    /// Seeds profiles; returns their profile ids.
    pub async fn seed(&self, spec: Value) -> Vec<String> {
        let v = self.call(reqwest::Method::POST, "/__emulator/profiles", Some(spec)).await.1;
        v["profile_ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
    }

    pub async fn seed_user(&self, customer_user_id: &str) -> String {
        self.seed(json!({ "profiles": [{ "customer_user_id": customer_user_id }] })).await.remove(0)
    }

    /// Changes the emulator's catalog config (`POST /__emulator/config`); returns the whole config.
    pub async fn config(&self, patch: Value) -> Value {
        let (status, body) = self.call(reqwest::Method::POST, "/__emulator/config", Some(patch)).await;
        assert_eq!(status, 200, "config refused: {body}");
        body
    }

    /// Adds `count` generated paywalls (`replace`: instead of the existing ones); returns the total.
    pub async fn seed_paywalls(&self, count: u32, replace: bool) -> u64 {
        let body = json!({ "count": count, "replace": replace });
        self.call(reqwest::Method::POST, "/__emulator/paywalls", Some(body)).await.1["count"].as_u64().unwrap()
    }

    /// What the emulator keeps about a profile (by profile id or customer user id), if it exists.
    pub async fn inspect(&self, id: &str) -> Option<Value> {
        let (status, v) = self.call(reqwest::Method::GET, &format!("/__emulator/profiles/{id}"), None).await;
        (status != 404).then_some(v)
    }
}

/// JSON equality where numbers compare by value (7 == 7.0).
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w))),
        _ => a == b,
    }
}

// Inputs and error readers shared by the feature suites.

pub fn cuid(id: &str) -> ProfileRef {
    ProfileRef::customer_user_id(id).unwrap()
}

pub fn at(days: i64) -> String {
    (Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

pub fn subscription(id: &str, original: &str, value: f64) -> Value {
    let bought = at(-1);
    json!({
        "purchase_type": "subscription", "store": "app_store", "environment": "Sandbox", "store_product_id": "premium_monthly",
        "store_transaction_id": id, "store_original_transaction_id": original,
        "price": {"country": "US", "currency": "USD", "value": value},
        "purchased_at": bought, "originally_purchased_at": bought, "expires_at": at(29), "renew_status": true,
    })
}

pub fn one_time(id: &str, product: &str, value: f64) -> Value {
    json!({
        "purchase_type": "one_time_purchase", "store": "play_store", "store_product_id": product,
        "store_transaction_id": id, "store_original_transaction_id": id,
        "price": {"country": "DE", "currency": "EUR", "value": value}, "purchased_at": at(-2),
    })
}

pub fn tx(v: Value) -> TransactionParams {
    serde_json::from_value(v).unwrap()
}

pub fn vc(items: Value) -> VirtualCurrencyTransactionParams {
    serde_json::from_value(json!({ "items": items })).unwrap()
}

/// `(status, error_code)` of an API error; panics on anything else.
pub fn api(err: Error) -> (u16, String) {
    match err {
        Error::Api(a) => (a.status, a.error_code.unwrap_or_default()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

pub fn validation(err: Error) -> (String, &'static str) {
    match err {
        Error::Validation(v) => (v.field, v.rule.as_str()),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// `ops::call`'s JSON result, read back as a value.
pub async fn call(client: &Client, op: &str, args: &Value) -> Result<Value, Error> {
    adapty_server::ops::call(client, op, args).await.map(|json| serde_json::from_str(json.get()).unwrap())
}

/// `ops::outcome`'s JSON text, read back as a value.
pub fn outcome(result: Result<adapty_server::ops::Json, Error>) -> Value {
    serde_json::from_str(&adapty_server::ops::outcome(result)).unwrap()
}
