//! Webhooks, delivered as Adapty delivers them.
//!
//! The integration is configured like the dashboard's (`webhook_url`, `webhook_authorization` and
//! the sandbox pair, in `POST /__emulator/config` or the `--webhook-url` and
//! `--webhook-authorization` flags); setting a URL sends the verification request (`{}`). The API's
//! state changes produce events as Adapty's event flows describe (set transaction: started,
//! renewed, trial started and converted, refunds, renewal cancelled and reactivated, billing
//! issues and grace periods, non-subscription purchases; grant and revoke; and
//! `access_level_updated` on every change of an access level), in Adapty's envelope and datetime
//! format (`2024-01-31T10:00:00.000000+0000`), with a fresh `profile_event_id` each.
//!
//! Delivery: a `POST` of the JSON body with the configured `Authorization` header, after
//! `webhook_delay_seconds` (production's 5-60 s, 0 by default); an answer in 200-404 delivers it,
//! anything else, a connection error or no answer within `webhook_timeout_seconds` (10) is retried
//! after each of `webhook_retry_schedule_seconds` in turn (Adapty's: 1 minute, doubling, 9 times),
//! then the event fails. Every event and attempt is in the delivery log (`GET
//! /__emulator/webhooks`); `POST /__emulator/webhooks/{id}/redeliver` sends one again and `POST
//! /__emulator/webhooks/trigger` sends any event type for a profile.

use std::collections::VecDeque;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use adapty_server::{AccessLevel, OfferType, PurchaseType, Timestamp, TransactionParams};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::profiles::{Ids, find};
use crate::state::{App, Inner, StoredProfile, Tenant};

/// Most deliveries the log keeps; the oldest finished ones go first.
const LOG_CAPACITY: usize = 10_000;

/// Adapty's retry schedule: about a minute after the first failure, doubling, 9 retries.
pub fn adapty_retry_schedule() -> Vec<f64> {
    (0..9).map(|n| 60.0 * f64::from(1u32 << n)).collect()
}

/// Which of the integration's endpoints a delivery goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Endpoint {
    Production,
    Sandbox,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// Not answered in 200-404 yet, with attempts left.
    Pending,
    /// Answered in 200-404.
    Delivered,
    /// No retries left.
    Failed,
}

/// One webhook request as the emulator sent (or will send) it, with every attempt.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    pub id: u64,
    /// `verification`, or the event's type as sent (its configured name, if renamed).
    pub event_type: String,
    pub profile_event_id: Option<String>,
    pub profile_id: Option<String>,
    /// Which endpoint it goes to.
    pub environment: Endpoint,
    pub url: String,
    pub created_at: String,
    pub state: DeliveryState,
    pub next_attempt_at: Option<String>,
    pub attempts: Vec<Attempt>,
    pub body: Value,
    /// The `Authorization` header it is sent with: the integration's, never shown (a snapshot
    /// restores it from the integration's settings).
    #[serde(skip)]
    authorization: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attempt {
    pub at: String,
    /// The answer's status, if one came.
    pub status: Option<u16>,
    /// Why no answer came (connection error, timeout).
    pub error: Option<String>,
    pub duration_ms: u64,
}

/// The delivery log.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Log {
    deliveries: VecDeque<Delivery>,
    next_id: u64,
}

impl Log {
    pub fn len(&self) -> usize {
        self.deliveries.len()
    }

    fn get_mut(&mut self, id: u64) -> Option<&mut Delivery> {
        self.deliveries.iter_mut().find(|d| d.id == id)
    }

    fn push(&mut self, mut delivery: Delivery) -> u64 {
        self.next_id += 1;
        delivery.id = self.next_id;
        if self.deliveries.len() >= LOG_CAPACITY {
            let finished = self.deliveries.iter().position(|d| d.state != DeliveryState::Pending).unwrap_or(0);
            self.deliveries.remove(finished);
        }
        self.deliveries.push_back(delivery);
        self.next_id
    }
}

