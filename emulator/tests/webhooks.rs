//! Webhook delivery: the verification request, events from the API's state changes in Adapty's
//! envelope (each body read by the SDK's `construct_event`), retries against a failing endpoint,
//! the delivery log, redelivery and triggered events.

use std::collections::VecDeque;
use std::time::Duration;

mod common;

use adapty_server::webhooks::{EventNames, construct_event};
use adapty_server::{WebhookEvent, WebhookEventType, WebhookProperties};
use common::hooks::*;
use common::{KEY, PipeJson, T};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purchase_sends_started_and_access_level_updated_as_adapty_does() {
    let t = T::start(Some(KEY)).await;
    let (url, inbox) = endpoint().await;
    configure(&t, &url, json!({})).await;
    // Saving the endpoint sends the verification request, with the header.
    until(&inbox, |i| !i.received.is_empty()).await;
    assert_eq!(inbox.lock().unwrap().received[0], (Some(SECRET.to_owned()), "{}".to_owned()));

    create_profile(&t, "hook-user").await;
    set_transaction(&t, "hook-user", subscription("t1", "o1", json!({}))).await;
    until(&inbox, |i| i.received.len() >= 3).await;
    let got = events(&inbox);
    assert_eq!(types(&got), [WebhookEventType::AccessLevelUpdated, WebhookEventType::SubscriptionStarted]);
    let started = got.iter().find(|e| e.event_type == WebhookEventType::SubscriptionStarted).unwrap();
    assert_eq!(started.customer_user_id.as_deref(), Some("hook-user"));
    let Some(WebhookProperties::Event(p)) = &started.properties else { panic!("{started:?}") };
    assert_eq!(
        (p.transaction_id.as_deref(), p.price_usd, p.vendor_product_id.as_deref()),
        (Some("t1"), Some(9.99), Some("premium_monthly"))
    );
    let updated = got.iter().find(|e| e.event_type == WebhookEventType::AccessLevelUpdated).unwrap();
    let Some(WebhookProperties::AccessLevelUpdated(a)) = &updated.properties else { panic!("{updated:?}") };
    assert_eq!((a.access_level_id.as_deref(), a.is_active, a.will_renew), (Some("premium"), Some(true), Some(true)));
    // Adapty's datetime format on the wire.
    let raw = inbox.lock().unwrap().received[1].1.clone();
    let raw: Value = serde_json::from_str(&raw).unwrap();
    assert!(raw["event_datetime"].as_str().unwrap().ends_with("+0000"), "{raw}");
    assert_eq!(raw["event_api_version"], 1);

    // Every event has its own id; the delivery log shows each as delivered.
    let ids: std::collections::BTreeSet<_> = got.iter().map(profile_event_id).collect();
    assert_eq!(ids.len(), got.len());
    let log = settled_log(&t).await;
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(log.iter().all(|d| d["state"] == "delivered"), "{log:?}");
}

