//! What the catalog means for a purchase: the access level a product gives, whether it is
//! consumable, a currency's name.

use crate::state::catalog::{Catalog, Currency};

/// The access level a purchase of `store_product_id` gives. A product not configured gives
/// `premium` when that exists (Adapty's newer docs; older ones said none).
pub fn access_level_for(catalog: &Catalog, store_product_id: &str) -> Option<String> {
    match catalog.config.products.iter().find(|p| p.store_product_id == store_product_id) {
        Some(p) => p.access_level_id.clone(),
        None => catalog.config.access_levels.iter().find(|a| *a == "premium").cloned(),
    }
}

pub fn is_consumable(catalog: &Catalog, store_product_id: &str) -> bool {
    catalog.config.products.iter().any(|p| p.store_product_id == store_product_id && p.consumable)
}

pub fn currency<'a>(catalog: &'a Catalog, code: &str) -> Option<&'a Currency> {
    catalog.config.currencies.iter().find(|c| c.code == code)
}
