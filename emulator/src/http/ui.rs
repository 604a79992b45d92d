//! The web UI at `/__emulator/ui/`: three static files compiled into the binary (no CDN, no
//! build step), a page that does everything through the control plane like any other client,
//! finding its routes in the control plane's OpenAPI document. Its routes are described with the
//! control plane's, in its description.

use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};

/// The page may load only its own files and talk only to its own origin.
const POLICY: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

pub const PAGE: &str = "/__emulator/ui/";
pub const HTML: &str = "text/html; charset=utf-8";
pub const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
pub const CSS: &str = "text/css; charset=utf-8";

fn file(content_type: &'static str, body: &'static str) -> Response {
    ([(CONTENT_TYPE, content_type), (CACHE_CONTROL, "no-cache"), (CONTENT_SECURITY_POLICY, POLICY)], body).into_response()
}

/// `/__emulator/ui` goes to the page, so its relative links resolve.
pub async fn redirect() -> Redirect {
    Redirect::permanent(PAGE)
}

pub async fn page() -> Response {
    file(HTML, include_str!("../../ui/index.html"))
}

pub async fn script() -> Response {
    file(JAVASCRIPT, include_str!("../../ui/app.js"))
}

pub async fn style() -> Response {
    file(CSS, include_str!("../../ui/app.css"))
}
