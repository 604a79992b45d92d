//! The Profile API: `GET`, `POST`, `PATCH` and `DELETE` on `/api/v2/server-side-api/profile/`
//! and the founding document's `/api/v1/server-side-api/profiles/` (and `profile/`).
//!
//! Choices where Adapty's docs are silent (see docs/EMULATOR.md):
//! - create for an existing profile (by either id) updates and returns it (200), so a repeated
//!   create is harmless;
//! - create with both headers attaches the customer user id to the profile id, creating the
//!   profile if it does not exist; a customer user id already owned by another profile gets 409
//!   `customer_user_id_conflict`;
//! - neither id header: 400 `validation_error` from `non_field_errors`;
//! - both headers on get, update or delete: the profile id decides, and the customer user id
//!   must belong to it (else 404).

// Helpers return the HTTP answer itself as their error; boxing it would buy nothing here.
#![allow(clippy::result_large_err)]

use adapty_server::models::DataEnvelope;
use adapty_server::{
    ApiVersion, AttributeValue, CUSTOMER_USER_ID_HEADER, Field, PLATFORM_HEADER, PROFILE_ID_HEADER, ProfileParams, Timestamp,
};
use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use uuid::Uuid;

use crate::errors;
use crate::state::{App, Inner, StoredProfile, Tenant};

/// Every method on every Profile API path.
pub async fn endpoint(App(app): App, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(resp) = authenticate(&app, &headers) {
        return resp;
    }
    let version = if uri.path().starts_with("/api/v1/") { ApiVersion::V1 } else { ApiVersion::V2 };
    let ids = match Ids::from_headers(&headers) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    let platform = header(&headers, PLATFORM_HEADER).map(str::to_owned);
    match method {
        Method::GET => with_profile(&app, &ids, ok),
        Method::DELETE => {
            let mut state = app.lock();
            match find(&state, &ids) {
                Some(id) => {
                    if let Some(p) = state.profiles.remove(&id) {
                        if let Some(c) = p.customer_user_id {
                            state.by_customer_user_id.remove(&c);
                        }
                    }
                    StatusCode::NO_CONTENT.into_response()
                }
                None => errors::profile_not_found(),
            }
        }
        Method::POST | Method::PATCH => {
            let params = match parse_params(&body, version) {
                Ok(p) => p,
                Err(resp) => return resp,
            };
            let mut state = app.lock();
            let id = if method == Method::POST {
                match create_or_attach(&mut state, &ids) {
                    Ok(id) => id,
                    Err(resp) => return resp,
                }
            } else {
                match find(&state, &ids) {
                    Some(id) => id,
                    None => return errors::profile_not_found(),
                }
            };
            let now = state.now();
            let Some(profile) = state.profiles.get_mut(&id) else { return errors::profile_not_found() };
            if let Err(resp) = apply(profile, params, platform) {
                return resp;
            }
            ok(profile, app.settings.app_id, now)
        }
        _ => StatusCode::METHOD_NOT_ALLOWED.into_response(),
    }
}

/// The profile as the API answers at `now`.
pub fn ok(profile: &StoredProfile, app_id: Uuid, now: Timestamp) -> Response {
    Json(DataEnvelope { data: profile.to_api(app_id, now) }).into_response()
}

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

/// The id headers of a request.
#[derive(Clone)]
pub struct Ids {
    pub profile_id: Option<Uuid>,
    pub customer_user_id: Option<String>,
}

impl Ids {
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, Response> {
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
        Ok(Self { profile_id, customer_user_id })
    }
}

pub fn find(state: &Inner, ids: &Ids) -> Option<Uuid> {
    match (&ids.profile_id, &ids.customer_user_id) {
        (Some(id), cuid) => state.profiles.get(id).filter(|p| cuid.is_none() || p.customer_user_id == *cuid).map(|p| p.profile_id),
        (None, Some(cuid)) => state.by_customer_user_id.get(cuid).copied(),
        (None, None) => None,
    }
}

