//! The webhook events Adapty sends to a backend, as the SDK reads them (the `webhooks` module
//! checks and parses them). Read leniently as the API models are: every field may be absent or `null`,
//! unknown fields land in `extra`, ids and revisions that arrive as numbers become text, amounts
//! that arrive as text become numbers, and `+0000` datetimes parse.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::attributes::AttributeValue;
use super::datetime::Timestamp;
use super::enums::{CancellationReason, Environment, OfferCategory, OfferType, Store};
use super::profile::null_as_default;

macro_rules! event_types {
    ($($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)?) => {
        /// What a webhook event is about: one of Adapty's event types, `unknown` for a name this
        /// SDK does not know (the name is in `raw_type`), or `verification` for the request
        /// Adapty sends when the webhook is saved.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum WebhookEventType {
            $($(#[$vmeta])* $variant,)+
            /// A type this SDK does not know, or a renamed one without a mapping.
            Unknown,
            /// Adapty's verification request (`{}`), sent when the webhook is saved.
            Verification,
        }

        impl WebhookEventType {
            /// Adapty's event types, by their default names.
            pub const ALL: &[WebhookEventType] = &[$(Self::$variant),+];

            /// The default name on the wire (`unknown` and `verification` are the SDK's own).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown => "unknown",
                    Self::Verification => "verification",
                }
            }

            /// The type Adapty's default name `name` stands for.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($wire => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        /// A closed string enum: Adapty's names, `unknown` and `verification`.
        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for WebhookEventType {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                "WebhookEventType".into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "enum": [$($wire,)+ "unknown", "verification"] })
            }
        }
    };
}

event_types! {
    SubscriptionStarted = "subscription_started",
    SubscriptionRenewed = "subscription_renewed",
    SubscriptionRenewalCancelled = "subscription_renewal_cancelled",
    SubscriptionRenewalReactivated = "subscription_renewal_reactivated",
    SubscriptionExpired = "subscription_expired",
    /// Android only.
    SubscriptionPaused = "subscription_paused",
    /// Google Play only.
    SubscriptionDeferred = "subscription_deferred",
    NonSubscriptionPurchase = "non_subscription_purchase",
    TrialStarted = "trial_started",
    TrialConverted = "trial_converted",
    TrialRenewalCancelled = "trial_renewal_cancelled",
    TrialRenewalReactivated = "trial_renewal_reactivated",
    TrialExpired = "trial_expired",
    EnteredGracePeriod = "entered_grace_period",
    BillingIssueDetected = "billing_issue_detected",
    SubscriptionRefunded = "subscription_refunded",
    NonSubscriptionPurchaseRefunded = "non_subscription_purchase_refunded",
    /// Sent only to the webhook integration, on every change of a profile's access level.
    AccessLevelUpdated = "access_level_updated",
    /// Opt-in: the trial is still active a set time after `trial_started`.
    TrialActive = "trial_active",
    /// Opt-in: the subscription is still active a set time after `subscription_started`.
    SubscriptionActive = "subscription_active",
}

/// A webhook event: Adapty's envelope, with `properties` typed by `type`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebhookEvent {
    /// The event's type: canonical, `unknown` or `verification`.
    #[serde(rename = "type")]
    pub event_type: WebhookEventType,
    /// `event_type` as received (a renamed event arrives under its configured name); not set for
    /// the verification request.
    pub raw_type: Option<String>,
    /// Whether this is Adapty's verification request: answer it with any 2xx and a JSON body.
    pub is_verification: bool,
    /// The event's unique id (`event_properties.profile_event_id`, of any type): a redelivery
    /// carries the same one, so deduplicate by it.
    pub profile_event_id: Option<String>,
    /// Adapty's id of the profile.
    pub profile_id: Option<String>,
    /// Your id of the user, if the app set one.
    pub customer_user_id: Option<String>,
    pub idfv: Option<String>,
    pub idfa: Option<String>,
    /// Advertising id (Android).
    pub advertising_id: Option<String>,
    pub profile_install_datetime: Option<Timestamp>,
    pub user_agent: Option<String>,
    pub email: Option<String>,
    /// When the event happened in the subscription's life (business time, not when it was sent:
    /// do not order events by it).
    pub event_datetime: Option<Timestamp>,
    /// The envelope's version (`1`).
    pub event_api_version: Option<i64>,
    /// `event_properties`, typed by `type`: `AccessLevelUpdatedProperties` for
    /// `access_level_updated`, `EventProperties` for Adapty's other types, the object as
    /// received for `unknown`, absent for `verification`.
    pub properties: Option<WebhookProperties>,
    /// Other profiles sharing the access level (excluding this one).
    pub profiles_sharing_access_level: Vec<SharingProfile>,
    /// Attribution data by source (e.g. `appsflyer`), if "Send attribution" is on.
    pub attributions: BTreeMap<String, Attribution>,
    /// Custom attributes of the profile, if "Send user attributes" is on.
    pub user_attributes: BTreeMap<String, AttributeValue>,
    /// The profile's integration identifiers (e.g. `firebase_app_instance_id`).
    pub integration_ids: BTreeMap<String, String>,
    /// Google Play's purchase token, if "Send Play Store purchase token" is on.
    pub play_store_purchase_token: Option<PlayStorePurchaseToken>,
    /// Envelope fields this SDK version does not know, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `event_properties` of a [`WebhookEvent`], by its type.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum WebhookProperties {
    AccessLevelUpdated(Box<AccessLevelUpdatedProperties>),
    Event(Box<EventProperties>),
    /// An `unknown` event's properties, as received.
    Unknown(Map<String, Value>),
}