/// An event the API's state change produced: its type (Adapty's name) and `event_properties`.
pub struct Event {
    pub event_type: &'static str,
    pub properties: Value,
}

/// Adapty's datetime format in webhooks: six fraction digits and `+0000`.
pub fn wire_time(t: &Timestamp) -> String {
    t.0.with_timezone(&Utc).format("%Y-%m-%dT%H:%M:%S%.6f+0000").to_string()
}

fn opt_time(t: Option<Timestamp>) -> Value {
    t.map_or(Value::Null, |t| Value::String(wire_time(&t)))
}

fn is_trial(t: &TransactionParams) -> bool {
    t.offer.as_ref().is_some_and(|o| o.offer_type == OfferType::FreeTrial)
}

/// What a set transaction produced at `now`, from the profile before and after it (Adapty's
/// event flows).
pub fn transaction_events(before: &StoredProfile, after: &StoredProfile, t: &TransactionParams, usd: f64, now: Timestamp) -> Vec<Event> {
    let mut types = Vec::new();
    let refunded = t.refunded_at.is_some();
    match t.purchase_type {
        PurchaseType::OneTimePurchase => {
            let old = before.non_subscriptions.iter().find(|n| n.store_transaction_id.as_ref() == Some(&t.store_transaction_id));
            if old.is_none() {
                types.push("non_subscription_purchase");
            }
            if refunded && !before.refunded.contains(&t.store_transaction_id) {
                types.push("non_subscription_purchase_refunded");
            }
        }
        PurchaseType::Subscription => {
            let trial = is_trial(t);
            let chain = |p: &StoredProfile| {
                p.subscriptions.iter().find(|s| s.store_original_transaction_id.as_ref() == Some(&t.store_original_transaction_id)).cloned()
            };
            let was_trial = |s: &adapty_server::Subscription| s.offer.as_ref().is_some_and(|o| o.offer_type == OfferType::FreeTrial);
            match chain(before) {
                None => types.push(if trial { "trial_started" } else { "subscription_started" }),
                Some(old) if old.store_transaction_id.as_ref() != Some(&t.store_transaction_id) => {
                    types.push(if was_trial(&old) && !trial { "trial_converted" } else { "subscription_renewed" });
                }
                Some(old) => {
                    let prefix = if trial { "trial" } else { "subscription" };
                    let new = chain(after);
                    let cancelled = new.as_ref().and_then(|s| s.renewal_cancelled_at);
                    if cancelled.is_some() && old.renewal_cancelled_at.is_none() {
                        types.push(if trial { "trial_renewal_cancelled" } else { "subscription_renewal_cancelled" });
                    } else if cancelled.is_none() && old.renewal_cancelled_at.is_some() {
                        types.push(if trial { "trial_renewal_reactivated" } else { "subscription_renewal_reactivated" });
                    }
                    if t.billing_issue_detected_at.is_some() && old.billing_issue_detected_at.is_none() {
                        types.push("billing_issue_detected");
                        if new.as_ref().is_some_and(|s| s.is_in_grace_period) {
                            types.push("entered_grace_period");
                        }
                    }
                    let expired = |s: &adapty_server::Subscription| s.expires_at.is_some_and(|e| e <= now);
                    if !refunded && new.as_ref().is_some_and(expired) && !expired(&old) {
                        types.push(if prefix == "trial" { "trial_expired" } else { "subscription_expired" });
                    }
                }
            }
            if refunded && !before.refunded.contains(&t.store_transaction_id) {
                types.push("subscription_refunded");
            }
        }
    }
    types.into_iter().map(|event_type| Event { event_type, properties: transaction_properties(after, t, usd, event_type, now) }).collect()
}

