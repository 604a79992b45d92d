//! Per-call options, raw responses and request events, against the emulator: what each sends,
//! read back from the emulator's journal.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use adapty_server::ops::observe::{self, with_raw_response};
use adapty_server::{Error, ErrorKind, Field, ProfileParams, RequestOptions, Rule};
use common::{Env, cuid};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_query_and_body_fields_reach_the_server() {
    let env = Env::start().await;
    env.control.seed_user("opt-1").await;
    env.control.clear_journal().await;
    let client = env.client().with_options(&RequestOptions::new().header("X-Team", "billing").header("X-Both", "client")).unwrap();
    let call = RequestOptions::new().header("x-both", "call").query("trace", "1").body_field("future_field", json!({"a": 1}));
    let params = ProfileParams { first_name: Field::Value("Ann".into()), ..Default::default() };
    client.with_options(&call).unwrap().profiles().update(&cuid("opt-1"), &params).await.unwrap();

    let journal = env.control.journal().await;
    let sent = &journal[0];
    assert_eq!((sent["headers"]["x-team"].as_str(), sent["headers"]["x-both"].as_str()), (Some("billing"), Some("call")));
    assert_eq!(sent["query"], "trace=1");
    let body: Value = serde_json::from_str(sent["body"].as_str().unwrap()).unwrap();
    assert_eq!((body["first_name"].as_str(), &body["future_field"]), (Some("Ann"), &json!({"a": 1})));

    // The client made with options is unchanged by the call's.
    client.profiles().get(&cuid("opt-1")).await.unwrap();
    let journal = env.control.journal().await;
    assert_eq!((journal[1]["headers"]["x-both"].as_str(), &journal[1]["query"]), (Some("client"), &Value::Null));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_owned_headers_and_known_body_fields_before_any_request() {
    let env = Env::start().await;
    env.control.clear_journal().await;
    let client = env.client();
    let err = client.with_options(&RequestOptions::new().header("Authorization", "Api-Key other")).unwrap_err();
    assert!(matches!(&err, Error::Validation(v) if v.field == "headers.Authorization" && v.rule == Rule::Conflict), "{err}");

    let known = client.with_options(&RequestOptions::new().body_field("last_name", json!("X"))).unwrap();
    let err = known.profiles().update(&cuid("opt-2"), &ProfileParams::default()).await.unwrap_err();
    assert!(matches!(&err, Error::Validation(v) if v.field == "extra_body.last_name"), "a field of the model, even unset: {err}");
    let err = known.profiles().get(&cuid("opt-2")).await.unwrap_err();
    assert!(matches!(&err, Error::Validation(v) if v.field == "extra_body"), "a read has no body: {err}");
    assert!(env.control.journal().await.is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_calls_timeout_and_retries_replace_the_clients() {
    let env = Env::start().await;
    env.control.seed_user("opt-3").await;
    env.control.fault(json!({ "method": "GET", "delay_ms": 1500, "times": 1 })).await;
    let once = RequestOptions::new().timeout(Duration::from_millis(300)).max_retries(0);
    let err = env.client().with_options(&once).unwrap().profiles().get(&cuid("opt-3")).await.unwrap_err();
    // The fault delays one request only: a retry would have succeeded.
    assert_eq!(err.kind(), ErrorKind::Timeout, "no retry: {err}");

    env.control.fault(json!({ "method": "GET", "status": 503, "times": 2 })).await;
    env.control.clear_journal().await;
    let fast = env.config().retry_policy(common::fast_retries(0)).build().unwrap();
    let client = adapty_server::Client::new(fast).unwrap();
    let raw = with_raw_response({
        let client = client.with_options(&RequestOptions::new().max_retries(2)).unwrap();
        async move { client.profiles().get(&cuid("opt-3")).await }
    })
    .await
    .unwrap();
    assert_eq!((raw.response.status, raw.response.retries), (200, 2), "two retries, though the client's policy has none");
    assert_eq!(raw.data.customer_user_id.as_deref(), Some("opt-3"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_raw_response_has_the_status_headers_and_request_id() {
    let env = Env::start().await;
    env.control.seed_user("opt-4").await;
    env.control.clear_journal().await;
    let raw = observe::call_raw(&env.client(), "profiles.get", &json!({ "customer_user_id": "opt-4" })).await.unwrap();
    let journal = env.control.journal().await;
    let id = journal[0]["request_id"].as_str();
    assert_eq!((raw.response.status, raw.response.request_id.as_deref(), raw.response.retries), (200, id, 0));
    assert_eq!(raw.response.headers.get("content-type").map(String::as_str), Some("application/json"));
    let data: Value = serde_json::from_str(raw.data.get()).unwrap();
    assert_eq!(data["customer_user_id"], "opt-4");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listeners_see_every_attempt_without_the_key() {
    let env = Env::start().await;
    env.control.seed_user("opt-5").await;
    env.control.fault(json!({ "method": "GET", "status": 503, "times": 1 })).await;
    let client = adapty_server::Client::new(env.config().retry_policy(common::fast_retries(2)).build().unwrap()).unwrap();
    let seen = Arc::new(Mutex::new(Vec::<Value>::new()));
    let id = client.add_listener({
        let seen = seen.clone();
        move |e: &adapty_server::events::Event<'_>| seen.lock().unwrap().push(serde_json::from_str(&e.to_json()).unwrap())
    });
    // A client made from it shares its listeners.
    client.with_options(&RequestOptions::new()).unwrap().profiles().get(&cuid("opt-5")).await.unwrap();
    let events = seen.lock().unwrap().clone();
    let kinds: Vec<_> =
        events.iter().map(|e| (e["type"].as_str().unwrap(), e["attempt"].as_u64().unwrap(), e["status"].as_u64())).collect();
    assert_eq!(kinds, [("request", 1, None), ("response", 1, Some(503)), ("request", 2, None), ("response", 2, Some(200))]);
    let last = &events[3];
    assert_eq!(
        (last["operation"].as_str(), last["method"].as_str(), last["error_kind"].as_str()),
        (Some("profiles.get"), Some("GET"), None)
    );
    assert_eq!(events[1]["error_kind"], "api");
    assert!(last["url"].as_str().unwrap().starts_with(&env.base_url()));
    assert!(last["request_id"].is_string() && last["elapsed_ms"].as_f64().unwrap() > 0.0);
    assert!(!serde_json::to_string(&events).unwrap().contains(common::KEY), "never the key");

    assert!(client.remove_listener(id));
    client.profiles().get(&cuid("opt-5")).await.unwrap();
    assert_eq!(seen.lock().unwrap().len(), 4, "a removed listener hears nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_lines_by_level_without_the_key() {
    let env = Env::start().await;
    env.control.seed_user("opt-6").await;
    env.control.fault(json!({ "method": "GET", "status": 503, "times": 1 })).await;
    let client = adapty_server::Client::new(env.config().retry_policy(common::fast_retries(2)).build().unwrap()).unwrap();
    let lines = Arc::new(Mutex::new(Vec::<(adapty_server::LogLevel, String)>::new()));
    let sink = lines.clone();
    client.log_to(adapty_server::LogLevel::Info, Arc::new(move |level, line: &str| sink.lock().unwrap().push((level, line.to_owned()))));
    client.profiles().get(&cuid("opt-6")).await.unwrap();
    let lines = lines.lock().unwrap().clone();
    let levels: Vec<_> = lines.iter().map(|(l, _)| *l).collect();
    assert_eq!(levels, [adapty_server::LogLevel::Warn, adapty_server::LogLevel::Info], "{lines:?}");
    assert!(
        lines[0].1.starts_with("profiles.get GET ") && lines[0].1.contains("-> 503") && lines[0].1.contains("retrying in"),
        "{lines:?}"
    );
    assert!(lines[1].1.contains("-> 200") && lines[1].1.contains("request id "), "{lines:?}");
    assert!(!format!("{lines:?}").contains(common::KEY));
}