/// The envelope as sent, before `event_properties` is read by the event's type.
#[derive(Debug, Deserialize)]
pub(crate) struct Envelope {
    #[serde(default)]
    pub event_type: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub profile_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub customer_user_id: Option<String>,
    #[serde(default)]
    pub idfv: Option<String>,
    #[serde(default)]
    pub idfa: Option<String>,
    #[serde(default)]
    pub advertising_id: Option<String>,
    #[serde(default)]
    pub profile_install_datetime: Option<Timestamp>,
    #[serde(default)]
    pub user_agent: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub event_datetime: Option<Timestamp>,
    #[serde(default, deserialize_with = "integer_or_text")]
    pub event_api_version: Option<i64>,
    #[serde(default)]
    pub event_properties: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub profiles_sharing_access_level: Vec<SharingProfile>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub attributions: BTreeMap<String, Attribution>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_attributes: BTreeMap<String, AttributeValue>,
    #[serde(default, deserialize_with = "text_values")]
    pub integration_ids: BTreeMap<String, String>,
    #[serde(default)]
    pub play_store_purchase_token: Option<PlayStorePurchaseToken>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Properties shared by Adapty's event types other than `access_level_updated` (one table in
/// Adapty's docs: which fields a type carries varies, so every field is optional).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventProperties {
    /// Unique id of the event: deduplicate redeliveries by it.
    #[serde(default, deserialize_with = "string_or_number")]
    pub profile_event_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub profile_id: Option<String>,
    #[serde(default)]
    pub store: Option<Store>,
    #[serde(default)]
    pub environment: Option<Environment>,
    #[serde(default)]
    pub vendor_product_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub transaction_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub original_transaction_id: Option<String>,
    #[serde(default)]
    pub purchase_date: Option<Timestamp>,
    #[serde(default)]
    pub original_purchase_date: Option<Timestamp>,
    /// `null` for a non-subscription purchase.
    #[serde(default)]
    pub subscription_expires_at: Option<Timestamp>,
    #[serde(default)]
    pub event_datetime: Option<Timestamp>,
    #[serde(default)]
    pub currency: Option<String>,
    /// Price before the store's cut, in `currency`; `null` for a free trial.
    #[serde(default, deserialize_with = "number_or_text")]
    pub price_local: Option<f64>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub price_usd: Option<f64>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub original_price_local: Option<f64>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub original_price_usd: Option<f64>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub discount_amount_local: Option<f64>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub discount_amount_usd: Option<f64>,
    /// Price after the store's cut.
    #[serde(default, deserialize_with = "number_or_text")]
    pub proceeds_local: Option<f64>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub proceeds_usd: Option<f64>,
    /// Income after the store's cut and taxes.
    #[serde(default, deserialize_with = "number_or_text")]
    pub net_revenue_local: Option<f64>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub net_revenue_usd: Option<f64>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub tax_amount_local: Option<f64>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub tax_amount_usd: Option<f64>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub profile_total_revenue_usd: Option<f64>,
    #[serde(default)]
    pub profile_has_access_level: Option<bool>,
    /// Periods paid without interruption, the current one included.
    #[serde(default, deserialize_with = "integer_or_text")]
    pub consecutive_payments: Option<i64>,
    /// Whether the store's cut is down to 15% after the first year.
    #[serde(default)]
    pub rate_after_first_year: Option<bool>,
    #[serde(default)]
    pub cancellation_reason: Option<CancellationReason>,
    /// E.g. `7 days`.
    #[serde(default)]
    pub trial_duration: Option<String>,
    #[serde(default)]
    pub store_country: Option<String>,
    #[serde(default)]
    pub profile_country: Option<String>,
    #[serde(default)]
    pub profile_ip_address: Option<String>,
    #[serde(default)]
    pub base_plan_id: Option<String>,
    #[serde(default)]
    pub promotional_offer_id: Option<String>,
    #[serde(default)]
    pub store_offer_category: Option<OfferCategory>,
    #[serde(default)]
    pub store_offer_discount_type: Option<OfferType>,
    #[serde(default, deserialize_with = "integer_or_text")]
    pub store_offer_number_of_periods: Option<i64>,
    #[serde(default)]
    pub cohort_name: Option<String>,
    /// The placement the purchase came from.
    #[serde(default)]
    pub developer_id: Option<String>,
    #[serde(default)]
    pub paywall_name: Option<String>,
    /// Sent as a number or as text; read as text.
    #[serde(default, deserialize_with = "string_or_number")]
    pub paywall_revision: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub variation_id: Option<String>,
    #[serde(default)]
    pub ab_test_name: Option<String>,
    #[serde(default, deserialize_with = "integer_or_text")]
    pub ab_test_revision: Option<i64>,
    /// Fields this SDK version does not know, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Properties of `access_level_updated`: the access level as it is now.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccessLevelUpdatedProperties {
    /// Unique id of the event: deduplicate redeliveries by it.
    #[serde(default, deserialize_with = "string_or_number")]
    pub profile_event_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub profile_id: Option<String>,
    #[serde(default)]
    pub access_level_id: Option<String>,
    /// Whether the access level is active now (from `expires_at`, `starts_at`, `is_lifetime`).
    #[serde(default)]
    pub is_active: Option<bool>,
    #[serde(default)]
    pub profile_has_access_level: Option<bool>,
    #[serde(default)]
    pub is_lifetime: Option<bool>,
    #[serde(default)]
    pub will_renew: Option<bool>,
    #[serde(default)]
    pub is_in_grace_period: Option<bool>,
    #[serde(default)]
    pub is_refund: Option<bool>,
    #[serde(default)]
    pub starts_at: Option<Timestamp>,
    #[serde(default)]
    pub activated_at: Option<Timestamp>,
    #[serde(default)]
    pub renewed_at: Option<Timestamp>,
    /// When access ends (the grace period's end during one; the cancellation date after a refund).
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
    #[serde(default)]
    pub subscription_expires_at: Option<Timestamp>,
    #[serde(default)]
    pub billing_issue_detected_at: Option<Timestamp>,
    #[serde(default)]
    pub cancellation_reason: Option<CancellationReason>,
    #[serde(default)]
    pub store: Option<Store>,
    #[serde(default)]
    pub environment: Option<Environment>,
    #[serde(default)]
    pub vendor_product_id: Option<String>,
    #[serde(default)]
    pub base_plan_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub transaction_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub original_transaction_id: Option<String>,
    #[serde(default)]
    pub purchase_date: Option<Timestamp>,
    #[serde(default)]
    pub original_purchase_date: Option<Timestamp>,
    #[serde(default)]
    pub event_datetime: Option<Timestamp>,
    #[serde(default)]
    pub active_introductory_offer_type: Option<OfferType>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub active_promotional_offer_id: Option<String>,
    #[serde(default)]
    pub active_promotional_offer_type: Option<OfferType>,
    #[serde(default)]
    pub trial_duration: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub profile_total_revenue_usd: Option<f64>,
    #[serde(default)]
    pub store_country: Option<String>,
    #[serde(default)]
    pub profile_country: Option<String>,
    #[serde(default)]
    pub profile_ip_address: Option<String>,
    #[serde(default)]
    pub cohort_name: Option<String>,
    #[serde(default)]
    pub developer_id: Option<String>,
    #[serde(default)]
    pub paywall_name: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub paywall_revision: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub variation_id: Option<String>,
    #[serde(default)]
    pub ab_test_name: Option<String>,
    /// Fields this SDK version does not know, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Another profile sharing the access level.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharingProfile {
    #[serde(default, deserialize_with = "string_or_number")]
    pub profile_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub customer_user_id: Option<String>,
}