/// `event_properties` of a transaction event at `now`.
pub fn transaction_properties(profile: &StoredProfile, t: &TransactionParams, usd: f64, event_type: &str, now: Timestamp) -> Value {
    let subscription = t.purchase_type == PurchaseType::Subscription;
    // The subscription's paid transactions so far.
    let payments = match profile.chains.get(&t.store_original_transaction_id) {
        Some(chain) if subscription => {
            chain.iter().filter(|c| c.price.value > 0.0 && !profile.refunded.contains(&c.store_transaction_id)).count()
        }
        _ => 1,
    };
    // The stores' usual cut; no tax.
    let (proceeds_local, proceeds_usd) = (t.price.value * 0.7, usd * 0.7);
    json!({
        "profile_event_id": Uuid::new_v4().to_string(),
        "profile_id": profile.profile_id.to_string(),
        "store": t.store,
        "environment": t.environment.as_ref().map_or("Production", |e| e.as_str()),
        "vendor_product_id": t.store_product_id,
        "transaction_id": t.store_transaction_id,
        "original_transaction_id": t.store_original_transaction_id,
        "purchase_date": wire_time(&t.purchased_at),
        "original_purchase_date": wire_time(&t.originally_purchased_at.unwrap_or(t.purchased_at)),
        "subscription_expires_at": if subscription { opt_time(t.refunded_at.or(t.expires_at)) } else { Value::Null },
        "event_datetime": wire_time(&now),
        "currency": t.price.currency,
        "price_local": t.price.value,
        "price_usd": usd,
        "proceeds_local": proceeds_local,
        "proceeds_usd": proceeds_usd,
        "net_revenue_local": proceeds_local,
        "net_revenue_usd": proceeds_usd,
        "tax_amount_local": 0,
        "tax_amount_usd": 0,
        "store_country": t.price.country.as_str(),
        "profile_country": null,
        "profile_ip_address": null,
        "profile_has_access_level": has_access(profile, now),
        "profile_total_revenue_usd": total_revenue(profile),
        "consecutive_payments": payments.max(1),
        "rate_after_first_year": false,
        "cancellation_reason": if event_type.ends_with("refunded") || event_type.ends_with("expired") { json!(t.cancellation_reason) } else { Value::Null },
        "trial_duration": if is_trial(t) { json!("7 days") } else { Value::Null },
        "variation_id": t.variation_id,
        "store_offer_category": t.offer.as_ref().map(|o| o.category.as_str()),
        "store_offer_discount_type": t.offer.as_ref().map(|o| o.offer_type.as_str()),
    })
}

/// One `access_level_updated` per access level that changed, at `now`.
pub fn access_events(before: &StoredProfile, after: &StoredProfile, granted: bool, now: Timestamp) -> Vec<Event> {
    after
        .access_levels
        .iter()
        .filter(|(id, level)| before.access_levels.get(*id) != Some(level))
        .map(|(_, level)| Event { event_type: "access_level_updated", properties: access_properties(after, level, granted, now) })
        .collect()
}

/// `event_properties` of `access_level_updated`, from the access level as it is at `now`.
pub fn access_properties(profile: &StoredProfile, level: &AccessLevel, granted: bool, now: Timestamp) -> Value {
    let active = level.expires_at.is_none_or(|e| e > now) && level.starts_at.is_none_or(|s| s <= now);
    let offer_type = level.offer.as_ref().map(|o| o.offer_type.as_str());
    json!({
        "profile_event_id": Uuid::new_v4().to_string(),
        "profile_id": profile.profile_id.to_string(),
        "access_level_id": level.access_level_id,
        "is_active": active,
        "is_lifetime": level.expires_at.is_none(),
        "will_renew": level.expires_at.is_some() && level.renewal_cancelled_at.is_none() && !granted,
        "is_in_grace_period": level.is_in_grace_period,
        "is_refund": level.cancellation_reason.as_ref().is_some_and(|r| r.as_str() == "refund"),
        "starts_at": opt_time(level.starts_at),
        "activated_at": opt_time(level.purchased_at),
        "renewed_at": opt_time(level.purchased_at),
        "expires_at": opt_time(level.expires_at),
        "subscription_expires_at": opt_time(level.expires_at),
        "billing_issue_detected_at": opt_time(level.billing_issue_detected_at),
        "cancellation_reason": level.cancellation_reason.as_ref().map(|r| r.as_str()),
        "store": level.store.as_str(),
        "environment": "Production",
        // A grant is no store's purchase: Adapty names its product so.
        "vendor_product_id": if granted { "adapty_server_side_product" } else { level.store_product_id.as_str() },
        "transaction_id": level.store_transaction_id,
        "original_transaction_id": level.store_original_transaction_id,
        "purchase_date": opt_time(level.purchased_at),
        "original_purchase_date": opt_time(level.originally_purchased_at),
        "event_datetime": wire_time(&now),
        "profile_has_access_level": has_access(profile, now),
        "profile_total_revenue_usd": total_revenue(profile),
        "active_introductory_offer_type": level.offer.as_ref().filter(|o| o.category.as_str() == "introductory").map(|_| offer_type),
        "active_promotional_offer_type": level.offer.as_ref().filter(|o| o.category.as_str() == "promotional").map(|_| offer_type),
        "active_promotional_offer_id": level.offer.as_ref().filter(|o| o.category.as_str() == "promotional").and_then(|o| o.id.clone()),
    })
}

