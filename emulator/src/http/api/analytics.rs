//! The Export Analytics API (`api-admin.adapty.io/api/v1/client-api/`): the six `metrics/*`
//! reports and the placements export, at the paths of the SDK's manifest. Each request is
//! checked in this order: the secret key (401), Adapty's 2 requests per second per key (429 with
//! `Retry-After: 1`), the body (400), the `Adapty-Tz` zone (400). The metrics answer JSON or, with
//! `"format": "csv"`, CSV; the placements choose by `Accept`.

// Readers return the HTTP answer itself as their error, as `http::request`'s do; boxing it would
// buy nothing here.
#![allow(clippy::result_large_err)]

use std::sync::Arc;
use std::time::Instant;

use adapty_server::ValidationError;
use adapty_server::ops::manifest as ops;
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};
use chrono_tz::Tz;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::domain::analytics::{self, Report};
use crate::http::errors;
use crate::http::request::{api_key, authenticate, header as header_value, json_body};
use crate::http::tenant::App;
use crate::state::app::Inner;
use crate::state::tenants::{AppState, Tenant};

/// The 429's body: Adapty documents the status and this sentence, not a body, so it is the
/// nested shape of the API's other errors.
const RATE_LIMITED: &str = "Rate limit exceeded. Maximum 2 requests per second per API key.";

/// Each report at its manifest path (a CSV twin shares its report's path).
pub fn routes() -> [(&'static str, MethodRouter<Arc<AppState>>); 7] {
    [
        (ops::ANALYTICS_CHART.http.path, post(chart)),
        (ops::ANALYTICS_COHORTS.http.path, post(cohort)),
        (ops::ANALYTICS_CONVERSION.http.path, post(conversion)),
        (ops::ANALYTICS_FUNNEL.http.path, post(funnel)),
        (ops::ANALYTICS_LTV.http.path, post(ltv)),
        (ops::ANALYTICS_RETENTION.http.path, post(retention)),
        (ops::ANALYTICS_PLACEMENTS.http.path, post(placements)),
    ]
}

/// [`routes`] at every spelling of their paths (`spellings`: the API's own, with and without
/// the trailing slash). They negotiate their media types themselves (JSON or CSV), so they stay
/// out of the JSON-only layer.
pub fn router(spellings: impl Fn(&str) -> Vec<String>) -> Router<Arc<AppState>> {
    routes()
        .into_iter()
        .flat_map(|(path, handler)| spellings(path).into_iter().map(move |p| (p, handler.clone())))
        .fold(Router::new(), |router, (path, handler)| router.route(&path, handler.fallback(errors::wrong_method)))
}

/// How a report is answered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

async fn chart(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    metrics(&app, &headers, &body, analytics::chart)
}

async fn cohort(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    metrics(&app, &headers, &body, analytics::cohort)
}

async fn conversion(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    metrics(&app, &headers, &body, analytics::conversion)
}

async fn funnel(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    metrics(&app, &headers, &body, analytics::funnel)
}

async fn ltv(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    metrics(&app, &headers, &body, analytics::ltv)
}

async fn retention(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    metrics(&app, &headers, &body, analytics::retention)
}

async fn placements(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    answer(admitted(&app, &headers).and_then(|()| {
        let params: adapty_server::PlacementsParams = json_body(&body)?;
        let format = if prefers_csv(&headers) { Format::Csv } else { Format::Json };
        Ok((analytics::placements(&app.lock(), params.filters.placement_type), format))
    }))
}

/// A `metrics/*` report: its body read with the SDK's model, `format` beside it.
fn metrics<P: DeserializeOwned>(
    app: &Tenant,
    headers: &HeaderMap,
    body: &[u8],
    report: fn(&Inner, &P, Tz) -> Result<Report, ValidationError>,
) -> Response {
    answer(admitted(app, headers).and_then(|()| {
        let mut value: Value = json_body(body)?;
        let format = format(&value)?;
        periods_as_text(&mut value);
        let params: P = adapty_server::json::from_value_lenient(value).map_err(|e| errors::validation(&e.field, &e.message))?;
        let tz = zone(headers)?;
        let report = report(&app.lock(), &params, tz).map_err(|e| errors::validation(&e.field, &e.message))?;
        Ok((report, format))
    }))
}

/// The key is right and within its rate limit (which counts this request).
fn admitted(app: &Tenant, headers: &HeaderMap) -> Result<(), Response> {
    authenticate(app, headers)?;
    let key = api_key(headers).unwrap_or_default();
    if analytics::admit(&mut app.lock().analytics_requests, key, Instant::now()) {
        return Ok(());
    }
    let mut refused = errors::nested(StatusCode::TOO_MANY_REQUESTS, "rate_limit_exceeded", None, &[RATE_LIMITED]);
    refused.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    Err(refused)
}

/// The body's `format`: `json` (the default) or `csv`.
fn format(body: &Value) -> Result<Format, Response> {
    match body.get("format") {
        None | Some(Value::Null) => Ok(Format::Json),
        Some(Value::String(f)) if f == "json" => Ok(Format::Json),
        Some(Value::String(f)) if f == "csv" => Ok(Format::Csv),
        Some(other) => Err(errors::validation("format", &format!("{other} is not one of json, csv"))),
    }
}

/// Adapty's own examples send `from_period: 1` where its schema says a string: a number is
/// read as its text.
fn periods_as_text(body: &mut Value) {
    for key in ["from_period", "to_period"] {
        if let Some(n @ Value::Number(_)) = body.get_mut(key) {
            *n = Value::String(n.to_string());
        }
    }
}

/// The `Adapty-Tz` header's IANA zone; UTC without one.
fn zone(headers: &HeaderMap) -> Result<Tz, Response> {
    match header_value(headers, "adapty-tz") {
        None => Ok(Tz::UTC),
        Some(name) => name.parse().map_err(|_| errors::validation("Adapty-Tz", &format!("'{name}' is not an IANA time zone"))),
    }
}

/// Whether `Accept` asks for CSV before JSON (the placements export's only way to choose).
fn prefers_csv(headers: &HeaderMap) -> bool {
    let accept = header_value(headers, "accept").unwrap_or_default().to_ascii_lowercase();
    let at = |media: &str| accept.find(media).unwrap_or(usize::MAX);
    accept.contains("text/csv") && at("text/csv") < at("application/json")
}

fn answer(outcome: Result<(Report, Format), Response>) -> Response {
    match outcome {
        Ok((report, Format::Json)) => axum::Json(report.json).into_response(),
        Ok((report, Format::Csv)) => ([(header::CONTENT_TYPE, "text/csv")], csv(&report)).into_response(),
        Err(resp) => resp,
    }
}

/// The header line, then a line per row; a field holding a comma, quote or line break is
/// quoted (RFC 4180), lines end with `\n`.
fn csv(report: &Report) -> String {
    let line = |fields: &mut dyn Iterator<Item = &str>| fields.map(field).collect::<Vec<_>>().join(",") + "\n";
    let mut text = line(&mut report.header.iter().copied());
    for row in &report.rows {
        text += &line(&mut row.iter().map(String::as_str));
    }
    text
}

fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_has_a_route() {
        let paths: Vec<&str> = routes().iter().map(|(p, _)| *p).collect();
        assert_eq!(paths.len(), 7, "{paths:?}");
        assert!(paths.contains(&"/api/v1/client-api/exports/placements/"));
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        let report = Report { json: Value::Null, header: vec!["a", "b"], rows: vec![vec!["x,y".into(), "say \"hi\"".into()]] };
        assert_eq!(csv(&report), "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n");
    }
}
