//! Virtual currencies: credit and debit balances atomically, read balances and history.

use std::sync::Arc;

use futures_util::Stream;
use serde::Deserialize;
use uuid::Uuid;

use crate::api::manifest as ops;
use crate::models::error::{Error, Rule, ValidationError};
use crate::models::reference::ProfileRef;
use crate::models::{
    HistoryRequest, VirtualCurrencyBalances, VirtualCurrencyTransaction, VirtualCurrencyTransactionPage, VirtualCurrencyTransactionParams,
    VirtualCurrencyTransactionResult,
};
use crate::transport::http::{Transport, send_json};
use crate::transport::pagination::walk;
use crate::transport::request::{ApiRequest, Replay};

pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

#[derive(Deserialize)]
struct HistoryResponse {
    #[serde(default, deserialize_with = "crate::models::null_as_empty")]
    data: Vec<VirtualCurrencyTransaction>,
    #[serde(default, deserialize_with = "crate::models::null_as_default")]
    pagination: HistoryPagination,
}

#[derive(Deserialize, Default)]
struct HistoryPagination {
    #[serde(default)]
    next_cursor: Option<String>,
}

/// A caller's idempotency key must be a UUID v4, as the API requires.
pub fn check_idempotency_key(key: &str) -> Result<Uuid, ValidationError> {
    Uuid::parse_str(key.trim()).ok().filter(|u| u.get_version_num() == 4).ok_or_else(|| {
        ValidationError::new("idempotency_key", Rule::Format, format!("{key:?} is not a UUID v4")).with_api_code("idempotency_key_invalid")
    })
}

/// The virtual currencies of profiles. Get it from [`crate::api::client::Client::virtual_currency`].
pub struct VirtualCurrency<'a> {
    pub(crate) transport: &'a Arc<Transport>,
}

impl VirtualCurrency<'_> {
    /// Applies every item (credit if positive, debit if negative) or none. The request carries
    /// an `Idempotency-Key`, `idempotency_key` or a new UUID v4, reused on every retry, so a
    /// retried transaction applies once; pass your own key to make your own retries safe too.
    pub async fn create_transaction(
        &self,
        profile: &ProfileRef,
        params: &VirtualCurrencyTransactionParams,
        idempotency_key: Option<&str>,
    ) -> Result<VirtualCurrencyTransactionResult, Error> {
        params.validate()?;
        let key = match idempotency_key {
            Some(k) => check_idempotency_key(k)?,
            None => Uuid::new_v4(),
        };
        let req = ApiRequest::of(&ops::VIRTUAL_CURRENCY_CREATE_TRANSACTION.http, Replay::IdempotencyKey)
            .headers(profile.headers())
            .headers(vec![(IDEMPOTENCY_KEY_HEADER, key.to_string())])
            .json(params)?;
        send_json(self.transport, req).await
    }

    /// One page of the profile's transaction history, newest first.
    pub async fn list_transactions(&self, profile: &ProfileRef, page: &HistoryRequest) -> Result<VirtualCurrencyTransactionPage, Error> {
        page.validate()?;
        // A read: safe to repeat.
        let req = ApiRequest::of(&ops::VIRTUAL_CURRENCY_LIST_TRANSACTIONS.http, Replay::Idempotent)
            .headers(profile.headers())
            .query("currency_code", page.currency_code.as_ref())
            .query("limit", page.limit)
            .query("cursor", page.cursor.as_ref());
        // The API nests the cursor: `{"data": [..], "pagination": {"next_cursor": ..}}`.
        let resp: HistoryResponse = send_json(self.transport, req).await?;
        Ok(VirtualCurrencyTransactionPage { data: resp.data, next_cursor: resp.pagination.next_cursor.filter(|c| !c.is_empty()) })
    }

    /// The whole history (of `currency_code`, if given), `limit` per request, fetched as the
    /// stream is read.
    pub fn list_all_transactions(
        &self,
        profile: &ProfileRef,
        currency_code: Option<&str>,
        limit: Option<u32>,
    ) -> impl Stream<Item = Result<VirtualCurrencyTransaction, Error>> + Send + 'static {
        let (transport, profile, currency_code) = (self.transport.clone(), profile.clone(), currency_code.map(str::to_owned));
        walk(move |cursor| {
            let (transport, profile) = (transport.clone(), profile.clone());
            let page = HistoryRequest { currency_code: currency_code.clone(), limit, cursor };
            async move {
                let p = VirtualCurrency { transport: &transport }.list_transactions(&profile, &page).await?;
                Ok((p.data, p.next_cursor))
            }
        })
    }

    /// Every currency balance of the profile.
    pub async fn balances(&self, profile: &ProfileRef) -> Result<VirtualCurrencyBalances, Error> {
        // A read: safe to repeat.
        let req = ApiRequest::of(&ops::VIRTUAL_CURRENCY_BALANCES.http, Replay::Idempotent).headers(profile.headers());
        send_json(self.transport, req).await
    }
}
