//! The async [`Client`] and its blocking twin [`BlockingClient`], with the same methods.

use std::sync::Arc;

use crate::api::paywalls::Paywalls;
use crate::api::profiles::{BulkItem, Profiles};
use crate::api::purchases::{AccessLevels, Purchases};
use crate::api::settings::{Integrations, RefundSaver};
use crate::api::virtual_currency::VirtualCurrency;
use crate::models::config::Config;
use crate::models::error::Error;
use crate::models::reference::{CreateRef, ProfileRef};
use crate::models::*;
use crate::transport::http::Transport;
use crate::transport::pagination::BlockingPages;
use crate::transport::runtime::block_on;

/// The async client. Cheap to clone; clones share settings and the process-wide pool. Its
/// futures run on the SDK's own runtime, so any executor can await them.
#[derive(Clone)]
pub struct Client {
    transport: Arc<Transport>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("config", self.transport.config()).finish()
    }
}

impl Client {
    pub fn new(config: Config) -> Result<Self, Error> {
        Ok(Self { transport: Arc::new(Transport::new(config)?) })
    }

    /// A client configured from `ADAPTY_API_KEY` and `ADAPTY_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Self::new(Config::builder().build()?)
    }

    pub fn config(&self) -> &Config {
        self.transport.config()
    }

    /// The Profile API.
    pub fn profiles(&self) -> Profiles<'_> {
        Profiles { transport: &self.transport }
    }

    /// Transactions and Stripe/Paddle purchase imports.
    pub fn purchases(&self) -> Purchases<'_> {
        Purchases { transport: &self.transport }
    }

    /// Granting and revoking access levels.
    pub fn access_levels(&self) -> AccessLevels<'_> {
        AccessLevels { transport: &self.transport }
    }

    /// Refund Saver settings.
    pub fn refund_saver(&self) -> RefundSaver<'_> {
        RefundSaver { transport: &self.transport }
    }

    /// Integration identifiers.
    pub fn integrations(&self) -> Integrations<'_> {
        Integrations { transport: &self.transport }
    }

    pub fn paywalls(&self) -> Paywalls<'_> {
        Paywalls { transport: &self.transport }
    }

    pub fn virtual_currency(&self) -> VirtualCurrency<'_> {
        VirtualCurrency { transport: &self.transport }
    }

    /// The blocking twin sharing this client's settings.
    pub fn blocking(&self) -> BlockingClient {
        BlockingClient { inner: self.clone() }
    }
}

/// The blocking client: each method waits on the shared runtime (never `reqwest::blocking`).
/// Calling it from a thread that runs an async runtime returns [`Error::Usage`].
#[derive(Clone, Debug)]
pub struct BlockingClient {
    inner: Client,
}

