//! Virtual currencies: transactions (with `Idempotency-Key`), history and balances. Checks run
//! in this order: key, id headers, feature switch (403), rate limit (429), `Idempotency-Key`, body.

use std::collections::HashMap;

use adapty_server::{IDEMPOTENCY_KEY_HEADER, MAX_VC_PAGE_LIMIT, VirtualCurrencyTransactionParams, check_idempotency_key};
use axum::Json;
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::domain::profiles::Ids;
use crate::domain::virtual_currency::{self, DEFAULT_LIMIT, Error, Outcome};
use crate::http::errors;
use crate::http::request::{header, prelude};
use crate::http::tenant::App;
use crate::state::tenants::Tenant;

fn with_retry_after(mut resp: Response, seconds: u64) -> Response {
    resp.headers_mut().insert("retry-after", seconds.into());
    resp
}

/// Adapty's answer to why a virtual currency request did nothing.
fn error(e: Error) -> Response {
    let bad = |code: &str, source: &str, message: String| errors::nested(StatusCode::BAD_REQUEST, code, Some(source), &[&message]);
    match e {
        Error::ProfileNotFound => errors::profile_not_found(),
        Error::Disabled => errors::nested(
            StatusCode::FORBIDDEN,
            "feature_not_enabled",
            None,
            &["Server API for virtual currencies is not enabled for this app. Contact Adapty support to request access."],
        ),
        Error::RateLimited { retry_after } => {
            with_retry_after(errors::nested(StatusCode::TOO_MANY_REQUESTS, "rate_limited", None, &["Request was throttled."]), retry_after)
        }
        Error::InFlight => with_retry_after(
            errors::nested(StatusCode::CONFLICT, "idempotency_in_flight", None, &["A similar request is being processed."]),
            1,
        ),
        Error::UnknownCurrency(code) => bad("unknown_currency", "currency_code", format!("Unknown currency {code}")),
        Error::InsufficientBalance(code) => {
            bad("insufficient_balance", "currency_code", format!("Insufficient balance for currency {code}"))
        }
        Error::BalanceOverflow(code) => bad("balance_overflow", "amount", format!("Balance overflow for currency {code}")),
        Error::InvalidCursor => errors::nested(StatusCode::BAD_REQUEST, "invalid_cursor", Some("cursor"), &["Invalid cursor"]),
        Error::Failed => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The key and id headers, then the feature switch and the rate limit.
#[allow(clippy::result_large_err)]
fn admit(app: &Tenant, headers: &HeaderMap) -> Result<Ids, Response> {
    let ids = prelude(app, headers)?;
    virtual_currency::admit(app).map_err(error)?;
    Ok(ids)
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
    match virtual_currency::transact(&app, &ids, key, params).await {
        Ok(Outcome::Made(answer)) => Json(answer).into_response(),
        Ok(Outcome::Replayed(status, answer)) => (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), Json(answer)).into_response(),
        Err(e) => error(e),
    }
}

/// `GET /vc/transactions/?currency_code=&limit=&cursor=`: newest first.
pub async fn history(App(app): App, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let ids = match admit(&app, &headers) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    let limit = match q.get("limit").map(|v| v.parse::<u32>().ok().filter(|n| (1..=MAX_VC_PAGE_LIMIT).contains(n))) {
        None => DEFAULT_LIMIT,
        Some(Some(n)) => n as usize,
        Some(None) => {
            return errors::nested(StatusCode::UNPROCESSABLE_ENTITY, "validation_error", Some("limit"), &["Must be between 1 and 100."]);
        }
    };
    let state = app.lock();
    match virtual_currency::history(&state, &ids, q.get("currency_code").map(String::as_str), limit, q.get("cursor").map(String::as_str)) {
        Ok(page) => Json(page).into_response(),
        Err(e) => error(e),
    }
}

/// `GET /vc/balances/`: every currency of the app, with the profile's balance (0 if none).
pub async fn balances(App(app): App, headers: HeaderMap) -> Response {
    let ids = match admit(&app, &headers) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    match virtual_currency::balances(&app.lock(), &ids) {
        Ok(balances) => Json(balances).into_response(),
        Err(e) => error(e),
    }
}
