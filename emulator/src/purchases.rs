//! Set transaction, grant and revoke access levels, and the Stripe and Paddle imports. A
//! transaction adds to the profile's subscriptions or non-subscriptions, its access levels and
//! its `total_revenue_usd`, consistently for every later read.

#![allow(clippy::result_large_err)]

use std::sync::Arc;

use adapty_server::ops::manifest as ops;
use adapty_server::{
    AccessLevel, CancellationReason, Environment, GrantAccessParams, NonSubscription, PaddleValidationParams, Price, PurchaseType,
    RevokeAccessParams, Store, Subscription, Timestamp, TransactionParams,
};
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::Routes;
use crate::catalog::Catalog;
use crate::errors;
use crate::profiles::{Ids, authenticate, create_or_attach, find, json_body, ok, prelude};
use crate::state::{App, Inner, StoredProfile, Tenant};
use crate::webhooks;

/// This module's endpoints.
pub(crate) fn routes() -> Routes {
    vec![
        (ops::PURCHASES_SET_TRANSACTION.http.path, post(set_transaction)),
        (ops::ACCESS_LEVELS_GRANT.http.path, post(grant)),
        // The migration guide's shorter spelling of the grant path.
        ("/api/v2/server-side-api/grant/access-level/", post(grant)),
        (ops::ACCESS_LEVELS_REVOKE.http.path, post(revoke)),
        (ops::PURCHASES_VALIDATE_PADDLE.http.path, post(validate_paddle)),
    ]
}

/// Runs `change` on the request's profile at the app's time (an unknown profile gets
/// `missing()`), then sends the webhooks `events` finds in what it changed (given the profile
/// before and after).
fn with_profile_mut(
    app: &Arc<Tenant>,
    ids: &Ids,
    missing: fn() -> Response,
    change: impl FnOnce(&mut StoredProfile, &Catalog, Timestamp) -> Result<(), Response>,
    events: impl FnOnce(&StoredProfile, &StoredProfile, Timestamp) -> Vec<webhooks::Event>,
) -> Response {
    let mut state = app.lock();
    let now = state.now();
    let Some(id) = find(&state, ids) else { return missing() };
    let Inner { profiles, catalog, schedule, .. } = &mut *state;
    let Some(profile) = profiles.get_mut(&id) else { return missing() };
    let before = profile.clone();
    if let Err(resp) = change(profile, catalog, now) {
        return resp;
    }
    schedule.touched(profile, now.0.to_utc());
    let after = profile.clone();
    webhooks::emit(app, &mut state, id, events(&before, &after, now));
    ok(&after, app.settings.app_id, now)
}

/// A profile-scoped request's ids and body, read and checked with the SDK's own rules.
fn checked_request<T: serde::de::DeserializeOwned>(
    app: &Tenant,
    headers: &HeaderMap,
    body: &[u8],
    validate: impl Fn(&T) -> Result<(), adapty_server::ValidationError>,
) -> Result<(Ids, T), Response> {
    let ids = prelude(app, headers)?;
    let params = json_body::<T>(body)?;
    validate(&params).map_err(|e| errors::rule(&e))?;
    Ok((ids, params))
}

