//! What set transaction, grant and revoke take (`TransactionDTORequest`, `GrantAccessRequest`,
//! `RevokeAccessRequest` in the OpenAPI spec), with every documented rule checked before I/O.

use serde::{Deserialize, Serialize};

use super::datetime::Timestamp;
use super::enums::{CancellationReason, Environment, OfferCategory, OfferType, PurchaseType};
use super::params::CountryCode;
use super::profile::Offer;
use crate::models::error::{Rule, ValidationError};

/// Longest `store_transaction_id` the API accepts.
pub const MAX_STORE_TRANSACTION_ID_LEN: usize = 50;

/// What the user paid, in local currency. A zero first subscription purchase is a free trial.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Price {
    /// ISO 3166-1 alpha-2, e.g. `US`.
    pub country: CountryCode,
    /// ISO 4217, e.g. `USD`.
    pub currency: String,
    pub value: f64,
}

impl Price {
    /// `Price::new("US", "USD", 9.99)`; the country code is checked here, the rest by `validate`.
    pub fn new(country: &str, currency: impl Into<String>, value: f64) -> Result<Self, ValidationError> {
        let country = CountryCode::try_from(country).map_err(|e| ValidationError::new("price.country", Rule::Format, e))?;
        Ok(Self { country, currency: currency.into(), value })
    }
}

/// One purchase to record: a one-time purchase or a subscription (`purchase_type` tells which).
/// The subscription fields (`originally_purchased_at`, `expires_at`, `renew_status`, ...) are
/// required for a subscription and refused for a one-time purchase.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionParams {
    pub purchase_type: PurchaseType,
    /// `app_store`, `play_store`, `stripe`, `paddle`, or a custom store's id.
    pub store: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    pub store_product_id: String,
    /// At most 50 characters: trim or hash longer ids (PayPal's, some custom stores').
    pub store_transaction_id: String,
    pub store_original_transaction_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_family_shared: Option<bool>,
    pub price: Price,
    pub purchased_at: Timestamp,
    /// The paywall variation the purchase came from, for attribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<Offer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refunded_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancellation_reason: Option<CancellationReason>,
    /// Subscription only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub originally_purchased_at: Option<Timestamp>,
    /// Subscription only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// Subscription only: whether it renews automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_status: Option<bool>,
    /// Subscription only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_status_changed_at: Option<Timestamp>,
    /// Subscription only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_issue_detected_at: Option<Timestamp>,
    /// Subscription only; needs `billing_issue_detected_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_period_expires_at: Option<Timestamp>,
}

fn conflict(field: &str, code: &'static str, message: &str) -> ValidationError {
    ValidationError::new(field, Rule::Conflict, message).with_api_code(code)
}

/// Refuses a value of an open enum that this SDK version does not know (`Other`) or that the
/// request does not allow.
pub(crate) fn known(field: &str, value: &str, allowed: &[&str]) -> Result<(), ValidationError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(ValidationError::new(field, Rule::Enum, format!("{value:?} is not one of {}", allowed.join(", "))))
    }
}

pub(crate) fn non_empty(field: &str, value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() { Err(ValidationError::new(field, Rule::Required, "must not be empty")) } else { Ok(()) }
}

impl TransactionParams {
    /// A one-time purchase with the required fields (`store_original_transaction_id` = the
    /// transaction id); set the optional ones on the result.
    pub fn one_time_purchase(
        store: impl Into<String>,
        store_product_id: impl Into<String>,
        store_transaction_id: impl Into<String>,
        price: Price,
        purchased_at: Timestamp,
    ) -> Self {
        let id = store_transaction_id.into();
        Self {
            purchase_type: PurchaseType::OneTimePurchase,
            store: store.into(),
            environment: None,
            store_product_id: store_product_id.into(),
            store_transaction_id: id.clone(),
            store_original_transaction_id: id,
            is_family_shared: None,
            price,
            purchased_at,
            variation_id: None,
            offer: None,
            refunded_at: None,
            cancellation_reason: None,
            originally_purchased_at: None,
            expires_at: None,
            renew_status: None,
            renew_status_changed_at: None,
            billing_issue_detected_at: None,
            grace_period_expires_at: None,
        }
    }

