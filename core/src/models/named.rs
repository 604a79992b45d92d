//! Each model's name in the schema bundle, as a constant of its type ([`Model::NAME`]): the
//! manifest names an operation's body, result and walk items by their Rust types, never by a
//! string written beside them.

use super::params::ProfileParams;
use super::paywalls::{Paywall, PaywallPage, PaywallUpdateParams};
use super::profile::Profile;
use super::purchases::{GrantAccessParams, RevokeAccessParams, TransactionParams};
use super::settings::{IntegrationIdentifiers, PaddleValidationParams, RefundSaverParams, RefundSaverSettings, StripeValidationParams};
use super::virtual_currency::{
    VirtualCurrencyBalances, VirtualCurrencyTransaction, VirtualCurrencyTransactionPage, VirtualCurrencyTransactionParams,
    VirtualCurrencyTransactionResult,
};

/// A model the manifest names.
pub(crate) trait Model {
    /// Its name in the schema bundle (schemars' `schema_name`, checked by a test).
    const NAME: &'static str;
}

macro_rules! named {
    ($($model:ident),+ $(,)?) => {
        $(impl Model for $model {
            const NAME: &'static str = stringify!($model);
        })+

        #[cfg(all(test, feature = "schema"))]
        #[test]
        fn each_name_is_the_schemas() {
            $(assert_eq!(<$model as schemars::JsonSchema>::schema_name(), <$model as Model>::NAME);)+
        }
    };
}

named!(
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
);
