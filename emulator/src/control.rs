//! The control plane under `/__emulator/` and the layer in front of the API that keeps the
//! journal, injects faults and adds a `Request-Id` to every answer.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use adapty_server::PaywallState;

use crate::catalog::{Config, make_paywall};
use crate::state::{App, AppState, Fault, Inner, JOURNAL_CAPACITY, JournalEntry, StoredProfile};
use crate::{chaos, errors};

/// Largest request body the emulator reads.
const BODY_LIMIT: usize = 1 << 20;

/// Records the request, applies a matching fault (or one chaos draws), and stamps `Request-Id`.
pub async fn intercept(App(app): App, req: Request, next: Next) -> Response {
    let request_id = Uuid::new_v4().simple().to_string();
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, BODY_LIMIT).await.unwrap_or_default();
    let method = parts.method.to_string();
    let path = parts.uri.path().to_owned();
    let (planned, received_at) = {
        let mut state = app.lock();
        let received_at = state.clock.now().to_rfc3339();
        let fault = state.faults.iter_mut().find(|f| f.matches(&method, &path, &parts.headers)).map(|f| {
            f.times -= 1;
            f.clone()
        });
        (fault.or_else(|| state.chaos.as_mut().and_then(|c| Some(chaos_fault(c.draw(&path)?, &c.settings)))), received_at)
    };
    let mut entry = JournalEntry {
        request_id: request_id.clone(),
        received_at,
        method,
        path,
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                let value = if k == "authorization" { "<redacted>".to_owned() } else { String::from_utf8_lossy(v.as_bytes()).into_owned() };
                (k.as_str().to_owned(), value)
            })
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
        status: 0,
        fault: planned.is_some(),
    };
    let req = Request::from_parts(parts, Body::from(body));
    let mut resp = match planned {
        None => next.run(req).await,
        Some(fault) => apply_fault(fault, req, next).await,
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("request-id", v);
    }
    entry.status = resp.status().as_u16();
    let mut state = app.lock();
    if state.journal.len() >= JOURNAL_CAPACITY {
        state.journal.pop_front();
    }
    state.journal.push_back(entry);
    resp
}

