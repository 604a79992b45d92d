//! What the API's handlers read from a request the same way: headers, the secret key, the
//! profile's id headers and a JSON body, each wrong one answered as Adapty does.

// Readers return the HTTP answer itself as their error; boxing it would buy nothing here.
#![allow(clippy::result_large_err)]

use adapty_server::{CUSTOMER_USER_ID_HEADER, PROFILE_ID_HEADER};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;
use uuid::Uuid;

use crate::domain::profiles::Ids;
use crate::http::errors;
use crate::state::tenants::Tenant;

/// A header's value, trimmed; `None` when absent, empty or not text.
pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty())
}

/// The key of `Authorization: Api-Key <key>`, if the request has one.
pub fn api_key(headers: &HeaderMap) -> Option<&str> {
    header(headers, "authorization").and_then(|v| v.strip_prefix("Api-Key ")).map(str::trim).filter(|k| !k.is_empty())
}

/// `Authorization: Api-Key <key>`: missing or malformed gives `not_authenticated`, a wrong key
/// `unauthorized`.
pub fn authenticate(app: &Tenant, headers: &HeaderMap) -> Result<(), Response> {
    let Some(key) = api_key(headers) else {
        return Err(errors::not_authenticated());
    };
    match &app.settings.api_key {
        Some(expected) if expected != key => Err(errors::invalid_api_key()),
        _ => Ok(()),
    }
}

/// The id headers: at least one, the profile id a UUID.
pub fn ids(headers: &HeaderMap) -> Result<Ids, Response> {
    let profile_id = match header(headers, PROFILE_ID_HEADER) {
        Some(raw) => {
            Some(Uuid::parse_str(raw).map_err(|_| errors::validation(PROFILE_ID_HEADER, &format!("'{raw}' is not a valid UUID")))?)
        }
        None => None,
    };
    let customer_user_id = header(headers, CUSTOMER_USER_ID_HEADER).map(str::to_owned);
    if profile_id.is_none() && customer_user_id.is_none() {
        return Err(errors::validation("non_field_errors", "Either adapty-profile-id or adapty-customer-user-id header is required"));
    }
    Ok(Ids { profile_id, customer_user_id })
}

/// Authenticates a profile-scoped request and reads its id headers.
pub fn prelude(app: &Tenant, headers: &HeaderMap) -> Result<Ids, Response> {
    authenticate(app, headers)?;
    ids(headers)
}

/// Reads a JSON body (empty: `{}`) into `T` with the SDK's own field rules (unknown keys
/// ignored, as a server does), answering as Adapty does.
pub fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Response> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body).map_err(|e| errors::parse_error(&e.to_string()))?
    };
    adapty_server::json::from_value_lenient(value).map_err(|e| errors::validation(&e.field, &e.message))
}
