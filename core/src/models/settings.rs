//! Per-profile settings: Refund Saver preferences, integration identifiers, and the bodies of
//! the Stripe and Paddle purchase validations.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::enums::RefundPreference;
use super::purchases::{known, non_empty};
use crate::models::error::{Rule, ValidationError};

/// A profile's Refund Saver settings as the API returns them.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundSaverSettings {
    pub profile_id: String,
    /// Both values `None` when the API sends `null` (the dashboard's defaults apply).
    #[serde(deserialize_with = "super::profile::null_as_default")]
    pub settings: RefundSaverPreferences,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The user's refund preference and data-sharing consent; `None` means the dashboard default.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RefundSaverPreferences {
    #[serde(default)]
    pub consent: Option<bool>,
    #[serde(default)]
    pub custom_preference: Option<RefundPreference>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What set Refund Saver settings takes: at least one of the two.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RefundSaverParams {
    /// `grant`, `no_preference` or `decline` each refund request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_preference: Option<RefundPreference>,
    /// Whether Adapty may share the user's purchase data with Apple on a refund request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<bool>,
}

impl RefundSaverParams {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if let Some(p) = &self.custom_preference {
            known("custom_preference", p.as_str(), RefundPreference::KNOWN)?;
        }
        if self.custom_preference.is_none() && self.consent.is_none() {
            return Err(ValidationError::new("custom_preference", Rule::Required, "give custom_preference, consent, or both"));
        }
        Ok(())
    }
}

macro_rules! integration_identifiers {
    ($($(#[$m:meta])* $field:ident),+ $(,)?) => {
        /// A profile's identifiers in third-party services. Setting leaves out the `None` ones
        /// (they keep their value).
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[cfg_attr(feature = "schema", schemars(extend("x-also-input" = true)))]
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        pub struct IntegrationIdentifiers {
            $($(#[$m])* #[serde(default, skip_serializing_if = "Option::is_none")] pub $field: Option<String>,)+
            /// Identifiers this SDK version does not know, as received (refused when sending:
            /// a misspelt key would otherwise be lost silently).
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }

        impl IntegrationIdentifiers {
            /// Every identifier this SDK version knows, as named on the wire.
            pub const KNOWN: &'static [&'static str] = &[$(stringify!($field)),+];

            fn is_empty(&self) -> bool {
                $(self.$field.is_none())&&+
            }
        }
    };
}

integration_identifiers! {
    adjust_device_id,
    airbridge_device_id,
    amplitude_device_id,
    amplitude_user_id,
    appmetrica_device_id,
    appmetrica_profile_id,
    appsflyer_id,
    branch_id,
    facebook_anonymous_id,
    firebase_app_instance_id,
    mixpanel_user_id,
    /// Legacy; prefer `one_signal_subscription_id`.
    one_signal_player_id,
    one_signal_subscription_id,
    posthog_distinct_user_id,
    pushwoosh_hwid,
    tenjin_analytics_installation_id,
}

impl IntegrationIdentifiers {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if let Some(key) = self.extra.keys().next() {
            return Err(ValidationError::new(key.as_str(), Rule::Enum, format!("is not an identifier; known: {}", Self::KNOWN.join(", "))));
        }
        if self.is_empty() {
            return Err(ValidationError::new("integration_identifiers", Rule::Required, "give at least one identifier"));
        }
        Ok(())
    }
}

/// Imports a Stripe purchase (subscription `sub_...` or payment intent `pi_...`) into the
/// profile with `customer_user_id`, creating the profile if needed.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StripeValidationParams {
    pub customer_user_id: String,
    pub stripe_token: String,
}

/// Imports a Paddle purchase (transaction `txn_...` or subscription `sub_...`) into the profile
/// with `customer_user_id`, creating the profile if needed.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaddleValidationParams {
    pub customer_user_id: String,
    pub paddle_token: String,
}

impl StripeValidationParams {
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty("customer_user_id", &self.customer_user_id)?;
        non_empty("stripe_token", &self.stripe_token)
    }
}

impl PaddleValidationParams {
    pub fn validate(&self) -> Result<(), ValidationError> {
        non_empty("customer_user_id", &self.customer_user_id)?;
        non_empty("paddle_token", &self.paddle_token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refund_saver_settings_read_null_or_missing_values_as_unset() {
        for body in [r#"{"profile_id": "p", "settings": null}"#, r#"{"profile_id": "p", "settings": {}}"#] {
            let s: RefundSaverSettings = serde_json::from_str(body).unwrap();
            assert_eq!((s.settings.consent, s.settings.custom_preference), (None, None), "{body}");
        }
    }
}
