//! Virtual currencies through the async client against the emulator: atomicity, idempotency, the
//! feature switch, the rate limit and history walks.

mod common;

use std::time::{Duration, Instant};

use adapty_server::{ApiErrorKind, Client, HistoryRequest, VirtualCurrencyTransactionParams};
use common::{Env, api, cuid, fast_retries, validation, vc};
use futures_util::TryStreamExt;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn virtual_currency_transactions_are_atomic() {
    let env = Env::start().await;
    env.control.seed_user("wallet").await;
    let client = env.client();
    let vcs = client.virtual_currency();
    let user = cuid("wallet");

    let r = vcs.create_transaction(&user, &vc(json!([{ "currency_code": "COINS", "amount": 100 }])), None).await.unwrap();
    assert_eq!(r.balances.len(), 1);
    assert_eq!(
        (r.balances[0].code.as_str(), r.balances[0].name.as_str(), r.balances[0].balance, r.balances[0].available),
        ("COINS", "Gold Coins", 100, 100)
    );
    let r = vcs
        .create_transaction(
            &user,
            &vc(json!([{ "currency_code": "COINS", "amount": -30 }, { "currency_code": "GEMS", "amount": 5 }])),
            None,
        )
        .await
        .unwrap();
    assert_eq!(r.balances.iter().map(|b| (b.code.as_str(), b.balance)).collect::<Vec<_>>(), [("COINS", 70), ("GEMS", 5)]);

    // One item fails: none applies.
    let err = vcs
        .create_transaction(
            &user,
            &vc(json!([{ "currency_code": "GEMS", "amount": 50 }, { "currency_code": "COINS", "amount": -1000 }])),
            None,
        )
        .await
        .unwrap_err();
    let body: Value = serde_json::from_str(&err.api().unwrap().body).unwrap();
    assert_eq!(api(err), (400, "insufficient_balance".into()));
    assert_eq!(body["errors"][0]["errors"][0], "Insufficient balance for currency COINS");
    let err = vcs
        .create_transaction(&user, &vc(json!([{ "currency_code": "COINS", "amount": 1 }, { "currency_code": "GOLD", "amount": 1 }])), None)
        .await
        .unwrap_err();
    assert_eq!(api(err), (400, "unknown_currency".into()));
    let b = vcs.balances(&user).await.unwrap();
    assert_eq!(
        b.data.iter().map(|b| (b.code.as_str(), b.balance, b.held, b.available)).collect::<Vec<_>>(),
        [("COINS", 70, 0, 70), ("GEMS", 5, 0, 5)]
    );
    assert!(b.response_created_at > 1_700_000_000_000);
    let history = vcs.list_transactions(&user, &HistoryRequest::default()).await.unwrap();
    assert_eq!(history.data.len(), 2, "failed transactions leave no history");

    // The same key again: the first answer, applied once.
    let key = "9b2f7c1e-4a5d-4c3b-8e2f-1a2b3c4d5e6f";
    let first = vcs.create_transaction(&user, &vc(json!([{ "currency_code": "COINS", "amount": 10 }])), Some(key)).await.unwrap();
    let second = vcs.create_transaction(&user, &vc(json!([{ "currency_code": "COINS", "amount": 10 }])), Some(key)).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(vcs.balances(&user).await.unwrap().data[0].balance, 80);
    let sent = env.control.journal().await;
    let keys: Vec<&str> = sent.iter().filter(|e| e["method"] == "POST").filter_map(|e| e["headers"]["idempotency-key"].as_str()).collect();
    assert_eq!(keys.len(), 6);
    assert_eq!(keys[4..], [key, key]);
    assert!(keys[..4].iter().all(|k| adapty_server::check_idempotency_key(k).is_ok()), "generated keys are UUID v4: {keys:?}");
    assert_eq!(keys[..4].iter().collect::<std::collections::HashSet<_>>().len(), 4, "a new key per call");

    let err = vcs.balances(&cuid("ghost")).await.unwrap_err();
    assert_eq!(api(err), (404, "profile_does_not_exist".into()));
    let err = vcs.create_transaction(&cuid("ghost"), &vc(json!([{ "currency_code": "COINS", "amount": 1 }])), None).await.unwrap_err();
    assert_eq!(api(err), (404, "profile_does_not_exist".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_in_flight_key_is_waited_out_and_credited_once() {
    let env = Env::start().await;
    env.control.seed_user("slow").await;
    env.control.config(json!({ "vc_processing_delay_ms": 1500 })).await;
    // Each attempt gives up after 500 ms: the first times out while the emulator still works on it.
    let client = Client::new(env.config().timeout(Duration::from_millis(500)).retry_policy(fast_retries(6)).build().unwrap()).unwrap();
    let user = cuid("slow");
    let key = "0c7d6a4e-2b1f-4e8a-9c3d-5f6e7a8b9c0d";
    let started = Instant::now();
    let r = client
        .virtual_currency()
        .create_transaction(&user, &vc(json!([{ "currency_code": "GEMS", "amount": 25 }])), Some(key))
        .await
        .unwrap();
    assert_eq!(r.balances[0].balance, 25);
    assert!(started.elapsed() >= Duration::from_millis(1000), "{:?}", started.elapsed());

    env.control.config(json!({ "vc_processing_delay_ms": 0 })).await;
    let b = client.virtual_currency().balances(&user).await.unwrap();
    assert_eq!(b.data.iter().find(|b| b.code == "GEMS").unwrap().balance, 25, "credited exactly once");
    let history = client.virtual_currency().list_transactions(&user, &HistoryRequest::default()).await.unwrap();
    assert_eq!(history.data.len(), 1);
    assert_eq!(history.data[0].transaction_id, r.transaction_id);

    let sent = env.control.journal().await;
    let posts: Vec<&Value> = sent.iter().filter(|e| e["method"] == "POST").collect();
    assert!(posts.iter().all(|e| e["headers"]["idempotency-key"] == key), "one key on every attempt");
    let statuses: Vec<u64> = posts.iter().map(|e| e["status"].as_u64().unwrap()).collect();
    assert!(statuses.contains(&409), "a retry met the first attempt in flight: {statuses:?}");
    assert_eq!(statuses.last(), Some(&200), "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feature_switch_and_rate_limit() {
    let env = Env::start().await;
    env.control.seed_user("limited").await;
    let client = env.client();
    let user = cuid("limited");
    env.control.config(json!({ "vc_enabled": false })).await;
    for err in [
        client.virtual_currency().balances(&user).await.unwrap_err(),
        client.virtual_currency().list_transactions(&user, &HistoryRequest::default()).await.unwrap_err(),
        client
            .virtual_currency()
            .create_transaction(&user, &vc(json!([{ "currency_code": "COINS", "amount": 1 }])), None)
            .await
            .unwrap_err(),
    ] {
        assert_eq!(err.api().unwrap().kind(), ApiErrorKind::PermissionDenied);
        assert_eq!(api(err), (403, "feature_not_enabled".into()));
    }

    env.control.config(json!({ "vc_enabled": true, "vc_rate_limit_per_minute": 3 })).await;
    env.control.clear_journal().await;
    for _ in 0..3 {
        client.virtual_currency().balances(&user).await.unwrap();
    }
    // The window's Retry-After (about a minute) is beyond the policy's cap: the error comes at once.
    let started = Instant::now();
    let err = client.virtual_currency().balances(&user).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    let a = err.api().unwrap();
    assert_eq!((a.status, a.error_code.as_deref(), a.kind()), (429, Some("rate_limited"), ApiErrorKind::RateLimit));
    assert!(a.retry_after.is_some_and(|d| d > Duration::from_secs(5) && d <= Duration::from_secs(60)), "{a:?}");
    assert_eq!(env.control.journal().await.len(), 4);
    // Other endpoints are not limited.
    client.profiles().get(&user).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_walks_pages_with_a_currency_filter() {
    let env = Env::start().await;
    env.control.seed_user("history").await;
    let client = env.client();
    let vcs = client.virtual_currency();
    let user = cuid("history");
    for n in 1..=7 {
        let code = if n % 2 == 1 { "COINS" } else { "GEMS" };
        let mut params = vc(json!([{ "currency_code": code, "amount": n }]));
        params.metadata = Some([("n".to_owned(), n.to_string())].into());
        vcs.create_transaction(&user, &params, None).await.unwrap();
    }
    env.control.clear_journal().await;
    let coins: Vec<_> = vcs.list_all_transactions(&user, Some("COINS"), Some(2)).try_collect().await.unwrap();
    let ns: Vec<String> = coins.iter().map(|t| t.metadata.as_ref().unwrap()["n"].clone()).collect();
    assert_eq!(ns, ["7", "5", "3", "1"], "newest first, COINS only");
    assert_eq!(coins[0].items[0].balance_after, 16);
    assert_eq!(coins[0].transaction_type.as_str(), "api_transaction");
    let sent = env.control.journal().await;
    assert_eq!(sent.len(), 2, "two pages of two");
    assert!(sent.iter().all(|e| e["query"].as_str().unwrap().contains("currency_code=COINS")));
    assert!(!sent[0]["query"].as_str().unwrap().contains("cursor") && sent[1]["query"].as_str().unwrap().contains("cursor="));

    let all: Vec<_> = vcs.list_all_transactions(&user, None, Some(3)).try_collect().await.unwrap();
    assert_eq!(all.len(), 7);
    let page = vcs.list_transactions(&user, &HistoryRequest { limit: Some(100), ..Default::default() }).await.unwrap();
    assert_eq!((page.data.len(), page.next_cursor), (7, None));
    let page = vcs.list_transactions(&user, &HistoryRequest { currency_code: Some("GOLD".into()), ..Default::default() }).await.unwrap();
    assert!(page.data.is_empty());
    let err = vcs.list_transactions(&user, &HistoryRequest { cursor: Some("bogus".into()), ..Default::default() }).await.unwrap_err();
    assert_eq!(api(err), (400, "invalid_cursor".into()));
    env.control.clear_journal().await;
    for (req, field) in [
        (HistoryRequest { limit: Some(0), ..Default::default() }, "limit"),
        (HistoryRequest { limit: Some(101), ..Default::default() }, "limit"),
        (HistoryRequest { currency_code: Some("CO INS".into()), ..Default::default() }, "currency_code"),
    ] {
        assert_eq!(validation(vcs.list_transactions(&user, &req).await.unwrap_err()).0, field);
    }
    assert!(env.control.journal().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn virtual_currency_rules_are_checked_before_sending() {
    let env = Env::start().await;
    env.control.seed_user("rules").await;
    let client = env.client();
    let vcs = client.virtual_currency();
    let user = cuid("rules");
    let many: Vec<Value> = (0..21).map(|n| json!({ "currency_code": format!("C{n}"), "amount": 1 })).collect();
    let cases: Vec<(VirtualCurrencyTransactionParams, &str, &str, Option<&str>)> = vec![
        (vc(json!([])), "items", "count", Some("empty_items")),
        (vc(json!(many)), "items", "count", None),
        (vc(json!([{ "currency_code": "COINS", "amount": 1 }, { "currency_code": "COINS", "amount": 2 }])), "items[1].currency_code", "unique", Some("duplicate_currency")),
        (vc(json!([{ "currency_code": "COINS", "amount": 0 }])), "items[0].amount", "range", Some("amount_zero")),
        (vc(json!([{ "currency_code": "CO-INS", "amount": 1 }])), "items[0].currency_code", "format", None),
        (
            serde_json::from_value(json!({ "items": [{ "currency_code": "COINS", "amount": 1 }], "metadata": { "a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6" } })).unwrap(),
            "metadata",
            "count",
            None,
        ),
        (serde_json::from_value(json!({ "items": [{ "currency_code": "COINS", "amount": 1 }], "metadata": { "Bad": "1" } })).unwrap(), "metadata.Bad", "format", None),
        (
            serde_json::from_value(json!({ "items": [{ "currency_code": "COINS", "amount": 1 }], "metadata": { "long": "x".repeat(201) } })).unwrap(),
            "metadata.long",
            "max_length",
            None,
        ),
    ];
    for (params, field, rule, code) in cases {
        let err = vcs.create_transaction(&user, &params, None).await.unwrap_err();
        assert_eq!(err.validation().unwrap().api_code, code, "{field}");
        assert_eq!(validation(err), (field.into(), rule));
    }
    let ok = vc(json!([{ "currency_code": "COINS", "amount": 1 }]));
    for key in ["not-a-uuid", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"] {
        let err = vcs.create_transaction(&user, &ok, Some(key)).await.unwrap_err();
        assert_eq!(err.validation().unwrap().api_code, Some("idempotency_key_invalid"));
        assert_eq!(validation(err), ("idempotency_key".into(), "format"));
    }
    assert!(env.control.journal().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_key_is_reused_by_every_retry() {
    let env = Env::start().await;
    env.control.seed_user("retried").await;
    env.control.fault(json!({ "method": "POST", "path_prefix": "/api/v2/server-side-api/vc/", "status": 503, "times": 2 })).await;
    let client = env.client();
    let user = cuid("retried");
    let r =
        client.virtual_currency().create_transaction(&user, &vc(json!([{ "currency_code": "COINS", "amount": 3 }])), None).await.unwrap();
    assert_eq!(r.balances[0].balance, 3);
    let sent = env.control.journal().await;
    let attempts: Vec<(&str, u64)> =
        sent.iter().map(|e| (e["headers"]["idempotency-key"].as_str().unwrap(), e["status"].as_u64().unwrap())).collect();
    assert_eq!(attempts.iter().map(|a| a.1).collect::<Vec<_>>(), [503, 503, 200]);
    assert!(attempts.iter().all(|a| a.0 == attempts[0].0), "{attempts:?}");
    assert!(adapty_server::check_idempotency_key(attempts[0].0).is_ok());
}