fn has_access(profile: &StoredProfile, now: Timestamp) -> bool {
    profile.access_levels.values().any(|l| l.expires_at.is_none_or(|e| e > now))
}

fn total_revenue(profile: &StoredProfile) -> f64 {
    (profile.revenue.values().sum::<f64>() * 100.0).round() / 100.0
}

/// The envelope Adapty sends around `properties` (made at `now`).
fn envelope(profile: &StoredProfile, event_type: &str, properties: Value, now: Timestamp) -> Value {
    let event_datetime = properties.get("event_datetime").cloned().unwrap_or_else(|| json!(wire_time(&now)));
    let attributes: Map<String, Value> =
        profile.custom_attributes.iter().filter_map(|a| a.value.as_ref().map(|v| (a.key.clone(), json!(v)))).collect();
    let idfv = profile.installations.values().find_map(|i| i.idfv.clone());
    json!({
        "profile_id": profile.profile_id.to_string(),
        "customer_user_id": profile.customer_user_id,
        "idfv": idfv,
        "idfa": null,
        "advertising_id": null,
        "profile_install_datetime": null,
        "user_agent": null,
        "email": profile.fields.get("email"),
        "event_type": event_type,
        "event_datetime": event_datetime,
        "event_properties": properties,
        "event_api_version": 1,
        "profiles_sharing_access_level": null,
        "attributions": {},
        "user_attributes": attributes,
        "integration_ids": if profile.integration_ids.is_empty() { Value::Null } else { Value::Object(profile.integration_ids.clone()) },
    })
}

/// Queues `events` of the profile `profile_id` for delivery, if a webhook is configured for their
/// environment (a sandbox event without a sandbox URL is not sent, as with an integration Adapty
/// has no URL for).
pub fn emit(app: &Arc<Tenant>, state: &mut Inner, profile_id: Uuid, events: Vec<Event>) {
    let Inner { profiles, catalog, webhooks, clock, .. } = state;
    let Some(profile) = profiles.get(&profile_id) else { return };
    for event in events {
        let sandbox = event.properties.get("environment").and_then(Value::as_str) == Some("Sandbox");
        let config = &catalog.config;
        let (url, authorization) = if sandbox {
            (config.sandbox_webhook_url.clone(), config.sandbox_webhook_authorization.clone())
        } else {
            (config.webhook_url.clone(), config.webhook_authorization.clone())
        };
        let Some(url) = url else { continue };
        let now = Timestamp::from(clock.now());
        let name = config.webhook_event_names.get(event.event_type).cloned().unwrap_or_else(|| event.event_type.to_owned());
        let delivery = Delivery {
            id: 0,
            event_type: name.clone(),
            profile_event_id: event.properties.get("profile_event_id").and_then(Value::as_str).map(str::to_owned),
            profile_id: Some(profile.profile_id.to_string()),
            environment: if sandbox { Endpoint::Sandbox } else { Endpoint::Production },
            url,
            created_at: now.0.to_rfc3339(),
            state: DeliveryState::Pending,
            next_attempt_at: None,
            attempts: Vec::new(),
            body: envelope(profile, &name, event.properties, now),
            authorization,
        };
        let id = webhooks.push(delivery);
        tokio::spawn(deliver(app.clone(), id, true));
    }
}

