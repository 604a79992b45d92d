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