    /// A first subscription purchase that renews automatically (`originally_purchased_at` =
    /// `purchased_at`); for a renewal, set `store_original_transaction_id` and
    /// `originally_purchased_at` to the first purchase's.
    pub fn subscription(
        store: impl Into<String>,
        store_product_id: impl Into<String>,
        store_transaction_id: impl Into<String>,
        price: Price,
        purchased_at: Timestamp,
        expires_at: Timestamp,
    ) -> Self {
        Self {
            purchase_type: PurchaseType::Subscription,
            originally_purchased_at: Some(purchased_at),
            expires_at: Some(expires_at),
            renew_status: Some(true),
            ..Self::one_time_purchase(store, store_product_id, store_transaction_id, price, purchased_at)
        }
    }

    /// Checks the field rules and the cross-field rules of Adapty's error table (each message
    /// names the `error_code` the API would answer with).
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty("store", &self.store)?;
        non_empty("store_product_id", &self.store_product_id)?;
        non_empty("store_transaction_id", &self.store_transaction_id)?;
        non_empty("store_original_transaction_id", &self.store_original_transaction_id)?;
        if self.store_transaction_id.chars().count() > MAX_STORE_TRANSACTION_ID_LEN {
            return Err(ValidationError::new(
                "store_transaction_id",
                Rule::MaxLength,
                format!("must be at most {MAX_STORE_TRANSACTION_ID_LEN} characters; trim or hash longer ids"),
            ));
        }
        if let Some(env) = &self.environment {
            known("environment", env.as_str(), &["Production", "Sandbox"])?;
        }
        if let Some(reason) = &self.cancellation_reason {
            known("cancellation_reason", reason.as_str(), CancellationReason::KNOWN)?;
        }
        let p = &self.price;
        // Stores report codes in either case (Stripe: `usd`); the API's examples are upper case.
        if p.currency.len() != 3 || !p.currency.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(ValidationError::new("price.currency", Rule::Format, format!("{:?} is not an ISO 4217 code like USD", p.currency)));
        }
        if !p.value.is_finite() || p.value < 0.0 {
            return Err(ValidationError::new("price.value", Rule::Range, format!("must be a number >= 0, got {}", p.value)));
        }
        let free = p.value == 0.0;
        if self.is_family_shared == Some(true) && !free {
            return Err(conflict("is_family_shared", "family_share_price_error", "if is_family_shared is true, price.value must be 0"));
        }
        if let Some(offer) = &self.offer {
            known("offer.category", offer.category.as_str(), &["introductory", "promotional", "offer_code", "win_back"])?;
            known("offer.type", offer.offer_type.as_str(), &["free_trial", "pay_as_you_go", "pay_up_front"])?;
            if offer.offer_type == OfferType::FreeTrial && !free {
                return Err(conflict("offer.type", "free_trial_price_error", "if offer.type is free_trial, price.value must be 0"));
            }
            if offer.category != OfferCategory::Introductory && offer.id.as_deref().is_none_or(|id| id.trim().is_empty()) {
                return Err(conflict(
                    "offer.id",
                    "missing_offer_id",
                    "offer.id must be given for every offer category except introductory",
                ));
            }
        }
        let refund_reason = self.cancellation_reason == Some(CancellationReason::Refund);
        if self.refunded_at.is_some() != refund_reason {
            return Err(conflict(
                "refunded_at",
                "refund_fields_error",
                "refunded_at and cancellation_reason=refund must be given together",
            ));
        }
        let after_purchase = |field: &str, code: &'static str, at: &Option<Timestamp>| match at {
            Some(t) if *t <= self.purchased_at => Err(conflict(field, code, &format!("{field} must be later than purchased_at"))),
            _ => Ok(()),
        };
        after_purchase("refunded_at", "refund_date_error", &self.refunded_at)?;
        match self.purchase_type {
            PurchaseType::OneTimePurchase => self.validate_one_time(),
            PurchaseType::Subscription => {
                self.validate_subscription()?;
                after_purchase("expires_at", "expires_date_error", &self.expires_at)?;
                after_purchase("renew_status_changed_at", "renew_status_changed_date_error", &self.renew_status_changed_at)?;
                after_purchase(
                    "billing_issue_detected_at",
                    "billing_issue_detected_at_date_comparison_error",
                    &self.billing_issue_detected_at,
                )
            }
        }
    }

    fn validate_one_time(&self) -> Result<(), ValidationError> {
        if self.store_transaction_id != self.store_original_transaction_id {
            return Err(conflict(
                "store_transaction_id",
                "store_transaction_id_error",
                "store_transaction_id must equal store_original_transaction_id for a one-time purchase",
            ));
        }
        if self.offer.as_ref().is_some_and(|o| o.offer_type == OfferType::FreeTrial) {
            return Err(conflict("offer.type", "one_time_purchase_trial_error", "a one-time purchase cannot have a trial"));
        }
        let subscription_only = [
            ("originally_purchased_at", self.originally_purchased_at.is_some()),
            ("expires_at", self.expires_at.is_some()),
            ("renew_status", self.renew_status.is_some()),
            ("renew_status_changed_at", self.renew_status_changed_at.is_some()),
            ("billing_issue_detected_at", self.billing_issue_detected_at.is_some()),
            ("grace_period_expires_at", self.grace_period_expires_at.is_some()),
        ];
        match subscription_only.iter().find(|(_, set)| *set) {
            Some((field, _)) => {
                Err(ValidationError::new(*field, Rule::Conflict, "applies to subscriptions only, not to a one_time_purchase"))
            }
            None => Ok(()),
        }
    }

    fn validate_subscription(&self) -> Result<(), ValidationError> {
        let required = |field: &str, set: bool| {
            if set { Ok(()) } else { Err(ValidationError::new(field, Rule::Required, "is required for a subscription")) }
        };
        required("originally_purchased_at", self.originally_purchased_at.is_some())?;
        required("expires_at", self.expires_at.is_some())?;
        required("renew_status", self.renew_status.is_some())?;
        if self.originally_purchased_at.is_some_and(|t| t > self.purchased_at) {
            return Err(conflict(
                "originally_purchased_at",
                "originally_purchased_date_error",
                "originally_purchased_at must be earlier than or equal to purchased_at",
            ));
        }
        if let Some(grace) = self.grace_period_expires_at {
            if self.billing_issue_detected_at.is_none() {
                return Err(conflict(
                    "billing_issue_detected_at",
                    "grace_period_billing_error",
                    "if grace_period_expires_at is given, billing_issue_detected_at must be given too",
                ));
            }
            if self.expires_at.is_some_and(|e| grace < e) {
                return Err(conflict(
                    "grace_period_expires_at",
                    "grace_period_expires_date_error",
                    "grace_period_expires_at must be later than or equal to expires_at",
                ));
            }
        }
        Ok(())
    }
}

/// Grants an access level without a transaction (referral bonuses and the like).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GrantAccessParams {
    /// A paid access level configured in the dashboard, e.g. `premium`.
    pub access_level_id: String,
    /// When it becomes active; may be in the future. Absent: now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<Timestamp>,
    /// When it expires; may be in the past. Absent: lifetime access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
}

impl GrantAccessParams {
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty("access_level_id", &self.access_level_id)
    }
}

/// Revokes an access level now, or shortens it to `revoke_at`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevokeAccessParams {
    pub access_level_id: String,
    /// When access ends: in the future, and not after the current expiry. Absent: now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke_at: Option<Timestamp>,
}

impl RevokeAccessParams {
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty("access_level_id", &self.access_level_id)?;
        match self.revoke_at {
            Some(t) if *t <= chrono::Utc::now() => {
                Err(ValidationError::new("revoke_at", Rule::Range, "must be in the future, or absent to revoke now")
                    .with_api_code("value_error"))
            }
            _ => Ok(()),
        }
    }
}