fn with_profile(app: &Tenant, ids: &Ids, f: impl FnOnce(&StoredProfile, Uuid, Timestamp) -> Response) -> Response {
    let state = app.lock();
    match find(&state, ids).and_then(|id| state.profiles.get(&id)) {
        Some(p) => f(p, app.settings.app_id, state.now()),
        None => errors::profile_not_found(),
    }
}

pub fn create_or_attach(state: &mut Inner, ids: &Ids) -> Result<Uuid, Response> {
    let owner = ids.customer_user_id.as_ref().and_then(|c| state.by_customer_user_id.get(c).copied());
    let id = match (ids.profile_id, owner) {
        (None, Some(existing)) => return Ok(existing),
        (None, None) => Uuid::new_v4(),
        (Some(id), Some(other)) if other != id => {
            return Err(errors::nested(
                StatusCode::CONFLICT,
                "customer_user_id_conflict",
                Some(CUSTOMER_USER_ID_HEADER),
                &["This customer_user_id belongs to another profile"],
            ));
        }
        (Some(id), _) => id,
    };
    let profile = state.profiles.entry(id).or_insert_with(|| StoredProfile::new(id, None));
    if let Some(cuid) = &ids.customer_user_id {
        if let Some(old) = profile.customer_user_id.replace(cuid.clone()) {
            state.by_customer_user_id.remove(&old);
        }
        state.by_customer_user_id.insert(cuid.clone(), id);
    }
    Ok(id)
}

/// Reads and checks a body with the SDK's own rules (unknown keys ignored, as a server does), answering as Adapty does.
fn parse_params(body: &[u8], version: ApiVersion) -> Result<ProfileParams, Response> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body).map_err(|e| errors::parse_error(&e.to_string()))?
    };
    let params = adapty_server::json::from_value_lenient::<ProfileParams>(value).map_err(|e| errors::validation(&e.field, &e.message))?;
    params.validate(version).map_err(|e| errors::validation(&e.field, &e.message))?;
    Ok(params)
}

/// PATCH semantics: unset fields stay, `null` clears, values replace; a custom attribute set to
/// `null` or `""` is deleted.
fn apply(profile: &mut StoredProfile, params: ProfileParams, platform: Option<String>) -> Result<(), Response> {
    let mut attrs = profile.custom_attributes.clone();
    if let Field::Value(new) = &params.custom_attributes {
        for attr in &new.0 {
            attrs.retain(|a| a.key != attr.key);
            let deletes = attr.value.is_none() || matches!(&attr.value, Some(AttributeValue::String(s)) if s.is_empty());
            if !deletes {
                attrs.push(attr.clone());
            }
        }
        if attrs.len() > adapty_server::MAX_CUSTOM_ATTRIBUTES {
            return Err(errors::validation("custom_attributes", "A profile can have at most 30 custom attributes"));
        }
    }
    if let Field::Value(meta) = &params.installation_meta {
        profile.installations.insert(meta.device_id.clone(), meta.clone());
    }
    let Ok(Value::Object(fields)) = serde_json::to_value(&params) else {
        return Err(errors::validation("body", "cannot be stored"));
    };
    for (key, value) in fields {
        if key == "custom_attributes" || key == "installation_meta" {
            continue;
        }
        if value.is_null() {
            profile.fields.remove(&key);
        } else {
            profile.fields.insert(key, value);
        }
    }
    profile.custom_attributes = attrs;
    if platform.is_some() {
        profile.platform = platform;
    }
    Ok(())
}

/// Authenticates a profile-scoped request and reads its id headers.
pub fn prelude(app: &Tenant, headers: &HeaderMap) -> Result<Ids, Response> {
    authenticate(app, headers)?;
    Ids::from_headers(headers)
}

/// Reads a JSON body into `T` with the SDK's own field rules (unknown keys ignored, as a server does), answering as Adapty does.
pub fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Response> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body).map_err(|e| errors::parse_error(&e.to_string()))?
    };
    adapty_server::json::from_value_lenient(value).map_err(|e| errors::validation(&e.field, &e.message))
}
