//! The Profile API: `GET`, `POST`, `PATCH` and `DELETE` on `/api/v2/server-side-api/profile/`
//! and the founding document's `/api/v1/server-side-api/profiles/` (and `profile/`). What the
//! methods do is `domain/profiles`'s; the `v1` paths apply the founding document's
//! 30-character custom attribute values.

use adapty_server::models::DataEnvelope;
use adapty_server::{ApiVersion, CUSTOMER_USER_ID_HEADER, PLATFORM_HEADER, Profile, ProfileParams};
use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::domain::profiles::{self, Error, Write};
use crate::http::errors;
use crate::http::request::{authenticate, header, ids, json_body};
use crate::http::tenant::App;

/// Every method on every Profile API path.
pub async fn endpoint(App(app): App, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(resp) = authenticate(&app, &headers) {
        return resp;
    }
    let version = if uri.path().starts_with("/api/v1/") { ApiVersion::V1 } else { ApiVersion::V2 };
    let ids = match ids(&headers) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    let how = match method {
        Method::GET => {
            let state = app.lock();
            return match profiles::get(&state, &ids) {
                Ok(p) => ok(p.to_api(app.settings.app_id, state.now())),
                Err(e) => error(e),
            };
        }
        Method::DELETE => {
            return match profiles::delete(&mut app.lock(), &ids) {
                Ok(()) => StatusCode::NO_CONTENT.into_response(),
                Err(e) => error(e),
            };
        }
        Method::POST => Write::Create,
        Method::PATCH => Write::Update,
        other => return errors::wrong_method(other).await,
    };
    let params = match parse_params(&body, version) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let platform = header(&headers, PLATFORM_HEADER).map(str::to_owned);
    let mut state = app.lock();
    let now = state.now();
    match profiles::write(&mut state, &ids, how, params, platform) {
        Ok(p) => ok(p.to_api(app.settings.app_id, now)),
        Err(e) => error(e),
    }
}

/// The profile as the API answers: `{"data": profile}`.
pub fn ok(profile: Profile) -> Response {
    Json(DataEnvelope { data: profile }).into_response()
}

fn error(e: Error) -> Response {
    match e {
        Error::NotFound => errors::profile_not_found(),
        Error::CustomerUserIdConflict => errors::nested(
            StatusCode::CONFLICT,
            "customer_user_id_conflict",
            Some(CUSTOMER_USER_ID_HEADER),
            &["This customer_user_id belongs to another profile"],
        ),
        Error::TooManyAttributes => errors::validation("custom_attributes", "A profile can have at most 30 custom attributes"),
        Error::Unstorable => errors::validation("body", "cannot be stored"),
    }
}

/// Reads and checks a body with the SDK's own rules for the API's generation.
#[allow(clippy::result_large_err)]
fn parse_params(body: &[u8], version: ApiVersion) -> Result<ProfileParams, Response> {
    // v2 takes attributes as a list of `{key, value}` only: its spec, examples and error bodies
    // all do. The map form is the legacy API's (and the founding document's table's), and a
    // client sending it to v2 is refused here rather than in production.
    let map_form = serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|v| v["custom_attributes"].is_object());
    if version == ApiVersion::V2 && map_form {
        return Err(errors::validation("custom_attributes", "Expected a list of items but got type \"dict\"."));
    }
    let params: ProfileParams = json_body(body)?;
    params.validate(version).map_err(|e| errors::validation(&e.field, &e.message))?;
    Ok(params)
}
