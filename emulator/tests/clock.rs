//! The virtual clock: moving it runs what would have happened meanwhile, in order, per Adapty's
//! event flows (renewals, expiry, trials, grace periods, dated access), with the webhooks of each.

mod common;

use adapty_server::{WebhookEventType as E, WebhookProperties};
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use common::hooks::*;
use common::{KEY, PipeJson, T};
use reqwest::Method;
use serde_json::{Value, json};

const DAY: f64 = 86_400.0;

async fn advance(t: &T, seconds: f64) -> Value {
    let (status, clock) = t.control(Method::POST, "clock", Some(json!({ "advance_seconds": seconds }))).await;
    assert_eq!(status, 200, "{clock}");
    clock
}

/// The event types `POST /__emulator/clock` reported, in order.
fn happened(clock: &Value) -> Vec<&str> {
    clock["happened"].as_array().unwrap().iter().map(|h| h["event_type"].as_str().unwrap()).collect()
}

async fn profile(t: &T, user: &str) -> Value {
    let req = t.req(Method::GET, &format!("{V2}/profile/")).header("adapty-customer-user-id", user);
    let (status, body) = t.send(req).await;
    assert_eq!(status, 200, "{body}");
    body["data"].clone()
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap().to_utc()
}

/// Records a purchase for `user` (made first).
async fn buy(t: &T, user: &str, transaction: Value) {
    create_profile(t, user).await;
    set_transaction(t, user, transaction).await;
}

