//! The emulator's catalog and control plane for the operations beyond the Profile API:
//! `/__emulator/config`, `/__emulator/paywalls`, seeding access levels and balances, and
//! virtual currency behaviour over raw HTTP (a transaction outlives a client that gave up).

use std::time::Duration;

mod common;

use common::{KEY, PipeJson, T};
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};

const V2: &str = "/api/v2/server-side-api";

/// A request to the server-side API `path` for the profile `cat-user`.
fn api(t: &T, method: Method, path: &str) -> RequestBuilder {
    t.req(method, &format!("{V2}{path}")).header("adapty-customer-user-id", "cat-user")
}

#[tokio::test]
async fn config_reads_patches_refuses_typos_and_resets() {
    let t = T::start(Some(KEY)).await;
    let (status, config) = t.control(Method::GET, "config", None).await;
    assert_eq!(status, 200);
    assert_eq!(config["access_levels"], json!(["premium"]));
    assert_eq!(config["currencies"], json!([{ "code": "COINS", "name": "Gold Coins" }, { "code": "GEMS", "name": "Gems" }]));
    assert_eq!(
        (config["vc_enabled"].clone(), config["vc_rate_limit_per_minute"].clone(), config["vc_processing_delay_ms"].clone()),
        (json!(true), json!(600), json!(0))
    );
    assert!(config["products"].as_array().unwrap().iter().any(|p| p
        == &json!({ "store_product_id": "coins_100", "access_level_id": null, "consumable": true, "period": null, "price_usd": null })));
    let monthly = &config["products"][0];
    assert_eq!(
        (&monthly["store_product_id"], &monthly["period"], &monthly["price_usd"]),
        (&json!("premium_monthly"), &json!("P1M"), &json!(9.99))
    );

    let (status, patched) = t.control(Method::POST, "config", Some(json!({ "currencies": [{ "code": "GOLD", "name": "Gold" }] }))).await;
    assert_eq!(status, 200);
    assert_eq!(patched["currencies"], json!([{ "code": "GOLD", "name": "Gold" }]));
    assert_eq!(patched["access_levels"], json!(["premium"]), "keys not given stay");
    let (status, body) = t.control(Method::POST, "config", Some(json!({ "vc_enable": false }))).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"].as_str().unwrap().contains("vc_enable"));
    let (status, _) = t.control(Method::POST, "config", Some(json!([1]))).await;
    assert_eq!(status, 400);

    t.control(Method::POST, "reset", None).await;
    assert_eq!(t.control(Method::GET, "config", None).await.1, config, "reset restores the defaults");
}

#[tokio::test]
async fn products_decide_access_and_consumability() {
    let t = T::start(Some(KEY)).await;
    t.control(Method::POST, "profiles", Some(json!({ "profiles": [{ "customer_user_id": "cat-user" }] }))).await;
    let config = json!({
        "access_levels": ["premium", "gold"],
        "products": [{ "store_product_id": "gold_month", "access_level_id": "gold" }, { "store_product_id": "tip_jar", "consumable": true }],
    });
    t.control(Method::POST, "config", Some(config)).await;
    let purchase = |product: &str, id: &str| {
        json!({
            "purchase_type": "one_time_purchase", "store": "app_store", "store_product_id": product,
            "store_transaction_id": id, "store_original_transaction_id": id,
            "price": { "country": "US", "currency": "USD", "value": 1.0 }, "purchased_at": "2024-01-15T10:30:00Z",
        })
    };
    let (status, body) = t.send(api(&t, Method::POST, "/purchase/set/transaction/").pipe_json(&purchase("gold_month", "t1"))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["access_levels"][0]["access_level_id"], "gold");
    let (_, body) = t.send(api(&t, Method::POST, "/purchase/set/transaction/").pipe_json(&purchase("tip_jar", "t2"))).await;
    assert_eq!(body["data"]["access_levels"].as_array().unwrap().len(), 1, "a consumable gives no access");
    assert_eq!(body["data"]["non_subscriptions"][1]["is_consumable"], true);
    // A product the dashboard does not know gives `premium` (Adapty's newer docs).
    let (_, body) = t.send(api(&t, Method::POST, "/purchase/set/transaction/").pipe_json(&purchase("unknown_sku", "t3"))).await;
    let levels: Vec<&str> =
        body["data"]["access_levels"].as_array().unwrap().iter().map(|a| a["access_level_id"].as_str().unwrap()).collect();
    assert_eq!(levels, ["gold", "premium"]);
    assert_eq!(body["data"]["total_revenue_usd"], 3.0);
}

