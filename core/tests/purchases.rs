//! Purchases through the async client against the emulator: transactions and what they do to the
//! profile, Stripe and Paddle imports. (The rules between a transaction's fields: `transaction_rules.rs`.)

mod common;

use adapty_server::{CancellationReason, PaddleValidationParams, StripeValidationParams};
use chrono::Utc;
use common::{Env, api, at, cuid, one_time, subscription, tx, validation};
use serde_json::{Value, json};

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
