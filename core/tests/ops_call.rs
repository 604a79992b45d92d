//! `ops::call`, the entry point every binding uses: operations by name with JSON cases that check
//! their results, and the argument errors bindings rely on (named fields, unknown operations).
//! (That every described operation is dispatched is the shared vectors' check: each operation
//! must have vectors, and they run through `ops::call`.)

mod common;

use adapty_server::ops;
use common::{Env, at, call, outcome};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_by_name_give_their_models() {
    let env = Env::start().await;
    let pid = env.control.seed_user("ops-user").await;
    let other = env.control.seed_user("ops-other").await;
    let client = env.client();
    let user = json!({ "customer_user_id": "ops-user" });
    let merge = |extra: Value| {
        let mut v = user.clone();
        v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        v
    };
    let bought = at(-1);
    let key = "5f0c8a43-8e8e-4c5b-9f3e-2d7c1b0a9e81";
    let first_paywall = {
        let r = call(&client, "paywalls.list", &json!({ "page_size": 1 })).await.unwrap();
        r["data"][0]["paywall_id"].as_str().unwrap().to_owned()
    };
    // (operation, arguments, a check of the result)
    type Check = Box<dyn Fn(&Value) -> bool>;
    let cases: Vec<(&str, Value, Check)> = vec![
        ("profiles.get", json!({ "profile_id": pid }), Box::new(|r| r["customer_user_id"] == "ops-user")),
        (
            "profiles.create",
            json!({ "customer_user_id": "ops-new", "fields": { "first_name": "Ann" } }),
            Box::new(|r| r["customer_user_id"] == "ops-new"),
        ),
        ("profiles.update", merge(json!({ "fields": { "email": "a@example.com" } })), Box::new(|r| r["profile_id"].is_string())),
        ("profiles.delete", json!({ "customer_user_id": "ops-new" }), Box::new(Value::is_null)),
        (
            "profiles.deleteMany",
            json!({ "refs": [{ "profile_id": other }, { "customer_user_id": "ops-missing" }], "concurrency": 2 }),
            Box::new(|r| r[0].is_null() && r[1]["status"] == 404),
        ),
        (
            "purchases.setTransaction",
            merge(json!({ "fields": {
                "purchase_type": "subscription", "store": "app_store", "store_product_id": "premium_monthly",
                "store_transaction_id": "ops-1", "store_original_transaction_id": "ops-1",
                "price": { "country": "US", "currency": "USD", "value": 4.99 },
                "purchased_at": bought, "originally_purchased_at": bought, "expires_at": at(30), "renew_status": true } })),
            Box::new(|r| r["access_levels"][0]["access_level_id"] == "premium" && r["total_revenue_usd"] == 4.99),
        ),
        (
            "purchases.validateStripe",
            json!({ "fields": { "customer_user_id": "ops-stripe", "stripe_token": "sub_ops" } }),
            Box::new(Value::is_null),
        ),
        (
            "purchases.validatePaddle",
            json!({ "fields": { "customer_user_id": "ops-paddle", "paddle_token": "txn_ops" } }),
            Box::new(|r| r["non_subscriptions"][0]["store"] == "paddle"),
        ),
        (
            "accessLevels.grant",
            merge(json!({ "fields": { "access_level_id": "premium", "expires_at": at(90) } })),
            Box::new(|r| r["access_levels"][0]["store"] == "adapty"),
        ),
        (
            "accessLevels.revoke",
            merge(json!({ "fields": { "access_level_id": "premium" } })),
            Box::new(|r| r["access_levels"][0]["cancellation_reason"] == "adapty_revoked"),
        ),
        ("refundSaver.get", user.clone(), Box::new(|r| r["settings"]["custom_preference"] == "no_preference")),
        ("refundSaver.set", merge(json!({ "fields": { "consent": true } })), Box::new(|r| r["settings"]["consent"] == true)),
        ("integrations.set", merge(json!({ "fields": { "amplitude_user_id": "amp-1" } })), Box::new(Value::is_null)),
        ("integrations.get", user.clone(), Box::new(|r| r["amplitude_user_id"] == "amp-1")),
        (
            "paywalls.list",
            json!({ "page": 1, "page_size": 2 }),
            Box::new(|r| r["count"] == 3 && r["next_cursor"] == "2" && r["data"].as_array().unwrap().len() == 2),
        ),
        ("paywalls.list", json!({ "cursor": "2", "page_size": 2 }), Box::new(|r| r["page"] == 2 && r["next_cursor"].is_null())),
        ("paywalls.get", json!({ "paywall_id": first_paywall }), Box::new(|r| r["remote_configs"][0]["locale"] == "en")),
        (
            "paywalls.update",
            json!({ "paywall_id": first_paywall, "fields": { "remote_configs": [{ "locale": "es", "data": "{\"a\":1}" }] } }),
            Box::new(|r| r["remote_configs"] == json!([{ "locale": "es", "data": "{\"a\":1}" }])),
        ),
        (
            "virtualCurrency.createTransaction",
            merge(
                json!({ "idempotency_key": key, "fields": { "items": [{ "currency_code": "COINS", "amount": 40 }], "metadata": { "reason": "ops" } } }),
            ),
            Box::new(|r| r["balances"][0]["balance"] == 40 && r["transaction_id"].is_string()),
        ),
        (
            "virtualCurrency.createTransaction",
            merge(json!({ "idempotency_key": key, "fields": { "items": [{ "currency_code": "COINS", "amount": 40 }] } })),
            Box::new(|r| r["balances"][0]["balance"] == 40),
        ),
        (
            "virtualCurrency.listTransactions",
            merge(json!({ "currency_code": "COINS", "limit": 10 })),
            Box::new(|r| r["data"].as_array().unwrap().len() == 1 && r["next_cursor"].is_null()),
        ),
        (
            "virtualCurrency.balances",
            user.clone(),
            Box::new(|r| r["data"][0] == json!({ "code": "COINS", "name": "Gold Coins", "balance": 40, "held": 0, "available": 40 })),
        ),
    ];
    for (op, args, check) in &cases {
        let result = ops::call(&client, op, args).await;
        let shown = outcome(result.clone());
        let value: Value = serde_json::from_str(result.unwrap_or_else(|e| panic!("{op}: {}", e.to_json())).get()).unwrap();
        assert!(check(&value), "{op} {args}: {value}");
        assert_eq!(shown, json!({ "ok": value }));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn argument_errors_name_the_argument() {
    let env = Env::start().await;
    let client = env.client();
    let cases = [
        ("paywalls.get", json!({}), "paywall_id", "required"),
        ("paywalls.get", json!({ "paywall_id": 7 }), "paywall_id", "type"),
        ("paywalls.get", json!({ "paywall_id": "nope" }), "paywall_id", "format"),
        ("paywalls.list", json!({ "page_size": "10" }), "page_size", "type"),
        ("paywalls.list", json!({ "page_size": 101 }), "page_size", "range"),
        ("paywalls.list", json!({ "cursor": "0" }), "cursor", "format"),
        ("paywalls.list", json!({ "page": -1 }), "page", "type"),
        (
            "paywalls.update",
            json!({ "paywall_id": "00000000-0000-4000-8000-000000000000", "fields": { "remote_configs": [], "x": 1 } }),
            "x",
            "type",
        ),
        ("profiles.deleteMany", json!({ "refs": [], "concurrency": 0 }), "concurrency", "range"),
        ("refundSaver.get", json!({}), "profile_id", "required"),
        // Arguments an operation does not take are refused, naming them, whatever the language.
        ("profiles.get", json!({ "customer_user_id": "u", "fields": {} }), "fields", "type"),
        ("paywalls.get", json!({ "paywall_id": "00000000-0000-4000-8000-000000000000", "page": 1 }), "page", "type"),
        ("purchases.validateStripe", json!({ "customer_user_id": "u", "fields": {} }), "customer_user_id", "type"),
        ("profiles.get", json!(["u"]), "args", "type"),
        // So are body keys a model does not have, at any depth (the core, not each binding).
        ("profiles.update", json!({ "customer_user_id": "u", "fields": { "first_nam": "Jo" } }), "first_nam", "type"),
        (
            "profiles.create",
            json!({ "customer_user_id": "u", "fields": { "installation_meta": { "device_id": "d", "colour": "red" } } }),
            "installation_meta.colour",
            "type",
        ),
        (
            "purchases.setTransaction",
            json!({ "customer_user_id": "u", "fields": { "price": { "country": "US", "currency": "USD", "value": 1, "tax": 1 } } }),
            "price.tax",
            "type",
        ),
        ("refundSaver.set", json!({ "customer_user_id": "u", "fields": { "custom_preference": "maybe" } }), "custom_preference", "enum"),
        ("accessLevels.grant", json!({ "customer_user_id": "u", "fields": {} }), "access_level_id", "required"),
        (
            "accessLevels.grant",
            json!({ "customer_user_id": "u", "fields": { "access_level_id": "premium", "starts_at": "soon" } }),
            "starts_at",
            "format",
        ),
        ("purchases.validatePaddle", json!({ "fields": { "customer_user_id": "u" } }), "paddle_token", "required"),
        ("integrations.set", json!({ "customer_user_id": "u", "fields": { "unknown_id": "x" } }), "unknown_id", "enum"),
        (
            "virtualCurrency.createTransaction",
            json!({ "customer_user_id": "u", "idempotency_key": "k", "fields": { "items": [{ "currency_code": "COINS", "amount": 1 }] } }),
            "idempotency_key",
            "format",
        ),
        (
            "virtualCurrency.createTransaction",
            json!({ "customer_user_id": "u", "fields": { "items": [{ "currency_code": "COINS", "amount": 1.5 }] } }),
            "items[0].amount",
            "type",
        ),
        ("virtualCurrency.listTransactions", json!({ "customer_user_id": "u", "limit": 0 }), "limit", "range"),
        ("virtualCurrency.balances", json!({ "customer_user_id": 5 }), "customer_user_id", "type"),
    ];
    let mut problems = Vec::new();
    for (op, args, field, rule) in &cases {
        let got = outcome(ops::call(&client, op, args).await);
        let e = &got["error"];
        if e["kind"] != "validation" || e["field"] != *field || e["rule"] != *rule {
            problems.push(format!("{op} {args}: expected {field}/{rule}, got {got}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(env.control.journal().await.is_empty(), "nothing was sent");
    let got = outcome(ops::call(&client, "paywalls.delete", &json!({})).await);
    assert_eq!(got["error"]["kind"], "usage");
    // An API error comes back described, with its status and code.
    let got = outcome(ops::call(&client, "virtualCurrency.balances", &json!({ "customer_user_id": "ghost" })).await);
    assert_eq!(
        (got["error"]["kind"].as_str(), got["error"]["status"].as_u64(), got["error"]["error_code"].as_str()),
        (Some("api"), Some(404), Some("profile_does_not_exist"))
    );
}

/// `ops::Walk`, behind every binding's page iterator: all pages in order, then `None`; a cursor
/// handed back twice ends it with an error after exactly two requests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walks_read_every_page_and_stop_on_a_repeated_cursor() {
    use adapty_server::ops::Walk;
    let env = Env::start().await;
    env.control.seed_paywalls(5, false).await; // 8 paywalls with the 3 defaults
    let client = env.client();
    let walk = Walk::new(&client, "paywalls.list", json!({ "page_size": 3 })).unwrap();
    let mut sizes = Vec::new();
    while let Some(items) = walk.next().await.unwrap() {
        sizes.push(serde_json::from_str::<Vec<Value>>(items.get()).unwrap().len());
    }
    assert_eq!(sizes, [3, 3, 2]);
    assert!(walk.next().await.unwrap().is_none(), "a finished walk stays finished");

    env.control.clear_journal().await;
    let same_page = json!({ "data": [], "meta": { "pagination": { "count": 10, "page": 1, "pages": 5 } } });
    env.control
        .fault(json!({ "method": "GET", "path_prefix": "/api/v2/server-side-api/paywalls", "status": 200, "body": same_page, "times": 10 }))
        .await;
    let walk = Walk::new(&client, "paywalls.list", json!({ "page_size": 3 })).unwrap();
    assert_eq!(walk.next().await.unwrap().map(|items| items.get().to_owned()).as_deref(), Some("[]"));
    let err = walk.next().await.unwrap_err();
    assert!(err.to_string().contains("cursor \"2\" again"), "{err}");
    assert!(walk.next().await.unwrap().is_none(), "an error ends the walk");
    assert_eq!(env.control.journal().await.len(), 2);

    assert!(matches!(Walk::new(&client, "profiles.get", json!({})), Err(adapty_server::Error::Usage { .. })));
}

/// What a caller gives the SDK is read strictly; what a server receives, leniently (the emulator
/// reads requests so): the same model, two readings.
#[test]
fn unknown_keys_refused_by_the_sdk_ignored_by_a_server() {
    use adapty_server::{GrantAccessParams, json};
    let body = json!({ "access_level_id": "premium", "note": "from support" });
    let err = json::from_value::<GrantAccessParams>(body.clone()).unwrap_err();
    assert_eq!((err.field.as_str(), err.rule.as_str()), ("note", "type"));
    assert!(err.message.contains("unknown field `note`"), "{}", err.message);
    let read: GrantAccessParams = json::from_value_lenient(body).unwrap();
    assert_eq!(read.access_level_id, "premium");
}

/// A walk's arguments are checked when it is opened, before any page is fetched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walks_check_their_arguments_when_opened() {
    use adapty_server::ops::Walk;
    let env = Env::start().await;
    let client = env.client();
    let cases = [
        ("paywalls.list", json!({ "cursor": "2" }), "cursor"),
        ("paywalls.list", json!({ "page": 2 }), "page"),
        ("paywalls.list", json!({ "page_size": "20" }), "page_size"),
        ("virtualCurrency.listTransactions", json!({ "limit": 5 }), "profile_id"),
        ("virtualCurrency.listTransactions", json!({ "customer_user_id": "u", "colour": 1 }), "colour"),
    ];
    for (op, args, field) in cases {
        match Walk::new(&client, op, args.clone()) {
            Err(adapty_server::Error::Validation(v)) => assert_eq!(v.field, field, "{op} {args}"),
            Err(other) => panic!("{op} {args}: {other}"),
            Ok(_) => panic!("{op} {args}: opened"),
        }
    }
    assert!(env.control.journal().await.is_empty(), "nothing is sent");
    assert!(Walk::new(&client, "paywalls.list", json!({ "page_size": 5 })).is_ok());
}

/// `ops::observe`: a check runs every rule up to the point of sending and sends nothing; an
/// observed call gives its response's status and request id; a `Retry-After` holds back the
/// client's other requests too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn observed_calls_checks_and_a_shared_retry_after() {
    use adapty_server::ops::observe;
    let env = Env::start().await;
    env.control.seed_user("obs-user").await;
    env.control.clear_journal().await;
    let client = env.client();
    let grant = |fields: Value| json!({ "customer_user_id": "obs-user", "fields": fields });
    assert!(observe::check(&client, "accessLevels.grant", &grant(json!({ "access_level_id": "premium" }))).await.is_ok());
    let refused = observe::check(&client, "accessLevels.grant", &grant(json!({ "expires_at": "soon" }))).await.unwrap_err();
    assert_eq!(refused.kind(), adapty_server::ErrorKind::Validation);
    assert!(env.control.journal().await.is_empty(), "a check sends nothing");

    let sent = observe::call_raw(&client, "accessLevels.grant", &grant(json!({ "access_level_id": "premium" }))).await.unwrap().response;
    let journal = env.control.journal().await;
    assert_eq!((sent.status, sent.request_id.as_deref(), sent.retries), (200, journal[0]["request_id"].as_str(), 0));
    assert_eq!(sent.headers.get("request-id").map(String::as_str), journal[0]["request_id"].as_str(), "the headers are kept");

    // One request meets a 429 asking for 1 s; a second request started meanwhile waits it out.
    env.control.fault(json!({ "method": "GET", "status": 429, "retry_after": "1", "times": 1 })).await;
    let started = std::time::Instant::now();
    let user = json!({ "customer_user_id": "obs-user" });
    let first = call(&client, "profiles.get", &user);
    let second = async {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        call(&client, "virtualCurrency.balances", &user).await
    };
    let (first, second) = tokio::join!(first, second);
    assert!(first.is_ok() && second.is_ok());
    let journal = env.control.journal().await;
    let balances = journal.iter().find(|e| e["path"].as_str().unwrap().contains("/vc/balances")).unwrap();
    let limited = journal.iter().find(|e| e["status"] == 429).unwrap();
    let at = |e: &Value| chrono::DateTime::parse_from_rfc3339(e["received_at"].as_str().unwrap()).unwrap();
    assert!(at(balances) - at(limited) >= chrono::TimeDelta::milliseconds(900), "the second request went out during the pause");
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
}