#[tokio::test]
async fn seeded_paywalls_page_through_both_parameter_spellings() {
    let t = T::start(Some(KEY)).await;
    let (status, body) = t.control(Method::POST, "paywalls", Some(json!({ "count": 9 }))).await;
    assert_eq!((status, body), (200, json!({ "count": 12 })));
    let (_, page) = t.send(api(&t, Method::GET, "/paywalls/?page=3&page_size=5")).await;
    assert_eq!(page["meta"]["pagination"], json!({ "count": 12, "page": 3, "pages": 3 }));
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    let (_, same) = t.send(api(&t, Method::GET, "/paywalls/?page%5Bnumber%5D=3&page%5Bsize%5D=5")).await;
    assert_eq!(same, page);
    let (_, page) = t.send(api(&t, Method::GET, "/paywalls/?page_size=100")).await;
    assert_eq!(page["data"].as_array().unwrap().len(), 12);
    for query in ["page_size=101", "page_size=0", "page_size=x", "page=0"] {
        let (status, body) = t.send(api(&t, Method::GET, &format!("/paywalls/?{query}"))).await;
        assert_eq!((status, body["error_code"].as_str()), (400, Some("validation_error")), "{query}");
    }
    let (_, body) = t.control(Method::POST, "paywalls", Some(json!({ "count": 1, "replace": true }))).await;
    assert_eq!(body, json!({ "count": 1 }));
    let (_, page) = t.send(api(&t, Method::GET, "/paywalls/")).await;
    assert_eq!(page["data"][0]["title"], "Paywall 1");
    assert!(page["data"][0].get("remote_configs").is_none() && page["data"][0].get("main_screenshot").is_none());
}

#[tokio::test]
async fn seeded_access_levels_and_balances() {
    let t = T::start(Some(KEY)).await;
    let seed = json!({ "profiles": [{ "customer_user_id": "cat-user", "access_levels": ["premium"], "balances": { "COINS": 70 } }] });
    t.control(Method::POST, "profiles", Some(seed)).await;
    let (_, profile) = t.send(api(&t, Method::GET, "/profile/")).await;
    assert_eq!(profile["data"]["access_levels"][0]["access_level_id"], "premium");
    assert_eq!(profile["data"]["access_levels"][0]["expires_at"], Value::Null);
    let (_, balances) = t.send(api(&t, Method::GET, "/vc/balances/")).await;
    assert_eq!(balances["data"][0]["balance"], 70);
    let (status, _) =
        t.send(api(&t, Method::POST, "/purchase/profile/revoke/access-level/").pipe_json(&json!({ "access_level_id": "premium" }))).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_transaction_completes_after_its_client_gave_up() {
    let t = T::start(Some(KEY)).await;
    t.control(Method::POST, "profiles", Some(json!({ "profiles": [{ "customer_user_id": "cat-user" }] }))).await;
    t.control(Method::POST, "config", Some(json!({ "vc_processing_delay_ms": 400 }))).await;
    let key = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";
    let body = json!({ "items": [{ "currency_code": "COINS", "amount": 5 }] });
    let post = || api(&t, Method::POST, "/vc/transactions/").header("idempotency-key", key).pipe_json(&body);
    assert!(post().timeout(Duration::from_millis(100)).send().await.unwrap_err().is_timeout());
    let (status, conflict) = t.send(post()).await;
    assert_eq!((status, conflict["error_code"].as_str()), (409, Some("idempotency_in_flight")));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, replay) = t.send(post()).await;
    assert_eq!((status, replay["balances"][0]["balance"].as_i64()), (200, Some(5)));
    let (_, balances) = t.send(api(&t, Method::GET, "/vc/balances/")).await;
    assert_eq!(balances["data"][0]["balance"], 5, "applied once");
}