pub async fn set_transaction(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    let (ids, params) = match checked_request(&app, &headers, &body, TransactionParams::validate) {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let change = |profile: &mut StoredProfile, catalog: &Catalog, now| {
        record(profile, catalog, &params, now);
        Ok(())
    };
    with_profile_mut(&app, &ids, errors::profile_does_not_exist_400, change, |before, after, now| {
        let mut events = webhooks::transaction_events(before, after, &params, usd(&params.price), now);
        events.extend(webhooks::access_events(before, after, false, now));
        events
    })
}

/// Rough USD rates for revenue; a currency not listed counts 1:1.
pub fn usd(price: &Price) -> f64 {
    let rate = match price.currency.as_str() {
        "EUR" => 1.08,
        "GBP" => 1.27,
        "CAD" => 0.73,
        "AUD" => 0.66,
        "JPY" => 0.0067,
        "INR" => 0.012,
        _ => 1.0,
    };
    price.value * rate
}

/// Records a transaction at `now` as Adapty would: a repeat of a `store_transaction_id` updates it.
pub fn record(profile: &mut StoredProfile, catalog: &Catalog, t: &TransactionParams, now: Timestamp) {
    let refunded = t.refunded_at.is_some();
    profile.revenue.insert(t.store_transaction_id.clone(), if refunded { 0.0 } else { usd(&t.price) });
    if refunded {
        profile.refunded.insert(t.store_transaction_id.clone());
    } else {
        profile.refunded.remove(&t.store_transaction_id);
    }
    let environment = Some(t.environment.clone().unwrap_or(Environment::Production));
    let access = catalog.access_level_for(&t.store_product_id);
    let level = |expires_at, renewal_cancelled_at, in_grace| AccessLevel {
        access_level_id: String::new(),
        store: Store::from(t.store.as_str()),
        store_product_id: t.store_product_id.clone(),
        store_base_plan_id: None,
        store_transaction_id: Some(t.store_transaction_id.clone()),
        store_original_transaction_id: Some(t.store_original_transaction_id.clone()),
        offer: t.offer.clone(),
        environment: None,
        starts_at: None,
        purchased_at: Some(t.purchased_at),
        originally_purchased_at: Some(t.originally_purchased_at.unwrap_or(t.purchased_at)),
        expires_at,
        renewal_cancelled_at,
        billing_issue_detected_at: t.billing_issue_detected_at,
        is_in_grace_period: in_grace,
        cancellation_reason: t.cancellation_reason.clone(),
        extra: Map::new(),
    };
    match t.purchase_type {
        PurchaseType::OneTimePurchase => {
            let consumable = catalog.is_consumable(&t.store_product_id);
            let same = |n: &NonSubscription| n.store_transaction_id.as_ref() == Some(&t.store_transaction_id);
            let known_id = profile.non_subscriptions.iter().find(|n| same(n)).and_then(|n| n.purchase_id.clone());
            let purchase_id = known_id.unwrap_or_else(|| Uuid::new_v4().to_string());
            let item = NonSubscription {
                purchase_id: Some(purchase_id),
                store: Store::from(t.store.as_str()),
                store_product_id: t.store_product_id.clone(),
                store_base_plan_id: None,
                store_transaction_id: Some(t.store_transaction_id.clone()),
                store_original_transaction_id: Some(t.store_original_transaction_id.clone()),
                purchased_at: Some(t.purchased_at),
                environment,
                is_refund: refunded,
                is_consumable: consumable,
                extra: Map::new(),
            };
            upsert(&mut profile.non_subscriptions, item, same);
            if let (Some(id), false) = (access, consumable) {
                upsert_access(profile, id, level(t.refunded_at, None, false));
            }
        }
        PurchaseType::Subscription => {
            let in_grace = t.billing_issue_detected_at.is_some() && t.grace_period_expires_at.is_some_and(|g| g > now);
            // The subscription keeps its period; the access level lasts through a grace period.
            let expires_at = if refunded { t.refunded_at } else { t.expires_at };
            let access_until = if in_grace && !refunded { t.grace_period_expires_at } else { expires_at };
            let renewal_cancelled_at = (t.renew_status == Some(false)).then(|| t.renew_status_changed_at.unwrap_or(now));
            let sub = Subscription {
                store: Store::from(t.store.as_str()),
                store_product_id: t.store_product_id.clone(),
                store_base_plan_id: None,
                store_transaction_id: Some(t.store_transaction_id.clone()),
                store_original_transaction_id: Some(t.store_original_transaction_id.clone()),
                offer: t.offer.clone(),
                environment,
                purchased_at: Some(t.purchased_at),
                originally_purchased_at: t.originally_purchased_at,
                expires_at,
                renewal_cancelled_at,
                billing_issue_detected_at: t.billing_issue_detected_at,
                is_in_grace_period: in_grace,
                cancellation_reason: t.cancellation_reason.clone(),
                extra: Map::new(),
            };
            let original = sub.store_original_transaction_id.clone();
            upsert(&mut profile.subscriptions, sub, |s| s.store_original_transaction_id == original);
            let chain = profile.chains.entry(t.store_original_transaction_id.clone()).or_default();
            upsert(chain, t.clone(), |c| c.store_transaction_id == t.store_transaction_id);
            if let Some(id) = access {
                upsert_access(profile, id, level(access_until, renewal_cancelled_at, in_grace));
            }
        }
    }
}

/// Replaces the entry `same` finds, or appends `item`.
fn upsert<T>(list: &mut Vec<T>, item: T, same: impl Fn(&T) -> bool) {
    match list.iter().position(same) {
        Some(i) => list[i] = item,
        None => list.push(item),
    }
}

/// Sets an access level unless the profile already has it from another purchase that lasts
/// longer (`None` = lifetime lasts longest).
fn upsert_access(profile: &mut StoredProfile, access_level_id: String, mut new: AccessLevel) {
    new.access_level_id = access_level_id.clone();
    if let Some(old) = profile.access_levels.get(&access_level_id) {
        let same_purchase = old.store_original_transaction_id == new.store_original_transaction_id;
        let old_outlives = match (old.expires_at, new.expires_at) {
            (None, Some(_)) => true,
            (Some(o), Some(n)) => o > n,
            _ => false,
        };
        if !same_purchase && old_outlives {
            return;
        }
    }
    profile.access_levels.insert(access_level_id, new);
}

fn paid_access_level_does_not_exist(id: &str) -> Response {
    errors::nested(
        StatusCode::BAD_REQUEST,
        "paid_access_level_does_not_exist",
        Some("non_field_errors"),
        &[&format!("Paid access level `{id}` does not exist")],
    )
}

/// An access level as a grant at `now` gives it (store `adapty`, no transaction of a store).
pub fn granted(access_level_id: &str, starts_at: Option<Timestamp>, expires_at: Option<Timestamp>, now: Timestamp) -> AccessLevel {
    let grant_id = Uuid::new_v4().to_string();
    AccessLevel {
        access_level_id: access_level_id.to_owned(),
        store: Store::Adapty,
        store_product_id: access_level_id.to_owned(),
        store_base_plan_id: None,
        store_transaction_id: Some(grant_id.clone()),
        store_original_transaction_id: Some(grant_id),
        offer: None,
        environment: None,
        starts_at,
        purchased_at: Some(now),
        originally_purchased_at: Some(now),
        expires_at,
        renewal_cancelled_at: None,
        billing_issue_detected_at: None,
        is_in_grace_period: false,
        cancellation_reason: None,
        extra: Map::new(),
    }
}

pub async fn grant(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    let (ids, params) = match checked_request(&app, &headers, &body, GrantAccessParams::validate) {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let change = |profile: &mut StoredProfile, catalog: &Catalog, now| {
        if !catalog.config.access_levels.contains(&params.access_level_id) {
            return Err(paid_access_level_does_not_exist(&params.access_level_id));
        }
        let level = granted(&params.access_level_id, params.starts_at, params.expires_at, now);
        profile.access_levels.insert(params.access_level_id.clone(), level);
        Ok(())
    };
    with_profile_mut(&app, &ids, errors::profile_does_not_exist_400, change, |before, after, now| {
        webhooks::access_events(before, after, true, now)
    })
}

pub async fn revoke(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    let (ids, params) = match checked_request(&app, &headers, &body, RevokeAccessParams::validate) {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let change = |profile: &mut StoredProfile, catalog: &Catalog, now: Timestamp| {
        let id = &params.access_level_id;
        if !catalog.config.access_levels.contains(id) {
            return Err(paid_access_level_does_not_exist(id));
        }
        let profile_id = profile.profile_id;
        let Some(level) = profile.access_levels.get_mut(id) else {
            return Err(errors::nested(
                StatusCode::BAD_REQUEST,
                "profile_paid_access_level_does_not_exist",
                Some("non_field_errors"),
                &[&format!("Profile `{profile_id}` has no `{id}` access level")],
            ));
        };
        let at = params.revoke_at.unwrap_or(now);
        if let (Some(revoke_at), Some(expires)) = (params.revoke_at, level.expires_at) {
            if revoke_at > expires {
                let f = |t: Timestamp| t.0.format("%Y-%m-%d %H:%M:%S%:z").to_string();
                return Err(errors::nested(
                    StatusCode::BAD_REQUEST,
                    "revocation_date_more_than_expiration_date",
                    Some("revoke_at"),
                    &[&format!("Revocation date ({}) is more than current expiration date ({})", f(revoke_at), f(expires))],
                ));
            }
        }
        // Revoking again keeps the earlier end: a revoked access level stays revoked.
        level.expires_at = Some(level.expires_at.map_or(at, |e| e.min(at)));
        level.renewal_cancelled_at.get_or_insert(now);
        level.cancellation_reason = Some(CancellationReason::AdaptyRevoked);
        Ok(())
    };
    with_profile_mut(&app, &ids, errors::profile_does_not_exist_400, change, |before, after, now| {
        webhooks::access_events(before, after, false, now)
    })
}

/// Finds or creates the profile with `customer_user_id` (the imports create it if needed).
fn profile_for_customer<'a>(state: &'a mut Inner, customer_user_id: &str) -> &'a mut StoredProfile {
    let ids = Ids { profile_id: None, customer_user_id: Some(customer_user_id.to_owned()) };
    // With a customer user id alone, create_or_attach finds or makes the profile; it cannot conflict.
    let id = create_or_attach(state, &ids).unwrap_or_else(|_| unreachable!("no profile id, no conflict"));
    state.profiles.entry(id).or_insert_with(|| StoredProfile::new(id, Some(customer_user_id.to_owned())))
}

/// A purchase as a store import finds it at `now`: `sub_...` a monthly subscription, anything
/// else a lifetime purchase.
fn imported(store: &str, token: &str, now: DateTime<Utc>) -> TransactionParams {
    let subscription = token.starts_with("sub_");
    let id: String = token.chars().take(adapty_server::MAX_STORE_TRANSACTION_ID_LEN).collect();
    TransactionParams {
        purchase_type: if subscription { PurchaseType::Subscription } else { PurchaseType::OneTimePurchase },
        store: store.into(),
        environment: Some(Environment::Production),
        store_product_id: if subscription { "premium_monthly" } else { "premium_lifetime" }.into(),
        store_transaction_id: id.clone(),
        store_original_transaction_id: id,
        is_family_shared: None,
        price: Price {
            country: "US".try_into().expect("a country code"),
            currency: "USD".into(),
            value: if subscription { 9.99 } else { 49.99 },
        },
        purchased_at: Timestamp::from(now),
        variation_id: None,
        offer: None,
        refunded_at: None,
        cancellation_reason: None,
        originally_purchased_at: subscription.then(|| Timestamp::from(now)),
        expires_at: subscription.then(|| Timestamp::from(now + Duration::days(30))),
        renew_status: subscription.then_some(true),
        renew_status_changed_at: None,
        billing_issue_detected_at: None,
        grace_period_expires_at: None,
    }
}

/// JSON:API's error shape, which the Stripe endpoint uses.
fn json_api_error(detail: &str, pointer: &str) -> Response {
    let body = json!({ "errors": [{ "detail": detail, "source": { "pointer": pointer }, "status": "400" }] });
    (StatusCode::BAD_REQUEST, [("content-type", "application/vnd.api+json")], body.to_string()).into_response()
}

/// Stripe tokens the emulator accepts: subscriptions (`sub_`) and payment intents (`pi_`).
pub async fn validate_stripe(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(mut resp) = authenticate(&app, &headers) {
        // The spec gives this endpoint's 401 the JSON:API media type (with an ErrorResponse body).
        resp.headers_mut().insert("content-type", axum::http::HeaderValue::from_static("application/vnd.api+json"));
        return resp;
    }
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return json_api_error("Malformed JSON", "/data");
    };
    let attr = |key: &str| value.pointer(&format!("/data/attributes/{key}")).and_then(Value::as_str).filter(|s| !s.is_empty());
    if value.pointer("/data/type").and_then(Value::as_str) != Some("stripe_receipt_validation_result") {
        return json_api_error("value is not a valid enumeration member; permitted: 'stripe_receipt_validation_result'", "/data/type");
    }
    let (Some(customer_user_id), Some(token)) = (attr("customer_user_id"), attr("stripe_token")) else {
        let missing = if attr("customer_user_id").is_none() { "customer_user_id" } else { "stripe_token" };
        return json_api_error("none is not an allowed value", &format!("/data/attributes/{missing}"));
    };
    if !(token.starts_with("sub_") || token.starts_with("pi_")) {
        return json_api_error("Stripe object not found", "/data/attributes/stripe_token");
    }
    let now = app.lock().clock.now();
    import(&app, customer_user_id, &imported("stripe", token, now));
    (StatusCode::OK, [("content-type", "application/vnd.api+json")], json!({ "data": null }).to_string()).into_response()
}

