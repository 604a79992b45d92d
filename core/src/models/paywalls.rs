//! Paywalls as the server-side API returns them, and the remote-config update.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::datetime::Timestamp;
use super::enums::{PaywallState, ProductSet};
use super::profile::null_as_empty;
use crate::models::error::{Rule, ValidationError};

/// Most paywalls one page of the list holds.
pub const MAX_PAYWALL_PAGE_SIZE: u32 = 100;

/// A paywall. The list leaves out `remote_configs` and `main_screenshot` (empty/`None` there).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paywall {
    pub paywall_id: String,
    pub title: String,
    #[serde(default)]
    pub use_paywall_builder: bool,
    #[serde(default)]
    pub use_paywall_builder_legacy: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub state: PaywallState,
    #[serde(default)]
    pub is_deleted: bool,
    #[serde(default)]
    pub web_purchase_url: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub products: Vec<PaywallProduct>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub remote_configs: Vec<RemoteConfig>,
    #[serde(default)]
    pub main_screenshot: Option<Screenshot>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A product shown on a paywall.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaywallProduct {
    pub product_id: String,
    pub title: String,
    pub product_set: ProductSet,
    #[serde(default)]
    pub offer: Option<ProductOffer>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The offer a paywall shows with a product.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductOffer {
    pub product_offer_id: String,
    pub title: String,
}

/// A paywall's remote config for one locale; `data` is JSON text.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoteConfig {
    pub locale: String,
    /// A JSON document, as text (e.g. `{"title":"Go premium"}`).
    pub data: String,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Screenshot {
    pub image_id: i64,
    pub url: String,
}

/// One page of paywalls. `next_cursor` continues the walk (`None` on the last page).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaywallPage {
    pub data: Vec<Paywall>,
    /// Paywalls in all pages.
    pub count: u64,
    /// This page's number, from 1.
    pub page: u32,
    pub pages: u32,
    pub next_cursor: Option<String>,
}

/// The new remote configs of a paywall: they replace all existing ones (read the paywall first
/// to keep some).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaywallUpdateParams {
    pub remote_configs: Vec<RemoteConfig>,
}

impl PaywallUpdateParams {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.remote_configs.is_empty() {
            return Err(ValidationError::new("remote_configs", Rule::Count, "give at least one remote config"));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, c) in self.remote_configs.iter().enumerate() {
            if c.locale.trim().is_empty() {
                return Err(ValidationError::new(format!("remote_configs[{i}].locale"), Rule::Required, "must not be empty"));
            }
            if !seen.insert(c.locale.as_str()) {
                return Err(ValidationError::new(
                    format!("remote_configs[{i}].locale"),
                    Rule::Unique,
                    format!("{:?} is given twice", c.locale),
                ));
            }
            if let Err(e) = serde_json::from_str::<Value>(&c.data) {
                return Err(ValidationError::new(format!("remote_configs[{i}].data"), Rule::Format, format!("is not JSON text: {e}")));
            }
        }
        Ok(())
    }
}

/// Paywalls per page unless asked otherwise.
pub const DEFAULT_PAYWALL_PAGE_SIZE: u32 = 20;

/// Which page of the paywall list to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// From 1.
    pub page: u32,
    /// 1..=100.
    pub page_size: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { page: 1, page_size: DEFAULT_PAYWALL_PAGE_SIZE }
    }
}

impl PageRequest {
    /// The page a walk's `cursor` names (paywall cursors are page numbers as text; `None` is
    /// the first page).
    pub fn at(cursor: Option<&str>, page_size: u32) -> Result<Self, ValidationError> {
        let page = match cursor {
            None => 1,
            Some(c) => c
                .parse()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| ValidationError::new("cursor", Rule::Format, format!("{c:?} is not a paywall page cursor")))?,
        };
        Ok(Self { page, page_size })
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.page == 0 {
            return Err(ValidationError::new("page", Rule::Range, "must be at least 1"));
        }
        if !(1..=MAX_PAYWALL_PAGE_SIZE).contains(&self.page_size) {
            return Err(ValidationError::new("page_size", Rule::Range, format!("must be between 1 and {MAX_PAYWALL_PAGE_SIZE}")));
        }
        Ok(())
    }
}
