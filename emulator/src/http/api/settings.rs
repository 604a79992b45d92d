//! Refund Saver settings and integration identifiers, with the error codes and messages these
//! endpoints document.

use adapty_server::{IntegrationIdentifiers, RefundSaverParams, Rule};
use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::domain::settings;
use crate::http::errors;
use crate::http::request::{json_body, prelude};
use crate::http::tenant::App;

/// GET and POST `/purchase/profile/refund-saver/settings/`.
pub async fn refund_saver(App(app): App, method: Method, headers: HeaderMap, body: Bytes) -> Response {
    let ids = match prelude(&app, &headers) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    let missing = || errors::sourceless(StatusCode::BAD_REQUEST, "profile_does_not_exist", &["Profile does not exist"]);
    let answer = if method == Method::GET {
        settings::refund_saver(&app.lock(), &ids)
    } else {
        let params = match json_body::<RefundSaverParams>(&body) {
            Ok(p) => p,
            Err(resp) => return resp,
        };
        if let Err(e) = params.validate() {
            return match e.rule {
                Rule::Required => errors::sourceless(
                    StatusCode::BAD_REQUEST,
                    "validation_error",
                    &["Profile refund saver settings must have either consent or custom_preference or both"],
                ),
                _ => errors::rule(&e),
            };
        }
        settings::set_refund_saver(&mut app.lock(), &ids, &params)
    };
    match answer {
        Ok(saver) => Json(saver).into_response(),
        Err(_) => missing(),
    }
}

/// GET and POST `/integration/profile/set/integration-identifiers/`.
pub async fn integration_identifiers(App(app): App, method: Method, headers: HeaderMap, body: Bytes) -> Response {
    let ids = match prelude(&app, &headers) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    let missing = || errors::sourceless(StatusCode::NOT_FOUND, "profile_not_found", &["Profile not found"]);
    if method == Method::GET {
        return match settings::integration_identifiers(&app.lock(), &ids) {
            Ok(all) => Json(all).into_response(),
            Err(_) => missing(),
        };
    }
    let given = match json_body::<IntegrationIdentifiers>(&body) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    if let Err(e) = given.validate() {
        return match e.rule {
            Rule::Required => {
                errors::sourceless(StatusCode::BAD_REQUEST, "validation_error", &["At least one integration identifier must be provided."])
            }
            _ => errors::rule(&e),
        };
    }
    match settings::set_integration_identifiers(&mut app.lock(), &ids, &given) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(_) => missing(),
    }
}