/// Paddle tokens the emulator accepts: transactions (`txn_`) and subscriptions (`sub_`).
pub async fn validate_paddle(App(app): App, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(resp) = authenticate(&app, &headers) {
        return resp;
    }
    let params = match json_body::<PaddleValidationParams>(&body) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    if let Err(e) = params.validate() {
        return errors::rule(&e);
    }
    if !(params.paddle_token.starts_with("txn_") || params.paddle_token.starts_with("sub_")) {
        return errors::sourceless(
            StatusCode::BAD_REQUEST,
            "invalid_paddle_credentials_or_purchase_not_found",
            &["Invalid Paddle credentials or purchase not found"],
        );
    }
    let now = app.lock().clock.now();
    let profile = import(&app, &params.customer_user_id, &imported("paddle", &params.paddle_token, now));
    ok(&profile, app.settings.app_id, Timestamp::from(now))
}

/// Records a store import's transaction for the customer (made if needed); returns the profile.
fn import(app: &Tenant, customer_user_id: &str, t: &TransactionParams) -> StoredProfile {
    let mut state = app.lock();
    let now = state.now();
    let catalog = state.catalog.clone();
    let profile = profile_for_customer(&mut state, customer_user_id);
    record(profile, &catalog, t, now);
    let profile = profile.clone();
    state.schedule.touched(&profile, now.0.to_utc());
    profile
}