fn profile_event_id(e: &WebhookEvent) -> String {
    match &e.properties {
        Some(WebhookProperties::Event(p)) => p.profile_event_id.clone(),
        Some(WebhookProperties::AccessLevelUpdated(p)) => p.profile_event_id.clone(),
        _ => None,
    }
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_subscription_lifecycle_follows_adapty_event_flows() {
    let t = T::start(Some(KEY)).await;
    let (url, inbox) = endpoint().await;
    configure(&t, &url, json!({})).await;
    create_profile(&t, "flow-user").await;
    let trial = json!({ "offer": { "category": "introductory", "type": "free_trial" }, "price": { "country": "US", "currency": "USD", "value": 0 } });
    let steps: Vec<(Value, Vec<WebhookEventType>)> = vec![
        (subscription("f1", "fo", trial.clone()), vec![WebhookEventType::AccessLevelUpdated, WebhookEventType::TrialStarted]),
        (subscription("f2", "fo", json!({})), vec![WebhookEventType::AccessLevelUpdated, WebhookEventType::TrialConverted]),
        (subscription("f3", "fo", json!({})), vec![WebhookEventType::AccessLevelUpdated, WebhookEventType::SubscriptionRenewed]),
        (
            subscription("f3", "fo", json!({ "renew_status": false })),
            vec![WebhookEventType::AccessLevelUpdated, WebhookEventType::SubscriptionRenewalCancelled],
        ),
        (
            subscription("f3", "fo", json!({ "renew_status": true })),
            vec![WebhookEventType::AccessLevelUpdated, WebhookEventType::SubscriptionRenewalReactivated],
        ),
        (
            subscription(
                "f3",
                "fo",
                json!({ "billing_issue_detected_at": chrono::Utc::now().to_rfc3339(),
                        "grace_period_expires_at": (chrono::Utc::now() + chrono::Duration::days(33)).to_rfc3339() }),
            ),
            vec![WebhookEventType::AccessLevelUpdated, WebhookEventType::BillingIssueDetected, WebhookEventType::EnteredGracePeriod],
        ),
        (
            subscription("f3", "fo", json!({ "refunded_at": chrono::Utc::now().to_rfc3339(), "cancellation_reason": "refund" })),
            vec![WebhookEventType::AccessLevelUpdated, WebhookEventType::SubscriptionRefunded],
        ),
    ];
    for (body, expected) in steps {
        inbox.lock().unwrap().received.clear();
        set_transaction(&t, "flow-user", body.clone()).await;
        let n = expected.len();
        until(&inbox, |i| i.received.len() >= n).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut expected = expected;
        expected.sort_by_key(|t| t.as_str());
        assert_eq!(types(&events(&inbox)), expected, "after {body}");
    }

    // A non-subscription purchase, then its refund (no access level: coins are consumable).
    let bought = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let coins = json!({
        "purchase_type": "one_time_purchase", "store": "play_store", "store_product_id": "coins_100",
        "store_transaction_id": "c1", "store_original_transaction_id": "c1",
        "price": { "country": "DE", "currency": "EUR", "value": 1.99 }, "purchased_at": bought,
    });
    inbox.lock().unwrap().received.clear();
    set_transaction(&t, "flow-user", coins.clone()).await;
    until(&inbox, |i| !i.received.is_empty()).await;
    let mut refund = coins;
    refund["refunded_at"] = json!(chrono::Utc::now().to_rfc3339());
    refund["cancellation_reason"] = json!("refund");
    set_transaction(&t, "flow-user", refund).await;
    until(&inbox, |i| i.received.len() >= 2).await;
    assert_eq!(types(&events(&inbox)), [WebhookEventType::NonSubscriptionPurchase, WebhookEventType::NonSubscriptionPurchaseRefunded]);

    // Grant and revoke change the access level: one access_level_updated each.
    inbox.lock().unwrap().received.clear();
    let grant = t
        .req(Method::POST, &format!("{V2}/purchase/profile/grant/access-level/"))
        .header("adapty-customer-user-id", "flow-user")
        .pipe_json(&json!({ "access_level_id": "premium" }));
    assert_eq!(t.send(grant).await.0, 200);
    until(&inbox, |i| !i.received.is_empty()).await;
    let granted = events(&inbox);
    let Some(WebhookProperties::AccessLevelUpdated(a)) = &granted[0].properties else { panic!() };
    assert_eq!((a.vendor_product_id.as_deref(), a.is_lifetime), (Some("adapty_server_side_product"), Some(true)));
    let revoke = t
        .req(Method::POST, &format!("{V2}/purchase/profile/revoke/access-level/"))
        .header("adapty-customer-user-id", "flow-user")
        .pipe_json(&json!({ "access_level_id": "premium" }));
    assert_eq!(t.send(revoke).await.0, 200);
    until(&inbox, |i| i.received.len() >= 2).await;
    let revoked = events(&inbox);
    let Some(WebhookProperties::AccessLevelUpdated(a)) = &revoked[1].properties else { panic!() };
    assert_eq!((a.is_active, a.cancellation_reason.as_ref().map(|r| r.as_str())), (Some(false), Some("adapty_revoked")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_endpoints_get_retries_on_the_schedule_and_the_log_shows_them() {
    let t = T::start(Some(KEY)).await;
    let (url, inbox) = endpoint().await;
    // The verification answer (200) first, then two failures: delivered on the third attempt.
    inbox.lock().unwrap().answers = VecDeque::from([200, 500, 503]);
    configure(&t, &url, json!({})).await;
    until(&inbox, |i| !i.received.is_empty()).await;
    create_profile(&t, "retry-user").await;
    let (status, queued) = t
        .control(Method::POST, "webhooks/trigger", Some(json!({ "customer_user_id": "retry-user", "event_type": "subscription_renewed" })))
        .await;
    assert_eq!(status, 202, "{queued}");
    until(&inbox, |i| i.received.len() >= 4).await;
    let log = settled_log(&t).await;
    let delivery = log.iter().find(|d| d["event_type"] == "subscription_renewed").unwrap();
    let statuses: Vec<_> = delivery["attempts"].as_array().unwrap().iter().map(|a| a["status"].clone()).collect();
    assert_eq!(statuses, [json!(500), json!(503), json!(200)]);
    assert_eq!(delivery["state"], "delivered");
    // Redeliveries carry the same body, so the same profile_event_id.
    let bodies: Vec<String> = inbox.lock().unwrap().received[1..].iter().map(|(_, b)| b.clone()).collect();
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));

    // 404 is delivered (Adapty retries only outside 200-404); 410 is retried until the
    // schedule runs out, then the event fails.
    inbox.lock().unwrap().received.clear();
    inbox.lock().unwrap().answers = VecDeque::from([404, 410, 410, 410]);
    for _ in 0..2 {
        let trigger =
            json!({ "customer_user_id": "retry-user", "event_type": "trial_started", "properties": { "trial_duration": "3 days" } });
        t.control(Method::POST, "webhooks/trigger", Some(trigger)).await;
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    until(&inbox, |i| i.received.len() >= 4).await;
    let log = settled_log(&t).await;
    let trials: Vec<_> = log.iter().filter(|d| d["event_type"] == "trial_started").collect();
    assert_eq!((trials[0]["state"].clone(), trials[0]["attempts"].as_array().unwrap().len()), (json!("delivered"), 1));
    assert_eq!((trials[1]["state"].clone(), trials[1]["attempts"].as_array().unwrap().len()), (json!("failed"), 3));
    assert_eq!(events(&inbox)[0].raw_type.as_deref(), Some("trial_started"));

    // A redelivery sends the logged event again.
    let id = trials[1]["id"].as_u64().unwrap();
    assert_eq!(t.control(Method::POST, &format!("webhooks/{id}/redeliver"), None).await.0, 202);
    until(&inbox, |i| i.received.len() >= 5).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_answer_in_time_is_a_failed_attempt_and_renamed_events_go_out_renamed() {
    let t = T::start(Some(KEY)).await;
    let (url, inbox) = endpoint().await;
    configure(&t, &url, json!({ "webhook_timeout_seconds": 0.2, "webhook_event_names": { "access_level_updated": "access_changed" } }))
        .await;
    until(&inbox, |i| !i.received.is_empty()).await;
    create_profile(&t, "slow-user").await;
    inbox.lock().unwrap().delay = Duration::from_millis(400);
    let grant = t
        .req(Method::POST, &format!("{V2}/purchase/profile/grant/access-level/"))
        .header("adapty-customer-user-id", "slow-user")
        .pipe_json(&json!({ "access_level_id": "premium" }));
    assert_eq!(t.send(grant).await.0, 200);
    until(&inbox, |i| i.received.len() >= 2).await;
    inbox.lock().unwrap().delay = Duration::ZERO;
    let log = settled_log(&t).await;
    let delivery = log.iter().find(|d| d["event_type"] == "access_changed").unwrap();
    let first = &delivery["attempts"][0];
    assert!(first["status"].is_null() && first["error"].as_str().unwrap().contains("no answer"), "{delivery}");
    let (auth, body) = inbox.lock().unwrap().received[1].clone();
    let names = EventNames::default().rename("access_changed", WebhookEventType::AccessLevelUpdated);
    let event = construct_event(body.as_bytes(), auth.as_deref(), SECRET, &names).unwrap();
    assert_eq!((event.event_type, event.raw_type.as_deref()), (WebhookEventType::AccessLevelUpdated, Some("access_changed")));
}