/// Waits the fault's delay, handles the request unless the fault answers instead (or handles it
/// first when it is `apply`), and gives the fault's answer. The handling runs on its own task, to
/// the end even when the client gives up waiting, as on a real server.
async fn apply_fault(f: Fault, req: Request, next: Next) -> Response {
    let answer = fault_response(&f);
    let handle = answer.is_none() || f.apply;
    if !handle && f.delay_ms.is_none() {
        return answer.unwrap_or_default();
    }
    let handled = tokio::spawn(async move {
        if let Some(ms) = f.delay_ms {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        let response = if handle { Some(next.run(req).await) } else { None };
        answer.or(response)
    });
    handled.await.ok().flatten().unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// The fault a chaos kind stands for.
fn chaos_fault(kind: chaos::Kind, settings: &chaos::Settings) -> Fault {
    use chaos::Kind;
    let status = |code| Fault { status: Some(code), ..Fault::default() };
    match kind {
        Kind::Status500 => status(500),
        Kind::Status503 => status(503),
        Kind::Status429 => Fault { retry_after: Some(settings.retry_after.clone()), ..status(429) },
        Kind::Dropped => Fault { drop_connection: true, ..Fault::default() },
        Kind::Slow => Fault { delay_ms: Some(settings.slow_ms), ..Fault::default() },
        Kind::AppliedThen500 => Fault { apply: true, ..status(500) },
        Kind::AppliedThenDropped => Fault { apply: true, drop_connection: true, ..Fault::default() },
    }
}

/// The answer a fault gives instead of the API, if it gives one.
fn fault_response(f: &Fault) -> Option<Response> {
    if f.drop_connection {
        let broken = futures_util::stream::once(async { Err::<Bytes, _>(std::io::Error::other("connection dropped by fault injection")) });
        return Some(Response::new(Body::from_stream(broken)));
    }
    let status = StatusCode::from_u16(f.status?).ok()?;
    let body = match &f.body {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => json!({ "errors": [{ "source": null, "errors": ["Injected fault"] }], "error_code": "injected_fault", "status_code": status.as_u16() }).to_string(),
    };
    let mut resp = (status, [("content-type", "application/json")], body).into_response();
    if let Some(v) = f.retry_after.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
        resp.headers_mut().insert("retry-after", v);
    }
    Some(resp)
}

pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /__emulator/tenants`: every app, the default one first, by id (never by key: an
/// `x-emulator-tenant: ID` header addresses one), with its key's last characters and sizes.
pub async fn tenants(State(all): State<Arc<AppState>>) -> Json<Value> {
    let tenants: Vec<Value> = all
        .tenants()
        .iter()
        .map(|t| {
            let state = t.lock();
            json!({
                "id": t.id,
                "key_hint": t.key_hint,
                "profiles": state.profiles.len(),
                "requests": state.journal.len(),
                "webhooks": state.webhooks.len(),
            })
        })
        .collect();
    Json(json!({ "tenant_per_key": all.settings.tenant_per_key, "tenants": tenants }))
}

/// Forgets every profile, journal entry and fault, and restores the default catalog.
pub async fn reset(App(app): App) -> StatusCode {
    *app.lock() = Inner::new(&app.settings);
    StatusCode::NO_CONTENT
}

pub async fn get_config(App(app): App) -> Json<Config> {
    Json(app.lock().catalog.config.clone())
}

/// Changes the keys given (`access_levels`, `products`, `currencies`, `vc_enabled`,
/// `vc_rate_limit_per_minute`, `vc_processing_delay_ms`, and the `webhook_*` settings of
/// `crate::webhooks`); returns the whole config. A webhook URL set (or changed) gets the
/// verification request, as saving the integration does.
pub async fn set_config(App(app): App, Json(patch): Json<Value>) -> Response {
    let mut state = app.lock();
    let mut merged = serde_json::to_value(&state.catalog.config).unwrap_or_default();
    // Saving an endpoint (its URL or its header) sends the verification request, as in the dashboard.
    let saves = |prefix: &str| ["webhook_url", "webhook_authorization"].iter().any(|k| patch.get(format!("{prefix}{k}")).is_some());
    let (save_production, save_sandbox) = (saves(""), saves("sandbox_"));
    match (&mut merged, patch) {
        (Value::Object(m), Value::Object(p)) => m.extend(p),
        _ => return (StatusCode::BAD_REQUEST, Json(json!({ "error": "expected an object" }))).into_response(),
    }
    match serde_json::from_value::<Config>(merged) {
        Ok(config) => {
            state.catalog.config = config.clone();
            let endpoints = [
                (save_production, &config.webhook_url, &config.webhook_authorization, false),
                (save_sandbox, &config.sandbox_webhook_url, &config.sandbox_webhook_authorization, true),
            ];
            for (saved, url, authorization, sandbox) in endpoints {
                if let (true, Some(url)) = (saved, url) {
                    crate::webhooks::verify(&app, &mut state, url.clone(), authorization.clone(), sandbox);
                }
            }
            Json(config).into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, Json(json!({ "error": e.to_string() }))).into_response(),
    }
}

/// What to seed: `count` generated paywalls appended, or with `replace` the only ones.
#[derive(Deserialize)]
pub struct PaywallSeed {
    #[serde(default)]
    count: u32,
    #[serde(default)]
    replace: bool,
}

/// Most profiles one seed request generates, and most paywalls the catalog holds: a count past
/// it is refused, not left to exhaust memory (or, for paywalls, overflow their numbers, which
/// panicked: found by fuzzing).
const MAX_SEED: usize = 1_000_000;

fn too_many(what: &str) -> Response {
    errors::control(StatusCode::BAD_REQUEST, &format!("at most {MAX_SEED} {what}"))
}

/// Adds generated paywalls (for pagination tests); returns the total count.
pub async fn seed_paywalls(App(app): App, Json(seed): Json<PaywallSeed>) -> Response {
    let mut state = app.lock();
    let kept = if seed.replace { 0 } else { state.catalog.paywalls.len() };
    let total = kept + seed.count as usize;
    if total > MAX_SEED {
        return too_many("paywalls");
    }
    state.catalog.paywalls.truncate(kept);
    for n in kept as u32 + 1..=total as u32 {
        let paywall = make_paywall(n, &format!("Paywall {n}"), PaywallState::Live, None);
        state.catalog.paywalls.push(paywall);
    }
    Json(json!({ "count": state.catalog.paywalls.len() })).into_response()
}

/// What `GET /__emulator/journal` and `GET /__emulator/profiles` take: at most `limit` items
/// (the journal's latest; the first profiles), profiles whose ids contain `search`.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    limit: Option<usize>,
    #[serde(default)]
    search: Option<String>,
}

/// The requests received, oldest first (`?limit=N`: the latest N).
pub async fn journal(App(app): App, Query(q): Query<ListQuery>) -> Json<Vec<JournalEntry>> {
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
    let faults: Result<Vec<Fault>, _> = match body {
        Value::Array(_) => serde_json::from_value(body),
        other => serde_json::from_value(other).map(|f| vec![f]),
    };
    match faults {
        Ok(f) => {
            app.lock().faults.extend(f);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, Json(json!({ "error": e.to_string() }))).into_response(),
    }
}

/// Turns chaos on (or changes it); see `chaos::Settings`.
pub async fn set_chaos(App(app): App, Json(body): Json<Value>) -> Response {
    match serde_json::from_value(body).map_err(|e| e.to_string()).and_then(chaos::Chaos::new) {
        Ok(c) => {
            app.lock().chaos = Some(c);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, Json(json!({ "error": e }))).into_response(),
    }
}

/// Chaos's settings and what it has done (`requests`, `injected` by kind); `null` when off.
pub async fn get_chaos(App(app): App) -> Json<Option<chaos::Chaos>> {
    Json(app.lock().chaos.clone())
}

pub async fn clear_chaos(App(app): App) -> StatusCode {
    app.lock().chaos = None;
    StatusCode::NO_CONTENT
}

pub async fn list_faults(App(app): App) -> Json<Vec<Fault>> {
    Json(app.lock().faults.iter().filter(|f| f.times > 0).cloned().collect())
}

pub async fn clear_faults(App(app): App) -> StatusCode {
    app.lock().faults.clear();
    StatusCode::NO_CONTENT
}

/// Every stored profile's ids (`{"profiles": [{"profile_id", "customer_user_id"}], "total"}`, by
/// customer user id), so a test can check many outcomes at once; `?search=` and `?limit=` narrow
/// it (the web UI's search).
pub async fn list_profiles(App(app): App, Query(q): Query<ListQuery>) -> Json<Value> {
    let state = app.lock();
    let needle = q.search.as_deref().unwrap_or_default().to_lowercase();
    let matches = |c: &Option<String>, p: &Uuid| {
        needle.is_empty() || p.to_string().contains(&needle) || c.as_deref().is_some_and(|c| c.to_lowercase().contains(&needle))
    };
    let mut ids: Vec<_> = state
        .profiles
        .values()
        .filter(|p| matches(&p.customer_user_id, &p.profile_id))
        .map(|p| (p.customer_user_id.clone(), p.profile_id))
        .collect();
    ids.sort();
    let total = ids.len();
    let profiles: Vec<_> =
        ids.into_iter().take(q.limit.unwrap_or(usize::MAX)).map(|(c, p)| json!({ "profile_id": p, "customer_user_id": c })).collect();
    Json(json!({ "profiles": profiles, "total": total }))
}

/// Everything the emulator keeps about one profile (more than the API returns), by profile id
/// or customer user id.
pub async fn inspect_profile(App(app): App, Path(id): Path<String>) -> Response {
    let state = app.lock();
    let found = Uuid::parse_str(&id)
        .ok()
        .and_then(|u| state.profiles.get(&u))
        .or_else(|| state.by_customer_user_id.get(&id).and_then(|u| state.profiles.get(u)));
    match found {
        Some(p) => Json(json!({ "profile": p.to_api(app.settings.app_id, state.now()), "stored": p })).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// What to seed: `count` generated profiles, and/or the listed ones.
#[derive(Deserialize)]
pub struct Seed {
    #[serde(default)]
    count: usize,
    /// Generated profiles get customer user ids `{prefix}{n}`; without a prefix they are anonymous.
    #[serde(default)]
    customer_user_id_prefix: Option<String>,
    #[serde(default)]
    profiles: Vec<SeedProfile>,
}

#[derive(Deserialize)]
pub struct SeedProfile {
    #[serde(default)]
    profile_id: Option<Uuid>,
    #[serde(default)]
    customer_user_id: Option<String>,
    /// Access levels the profile has for life, as a grant gives them (e.g. `["premium"]`).
    #[serde(default)]
    access_levels: Vec<String>,
    /// Virtual currency balances by currency code.
    #[serde(default)]
    balances: BTreeMap<String, i64>,
}

/// Creates empty profiles at once (for test setup and benchmarks); returns their ids in order.
/// A listed profile replaces any profile with the same ids.
pub async fn seed_profiles(App(app): App, Json(seed): Json<Seed>) -> Response {
    if seed.count > MAX_SEED {
        return too_many("generated profiles");
    }
    let generated = (0..seed.count).map(|n| SeedProfile {
        profile_id: None,
        customer_user_id: seed.customer_user_id_prefix.as_ref().map(|p| format!("{p}{n}")),
        access_levels: Vec::new(),
        balances: BTreeMap::new(),
    });
    let mut state = app.lock();
    let now = state.now();
    let mut ids = Vec::new();
    for p in generated.chain(seed.profiles) {
        let id = p.profile_id.unwrap_or_else(Uuid::new_v4);
        if let Some(c) = &p.customer_user_id {
            if let Some(old) = state.by_customer_user_id.insert(c.clone(), id) {
                state.profiles.remove(&old);
            }
        }
        let mut new = StoredProfile::new(id, p.customer_user_id);
        for level in &p.access_levels {
            new.access_levels.insert(level.clone(), crate::purchases::granted(level, None, None, now));
        }
        new.balances = p.balances;
        if let Some(old) = state.profiles.insert(id, new.clone()) {
            // The replaced profile's customer user id no longer names anything.
            if let Some(c) = old.customer_user_id.filter(|c| *c != new.customer_user_id.clone().unwrap_or_default()) {
                state.by_customer_user_id.remove(&c);
            }
        }
        ids.push(id.to_string());
    }
    Json(json!({ "profile_ids": ids })).into_response()
}
