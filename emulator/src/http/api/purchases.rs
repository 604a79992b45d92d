//! Set transaction, grant and revoke access levels, and the Stripe and Paddle imports: each body
//! read and checked with the SDK's own rules, then `domain/purchases`.

// Readers return the HTTP answer itself as their error; boxing it would buy nothing here.
#![allow(clippy::result_large_err)]

use adapty_server::{GrantAccessParams, PaddleValidationParams, RevokeAccessParams, Timestamp, TransactionParams};
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::domain::profiles::Ids;
use crate::domain::purchases::{self, Error, ImportStore};
use crate::http::api::profiles::ok;
use crate::http::errors;
use crate::http::request::{authenticate, json_body, prelude};
use crate::http::tenant::App;
use crate::state::tenants::Tenant;

/// A profile-scoped request's ids and body, read and checked with the SDK's own rules.
fn checked_request<T: serde::de::DeserializeOwned>(
    app: &Tenant,
    headers: &HeaderMap,
    body: &[u8],
    validate: impl Fn(&T) -> Result<(), adapty_server::ValidationError>,
) -> Result<(Ids, T), Response> {
    let ids = prelude(app, headers)?;
    let params = json_body::<T>(body)?;
    validate(&params).map_err(|e| errors::rule(&e))?;
    Ok((ids, params))
}

/// The profile after the change, or Adapty's answer to why nothing changed.
fn answer(result: Result<adapty_server::Profile, Error>) -> Response {
    match result {
        Ok(profile) => ok(profile),
        Err(e) => refusal(e),
    }
}

/// Adapty's answer to why a purchase or access change did nothing.
pub fn refusal(e: Error) -> Response {
    let f = |t: Timestamp| t.0.format("%Y-%m-%d %H:%M:%S%:z").to_string();
    match e {
        Error::ProfileNotFound => errors::profile_does_not_exist_400(),
        Error::UnknownAccessLevel(id) => errors::nested(
            StatusCode::BAD_REQUEST,
            "paid_access_level_does_not_exist",
            Some("non_field_errors"),
            &[&format!("Paid access level `{id}` does not exist")],
        ),
        Error::NotGranted { profile_id, access_level_id } => errors::nested(
            StatusCode::BAD_REQUEST,
            "profile_paid_access_level_does_not_exist",
            Some("non_field_errors"),
            &[&format!("Profile `{profile_id}` has no `{access_level_id}` access level")],
        ),
        Error::RevokeAfterExpiry { revoke_at, expires_at } => errors::nested(
            StatusCode::BAD_REQUEST,
            "revocation_date_more_than_expiration_date",
            Some("revoke_at"),
            &[&format!("Revocation date ({}) is more than current expiration date ({})", f(revoke_at), f(expires_at))],
        ),
    }
}

pub async fn set_transaction(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    match checked_request(&app, &headers, &body, TransactionParams::validate) {
        Ok((ids, params)) => answer(purchases::set_transaction(&app, &ids, &params)),
        Err(resp) => resp,
    }
}

pub async fn grant(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    match checked_request(&app, &headers, &body, GrantAccessParams::validate) {
        Ok((ids, params)) => answer(purchases::grant(&app, &ids, &params)),
        Err(resp) => resp,
    }
}

pub async fn revoke(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    match checked_request(&app, &headers, &body, RevokeAccessParams::validate) {
        Ok((ids, params)) => answer(purchases::revoke(&app, &ids, &params)),
        Err(resp) => resp,
    }
}

/// JSON:API's error shape, which the Stripe endpoint uses.
fn json_api_error(detail: &str, pointer: &str) -> Response {
    let body = json!({ "errors": [{ "detail": detail, "source": { "pointer": pointer }, "status": "400" }] });
    (StatusCode::BAD_REQUEST, [("content-type", "application/vnd.api+json")], body.to_string()).into_response()
}

/// Stripe validation, in JSON:API: `{"data": {"type": "stripe_receipt_validation_result",
/// "attributes": {"customer_user_id", "stripe_token"}}}`.
pub async fn validate_stripe(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(mut resp) = authenticate(&app, &headers) {
        // The spec gives this endpoint's 401 the JSON:API media type (with an ErrorResponse body).
        resp.headers_mut().insert("content-type", HeaderValue::from_static("application/vnd.api+json"));
        return resp;
    }
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return json_api_error("Malformed JSON", "/data");
    };
    let attr = |key: &str| value.pointer(&format!("/data/attributes/{key}")).and_then(Value::as_str).filter(|s| !s.is_empty());
    if value.pointer("/data/type").and_then(Value::as_str) != Some("stripe_receipt_validation_result") {
        return json_api_error("value is not a valid enumeration member; permitted: 'stripe_receipt_validation_result'", "/data/type");
    }
    let (Some(customer_user_id), Some(token)) = (attr("customer_user_id"), attr("stripe_token")) else {
        let missing = if attr("customer_user_id").is_none() { "customer_user_id" } else { "stripe_token" };
        return json_api_error("none is not an allowed value", &format!("/data/attributes/{missing}"));
    };
    match purchases::import(&app, ImportStore::Stripe, customer_user_id, token) {
        Ok(_) => (StatusCode::OK, [("content-type", "application/vnd.api+json")], json!({ "data": null }).to_string()).into_response(),
        Err(purchases::UnknownToken) => json_api_error("Stripe object not found", "/data/attributes/stripe_token"),
    }
}

/// Paddle validation: the profile of `customer_user_id` (made if needed) after the import.
pub async fn validate_paddle(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(resp) = authenticate(&app, &headers) {
        return resp;
    }
    let params = match json_body::<PaddleValidationParams>(&body) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    if let Err(e) = params.validate() {
        return errors::rule(&e);
    }
    match purchases::import(&app, ImportStore::Paddle, &params.customer_user_id, &params.paddle_token) {
        Ok(profile) => ok(profile),
        Err(purchases::UnknownToken) => errors::sourceless(
            StatusCode::BAD_REQUEST,
            "invalid_paddle_credentials_or_purchase_not_found",
            &["Invalid Paddle credentials or purchase not found"],
        ),
    }
}
