//! The whole service: the API behind the journal/fault layer, and beside it the control plane,
//! whose routes are its description's (`http/control/routes`): a route that is not
//! described is not served.

use std::sync::Arc;

use axum::Router;

use crate::http::api;
use crate::http::control::routes::ROUTES;
use crate::state::tenants::{AppState, Settings};

/// The service and its state.
pub fn service(settings: Settings) -> (Router, Arc<AppState>) {
    let app = Arc::new(AppState::new(settings));
    let control = ROUTES.iter().fold(Router::new(), |router, route| router.route(route.path, (route.handler)(route.method.filter())));
    (api::routes::router(app.clone()).merge(control).with_state(app.clone()), app)
}

/// The whole service, for serving it yourself (the fuzz target drives it without a socket).
pub fn router(settings: Settings) -> Router {
    service(settings).0
}
