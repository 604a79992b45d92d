//! Content negotiation as Adapty's servers (Django REST framework) do it, for the one media type
//! each endpoint documents: an `Accept` that admits it in none of its ranges is 406, a body of
//! another `Content-Type` is 415. So a client sending `Accept: application/json` to the JSON:API
//! Stripe endpoint fails here as it would in production.

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::http::errors;

const JSON: &str = "application/json";
const JSON_API: &str = "application/vnd.api+json";

/// Layer of the endpoints that speak `application/json`.
pub async fn json(req: Request, next: Next) -> Response {
    negotiate(JSON, req, next).await
}

/// Layer of the endpoints that speak JSON:API (`application/vnd.api+json`).
pub async fn json_api(req: Request, next: Next) -> Response {
    negotiate(JSON_API, req, next).await
}

async fn negotiate(media: &str, req: Request, next: Next) -> Response {
    if !accepts(req.headers(), media) {
        return errors::nested(StatusCode::NOT_ACCEPTABLE, "not_acceptable", None, &["Could not satisfy the request Accept header."]);
    }
    if let Some(sent) = body_type(req.headers()) {
        if !sent.eq_ignore_ascii_case(media) {
            let message = format!("Unsupported media type \"{sent}\" in request.");
            return errors::nested(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", None, &[&message]);
        }
    }
    next.run(req).await
}

/// Whether the `Accept` header (absent: anything) admits `media`: an exact type, `type/*` or
/// `*/*`, parameters ignored but for `q=0`, which refuses.
fn accepts(headers: &HeaderMap, media: &str) -> bool {
    let values: Vec<&str> = headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).collect();
    if values.is_empty() {
        return true;
    }
    let (kind, _) = media.split_once('/').unwrap_or((media, ""));
    values.iter().flat_map(|v| v.split(',')).any(|range| {
        let mut parts = range.split(';').map(str::trim);
        let name = parts.next().unwrap_or_default();
        let refused = parts.any(|p| p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()) == Some(0.0));
        let matches =
            name == "*/*" || name.eq_ignore_ascii_case(media) || name.strip_suffix("/*").is_some_and(|t| t.eq_ignore_ascii_case(kind));
        matches && !refused
    })
}

/// The media type of the request body, without parameters (`; charset=utf-8`), if it says one.
fn body_type(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(value.split(';').next().unwrap_or_default().trim()).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, value.parse().unwrap());
        h
    }

    #[test]
    fn accept_ranges() {
        assert!(accepts(&HeaderMap::new(), JSON_API));
        assert!(accepts(&accept("*/*"), JSON_API));
        assert!(accepts(&accept("application/*"), JSON_API));
        assert!(accepts(&accept("text/html, application/vnd.api+json; q=0.9"), JSON_API));
        assert!(!accepts(&accept("application/json"), JSON_API));
        assert!(!accepts(&accept("application/vnd.api+json;q=0"), JSON_API));
        assert!(accepts(&accept("Application/JSON"), JSON));
    }
}
