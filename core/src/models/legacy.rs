//! The legacy server-side API's models (`/api/v1/sdk/`, "still supported"): its profile, keyed
//! by access level and product as v1 returned it, and the bodies of its grant, revoke, create
//! and update. Kept apart from the v2 models, which they resemble but do not match.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::attributes::{AttributeValue, MAX_CUSTOM_ATTRIBUTE_KEY_LEN};
use super::datetime::Timestamp;
use super::field::Field;
use super::params::{CountryCode, Date};
use super::purchases::{known, non_empty};
use crate::models::enums::Gender;
use crate::models::error::{Rule, ValidationError};

/// Most custom attributes a legacy update may carry.
pub const MAX_LEGACY_CUSTOM_ATTRIBUTES: usize = 10;
/// Longest legacy custom attribute value.
pub const MAX_LEGACY_ATTRIBUTE_VALUE_LEN: usize = 30;

/// A profile as the legacy API returns it. The legacy get asks for the extended profile, so
/// the personal and integration fields are filled where Adapty has them.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegacyProfile {
    pub profile_id: String,
    #[serde(default)]
    pub app_id: Option<String>,
    #[serde(default)]
    pub customer_user_id: Option<String>,
    /// Access levels by id (`premium`).
    #[serde(default, deserialize_with = "super::profile::null_as_default")]
    pub paid_access_levels: BTreeMap<String, LegacyAccess>,
    /// Subscriptions by vendor product id.
    #[serde(default, deserialize_with = "super::profile::null_as_default")]
    pub subscriptions: BTreeMap<String, LegacyAccess>,
    /// One-time purchases by vendor product id.
    #[serde(default, deserialize_with = "super::profile::null_as_default")]
    pub non_subscriptions: BTreeMap<String, Vec<LegacyNonSubscription>>,
    #[serde(default)]
    pub custom_attributes: Option<Map<String, Value>>,
    #[serde(default)]
    pub total_revenue_usd: Option<f64>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone_number: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub gender: Option<String>,
    #[serde(default)]
    pub birthday: Option<String>,
    /// Fields this SDK version does not name (the extended profile's integration ids among them).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An access level (in `paid_access_levels`, with its `id`) or a subscription (in
/// `subscriptions`, with `is_sandbox`) of a legacy profile.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegacyAccess {
    #[serde(default)]
    pub id: Option<String>,
    pub is_active: bool,
    #[serde(default)]
    pub is_lifetime: bool,
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
    #[serde(default)]
    pub starts_at: Option<Timestamp>,
    #[serde(default)]
    pub will_renew: bool,
    #[serde(default)]
    pub vendor_product_id: Option<String>,
    #[serde(default)]
    pub base_plan_id: Option<String>,
    #[serde(default)]
    pub vendor_transaction_id: Option<String>,
    #[serde(default)]
    pub vendor_original_transaction_id: Option<String>,
    #[serde(default)]
    pub store: Option<String>,
    #[serde(default)]
    pub activated_at: Option<Timestamp>,
    #[serde(default)]
    pub renewed_at: Option<Timestamp>,
    #[serde(default)]
    pub unsubscribed_at: Option<Timestamp>,
    #[serde(default)]
    pub billing_issue_detected_at: Option<Timestamp>,
    #[serde(default)]
    pub is_in_grace_period: bool,
    #[serde(default)]
    pub active_introductory_offer_type: Option<String>,
    #[serde(default)]
    pub active_promotional_offer_type: Option<String>,
    #[serde(default)]
    pub active_promotional_offer_id: Option<String>,
    #[serde(default)]
    pub cancellation_reason: Option<String>,
    #[serde(default)]
    pub is_sandbox: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A one-time purchase of a legacy profile.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegacyNonSubscription {
    /// Adapty's id of the purchase: use it to count each purchase once.
    pub purchase_id: String,
    pub vendor_product_id: String,
    #[serde(default)]
    pub vendor_transaction_id: Option<String>,
    #[serde(default)]
    pub vendor_original_transaction_id: Option<String>,
    #[serde(default)]
    pub store: Option<String>,
    #[serde(default)]
    pub purchased_at: Option<Timestamp>,
    #[serde(default)]
    pub is_one_time: bool,
    #[serde(default)]
    pub is_sandbox: bool,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The legacy grant (prolong) body: at least one of `is_lifetime`, `expires_at` and
/// `duration_days` (that order wins). With `vendor_product_id`, `vendor_transaction_id` and
/// `store`, Adapty also records a transaction.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LegacyGrantParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// Days added to the current subscription (from today for a user without one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_lifetime: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<Timestamp>,
    /// Absent: `adapty_server_side_product`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_product_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_plan_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_original_transaction_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_transaction_id: Option<String>,
    /// `app_store`, `play_store`, or a custom store's id (default `adapty`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    /// `free_trial`, `pay_as_you_go` or `pay_up_front`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introductory_offer_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    /// ISO 4217 code of `price` (default `USD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_locale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proceeds: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_sandbox: Option<bool>,
}

