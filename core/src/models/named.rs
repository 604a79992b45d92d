//! Each model's name in the schema bundle, as a constant of its type ([`Model::NAME`]): the
//! manifest names an operation's body, result and walk items by their Rust types, never by a
//! string written beside them. Request bodies are marked too ([`Body`]): an operation's
//! parameter of such a type is its `fields`.

use serde::de::DeserializeOwned;

use super::analytics::{
    AnalyticsChart, AnalyticsChartParams, CohortParams, CohortReport, ConversionParams, CsvExport, FunnelParams, FunnelReport, LtvParams,
    LtvReport, MetricData, PlacementReport, PlacementsParams, RetentionParams, RetentionReport,
};
use super::legacy::{LegacyGrantParams, LegacyProfile, LegacyProfileParams, LegacyRevokeParams};
use super::mail::{MailProfileDeleteParams, MailProfileParams, MailTransactionEventParams};
use super::params::ProfileParams;
use super::paywalls::{Paywall, PaywallPage, PaywallUpdateParams};
use super::profile::Profile;
use super::purchases::{GrantAccessParams, RevokeAccessParams, TransactionParams};
use super::settings::{IntegrationIdentifiers, PaddleValidationParams, RefundSaverParams, RefundSaverSettings, StripeValidationParams};
use super::virtual_currency::{
    VirtualCurrencyBalances, VirtualCurrencyTransaction, VirtualCurrencyTransactionPage, VirtualCurrencyTransactionParams,
    VirtualCurrencyTransactionResult,
};
use super::web::{AttributionParams, PaywallViewParams, WebPaywall, WebPaywallParams};

/// A model the manifest names.
pub(crate) trait Model {
    /// Its name in the schema bundle (schemars' `schema_name`, checked by a test).
    const NAME: &'static str;
}

/// A request body: what a caller gives as an operation's `fields`.
pub(crate) trait Body: Model + DeserializeOwned {}

/// `models`, named; `bodies` also marked as request bodies.
macro_rules! named {
    (models: $($model:ident),+; bodies: $($body:ident),+ $(,)?) => {
        $(impl Model for $model {
            const NAME: &'static str = stringify!($model);
        })+
        $(impl Body for $body {})+

        /// Defines every named model in `generator`, so the bundle holds each model the manifest
        /// names, whether or not another model refers to it.
        #[cfg(feature = "schema")]
        pub(crate) fn define_named(generator: &mut schemars::SchemaGenerator) {
            $(generator.subschema_for::<$model>();)+
        }

        #[cfg(all(test, feature = "schema"))]
        #[test]
        fn each_name_is_the_schemas() {
            $(assert_eq!(<$model as schemars::JsonSchema>::schema_name(), <$model as Model>::NAME);)+
        }
    };
}

named!(
    models:
        Profile,
        ProfileParams,
        TransactionParams,
        GrantAccessParams,
        RevokeAccessParams,
        RefundSaverParams,
        RefundSaverSettings,
        IntegrationIdentifiers,
        StripeValidationParams,
        PaddleValidationParams,
        Paywall,
        PaywallPage,
        PaywallUpdateParams,
        VirtualCurrencyTransactionParams,
        VirtualCurrencyTransactionResult,
        VirtualCurrencyBalances,
        VirtualCurrencyTransaction,
        VirtualCurrencyTransactionPage,
        WebPaywallParams,
        WebPaywall,
        PaywallViewParams,
        AttributionParams,
        LegacyProfile,
        LegacyProfileParams,
        LegacyGrantParams,
        LegacyRevokeParams,
        MailProfileParams,
        MailProfileDeleteParams,
        MailTransactionEventParams,
        AnalyticsChartParams,
        AnalyticsChart,
        MetricData,
        CohortParams,
        CohortReport,
        ConversionParams,
        FunnelParams,
        FunnelReport,
        LtvParams,
        LtvReport,
        RetentionParams,
        RetentionReport,
        PlacementsParams,
        PlacementReport,
        CsvExport;
    bodies:
        ProfileParams,
        TransactionParams,
        StripeValidationParams,
        PaddleValidationParams,
        GrantAccessParams,
        RevokeAccessParams,
        RefundSaverParams,
        IntegrationIdentifiers,
        PaywallUpdateParams,
        VirtualCurrencyTransactionParams,
        WebPaywallParams,
        PaywallViewParams,
        AttributionParams,
        LegacyProfileParams,
        LegacyGrantParams,
        LegacyRevokeParams,
        MailProfileParams,
        MailProfileDeleteParams,
        MailTransactionEventParams,
        AnalyticsChartParams,
        CohortParams,
        ConversionParams,
        FunnelParams,
        LtvParams,
        RetentionParams,
        PlacementsParams,
);
