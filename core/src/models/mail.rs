//! The Mail API's models: the profile Adapty Mail writes to, its deletion, and the store
//! transaction events that put it in a flow. The profile is yours (`external_profile_id`);
//! `customer_user_id` and `email` only find it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::attributes::AttributeValue;
use super::datetime::Timestamp;
use super::params::{CountryCode, Date, email};
use super::purchases::{known, non_empty};
use crate::models::error::{Rule, ValidationError};

/// A profile for Adapty Mail. Saving one with the same `external_profile_id` again updates it;
/// `email` is written once, when the profile is made.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailProfileParams {
    /// Your stable user id (never a per-install one).
    pub external_profile_id: String,
    /// When the user was created (usable in segments).
    pub external_created_at: Timestamp,
    pub email: String,
    /// The id the app's Adapty SDK knows the user by, so nobody is mailed twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_country: Option<CountryCode>,
    /// Text or number values, for segments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<BTreeMap<String, AttributeValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_info: Option<MailDeviceInfo>,
}

impl MailProfileParams {
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty("external_profile_id", &self.external_profile_id)?;
        email("email", &self.email)?;
        if let Some(device) = &self.device_info {
            non_empty("device_info.platform", &device.platform)?;
        }
        Ok(())
    }
}

/// The device a Mail profile uses.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MailDeviceInfo {
    /// `iOS`, `Android`, ...
    pub platform: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
}

/// Which Mail profile to delete: at least one identifier. The deletion is final.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MailProfileDeleteParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_profile_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_user_id: Option<String>,
    /// Deleting by email alone a second time is a 404: the address was erased.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl MailProfileDeleteParams {
    pub fn validate(&self) -> Result<(), ValidationError> {
        let given = [&self.external_profile_id, &self.customer_user_id, &self.email];
        if given.iter().all(|v| v.as_deref().is_none_or(|v| v.trim().is_empty())) {
            return Err(ValidationError::new(
                "external_profile_id",
                Rule::Required,
                "give at least one of external_profile_id, customer_user_id or email",
            )
            .with_api_code("missing_identifier"));
        }
        Ok(())
    }
}

/// The event types of the Mail API.
pub const MAIL_EVENT_TYPES: &[&str] = &[
    "subscription_started",
    "subscription_renewed",
    "subscription_renewal_cancelled",
    "subscription_renewal_reactivated",
    "billing_issue_detected",
    "entered_grace_period",
    "subscription_refunded",
    "subscription_expired",
    "non_subscription_purchase",
    "non_subscription_purchase_refunded",
];

/// A store transaction event for Adapty Mail; `event_id` makes sending it again harmless. It may
/// come before its profile: Adapty keeps it until a save names the same user.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailTransactionEventParams {
    /// `subscription_started`, `subscription_renewed`, `subscription_renewal_cancelled`,
    /// `subscription_renewal_reactivated`, `billing_issue_detected`, `entered_grace_period`,
    /// `subscription_refunded`, `subscription_expired`, `non_subscription_purchase` or
    /// `non_subscription_purchase_refunded`.
    pub event_type: String,
    pub event_id: String,
    pub event_datetime: Timestamp,
    pub external_profile_id: String,
    /// `app_store`, `play_store`, `stripe`, ...
    pub store: String,
    pub store_product_id: String,
    pub store_transaction_id: String,
    /// The first transaction of the chain (the transaction itself on a first purchase).
    pub store_original_transaction_id: String,
    pub purchased_at: Timestamp,
    pub originally_purchased_at: Timestamp,
    /// Finds the profile when `external_profile_id` does not; not stored on the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A decimal as text, e.g. `"9.99"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_usd: Option<String>,
    /// Absent for one-time purchases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<MailOffer>,
}

impl MailTransactionEventParams {
    pub fn validate(&self) -> Result<(), ValidationError> {
        known("event_type", &self.event_type, MAIL_EVENT_TYPES)?;
        for (field, value) in [
            ("event_id", &self.event_id),
            ("external_profile_id", &self.external_profile_id),
            ("store", &self.store),
            ("store_product_id", &self.store_product_id),
            ("store_transaction_id", &self.store_transaction_id),
            ("store_original_transaction_id", &self.store_original_transaction_id),
        ] {
            non_empty(field, value)?;
        }
        if let Some(price) = &self.price_usd {
            let decimal = price.split_once('.').map_or((price.as_str(), "0"), |(a, b)| (a, b));
            let ok = !decimal.0.is_empty() && [decimal.0, decimal.1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            if !ok {
                return Err(ValidationError::new("price_usd", Rule::Format, format!("{price:?} is not a decimal such as \"9.99\"")));
            }
        }
        if let Some(offer) = &self.offer {
            known("offer.category", &offer.category, &["introductory", "promotional", "offer_code", "win_back"])?;
            known("offer.offer_type", &offer.offer_type, &["free_trial", "pay_as_you_go", "pay_up_front"])?;
        }
        Ok(())
    }
}

/// The offer of a Mail transaction event (`offer_type` here, not the Web API's `type`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MailOffer {
    /// `introductory`, `promotional`, `offer_code` or `win_back`.
    pub category: String,
    /// `free_trial`, `pay_as_you_go` or `pay_up_front`.
    pub offer_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<String>,
}