/// The legacy introductory offer types.
const LEGACY_OFFER_TYPES: &[&str] = &["free_trial", "pay_as_you_go", "pay_up_front"];

impl LegacyGrantParams {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.is_lifetime != Some(true) && self.expires_at.is_none() && self.duration_days.is_none() {
            return Err(ValidationError::new("expires_at", Rule::Required, "give is_lifetime, expires_at or duration_days"));
        }
        if let Some(t) = &self.introductory_offer_type {
            known("introductory_offer_type", t, LEGACY_OFFER_TYPES)?;
        }
        if let Some(code) = &self.price_locale {
            if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(ValidationError::new("price_locale", Rule::Format, format!("{code:?} is not an ISO 4217 code such as USD")));
            }
        }
        for (field, value) in [("price", self.price), ("proceeds", self.proceeds)] {
            if value.is_some_and(|v| !v.is_finite() || v < 0.0) {
                return Err(ValidationError::new(field, Rule::Range, "must be a number >= 0"));
            }
        }
        Ok(())
    }
}

/// The legacy revoke body.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LegacyRevokeParams {
    /// Whether access ends because of a refund (the transaction's revenue becomes 0).
    pub is_refund: bool,
}

/// The legacy create and update body; create requires `customer_user_id` (update ignores it).
/// [`Field::Null`] clears a value.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LegacyProfileParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub email: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub phone_number: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub first_name: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub last_name: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub gender: Field<Gender>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub birthday: Field<Date>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub ip_country: Field<CountryCode>,
    /// Attributes by key, as v1 takes them (a map, not v2's list); a `null` value deletes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<BTreeMap<String, Option<AttributeValue>>>,
}

impl LegacyProfileParams {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let Some(attributes) = &self.custom_attributes else { return Ok(()) };
        if attributes.len() > MAX_LEGACY_CUSTOM_ATTRIBUTES {
            let message = format!("at most {MAX_LEGACY_CUSTOM_ATTRIBUTES} attributes, got {}", attributes.len());
            return Err(ValidationError::new("custom_attributes", Rule::Count, message));
        }
        for (key, value) in attributes {
            let field = format!("custom_attributes.{key}");
            let key_ok = !key.is_empty()
                && key.chars().count() <= MAX_CUSTOM_ATTRIBUTE_KEY_LEN
                && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b));
            if !key_ok {
                let message = format!("a key is 1-{MAX_CUSTOM_ATTRIBUTE_KEY_LEN} letters, digits, '-', '.' or '_'");
                return Err(ValidationError::new(field, Rule::Format, message));
            }
            if let Some(AttributeValue::String(s)) = value {
                if s.chars().count() > MAX_LEGACY_ATTRIBUTE_VALUE_LEN {
                    let message = format!("at most {MAX_LEGACY_ATTRIBUTE_VALUE_LEN} characters");
                    return Err(ValidationError::new(field, Rule::MaxLength, message));
                }
            }
        }
        Ok(())
    }

    /// Create's rules: [`Self::validate`]'s, and a `customer_user_id`.
    pub fn validate_create(&self) -> Result<(), ValidationError> {
        match &self.customer_user_id {
            Some(id) => non_empty("customer_user_id", id)?,
            None => return Err(ValidationError::new("customer_user_id", Rule::Required, "the legacy create needs a customer_user_id")),
        }
        self.validate()
    }
}