/// Every event received so far, by type, once `n` have arrived.
async fn received(inbox: &Shared, n: usize) -> Vec<adapty_server::WebhookEvent> {
    until(inbox, |i| i.received.len() > n).await; // the verification request too
    events(inbox)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_monthly_subscription_renews_when_the_clock_passes_its_end() {
    let t = T::start(Some(KEY)).await;
    let (url, inbox) = endpoint().await;
    configure(&t, &url, json!({})).await;
    buy(&t, "renew-user", subscription("t1", "orig-1", json!({}))).await;
    let first_expiry = time(&profile(&t, "renew-user").await["subscriptions"][0]["expires_at"]);
    until(&inbox, |i| i.received.len() >= 3).await;
    inbox.lock().unwrap().received.clear();

    let clock = advance(&t, 31.0 * DAY).await;
    assert_eq!(happened(&clock), ["subscription_renewed", "access_level_updated"]);
    assert_eq!(clock["happened"][0]["customer_user_id"], "renew-user");
    let now = time(&clock["now"]);
    assert!((now - Utc::now() - TimeDelta::days(31)).num_seconds().abs() < 5, "the clock is 31 days ahead: {clock}");

    let p = profile(&t, "renew-user").await;
    let sub = &p["subscriptions"][0];
    assert_eq!(time(&sub["purchased_at"]), first_expiry, "the renewal starts where the last period ended");
    assert_eq!(time(&sub["expires_at"]), first_expiry.checked_add_months(chrono::Months::new(1)).unwrap(), "the catalog's P1M");
    assert_ne!(sub["store_transaction_id"], "t1");
    assert_eq!(sub["store_original_transaction_id"], "orig-1");
    assert_eq!(p["total_revenue_usd"], 19.98);
    assert_eq!(p["access_levels"][0]["expires_at"], sub["expires_at"]);
    let stamp = DateTime::from_timestamp_millis(p["timestamp"].as_i64().unwrap()).unwrap();
    assert!((stamp - now).num_seconds().abs() < 5, "answers carry the clock's time");

    let got = received(&inbox, 1).await;
    assert_eq!(types(&got), [E::AccessLevelUpdated, E::SubscriptionRenewed]);
    let renewed = got.iter().find(|e| e.event_type == E::SubscriptionRenewed).unwrap();
    let Some(WebhookProperties::Event(props)) = &renewed.properties else { panic!("{renewed:?}") };
    assert_eq!(props.transaction_id.as_ref(), sub["store_transaction_id"].as_str().map(str::to_owned).as_ref());
    assert_eq!((props.consecutive_payments, props.price_usd, props.profile_total_revenue_usd), (Some(2), Some(9.99), Some(19.98)));
    assert_eq!(renewed.event_datetime.unwrap().0.to_utc(), first_expiry.trunc_subsecs(6), "the event is dated when it happened");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_year_of_renewals_happens_in_order() {
    let t = T::start(Some(KEY)).await;
    buy(&t, "year-user", subscription("y1", "orig-y", json!({}))).await;
    let clock = advance(&t, 365.0 * DAY).await;
    let renewals: Vec<&Value> =
        clock["happened"].as_array().unwrap().iter().filter(|h| h["event_type"] == "subscription_renewed").collect();
    assert_eq!(renewals.len(), 12, "{clock}");
    let at: Vec<String> = renewals.iter().map(|h| h["at"].as_str().unwrap().to_owned()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "in order: {at:?}");
    let p = profile(&t, "year-user").await;
    assert_eq!(p["total_revenue_usd"], 129.87, "13 payments of 9.99");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_subscription_expires_and_its_access_ends() {
    let t = T::start(Some(KEY)).await;
    let (url, inbox) = endpoint().await;
    configure(&t, &url, json!({})).await;
    let now = Utc::now().to_rfc3339();
    buy(&t, "quit-user", subscription("q1", "orig-q", json!({ "renew_status": false, "renew_status_changed_at": now }))).await;
    until(&inbox, |i| i.received.len() >= 3).await;
    inbox.lock().unwrap().received.clear();

    let clock = advance(&t, 31.0 * DAY).await;
    assert_eq!(happened(&clock), ["subscription_expired", "access_level_updated"]);
    let got = received(&inbox, 1).await;
    let expired = got.iter().find(|e| e.event_type == E::SubscriptionExpired).unwrap();
    let Some(WebhookProperties::Event(props)) = &expired.properties else { panic!() };
    assert_eq!(props.cancellation_reason.as_ref().map(|r| r.as_str()), Some("voluntarily_cancelled"));
    let updated = got.iter().find(|e| e.event_type == E::AccessLevelUpdated).unwrap();
    let Some(WebhookProperties::AccessLevelUpdated(a)) = &updated.properties else { panic!() };
    assert_eq!((a.is_active, a.will_renew), (Some(false), Some(false)));
    assert_eq!(profile(&t, "quit-user").await["total_revenue_usd"], 9.99, "no renewal");

    // Time moving on finds nothing more to do.
    assert!(happened(&advance(&t, 60.0 * DAY).await).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trials_convert_at_the_catalog_price_or_expire() {
    let t = T::start(Some(KEY)).await;
    let trial = |id: &str, renew: bool| {
        let start = Utc::now();
        subscription(
            id,
            id,
            json!({
                "price": { "country": "US", "currency": "USD", "value": 0 },
                "offer": { "category": "introductory", "type": "free_trial", "id": null },
                "purchased_at": start.to_rfc3339(), "originally_purchased_at": start.to_rfc3339(),
                "expires_at": (start + TimeDelta::days(7)).to_rfc3339(), "renew_status": renew,
            }),
        )
    };
    buy(&t, "converts", trial("trial-a", true)).await;
    buy(&t, "lapses", trial("trial-b", false)).await;
    let clock = advance(&t, 8.0 * DAY).await;
    let by_user = |user: &str| -> Vec<&str> {
        clock["happened"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["customer_user_id"] == user)
            .map(|h| h["event_type"].as_str().unwrap())
            .collect()
    };
    assert_eq!(by_user("converts"), ["trial_converted", "access_level_updated"]);
    assert_eq!(by_user("lapses"), ["trial_expired", "access_level_updated"]);
    let converted = profile(&t, "converts").await;
    assert_eq!(converted["total_revenue_usd"], 9.99, "the catalog's price_usd for premium_monthly");
    assert!(converted["subscriptions"][0]["offer"].is_null(), "the paid period has no offer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grace_period_keeps_access_until_it_ends_then_expires_with_billing_error() {
    let t = T::start(Some(KEY)).await;
    let (url, inbox) = endpoint().await;
    configure(&t, &url, json!({})).await;
    let start = Utc::now() - TimeDelta::days(29);
    let expires = start + TimeDelta::days(30);
    let body = subscription(
        "g1",
        "orig-g",
        json!({
            "purchased_at": start.to_rfc3339(), "originally_purchased_at": start.to_rfc3339(), "expires_at": expires.to_rfc3339(),
            "billing_issue_detected_at": Utc::now().to_rfc3339(), "grace_period_expires_at": (expires + TimeDelta::days(6)).to_rfc3339(),
        }),
    );
    buy(&t, "grace-user", body).await;
    until(&inbox, |i| i.received.len() >= 2).await;

    assert!(happened(&advance(&t, 3.0 * DAY).await).is_empty(), "past the period's end the grace period keeps access");
    let level = &profile(&t, "grace-user").await["access_levels"][0];
    assert_eq!(level["is_in_grace_period"], true);

    inbox.lock().unwrap().received.clear();
    let clock = advance(&t, 5.0 * DAY).await;
    assert_eq!(happened(&clock), ["subscription_expired", "access_level_updated"]);
    let got = received(&inbox, 1).await;
    let expired = got.iter().find(|e| e.event_type == E::SubscriptionExpired).unwrap();
    let Some(WebhookProperties::Event(props)) = &expired.properties else { panic!() };
    assert_eq!(props.cancellation_reason.as_ref().map(|r| r.as_str()), Some("billing_error"));
    let p = profile(&t, "grace-user").await;
    assert_eq!(
        (&p["access_levels"][0]["is_in_grace_period"], &p["subscriptions"][0]["is_in_grace_period"]),
        (&json!(false), &json!(false))
    );
    assert_eq!(p["total_revenue_usd"], 9.99);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dated_grants_start_and_end_with_access_level_updated() {
    let t = T::start(Some(KEY)).await;
    create_profile(&t, "grant-user").await;
    let now = Utc::now();
    let grant = json!({
        "access_level_id": "premium",
        "starts_at": (now + TimeDelta::days(1)).to_rfc3339(),
        "expires_at": (now + TimeDelta::days(3)).to_rfc3339(),
    });
    let req = t.req(Method::POST, &format!("{V2}/purchase/profile/grant/access-level/")).header("adapty-customer-user-id", "grant-user");
    assert_eq!(t.send(req.pipe_json(&grant)).await.0, 200);
    assert_eq!(happened(&advance(&t, 2.0 * DAY).await), ["access_level_updated"], "it starts");
    assert_eq!(happened(&advance(&t, 2.0 * DAY).await), ["access_level_updated"], "it ends");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_gives_each_product_its_period() {
    let t = T::start(Some(KEY)).await;
    let products = json!({ "products": [{ "store_product_id": "weekly", "access_level_id": "premium", "period": "P1W" }] });
    assert_eq!(t.control(Method::POST, "config", Some(products)).await.0, 200);
    let start = Utc::now();
    let body = subscription(
        "w1",
        "orig-w",
        json!({ "store_product_id": "weekly", "purchased_at": start.to_rfc3339(), "expires_at": (start + TimeDelta::days(7)).to_rfc3339() }),
    );
    buy(&t, "weekly-user", body).await;
    let clock = advance(&t, 22.0 * DAY).await;
    assert_eq!(happened(&clock).iter().filter(|e| **e == "subscription_renewed").count(), 3);
    let sub = &profile(&t, "weekly-user").await["subscriptions"][0];
    assert_eq!((time(&sub["expires_at"]) - time(&sub["purchased_at"])).num_days(), 7);

    let bad = json!({ "products": [{ "store_product_id": "x", "period": "monthly" }] });
    let (status, body) = t.control(Method::POST, "config", Some(bad)).await;
    assert_eq!(status, 400);
    assert!(body.to_string().contains("P1M"), "{body}");
}

#[tokio::test]
async fn the_clock_never_goes_backwards_and_can_stand_still() {
    let t = T::start(Some(KEY)).await;
    let (_, before) = t.control(Method::GET, "clock", None).await;
    assert_eq!((&before["offset_seconds"], &before["frozen"]), (&json!(0.0), &json!(false)));

    for body in [
        json!({ "advance_seconds": -1 }),
        json!({ "now": "2001-01-01T00:00:00Z" }),
        json!({ "advance_seconds": 1, "now": "2999-01-01T00:00:00Z" }),
        json!({ "later": 1 }),
    ] {
        let (status, answer) = t.control(Method::POST, "clock", Some(body.clone())).await;
        assert_eq!(status, 400, "{body} -> {answer}");
        assert!(answer["error"].is_string());
    }

    let (status, frozen) = t.control(Method::POST, "clock", Some(json!({ "now": "2030-05-01T12:00:00Z", "freeze": true }))).await;
    assert_eq!(status, 200, "{frozen}");
    assert_eq!((&frozen["now"], &frozen["frozen"]), (&json!("2030-05-01T12:00:00.000Z"), &json!(true)));
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(t.control(Method::GET, "clock", None).await.1["now"], "2030-05-01T12:00:00.000Z", "time stands still");
    assert_eq!(advance(&t, 90.0).await["now"], "2030-05-01T12:01:30.000Z");

    // The API answers at the clock's time.
    create_profile(&t, "frozen-user").await;
    let stamp = profile(&t, "frozen-user").await["timestamp"].clone();
    assert_eq!(stamp, json!(DateTime::parse_from_rfc3339("2030-05-01T12:01:30Z").unwrap().timestamp_millis()));

    let (_, running) = t.control(Method::POST, "clock", Some(json!({ "freeze": false }))).await;
    assert_eq!(running["frozen"], false);
    assert!(running["now"].as_str().unwrap() >= "2030-05-01T12:01:30.000Z");

    // A reset starts the app over, its clock too.
    assert_eq!(t.control(Method::POST, "reset", None).await.0, 204);
    assert_eq!(t.control(Method::GET, "clock", None).await.1["offset_seconds"], 0.0);
}

#[tokio::test]
async fn the_idempotency_window_is_on_the_clock() {
    let t = T::start(Some(KEY)).await;
    let seed = json!({ "profiles": [{ "customer_user_id": "vc-user", "balances": { "COINS": 10 } }] });
    assert_eq!(t.control(Method::POST, "profiles", Some(seed)).await.0, 200);
    let spend = || {
        t.req(Method::POST, &format!("{V2}/vc/transactions/"))
            .header("adapty-customer-user-id", "vc-user")
            .header("idempotency-key", "6f1c3a52-8d4e-4b7a-9c2f-1e5d7a9b3c40")
            .pipe_json(&json!({ "items": [{ "currency_code": "COINS", "amount": -1 }] }))
    };
    let balance = |v: &Value| v["balances"][0]["balance"].clone();
    let (_, first) = t.send(spend()).await;
    let (_, replay) = t.send(spend()).await;
    assert_eq!((balance(&first), balance(&replay)), (json!(9), json!(9)), "a repeat within the hour is the same transaction");
    advance(&t, 3601.0).await;
    let (_, later) = t.send(spend()).await;
    assert_eq!(balance(&later), json!(8), "an hour later on the clock the key is forgotten");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wall_clock_time_passing_runs_at_the_next_request() {
    let t = T::start(Some(KEY)).await;
    let start = Utc::now() - TimeDelta::days(30);
    let ends = Utc::now() + TimeDelta::milliseconds(300);
    let body = subscription(
        "soon",
        "orig-soon",
        json!({ "purchased_at": start.to_rfc3339(), "originally_purchased_at": start.to_rfc3339(), "expires_at": ends.to_rfc3339() }),
    );
    buy(&t, "soon-user", body).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let sub = &profile(&t, "soon-user").await["subscriptions"][0];
    assert_eq!(time(&sub["purchased_at"]), ends, "renewed by the first request after it was due");
    assert_eq!(time(&sub["expires_at"]), ends.checked_add_months(chrono::Months::new(1)).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_move_makes_at_most_ten_thousand_events_and_the_rest_follow() {
    let t = T::start(Some(KEY)).await;
    let products = json!({ "products": [{ "store_product_id": "daily", "access_level_id": "premium", "period": "P1D" }] });
    assert_eq!(t.control(Method::POST, "config", Some(products)).await.0, 200);
    let start = Utc::now();
    let body = subscription(
        "d1",
        "orig-d",
        json!({ "store_product_id": "daily", "purchased_at": start.to_rfc3339(), "expires_at": (start + TimeDelta::days(1)).to_rfc3339() }),
    );
    buy(&t, "daily-user", body).await;
    let first = advance(&t, 15.0 * 365.0 * DAY).await;
    assert_eq!(happened(&first).len(), 10_000);
    let last = time(&first["happened"][9_999]["at"].as_str().unwrap().replace("+0000", "Z").into());
    assert!(last < start + TimeDelta::days(5475), "{last}");
    // The next request to the app runs the rest.
    let sub = &profile(&t, "daily-user").await["subscriptions"][0];
    assert_eq!(time(&sub["purchased_at"]), start + TimeDelta::days(5475), "a renewal a day for 15 years");
}

#[tokio::test]
async fn a_transaction_recorded_already_ended_does_not_renew_later() {
    let t = T::start(Some(KEY)).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let start = Utc::now() - TimeDelta::days(30);
    let ended = Utc::now() - TimeDelta::milliseconds(50);
    let body = subscription(
        "late",
        "orig-late",
        json!({ "purchased_at": start.to_rfc3339(), "originally_purchased_at": start.to_rfc3339(), "expires_at": ended.to_rfc3339() }),
    );
    buy(&t, "late-user", body).await;
    assert!(happened(&advance(&t, 40.0 * DAY).await).is_empty(), "its end was history when it was recorded");
}
