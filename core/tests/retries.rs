//! Retries, backoff, `Retry-After` and timeouts, against faults injected into the emulator.

mod common;

use std::time::{Duration, Instant, SystemTime};

use adapty_server::{ApiErrorKind, Client, Error, ProfileRef, RetryPolicy};
use common::Env;
use serde_json::json;

fn user(id: &str) -> ProfileRef {
    ProfileRef::customer_user_id(id).unwrap()
}

async fn attempts(env: &Env) -> usize {
    env.control.journal().await.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_429_503_and_dropped_connections_then_succeeds() {
    let env = Env::start().await;
    env.control.seed_user("r1").await;
    env.control.clear_journal().await;
    env.control
        .fault(json!([
            { "method": "GET", "status": 429, "retry_after": "0", "times": 1 },
            { "method": "GET", "status": 503, "times": 1 },
            { "method": "GET", "drop_connection": true, "times": 1 },
        ]))
        .await;
    let client =
        Client::new(env.config().max_retries(3).retry_policy(RetryPolicy { max_retries: 3, ..common::fast_retries(3) }).build().unwrap())
            .unwrap();
    let profile = client.profiles().get(&user("r1")).await.unwrap();
    assert_eq!(profile.customer_user_id.as_deref(), Some("r1"));
    let journal = env.control.journal().await;
    let statuses: Vec<_> = journal.iter().map(|e| (e["status"].as_u64().unwrap(), e["fault"].as_bool().unwrap())).collect();
    assert_eq!(statuses, [(429, true), (503, true), (200, true), (200, false)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gives_up_after_max_retries_with_the_last_error() {
    let env = Env::start().await;
    env.control.fault(json!({ "status": 503, "times": 10, "body": {"errors": [{"source": null, "errors": ["busy"]}], "error_code": "server_busy", "status_code": 503} })).await;
    let err = env.client().profiles().get(&user("x")).await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!((api.status, api.kind(), api.error_code.as_deref()), (503, ApiErrorKind::InternalServer, Some("server_busy")));
    assert_eq!(attempts(&env).await, 3, "one attempt and max_retries = 2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn honours_retry_after_in_seconds_and_as_an_http_date() {
    let env = Env::start().await;
    env.control.seed_user("r2").await;
    let date = httpdate_in(Duration::from_secs(2));
    env.control
        .fault(json!([
            { "method": "GET", "status": 429, "retry_after": "1", "times": 1 },
            { "method": "GET", "status": 429, "retry_after": date, "times": 1 },
        ]))
        .await;
    let started = Instant::now();
    env.client().profiles().get(&user("r2")).await.unwrap();
    let waited = started.elapsed();
    // 1 s, then until the date (which has whole-second precision: at least ~1 s more).
    assert!(waited >= Duration::from_millis(1900), "waited only {waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
}

fn httpdate_in(d: Duration) -> String {
    // HTTP dates have whole seconds: round up so the wait is at least `d` - 1 s.
    let at = SystemTime::now() + d + Duration::from_millis(999);
    let secs = at.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    let t = chrono::DateTime::from_timestamp(secs as i64, 0).unwrap();
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_beyond_the_cap_fails_at_once_with_a_rate_limit_error() {
    let env = Env::start().await;
    env.control.fault(json!({ "status": 429, "retry_after": "3600", "times": 5, "body": {"errors": ["Too many requests"], "error_code": "rate_limited", "status_code": 429} })).await;
    let started = Instant::now();
    let err = env.client().profiles().get(&user("x")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    let api = err.api().unwrap();
    assert_eq!(
        (api.kind(), api.error_code.as_deref(), api.retry_after),
        (ApiErrorKind::RateLimit, Some("rate_limited"), Some(Duration::from_secs(3600)))
    );
    assert_eq!(attempts(&env).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_errors_are_not_retried() {
    let env = Env::start().await;
    for status in [400u16, 401, 403, 404, 409, 422] {
        env.control.reset().await;
        env.control.fault(json!({ "status": status, "times": 5 })).await;
        let err = env.client().profiles().get(&user("x")).await.unwrap_err();
        assert_eq!(err.api().unwrap().status, status);
        assert_eq!(attempts(&env).await, 1, "status {status} was retried");
    }
    let kinds: Vec<_> =
        [400u16, 401, 403, 404, 409, 422, 429, 500, 502, 418].iter().map(|s| ApiErrorKind::from_status(*s).as_str()).collect();
    assert_eq!(
        kinds,
        [
            "bad_request",
            "authentication",
            "permission_denied",
            "not_found",
            "conflict",
            "unprocessable_entity",
            "rate_limit",
            "internal_server",
            "internal_server",
            "api_status"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_response_times_out_and_is_retried() {
    let env = Env::start().await;
    env.control.seed_user("slow").await;
    env.control.fault(json!({ "method": "GET", "delay_ms": 1500, "times": 1 })).await;
    let client = Client::new(env.config().timeout(Duration::from_millis(300)).build().unwrap()).unwrap();
    let started = Instant::now();
    client.profiles().get(&user("slow")).await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(1400), "the retry did not wait for the slow attempt");

    env.control.fault(json!({ "method": "GET", "delay_ms": 1500, "times": 3 })).await;
    let err = client.profiles().get(&user("slow")).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_is_a_connection_error() {
    let env = Env::start().await;
    let base = env.base_url();
    drop(env);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let client = Client::new(
        adapty_server::Config::builder().api_key(common::KEY).base_url(base).retry_policy(common::fast_retries(1)).build().unwrap(),
    )
    .unwrap();
    let err = client.profiles().get(&user("x")).await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_made_but_answered_with_an_error_counts_as_done() {
    let env = Env::start().await;
    // The first DELETE is made, then its connection breaks (or it is answered 500); the retry
    // finds the profile gone (404), which is then the earlier attempt's success.
    for (n, fault) in [json!({ "drop_connection": true }), json!({ "status": 500 })].into_iter().enumerate() {
        let name = format!("gone-{n}");
        env.control.seed_user(&name).await;
        let mut fault = fault;
        fault["method"] = json!("DELETE");
        fault["apply"] = json!(true);
        env.control.fault(fault).await;
        env.control.clear_journal().await;
        env.client().profiles().delete(&user(&name)).await.unwrap();
        let statuses: Vec<_> = env.control.journal().await.iter().map(|e| e["status"].as_u64().unwrap()).collect();
        assert_eq!(statuses.last(), Some(&404), "{statuses:?}");
        assert!(env.control.inspect(&name).await.is_none());
    }
    // A plain 404 with no earlier ambiguity is still an error, and so is a 404 after a 429
    // (the server said it did not process the request).
    let err = env.client().profiles().delete(&user("never-existed")).await.unwrap_err();
    assert_eq!(err.api().unwrap().status, 404);
    env.control.fault(json!({ "method": "DELETE", "status": 429, "retry_after": "0" })).await;
    let err = env.client().profiles().delete(&user("never-existed")).await.unwrap_err();
    assert_eq!(err.api().unwrap().status, 404);
}
