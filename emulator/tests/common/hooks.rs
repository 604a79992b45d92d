//! A webhook endpoint for the tests, and the requests that make webhooks.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use adapty_server::webhooks::{EventNames, construct_event};
use adapty_server::{WebhookEvent, WebhookEventType};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use reqwest::Method;
use serde_json::{Value, json};

use super::{PipeJson, T};

pub const SECRET: &str = "whsec-emulator-test";
pub const V2: &str = "/api/v2/server-side-api";

/// What the test endpoint received, and the statuses it answers with (then 200).
#[derive(Default)]
pub struct Inbox {
    pub received: Vec<(Option<String>, String)>,
    pub answers: VecDeque<u16>,
    /// How long it takes to answer.
    pub delay: Duration,
}

pub type Shared = Arc<Mutex<Inbox>>;

async fn receive(State(inbox): State<Shared>, headers: HeaderMap, body: String) -> StatusCode {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (status, delay) = {
        let mut inbox = inbox.lock().unwrap();
        inbox.received.push((auth, body));
        (inbox.answers.pop_front().unwrap_or(200), inbox.delay)
    };
    tokio::time::sleep(delay).await;
    StatusCode::from_u16(status).unwrap()
}

/// A webhook endpoint on a free loopback port.
pub async fn endpoint() -> (String, Shared) {
    let inbox = Shared::default();
    let app = axum::Router::new().route("/hook", post(receive)).with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, inbox)
}

/// Waits until `done` holds for the inbox (up to 5 s).
pub async fn until(inbox: &Shared, done: impl Fn(&Inbox) -> bool) {
    for _ in 0..500 {
        if done(&inbox.lock().unwrap()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the endpoint never got what was expected: {:?}", inbox.lock().unwrap().received);
}

/// The delivery log once no delivery is pending any more (up to 5 s): the endpoint receives a
/// request before the emulator records the answer, so the log lags the inbox.
pub async fn settled_log(t: &T) -> Vec<Value> {
    let mut log = Value::Null;
    for _ in 0..500 {
        log = t.control(Method::GET, "webhooks", None).await.1;
        if log.as_array().is_some_and(|all| all.iter().all(|d| d["state"] != "pending")) {
            return log.as_array().unwrap().clone();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("a delivery stayed pending: {log}");
}

/// Every event received so far, read with the SDK (the secret checked), verification aside.
pub fn events(inbox: &Shared) -> Vec<WebhookEvent> {
    let received = inbox.lock().unwrap().received.clone();
    received
        .iter()
        .map(|(auth, body)| construct_event(body.as_bytes(), auth.as_deref(), SECRET, &EventNames::default()).unwrap())
        .filter(|e| !e.is_verification)
        .collect()
}

pub fn types(events: &[WebhookEvent]) -> Vec<WebhookEventType> {
    let mut types: Vec<_> = events.iter().map(|e| e.event_type).collect();
    types.sort_by_key(|t| t.as_str());
    types
}

pub async fn configure(t: &T, url: &str, extra: Value) {
    let mut patch = json!({ "webhook_url": url, "webhook_authorization": SECRET, "webhook_retry_schedule_seconds": [0.05, 0.05] });
    patch.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    assert_eq!(t.control(Method::POST, "config", Some(patch)).await.0, 200);
}

/// A subscription transaction bought an hour ago, with `extra` over the defaults.
pub fn subscription(id: &str, original: &str, extra: Value) -> Value {
    let now = chrono::Utc::now() - chrono::Duration::hours(1);
    let mut t = json!({
        "purchase_type": "subscription", "store": "app_store", "environment": "Production", "store_product_id": "premium_monthly",
        "store_transaction_id": id, "store_original_transaction_id": original,
        "price": { "country": "US", "currency": "USD", "value": 9.99 },
        "purchased_at": now.to_rfc3339(), "originally_purchased_at": now.to_rfc3339(),
        "expires_at": (now + chrono::Duration::days(30)).to_rfc3339(), "renew_status": true,
    });
    t.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    t
}

pub async fn set_transaction(t: &T, user: &str, body: Value) {
    let req = t.req(Method::POST, &format!("{V2}/purchase/set/transaction/")).header("adapty-customer-user-id", user).pipe_json(&body);
    let (status, resp) = t.send(req).await;
    assert_eq!(status, 200, "{resp}");
}

pub async fn create_profile(t: &T, user: &str) {
    let req = t.req(Method::POST, &format!("{V2}/profile/")).header("adapty-customer-user-id", user).pipe_json(&json!({}));
    assert_eq!(t.send(req).await.0, 200);
}
