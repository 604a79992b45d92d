//! String enums of the API.
//!
//! Enums the SDK *sends* are closed: an unknown value is a validation error naming the allowed
//! ones. Enums the SDK *receives* are open: a value Adapty adds later is kept in `Other(text)`
//! instead of breaking the response's parsing.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The parts both kinds share: `as_str`, `Display`, `Serialize`.
macro_rules! wire_enum_common {
    ($name:ident { $($variant:ident = $wire:literal),+ } $(, $other:ident)?) => {
        impl $name {
            /// Every value this SDK version knows, as sent on the wire.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    $(Self::$other(text) => text,)?
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

/// An enum the SDK sends: parsing an unknown value fails with the list of allowed values.
macro_rules! closed_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        wire_enum_common!($name { $($variant = $wire),+ });

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($wire => Ok(Self::$variant),)+
                    other => Err(format!("{other:?} is not one of {}", Self::KNOWN.join(", "))),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "enum": Self::KNOWN })
            }
        }
    };
}

/// An enum the SDK receives: unknown values are kept in `Other`.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this SDK version does not know yet, kept as sent.
            Other(String),
        }

        wire_enum_common!($name { $($variant = $wire),+ }, Other);

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(Self::from(String::deserialize(d)?.as_str()))
            }
        }

        /// Any string; `x-known-values` lists the values this version knows.
        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "x-known-values": Self::KNOWN })
            }
        }
    };
}

closed_enum! {
    /// The end user's gender.
    Gender { Female = "f", Male = "m", Other = "o" }
}

closed_enum! {
    /// Device platform: the `adapty-platform` header and `installation_meta.platform`.
    Platform { IOS = "iOS", MacOS = "macOS", IPadOS = "iPadOS", VisionOS = "visionOS", Android = "Android", Web = "web" }
}

open_enum! {
    /// Store of a purchase; custom stores arrive as `Other(store_id)`.
    Store { AppStore = "app_store", PlayStore = "play_store", Stripe = "stripe", Paddle = "paddle", Adapty = "adapty" }
}

open_enum! {
    /// Store environment of a purchase.
    Environment { Production = "Production", Sandbox = "Sandbox" }
}

open_enum! {
    /// Category of an offer applied to a purchase.
    OfferCategory { Introductory = "introductory", Promotional = "promotional", OfferCode = "offer_code", WinBack = "win_back", Retention = "retention" }
}

open_enum! {
    /// Payment mode of an offer.
    OfferType { FreeTrial = "free_trial", PayAsYouGo = "pay_as_you_go", PayUpFront = "pay_up_front", Unknown = "unknown" }
}

open_enum! {
    /// Why a subscription or access level was cancelled.
    CancellationReason {
        BillingError = "billing_error",
        CancelledByDeveloper = "cancelled_by_developer",
        NewSubscriptionReplace = "new_subscription_replace",
        PriceIncrease = "price_increase",
        ProductWasNotAvailable = "product_was_not_available",
        Refund = "refund",
        Unknown = "unknown",
        Upgraded = "upgraded",
        VoluntarilyCancelled = "voluntarily_cancelled",
        AdaptyRevoked = "adapty_revoked",
    }
}

closed_enum! {
    /// What kind of purchase a transaction records.
    PurchaseType { OneTimePurchase = "one_time_purchase", Subscription = "subscription" }
}

open_enum! {
    /// Refund Saver's answer to a refund request: `grant`, `no_preference` (Apple decides) or `decline`.
    RefundPreference { Grant = "grant", NoPreference = "no_preference", Decline = "decline" }
}

open_enum! {
    /// Publication state of a paywall.
    PaywallState { Draft = "draft", Live = "live", Inactive = "inactive", Archived = "archived" }
}

open_enum! {
    /// Product group a paywall product belongs to.
    ProductSet {
        Weekly = "weekly",
        Monthly = "monthly",
        Trimonthly = "trimonthly",
        Semiannual = "semiannual",
        Annual = "annual",
        Lifetime = "lifetime",
        Uncategorised = "uncategorised",
        Nonsubscriptions = "nonsubscriptions",
        TwoMonths = "two_months",
        Consumable = "consumable",
    }
}

open_enum! {
    /// What caused a virtual currency transaction.
    VirtualCurrencyTransactionType {
        StorePurchase = "store_purchase",
        SubscriptionRenewal = "subscription_renewal",
        TrialStart = "trial_start",
        ApiTransaction = "api_transaction",
        DashboardTransaction = "dashboard_transaction",
        Refund = "refund",
        Expiry = "expiry",
    }
}

closed_enum! {
    /// An Export Analytics chart (`retrieveAnalyticsData`'s `chart_id`).
    ChartId {
        Revenue = "revenue",
        Mrr = "mrr",
        Arr = "arr",
        Arppu = "arppu",
        SubscriptionsActive = "subscriptions_active",
        SubscriptionsNew = "subscriptions_new",
        SubscriptionsRenewalCancelled = "subscriptions_renewal_cancelled",
        SubscriptionsExpired = "subscriptions_expired",
        TrialsActive = "trials_active",
        TrialsNew = "trials_new",
        TrialsRenewalCancelled = "trials_renewal_cancelled",
        TrialsExpired = "trials_expired",
        GracePeriod = "grace_period",
        BillingIssue = "billing_issue",
        RefundEvents = "refund_events",
        RefundMoney = "refund_money",
        NonSubscriptions = "non_subscriptions",
        Arpu = "arpu",
        Installs = "installs",
    }
}

closed_enum! {
    /// The period an Export Analytics report groups by.
    PeriodUnit { Day = "day", Week = "week", Month = "month", Quarter = "quarter", Year = "year" }
}

closed_enum! {
    /// Which date counts as a user's joining date in an Export Analytics report.
    DateType { PurchaseDate = "purchase_date", ProfileInstallDate = "profile_install_date" }
}

closed_enum! {
    /// Whether cohort and LTV periods count renewals or days.
    CohortPeriodType { Renewals = "renewals", Days = "days" }
}

closed_enum! {
    /// Cohort values as counts, or relative to the first period (100%).
    CohortValueType { Absolute = "absolute", Relative = "relative" }
}

closed_enum! {
    /// What a cohort report counts.
    CohortValueField {
        Revenue = "revenue",
        Arppu = "arppu",
        Arpu = "arpu",
        Arpas = "arpas",
        Subscribers = "subscribers",
        Subscriptions = "subscriptions",
    }
}

closed_enum! {
    /// Which money a cohort report counts: what users paid, after the store's fee, or after taxes too.
    AccountingType { Revenue = "revenue", Proceeds = "proceeds", NetRevenue = "net_revenue" }
}

closed_enum! {
    /// How a funnel report shows its stages.
    FunnelValueKind { Absolute = "absolute", Relative = "relative", Both = "both" }
}

closed_enum! {
    /// Which placements an Export Analytics placements report lists.
    PlacementType { Paywall = "paywall", Onboarding = "onboarding" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_enums_refuse_and_open_enums_keep_unknown_values() {
        assert_eq!("iOS".parse::<Platform>(), Ok(Platform::IOS));
        let err = "ios".parse::<Platform>().unwrap_err();
        assert!(err.contains("iOS, macOS"), "{err}");
        let s: Store = serde_json::from_str("\"my_custom_store\"").unwrap();
        assert_eq!(s, Store::Other("my_custom_store".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"my_custom_store\"");
        assert_eq!(serde_json::from_str::<OfferType>("\"unknown\"").unwrap(), OfferType::Unknown);
    }
}
