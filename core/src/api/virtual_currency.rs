//! Virtual currencies: credit and debit balances atomically, read balances and history.

use std::sync::Arc;

use futures_util::Stream;
use serde::Deserialize;
use uuid::Uuid;

use super::answer::Answer;
use super::declare::operations;
use super::manifest::{Operation, count, cursor, text};
use crate::models::config::Config;
use crate::models::error::{Error, Rule, ValidationError};
use crate::models::reference::ProfileRef;
use crate::models::{
    HistoryRequest, VirtualCurrencyBalances, VirtualCurrencyTransaction, VirtualCurrencyTransactionPage, VirtualCurrencyTransactionParams,
    VirtualCurrencyTransactionResult, null_as_default, null_as_empty,
};
use crate::transport::http::{Transport, send_json};
use crate::transport::pagination::{BlockingPages, walk};
use crate::transport::request::{ApiRequest, Replay};
use crate::transport::runtime::block_on;

operations! {
    /// A profile's virtual currency balances and their history.
    virtualCurrency => virtual_currency: VirtualCurrency, BlockingVirtualCurrency, VirtualCurrencyOp;

    /// Applies every item (positive credits, negative debits) or none. Retries reuse one
    /// `Idempotency-Key` (a UUID v4 made up if not given), so a transaction is never applied
    /// twice; a later call with the same key answers as the first did.
    VIRTUAL_CURRENCY_CREATE_TRANSACTION createTransaction {
        endpoint: Post "/api/v2/server-side-api/vc/transactions/",
        params: [text("idempotency_key", "A UUID v4 that makes repeating the call safe.")],
        call: fn create_transaction(
            profile: &ProfileRef,
            params: &VirtualCurrencyTransactionParams,
            idempotency_key: Option<&str>,
        ) -> VirtualCurrencyTransactionResult = create_transaction,
    }

    /// One page of the profile's virtual currency history, newest first; pass its `next_cursor`
    /// as `cursor` for the next (null after the last).
    VIRTUAL_CURRENCY_LIST_TRANSACTIONS listTransactions {
        endpoint: Get "/api/v2/server-side-api/vc/transactions/",
        params: [
            text("currency_code", "Only transactions that changed this currency."),
            count("limit", None, "Transactions per page, 1 to 100 (Adapty's default: 50)."),
            cursor("A previous page's `next_cursor`: the page after it."),
        ],
        walk: listAllTransactions(VirtualCurrencyTransaction)
            "The profile's whole history, newest first, each page fetched as the iteration reaches it.",
        call: fn list_transactions(profile: &ProfileRef, page: &HistoryRequest) -> VirtualCurrencyTransactionPage = list_transactions,
    }

    /// Reads the profile's balance of every virtual currency.
    VIRTUAL_CURRENCY_BALANCES balances {
        endpoint: Get "/api/v2/server-side-api/vc/balances/",
        call: fn balances(profile: &ProfileRef) -> VirtualCurrencyBalances = balances,
    }
}

pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// A caller's idempotency key must be a UUID v4, as the API requires.
pub fn check_idempotency_key(key: &str) -> Result<Uuid, ValidationError> {
    Uuid::parse_str(key.trim()).ok().filter(|u| u.get_version_num() == 4).ok_or_else(|| {
        ValidationError::new("idempotency_key", Rule::Format, format!("{key:?} is not a UUID v4")).with_api_code("idempotency_key_invalid")
    })
}

fn create_transaction(
    op: &Operation,
    _: &Config,
    profile: &ProfileRef,
    params: &VirtualCurrencyTransactionParams,
    idempotency_key: Option<&str>,
) -> Result<ApiRequest, Error> {
    params.validate()?;
    let key = match idempotency_key {
        Some(k) => check_idempotency_key(k)?,
        None => Uuid::new_v4(),
    };
    // Made safe to repeat by the key: the same on every attempt, so the API applies it once.
    ApiRequest::of(&op.http, Replay::IdempotencyKey)
        .headers(profile.headers())
        .headers(vec![(IDEMPOTENCY_KEY_HEADER, key.to_string())])
        .body(params)
}

fn list_transactions(op: &Operation, _: &Config, profile: &ProfileRef, page: &HistoryRequest) -> Result<ApiRequest, Error> {
    page.validate()?;
    // A read: safe to repeat.
    Ok(ApiRequest::of(&op.http, Replay::Idempotent)
        .headers(profile.headers())
        .query("currency_code", page.currency_code.as_ref())
        .query("limit", page.limit)
        .query("cursor", page.cursor.as_ref()))
}

fn balances(op: &Operation, _: &Config, profile: &ProfileRef) -> Result<ApiRequest, Error> {
    // A read: safe to repeat.
    Ok(ApiRequest::of(&op.http, Replay::Idempotent).headers(profile.headers()))
}

/// The history's answer: the API nests the cursor, `{"data": [..], "pagination": {"next_cursor": ..}}`.
#[derive(Deserialize)]
struct HistoryResponse {
    #[serde(default, deserialize_with = "null_as_empty")]
    data: Vec<VirtualCurrencyTransaction>,
    #[serde(default, deserialize_with = "null_as_default")]
    pagination: HistoryPagination,
}

#[derive(Deserialize, Default)]
struct HistoryPagination {
    #[serde(default)]
    next_cursor: Option<String>,
}

impl Answer for VirtualCurrencyTransactionPage {
    async fn receive(transport: &Arc<Transport>, request: ApiRequest) -> Result<VirtualCurrencyTransactionPage, Error> {
        let resp: HistoryResponse = send_json(transport, request).await?;
        Ok(VirtualCurrencyTransactionPage { data: resp.data, next_cursor: resp.pagination.next_cursor.filter(|c| !c.is_empty()) })
    }
}

impl VirtualCurrency<'_> {
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
}

impl BlockingVirtualCurrency {
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
