//! Turning JSON from a binding (or a request body) into a model, with the failing field named.
//!
//! The request models themselves accept unknown keys, as a server reading them does (the
//! emulator reads requests with [`from_value_lenient`]); what a caller gives the SDK is read with
//! [`from_value`], which refuses a key the model does not have, so a misspelt field fails in every
//! language instead of being dropped.

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::models::error::{Rule, ValidationError};

/// JSON text, checked to be well formed: a result as the bindings receive it.
pub type Json = Box<RawValue>;

/// Deserializes `value`, refusing unknown keys at any depth; an error names the dotted path of
/// the wrong value and a rule.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ValidationError> {
    // The first unknown key, if any: it comes before any error the parse stopped at, so it is
    // the first problem in the document, as `deny_unknown_fields` would report it.
    let mut unknown = None;
    let parsed = read(serde_ignored::Deserializer::new(value, &mut |path: serde_ignored::Path<'_>| {
        unknown.get_or_insert_with(|| dotted(&path));
    }));
    match unknown {
        None => parsed,
        Some(field) => {
            let key = field.rsplit('.').next().unwrap_or(&field).to_owned();
            Err(ValidationError::new(field, Rule::Type, format!("unknown field `{key}`")))
        }
    }
}

/// `a.b.0.c`: map keys and list indexes only (serde_ignored also shows `Option` layers).
fn dotted(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    let join = |parent: &Path<'_>, leaf: String| match dotted(parent) {
        p if p.is_empty() => leaf,
        p => format!("{p}.{leaf}"),
    };
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => join(parent, index.to_string()),
        Path::Map { parent, key } => join(parent, key.clone()),
        Path::Some { parent } | Path::NewtypeStruct { parent } | Path::NewtypeVariant { parent } => dotted(parent),
    }
}

/// Deserializes `value`, ignoring keys the model does not have (as Adapty's server does).
pub fn from_value_lenient<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ValidationError> {
    read(value)
}

fn read<'de, T: serde::Deserialize<'de>, D>(de: D) -> Result<T, ValidationError>
where
    D: serde::Deserializer<'de, Error = serde_json::Error>,
{
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        // A missing key is reported at its parent; name the key itself.
        let key = message.strip_prefix("missing field `").and_then(|rest| rest.split('`').next());
        let field = match (path.as_str(), key) {
            (".", Some(k)) => k.to_owned(),
            (".", None) => "body".to_owned(),
            (p, Some(k)) => format!("{p}.{k}"),
            (p, None) => p.to_owned(),
        };
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