#[tokio::test]
async fn a_rate_limit_of_zero_refuses_without_failing() {
    let t = T::start(Some(KEY)).await;
    t.control(Method::POST, "profiles", Some(json!({ "profiles": [{ "customer_user_id": "cat-user" }] }))).await;
    t.control(Method::POST, "config", Some(json!({ "vc_rate_limit_per_minute": 0 }))).await;
    let resp = api(&t, Method::GET, "/vc/balances/").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    assert_eq!(resp.headers()["retry-after"], "60");
}

#[tokio::test]
async fn schema_violations_answer_422_with_a_matching_body() {
    let t = T::start(Some(KEY)).await;
    t.control(Method::POST, "profiles", Some(json!({ "profiles": [{ "customer_user_id": "cat-user" }] }))).await;
    let many: Vec<Value> = (0..21).map(|n| json!({ "currency_code": format!("C{n}"), "amount": 1 })).collect();
    for (req, code) in [
        (api(&t, Method::POST, "/vc/transactions/").pipe_json(&json!({ "items": many })), "validation_error"),
        (
            api(&t, Method::POST, "/vc/transactions/").pipe_json(&json!({ "items": [{ "currency_code": "COINS", "amount": "ten" }] })),
            "validation_error",
        ),
        (api(&t, Method::GET, "/vc/transactions/?limit=0"), "validation_error"),
    ] {
        let (status, body) = t.send(req).await;
        assert_eq!((status, body["status_code"].as_u64(), body["error_code"].as_str()), (422, Some(422), Some(code)), "{body}");
    }
    // A body that is not JSON is 400 `parse_error`, as on every endpoint; the rules Adapty names
    // keep 400 with their code.
    let not_json = api(&t, Method::POST, "/vc/transactions/").header("content-type", "application/json").body("{nope");
    let empty = api(&t, Method::POST, "/vc/transactions/").pipe_json(&json!({ "items": [] }));
    for (req, code) in [(not_json, "parse_error"), (empty, "empty_items")] {
        let (status, body) = t.send(req).await;
        assert_eq!((status, body["status_code"].as_u64(), body["error_code"].as_str()), (400, Some(400), Some(code)), "{body}");
    }
}

/// Found by `fuzz/fuzz_targets/emulator_request.rs` (input in fuzz/regressions/emulator_request/):
/// a paywall count near `u32::MAX` overflowed (a panic), and huge counts ran out of memory.
#[tokio::test]
async fn seed_counts_past_the_limit_are_refused() {
    let t = T::start(Some(KEY)).await;
    for (what, count) in [("paywalls", json!(u32::MAX)), ("paywalls", json!(1_000_000)), ("profiles", json!(1_000_001))] {
        let (status, body) = t.control(Method::POST, what, Some(json!({ "count": count }))).await;
        assert_eq!(status, 400, "{what} {count}: {body}");
        assert!(body["error"].as_str().unwrap().starts_with("at most 1000000"), "{body}");
    }
    // Nothing was seeded or replaced by the refused requests.
    let (_, body) = t.control(Method::POST, "paywalls", Some(json!({ "count": 2 }))).await;
    assert_eq!(body, json!({ "count": 5 }));
    let (status, _) = t.control(Method::POST, "paywalls", Some(json!({ "count": u32::MAX, "replace": true }))).await;
    assert_eq!(status, 400);
    let (_, body) = t.control(Method::POST, "paywalls", Some(json!({ "count": 0 }))).await;
    assert_eq!(body, json!({ "count": 5 }));
}
