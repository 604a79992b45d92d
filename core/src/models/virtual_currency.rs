//! Virtual currencies: balances, transactions that credit or debit them, and their history.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::datetime::Timestamp;
use super::enums::VirtualCurrencyTransactionType;
use super::profile::null_as_empty;
use crate::models::error::{Rule, ValidationError};

/// Most items one transaction may hold.
pub const MAX_VC_ITEMS: usize = 20;
/// Most metadata keys one transaction may hold.
pub const MAX_VC_METADATA_KEYS: usize = 5;
/// Most transactions one history page holds.
pub const MAX_VC_PAGE_LIMIT: u32 = 100;

/// One currency's change in a transaction: positive credits, negative debits.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualCurrencyItem {
    pub currency_code: String,
    /// Not zero.
    pub amount: i32,
}

/// Credits and debits applied together: if one fails (e.g. insufficient balance), none apply.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VirtualCurrencyTransactionParams {
    /// 1 to 20 items, each currency at most once.
    pub items: Vec<VirtualCurrencyItem>,
    /// At most 5 keys matching `[a-z0-9_]{1,30}`, values at most 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
}

/// A currency code: ASCII letters, digits and underscores.
pub(crate) fn check_currency_code(field: &str, code: &str) -> Result<(), ValidationError> {
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(ValidationError::new(field, Rule::Format, format!("{code:?} is not a currency code (ASCII letters, digits, _)")));
    }
    Ok(())
}

impl VirtualCurrencyTransactionParams {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.items.is_empty() {
            return Err(ValidationError::new("items", Rule::Count, "give at least one item").with_api_code("empty_items"));
        }
        if self.items.len() > MAX_VC_ITEMS {
            return Err(ValidationError::new("items", Rule::Count, format!("give at most {MAX_VC_ITEMS} items")));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, item) in self.items.iter().enumerate() {
            check_currency_code(&format!("items[{i}].currency_code"), &item.currency_code)?;
            if !seen.insert(item.currency_code.as_str()) {
                return Err(ValidationError::new(
                    format!("items[{i}].currency_code"),
                    Rule::Unique,
                    format!("{:?} appears twice", item.currency_code),
                )
                .with_api_code("duplicate_currency"));
            }
            if item.amount == 0 {
                return Err(
                    ValidationError::new(format!("items[{i}].amount"), Rule::Range, "must not be zero").with_api_code("amount_zero")
                );
            }
        }
        if let Some(meta) = &self.metadata {
            if meta.len() > MAX_VC_METADATA_KEYS {
                return Err(ValidationError::new("metadata", Rule::Count, format!("at most {MAX_VC_METADATA_KEYS} keys")));
            }
            for (key, value) in meta {
                let ok_key =
                    (1..=30).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                if !ok_key {
                    return Err(ValidationError::new(format!("metadata.{key}"), Rule::Format, "keys are 1 to 30 of a-z, 0-9, _"));
                }
                if value.chars().count() > 200 {
                    return Err(ValidationError::new(format!("metadata.{key}"), Rule::MaxLength, "must be at most 200 characters"));
                }
            }
        }
        Ok(())
    }
}

/// A currency's balance on a profile. `available` is `balance - held`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VirtualCurrencyBalance {
    pub code: String,
    #[serde(default)]
    pub name: String,
    pub balance: i64,
    #[serde(default)]
    pub held: i64,
    pub available: i64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The result of a transaction: its id and the new balance of each currency it changed.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VirtualCurrencyTransactionResult {
    pub transaction_id: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub balances: Vec<VirtualCurrencyBalance>,
}

/// Every balance of a profile, as of `response_created_at` (milliseconds since the epoch).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VirtualCurrencyBalances {
    pub response_created_at: i64,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub data: Vec<VirtualCurrencyBalance>,
}

/// A transaction in a profile's history.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VirtualCurrencyTransaction {
    pub transaction_id: String,
    pub transaction_type: VirtualCurrencyTransactionType,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub items: Vec<VirtualCurrencyBalanceChange>,
    /// Text values; entries Adapty writes itself may hold other JSON values, which arrive here
    /// as their JSON text (nulls are left out), so one odd entry never breaks a page.
    #[serde(default, deserialize_with = "lenient_text_map")]
    pub metadata: Option<BTreeMap<String, String>>,
    pub created_at: Timestamp,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One currency's change in a history entry, and its balance afterwards.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VirtualCurrencyBalanceChange {
    pub currency_code: String,
    pub amount: i64,
    pub balance_after: i64,
}

/// One page of history, newest first. `next_cursor` continues the walk (`None` on the last page).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VirtualCurrencyTransactionPage {
    pub data: Vec<VirtualCurrencyTransaction>,
    pub next_cursor: Option<String>,
}

/// Which history page to read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HistoryRequest {
    /// Only transactions touching this currency.
    pub currency_code: Option<String>,
    /// 1..=100; the API's default (50) when `None`.
    pub limit: Option<u32>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

impl HistoryRequest {
    pub fn validate(&self) -> Result<(), ValidationError> {
        if let Some(code) = &self.currency_code {
            check_currency_code("currency_code", code)?;
        }
        match self.limit {
            Some(n) if !(1..=MAX_VC_PAGE_LIMIT).contains(&n) => {
                Err(ValidationError::new("limit", Rule::Range, format!("must be between 1 and {MAX_VC_PAGE_LIMIT}")))
            }
            _ => Ok(()),
        }
    }
}

fn lenient_text_map<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<BTreeMap<String, String>>, D::Error> {
    let map = Option::<Map<String, Value>>::deserialize(d)?;
    Ok(map.map(|m| {
        m.into_iter()
            .filter_map(|(k, v)| match v {
                Value::Null => None,
                Value::String(s) => Some((k, s)),
                other => Some((k, other.to_string())),
            })
            .collect()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_metadata_of_any_json_never_breaks_parsing() {
        let entry = r#"{"transaction_id": "t", "transaction_type": "refund", "items": null,
            "metadata": {"reason": "promo", "count": 3, "gone": null, "nested": {"a": true}}, "created_at": "2026-05-23T10:30:00Z"}"#;
        let t: VirtualCurrencyTransaction = serde_json::from_str(entry).unwrap();
        let meta = t.metadata.unwrap();
        assert_eq!(meta["reason"], "promo");
        assert_eq!(meta["count"], "3");
        assert_eq!(meta["nested"], r#"{"a":true}"#);
        assert!(!meta.contains_key("gone"));
        assert!(t.items.is_empty());
    }
}