/// The client every delivery goes out with.
fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder().user_agent("Adapty-Emulator-Webhooks/1").build().unwrap_or_default()
    })
}

/// Sends delivery `id` (after the configured delay, if `delayed`), retrying on the schedule
/// until an answer in 200-404 or no retries are left. A verification request is sent once.
async fn deliver(app: Arc<Tenant>, id: u64, delayed: bool) {
    let (delay, schedule, timeout) = {
        let state = app.lock();
        let c = &state.catalog.config;
        let verification = state.webhooks.deliveries.iter().any(|d| d.id == id && d.event_type == "verification");
        let schedule = if verification { Vec::new() } else { c.webhook_retry_schedule_seconds.clone() };
        (if delayed && !verification { c.webhook_delay_seconds } else { 0.0 }, schedule, c.webhook_timeout_seconds)
    };
    tokio::time::sleep(Duration::from_secs_f64(delay.max(0.0))).await;
    for retry in 0..=schedule.len() {
        let Some((url, authorization, body)) =
            app.lock().webhooks.get_mut(id).map(|d| (d.url.clone(), d.authorization.clone(), d.body.to_string()))
        else {
            return; // the log was reset
        };
        let mut request =
            client().post(&url).header("content-type", "application/json").timeout(Duration::from_secs_f64(timeout.max(0.001))).body(body);
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let started = Instant::now();
        let result = request.send().await;
        let (status, error) = match result {
            Ok(resp) => (Some(resp.status().as_u16()), None),
            Err(e) if e.is_timeout() => (None, Some(format!("no answer within {timeout} s"))),
            Err(e) => (None, Some(format!("cannot connect: {e}"))),
        };
        let delivered = status.is_some_and(|s| (200..=404).contains(&s));
        // What to wait before the next attempt; none when this one ends the delivery.
        let wait = {
            let mut state = app.lock();
            let now = state.clock.now();
            let Some(d) = state.webhooks.get_mut(id) else { return };
            d.attempts.push(Attempt { at: now.to_rfc3339(), status, error, duration_ms: started.elapsed().as_millis() as u64 });
            let wait = schedule.get(retry).filter(|_| !delivered).map(|w| Duration::from_secs_f64(w.max(0.0)));
            d.state = match (delivered, wait) {
                (true, _) => DeliveryState::Delivered,
                (false, None) => DeliveryState::Failed,
                (false, Some(_)) => DeliveryState::Pending,
            };
            d.next_attempt_at = wait.map(|w| (now + chrono::Duration::from_std(w).unwrap_or_default()).to_rfc3339());
            wait
        };
        let Some(wait) = wait else { return };
        tokio::time::sleep(wait).await;
    }
}

/// Sends the verification request (`{}`) to `url` and logs it, as saving the integration does.
pub fn verify(app: &Arc<Tenant>, state: &mut Inner, url: String, authorization: Option<String>, sandbox: bool) {
    let delivery = Delivery {
        id: 0,
        event_type: "verification".into(),
        profile_event_id: None,
        profile_id: None,
        environment: if sandbox { Endpoint::Sandbox } else { Endpoint::Production },
        url,
        created_at: state.now().0.to_rfc3339(),
        state: DeliveryState::Pending,
        next_attempt_at: None,
        attempts: Vec::new(),
        body: json!({}),
        authorization,
    };
    let id = state.webhooks.push(delivery);
    tokio::spawn(deliver(app.clone(), id, false));
}

