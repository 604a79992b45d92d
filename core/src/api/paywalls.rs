//! Paywalls: list (page-numbered), get, and replace their remote configs.

use std::sync::Arc;

use futures_util::Stream;
use serde::Deserialize;
use uuid::Uuid;

use super::answer::Answer;
use super::declare::operations;
use super::manifest::{Operation, Param, count, cursor, text};
use crate::models::config::Config;
use crate::models::error::{Error, Rule, ValidationError};
use crate::models::{DEFAULT_PAYWALL_PAGE_SIZE, PageRequest, Paywall, PaywallPage, PaywallUpdateParams, null_as_empty};
use crate::transport::http::{Transport, send_json};
use crate::transport::pagination::{BlockingPages, walk};
use crate::transport::request::{ApiRequest, Replay, method};
use crate::transport::runtime::block_on;

operations! {
    /// The app's paywalls: list them, read one, replace its remote configs.
    paywalls => paywalls: Paywalls, BlockingPaywalls, PaywallsOp;

    /// One page of the app's paywalls; pass its `next_cursor` as `cursor` for the next (null
    /// after the last).
    PAYWALLS_LIST list {
        endpoint: Get "/api/v2/server-side-api/paywalls/",
        params: [
            Param { in_walk: false, ..count("page", Some(1), "The page number, from 1 (ignored when `cursor` is given).") },
            count("page_size", Some(DEFAULT_PAYWALL_PAGE_SIZE), "Paywalls per page, 1 to 100."),
            cursor("A previous page's `next_cursor`: the page after it."),
        ],
        walk: listAll(Paywall) "Every paywall, each page fetched as the iteration reaches it.",
        call: fn list(page: &PageRequest) -> PaywallPage = list,
    }

    /// Reads one paywall.
    PAYWALLS_GET get {
        endpoint: Get "/api/v2/server-side-api/paywalls/{paywall_id}/",
        path_param: Param { required: true, ..text("paywall_id", "The paywall's id.") },
        call: fn get(paywall_id: &str) -> Paywall = get,
    }

    /// Replaces all of the paywall's remote configs (read it first to keep some).
    PAYWALLS_UPDATE update {
        endpoint: Put "/api/v2/server-side-api/paywalls/{paywall_id}/",
        path_param: Param { required: true, ..text("paywall_id", "The paywall's id.") },
        call: fn update(paywall_id: &str, params: &PaywallUpdateParams) -> Paywall = update,
    }
}

fn list(op: &Operation, _: &Config, page: &PageRequest) -> Result<ApiRequest, Error> {
    page.validate()?;
    // A read: safe to repeat. Adapty's docs name the parameters `page`/`page_size` (guide, curl,
    // error source) and `page[number]`/`page[size]` (OpenAPI); both are sent so either reading
    // works.
    Ok(ApiRequest::of(&op.http, Replay::Idempotent)
        .query("page", Some(page.page))
        .query("page_size", Some(page.page_size))
        .query("page[number]", Some(page.page))
        .query("page[size]", Some(page.page_size)))
}

fn get(op: &Operation, _: &Config, paywall_id: &str) -> Result<ApiRequest, Error> {
    Ok(paywall_request(op, paywall_id)?)
}

fn update(op: &Operation, _: &Config, paywall_id: &str, params: &PaywallUpdateParams) -> Result<ApiRequest, Error> {
    params.validate()?;
    paywall_request(op, paywall_id)?.body(params)
}

/// A request to `op` about one paywall. A paywall id is a UUID; checked here so a wrong one
/// never reaches a URL.
fn paywall_request(op: &Operation, paywall_id: &str) -> Result<ApiRequest, ValidationError> {
    let id = Uuid::parse_str(paywall_id.trim())
        .map_err(|_| ValidationError::new("paywall_id", Rule::Format, format!("{paywall_id:?} is not a UUID")))?;
    // Safe to repeat: a read, or a PUT replacing the configs with the same ones.
    Ok(ApiRequest::new(method(op.http.method), op.http.path_with("paywall_id", &id.to_string()), Replay::Idempotent))
}

/// The list's answer: the paywalls, and the page numbers the next cursor is made of.
#[derive(Deserialize)]
struct ListResponse {
    #[serde(default, deserialize_with = "null_as_empty")]
    data: Vec<Paywall>,
    meta: Meta,
}

#[derive(Deserialize)]
struct Meta {
    pagination: Pagination,
}

#[derive(Deserialize)]
struct Pagination {
    count: u64,
    page: u32,
    pages: u32,
}

impl Answer for PaywallPage {
    async fn receive(transport: &Arc<Transport>, request: ApiRequest) -> Result<PaywallPage, Error> {
        let resp: ListResponse = send_json(transport, request).await?;
        let Pagination { count, page, pages } = resp.meta.pagination;
        let next_cursor = (page < pages).then(|| (page + 1).to_string());
        Ok(PaywallPage { data: resp.data, count, page, pages, next_cursor })
    }
}

impl Paywalls<'_> {
    /// Every paywall, `page_size` per request, fetched as the stream is read.
    pub fn list_all(&self, page_size: u32) -> impl Stream<Item = Result<Paywall, Error>> + Send + 'static {
        let transport = self.transport.clone();
        walk(move |cursor| {
            let transport = transport.clone();
            async move {
                let page = PageRequest::at(cursor.as_deref(), page_size)?;
                let p = Paywalls { transport: &transport }.list(&page).await?;
                Ok((p.data, p.next_cursor))
            }
        })
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