/// Attribution data of one source.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    /// `organic`, `non_organic` or `unknown`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub campaign: Option<String>,
    #[serde(default)]
    pub ad_group: Option<String>,
    #[serde(default)]
    pub ad_set: Option<String>,
    #[serde(default)]
    pub creative: Option<String>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub network_user_id: Option<String>,
    /// Fields this SDK version does not know, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What Google Play needs to revalidate the purchase.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlayStorePurchaseToken {
    #[serde(default)]
    pub product_id: Option<String>,
    #[serde(default)]
    pub purchase_token: Option<String>,
    #[serde(default)]
    pub is_subscription: Option<bool>,
}

/// Text that may arrive as a JSON number (ids, revisions); `null` or absent is `None`.
fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(serde::de::Error::custom(format!("invalid type: {other}, expected a string or a number"))),
    }
}

/// A number that may arrive as text (`"4.99"`).
fn number_or_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(s)) => {
            s.trim().parse().map(Some).map_err(|_| serde::de::Error::custom(format!("invalid value: {s:?}, expected a number")))
        }
        Some(other) => Err(serde::de::Error::custom(format!("invalid type: {other}, expected a number"))),
    }
}

/// A whole number that may arrive as text (`"1"`) or as a whole float (`1.0`).
fn integer_or_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let invalid = |v: &dyn std::fmt::Display| serde::de::Error::custom(format!("invalid value: {v}, expected a whole number"));
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Ok(Some(i)),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
            _ => Err(invalid(&n)),
        },
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| invalid(&format!("{s:?}"))),
        Some(other) => Err(invalid(&other)),
    }
}

/// A map of text values (numbers read as text); `null` values and a `null` map are left out.
fn text_values<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let map = Option::<BTreeMap<String, Value>>::deserialize(d)?.unwrap_or_default();
    map.into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            Value::Number(n) => Ok((k, n.to_string())),
            other => Err(serde::de::Error::custom(format!("invalid type: {other} at {k}, expected a string"))),
        })
        .collect()
}
