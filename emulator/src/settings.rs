//! Refund Saver settings and integration identifiers, with the error codes and messages these
//! endpoints document.

#![allow(clippy::result_large_err)]

use adapty_server::ops::manifest as ops;
use adapty_server::{IntegrationIdentifiers, RefundSaverParams};
use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::Routes;
use crate::errors;
use crate::profiles::{Ids, find, json_body, prelude};
use crate::state::{App, StoredProfile, Tenant};

/// This module's endpoints.
pub(crate) fn routes() -> Routes {
    vec![
        (ops::REFUND_SAVER_GET.http.path, get(refund_saver).post(refund_saver)),
        (ops::INTEGRATIONS_GET.http.path, get(integration_identifiers).post(integration_identifiers)),
    ]
}

/// Runs `f` on the request's profile under the lock; an unknown profile gets `missing()`.
fn on_profile(app: &Tenant, ids: &Ids, missing: fn() -> Response, f: impl FnOnce(&mut StoredProfile) -> Response) -> Response {
    let mut state = app.lock();
    match find(&state, ids).and_then(|id| state.profiles.get_mut(&id)) {
        Some(p) => f(p),
        None => missing(),
    }
}

fn refund_saver_settings(p: &StoredProfile) -> Response {
    // The spec's response has no nulls: unset values read as the defaults.
    let (consent, preference) = &p.refund_saver;
    Json(json!({
        "profile_id": p.profile_id.to_string(),
        "settings": { "consent": consent.unwrap_or(false), "custom_preference": preference.as_deref().unwrap_or("no_preference") },
    }))
    .into_response()
}

/// GET and POST `/purchase/profile/refund-saver/settings/`.
pub async fn refund_saver(App(app): App, method: Method, headers: HeaderMap, body: Bytes) -> Response {
    let ids = match prelude(&app, &headers) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    let missing = || errors::sourceless(StatusCode::BAD_REQUEST, "profile_does_not_exist", &["Profile does not exist"]);
    if method == Method::GET {
        return on_profile(&app, &ids, missing, |p| refund_saver_settings(p));
    }
    let params = match json_body::<RefundSaverParams>(&body) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    if let Err(e) = params.validate() {
        return match e.rule {
            adapty_server::Rule::Required => errors::sourceless(
                StatusCode::BAD_REQUEST,
                "validation_error",
                &["Profile refund saver settings must have either consent or custom_preference or both"],
            ),
            _ => errors::rule(&e),
        };
    }
    on_profile(&app, &ids, missing, |p| {
        if params.consent.is_some() {
            p.refund_saver.0 = params.consent;
        }
        if let Some(pref) = &params.custom_preference {
            p.refund_saver.1 = Some(pref.as_str().to_owned());
        }
        refund_saver_settings(p)
    })
}

/// GET and POST `/integration/profile/set/integration-identifiers/`.
pub async fn integration_identifiers(App(app): App, method: Method, headers: HeaderMap, body: Bytes) -> Response {
    let ids = match prelude(&app, &headers) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    let missing = || errors::sourceless(StatusCode::NOT_FOUND, "profile_not_found", &["Profile not found"]);
    if method == Method::GET {
        return on_profile(&app, &ids, missing, |p| {
            let mut all: Map<String, Value> = IntegrationIdentifiers::KNOWN.iter().map(|k| ((*k).to_owned(), Value::Null)).collect();
            all.extend(p.integration_ids.clone());
            Json(all).into_response()
        });
    }
    let given = match json_body::<IntegrationIdentifiers>(&body) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    if let Err(e) = given.validate() {
        return match e.rule {
            adapty_server::Rule::Required => {
                errors::sourceless(StatusCode::BAD_REQUEST, "validation_error", &["At least one integration identifier must be provided."])
            }
            _ => errors::rule(&e),
        };
    }
    on_profile(&app, &ids, missing, |p| {
        if let Ok(Value::Object(set)) = serde_json::to_value(&given) {
            p.integration_ids.extend(set);
        }
        StatusCode::OK.into_response()
    })
}
