//! Custom attributes: key/value pairs on a profile, sent and received as `[{key, value}]`.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::models::config::ApiVersion;
use crate::models::error::{Rule, ValidationError};

/// Most attributes one profile may have.
pub const MAX_CUSTOM_ATTRIBUTES: usize = 30;
/// Longest attribute key.
pub const MAX_CUSTOM_ATTRIBUTE_KEY_LEN: usize = 30;

/// An attribute value: Adapty stores strings and floats; booleans and integers become floats.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum AttributeValue {
    String(String),
    Number(f64),
}

impl std::fmt::Display for AttributeValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AttributeValue::String(s) => write!(f, "{s:?}"),
            AttributeValue::Number(n) => write!(f, "{n}"),
        }
    }
}

impl From<&str> for AttributeValue {
    fn from(v: &str) -> Self {
        AttributeValue::String(v.to_owned())
    }
}
impl From<String> for AttributeValue {
    fn from(v: String) -> Self {
        AttributeValue::String(v)
    }
}
impl From<f64> for AttributeValue {
    fn from(v: f64) -> Self {
        AttributeValue::Number(v)
    }
}
impl From<i64> for AttributeValue {
    fn from(v: i64) -> Self {
        AttributeValue::Number(v as f64)
    }
}
impl From<bool> for AttributeValue {
    fn from(v: bool) -> Self {
        AttributeValue::Number(if v { 1.0 } else { 0.0 })
    }
}

impl<'de> Deserialize<'de> for AttributeValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = AttributeValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string, a number or a boolean")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AttributeValue, E> {
                Ok(v.into())
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<AttributeValue, E> {
                Ok(v.into())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<AttributeValue, E> {
                Ok(v.into())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<AttributeValue, E> {
                Ok(v.into())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AttributeValue, E> {
                Ok(AttributeValue::Number(v as f64))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<AttributeValue, E> {
                Ok(v.into())
            }
        }
        d.deserialize_any(V)
    }
}

/// One attribute. A `None` value (sent as `null`) deletes the attribute, as does `""`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomAttribute {
    pub key: String,
    #[serde(default)]
    pub value: Option<AttributeValue>,
}

/// A profile's custom attributes, in order: sent and received as the API's `[{key, value}]`
/// list; also read from a plain `{key: value}` map (what bindings pass) and from `null` (none).
/// Derefs to the list; [`CustomAttributes::get`] looks one up by key.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(transparent)]
pub struct CustomAttributes(pub Vec<CustomAttribute>);

impl std::ops::Deref for CustomAttributes {
    type Target = [CustomAttribute];
    fn deref(&self) -> &[CustomAttribute] {
        &self.0
    }
}

impl CustomAttributes {
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `key`, if the attribute exists and is not null.
    pub fn get(&self, key: &str) -> Option<&AttributeValue> {
        self.0.iter().find(|a| a.key == key).and_then(|a| a.value.as_ref())
    }

    /// Sets `key` to `value`; `None` deletes the attribute on the server.
    pub fn set(mut self, key: impl Into<String>, value: Option<AttributeValue>) -> Self {
        self.0.push(CustomAttribute { key: key.into(), value });
        self
    }

    /// Checks the documented rules: 1 to 30 attributes, keys `[A-Za-z0-9._-]{1,30}` and unique,
    /// string values up to the version's limit (30 for v1, 50 for v2), finite numbers.
    pub fn validate(&self, version: ApiVersion) -> Result<(), ValidationError> {
        const FIELD: &str = "custom_attributes";
        if self.0.is_empty() {
            return Err(ValidationError::new(
                FIELD,
                Rule::Count,
                "must hold at least one attribute when given (leave it out to change nothing)",
            ));
        }
        if self.0.len() > MAX_CUSTOM_ATTRIBUTES {
            return Err(ValidationError::new(
                FIELD,
                Rule::Count,
                format!("at most {MAX_CUSTOM_ATTRIBUTES} attributes are allowed, got {}", self.0.len()),
            ));
        }
        let max_value = version.custom_attribute_value_max_len();
        for (i, attr) in self.0.iter().enumerate() {
            let key = &attr.key;
            let field = || if key.is_empty() { format!("{FIELD}[{i}].key") } else { format!("{FIELD}.{key}") };
            if key.is_empty() || key.chars().count() > MAX_CUSTOM_ATTRIBUTE_KEY_LEN {
                return Err(ValidationError::new(
                    field(),
                    Rule::MaxLength,
                    format!("key {key:?} must be 1 to {MAX_CUSTOM_ATTRIBUTE_KEY_LEN} characters"),
                ));
            }
            if !key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')) {
                return Err(ValidationError::new(
                    field(),
                    Rule::Format,
                    format!("key {key:?} may hold only letters, digits, '.', '_' and '-'"),
                ));
            }
            if self.0[..i].iter().any(|a| a.key == *key) {
                return Err(ValidationError::new(field(), Rule::Unique, format!("key {key:?} is given more than once")));
            }
            match &attr.value {
                Some(AttributeValue::String(s)) if s.chars().count() > max_value => {
                    return Err(ValidationError::new(
                        field(),
                        Rule::MaxLength,
                        format!("value must be at most {max_value} characters for API {}, got {}", version.as_str(), s.chars().count()),
                    ));
                }
                Some(AttributeValue::Number(n)) if !n.is_finite() => {
                    return Err(ValidationError::new(field(), Rule::Range, "a number value must be finite"));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for CustomAttributes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CustomAttributes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of {key, value} objects or a map of key to value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<CustomAttributes, A::Error> {
                let mut out = Vec::new();
                while let Some(attr) = seq.next_element::<CustomAttribute>()? {
                    out.push(attr);
                }
                Ok(CustomAttributes(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<CustomAttributes, E> {
                Ok(CustomAttributes::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<CustomAttributes, E> {
                Ok(CustomAttributes::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CustomAttributes, A::Error> {
                let mut out = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Option<AttributeValue>>()? {
                    out.push(CustomAttribute { key, value });
                }
                Ok(CustomAttributes(out))
            }
        }
        d.deserialize_any(V)
    }
}
