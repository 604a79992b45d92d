//! Virtual currencies: atomic credit/debit transactions with `Idempotency-Key` (replayed
//! answers, 409 while the first request runs), balances that never go negative, cursor-paged
//! history, the feature switch (403) and the per-app rate limit (429).

#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::time::Duration;

use chrono::TimeDelta;

use adapty_server::ops::manifest as ops;
use adapty_server::{IDEMPOTENCY_KEY_HEADER, MAX_VC_PAGE_LIMIT, VirtualCurrencyTransactionParams, check_idempotency_key};
use axum::Json;
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::Routes;
use crate::errors;
use crate::profiles::{Ids, find, header, prelude};
use crate::state::{App, Idempotent, Inner, Tenant};

/// This module's endpoints.
pub(crate) fn routes() -> Routes {
    vec![
        (ops::VIRTUAL_CURRENCY_LIST_TRANSACTIONS.http.path, get(history).post(create)),
        (ops::VIRTUAL_CURRENCY_BALANCES.http.path, get(balances)),
    ]
}

/// How long an `Idempotency-Key` is remembered (on the app's clock).
const KEY_WINDOW: TimeDelta = TimeDelta::hours(1);
const RATE_WINDOW: TimeDelta = TimeDelta::minutes(1);

fn with_retry_after(mut resp: Response, seconds: u64) -> Response {
    resp.headers_mut().insert("retry-after", seconds.into());
    resp
}

/// The checks every virtual currency request passes first: key, feature switch, rate limit, ids.
fn admit(app: &Tenant, headers: &HeaderMap) -> Result<Ids, Response> {
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
    let now = state.clock.now();
    while state.vc_requests.front().is_some_and(|t| now - *t >= RATE_WINDOW) {
        state.vc_requests.pop_front();
    }
    if state.vc_requests.len() >= state.catalog.config.vc_rate_limit_per_minute as usize {
        // A limit of 0 refuses everything: wait a whole window.
        let waited = state.vc_requests.front().map_or(TimeDelta::zero(), |oldest| now - *oldest);
        let wait = (RATE_WINDOW - waited).num_seconds().max(1) as u64;
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
pub async fn create(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    let ids = match admit(&app, &headers) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    let key = match header(&headers, IDEMPOTENCY_KEY_HEADER).map(check_idempotency_key) {
        Some(Err(e)) => return errors::rule(&e),
        Some(Ok(k)) => Some(k.to_string()),
        None => None,
    };
    // A body that is not JSON is 400 `parse_error` as everywhere; one of the wrong shape, and
    // schema violations (too many items, bad metadata), 422; the rules Adapty names, 400 with
    // their code.
    let params =
        match serde_json::from_slice::<Value>(&body).map(adapty_server::json::from_value_lenient::<VirtualCurrencyTransactionParams>) {
            Err(e) => return errors::parse_error(&e.to_string()),
            Ok(Err(e)) => return errors::rule_with_status(StatusCode::UNPROCESSABLE_ENTITY, &e),
            Ok(Ok(p)) => p,
        };
    if let Err(e) = params.validate() {
        let status = if e.api_code.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::UNPROCESSABLE_ENTITY };
        return errors::rule_with_status(status, &e);
    }
    let delay = {
        let mut state = app.lock();
        let Some(id) = find(&state, &ids) else { return errors::profile_not_found() };
        let now = state.clock.now();
        let profile = state.profiles.get_mut(&id).expect("found");
        profile.idempotency.retain(|_, e| now - e.at < KEY_WINDOW);
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
                    profile.idempotency.insert(key.clone(), Idempotent { at: now, answer: None });
                }
            }
        }
        state.catalog.config.vc_processing_delay_ms
    };
    // The transaction runs on its own task: like a real server, it completes even when the
    // client gives up waiting (a timeout), so a retry with the same key finds it in flight and
    // then its stored answer.
    let (app2, ids2, key2) = (app.clone(), ids.clone(), key.clone());
    let work = tokio::spawn(async move {
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        let mut state = app.lock();
        let now = state.clock.now();
        let (status, answer) = apply(&mut state, &ids, &params);
        if let Some(profile) = find(&state, &ids).and_then(|id| state.profiles.get_mut(&id)) {
            if let Some(key) = key {
                // Failures are not remembered: a corrected retry with the same key may succeed.
                if status == StatusCode::OK {
                    profile.idempotency.insert(key, Idempotent { at: now, answer: Some((200, answer.clone())) });
                } else {
                    profile.idempotency.remove(&key);
                }
            }
        }
        (status, answer)
    });
    match work.await {
        Ok((status, answer)) => (status, Json(answer)).into_response(),
        Err(_) => {
            // The task failed: its key must not stay "in flight" for the rest of the hour.
            let mut state = app2.lock();
            if let (Some(key), Some(id)) = (key2, find(&state, &ids2)) {
                if let Some(p) = state.profiles.get_mut(&id) {
                    p.idempotency.remove(&key);
                }
            }
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Applies every item or none; returns the answer's status and body.
fn apply(state: &mut Inner, ids: &Ids, params: &VirtualCurrencyTransactionParams) -> (StatusCode, Value) {
    let fail = |code: &str, source: &str, message: String| {
        (StatusCode::BAD_REQUEST, errors::nested_body(StatusCode::BAD_REQUEST, code, Some(source), &[&message]))
    };
    let Some(id) = find(state, ids) else {
        return (StatusCode::NOT_FOUND, errors::nested_body(StatusCode::NOT_FOUND, "profile_does_not_exist", None, &["Profile not found"]));
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
        "created_at": state.clock.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    }));
    (StatusCode::OK, json!({ "transaction_id": transaction_id, "balances": snapshots }))
}

