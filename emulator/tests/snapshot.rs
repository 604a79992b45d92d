//! Snapshots: an app's whole state as JSON that reads back to the same state.

mod common;

use common::hooks::*;
use common::{KEY, PipeJson, T};
use reqwest::Method;
use serde_json::{Value, json};

async fn export(t: &T) -> String {
    let resp = t.http.get(format!("{}/__emulator/snapshot", t.emulator.base_url())).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    resp.text().await.unwrap()
}

async fn import(t: &T, body: &str) -> (u16, Value) {
    t.send(t.http.put(format!("{}/__emulator/snapshot", t.emulator.base_url())).body(body.to_owned())).await
}

/// An app with some of everything: profiles with purchases, attributes and balances, a changed
/// catalog, a moved clock, faults, chaos, journal entries and an idempotent transaction.
async fn populated() -> T {
    let t = T::start(Some(KEY)).await;
    let patch = json!({ "access_levels": ["premium", "vip"], "webhook_delay_seconds": 1.5 });
    assert_eq!(t.control(Method::POST, "config", Some(patch)).await.0, 200);
    create_profile(&t, "snap-a").await;
    let attrs = json!({ "first_name": "Ada", "custom_attributes": [{ "key": "plan", "value": "gold" }, { "key": "score", "value": 7 }] });
    let update = t.req(Method::PATCH, &format!("{V2}/profile/")).header("adapty-customer-user-id", "snap-a").pipe_json(&attrs);
    assert_eq!(t.send(update).await.0, 200);
    set_transaction(&t, "snap-a", subscription("s1", "orig-s", json!({}))).await;
    let seed = json!({ "profiles": [{ "customer_user_id": "snap-b", "access_levels": ["vip"], "balances": { "COINS": 40 } }] });
    assert_eq!(t.control(Method::POST, "profiles", Some(seed)).await.0, 200);
    let spend = t
        .req(Method::POST, &format!("{V2}/vc/transactions/"))
        .header("adapty-customer-user-id", "snap-b")
        .header("idempotency-key", "0c5b0e62-0a4b-4a6e-9d2e-7a1f3c9b5d11")
        .pipe_json(&json!({ "items": [{ "currency_code": "COINS", "amount": -15 }], "metadata": { "reason": "snapshot" } }));
    assert_eq!(t.send(spend).await.0, 200);
    assert_eq!(t.control(Method::POST, "clock", Some(json!({ "advance_seconds": 600 }))).await.0, 200);
    assert_eq!(
        t.control(Method::POST, "faults", Some(json!({ "path_prefix": "/api/v2/server-side-api/vc/", "status": 503, "times": 2 }))).await.0,
        204
    );
    let chaos = json!({ "seed": 7, "rates": { "status_500": 0.0001 }, "path_prefix": "/never/" });
    assert_eq!(t.control(Method::POST, "chaos", Some(chaos)).await.0, 204);
    t
}

#[tokio::test]
async fn export_import_export_gives_the_same_text() {
    let source = populated().await;
    let first = export(&source).await;
    let snapshot: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(snapshot["format"], "adapty-emulator-snapshot/1");
    for key in ["clock", "schedule", "catalog", "profiles", "faults", "chaos", "vc_requests", "webhooks", "journal"] {
        assert!(!snapshot[key].is_null(), "a snapshot holds {key}: {first}");
    }
    assert_eq!(snapshot["clock"]["offset_ms"], 600_000);
    assert!(!first.contains(KEY), "the key is never in a snapshot");
    assert_eq!(export(&source).await, first, "stable: the same state gives the same text");

    let target = T::start(Some(KEY)).await;
    assert_eq!(import(&target, &first).await.0, 204);
    assert_eq!(export(&target).await, first, "export, import, export: identical");
}

#[tokio::test]
async fn an_imported_app_answers_as_the_exported_one_did() {
    let source = populated().await;
    let target = T::start(Some(KEY)).await;
    assert_eq!(import(&target, &export(&source).await).await.0, 204);

    let get = |t: &T, user: &str| t.req(Method::GET, &format!("{V2}/profile/")).header("adapty-customer-user-id", user);
    let (_, before) = source.send(get(&source, "snap-a")).await;
    let (status, after) = target.send(get(&target, "snap-a")).await;
    assert_eq!(status, 200);
    let strip = |mut v: Value| {
        v["data"]["timestamp"] = Value::Null;
        v
    };
    assert_eq!(strip(after), strip(before), "same profile, purchases and attributes");
    let (_, clock) = target.control(Method::GET, "clock", None).await;
    assert_eq!(clock["offset_seconds"], 600.0);

    // The pending faults came along (two 503s), then the idempotent transaction replays.
    let replay = || {
        target
            .req(Method::POST, &format!("{V2}/vc/transactions/"))
            .header("adapty-customer-user-id", "snap-b")
            .header("idempotency-key", "0c5b0e62-0a4b-4a6e-9d2e-7a1f3c9b5d11")
            .pipe_json(&json!({ "items": [{ "currency_code": "COINS", "amount": -15 }], "metadata": { "reason": "snapshot" } }))
    };
    assert_eq!(target.send(replay()).await.0, 503);
    assert_eq!(target.send(replay()).await.0, 503);
    let (status, body) = target.send(replay()).await;
    assert_eq!((status, &body["balances"][0]["balance"]), (200, &json!(25)), "replayed, not spent twice: {body}");
}

#[tokio::test]
async fn a_body_that_is_not_a_snapshot_is_refused_and_changes_nothing() {
    let t = populated().await;
    let before = export(&t).await;
    let mut wrong_format: Value = serde_json::from_str(&before).unwrap();
    wrong_format["format"] = json!("adapty-emulator-snapshot/0");
    let mut unknown_field: Value = serde_json::from_str(&before).unwrap();
    unknown_field["profiles"][0]["favourite_colour"] = json!("blue");
    let mut duplicate: Value = serde_json::from_str(&before).unwrap();
    let first = duplicate["profiles"][0].clone();
    duplicate["profiles"].as_array_mut().unwrap().push(first);
    for (body, names) in [
        ("{".to_owned(), "EOF"),
        (wrong_format.to_string(), "adapty-emulator-snapshot/1"),
        (unknown_field.to_string(), "profiles[0]"),
        (duplicate.to_string(), "same profile_id"),
    ] {
        let (status, answer) = import(&t, &body).await;
        assert_eq!(status, 400, "{answer}");
        assert!(answer["error"].as_str().unwrap().contains(names), "{names}: {answer}");
    }
    assert_eq!(export(&t).await, before);
}
