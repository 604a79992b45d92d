//! Turning JSON from a binding (or a request body) into a model, with the failing field named.

use serde::de::DeserializeOwned;

use crate::error::{Rule, ValidationError};

/// Deserializes `value`; an error names the dotted path of the wrong value and a rule.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ValidationError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        let message = e.inner().to_string();
        // serde's own messages start "invalid type"; ours say which values are allowed.
        let rule = if message.starts_with("invalid type") {
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