/// `GET /vc/transactions/?currency_code=&limit=&cursor=`: newest first. The cursor is the
/// offset of the next entry, hex-encoded (opaque to clients).
pub async fn history(App(app): App, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let ids = match admit(&app, &headers) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    let limit = match q.get("limit").map(|v| v.parse::<u32>().ok().filter(|n| (1..=MAX_VC_PAGE_LIMIT).contains(n))) {
        None => 50,
        Some(Some(n)) => n as usize,
        Some(None) => {
            return errors::nested(StatusCode::UNPROCESSABLE_ENTITY, "validation_error", Some("limit"), &["Must be between 1 and 100."]);
        }
    };
    let before = match q.get("cursor") {
        None => None,
        Some(c) => match decode_cursor(c) {
            Some(n) => Some(n),
            None => return errors::nested(StatusCode::BAD_REQUEST, "invalid_cursor", Some("cursor"), &["Invalid cursor"]),
        },
    };
    let state = app.lock();
    let Some(profile) = find(&state, &ids).and_then(|id| state.profiles.get(&id)) else { return errors::profile_not_found() };
    let code = q.get("currency_code");
    // Oldest first; a page is the `limit` entries before position `before`, newest first. The
    // cursor counts from the oldest entry, so transactions made during a walk never shift it.
    let matching: Vec<&Value> = profile
        .vc_history
        .iter()
        .filter(|t| code.is_none_or(|c| t["items"].as_array().is_some_and(|items| items.iter().any(|i| i["currency_code"] == **c))))
        .collect();
    let end = before.unwrap_or(matching.len()).min(matching.len());
    let start = end.saturating_sub(limit);
    let data: Vec<&Value> = matching[start..end].iter().rev().copied().collect();
    let next = (start > 0).then(|| encode_cursor(start));
    Json(json!({ "data": data, "pagination": { "next_cursor": next } })).into_response()
}

/// The position of the next page's newest entry, counted from the oldest, as opaque hex.
fn encode_cursor(before: usize) -> String {
    format!("before:{before}").bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    let bytes: Option<Vec<u8>> =
        (0..cursor.len()).step_by(2).map(|i| cursor.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect();
    String::from_utf8(bytes?).ok()?.strip_prefix("before:")?.parse().ok()
}

/// `GET /vc/balances/`: every currency of the app, with the profile's balance (0 if none).
pub async fn balances(App(app): App, headers: HeaderMap) -> Response {
    let ids = match admit(&app, &headers) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    let state = app.lock();
    let Some(profile) = find(&state, &ids).and_then(|id| state.profiles.get(&id)) else { return errors::profile_not_found() };
    let data: Vec<Value> = state.catalog.config.currencies.iter().map(|c| balance_json(&state, &profile.balances, &c.code)).collect();
    Json(json!({ "response_created_at": state.clock.now().timestamp_millis(), "data": data })).into_response()
}