/// After a state is restored from a snapshot: each delivery gets its endpoint's `Authorization`
/// from the integration's settings (a snapshot never holds it), and the pending ones go out.
pub fn resume(app: &Arc<Tenant>, state: &mut Inner) {
    let config = &state.catalog.config;
    for d in &mut state.webhooks.deliveries {
        d.authorization = match d.environment {
            Endpoint::Production => config.webhook_authorization.clone(),
            Endpoint::Sandbox => config.sandbox_webhook_authorization.clone(),
        };
        if d.state == DeliveryState::Pending {
            tokio::spawn(deliver(app.clone(), d.id, false));
        }
    }
}

/// `GET /__emulator/webhooks`: the delivery log, oldest first.
pub async fn list(App(app): App) -> Json<Vec<Delivery>> {
    Json(app.lock().webhooks.deliveries.iter().cloned().collect())
}

/// `DELETE /__emulator/webhooks`: empties the log (deliveries under way stop).
pub async fn clear(App(app): App) -> StatusCode {
    app.lock().webhooks.deliveries.clear();
    StatusCode::NO_CONTENT
}

/// `POST /__emulator/webhooks/{id}/redeliver`: sends a logged event again now (same body, same
/// `profile_event_id`, as Adapty's resend does), with the retry schedule.
pub async fn redeliver(App(app): App, Path(id): Path<u64>) -> Response {
    {
        let mut state = app.lock();
        let Some(d) = state.webhooks.get_mut(id) else {
            return (StatusCode::NOT_FOUND, Json(json!({ "error": format!("no delivery {id}") }))).into_response();
        };
        d.state = DeliveryState::Pending;
    }
    tokio::spawn(deliver(app.clone(), id, false));
    StatusCode::ACCEPTED.into_response()
}

/// What `POST /__emulator/webhooks/trigger` sends.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    #[serde(default)]
    profile_id: Option<Uuid>,
    #[serde(default)]
    customer_user_id: Option<String>,
    /// Adapty's name of the type (sent under its configured name, if renamed).
    event_type: String,
    /// Properties to set over the ones the profile's latest purchase gives.
    #[serde(default)]
    properties: Map<String, Value>,
}

/// `POST /__emulator/webhooks/trigger`: sends an event of any type for an existing profile, its
/// properties from the profile's latest access level (or defaults) with `properties` over them.
/// Answers with the queued deliveries' ids.
pub async fn trigger(App(app): App, Json(t): Json<Trigger>) -> Response {
    let bad = |message: String| (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))).into_response();
    let Some(event_type) = adapty_server::WebhookEventType::ALL.iter().find(|e| e.as_str() == t.event_type) else {
        return bad(format!("{:?} is not one of Adapty's event types", t.event_type));
    };
    let mut state = app.lock();
    let Some(id) = find(&state, &Ids { profile_id: t.profile_id, customer_user_id: t.customer_user_id }) else {
        return (StatusCode::NOT_FOUND, Json(json!({ "error": "no such profile" }))).into_response();
    };
    let Some(profile) = state.profiles.get(&id).cloned() else { return bad("no such profile".into()) };
    let latest = profile.access_levels.values().max_by_key(|l| l.purchased_at).cloned();
    let now = state.now();
    let mut properties = match &latest {
        Some(level) => access_properties(&profile, level, false, now),
        None => json!({
            "profile_event_id": Uuid::new_v4().to_string(),
            "profile_id": profile.profile_id.to_string(),
            "environment": "Production",
            "event_datetime": wire_time(&now),
            "profile_has_access_level": has_access(&profile, now),
            "profile_total_revenue_usd": total_revenue(&profile),
        }),
    };
    if let Value::Object(map) = &mut properties {
        map.extend(t.properties);
    }
    let before = state.webhooks.next_id;
    emit(&app, &mut state, profile.profile_id, vec![Event { event_type: event_type.as_str(), properties }]);
    let queued: Vec<u64> = (before + 1..=state.webhooks.next_id).collect();
    if queued.is_empty() {
        return bad("no webhook URL is configured for this event's environment".into());
    }
    (StatusCode::ACCEPTED, Json(json!({ "deliveries": queued }))).into_response()
}
