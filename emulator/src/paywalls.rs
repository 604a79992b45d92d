//! Paywalls: the page-numbered list, get, and the remote-config update (which replaces all).

use adapty_server::ops::manifest as ops;
use adapty_server::{MAX_PAYWALL_PAGE_SIZE, Paywall, PaywallUpdateParams};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing;
use serde_json::{Value, json};
use std::collections::HashMap;

use crate::Routes;
use crate::errors;
use crate::profiles::{authenticate, json_body};
use crate::state::App;

/// This module's endpoints.
pub(crate) fn routes() -> Routes {
    vec![(ops::PAYWALLS_LIST.http.path, routing::get(list)), (ops::PAYWALLS_GET.http.path, routing::get(get).put(update))]
}

fn not_found() -> Response {
    errors::nested(StatusCode::NOT_FOUND, "paywall_does_not_exist", None, &["Paywall not found"])
}

/// A list item: the paywall without `remote_configs` and `main_screenshot`.
fn list_item(p: &Paywall) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or_default();
    if let Value::Object(m) = &mut v {
        m.remove("remote_configs");
        m.remove("main_screenshot");
    }
    v
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
    let state = app.lock();
    let all = &state.catalog.paywalls;
    let pages = all.len().div_ceil(page_size as usize).max(1);
    let data: Vec<Value> = all.iter().skip((page as usize - 1) * page_size as usize).take(page_size as usize).map(list_item).collect();
    Json(json!({ "data": data, "meta": { "pagination": { "count": all.len(), "page": page, "pages": pages } } })).into_response()
}

pub async fn get(App(app): App, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(resp) = authenticate(&app, &headers) {
        return resp;
    }
    let state = app.lock();
    match state.catalog.paywalls.iter().find(|p| p.paywall_id == id) {
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
    let mut state = app.lock();
    let now = state.now();
    match state.catalog.paywalls.iter_mut().find(|p| p.paywall_id == id) {
        Some(p) => {
            p.remote_configs = params.remote_configs;
            p.updated_at = now;
            Json(&*p).into_response()
        }
        None => not_found(),
    }
}
