//! Where the APIs are served: each endpoint at its path from the SDK's manifest (so the client and
//! the emulator share one description of it), with and without the trailing slash and under both
//! generations' prefixes, behind content negotiation and the journal/fault layer. The Web, Mail
//! and legacy APIs share the server-side API's port (as `base_url` sends them all to one host);
//! a path none serves, or a method it does not take, is a JSON 404 or 405 as Adapty's framework
//! words them, never an empty body.

use std::sync::Arc;

use adapty_server::ops::manifest as ops;
use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{MethodRouter, any, delete, get, post};

use crate::http::api::{legacy, mail, paywalls, profiles, purchases, settings, virtual_currency, web};
use crate::http::{errors, intercept, media};
use crate::state::tenants::AppState;

/// The API's routes, each behind the journal/fault layer.
pub fn router(app: Arc<AppState>) -> Router<Arc<AppState>> {
    let mut api = Router::new();
    for path in profile_paths() {
        api = api.route(&path, any(profiles::endpoint));
    }
    for (endpoint, handler) in endpoints() {
        for path in spellings(endpoint) {
            api = api.route(&path, handler.clone().fallback(errors::wrong_method));
        }
    }
    let mut json_api = Router::new();
    for path in spellings(ops::PURCHASES_VALIDATE_STRIPE.http.path) {
        json_api = json_api.route(&path, post(purchases::validate_stripe).fallback(errors::wrong_method));
    }
    api.route_layer(from_fn(media::json))
        .merge(json_api.route_layer(from_fn(media::json_api)))
        .merge(crate::http::api::analytics::router(spellings))
        .fallback(|| async { errors::no_route() })
        .layer(from_fn_with_state(app, intercept::intercept))
}

/// Every operation that speaks `application/json`, but the Profile API's.
fn endpoints() -> Vec<(&'static str, MethodRouter<Arc<AppState>>)> {
    vec![
        (ops::PURCHASES_SET_TRANSACTION.http.path, post(purchases::set_transaction)),
        (ops::ACCESS_LEVELS_GRANT.http.path, post(purchases::grant)),
        // The migration guide's shorter spelling of the grant path.
        ("/api/v2/server-side-api/grant/access-level/", post(purchases::grant)),
        (ops::ACCESS_LEVELS_REVOKE.http.path, post(purchases::revoke)),
        (ops::PURCHASES_VALIDATE_PADDLE.http.path, post(purchases::validate_paddle)),
        (ops::REFUND_SAVER_GET.http.path, get(settings::refund_saver).post(settings::refund_saver)),
        (ops::INTEGRATIONS_GET.http.path, get(settings::integration_identifiers).post(settings::integration_identifiers)),
        (ops::PAYWALLS_LIST.http.path, get(paywalls::list)),
        (ops::PAYWALLS_GET.http.path, get(paywalls::get).put(paywalls::update)),
        (ops::VIRTUAL_CURRENCY_LIST_TRANSACTIONS.http.path, get(virtual_currency::history).post(virtual_currency::create)),
        (ops::VIRTUAL_CURRENCY_BALANCES.http.path, get(virtual_currency::balances)),
        (ops::WEB_GET_PAYWALL.http.path, post(web::get_paywall)),
        (ops::WEB_RECORD_PAYWALL_VIEW.http.path, post(web::record_paywall_view)),
        (ops::WEB_ADD_ATTRIBUTION.http.path, post(web::add_attribution)),
        (ops::MAIL_SAVE_PROFILE.http.path, post(mail::save_profile)),
        (ops::MAIL_DELETE_PROFILE.http.path, post(mail::delete_profile)),
        (ops::MAIL_SAVE_TRANSACTION_EVENT.http.path, post(mail::save_transaction_event)),
        (ops::LEGACY_GET_PROFILE.http.path, get(legacy::profile).patch(legacy::profile)),
        (ops::LEGACY_CREATE_PROFILE.http.path, post(legacy::create)),
        (ops::LEGACY_DELETE_PROFILE.http.path, delete(legacy::delete)),
        (ops::LEGACY_GRANT.http.path, post(legacy::grant)),
        (ops::LEGACY_REVOKE.http.path, post(legacy::revoke)),
    ]
}

/// The Profile API's paths: both generations, both spellings, with and without the slash.
fn profile_paths() -> Vec<String> {
    let mut paths = Vec::new();
    for version in ["v1", "v2"] {
        for name in ["profile", "profiles"] {
            let p = format!("/api/{version}/server-side-api/{name}");
            paths.push(format!("{p}/"));
            paths.push(p);
        }
    }
    paths
}

/// `path` (an endpoint of the SDK's manifest), with and without the trailing slash; a
/// server-side path also under the other generation's prefix (`/api/v1/server-side-api/`).
fn spellings(path: &str) -> Vec<String> {
    let mut paths = vec![path.to_owned()];
    if let Some(suffix) = path.strip_prefix("/api/v2/server-side-api") {
        paths.push(format!("/api/v1/server-side-api{suffix}"));
    }
    let bare = paths.iter().map(|p| p.trim_end_matches('/').to_owned());
    // A path written without the slash (the legacy delete) is served with it too.
    bare.flat_map(|p| [format!("{p}/"), p]).collect()
}
