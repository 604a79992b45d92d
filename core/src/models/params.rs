//! What the Profile API's create and update take (`ProfileRequest` in the OpenAPI spec).

use std::net::Ipv4Addr;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use super::attributes::CustomAttributes;
use super::enums::{Gender, Platform};
use super::field::Field;
use crate::models::config::ApiVersion;
use crate::models::error::{Rule, ValidationError};

/// A two-letter ISO 3166-1 alpha-2 country code, kept upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(String);

impl CountryCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CountryCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(Self(s.to_ascii_uppercase()))
        } else {
            Err(format!("{s:?} is not a two-letter ISO 3166-1 alpha-2 country code"))
        }
    }
}

impl TryFrom<&str> for CountryCode {
    type Error = String;
    fn try_from(s: &str) -> Result<Self, String> {
        Self::try_from(s.to_owned())
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.0
    }
}

/// Apple App Tracking Transparency status: 0 not determined, 1 restricted, 2 denied, 3 authorized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct AttStatus(u8);

impl AttStatus {
    pub fn value(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for AttStatus {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, String> {
        match v {
            0..=3 => Ok(Self(v as u8)),
            _ => Err(format!("{v} is not one of 0, 1, 2, 3 (ATT status)")),
        }
    }
}

impl From<AttStatus> for u8 {
    fn from(s: AttStatus) -> u8 {
        s.0
    }
}

/// A calendar date sent as `YYYY-MM-DD`; only real dates parse (no 2001-02-29).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

impl TryFrom<&str> for Date {
    type Error = String;
    fn try_from(s: &str) -> Result<Self, String> {
        // Digits in every other place: chrono's `%Y` alone also takes a signed year
        // (`-999-05-29`), which would be written back as `-0999-05-29` (found by fuzzing).
        let ok_shape = s.len() == 10 && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) if ok_shape => Ok(Date(d)),
            _ => Err(format!("{s:?} is not a real date in YYYY-MM-DD form")),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format("%Y-%m-%d"))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Date::try_from(String::deserialize(d)?.as_str()).map_err(serde::de::Error::custom)
    }
}

/// The device an installation runs on. `device_id` is required by the API.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct InstallationMeta {
    pub device_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_build: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapty_sdk_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idfa: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idfv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advertising_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub android_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub android_app_set_id: Option<String>,
}

/// The body of create and update. Every field starts [`Field::Unset`] and is then not sent;
/// [`Field::Null`] sends `null`, which clears the value on update.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProfileParams {
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub first_name: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub last_name: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub gender: Field<Gender>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub email: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub phone_number: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub birthday: Field<Date>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub ip_country: Field<CountryCode>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub ip_v4_address: Field<Ipv4Addr>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub store_country: Field<CountryCode>,
    /// `app_store`, `play_store`, `stripe`, `adapty`, `paddle`, or a custom store's id.
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub store: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub store_account_token: Field<Uuid>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub att_status: Field<AttStatus>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub analytics_disabled: Field<bool>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub custom_attributes: Field<CustomAttributes>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    pub installation_meta: Field<InstallationMeta>,
    /// Sent as the `adapty-platform` header, not in the body.
    #[serde(default, skip_serializing)]
    pub platform: Option<Platform>,
}

impl ProfileParams {
    /// Checks the rules that the field types cannot carry.
    pub fn validate(&self, version: ApiVersion) -> Result<(), ValidationError> {
        match &self.custom_attributes {
            Field::Null => {
                return Err(ValidationError::new(
                    "custom_attributes",
                    Rule::NotNull,
                    "may not be null; set one attribute to null to delete it",
                ));
            }
            Field::Value(attrs) => attrs.validate(version)?,
            Field::Unset => {}
        }
        match &self.installation_meta {
            Field::Null => return Err(ValidationError::new("installation_meta", Rule::NotNull, "may not be null")),
            Field::Value(meta) if meta.device_id.trim().is_empty() => {
                return Err(ValidationError::new("installation_meta.device_id", Rule::Required, "is required"));
            }
            _ => {}
        }
        if let Field::Value(address) = &self.email {
            email("email", address)?;
        }
        Ok(())
    }

    /// Reads params from JSON (what bindings pass), naming the field of any wrong value.
    pub fn from_json(value: serde_json::Value) -> Result<Self, ValidationError> {
        crate::models::json::from_value(value)
    }
}

/// An email address, roughly: one `@`, a dot in the host, no spaces.
pub(crate) fn email(field: &str, value: &str) -> Result<(), ValidationError> {
    let valid = value.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !host.contains('@'))
        && !value.chars().any(char::is_whitespace);
    if valid { Ok(()) } else { Err(ValidationError::new(field, Rule::Format, format!("{value:?} is not an email address"))) }
}
