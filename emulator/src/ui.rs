//! The web UI at `/__emulator/ui/`: three static files compiled into the binary (no CDN, no
//! build step), a page that does everything through the control plane like any other client.

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

/// The page may load only its own files and talk only to its own origin.
const POLICY: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

fn file(content_type: &'static str, body: &'static str) -> Response {
    ([(CONTENT_TYPE, content_type), (CACHE_CONTROL, "no-cache"), (CONTENT_SECURITY_POLICY, POLICY)], body).into_response()
}

/// The UI's routes; `/__emulator/ui` redirects to the page so its relative links resolve.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/__emulator/ui", get(|| async { Redirect::permanent("/__emulator/ui/") }))
        .route("/__emulator/ui/", get(|| async { file("text/html; charset=utf-8", include_str!("../ui/index.html")) }))
        .route("/__emulator/ui/app.js", get(|| async { file("text/javascript; charset=utf-8", include_str!("../ui/app.js")) }))
        .route("/__emulator/ui/app.css", get(|| async { file("text/css; charset=utf-8", include_str!("../ui/app.css")) }))
}
