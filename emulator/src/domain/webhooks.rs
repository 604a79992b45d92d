//! Webhooks, delivered as Adapty delivers them.
//!
//! The integration is configured like the dashboard's (`webhook_url`, `webhook_authorization` and
//! the sandbox pair, in `POST /__emulator/config` or the `--webhook-url` and
//! `--webhook-authorization` flags); saving an endpoint sends the verification request (`{}`).
//! The events of `domain/webhook_events` go out as a `POST` of the JSON body with the
//! configured `Authorization` header, after `webhook_delay_seconds` (production's 5-60 s, 0 by
//! default); an answer in 200-404 delivers it, anything else, a connection error or no answer
//! within `webhook_timeout_seconds` (10) is retried after each of
//! `webhook_retry_schedule_seconds` in turn (Adapty's: 1 minute, doubling, 9 times), then the
//! event fails. Every event and attempt is in the delivery log (`state/webhooks`).

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use adapty_server::Timestamp;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::domain::profiles::{self, Ids};
use crate::domain::webhook_events::{Event, access_properties, envelope, has_access, wire_time};
use crate::state::app::Inner;
use crate::state::tenants::Tenant;
use crate::state::webhooks::{Attempt, Delivery, DeliveryState, Endpoint};

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

/// Sends a logged delivery again now (same body, same `profile_event_id`, as Adapty's resend
/// does), with the retry schedule; `false` when the log has no delivery `id`.
pub fn redeliver(app: &Arc<Tenant>, id: u64) -> bool {
    {
        let mut state = app.lock();
        let Some(d) = state.webhooks.get_mut(id) else { return false };
        d.state = DeliveryState::Pending;
    }
    tokio::spawn(deliver(app.clone(), id, false));
    true
}

/// An event of any type to send for a profile (`POST /__emulator/webhooks/trigger`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "WebhookTrigger")]
pub struct Trigger {
    /// The profile, by Adapty's id (or `customer_user_id`).
    #[serde(default)]
    profile_id: Option<Uuid>,
    /// The profile, by your id (or `profile_id`).
    #[serde(default)]
    customer_user_id: Option<String>,
    /// Adapty's name of the type (sent under its configured name, if renamed).
    event_type: String,
    /// Properties to set over the ones the profile's latest access level gives.
    #[serde(default)]
    properties: Map<String, Value>,
}

/// Why a trigger sent nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriggerError {
    UnknownEventType(String),
    ProfileNotFound,
    /// No webhook URL is configured for the event's environment.
    NoEndpoint,
}

/// Sends an event of any type for an existing profile, its properties from the profile's latest
/// access level (or defaults) with the trigger's over them; returns the queued deliveries' ids.
pub fn trigger(app: &Arc<Tenant>, t: Trigger) -> Result<Vec<u64>, TriggerError> {
    let Some(event_type) = adapty_server::WebhookEventType::ALL.iter().find(|e| e.as_str() == t.event_type) else {
        return Err(TriggerError::UnknownEventType(t.event_type));
    };
    let mut state = app.lock();
    let ids = Ids { profile_id: t.profile_id, customer_user_id: t.customer_user_id };
    let profile = profiles::get(&state, &ids).map_err(|_| TriggerError::ProfileNotFound)?.clone();
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
            "profile_total_revenue_usd": profile.total_revenue_usd(),
        }),
    };
    if let Value::Object(map) = &mut properties {
        map.extend(t.properties);
    }
    let before = state.webhooks.next_id;
    emit(app, &mut state, profile.profile_id, vec![Event { event_type: event_type.as_str(), properties }]);
    let queued: Vec<u64> = (before + 1..=state.webhooks.next_id).collect();
    if queued.is_empty() {
        return Err(TriggerError::NoEndpoint);
    }
    Ok(queued)
}
