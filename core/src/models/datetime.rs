//! Lenient date-time parsing for every format Adapty sends (`Z`, `+00:00`, `+0000`, with or
//! without fractional seconds), so that a format variant never breaks a response's parsing.

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat};
use serde::{Deserialize, Deserializer, Serializer};

/// A date-time with its UTC offset, as the API sends it.
pub type Timestamp = DateTime<FixedOffset>;

/// Parses ISO 8601 / RFC 3339 text; an offset-less value is taken as UTC.
pub fn parse(text: &str) -> Option<Timestamp> {
    let t = text.trim();
    DateTime::parse_from_rfc3339(t)
        .or_else(|_| DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .or_else(|_| DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f%z"))
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").ok().map(|n| n.and_utc().fixed_offset()))
}

/// RFC 3339 text (`Z` for UTC), keeping any other offset and only as many fractional digits as needed.
pub fn format(t: &Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format(t))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
    let text = String::deserialize(d)?;
    parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not an ISO 8601 date-time: {text:?}")))
}

/// The same for nullable fields.
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => parse(&text).map(Some).ok_or_else(|| serde::de::Error::custom(format!("not an ISO 8601 date-time: {text:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_every_documented_variant() {
        for (text, expect) in [
            ("2024-12-24T10:50:23+00:00", "2024-12-24T10:50:23Z"),
            ("2025-01-05T13:27:47.461425+00:00", "2025-01-05T13:27:47.461425Z"),
            ("2022-10-12T09:42:50.000000+0000", "2022-10-12T09:42:50Z"),
            ("2025-07-30T11:13:58.798Z", "2025-07-30T11:13:58.798Z"),
            ("2026-05-23T10:30:00Z", "2026-05-23T10:30:00Z"),
            ("2020-01-15T15:10:36.517975+0000", "2020-01-15T15:10:36.517975Z"),
            ("2024-01-15T10:30:00+02:00", "2024-01-15T10:30:00+02:00"),
            ("2024-01-15T10:30:00", "2024-01-15T10:30:00Z"),
        ] {
            let t = super::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(super::format(&t), expect, "{text}");
        }
        assert!(super::parse("yesterday").is_none());
    }
}
