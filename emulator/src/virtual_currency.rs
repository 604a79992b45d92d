//! Virtual currencies: atomic credit/debit transactions with `Idempotency-Key` (replayed
//! answers, 409 while the first request runs), balances that never go negative, cursor-paged
//! history, the feature switch (403) and the per-app rate limit (429).

#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use adapty_server::{IDEMPOTENCY_KEY_HEADER, MAX_VC_PAGE_LIMIT, VirtualCurrencyTransactionParams, check_idempotency_key};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::errors;
use crate::profiles::{Ids, find, header, json_body, prelude};
use crate::state::{AppState, Idempotent, Inner};

/// How long an `Idempotency-Key` is remembered.
const KEY_WINDOW: Duration = Duration::from_secs(3600);
const RATE_WINDOW: Duration = Duration::from_secs(60);

fn profile_not_found() -> Response {
    errors::nested(StatusCode::NOT_FOUND, "profile_does_not_exist", None, &["Profile not found"])
}

fn with_retry_after(mut resp: Response, seconds: u64) -> Response {
    resp.headers_mut().insert("retry-after", seconds.into());
    resp
}

/// The checks every virtual currency request passes first: key, feature switch, rate limit, ids.
fn admit(app: &AppState, headers: &HeaderMap) -> Result<Ids, Response> {
    let ids = prelude(app, headers)?;
    let mut state = app.lock();
    if !state.catalog.config.vc_enabled {
        return Err(errors::nested(
            StatusCode::FORBIDDEN,
            "feature_not_enabled",
            None,
            &["Server API for virtual currencies is not enabled for this app. Contact Adapty support to request access."],
        ));
    }
    let now = Instant::now();
    while state.vc_requests.front().is_some_and(|t| now.duration_since(*t) >= RATE_WINDOW) {
        state.vc_requests.pop_front();
    }
    if state.vc_requests.len() >= state.catalog.config.vc_rate_limit_per_minute as usize {
        // A limit of 0 refuses everything: wait a whole window.
        let waited = state.vc_requests.front().map_or(Duration::ZERO, |oldest| now.duration_since(*oldest));
        let wait = RATE_WINDOW.saturating_sub(waited).as_secs().max(1);
        let resp = errors::nested(StatusCode::TOO_MANY_REQUESTS, "rate_limited", None, &["Request was throttled."]);
        return Err(with_retry_after(resp, wait));
    }
    state.vc_requests.push_back(now);
    Ok(ids)
}

fn balance_json(state: &Inner, balances: &std::collections::BTreeMap<String, i64>, code: &str) -> Value {
    let name = state.catalog.currency(code).map_or(code, |c| c.name.as_str());
    let balance = balances.get(code).copied().unwrap_or(0);
    json!({ "code": code, "name": name, "balance": balance, "held": 0, "available": balance })
}

