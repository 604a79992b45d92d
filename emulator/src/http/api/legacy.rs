//! The legacy server-side API (`/api/v1/sdk/profiles/...`) over the same profiles as v2: the user
//! in the path (Base64URL-decoded with `is_user_id_base64url_encoded=1`), its profile keyed by
//! access level and product, timestamps as v1 wrote them (`2020-02-21T16:30:34.000000+0000`).
//! Adapty documents no legacy error bodies; these answer in v2's nested shape.

// Readers return the HTTP answer itself as their error; boxing it would buy nothing here.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, HashMap};

use adapty_server::{
    AccessLevel, CustomAttribute, CustomAttributes, Field, GrantAccessParams, LegacyGrantParams, LegacyProfileParams, LegacyRevokeParams,
    OfferCategory, ProfileParams, RevokeAccessParams, Subscription, Timestamp,
};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::domain::profiles::{self, Ids, Write};
use crate::domain::{legacy, purchases};
use crate::http::api::purchases::refusal;
use crate::http::errors;
use crate::http::request::{authenticate, json_body};
use crate::http::tenant::App;
use crate::state::profile::StoredProfile;
use crate::state::tenants::Tenant;

/// The fields `extended` adds that the emulator keeps no value for.
const LEGACY_EXTENDED_UNKEPT: [&str; 12] = [
    "att_status",
    "username",
    "idfa",
    "idfv",
    "advertising_id",
    "appsflyer_id",
    "amplitude_user_id",
    "amplitude_device_id",
    "mixpanel_user_id",
    "appmetrica_profile_id",
    "appmetrica_device_id",
    "facebook_anonymous_id",
];

/// The path's user id, decoded when the query says it is Base64URL.
fn user_id(raw: &str, query: &HashMap<String, String>) -> Result<String, Response> {
    if query.get("is_user_id_base64url_encoded").is_none_or(|v| v != "1" && v != "true") {
        return Ok(raw.to_owned());
    }
    decode_base64url(raw)
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| errors::validation("is_user_id_base64url_encoded", &format!("'{raw}' is not a Base64URL-encoded user id")))
}

/// Base64URL, with or without `=` padding; plain Base64's `+` and `/` are refused.
fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text
        .trim_end_matches('=')
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' => Some(b - b'A'),
            b'a'..=b'z' => Some(b - b'a' + 26),
            b'0'..=b'9' => Some(b - b'0' + 52),
            b'-' => Some(62),
            b'_' => Some(63),
            _ => None,
        })
        .collect::<Option<_>>()?;
    if digits.len() % 4 == 1 {
        return None;
    }
    let bits = digits.iter().fold(Vec::new(), |mut out, d| {
        out.extend((0..6).rev().map(|i| (d >> i) & 1));
        out
    });
    Some(bits.chunks_exact(8).map(|byte| byte.iter().fold(0u8, |n, b| n << 1 | b)).collect())
}

/// v1's timestamps: microseconds and a `+0000` offset.
fn time(t: Option<Timestamp>) -> Value {
    t.map_or(Value::Null, |t| Value::String(t.0.format("%Y-%m-%dT%H:%M:%S%.6f%z").to_string()))
}

/// What an access level and a subscription share, to write as v1 names it.
struct Held<'a> {
    store: String,
    product: &'a str,
    base_plan: &'a Option<String>,
    transaction: &'a Option<String>,
    original: &'a Option<String>,
    offer: &'a Option<adapty_server::Offer>,
    starts_at: Option<Timestamp>,
    purchased_at: Option<Timestamp>,
    originally_purchased_at: Option<Timestamp>,
    expires_at: Option<Timestamp>,
    renewal_cancelled_at: Option<Timestamp>,
    billing_issue_detected_at: Option<Timestamp>,
    in_grace: bool,
    reason: Option<String>,
}

impl<'a> From<&'a AccessLevel> for Held<'a> {
    fn from(l: &'a AccessLevel) -> Self {
        Held {
            store: l.store.to_string(),
            product: &l.store_product_id,
            base_plan: &l.store_base_plan_id,
            transaction: &l.store_transaction_id,
            original: &l.store_original_transaction_id,
            offer: &l.offer,
            starts_at: l.starts_at,
            purchased_at: l.purchased_at,
            originally_purchased_at: l.originally_purchased_at,
            expires_at: l.expires_at,
            renewal_cancelled_at: l.renewal_cancelled_at,
            billing_issue_detected_at: l.billing_issue_detected_at,
            in_grace: l.is_in_grace_period,
            reason: l.cancellation_reason.as_ref().map(ToString::to_string),
        }
    }
}

