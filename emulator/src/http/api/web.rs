//! The Web API (`/api/v2/web-api/`): a placement's paywall, paywall views and attribution, with
//! the error codes and wording Adapty's Web API pages show (`parse_error`, `datetime`, `enum`,
//! `VARIATION_DOES_NOT_EXIST_ERROR`, `profile_does_not_exist`). The public key is checked like the
//! secret one: any key, unless the emulator was given one.

// Readers return the HTTP answer itself as their error; boxing it would buy nothing here.
#![allow(clippy::result_large_err)]

use adapty_server::{ATTRIBUTION_STATUSES, AttributionParams, PaywallViewParams, Timestamp, WebPaywallParams};
use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::domain::profiles::Ids;
use crate::domain::web::{self, Error, Shown, derived_id};
use crate::http::errors;
use crate::http::request::{api_key, json_body};
use crate::http::tenant::App;
use crate::state::profile::PaywallView;

/// The body as JSON, the profile it names (`customer_user_id` or `profile_id`) and the rest read
/// into `T`, after the key.
fn read<T: serde::de::DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<(Ids, T), Response> {
    if api_key(headers).is_none() {
        return Err(errors::not_authenticated());
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| errors::parse_error(&e.to_string()))?;
    let text = |key: &str| value.get(key).and_then(Value::as_str).filter(|v| !v.is_empty());
    let profile_id = match text("profile_id") {
        Some(raw) => Some(Uuid::parse_str(raw).map_err(|_| errors::validation("profile_id", &format!("'{raw}' is not a valid UUID")))?),
        None => None,
    };
    let ids = Ids { profile_id, customer_user_id: text("customer_user_id").map(str::to_owned) };
    if ids.profile_id.is_none() && ids.customer_user_id.is_none() {
        return Err(errors::validation("non_field_errors", "Either customer_user_id or profile_id is required"));
    }
    Ok((ids, json_body(body)?))
}

fn refused(e: Error, placement_id: &str) -> Response {
    match e {
        Error::ProfileNotFound => errors::profile_not_found(),
        Error::NoVariation => errors::nested(
            StatusCode::NOT_FOUND,
            "VARIATION_DOES_NOT_EXIST_ERROR",
            None,
            &[&format!("Variation for {placement_id} does not exist.")],
        ),
    }
}

/// `POST /paywall/`: the placement's paywall, its products and remote config.
pub async fn get_paywall(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    let (ids, params) = match read::<WebPaywallParams>(&headers, &body) {
        Ok(read) => read,
        Err(resp) => return resp,
    };
    if let Err(e) = params.validate() {
        return errors::validation(&e.field, &e.message);
    }
    let state = app.lock();
    match web::paywall(&state, &ids, &params.placement_id) {
        Ok(shown) => Json(paywall_json(&shown, params.locale.as_deref())).into_response(),
        Err(e) => refused(e, &params.placement_id),
    }
}

/// The Web API's paywall object.
fn paywall_json(shown: &Shown<'_>, locale: Option<&str>) -> Value {
    let language = |l: &str| l.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    let configs = &shown.paywall.remote_configs;
    let config = locale
        .and_then(|l| configs.iter().find(|c| language(&c.locale) == language(l)))
        .or_else(|| configs.first())
        .map(|c| json!({ "lang": c.locale, "data": c.data }));
    let products: Vec<Value> = shown
        .products
        .iter()
        .map(|(p, eligible)| {
            json!({
                "title": p.store_product_id,
                "is_consumable": p.consumable,
                "adapty_product_id": derived_id(&["product", &p.store_product_id]),
                "vendor_product_id": p.store_product_id,
                "introductory_offer_eligibility": eligible,
                "promotional_offer_eligibility": !eligible,
                "base_plan_id": null,
                "offer": null,
            })
        })
        .collect();
    let mut paywall = json!({
        "placement_id": shown.placement.developer_id,
        "variation_id": shown.variation_id,
        "paywall_id": shown.paywall.paywall_id,
        "paywall_name": shown.paywall.title,
        "products": products,
    });
    // Optional in the spec, and never null in Adapty's examples: left out when there is none.
    if let Some(name) = &shown.placement.ab_test_name {
        paywall["ab_test_name"] = json!(name);
    }
    if let Some(config) = config {
        paywall["remote_config"] = config;
    }
    paywall
}

/// `POST /paywall/visit/`: records the view; 201 with no body.
pub async fn record_paywall_view(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    let visited_at = serde_json::from_slice::<Value>(&body).ok().and_then(|v| v.get("visited_at").cloned());
    if let Some(Value::String(text)) = &visited_at {
        if Timestamp::parse(text).is_none() {
            // Adapty's own body repeats the message.
            let message = "invalid datetime format";
            return errors::nested(StatusCode::BAD_REQUEST, "datetime", Some("visited_at"), &[message, message]);
        }
    }
    let (ids, params) = match read::<PaywallViewParams>(&headers, &body) {
        Ok(read) => read,
        Err(resp) => return resp,
    };
    if let Err(e) = params.validate() {
        return errors::validation(&e.field, &e.message);
    }
    let mut state = app.lock();
    let view = PaywallView { variation_id: params.variation_id, store: params.store, visited_at: params.visited_at.unwrap_or(state.now()) };
    match web::record_view(&mut state, &ids, view) {
        Ok(()) => StatusCode::CREATED.into_response(),
        Err(e) => refused(e, ""),
    }
}

/// `POST /attribution/`: sets the profile's attribution; 201 with no body.
pub async fn add_attribution(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    let status = serde_json::from_slice::<Value>(&body).ok().and_then(|v| v.get("status").cloned());
    if status.is_some_and(|s| !s.as_str().is_some_and(|s| ATTRIBUTION_STATUSES.contains(&s))) {
        let message = "value is not a valid enumeration member; permitted: 'organic', 'non_organic', 'unknown'";
        return errors::nested(StatusCode::BAD_REQUEST, "enum", Some("status"), &[message]);
    }
    let (ids, params) = match read::<AttributionParams>(&headers, &body) {
        Ok(read) => read,
        Err(resp) => return resp,
    };
    let mut attribution = match serde_json::to_value(&params) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    attribution.retain(|_, v| !v.is_null());
    match web::set_attribution(&mut app.lock(), &ids, attribution) {
        Ok(()) => StatusCode::CREATED.into_response(),
        Err(e) => refused(e, ""),
    }
}
