//! Every operation beyond the Profile API through the async client against the emulator:
//! purchases and what they do to the profile, access levels and their documented errors, Refund
//! Saver, integration identifiers, Stripe/Paddle imports, paywalls with their page walk, and
//! virtual currencies (atomicity, idempotency, the feature switch and the rate limit).

mod common;

use std::time::{Duration, Instant};

use adapty_server::{
    ApiErrorKind, CancellationReason, Client, Error, GrantAccessParams, HistoryRequest, IntegrationIdentifiers, PaddleValidationParams,
    PageRequest, PaywallUpdateParams, ProfileRef, RefundPreference, RefundSaverParams, RemoteConfig, RevokeAccessParams,
    StripeValidationParams, TransactionParams, VirtualCurrencyTransactionParams,
};
use chrono::Utc;
use common::{Env, fast_retries};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Value, json};

fn cuid(id: &str) -> ProfileRef {
    ProfileRef::customer_user_id(id).unwrap()
}

fn at(days: i64) -> String {
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

fn tx(v: Value) -> TransactionParams {
    serde_json::from_value(v).unwrap()
}

fn vc(items: Value) -> VirtualCurrencyTransactionParams {
    serde_json::from_value(json!({ "items": items })).unwrap()
}

/// `(status, error_code)` of an API error; panics on anything else.
fn api(err: Error) -> (u16, String) {
    match err {
        Error::Api(a) => (a.status, a.error_code.unwrap_or_default()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn validation(err: Error) -> (String, &'static str) {
    match err {
        Error::Validation(v) => (v.field, v.rule.as_str()),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_shape_the_profile() {
    let env = Env::start().await;
    env.control.seed_user("buyer").await;
    let client = env.client();
    let purchases = client.purchases();
    let user = cuid("buyer");

    let p = purchases.set_transaction(&user, &tx(subscription("1000", "1000", 9.99))).await.unwrap();
    assert_eq!(p.customer_user_id.as_deref(), Some("buyer"));
    assert_eq!(p.subscriptions.len(), 1);
    assert_eq!(p.subscriptions[0].store_product_id, "premium_monthly");
    assert_eq!(p.subscriptions[0].environment.as_ref().map(|e| e.as_str()), Some("Sandbox"));
    let premium = p.access_levels.iter().find(|a| a.access_level_id == "premium").expect("premium");
    assert!(premium.expires_at.is_some_and(|e| *e > Utc::now()), "{premium:?}");
    assert_eq!(premium.store_original_transaction_id.as_deref(), Some("1000"));
    assert_eq!(p.total_revenue_usd, 9.99);

    // The same store_transaction_id again updates: no second subscription, no second revenue.
    let mut again = subscription("1000", "1000", 9.99);
    again["renew_status"] = json!(false);
    again["renew_status_changed_at"] = json!(at(0));
    let p = purchases.set_transaction(&user, &tx(again)).await.unwrap();
    assert_eq!((p.subscriptions.len(), p.total_revenue_usd), (1, 9.99));
    assert!(p.subscriptions[0].renewal_cancelled_at.is_some());
    // A renewal (new transaction, same original) replaces the subscription and adds revenue.
    let p = purchases.set_transaction(&user, &tx(subscription("1001", "1000", 9.99))).await.unwrap();
    assert_eq!((p.subscriptions.len(), p.total_revenue_usd), (1, 19.98));

    // A one-time purchase lands in non_subscriptions; a repeat updates it in place.
    let p = purchases.set_transaction(&user, &tx(one_time("gp-1", "coins_100", 1.0))).await.unwrap();
    assert_eq!(p.non_subscriptions.len(), 1);
    let first = p.non_subscriptions[0].clone();
    assert!(first.is_consumable && !first.is_refund);
    assert_eq!(p.total_revenue_usd, 21.06, "EUR converts to USD");
    let p = purchases.set_transaction(&user, &tx(one_time("gp-1", "coins_100", 1.0))).await.unwrap();
    assert_eq!(p.non_subscriptions.len(), 1);
    assert_eq!(p.non_subscriptions[0].purchase_id, first.purchase_id);
    assert_eq!(p.total_revenue_usd, 21.06);

    // A refund: the revenue goes, the access ends at the refund, the reason is kept.
    let mut refund = one_time("gp-1", "coins_100", 1.0);
    refund["refunded_at"] = json!(at(-1));
    refund["cancellation_reason"] = json!("refund");
    let p = purchases.set_transaction(&user, &tx(refund)).await.unwrap();
    assert!(p.non_subscriptions[0].is_refund);
    assert_eq!(p.total_revenue_usd, 19.98);
    let mut refund = subscription("1001", "1000", 9.99);
    refund["refunded_at"] = json!(at(0));
    refund["cancellation_reason"] = json!("refund");
    let p = purchases.set_transaction(&user, &tx(refund)).await.unwrap();
    assert_eq!(p.total_revenue_usd, 9.99);
    let premium = p.access_levels.iter().find(|a| a.access_level_id == "premium").unwrap();
    assert_eq!(premium.cancellation_reason, Some(CancellationReason::Refund));
    assert!(premium.expires_at.is_some_and(|e| *e <= Utc::now()));
    assert_eq!(p.subscriptions[0].cancellation_reason, Some(CancellationReason::Refund));

    // A lifetime product gives premium without expiry; later reads agree with the answers.
    let p = purchases.set_transaction(&user, &tx(one_time("life-1", "premium_lifetime", 49.99))).await.unwrap();
    let premium = p.access_levels.iter().find(|a| a.access_level_id == "premium").unwrap();
    assert!(premium.expires_at.is_none(), "{premium:?}");
    let read = client.profiles().get(&user).await.unwrap();
    assert_eq!((read.non_subscriptions.len(), read.subscriptions.len(), read.total_revenue_usd), (2, 1, p.total_revenue_usd));

    // An unknown profile: 400 profile_does_not_exist (unlike the Profile API's 404).
    let err = purchases.set_transaction(&cuid("nobody"), &tx(one_time("x", "coins_100", 1.0))).await.unwrap_err();
    assert_eq!(api(err), (400, "profile_does_not_exist".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grant_and_revoke_with_every_documented_error() {
    let env = Env::start().await;
    let ctl = &env.control;
    let profile_id = ctl.seed_user("granted").await;
    ctl.seed_user("plain").await;
    ctl.config(json!({ "access_levels": ["premium", "vip"] })).await;
    let client = env.client();
    let levels = client.access_levels();
    let user = cuid("granted");
    let grant = |id: &str, expires: Option<String>| GrantAccessParams {
        access_level_id: id.into(),
        starts_at: None,
        expires_at: expires.map(|e| serde_json::from_value(json!(e)).unwrap()),
    };
    let revoke = |id: &str, at: Option<String>| RevokeAccessParams {
        access_level_id: id.into(),
        revoke_at: at.map(|e| serde_json::from_value(json!(e)).unwrap()),
    };

    let p = levels.grant(&user, &grant("premium", Some(at(30)))).await.unwrap();
    let premium = p.access_levels.iter().find(|a| a.access_level_id == "premium").unwrap();
    assert_eq!(premium.store.as_str(), "adapty");
    assert!(premium.expires_at.is_some());
    // By profile id too.
    levels.grant(&ProfileRef::profile_id(&profile_id).unwrap(), &grant("vip", None)).await.unwrap();

    let err = levels.grant(&user, &grant("gold", None)).await.unwrap_err();
    assert_eq!(api(err), (400, "paid_access_level_does_not_exist".into()));
    let err = levels.revoke(&user, &revoke("gold", None)).await.unwrap_err();
    assert_eq!(api(err), (400, "paid_access_level_does_not_exist".into()));
    let err = levels.grant(&cuid("ghost"), &grant("premium", None)).await.unwrap_err();
    assert_eq!(api(err), (400, "profile_does_not_exist".into()));
    let err = levels.revoke(&cuid("ghost"), &revoke("premium", None)).await.unwrap_err();
    assert_eq!(api(err), (400, "profile_does_not_exist".into()));
    let err = levels.revoke(&cuid("plain"), &revoke("premium", None)).await.unwrap_err();
    let api_err = err.api().unwrap().clone();
    assert_eq!(api(err), (400, "profile_paid_access_level_does_not_exist".into()));
    assert!(api_err.message().unwrap().contains("premium"), "{api_err:?}");
    let err = levels.revoke(&user, &revoke("premium", Some(at(60)))).await.unwrap_err();
    let body: Value = serde_json::from_str(&err.api().unwrap().body).unwrap();
    assert_eq!(api(err), (400, "revocation_date_more_than_expiration_date".into()));
    assert_eq!(body["errors"][0]["source"], "revoke_at");
    // revoke_at in the past is refused before any request (the API's value_error).
    ctl.clear_journal().await;
    let err = levels.revoke(&user, &revoke("premium", Some(at(-1)))).await.unwrap_err();
    assert_eq!(err.validation().unwrap().api_code, Some("value_error"));
    assert_eq!(validation(err), ("revoke_at".into(), "range"));
    let err = levels.grant(&user, &grant(" ", None)).await.unwrap_err();
    assert_eq!(validation(err), ("access_level_id".into(), "required"));
    assert!(ctl.journal().await.is_empty());

    // Shortening to a later date, then revoking now; revoking again keeps it revoked.
    let p = levels.revoke(&user, &revoke("premium", Some(at(10)))).await.unwrap();
    let premium = p.access_levels.iter().find(|a| a.access_level_id == "premium").unwrap();
    assert!(premium.expires_at.is_some_and(|e| *e < Utc::now() + chrono::Duration::days(11)));
    let p = levels.revoke(&user, &revoke("vip", None)).await.unwrap();
    let vip = p.access_levels.iter().find(|a| a.access_level_id == "vip").unwrap();
    assert!(vip.expires_at.is_some_and(|e| *e <= Utc::now()));
    assert_eq!(vip.cancellation_reason, Some(CancellationReason::AdaptyRevoked));
    let again = levels.revoke(&user, &revoke("vip", None)).await.unwrap();
    let vip2 = again.access_levels.iter().find(|a| a.access_level_id == "vip").unwrap();
    assert_eq!(vip2.expires_at, vip.expires_at);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refund_saver_and_integration_identifiers() {
    let env = Env::start().await;
    let profile_id = env.control.seed_user("settings").await;
    let client = env.client();
    let user = cuid("settings");

    let rs = client.refund_saver();
    let s = rs.get(&user).await.unwrap();
    assert_eq!(s.profile_id, profile_id);
    assert_eq!((s.settings.consent, s.settings.custom_preference.as_ref().map(|p| p.as_str())), (Some(false), Some("no_preference")));
    let set = RefundSaverParams { custom_preference: Some(RefundPreference::Grant), consent: Some(true) };
    let s = rs.set(&user, &set).await.unwrap();
    assert_eq!(s.settings.custom_preference, Some(RefundPreference::Grant));
    let s = rs.set(&user, &RefundSaverParams { consent: Some(false), ..Default::default() }).await.unwrap();
    assert_eq!(
        (s.settings.consent, s.settings.custom_preference.clone()),
        (Some(false), Some(RefundPreference::Grant)),
        "the other value stays"
    );
    assert_eq!(rs.get(&user).await.unwrap(), s);
    let err = rs.get(&cuid("ghost")).await.unwrap_err();
    assert_eq!(api(err), (400, "profile_does_not_exist".into()));
    let err = rs.set(&user, &RefundSaverParams::default()).await.unwrap_err();
    assert_eq!(validation(err), ("custom_preference".into(), "required"));

    let ints = client.integrations();
    let ids = ints.get(&user).await.unwrap();
    assert_eq!(ids, IntegrationIdentifiers::default(), "every identifier starts null");
    let set = IntegrationIdentifiers { appsflyer_id: Some("af-1".into()), mixpanel_user_id: Some("mp-1".into()), ..Default::default() };
    ints.set(&user, &set).await.unwrap();
    ints.set(&user, &IntegrationIdentifiers { mixpanel_user_id: Some("mp-2".into()), ..Default::default() }).await.unwrap();
    let ids = ints.get(&user).await.unwrap();
    assert_eq!(
        (ids.appsflyer_id.as_deref(), ids.mixpanel_user_id.as_deref(), ids.branch_id.as_deref()),
        (Some("af-1"), Some("mp-2"), None)
    );
    let err = ints.get(&cuid("ghost")).await.unwrap_err();
    assert_eq!(api(err), (404, "profile_not_found".into()));
    let err = ints.set(&cuid("ghost"), &set).await.unwrap_err();
    assert_eq!(api(err), (404, "profile_not_found".into()));
    let err = ints.set(&user, &IntegrationIdentifiers::default()).await.unwrap_err();
    assert_eq!(validation(err), ("integration_identifiers".into(), "required"));
    let unknown: IntegrationIdentifiers = serde_json::from_value(json!({ "appsflyer_idd": "x" })).unwrap();
    assert_eq!(validation(ints.set(&user, &unknown).await.unwrap_err()), ("appsflyer_idd".into(), "enum"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_and_paddle_imports_create_or_update_the_profile() {
    let env = Env::start().await;
    let client = env.client();
    let purchases = client.purchases();

    let stripe = StripeValidationParams { customer_user_id: "stripe-user".into(), stripe_token: "sub_1MowQVLkdIwHu7ixeRlqHVzs".into() };
    purchases.validate_stripe(&stripe).await.unwrap();
    let p = client.profiles().get(&cuid("stripe-user")).await.unwrap();
    assert_eq!(p.subscriptions.len(), 1);
    assert_eq!(p.subscriptions[0].store.as_str(), "stripe");
    assert!(p.access_levels.iter().any(|a| a.access_level_id == "premium"));
    let sent = env.control.journal().await;
    let entry = sent.iter().find(|e| e["path"] == "/api/v1/sdk/purchase/stripe/token/validate/").unwrap();
    assert_eq!(entry["headers"]["content-type"], "application/vnd.api+json");
    let body: Value = serde_json::from_str(entry["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["data"]["type"], "stripe_receipt_validation_result");
    assert_eq!(body["data"]["attributes"]["stripe_token"], stripe.stripe_token);
    let bad = StripeValidationParams { stripe_token: "tok_unknown".into(), ..stripe.clone() };
    let err = purchases.validate_stripe(&bad).await.unwrap_err();
    let a = err.api().unwrap();
    assert_eq!(a.status, 400);
    assert_eq!(a.errors[0].source.as_deref(), Some("/data/attributes/stripe_token"), "{a:?}");
    let empty = StripeValidationParams { stripe_token: "".into(), ..stripe };
    assert_eq!(validation(purchases.validate_stripe(&empty).await.unwrap_err()), ("stripe_token".into(), "required"));

    env.control.seed_user("paddle-user").await;
    let paddle = PaddleValidationParams { customer_user_id: "paddle-user".into(), paddle_token: "txn_01h8q5x".into() };
    let p = purchases.validate_paddle(&paddle).await.unwrap();
    assert_eq!(p.non_subscriptions.len(), 1);
    assert_eq!(p.non_subscriptions[0].store.as_str(), "paddle");
    assert_eq!(p.total_revenue_usd, 49.99);
    // The same token again imports nothing new.
    let p = purchases.validate_paddle(&paddle).await.unwrap();
    assert_eq!((p.non_subscriptions.len(), p.total_revenue_usd), (1, 49.99));
    let p = purchases
        .validate_paddle(&PaddleValidationParams { customer_user_id: "new-paddle".into(), paddle_token: "sub_01h".into() })
        .await
        .unwrap();
    assert_eq!((p.customer_user_id.as_deref(), p.subscriptions.len()), (Some("new-paddle"), 1));
    let err = purchases.validate_paddle(&PaddleValidationParams { paddle_token: "live_x".into(), ..paddle }).await.unwrap_err();
    assert_eq!(api(err), (400, "invalid_paddle_credentials_or_purchase_not_found".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paywalls_list_get_update_and_page_limits() {
    let env = Env::start().await;
    let client = env.client();
    let paywalls = client.paywalls();

    let page = paywalls.list(&PageRequest::default()).await.unwrap();
    assert_eq!((page.count, page.page, page.pages, page.data.len(), page.next_cursor.as_deref()), (3, 1, 1, 3, None));
    assert!(page.data.iter().all(|p| p.remote_configs.is_empty() && p.main_screenshot.is_none()), "the list leaves them out");
    let page = paywalls.list(&PageRequest { page: 1, page_size: 2 }).await.unwrap();
    assert_eq!((page.pages, page.data.len(), page.next_cursor.as_deref()), (2, 2, Some("2")));
    let page = paywalls.list(&PageRequest { page: 5, page_size: 2 }).await.unwrap();
    assert_eq!((page.page, page.data.len(), page.next_cursor), (5, 0, None), "past the end: an empty page");
    assert_eq!(paywalls.list(&PageRequest { page: 1, page_size: 100 }).await.unwrap().data.len(), 3);
    for (req, field) in [
        (PageRequest { page: 1, page_size: 101 }, "page_size"),
        (PageRequest { page: 1, page_size: 0 }, "page_size"),
        (PageRequest { page: 0, page_size: 20 }, "page"),
    ] {
        assert_eq!(validation(paywalls.list(&req).await.unwrap_err()), (field.into(), "range"));
    }

    let first = &paywalls.list(&PageRequest::default()).await.unwrap().data[0];
    let full = paywalls.get(&first.paywall_id).await.unwrap();
    assert_eq!(full.title, first.title);
    assert_eq!(full.remote_configs.len(), 1);
    assert!(full.main_screenshot.is_some());
    let configs = vec![
        RemoteConfig { locale: "en".into(), data: r#"{"title":"New"}"#.into() },
        RemoteConfig { locale: "fr".into(), data: r#"{"title":"Nouveau"}"#.into() },
    ];
    let updated = paywalls.update(&first.paywall_id, &PaywallUpdateParams { remote_configs: configs.clone() }).await.unwrap();
    assert_eq!(updated.remote_configs, configs);
    assert!(updated.updated_at > full.updated_at);
    assert_eq!(paywalls.get(&first.paywall_id).await.unwrap().remote_configs, configs);

    let missing = "00000000-0000-4000-8000-000000000000";
    assert_eq!(api(paywalls.get(missing).await.unwrap_err()), (404, "paywall_does_not_exist".into()));
    let err = paywalls.update(missing, &PaywallUpdateParams { remote_configs: configs.clone() }).await.unwrap_err();
    assert_eq!(api(err), (404, "paywall_does_not_exist".into()));
    env.control.clear_journal().await;
    assert_eq!(validation(paywalls.get("not-a-uuid").await.unwrap_err()), ("paywall_id".into(), "format"));
    let err = paywalls.update(&first.paywall_id, &PaywallUpdateParams { remote_configs: vec![] }).await.unwrap_err();
    assert_eq!(validation(err), ("remote_configs".into(), "count"));
    let twice = vec![configs[0].clone(), configs[0].clone()];
    let err = paywalls.update(&first.paywall_id, &PaywallUpdateParams { remote_configs: twice }).await.unwrap_err();
    assert_eq!(validation(err), ("remote_configs[1].locale".into(), "unique"));
    let bad = vec![RemoteConfig { locale: "en".into(), data: "{not json".into() }];
    let err = paywalls.update(&first.paywall_id, &PaywallUpdateParams { remote_configs: bad }).await.unwrap_err();
    assert_eq!(validation(err), ("remote_configs[0].data".into(), "format"));
    assert!(env.control.journal().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_all_walks_every_page_and_waits_out_a_429() {
    let env = Env::start().await;
    assert_eq!(env.control.seed_paywalls(7, false).await, 10);
    let client = env.client();
    let mut stream = Box::pin(client.paywalls().list_all(3));
    let mut titles = Vec::new();
    for _ in 0..3 {
        titles.push(stream.next().await.unwrap().unwrap().title);
    }
    // The next page's first attempt is throttled: the walk waits Retry-After and goes on.
    env.control
        .fault(json!({ "method": "GET", "path_prefix": "/api/v2/server-side-api/paywalls", "status": 429, "retry_after": "1",
            "body": { "errors": [{ "source": null, "errors": ["Request was throttled."] }], "error_code": "rate_limited", "status_code": 429 } }))
        .await;
    let started = Instant::now();
    let rest: Vec<_> = stream.try_collect().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(950), "Retry-After was not honoured: {:?}", started.elapsed());
    titles.extend(rest.into_iter().map(|p| p.title));
    assert_eq!(titles.len(), 10);
    assert_eq!(titles[3..], (4..=10).map(|n| format!("Paywall {n}")).collect::<Vec<_>>()[..]);
    let sent = env.control.journal().await;
    let pages: Vec<(String, u64, bool)> = sent
        .iter()
        .map(|e| (e["query"].as_str().unwrap_or_default().to_owned(), e["status"].as_u64().unwrap(), e["fault"].as_bool().unwrap()))
        .collect();
    assert_eq!(pages.len(), 5, "{pages:?}");
    assert_eq!((pages[1].1, pages[1].2), (429, true));
    assert_eq!(pages[1].0, pages[2].0, "the same page is asked again");
    assert!(pages[2].0.contains("page=2") && pages[4].0.contains("page=4"), "{pages:?}");

    // A 429 beyond the retries ends the walk with the error.
    let strict = Client::new(env.config().max_retries(0).build().unwrap()).unwrap();
    env.control
        .fault(json!({ "method": "GET", "path_prefix": "/api/v2/server-side-api/paywalls", "status": 429, "retry_after": "1" }))
        .await;
    let err = strict.paywalls().list_all(3).try_collect::<Vec<_>>().await.unwrap_err();
    assert_eq!(err.api().unwrap().kind(), ApiErrorKind::RateLimit);
    assert_eq!(err.api().unwrap().retry_after, Some(Duration::from_secs(1)));
}

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