/// `POST /vc/transactions/`.
pub async fn create(State(app): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let ids = match admit(&app, &headers) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    let key = match header(&headers, IDEMPOTENCY_KEY_HEADER).map(check_idempotency_key) {
        Some(Err(e)) => return errors::rule(&e),
        Some(Ok(k)) => Some(k.to_string()),
        None => None,
    };
    let params = match json_body::<VirtualCurrencyTransactionParams>(&body) {
        Ok(p) => p,
        Err(resp) => return unprocessable(resp).await,
    };
    if let Err(e) = params.validate() {
        // Rules Adapty names get 400 with their code; schema violations (too many items, bad
        // metadata) get 422.
        let resp = errors::rule(&e);
        return if e.api_code.is_some() { resp } else { unprocessable(resp).await };
    }
    let delay = {
        let mut state = app.lock();
        let Some(id) = find(&state, &ids) else { return profile_not_found() };
        let profile = state.profiles.get_mut(&id).expect("found");
        profile.idempotency.retain(|_, e| e.at.elapsed() < KEY_WINDOW);
        if let Some(key) = &key {
            match profile.idempotency.get(key) {
                Some(Idempotent { answer: Some((status, body)), .. }) => {
                    return (StatusCode::from_u16(*status).unwrap_or(StatusCode::OK), Json(body.clone())).into_response();
                }
                Some(Idempotent { answer: None, .. }) => {
                    let resp =
                        errors::nested(StatusCode::CONFLICT, "idempotency_in_flight", None, &["A similar request is being processed."]);
                    return with_retry_after(resp, 1);
                }
                None => {
                    profile.idempotency.insert(key.clone(), Idempotent { at: Instant::now(), answer: None });
                }
            }
        }
        state.catalog.config.vc_processing_delay_ms
    };
    // The transaction runs on its own task: like a real server, it completes even when the
    // client gives up waiting (a timeout), so a retry with the same key finds it in flight and
    // then its stored answer.
    let work = tokio::spawn(async move {
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        let mut state = app.lock();
        let (status, answer) = apply(&mut state, &ids, &params);
        if let Some(profile) = find(&state, &ids).and_then(|id| state.profiles.get_mut(&id)) {
            if let Some(key) = key {
                // Failures are not remembered: a corrected retry with the same key may succeed.
                if status == StatusCode::OK {
                    profile.idempotency.insert(key, Idempotent { at: Instant::now(), answer: Some((200, answer.clone())) });
                } else {
                    profile.idempotency.remove(&key);
                }
            }
        }
        (status, answer)
    });
    match work.await {
        Ok((status, answer)) => (status, Json(answer)).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The same error answered with 422 (schema validation), its body's `status_code` too.
async fn unprocessable(resp: Response) -> Response {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap_or_default();
    let mut body: Value = serde_json::from_slice(&bytes).unwrap_or_else(|_| json!({ "errors": [], "error_code": "validation_error" }));
    body["status_code"] = json!(status.as_u16());
    (status, Json(body)).into_response()
}

/// Applies every item or none; returns the answer's status and body.
fn apply(state: &mut Inner, ids: &Ids, params: &VirtualCurrencyTransactionParams) -> (StatusCode, Value) {
    let fail = |code: &str, source: &str, message: String| {
        (StatusCode::BAD_REQUEST, json!({ "errors": [{ "source": source, "errors": [message] }], "error_code": code, "status_code": 400 }))
    };
    let Some(id) = find(state, ids) else {
        return (
            StatusCode::NOT_FOUND,
            json!({ "errors": [{ "source": null, "errors": ["Profile not found"] }], "error_code": "profile_does_not_exist", "status_code": 404 }),
        );
    };
    let mut balances = state.profiles[&id].balances.clone();
    let mut changes = Vec::new();
    for item in &params.items {
        if state.catalog.currency(&item.currency_code).is_none() {
            return fail("unknown_currency", "currency_code", format!("Unknown currency {}", item.currency_code));
        }
        let now = balances.get(&item.currency_code).copied().unwrap_or(0);
        let after = now + i64::from(item.amount);
        if after < 0 {
            return fail("insufficient_balance", "currency_code", format!("Insufficient balance for currency {}", item.currency_code));
        }
        if after > i64::from(i32::MAX) {
            return fail("balance_overflow", "amount", format!("Balance overflow for currency {}", item.currency_code));
        }
        balances.insert(item.currency_code.clone(), after);
        changes.push(json!({ "currency_code": item.currency_code, "amount": item.amount, "balance_after": after }));
    }
    let transaction_id = Uuid::new_v4().to_string();
    let snapshots: Vec<Value> = params.items.iter().map(|i| balance_json(state, &balances, &i.currency_code)).collect();
    let profile = state.profiles.get_mut(&id).expect("found");
    profile.balances = balances;
    profile.vc_history.push(json!({
        "transaction_id": transaction_id,
        "transaction_type": "api_transaction",
        "items": changes,
        "metadata": params.metadata,
        "created_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    }));
    (StatusCode::OK, json!({ "transaction_id": transaction_id, "balances": snapshots }))
}

/// `GET /vc/transactions/?currency_code=&limit=&cursor=`: newest first. The cursor is the
/// offset of the next entry, hex-encoded (opaque to clients).
pub async fn history(State(app): State<Arc<AppState>>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let ids = match admit(&app, &headers) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    let limit = match q.get("limit").map(|v| v.parse::<u32>().ok().filter(|n| (1..=MAX_VC_PAGE_LIMIT).contains(n))) {
        None => 50,
        Some(Some(n)) => n as usize,
        Some(None) => {
            return unprocessable(errors::validation("limit", "Must be between 1 and 100.")).await;
        }
    };
    let offset = match q.get("cursor") {
        None => 0,
        Some(c) => match decode_cursor(c) {
            Some(n) => n,
            None => return errors::nested(StatusCode::BAD_REQUEST, "invalid_cursor", Some("cursor"), &["Invalid cursor"]),
        },
    };
    let state = app.lock();
    let Some(profile) = find(&state, &ids).and_then(|id| state.profiles.get(&id)) else { return profile_not_found() };
    let code = q.get("currency_code");
    let matching: Vec<&Value> = profile
        .vc_history
        .iter()
        .rev()
        .filter(|t| code.is_none_or(|c| t["items"].as_array().is_some_and(|items| items.iter().any(|i| i["currency_code"] == **c))))
        .collect();
    let data: Vec<&Value> = matching.iter().skip(offset).take(limit).copied().collect();
    let next = (offset + limit < matching.len()).then(|| encode_cursor(offset + limit));
    Json(json!({ "data": data, "pagination": { "next_cursor": next } })).into_response()
}

fn encode_cursor(offset: usize) -> String {
    format!("offset:{offset}").bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    let bytes: Option<Vec<u8>> =
        (0..cursor.len()).step_by(2).map(|i| cursor.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect();
    String::from_utf8(bytes?).ok()?.strip_prefix("offset:")?.parse().ok()
}

/// `GET /vc/balances/`: every currency of the app, with the profile's balance (0 if none).
pub async fn balances(State(app): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let ids = match admit(&app, &headers) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    let state = app.lock();
    let Some(profile) = find(&state, &ids).and_then(|id| state.profiles.get(&id)) else { return profile_not_found() };
    let data: Vec<Value> = state.catalog.config.currencies.iter().map(|c| balance_json(&state, &profile.balances, &c.code)).collect();
    Json(json!({ "response_created_at": chrono::Utc::now().timestamp_millis(), "data": data })).into_response()
}
