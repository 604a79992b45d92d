//! The app a request addresses, as a handler's argument ([`App`]): by its `Authorization` key, or
//! by id in the [`TENANT_HEADER`] (the web UI's way: it never learns the keys).

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;

use crate::domain::{lifecycle, tenants};
use crate::http::{errors, request};
use crate::state::tenants::{AppState, Tenant};

/// The header that addresses a tenant by its [`Tenant::id`] instead of its key.
pub const TENANT_HEADER: &str = "x-emulator-tenant";

/// The app a request addresses: with an app per key, the one of its `Authorization: Api-Key`
/// (made on first use; a public key, `public_...`, is none) or of its [`TENANT_HEADER`];
/// otherwise, and without either, the default one. A tenant id that names no tenant is answered
/// 404.
pub struct App(pub Arc<Tenant>);

impl FromRequestParts<Arc<AppState>> for App {
    type Rejection = Response;

    /// Also runs what the app's time has brought since its last request.
    async fn from_request_parts(parts: &mut Parts, all: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let tenant = match parts.headers.get(TENANT_HEADER) {
            Some(id) => all.tenant_by_id(id.as_bytes()).ok_or_else(errors::unknown_tenant)?,
            // A public key (the Web API's) names no app of its own: nothing ties it to its app's
            // secret key, so it reaches the default app, or the one the header names.
            None => tenants::open(all, request::api_key(&parts.headers).filter(|key| !key.starts_with("public_"))),
        };
        lifecycle::catch_up(&tenant);
        Ok(App(tenant))
    }
}
