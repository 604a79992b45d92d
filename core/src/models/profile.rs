//! The profile the API returns (`Profile` in the OpenAPI spec), read leniently: unknown fields
//! land in `extra`, unknown enum values in `Other`, `null` lists read as empty.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::attributes::CustomAttributes;
use super::datetime::Timestamp;
use super::enums::{CancellationReason, Environment, OfferCategory, OfferType, Store};

/// An end user of the app, with their access levels and purchases.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub app_id: String,
    pub profile_id: String,
    #[serde(default)]
    pub customer_user_id: Option<String>,
    #[serde(default)]
    pub total_revenue_usd: f64,
    #[serde(default)]
    pub segment_hash: String,
    /// Response time in milliseconds since the epoch (lets callers order concurrent answers).
    #[serde(default)]
    pub timestamp: i64,
    #[serde(default)]
    pub custom_attributes: CustomAttributes,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub access_levels: Vec<AccessLevel>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub subscriptions: Vec<Subscription>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub non_subscriptions: Vec<NonSubscription>,
    /// Fields this SDK version does not know, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An offer applied to a purchase. Older docs name the keys `offer_category`, `offer_type` and
/// `offer_id`; both spellings are read.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    #[serde(alias = "offer_category")]
    pub category: OfferCategory,
    #[serde(rename = "type", alias = "offer_type")]
    pub offer_type: OfferType,
    #[serde(default, alias = "offer_id")]
    pub id: Option<String>,
}

/// Access the user has now or had, e.g. `premium`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessLevel {
    pub access_level_id: String,
    pub store: Store,
    pub store_product_id: String,
    #[serde(default)]
    pub store_base_plan_id: Option<String>,
    #[serde(default)]
    pub store_transaction_id: Option<String>,
    #[serde(default)]
    pub store_original_transaction_id: Option<String>,
    #[serde(default)]
    pub offer: Option<Offer>,
    /// Present in some of Adapty's examples only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    #[serde(default)]
    pub starts_at: Option<Timestamp>,
    #[serde(default)]
    pub purchased_at: Option<Timestamp>,
    #[serde(default)]
    pub originally_purchased_at: Option<Timestamp>,
    /// `None` means lifetime access.
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
    #[serde(default)]
    pub renewal_cancelled_at: Option<Timestamp>,
    #[serde(default)]
    pub billing_issue_detected_at: Option<Timestamp>,
    #[serde(default)]
    pub is_in_grace_period: bool,
    #[serde(default)]
    pub cancellation_reason: Option<CancellationReason>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AccessLevel {
    /// Whether this level gives access at the instant `at`.
    ///
    /// The server-side API has no `is_active` (the SDKs' flag); Adapty's guide says to derive
    /// it: "you can determine subscription status at any time by checking whether the current
    /// date falls between the `starts_at` and `expires_at` parameters". The rule, in order:
    ///
    /// 1. A level whose `cancellation_reason` is `refund` is not active at any instant. The
    ///    level carries no refund date, and Adapty's docs never say a refund moves `expires_at`
    ///    (only revoke's: `revoke_at` "specifies when the access level will expire"); a refunded
    ///    lifetime purchase would otherwise keep `expires_at: null` and read as access for life.
    ///    (The emulator sets `expires_at` to `refunded_at`, which this rule agrees with from the
    ///    refund on.)
    /// 2. Not before it starts: `starts_at` absent, or at or before `at` (a grant "may be in the
    ///    future").
    /// 3. Then active if `expires_at` is null ("may be `null` for lifetime access"), or `at` is
    ///    before it (at `expires_at` exactly the access has ended), or `is_in_grace_period`:
    ///    the store is retrying a payment and the user keeps access meanwhile. The flag says
    ///    the level was in a grace period when the profile was read; the level has no grace end,
    ///    so it counts whatever `at` is.
    ///
    /// Any other `cancellation_reason` (`voluntarily_cancelled`, `billing_error`,
    /// `adapty_revoked`, ...) changes nothing: a cancelled renewal keeps the period paid for, and
    /// a revocation is already in `expires_at`.
    pub fn is_active_at(&self, at: Timestamp) -> bool {
        if self.cancellation_reason == Some(CancellationReason::Refund) {
            return false;
        }
        let started = self.starts_at.is_none_or(|starts| starts <= at);
        let not_expired = self.expires_at.is_none_or(|expires| at < expires);
        started && (not_expired || self.is_in_grace_period)
    }
}

impl Profile {
    /// Whether the profile has the access level `access_level_id` at `at` (`None`: now), by
    /// [`AccessLevel::is_active_at`]: one of its levels with that id is active then. A level
    /// the profile does not have (or an id the app does not define) gives `false`.
    pub fn has_active_access(&self, access_level_id: &str, at: Option<Timestamp>) -> bool {
        has_active_access(&self.access_levels, access_level_id, at)
    }
}

/// [`Profile::has_active_access`] over a profile's access levels alone.
pub(crate) fn has_active_access(access_levels: &[AccessLevel], access_level_id: &str, at: Option<Timestamp>) -> bool {
    let at = at.unwrap_or_else(|| Timestamp::from(chrono::Utc::now()));
    access_levels.iter().any(|level| level.access_level_id == access_level_id && level.is_active_at(at))
}

