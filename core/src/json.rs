//! Turning JSON from a binding (or a request body) into a model, with the failing field named.

use serde::de::DeserializeOwned;

use crate::error::{Rule, ValidationError};

/// Deserializes `value`; an error names the dotted path of the wrong value and a rule.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ValidationError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        // A missing key is reported at its parent; name the key itself. (An unknown key's path
        // already ends with the key.)
        let unknown_at_path = message.starts_with("unknown field") && path != ".";
        let key = ["missing field `", "unknown field `"]
            .iter()
            .find_map(|p| message.strip_prefix(p))
            .and_then(|rest| rest.split('`').next())
            .filter(|_| !unknown_at_path);
        let field = match (path.as_str(), key) {
            (".", Some(k)) => k.to_owned(),
            (".", None) => "body".to_owned(),
            (p, Some(k)) => format!("{p}.{k}"),
            (p, None) => p.to_owned(),
        };
        // serde's own messages start "invalid type"; ours say which values are allowed.
        let rule = if message.starts_with("invalid type") || message.starts_with("unknown field") {
            Rule::Type
        } else if message.contains(" is not one of ") {
            Rule::Enum
        } else if message.starts_with("missing field") {
            Rule::Required
        } else {
            Rule::Format
        };
        ValidationError::new(field, rule, message)
    })
}
