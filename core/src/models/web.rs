//! The Web API's models: a placement's paywall for a web app, the paywall view and the
//! attribution it records. The profile is named in the body (`customer_user_id` or
//! `profile_id`), which the operations add from the profile reference.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::datetime::Timestamp;
use super::enums::{OfferCategory, OfferType};
use super::purchases::{known, non_empty};
use crate::models::error::{Rule, ValidationError};

/// What the Web API's get paywall takes beside the profile.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WebPaywallParams {
    /// `app_store`, `play_store`, `stripe`, or a custom store's id: whose products to return.
    pub store: String,
    /// The placement's id, as the dashboard names it.
    pub placement_id: String,
    /// The paywall's language, as `language[-region]` (e.g. `en`, `pt-BR`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

impl WebPaywallParams {
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty("store", &self.store)?;
        non_empty("placement_id", &self.placement_id)?;
        if let Some(locale) = &self.locale {
            locale_tag(locale)?;
        }
        Ok(())
    }
}

/// A `language[-region]` tag: letters, subtags of 2-8 letters or digits.
fn locale_tag(locale: &str) -> Result<(), ValidationError> {
    let mut parts = locale.split(['-', '_']);
    let language = parts.next().unwrap_or_default();
    let ok = (2..=8).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if ok { Ok(()) } else { Err(ValidationError::new("locale", Rule::Format, format!("{locale:?} is not a language[-region] tag"))) }
}

/// A placement's paywall as the Web API returns it, to render yourself.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebPaywall {
    pub placement_id: String,
    /// Send it with the paywall view and the purchase, so both count for this paywall.
    pub variation_id: String,
    pub paywall_id: String,
    pub paywall_name: String,
    #[serde(default)]
    pub ab_test_name: Option<String>,
    #[serde(default, deserialize_with = "super::profile::null_as_empty")]
    pub products: Vec<WebPaywallProduct>,
    #[serde(default)]
    pub remote_config: Option<WebRemoteConfig>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A product of a web paywall.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebPaywallProduct {
    pub vendor_product_id: String,
    #[serde(default)]
    pub is_consumable: bool,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub adapty_product_id: Option<String>,
    #[serde(default)]
    pub introductory_offer_eligibility: Option<bool>,
    #[serde(default)]
    pub promotional_offer_eligibility: Option<bool>,
    /// A Play Store base plan or a Stripe price id.
    #[serde(default)]
    pub base_plan_id: Option<String>,
    #[serde(default)]
    pub offer: Option<WebProductOffer>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The offer a web paywall shows with a product.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebProductOffer {
    pub category: OfferCategory,
    #[serde(rename = "type")]
    pub offer_type: OfferType,
    #[serde(default)]
    pub id: Option<String>,
}

/// A web paywall's remote config: `data` is the config as JSON text (parse it again).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebRemoteConfig {
    pub lang: String,
    pub data: String,
}

/// What recording a paywall view takes beside the profile.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PaywallViewParams {
    /// `app_store`, `play_store`, `stripe`, or a custom store's id.
    pub store: String,
    /// The `variation_id` of the paywall shown (from get paywall).
    pub variation_id: String,
    /// When it was shown (default: when Adapty receives it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visited_at: Option<Timestamp>,
}

impl PaywallViewParams {
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty("store", &self.store)?;
        uuid("variation_id", &self.variation_id)
    }
}

pub(crate) fn uuid(field: &str, value: &str) -> Result<(), ValidationError> {
    Uuid::parse_str(value.trim()).map(drop).map_err(|_| ValidationError::new(field, Rule::Format, format!("{value:?} is not a UUID")))
}

/// What adding attribution takes beside the profile.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AttributionParams {
    /// `organic`, `non_organic` or `unknown`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_set: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creative: Option<String>,
}

/// The attribution statuses the Web API takes (the Export Analytics filters spell the second
/// `non-organic`).
pub const ATTRIBUTION_STATUSES: &[&str] = &["organic", "non_organic", "unknown"];

impl AttributionParams {
    pub fn validate(&self) -> Result<(), ValidationError> {
        known("status", &self.status, ATTRIBUTION_STATUSES)
    }
}
