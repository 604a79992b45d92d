//! The Mail API (`/api/v1/profile/...`, Adapty Mail's host): its `Bearer` key, answered 403
//! `secret_key_does_not_exist_error` when missing, and its own error envelope
//! (`{"errors": [{message, error_code, status_code, field_name}]}`) for every failure.

// Readers return the HTTP answer itself as their error; boxing it would buy nothing here.
#![allow(clippy::result_large_err)]

use adapty_server::{MailProfileDeleteParams, MailProfileParams, MailTransactionEventParams, Rule, ValidationError};
use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::domain::mail;
use crate::http::errors;
use crate::http::request::header;
use crate::http::tenant::App;

/// Adapty's words for a deletion naming no one.
const MISSING_IDENTIFIER: &str = "At least one of external_profile_id, customer_user_id or email must be provided";

/// The key of `Authorization: Bearer <key>`; any non-empty one is accepted.
fn authenticate(headers: &HeaderMap) -> Result<(), Response> {
    match header(headers, "authorization").and_then(|v| v.strip_prefix("Bearer ")).map(str::trim) {
        Some(key) if !key.is_empty() => Ok(()),
        _ => Err(errors::mail(StatusCode::FORBIDDEN, "secret_key_does_not_exist_error", "Secret key doesn't exist", None)),
    }
}

/// A 400 `base_error` naming the field (`Field required` for a missing one, as Adapty words it).
fn base_error(e: &ValidationError) -> Response {
    let message = if e.rule == Rule::Required { "Field required" } else { e.message.as_str() };
    errors::mail(StatusCode::BAD_REQUEST, "base_error", message, Some(&e.field))
}

/// The body read into `T` and checked with `validate`, after the key.
fn read<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8], validate: fn(&T) -> Result<(), ValidationError>) -> Result<T, Response> {
    authenticate(headers)?;
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| errors::mail(StatusCode::BAD_REQUEST, "base_error", &format!("JSON decode error: {e}"), None))?;
    let params: T = adapty_server::json::from_value_lenient(value).map_err(|e| base_error(&e))?;
    validate(&params).map_err(|e| match e.api_code {
        Some(code @ "missing_identifier") => errors::mail(StatusCode::BAD_REQUEST, code, MISSING_IDENTIFIER, None),
        _ => base_error(&e),
    })?;
    Ok(params)
}

/// `POST /api/v1/profile/save/`: 200 `{}`.
pub async fn save_profile(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    match read(&headers, &body, MailProfileParams::validate) {
        Ok(params) => {
            mail::save_profile(&mut app.lock(), params);
            Json(json!({})).into_response()
        }
        Err(resp) => resp,
    }
}

/// `POST /api/v1/profile/delete/`: 204, or 404 when no profile matches.
pub async fn delete_profile(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    let params = match read(&headers, &body, MailProfileDeleteParams::validate) {
        Ok(params) => params,
        Err(resp) => return resp,
    };
    match mail::delete_profile(&mut app.lock(), &params) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(mail::NotFound) => errors::mail(StatusCode::NOT_FOUND, "profile_not_found_error", "Profile not found", None),
    }
}

/// `POST /api/v1/profile/transaction-event/save/`: 200 `{}`.
pub async fn save_transaction_event(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    match read(&headers, &body, MailTransactionEventParams::validate) {
        Ok(event) => {
            mail::save_event(&mut app.lock(), event);
            Json(json!({})).into_response()
        }
        Err(resp) => resp,
    }
}
