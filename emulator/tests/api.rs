//! The emulator over raw HTTP: Adapty's documented answers, the choices where the docs are
//! silent, the control plane, and the binary's startup contract.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

mod common;

use common::{KEY, PipeJson, T};
use reqwest::Method;
use serde_json::{Value, json};

const V2: &str = "/api/v2/server-side-api/profile/";

fn error(status: u16, code: &str, source: Value, message: &str) -> Value {
    json!({ "errors": [{ "source": source, "errors": [message] }], "error_code": code, "status_code": status })
}

#[tokio::test]
async fn serves_every_profile_path_with_and_without_the_slash() {
    let t = T::start(Some(KEY)).await;
    for version in ["v1", "v2"] {
        for name in ["profile", "profiles"] {
            for slash in ["/", ""] {
                let path = format!("/api/{version}/server-side-api/{name}{slash}");
                let (status, body) = t
                    .send(t.req(Method::POST, &path).header("adapty-customer-user-id", format!("{version}{name}{slash}")).body("{}"))
                    .await;
                assert_eq!(status, 200, "{path}: {body}");
                assert_eq!(body["data"]["customer_user_id"], format!("{version}{name}{slash}"));
            }
        }
    }
    let (status, _) = t.send(t.req(Method::GET, "/api/v3/server-side-api/profile/").header("adapty-customer-user-id", "x")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn authentication_answers_with_both_documented_codes() {
    let t = T::start(Some(KEY)).await;
    let url = format!("{}{V2}", t.emulator.base_url());
    let (status, body) = t.send(t.http.get(&url).header("adapty-customer-user-id", "u")).await;
    assert_eq!(
        (status, body),
        (401, error(401, "not_authenticated", json!("non_field_errors"), "Authentication credentials were not provided."))
    );
    let (status, _) =
        t.send(t.http.get(&url).header("authorization", format!("Bearer {KEY}")).header("adapty-customer-user-id", "u")).await;
    assert_eq!(status, 401);
    let (status, body) = t.send(t.http.get(&url).header("authorization", "Api-Key wrong").header("adapty-customer-user-id", "u")).await;
    // Flat, as Adapty's examples show it (the spec's schema wants `{source, errors}` objects).
    assert_eq!((status, body), (401, json!({ "errors": ["Invalid API key"], "error_code": "unauthorized", "status_code": 401 })));

    let open = T::start(None).await;
    let (status, _) = open
        .send(
            open.http
                .post(format!("{}{V2}", open.emulator.base_url()))
                .header("authorization", "Api-Key anything")
                .header("adapty-customer-user-id", "u"),
        )
        .await;
    assert_eq!(status, 200, "without a configured key any key is accepted");
}

#[tokio::test]
async fn documented_errors_and_the_full_profile_shape() {
    let t = T::start(Some(KEY)).await;
    let (status, body) = t.send(t.req(Method::GET, V2).header("adapty-customer-user-id", "ghost")).await;
    assert_eq!((status, body), (404, error(404, "profile_does_not_exist", Value::Null, "Profile not found")));

    let (status, body) = t.send(t.req(Method::POST, V2).header("adapty-customer-user-id", "u").body("{\"first_name\": \"Jane\",}")).await;
    assert_eq!(status, 400);
    assert_eq!(body["error_code"], "parse_error");
    assert!(body["errors"][0]["errors"][0].as_str().unwrap().starts_with("JSON parse error - "), "{body}");
    assert!(body["errors"][0]["source"].is_null());

    let (status, body) = t.send(t.req(Method::POST, V2).header("adapty-customer-user-id", "u").body(r#"{"gender": "x"}"#)).await;
    assert_eq!(
        (status, body["error_code"].as_str(), body["errors"][0]["source"].as_str()),
        (400, Some("validation_error"), Some("gender"))
    );

    let (status, body) = t.send(t.req(Method::POST, V2).body("{}")).await;
    assert_eq!((status, body["errors"][0]["source"].as_str()), (400, Some("non_field_errors")));

    let (status, body) = t.send(t.req(Method::GET, V2).header("adapty-profile-id", "nope")).await;
    assert_eq!((status, body["errors"][0]["source"].as_str()), (400, Some("adapty-profile-id")));

    let (status, body) = t
        .send(
            t.req(Method::POST, V2).header("adapty-customer-user-id", "shape").body(r#"{"custom_attributes": [{"key": "n", "value": 2}]}"#),
        )
        .await;
    assert_eq!(status, 200);
    let data = &body["data"];
    for key in [
        "app_id",
        "profile_id",
        "customer_user_id",
        "total_revenue_usd",
        "segment_hash",
        "timestamp",
        "custom_attributes",
        "access_levels",
        "subscriptions",
        "non_subscriptions",
    ] {
        assert!(data.get(key).is_some(), "missing {key}: {data}");
    }
    assert!(data["timestamp"].as_i64().unwrap() > 1_700_000_000_000, "milliseconds");
    assert_eq!(data["segment_hash"].as_str().unwrap().len(), 16);
    assert_eq!(data["access_levels"], json!([]));
    assert_eq!(data["custom_attributes"], json!([{ "key": "n", "value": 2.0 }]));
    assert!(data["total_revenue_usd"].is_f64());
}

#[tokio::test]
async fn delete_answers_204_then_404_and_custom_attribute_limits_follow_the_version() {
    let t = T::start(Some(KEY)).await;
    t.send(t.req(Method::POST, V2).header("adapty-customer-user-id", "d")).await;
    let resp = t.req(Method::DELETE, V2).header("adapty-customer-user-id", "d").send().await.unwrap();
    assert_eq!(resp.status(), 204);
    assert!(resp.text().await.unwrap().is_empty());
    let (status, _) = t.send(t.req(Method::DELETE, V2).header("adapty-customer-user-id", "d")).await;
    assert_eq!(status, 404);

    let value = "x".repeat(31);
    let body = json!({ "custom_attributes": [{ "key": "k", "value": value }] }).to_string();
    let (v2, _) = t.send(t.req(Method::POST, V2).header("adapty-customer-user-id", "len").body(body.clone())).await;
    let (v1, b1) =
        t.send(t.req(Method::POST, "/api/v1/server-side-api/profiles/").header("adapty-customer-user-id", "len").body(body)).await;
    assert_eq!((v2, v1), (200, 400), "{b1}");

    let many: Vec<Value> = (0..20).map(|i| json!({ "key": format!("a{i}"), "value": "v" })).collect();
    let more: Vec<Value> = (0..20).map(|i| json!({ "key": format!("b{i}"), "value": "v" })).collect();
    let (s1, _) = t
        .send(t.req(Method::PATCH, V2).header("adapty-customer-user-id", "len").body(json!({ "custom_attributes": many }).to_string()))
        .await;
    let (s2, b2) = t
        .send(t.req(Method::PATCH, V2).header("adapty-customer-user-id", "len").body(json!({ "custom_attributes": more }).to_string()))
        .await;
    assert_eq!((s1, s2), (200, 400), "a profile holds at most 30 attributes: {b2}");
}

#[tokio::test]
async fn create_semantics_where_the_docs_are_silent() {
    let t = T::start(Some(KEY)).await;
    let (_, first) = t.send(t.req(Method::POST, V2).header("adapty-customer-user-id", "same")).await;
    let (status, again) = t.send(t.req(Method::POST, V2).header("adapty-customer-user-id", "same")).await;
    assert_eq!(status, 200);
    assert_eq!(first["data"]["profile_id"], again["data"]["profile_id"], "create for an existing customer user id returns it");

    let chosen = "0f0f0f0f-0000-4000-8000-000000000001";
    let (_, made) = t.send(t.req(Method::POST, V2).header("adapty-profile-id", chosen)).await;
    assert_eq!(made["data"]["profile_id"], chosen);
    let (_, attached) =
        t.send(t.req(Method::POST, V2).header("adapty-profile-id", chosen).header("adapty-customer-user-id", "new-owner")).await;
    assert_eq!(attached["data"]["customer_user_id"], "new-owner");
    let (status, _) = t.send(t.req(Method::POST, V2).header("adapty-profile-id", chosen).header("adapty-customer-user-id", "same")).await;
    assert_eq!(status, 409, "a customer user id owned by another profile");

    // Both headers on get: the profile id decides and the customer user id must match.
    let (ok, _) = t.send(t.req(Method::GET, V2).header("adapty-profile-id", chosen).header("adapty-customer-user-id", "new-owner")).await;
    let (mismatch, _) = t.send(t.req(Method::GET, V2).header("adapty-profile-id", chosen).header("adapty-customer-user-id", "same")).await;
    assert_eq!((ok, mismatch), (200, 404));
}

#[tokio::test]
async fn journal_redacts_the_key_and_matches_request_ids() {
    let t = T::start(Some(KEY)).await;
    let resp = t
        .req(Method::POST, V2)
        .header("adapty-customer-user-id", "j")
        .header("adapty-platform", "iOS")
        .body(r#"{"email":"a@b.co"}"#)
        .send()
        .await
        .unwrap();
    let request_id = resp.headers()["request-id"].to_str().unwrap().to_owned();
    let (_, journal) = t.control(Method::GET, "journal", None).await;
    let entry = &journal[0];
    assert_eq!(entry["request_id"], request_id);
    assert_eq!(entry["headers"]["authorization"], "<redacted>");
    assert_eq!(entry["headers"]["adapty-platform"], "iOS");
    assert_eq!(entry["body"], r#"{"email":"a@b.co"}"#);
    assert_eq!(entry["status"], 200);
    assert!(!journal.to_string().contains(KEY));
    let (_, stored) = t.control(Method::GET, "profiles/j", None).await;
    assert_eq!(stored["stored"]["platform"], "iOS");
    assert_eq!(stored["stored"]["fields"]["email"], "a@b.co");

    t.control(Method::DELETE, "journal", None).await;
    assert_eq!(t.control(Method::GET, "journal", None).await.1, json!([]));
}

#[tokio::test]
async fn faults_answer_delay_drop_and_run_out() {
    let t = T::start(Some(KEY)).await;
    let (status, _) = t.control(Method::POST, "faults", Some(json!([
        { "method": "GET", "path_prefix": "/api/v2/", "status": 429, "retry_after": "7", "times": 2, "body": {"errors": ["slow down"], "error_code": "rate_limited", "status_code": 429} },
        { "method": "POST", "drop_connection": true },
    ]))).await;
    assert_eq!(status, 204);
    for _ in 0..2 {
        let resp = t.req(Method::GET, V2).header("adapty-customer-user-id", "f").send().await.unwrap();
        assert_eq!(resp.status(), 429);
        assert_eq!(resp.headers()["retry-after"], "7");
        assert!(resp.headers().contains_key("request-id"));
        assert_eq!(serde_json::from_str::<Value>(&resp.text().await.unwrap()).unwrap()["error_code"], "rate_limited");
    }
    let (status, _) = t.send(t.req(Method::GET, V2).header("adapty-customer-user-id", "f")).await;
    assert_eq!(status, 404, "the fault ran out after two uses");
    let dropped = t.req(Method::POST, V2).header("adapty-customer-user-id", "f").send().await;
    let failed = match dropped {
        Err(_) => true,
        Ok(resp) => resp.bytes().await.is_err(),
    };
    assert!(failed, "the connection should break");
    assert_eq!(t.control(Method::GET, "faults", None).await.1, json!([]));
    let (status, _) = t.control(Method::POST, "faults", Some(json!({ "times": "many" }))).await;
    assert_eq!(status, 400);

    t.control(Method::POST, "faults", Some(json!({ "delay_ms": 200 }))).await;
    let started = std::time::Instant::now();
    let (status, _) = t.send(t.req(Method::POST, V2).header("adapty-customer-user-id", "f")).await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(200));
    assert_eq!(status, 200, "a delay alone lets the request through");

    assert_eq!(t.control(Method::POST, "reset", None).await.0, 204);
    assert_eq!(t.send(t.req(Method::GET, V2).header("adapty-customer-user-id", "f")).await.0, 404);
    assert_eq!(t.control(Method::GET, "health", None).await.1, json!({ "status": "ok" }));
}

#[test]
fn the_binary_prints_its_base_url_first_and_stops_when_stdin_closes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_adapty-emulator"))
        .args(["--port", "0", "--api-key", KEY, "--exit-on-stdin-close"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim();
    assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"), "{url}");
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());

    let bad = Command::new(env!("CARGO_BIN_EXE_adapty-emulator")).arg("--port").arg("x").stderr(Stdio::null()).status().unwrap();
    assert_eq!(bad.code(), Some(2));
}

#[tokio::test]
async fn content_negotiation_is_strict_per_endpoint() {
    let t = T::start(Some(KEY)).await;
    let stripe = "/api/v1/sdk/purchase/stripe/token/validate/";
    let body = json!({ "data": { "type": "stripe_receipt_validation_result", "attributes": { "customer_user_id": "n", "stripe_token": "sub_1" } } });
    let jsonapi = |accept: &str| {
        t.req(Method::POST, stripe).header("accept", accept).header("content-type", "application/vnd.api+json").body(body.to_string())
    };
    let (status, refused) = t.send(jsonapi("application/json")).await;
    assert_eq!((status, &refused["error_code"]), (406, &json!("not_acceptable")), "JSON:API only: {refused}");
    assert_eq!(t.send(jsonapi("application/vnd.api+json")).await.0, 200);
    assert_eq!(t.send(jsonapi("*/*")).await.0, 200);
    let (status, _) = t.send(t.req(Method::POST, stripe).pipe_json(&body)).await;
    assert_eq!(status, 415, "a JSON:API endpoint refuses an application/json body");

    let get = |accept: &str| t.req(Method::GET, V2).header("adapty-customer-user-id", "nobody").header("accept", accept);
    assert_eq!(t.send(get("application/vnd.api+json")).await.0, 406);
    assert_eq!(t.send(get("application/json; charset=utf-8")).await.0, 404, "negotiated, then the profile is missing");
    let (status, _) =
        t.send(t.req(Method::POST, V2).header("adapty-customer-user-id", "nobody").header("content-type", "text/plain").body("{}")).await;
    assert_eq!(status, 415);
}

#[tokio::test]
async fn a_fault_can_match_a_header() {
    let t = T::start(Some(KEY)).await;
    t.control(Method::POST, "faults", Some(json!({ "headers": { "Adapty-Customer-User-Id": "slow" }, "status": 503 }))).await;
    assert_eq!(t.send(t.req(Method::GET, V2).header("adapty-customer-user-id", "other")).await.0, 404);
    assert_eq!(t.send(t.req(Method::GET, V2).header("adapty-customer-user-id", "slow")).await.0, 503);
}

#[tokio::test]
async fn chaos_injects_each_kind_and_counts_it() {
    let t = T::start(Some(KEY)).await;
    let (status, _) = t.control(Method::POST, "chaos", Some(json!({ "seed": 1, "rates": { "status_500": 0.6 } }))).await;
    assert_eq!(status, 204);
    let mut seen = std::collections::BTreeMap::<u16, u32>::new();
    for _ in 0..200 {
        *seen.entry(t.send(t.req(Method::GET, V2).header("adapty-customer-user-id", "c")).await.0).or_default() += 1;
    }
    let (_, chaos) = t.control(Method::GET, "chaos", None).await;
    assert_eq!(chaos["requests"], 200);
    assert_eq!(chaos["injected"]["status_500"], seen[&500], "{chaos}");
    assert!((90..150).contains(&seen[&500]), "{seen:?}");
    assert_eq!(seen[&404] + seen[&500], 200);

    // A change that is made, then answered with an error: the profile exists afterwards.
    t.control(Method::POST, "chaos", Some(json!({ "seed": 2, "rates": { "applied_then_500": 1.0 } }))).await;
    assert_eq!(t.send(t.req(Method::POST, V2).header("adapty-customer-user-id", "made")).await.0, 500);
    t.control(Method::POST, "chaos", Some(json!({ "seed": 2, "rates": { "applied_then_dropped": 1.0 } }))).await;
    let dropped = t.req(Method::DELETE, V2).header("adapty-customer-user-id", "made").send().await;
    assert!(
        match dropped {
            Err(_) => true,
            Ok(r) => r.bytes().await.is_err(),
        },
        "the connection should break"
    );
    assert_eq!(t.control(Method::DELETE, "chaos", None).await.0, 204);
    assert_eq!(t.send(t.req(Method::GET, V2).header("adapty-customer-user-id", "made")).await.0, 404, "the delete was made");

    // A slow request is still handled after its client gave up.
    t.control(Method::POST, "chaos", Some(json!({ "seed": 3, "rates": { "slow": 1.0 }, "slow_ms": 300 }))).await;
    let gave_up =
        t.req(Method::POST, V2).header("adapty-customer-user-id", "late").timeout(std::time::Duration::from_millis(50)).send().await;
    assert!(gave_up.is_err());
    t.control(Method::DELETE, "chaos", None).await;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(t.send(t.req(Method::GET, V2).header("adapty-customer-user-id", "late")).await.0, 200);

    let (status, _) = t.control(Method::POST, "chaos", Some(json!({ "seed": 1, "rates": { "status_500": 0.7, "slow": 0.7 } }))).await;
    assert_eq!(status, 400, "rates above 1 in all");
    let (status, _) = t.control(Method::POST, "chaos", Some(json!({ "seed": 1, "rates": { "meteor": 0.1 } }))).await;
    assert_eq!(status, 400);
}
