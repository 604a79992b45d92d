//! Paywalls: the page-numbered list (without `remote_configs` and `main_screenshot`, as Adapty's
//! list example shows), get, and the remote-config update, which replaces them all.

use adapty_server::{Paywall, PaywallUpdateParams};
use serde::Serialize;
use serde_json::Value;

use crate::state::app::Inner;

/// One page of the list.
#[derive(Debug, Serialize)]
pub struct Page {
    pub data: Vec<Value>,
    pub meta: Meta,
}

#[derive(Debug, Serialize)]
pub struct Meta {
    pub pagination: Pagination,
}

#[derive(Debug, Serialize)]
pub struct Pagination {
    /// Paywalls in all pages.
    pub count: usize,
    pub page: u32,
    pub pages: usize,
}

/// Page `page` (from 1) of `page_size` paywalls; one past the end is empty.
pub fn page(state: &Inner, page: u32, page_size: u32) -> Page {
    let all = &state.catalog.paywalls;
    let pages = all.len().div_ceil(page_size as usize).max(1);
    let data = all.iter().skip((page as usize - 1) * page_size as usize).take(page_size as usize).map(list_item).collect();
    Page { data, meta: Meta { pagination: Pagination { count: all.len(), page, pages } } }
}

/// A list item: the paywall without `remote_configs` and `main_screenshot`.
fn list_item(p: &Paywall) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or_default();
    if let Value::Object(m) = &mut v {
        m.remove("remote_configs");
        m.remove("main_screenshot");
    }
    v
}

/// The paywall `id` (a paywall id that is not a UUID finds none, like an unknown one).
pub fn get<'a>(state: &'a Inner, id: &str) -> Option<&'a Paywall> {
    state.catalog.paywalls.iter().find(|p| p.paywall_id == id)
}

/// Replaces the paywall's remote configs (checked with the SDK's rules) and sets `updated_at`.
pub fn update<'a>(state: &'a mut Inner, id: &str, params: PaywallUpdateParams) -> Option<&'a Paywall> {
    let now = state.now();
    let p = state.catalog.paywalls.iter_mut().find(|p| p.paywall_id == id)?;
    p.remote_configs = params.remote_configs;
    p.updated_at = now;
    Some(p)
}