impl<'a> From<&'a Subscription> for Held<'a> {
    fn from(s: &'a Subscription) -> Self {
        Held {
            store: s.store.to_string(),
            product: &s.store_product_id,
            base_plan: &s.store_base_plan_id,
            transaction: &s.store_transaction_id,
            original: &s.store_original_transaction_id,
            offer: &s.offer,
            starts_at: None,
            purchased_at: s.purchased_at,
            originally_purchased_at: s.originally_purchased_at,
            expires_at: s.expires_at,
            renewal_cancelled_at: s.renewal_cancelled_at,
            billing_issue_detected_at: s.billing_issue_detected_at,
            in_grace: s.is_in_grace_period,
            reason: s.cancellation_reason.as_ref().map(ToString::to_string),
        }
    }
}

impl Held<'_> {
    /// v1's fields at `now`.
    fn json(&self, now: Timestamp) -> Map<String, Value> {
        let of = |category: OfferCategory| self.offer.as_ref().filter(|o| o.category == category);
        let is_active = self.expires_at.is_none_or(|end| end > now) && self.starts_at.is_none_or(|start| start <= now);
        let fields = json!({
            "is_active": is_active,
            "is_lifetime": self.expires_at.is_none(),
            "expires_at": time(self.expires_at),
            "starts_at": time(self.starts_at),
            "will_renew": is_active && self.expires_at.is_some() && self.renewal_cancelled_at.is_none(),
            "vendor_product_id": self.product,
            "base_plan_id": self.base_plan,
            "vendor_transaction_id": self.transaction,
            "vendor_original_transaction_id": self.original,
            "store": self.store,
            "activated_at": time(self.originally_purchased_at),
            "renewed_at": time(self.purchased_at),
            "unsubscribed_at": time(self.renewal_cancelled_at),
            "billing_issue_detected_at": time(self.billing_issue_detected_at),
            "is_in_grace_period": self.in_grace,
            "active_introductory_offer_type": of(OfferCategory::Introductory).map(|o| o.offer_type.to_string()),
            "active_promotional_offer_type": of(OfferCategory::Promotional).map(|o| o.offer_type.to_string()),
            "active_promotional_offer_id": of(OfferCategory::Promotional).and_then(|o| o.id.clone()),
            "cancellation_reason": self.reason,
        });
        match fields {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }
}

fn access_level(l: &AccessLevel, now: Timestamp) -> Value {
    let mut item = Held::from(l).json(now);
    item.insert("id".into(), json!(l.access_level_id));
    Value::Object(item)
}

fn subscription(s: &Subscription, now: Timestamp) -> Value {
    let mut item = Held::from(s).json(now);
    item.insert("is_sandbox".into(), json!(s.environment.as_ref().is_some_and(|e| e.as_str() == "Sandbox")));
    Value::Object(item)
}

/// The profile as v1 answers it, extended (`extended` adds the personal fields).
fn profile_json(app: &Tenant, stored: &StoredProfile, now: Timestamp, extended: bool) -> Response {
    let api = stored.to_api(app.settings.app_id, now);
    let levels: BTreeMap<&str, Value> = api.access_levels.iter().map(|l| (l.access_level_id.as_str(), access_level(l, now))).collect();
    let subscriptions: BTreeMap<&str, Value> =
        api.subscriptions.iter().map(|s| (s.store_product_id.as_str(), subscription(s, now))).collect();
    let mut one_time: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for n in &api.non_subscriptions {
        one_time.entry(n.store_product_id.as_str()).or_default().push(json!({
            "purchase_id": n.purchase_id,
            "vendor_product_id": n.store_product_id,
            "vendor_transaction_id": n.store_transaction_id,
            "vendor_original_transaction_id": n.store_original_transaction_id,
            "store": n.store.to_string(),
            "purchased_at": time(n.purchased_at),
            "is_one_time": n.is_consumable,
            "is_sandbox": n.environment.as_ref().is_some_and(|e| e.as_str() == "Sandbox"),
        }));
    }
    let attributes: Map<String, Value> =
        api.custom_attributes.iter().map(|a| (a.key.clone(), serde_json::to_value(&a.value).unwrap_or(Value::Null))).collect();
    let mut data = json!({
        "app_id": api.app_id,
        "profile_id": api.profile_id,
        "customer_user_id": api.customer_user_id,
        "paid_access_levels": levels,
        "subscriptions": subscriptions,
        "non_subscriptions": if one_time.is_empty() { Value::Null } else { json!(one_time) },
        "custom_attributes": attributes,
        "total_revenue_usd": api.total_revenue_usd,
    });
    if extended {
        for key in ["email", "phone_number", "first_name", "last_name", "gender", "birthday"] {
            data[key] = stored.fields.get(key).cloned().unwrap_or(Value::Null);
        }
        // What the emulator does not keep (device and integration ids) is null, as Adapty's is
        // for a profile without them.
        for key in LEGACY_EXTENDED_UNKEPT {
            data[key] = Value::Null;
        }
        data["created_at"] = time(Some(now));
    }
    Json(json!({ "data": data })).into_response()
}

/// The profile `ids` names, as v1 answers it.
fn answer(app: &Tenant, ids: &Ids, extended: bool) -> Response {
    let state = app.lock();
    match profiles::get(&state, ids) {
        Ok(stored) => profile_json(app, stored, state.now(), extended),
        Err(_) => errors::profile_not_found(),
    }
}

