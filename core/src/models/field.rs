//! [`Field`]: a request value that may be left out, sent as `null`, or sent with a value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One field of a PATCH-style request. `Unset` is not sent at all (the server keeps its value);
/// `Null` is sent as `null` (the server clears it); `Value` is sent as given.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Field<T> {
    #[default]
    Unset,
    Null,
    Value(T),
}

impl<T> Field<T> {
    pub fn is_unset(&self) -> bool {
        matches!(self, Field::Unset)
    }

    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }

    /// `None` becomes `Null`: for callers whose "no value" means "clear it".
    pub fn from_option(v: Option<T>) -> Self {
        v.map_or(Field::Null, Field::Value)
    }
}

impl<T> From<T> for Field<T> {
    fn from(v: T) -> Self {
        Field::Value(v)
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Value(v) => v.serialize(s),
            // `Unset` is skipped by `skip_serializing_if`; if it is serialized anyway, null is safest.
            Field::Null | Field::Unset => s.serialize_none(),
        }
    }
}

/// With `#[serde(default)]`, a missing key stays `Unset` and `null` becomes `Null`.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Field::from_option(Option::<T>::deserialize(d)?))
    }
}
