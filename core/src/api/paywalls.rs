//! Paywalls: list (page-numbered), get, and replace their remote configs.

use std::sync::Arc;

use futures_util::Stream;
use serde::Deserialize;
use uuid::Uuid;

use crate::api::manifest::{self as ops, Operation};
use crate::models::error::{Error, Rule, ValidationError};
use crate::models::{PageRequest, Paywall, PaywallPage, PaywallUpdateParams};
use crate::transport::http::{Transport, send_json};
use crate::transport::pagination::walk;
use crate::transport::request::{ApiRequest, Replay, method};

/// The paywalls of the app. Get it from [`crate::api::client::Client::paywalls`].
pub struct Paywalls<'a> {
    pub(crate) transport: &'a Arc<Transport>,
}

#[derive(Deserialize)]
struct ListResponse {
    #[serde(default, deserialize_with = "crate::models::null_as_empty")]
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

/// A request to `op` about one paywall. A paywall id is a UUID; checked here so a wrong one
/// never reaches a URL.
fn paywall_request(op: &Operation, paywall_id: &str) -> Result<ApiRequest, ValidationError> {
    let id = Uuid::parse_str(paywall_id.trim())
        .map_err(|_| ValidationError::new("paywall_id", Rule::Format, format!("{paywall_id:?} is not a UUID")))?;
    // Safe to repeat: a read, or a PUT replacing the configs with the same ones.
    Ok(ApiRequest::new(method(op.http.method), op.http.path_with("paywall_id", &id.to_string()), Replay::Idempotent))
}

impl Paywalls<'_> {
    /// One page of paywalls.
    pub async fn list(&self, page: &PageRequest) -> Result<PaywallPage, Error> {
        page.validate()?;
        // Adapty's docs name the parameters `page`/`page_size` (guide, curl, error source) and
        // `page[number]`/`page[size]` (OpenAPI); both are sent so either reading works.
        let req = ApiRequest::of(&ops::PAYWALLS_LIST.http, Replay::Idempotent)
            .query("page", Some(page.page))
            .query("page_size", Some(page.page_size))
            .query("page[number]", Some(page.page))
            .query("page[size]", Some(page.page_size));
        let resp: ListResponse = send_json(self.transport, req).await?;
        let Pagination { count, page, pages } = resp.meta.pagination;
        let next_cursor = (page < pages).then(|| (page + 1).to_string());
        Ok(PaywallPage { data: resp.data, count, page, pages, next_cursor })
    }

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

    pub async fn get(&self, paywall_id: &str) -> Result<Paywall, Error> {
        let req = paywall_request(&ops::PAYWALLS_GET, paywall_id)?;
        send_json(self.transport, req).await
    }

    /// Replaces all remote configs of the paywall with `params.remote_configs`; returns the paywall.
    pub async fn update(&self, paywall_id: &str, params: &PaywallUpdateParams) -> Result<Paywall, Error> {
        params.validate()?;
        let req = paywall_request(&ops::PAYWALLS_UPDATE, paywall_id)?.json(params)?;
        send_json(self.transport, req).await
    }
}
