//! The events the API's changes produce, as Adapty's event flows describe them (set transaction:
//! started, renewed, trial started and converted, refunds, renewal cancelled and reactivated,
//! billing issues and grace periods, non-subscription purchases; grant and revoke; and
//! `access_level_updated` on every change of an access level), with their `event_properties`
//! and Adapty's envelope, in its datetime format (`2024-01-31T10:00:00.000000+0000`) and a fresh
//! `profile_event_id` each. `domain/webhooks` delivers them.

use adapty_server::{AccessLevel, OfferType, PurchaseType, Timestamp, TransactionParams};
use chrono::Utc;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::state::profile::StoredProfile;

/// An event the API's state change produced: its type (Adapty's name) and `event_properties`.
pub struct Event {
    pub event_type: &'static str,
    pub properties: Value,
}

/// Adapty's datetime format in webhooks: six fraction digits and `+0000`.
pub fn wire_time(t: &Timestamp) -> String {
    t.0.with_timezone(&Utc).format("%Y-%m-%dT%H:%M:%S%.6f+0000").to_string()
}

fn opt_time(t: Option<Timestamp>) -> Value {
    t.map_or(Value::Null, |t| Value::String(wire_time(&t)))
}

pub fn is_trial(t: &TransactionParams) -> bool {
    t.offer.as_ref().is_some_and(|o| o.offer_type == OfferType::FreeTrial)
}

/// What a set transaction produced at `now`, from the profile before and after it (Adapty's
/// event flows).
pub fn transaction_events(before: &StoredProfile, after: &StoredProfile, t: &TransactionParams, usd: f64, now: Timestamp) -> Vec<Event> {
    let mut types = Vec::new();
    let refunded = t.refunded_at.is_some();
    match t.purchase_type {
        PurchaseType::OneTimePurchase => {
            let old = before.non_subscriptions.iter().find(|n| n.store_transaction_id.as_ref() == Some(&t.store_transaction_id));
            if old.is_none() {
                types.push("non_subscription_purchase");
            }
            if refunded && !before.refunded.contains(&t.store_transaction_id) {
                types.push("non_subscription_purchase_refunded");
            }
        }
        PurchaseType::Subscription => {
            let trial = is_trial(t);
            let chain = |p: &StoredProfile| {
                p.subscriptions.iter().find(|s| s.store_original_transaction_id.as_ref() == Some(&t.store_original_transaction_id)).cloned()
            };
            let was_trial = |s: &adapty_server::Subscription| s.offer.as_ref().is_some_and(|o| o.offer_type == OfferType::FreeTrial);
            match chain(before) {
                None => types.push(if trial { "trial_started" } else { "subscription_started" }),
                Some(old) if old.store_transaction_id.as_ref() != Some(&t.store_transaction_id) => {
                    types.push(if was_trial(&old) && !trial { "trial_converted" } else { "subscription_renewed" });
                }
                Some(old) => {
                    let prefix = if trial { "trial" } else { "subscription" };
                    let new = chain(after);
                    let cancelled = new.as_ref().and_then(|s| s.renewal_cancelled_at);
                    if cancelled.is_some() && old.renewal_cancelled_at.is_none() {
                        types.push(if trial { "trial_renewal_cancelled" } else { "subscription_renewal_cancelled" });
                    } else if cancelled.is_none() && old.renewal_cancelled_at.is_some() {
                        types.push(if trial { "trial_renewal_reactivated" } else { "subscription_renewal_reactivated" });
                    }
                    if t.billing_issue_detected_at.is_some() && old.billing_issue_detected_at.is_none() {
                        types.push("billing_issue_detected");
                        if new.as_ref().is_some_and(|s| s.is_in_grace_period) {
                            types.push("entered_grace_period");
                        }
                    }
                    let expired = |s: &adapty_server::Subscription| s.expires_at.is_some_and(|e| e <= now);
                    if !refunded && new.as_ref().is_some_and(expired) && !expired(&old) {
                        types.push(if prefix == "trial" { "trial_expired" } else { "subscription_expired" });
                    }
                }
            }
            if refunded && !before.refunded.contains(&t.store_transaction_id) {
                types.push("subscription_refunded");
            }
        }
    }
    types.into_iter().map(|event_type| Event { event_type, properties: transaction_properties(after, t, usd, event_type, now) }).collect()
}