/// Authenticates and reads the path's user.
fn prelude(app: &Tenant, headers: &HeaderMap, raw: &str, query: &HashMap<String, String>) -> Result<Ids, Response> {
    authenticate(app, headers)?;
    let user = user_id(raw, query)?;
    Ok(legacy::ids(&app.lock(), &user))
}

/// v1's profile fields as v2's: the same fields, the attributes a map.
fn v2_fields(params: LegacyProfileParams) -> ProfileParams {
    let attributes =
        params.custom_attributes.map(|map| CustomAttributes(map.into_iter().map(|(key, value)| CustomAttribute { key, value }).collect()));
    ProfileParams {
        email: params.email,
        phone_number: params.phone_number,
        first_name: params.first_name,
        last_name: params.last_name,
        gender: params.gender,
        birthday: params.birthday,
        ip_country: params.ip_country,
        custom_attributes: attributes.map_or(Field::Unset, Field::Value),
        ..ProfileParams::default()
    }
}

/// `GET`, `PATCH /profiles/{user}/`.
pub async fn profile(
    App(app): App,
    method: axum::http::Method,
    headers: HeaderMap,
    Path(raw): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let ids = match prelude(&app, &headers, &raw, &query) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    if method == axum::http::Method::GET {
        return answer(&app, &ids, query.contains_key("extended"));
    }
    let params = match json_body::<LegacyProfileParams>(&body) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    if let Err(e) = params.validate() {
        return errors::rule(&e);
    }
    let written = profiles::write(&mut app.lock(), &ids, Write::Update, v2_fields(params), None).map(drop);
    match written {
        Ok(()) => answer(&app, &ids, false),
        Err(_) => errors::profile_not_found(),
    }
}

/// `POST /profiles/`: creates (or finds) the profile of `customer_user_id`.
pub async fn create(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(resp) = authenticate(&app, &headers) {
        return resp;
    }
    let params = match json_body::<LegacyProfileParams>(&body) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    if let Err(e) = params.validate_create() {
        return errors::rule(&e);
    }
    let ids = Ids { profile_id: None, customer_user_id: params.customer_user_id.clone() };
    // The lock is let go before `answer` takes it again.
    let written = profiles::write(&mut app.lock(), &ids, Write::Create, v2_fields(params), None).map(drop);
    match written {
        Ok(()) => answer(&app, &ids, false),
        Err(_) => errors::validation("customer_user_id", "cannot create this profile"),
    }
}

/// `DELETE /profiles/{user}/delete`: 204.
pub async fn delete(App(app): App, headers: HeaderMap, Path(raw): Path<String>, Query(query): Query<HashMap<String, String>>) -> Response {
    let ids = match prelude(&app, &headers, &raw, &query) {
        Ok(ids) => ids,
        Err(resp) => return resp,
    };
    match profiles::delete(&mut app.lock(), &ids) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(_) => errors::profile_not_found(),
    }
}

/// The user a grant or revoke names and its body, read after the key.
fn level_request<T: serde::de::DeserializeOwned>(
    app: &Tenant,
    headers: &HeaderMap,
    raw: &str,
    query: &HashMap<String, String>,
    body: &[u8],
) -> Result<(Ids, T), Response> {
    let ids = prelude(app, headers, raw, query)?;
    Ok((ids, json_body::<T>(body)?))
}

/// `POST /profiles/{user}/paid-access-levels/{level}/grant/`.
pub async fn grant(
    App(app): App,
    headers: HeaderMap,
    Path((raw, level)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (ids, params) = match level_request::<LegacyGrantParams>(&app, &headers, &raw, &query, &body) {
        Ok(read) => read,
        Err(resp) => return resp,
    };
    if let Err(e) = params.validate() {
        return errors::rule(&e);
    }
    let expires_at = legacy::grant_end(&app.lock(), &ids, &level, &params);
    let grant = GrantAccessParams { access_level_id: level, starts_at: params.starts_at, expires_at };
    match purchases::grant(&app, &ids, &grant) {
        Ok(_) => answer(&app, &ids, false),
        Err(e) => refusal(e),
    }
}

/// `POST /profiles/{user}/paid-access-levels/{level}/revoke/`.
pub async fn revoke(
    App(app): App,
    headers: HeaderMap,
    Path((raw, level)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (ids, params) = match level_request::<LegacyRevokeParams>(&app, &headers, &raw, &query, &body) {
        Ok(read) => read,
        Err(resp) => return resp,
    };
    let revoke = RevokeAccessParams { access_level_id: level.clone(), revoke_at: None };
    match purchases::revoke(&app, &ids, &revoke) {
        Ok(_) => {
            if params.is_refund {
                legacy::refund(&mut app.lock(), &ids, &level);
            }
            answer(&app, &ids, false)
        }
        Err(e) => refusal(e),
    }
}