/// A blocking namespace whose methods run the async namespace's method of the same name on
/// the shared runtime. Arguments are taken by reference and cloned into the future.
macro_rules! blocking_namespace {
    ($(#[$doc:meta])* $name:ident => $ns:ident { $(fn $method:ident($($arg:ident: &$ty:ty),*) -> $ret:ty;)+ }) => {
        $(#[$doc])*
        pub struct $name {
            client: Client,
        }

        impl $name {
            $(
                pub fn $method(&self, $($arg: &$ty),*) -> Result<$ret, Error> {
                    let c = self.client.clone();
                    $(let $arg = ToOwned::to_owned($arg);)*
                    block_on(async move { c.$ns().$method($(&$arg),*).await })
                }
            )+
        }
    };
}

impl BlockingClient {
    pub fn new(config: Config) -> Result<Self, Error> {
        Ok(Client::new(config)?.blocking())
    }

    pub fn config(&self) -> &Config {
        self.inner.config()
    }

    pub fn profiles(&self) -> BlockingProfiles {
        BlockingProfiles { client: self.inner.clone() }
    }

    pub fn purchases(&self) -> BlockingPurchases {
        BlockingPurchases { client: self.inner.clone() }
    }

    pub fn access_levels(&self) -> BlockingAccessLevels {
        BlockingAccessLevels { client: self.inner.clone() }
    }

    pub fn refund_saver(&self) -> BlockingRefundSaver {
        BlockingRefundSaver { client: self.inner.clone() }
    }

    pub fn integrations(&self) -> BlockingIntegrations {
        BlockingIntegrations { client: self.inner.clone() }
    }

    pub fn paywalls(&self) -> BlockingPaywalls {
        BlockingPaywalls { client: self.inner.clone() }
    }

    pub fn virtual_currency(&self) -> BlockingVirtualCurrency {
        BlockingVirtualCurrency { client: self.inner.clone() }
    }

    /// The async twin sharing this client's settings.
    pub fn async_client(&self) -> &Client {
        &self.inner
    }
}

blocking_namespace! {
    /// Blocking Profile API; see [`Profiles`] for what each method does.
    BlockingProfiles => profiles {
        fn get(profile: &ProfileRef) -> Profile;
        fn create(target: &CreateRef, params: &ProfileParams) -> Profile;
        fn update(profile: &ProfileRef, params: &ProfileParams) -> Profile;
        fn delete(profile: &ProfileRef) -> ();
    }
}

impl BlockingProfiles {
    pub fn delete_many<T: Into<BulkItem>>(&self, refs: impl IntoIterator<Item = T>, concurrency: usize) -> Vec<Result<(), Error>> {
        let c = self.client.clone();
        let items: Vec<BulkItem> = refs.into_iter().map(Into::into).collect();
        let n = items.len();
        block_on(async move { Ok(c.profiles().delete_many(items, concurrency).await) }).unwrap_or_else(|e| vec![Err(e); n])
    }
}

blocking_namespace! {
    /// Blocking purchases; see [`Purchases`].
    BlockingPurchases => purchases {
        fn set_transaction(profile: &ProfileRef, params: &TransactionParams) -> Profile;
        fn validate_stripe(params: &StripeValidationParams) -> ();
        fn validate_paddle(params: &PaddleValidationParams) -> Profile;
    }
}

blocking_namespace! {
    /// Blocking access levels; see [`AccessLevels`].
    BlockingAccessLevels => access_levels {
        fn grant(profile: &ProfileRef, params: &GrantAccessParams) -> Profile;
        fn revoke(profile: &ProfileRef, params: &RevokeAccessParams) -> Profile;
    }
}

blocking_namespace! {
    /// Blocking Refund Saver settings; see [`RefundSaver`].
    BlockingRefundSaver => refund_saver {
        fn get(profile: &ProfileRef) -> RefundSaverSettings;
        fn set(profile: &ProfileRef, params: &RefundSaverParams) -> RefundSaverSettings;
    }
}

blocking_namespace! {
    /// Blocking integration identifiers; see [`Integrations`].
    BlockingIntegrations => integrations {
        fn get(profile: &ProfileRef) -> IntegrationIdentifiers;
        fn set(profile: &ProfileRef, ids: &IntegrationIdentifiers) -> ();
    }
}

blocking_namespace! {
    /// Blocking paywalls; see [`Paywalls`].
    BlockingPaywalls => paywalls {
        fn list(page: &PageRequest) -> PaywallPage;
        fn get(paywall_id: &str) -> Paywall;
        fn update(paywall_id: &str, params: &PaywallUpdateParams) -> Paywall;
    }
}

impl BlockingPaywalls {
    /// Every paywall, `page_size` per request, fetched as the iterator is read.
    pub fn list_all(&self, page_size: u32) -> BlockingPages<Paywall> {
        let c = self.client.clone();
        BlockingPages::new(move |cursor| {
            let page = PageRequest::at(cursor.as_deref(), page_size)?;
            let c = c.clone();
            block_on(async move { c.paywalls().list(&page).await }).map(|p| (p.data, p.next_cursor))
        })
    }
}

blocking_namespace! {
    /// Blocking virtual currencies; see [`VirtualCurrency`].
    BlockingVirtualCurrency => virtual_currency {
        fn list_transactions(profile: &ProfileRef, page: &HistoryRequest) -> VirtualCurrencyTransactionPage;
        fn balances(profile: &ProfileRef) -> VirtualCurrencyBalances;
    }
}

impl BlockingVirtualCurrency {
    /// See [`VirtualCurrency::create_transaction`].
    pub fn create_transaction(
        &self,
        profile: &ProfileRef,
        params: &VirtualCurrencyTransactionParams,
        idempotency_key: Option<&str>,
    ) -> Result<VirtualCurrencyTransactionResult, Error> {
        let (c, profile, params, key) = (self.client.clone(), profile.clone(), params.clone(), idempotency_key.map(str::to_owned));
        block_on(async move { c.virtual_currency().create_transaction(&profile, &params, key.as_deref()).await })
    }

    /// The whole history, fetched as the iterator is read; see [`VirtualCurrency::list_all_transactions`].
    pub fn list_all_transactions(
        &self,
        profile: &ProfileRef,
        currency_code: Option<&str>,
        limit: Option<u32>,
    ) -> BlockingPages<VirtualCurrencyTransaction> {
        let (c, profile, currency_code) = (self.client.clone(), profile.clone(), currency_code.map(str::to_owned));
        BlockingPages::new(move |cursor| {
            let page = HistoryRequest { currency_code: currency_code.clone(), limit, cursor };
            let (c, profile) = (c.clone(), profile.clone());
            block_on(async move { c.virtual_currency().list_transactions(&profile, &page).await }).map(|p| (p.data, p.next_cursor))
        })
    }
}
