//! The answers that are not a success: Adapty's error bodies in the shapes its docs show, and the
//! control plane's `{"error": "..."}`.

use axum::Json;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The nested shape most endpoints use: `{"errors": [{"source", "errors"}], "error_code", "status_code"}`.
pub fn nested(status: StatusCode, code: &str, source: Option<&str>, messages: &[&str]) -> Response {
    (status, Json(nested_body(status, code, source, messages))).into_response()
}

/// The body of [`nested`], for answers that are stored before they are sent (idempotency).
pub fn nested_body(status: StatusCode, code: &str, source: Option<&str>, messages: &[&str]) -> Value {
    json!({ "errors": [{ "source": source, "errors": messages }], "error_code": code, "status_code": status.as_u16() })
}

/// The errors Adapty's examples show as a flat list of strings (`{"errors": ["..."], ...}`: the
/// `unauthorized` 401, Refund Saver, Paddle, integration identifiers), sent as the examples show
/// them, although the spec's `ErrorResponse` schema, which those endpoints name, allows only
/// `{source, errors}` objects: a client must survive what production sends (docs/EMULATOR.md).
pub fn sourceless(status: StatusCode, code: &str, messages: &[&str]) -> Response {
    (status, Json(json!({ "errors": messages, "error_code": code, "status_code": status.as_u16() }))).into_response()
}

/// The Mail API's envelope: `{"errors": [{message, error_code, status_code, field_name}]}`.
pub fn mail(status: StatusCode, code: &str, message: &str, field: Option<&str>) -> Response {
    let item = json!({ "message": message, "error_code": code, "status_code": status.as_u16(), "field_name": field });
    (status, Json(json!({ "errors": [item] }))).into_response()
}

/// A path no API serves, as Django REST framework words it.
pub fn no_route() -> Response {
    nested(StatusCode::NOT_FOUND, "not_found", None, &["Not found."])
}

/// A method the path does not take, as Django REST framework words it (a route's fallback).
pub async fn wrong_method(method: Method) -> Response {
    nested(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", None, &[&format!("Method \"{method}\" not allowed.")])
}

pub fn not_authenticated() -> Response {
    nested(StatusCode::UNAUTHORIZED, "not_authenticated", Some("non_field_errors"), &["Authentication credentials were not provided."])
}

pub fn invalid_api_key() -> Response {
    sourceless(StatusCode::UNAUTHORIZED, "unauthorized", &["Invalid API key"])
}

pub fn profile_not_found() -> Response {
    nested(StatusCode::NOT_FOUND, "profile_does_not_exist", None, &["Profile not found"])
}

pub fn validation(source: &str, message: &str) -> Response {
    nested(StatusCode::BAD_REQUEST, "validation_error", Some(source), &[message])
}

/// DRF's wording for a body that is not JSON.
pub fn parse_error(detail: &str) -> Response {
    nested(StatusCode::BAD_REQUEST, "parse_error", None, &[&format!("JSON parse error - {detail}")])
}

/// How set transaction, grant, revoke answer for an unknown profile (400, unlike the Profile API's 404).
pub fn profile_does_not_exist_400() -> Response {
    nested(StatusCode::BAD_REQUEST, "profile_does_not_exist", Some("non_field_errors"), &["Profile not found"])
}

/// A client-side rule broken, answered 400: Adapty's code for it where the docs name one, else
/// `validation_error`.
pub fn rule(e: &adapty_server::ValidationError) -> Response {
    rule_with_status(StatusCode::BAD_REQUEST, e)
}

/// [`rule`] with another status (422 for the virtual currency API's schema violations). The
/// `source` is the one Adapty's error bodies show, which for a few rules is not the field the
/// SDK names (the SDK points at what to fix).
pub fn rule_with_status(status: StatusCode, e: &adapty_server::ValidationError) -> Response {
    let message = e.message.strip_suffix(&format!(" ({})", e.api_code.unwrap_or_default())).unwrap_or(&e.message);
    let source = match e.api_code {
        // Adapty's body for a past `revoke_at` names no source and words it its own way.
        Some("value_error") => return nested(status, "value_error", None, &["Must be greater than the current time or null"]),
        Some("free_trial_price_error") => "offer_type",
        Some("missing_offer_id") => "offer_category",
        Some("grace_period_billing_error") => "grace_period_billing_error",
        _ => &e.field,
    };
    nested(status, e.api_code.unwrap_or("validation_error"), Some(source), &[message])
}

/// A control-plane request that is wrong (`{"error": "..."}`, the control plane's shape).
pub fn control(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// An `x-emulator-tenant` header that names no tenant.
pub fn unknown_tenant() -> Response {
    control(StatusCode::NOT_FOUND, "no tenant has this id (GET /__emulator/tenants lists them)")
}
