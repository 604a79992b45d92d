//! [`Timestamp`]: a date-time read leniently in every format Adapty sends (`Z`, `+00:00`,
//! `+0000`, with or without fractional seconds), so a format variant never breaks parsing.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date-time with its UTC offset, as the API sends it. Written back as RFC 3339 (`Z` for UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<FixedOffset>);

impl Timestamp {
    /// Parses ISO 8601 / RFC 3339 text; an offset-less value is taken as UTC. Years are
    /// 0000-9999, as in RFC 3339.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        DateTime::parse_from_rfc3339(t)
            .or_else(|_| DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f%z"))
            .or_else(|_| DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f%z"))
            .ok()
            .or_else(|| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").ok().map(|n| n.and_utc().fixed_offset()))
            // chrono's `%Y` also takes signed and five-digit years (`-2024`, `+10000`), which
            // have no RFC 3339 form: written back they would not parse again (found by fuzzing).
            .filter(|t| (0..=9999).contains(&t.year()))
            .map(Timestamp)
    }
}

impl Deref for Timestamp {
    type Target = DateTime<FixedOffset>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    fn from(t: DateTime<FixedOffset>) -> Self {
        Timestamp(t)
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        Timestamp(t.fixed_offset())
    }
}

/// RFC 3339, keeping the offset (`Z` for UTC) and only as many fractional digits as needed.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl FromStr for Timestamp {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Timestamp::parse(s).ok_or_else(|| format!("{s:?} is not an ISO 8601 date-time"))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::Timestamp;

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
            let t = Timestamp::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(t.to_string(), expect, "{text}");
        }
        assert!(Timestamp::parse("yesterday").is_none());
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
    }

    /// Found by `fuzz/fuzz_targets/datetime.rs`: years without an RFC 3339 form were accepted
    /// and then written back as text that does not parse.
    #[test]
    fn years_outside_rfc3339_are_refused_and_every_parsed_value_parses_again() {
        for outside in ["-2024-01-15T10:30:00", "-2022-10-12T09:42:50.00020", "+10000-01-01T00:00:00+0000", "-0001-12-31 23:59:59+0000"] {
            assert!(Timestamp::parse(outside).is_none(), "{outside}");
        }
        for edge in ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999-23:59", "0000-01-01T00:00:00+23:59"] {
            let t = Timestamp::parse(edge).unwrap_or_else(|| panic!("{edge}"));
            assert_eq!(Timestamp::parse(&t.to_string()), Some(t), "{edge}");
        }
    }
}
