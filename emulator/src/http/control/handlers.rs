//! The control plane's handlers: each reads its request, calls the domain (or reads the state)
//! for the app it addresses, and answers in the control plane's JSON (`{"error": "..."}` when the
//! request is wrong).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::domain::clock::{self, ClockView, Move};
use crate::domain::setup::{self, PaywallSeed, Seed};
use crate::domain::webhooks::{self, Trigger, TriggerError};
use crate::domain::{chaos, tenants};
use crate::http::control::bodies::{ClockMoved, Faults, Health, Inspection, ListQuery, PaywallCount, Seeded, Tenants, Triggered};
use crate::http::errors;
use crate::http::tenant::App;
use crate::state::catalog::Config;
use crate::state::chaos::Chaos;
use crate::state::journal::{Fault, JournalEntry};
use crate::state::snapshot;
use crate::state::tenants::AppState;
use crate::state::webhooks::Delivery;

fn bad_request(message: &str) -> Response {
    errors::control(StatusCode::BAD_REQUEST, message)
}

pub async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Every app, the default one first, by id (never by key: an `x-emulator-tenant: ID` header
/// addresses one), with its key's last characters and sizes.
pub async fn tenants(State(all): State<Arc<AppState>>) -> Json<Tenants> {
    Json(Tenants { tenant_per_key: all.settings.tenant_per_key, tenants: tenants::summaries(&all) })
}

pub async fn reset(App(app): App) -> StatusCode {
    tenants::reset(&app);
    StatusCode::NO_CONTENT
}

pub async fn export_snapshot(App(app): App) -> Response {
    let text = snapshot::to_json(&app.lock());
    ([(header::CONTENT_TYPE, "application/json")], text).into_response()
}

pub async fn import_snapshot(App(app): App, body: Bytes) -> Response {
    match tenants::restore(&app, &body) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(message) => bad_request(&message),
    }
}

pub async fn get_clock(App(app): App) -> Json<ClockView> {
    Json(ClockView::of(&app.lock().clock))
}

pub async fn move_clock(App(app): App, body: Bytes) -> Response {
    let m: Move = match serde_json::from_slice(&body) {
        Ok(m) => m,
        Err(e) => {
            return bad_request(&format!("expected {{\"advance_seconds\": N}}, {{\"now\": \"<ISO 8601>\"}} or {{\"freeze\": bool}}: {e}"));
        }
    };
    match clock::apply(&app, m) {
        Ok((clock, happened)) => Json(ClockMoved { clock, happened }).into_response(),
        Err(message) => bad_request(&message),
    }
}

/// The requests received, oldest first (`?limit=N`: the latest N).
pub async fn list_journal(App(app): App, Query(q): Query<ListQuery>) -> Json<Vec<JournalEntry>> {
    let state = app.lock();
    let skip = q.limit.map_or(0, |n| state.journal.len().saturating_sub(n));
    Json(state.journal.iter().skip(skip).cloned().collect())
}

pub async fn clear_journal(App(app): App) -> StatusCode {
    app.lock().journal.clear();
    StatusCode::NO_CONTENT
}

/// Adds one fault (an object) or several (a list).
pub async fn add_faults(App(app): App, Json(body): Json<Value>) -> Response {
    // Read as the one shape the body has, so an error names what is wrong in it.
    let faults = match body {
        Value::Array(_) => serde_json::from_value(body).map(Faults::Many),
        other => serde_json::from_value(other).map(Faults::One),
    };
    match faults {
        Ok(Faults::Many(f)) => app.lock().faults.extend(f),
        Ok(Faults::One(f)) => app.lock().faults.push(f),
        Err(e) => return bad_request(&e.to_string()),
    }
    StatusCode::NO_CONTENT.into_response()
}

/// The faults with requests left to meet.
pub async fn list_faults(App(app): App) -> Json<Vec<Fault>> {
    Json(app.lock().faults.iter().filter(|f| f.times > 0).cloned().collect())
}

pub async fn clear_faults(App(app): App) -> StatusCode {
    app.lock().faults.clear();
    StatusCode::NO_CONTENT
}

pub async fn set_chaos(App(app): App, Json(body): Json<Value>) -> Response {
    match serde_json::from_value(body).map_err(|e| e.to_string()).and_then(chaos::start) {
        Ok(c) => {
            app.lock().chaos = Some(c);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => bad_request(&e),
    }
}

pub async fn get_chaos(App(app): App) -> Json<Option<Chaos>> {
    Json(app.lock().chaos.clone())
}

pub async fn clear_chaos(App(app): App) -> StatusCode {
    app.lock().chaos = None;
    StatusCode::NO_CONTENT
}

pub async fn seed_profiles(App(app): App, Json(seed): Json<Seed>) -> Response {
    match setup::seed_profiles(&app, seed) {
        Ok(profile_ids) => Json(Seeded { profile_ids }).into_response(),
        Err(e) => bad_request(&e.to_string()),
    }
}

pub async fn list_profiles(App(app): App, Query(q): Query<ListQuery>) -> Json<setup::ProfileList> {
    Json(setup::list_profiles(&app, q.search.as_deref(), q.limit))
}

pub async fn inspect_profile(App(app): App, Path(id): Path<String>) -> Response {
    match setup::inspect(&app, &id) {
        Some((profile, stored)) => Json(Inspection {
            profile: serde_json::to_value(profile).unwrap_or_default(),
            stored: serde_json::to_value(stored).unwrap_or_default(),
        })
        .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub async fn get_config(App(app): App) -> Json<Config> {
    Json(app.lock().catalog.config.clone())
}

pub async fn set_config(App(app): App, Json(patch): Json<Value>) -> Response {
    match setup::configure(&app, patch) {
        Ok(config) => Json(config).into_response(),
        Err(message) => bad_request(&message),
    }
}

pub async fn seed_paywalls(App(app): App, Json(seed): Json<PaywallSeed>) -> Response {
    match setup::seed_paywalls(&app, &seed) {
        Ok(count) => Json(PaywallCount { count }).into_response(),
        Err(e) => bad_request(&e.to_string()),
    }
}

/// The delivery log, oldest first.
pub async fn list_webhooks(App(app): App) -> Json<Vec<Delivery>> {
    Json(app.lock().webhooks.deliveries.iter().cloned().collect())
}

/// Empties the log (deliveries under way stop).
pub async fn clear_webhooks(App(app): App) -> StatusCode {
    app.lock().webhooks.deliveries.clear();
    StatusCode::NO_CONTENT
}

pub async fn redeliver_webhook(App(app): App, Path(id): Path<u64>) -> Response {
    if webhooks::redeliver(&app, id) {
        StatusCode::ACCEPTED.into_response()
    } else {
        errors::control(StatusCode::NOT_FOUND, &format!("no delivery {id}"))
    }
}

pub async fn trigger_webhook(App(app): App, Json(t): Json<Trigger>) -> Response {
    match webhooks::trigger(&app, t) {
        Ok(deliveries) => (StatusCode::ACCEPTED, Json(Triggered { deliveries })).into_response(),
        Err(TriggerError::UnknownEventType(name)) => bad_request(&format!("{name:?} is not one of Adapty's event types")),
        Err(TriggerError::ProfileNotFound) => errors::control(StatusCode::NOT_FOUND, "no such profile"),
        Err(TriggerError::NoEndpoint) => bad_request("no webhook URL is configured for this event's environment"),
    }
}