/// A subscription purchase.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub store: Store,
    pub store_product_id: String,
    #[serde(default)]
    pub store_base_plan_id: Option<String>,
    #[serde(default)]
    pub store_transaction_id: Option<String>,
    #[serde(default)]
    pub store_original_transaction_id: Option<String>,
    #[serde(default)]
    pub offer: Option<Offer>,
    #[serde(default)]
    pub environment: Option<Environment>,
    #[serde(default)]
    pub purchased_at: Option<Timestamp>,
    #[serde(default)]
    pub originally_purchased_at: Option<Timestamp>,
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
    #[serde(default)]
    pub renewal_cancelled_at: Option<Timestamp>,
    #[serde(default)]
    pub billing_issue_detected_at: Option<Timestamp>,
    #[serde(default)]
    pub is_in_grace_period: bool,
    #[serde(default)]
    pub cancellation_reason: Option<CancellationReason>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A one-time purchase (consumable or not).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NonSubscription {
    #[serde(default)]
    pub purchase_id: Option<String>,
    pub store: Store,
    pub store_product_id: String,
    #[serde(default)]
    pub store_base_plan_id: Option<String>,
    #[serde(default)]
    pub store_transaction_id: Option<String>,
    #[serde(default)]
    pub store_original_transaction_id: Option<String>,
    #[serde(default)]
    pub purchased_at: Option<Timestamp>,
    #[serde(default)]
    pub environment: Option<Environment>,
    #[serde(default)]
    pub is_refund: bool,
    #[serde(default)]
    pub is_consumable: bool,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `{"data": ...}` envelope of profile responses.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Deserialize, Serialize)]
pub struct DataEnvelope<T> {
    pub data: T,
}

/// `null` (or a missing key, with `#[serde(default)]`) read as the type's default.
pub(crate) fn null_as_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

pub(crate) fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{AccessLevel, Profile};
    use crate::models::Timestamp;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    /// `premium`, from the store, with the fields of `changes` over it.
    fn level(changes: serde_json::Value) -> AccessLevel {
        let mut value = json!({
            "access_level_id": "premium", "store": "app_store", "store_product_id": "premium_monthly",
            "starts_at": null, "expires_at": "2025-01-01T00:00:00Z", "is_in_grace_period": false, "cancellation_reason": null,
        });
        value.as_object_mut().unwrap().extend(changes.as_object().unwrap().clone());
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn active_between_starts_at_and_expires_at() {
        let monthly = level(json!({}));
        assert!(monthly.is_active_at(at("2024-12-31T23:59:59Z")));
        assert!(monthly.is_active_at(at("2024-12-31T23:59:59.999999999Z")));
        assert!(!monthly.is_active_at(at("2025-01-01T00:00:00Z")), "expires_at itself is past the access");
        assert!(!monthly.is_active_at(at("2025-01-01T00:00:01Z")), "expired one second ago");
        assert!(!monthly.is_active_at(at("2025-01-01T01:00:00+01:00")), "the same instant in another offset");
        let future = level(json!({"starts_at": "2025-06-01T00:00:00Z", "expires_at": null}));
        assert!(!future.is_active_at(at("2025-05-31T23:59:59Z")), "not started yet");
        assert!(future.is_active_at(at("2025-06-01T00:00:00Z")), "starts_at itself is inside the access");
    }

    #[test]
    fn lifetime_grace_and_cancellations() {
        let lifetime = level(json!({"expires_at": null}));
        assert!(lifetime.is_active_at(at("2999-01-01T00:00:00Z")));
        let grace = level(json!({"is_in_grace_period": true, "billing_issue_detected_at": "2024-12-31T00:00:00Z"}));
        assert!(grace.is_active_at(at("2025-01-03T00:00:00Z")), "a grace period keeps the access past expires_at");
        let grace_not_started = level(json!({"is_in_grace_period": true, "starts_at": "2025-06-01T00:00:00Z"}));
        assert!(!grace_not_started.is_active_at(at("2025-01-03T00:00:00Z")));
        for refunded in [
            level(json!({"cancellation_reason": "refund"})),
            level(json!({"cancellation_reason": "refund", "expires_at": null})),
            level(json!({"cancellation_reason": "refund", "is_in_grace_period": true})),
        ] {
            assert!(!refunded.is_active_at(at("2024-06-01T00:00:00Z")), "{refunded:?}");
        }
        for kept in ["voluntarily_cancelled", "billing_error", "adapty_revoked", "a_reason_adapty_adds_later"] {
            let cancelled = level(json!({"cancellation_reason": kept}));
            assert!(cancelled.is_active_at(at("2024-06-01T00:00:00Z")), "{kept}: the period paid for is kept");
            assert!(!cancelled.is_active_at(at("2025-01-01T00:00:00Z")), "{kept}");
        }
    }

    #[test]
    fn a_profile_has_access_when_one_level_of_that_id_is_active() {
        let mut profile: Profile = serde_json::from_value(json!({"app_id": "a", "profile_id": "p"})).unwrap();
        assert!(!profile.has_active_access("premium", None), "no levels");
        profile.access_levels =
            vec![level(json!({"expires_at": "2000-01-01T00:00:00Z"})), level(json!({"access_level_id": "gold", "expires_at": null}))];
        assert!(!profile.has_active_access("premium", None), "expired");
        assert!(profile.has_active_access("gold", None), "lifetime");
        assert!(!profile.has_active_access("Gold", None), "ids are compared exactly");
        assert!(!profile.has_active_access("platinum", None), "unknown level");
        profile.access_levels.push(level(json!({"expires_at": null})));
        assert!(profile.has_active_access("premium", None), "any level of the id");
        assert!(profile.has_active_access("premium", Some(at("2001-01-01T00:00:00Z"))));
    }
}
