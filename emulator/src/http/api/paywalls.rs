//! Paywalls: the page-numbered list, get, and the remote-config update (which replaces all).

use std::collections::HashMap;

use adapty_server::{MAX_PAYWALL_PAGE_SIZE, PaywallUpdateParams};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::domain::paywalls;
use crate::http::errors;
use crate::http::request::{authenticate, json_body};
use crate::http::tenant::App;

fn not_found() -> Response {
    errors::nested(StatusCode::NOT_FOUND, "paywall_does_not_exist", None, &["Paywall not found"])
}

/// `GET /paywalls/?page=&page_size=` (also `page[number]`/`page[size]`, the OpenAPI names).
pub async fn list(App(app): App, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    if let Err(resp) = authenticate(&app, &headers) {
        return resp;
    }
    let param = |a: &str, b: &str| q.get(a).or_else(|| q.get(b)).map(|v| v.parse::<u32>().ok());
    let page_size = match param("page_size", "page[size]") {
        None => 20,
        Some(Some(n)) if (1..=MAX_PAYWALL_PAGE_SIZE).contains(&n) => n,
        Some(_) => return errors::validation("page_size", "Invalid page_size parameter. Must be between 1 and 100."),
    };
    let page = match param("page", "page[number]") {
        None => 1,
        Some(Some(n)) if n >= 1 => n,
        Some(_) => return errors::validation("page", "Invalid page parameter. Must be a positive integer."),
    };
    Json(paywalls::page(&app.lock(), page, page_size)).into_response()
}

pub async fn get(App(app): App, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(resp) = authenticate(&app, &headers) {
        return resp;
    }
    match paywalls::get(&app.lock(), &id) {
        Some(p) => Json(p).into_response(),
        None => not_found(),
    }
}

pub async fn update(App(app): App, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    if let Err(resp) = authenticate(&app, &headers) {
        return resp;
    }
    let params = match json_body::<PaywallUpdateParams>(&body) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    if params.remote_configs.is_empty() {
        return errors::validation("remote_configs", "At least one field must be provided");
    }
    if let Err(e) = params.validate() {
        return errors::rule(&e);
    }
    match paywalls::update(&mut app.lock(), &id, params) {
        Some(p) => Json(p).into_response(),
        None => not_found(),
    }
}