/// `event_properties` of a transaction event at `now`.
pub fn transaction_properties(profile: &StoredProfile, t: &TransactionParams, usd: f64, event_type: &str, now: Timestamp) -> Value {
    let subscription = t.purchase_type == PurchaseType::Subscription;
    // The subscription's paid transactions so far.
    let payments = match profile.chains.get(&t.store_original_transaction_id) {
        Some(chain) if subscription => {
            chain.iter().filter(|c| c.price.value > 0.0 && !profile.refunded.contains(&c.store_transaction_id)).count()
        }
        _ => 1,
    };
    // The stores' usual cut; no tax.
    let (proceeds_local, proceeds_usd) = (t.price.value * 0.7, usd * 0.7);
    json!({
        "profile_event_id": Uuid::new_v4().to_string(),
        "profile_id": profile.profile_id.to_string(),
        "store": t.store,
        "environment": t.environment.as_ref().map_or("Production", |e| e.as_str()),
        "vendor_product_id": t.store_product_id,
        "transaction_id": t.store_transaction_id,
        "original_transaction_id": t.store_original_transaction_id,
        "purchase_date": wire_time(&t.purchased_at),
        "original_purchase_date": wire_time(&t.originally_purchased_at.unwrap_or(t.purchased_at)),
        "subscription_expires_at": if subscription { opt_time(t.refunded_at.or(t.expires_at)) } else { Value::Null },
        "event_datetime": wire_time(&now),
        "currency": t.price.currency,
        "price_local": t.price.value,
        "price_usd": usd,
        "proceeds_local": proceeds_local,
        "proceeds_usd": proceeds_usd,
        "net_revenue_local": proceeds_local,
        "net_revenue_usd": proceeds_usd,
        "tax_amount_local": 0,
        "tax_amount_usd": 0,
        "store_country": t.price.country.as_str(),
        "profile_country": null,
        "profile_ip_address": null,
        "profile_has_access_level": has_access(profile, now),
        "profile_total_revenue_usd": profile.total_revenue_usd(),
        "consecutive_payments": payments.max(1),
        "rate_after_first_year": false,
        "cancellation_reason": if event_type.ends_with("refunded") || event_type.ends_with("expired") { json!(t.cancellation_reason) } else { Value::Null },
        "trial_duration": if is_trial(t) { json!("7 days") } else { Value::Null },
        "variation_id": t.variation_id,
        "store_offer_category": t.offer.as_ref().map(|o| o.category.as_str()),
        "store_offer_discount_type": t.offer.as_ref().map(|o| o.offer_type.as_str()),
    })
}

/// One `access_level_updated` per access level that changed, at `now`.
pub fn access_events(before: &StoredProfile, after: &StoredProfile, granted: bool, now: Timestamp) -> Vec<Event> {
    after
        .access_levels
        .iter()
        .filter(|(id, level)| before.access_levels.get(*id) != Some(level))
        .map(|(_, level)| Event { event_type: "access_level_updated", properties: access_properties(after, level, granted, now) })
        .collect()
}

/// `event_properties` of `access_level_updated`, from the access level as it is at `now`.
pub fn access_properties(profile: &StoredProfile, level: &AccessLevel, granted: bool, now: Timestamp) -> Value {
    let active = level.expires_at.is_none_or(|e| e > now) && level.starts_at.is_none_or(|s| s <= now);
    let offer_type = level.offer.as_ref().map(|o| o.offer_type.as_str());
    json!({
        "profile_event_id": Uuid::new_v4().to_string(),
        "profile_id": profile.profile_id.to_string(),
        "access_level_id": level.access_level_id,
        "is_active": active,
        "is_lifetime": level.expires_at.is_none(),
        "will_renew": level.expires_at.is_some() && level.renewal_cancelled_at.is_none() && !granted,
        "is_in_grace_period": level.is_in_grace_period,
        "is_refund": level.cancellation_reason.as_ref().is_some_and(|r| r.as_str() == "refund"),
        "starts_at": opt_time(level.starts_at),
        "activated_at": opt_time(level.purchased_at),
        "renewed_at": opt_time(level.purchased_at),
        "expires_at": opt_time(level.expires_at),
        "subscription_expires_at": opt_time(level.expires_at),
        "billing_issue_detected_at": opt_time(level.billing_issue_detected_at),
        "cancellation_reason": level.cancellation_reason.as_ref().map(|r| r.as_str()),
        "store": level.store.as_str(),
        "environment": "Production",
        // A grant is no store's purchase: Adapty names its product so.
        "vendor_product_id": if granted { "adapty_server_side_product" } else { level.store_product_id.as_str() },
        "transaction_id": level.store_transaction_id,
        "original_transaction_id": level.store_original_transaction_id,
        "purchase_date": opt_time(level.purchased_at),
        "original_purchase_date": opt_time(level.originally_purchased_at),
        "event_datetime": wire_time(&now),
        "profile_has_access_level": has_access(profile, now),
        "profile_total_revenue_usd": profile.total_revenue_usd(),
        "active_introductory_offer_type": level.offer.as_ref().filter(|o| o.category.as_str() == "introductory").map(|_| offer_type),
        "active_promotional_offer_type": level.offer.as_ref().filter(|o| o.category.as_str() == "promotional").map(|_| offer_type),
        "active_promotional_offer_id": level.offer.as_ref().filter(|o| o.category.as_str() == "promotional").and_then(|o| o.id.clone()),
    })
}

pub fn has_access(profile: &StoredProfile, now: Timestamp) -> bool {
    profile.access_levels.values().any(|l| l.expires_at.is_none_or(|e| e > now))
}

/// The envelope Adapty sends around `properties` (made at `now`).
pub fn envelope(profile: &StoredProfile, event_type: &str, properties: Value, now: Timestamp) -> Value {
    let event_datetime = properties.get("event_datetime").cloned().unwrap_or_else(|| json!(wire_time(&now)));
    let attributes: Map<String, Value> =
        profile.custom_attributes.iter().filter_map(|a| a.value.as_ref().map(|v| (a.key.clone(), json!(v)))).collect();
    let idfv = profile.installations.values().find_map(|i| i.idfv.clone());
    json!({
        "profile_id": profile.profile_id.to_string(),
        "customer_user_id": profile.customer_user_id,
        "idfv": idfv,
        "idfa": null,
        "advertising_id": null,
        "profile_install_datetime": null,
        "user_agent": null,
        "email": profile.fields.get("email"),
        "event_type": event_type,
        "event_datetime": event_datetime,
        "event_properties": properties,
        "event_api_version": 1,
        "profiles_sharing_access_level": null,
        "attributions": {},
        "user_attributes": attributes,
        "integration_ids": if profile.integration_ids.is_empty() { Value::Null } else { Value::Object(profile.integration_ids.clone()) },
    })
}
