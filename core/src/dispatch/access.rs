//! [`has_active_access`] for the bindings: the rule of [`AccessLevel::is_active_at`] over a
//! profile's access levels as JSON text, so no language writes the rule again.

use chrono::{DateTime, Datelike};
use serde_json::Value;

use crate::models::error::{Error, Rule, ValidationError};
use crate::models::{self, AccessLevel, Timestamp, json};

/// Whether the access levels `access_levels` (a JSON array, each level as the core writes it:
/// snake_case, datetimes as ISO 8601 text) give `access_level_id` at `at` (RFC 3339 text with
/// its offset; `None`: now). A level that does not read, or an `at` that is not RFC 3339 with an
/// offset (a time without one is ambiguous), is a validation error naming it.
pub fn has_active_access(access_levels: &str, access_level_id: &str, at: Option<&str>) -> Result<bool, Error> {
    let at = at.map(instant).transpose()?;
    let value: Value =
        serde_json::from_str(access_levels).map_err(|e| ValidationError::new("access_levels", Rule::Type, format!("is not JSON: {e}")))?;
    let levels: Vec<AccessLevel> = json::from_value_lenient(value).map_err(|mut e| {
        e.field = match e.field.as_str() {
            "body" => "access_levels".to_owned(),
            path if path.starts_with('[') => format!("access_levels{path}"),
            path => format!("access_levels.{path}"),
        };
        e
    })?;
    Ok(models::has_active_access(&levels, access_level_id, at))
}

/// `at` as RFC 3339 text with an offset, in the years RFC 3339 has.
fn instant(text: &str) -> Result<Timestamp, ValidationError> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .filter(|t| (0..=9999).contains(&t.year()))
        .map(Timestamp)
        .ok_or_else(|| ValidationError::new("at", Rule::Format, format!("{text:?} is not an RFC 3339 date-time with an offset")))
}

#[cfg(test)]
mod tests {
    use super::has_active_access;
    use crate::models::error::{Error, Rule};

    const PREMIUM: &str = r#"[{"access_level_id": "premium", "store": "adapty", "store_product_id": "premium",
        "starts_at": null, "expires_at": "2025-01-01T00:00:00+0000", "is_in_grace_period": false}]"#;

    fn refused(levels: &str, at: Option<&str>) -> (String, Rule) {
        match has_active_access(levels, "premium", at) {
            Err(Error::Validation(e)) => (e.field, e.rule),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reads_the_levels_and_the_instant() {
        assert!(has_active_access(PREMIUM, "premium", Some("2024-12-31T23:59:59Z")).unwrap());
        assert!(!has_active_access(PREMIUM, "premium", Some("2025-01-01T01:00:00+01:00")).unwrap());
        assert!(has_active_access(PREMIUM, "premium", Some("2024-12-31T23:59:59.999999999Z")).unwrap());
        assert!(!has_active_access(PREMIUM, "gold", Some("2024-06-01T00:00:00Z")).unwrap());
        assert!(!has_active_access(PREMIUM, "premium", None).unwrap());
        assert!(!has_active_access("[]", "premium", None).unwrap());
    }

    #[test]
    fn refuses_what_does_not_read_naming_it() {
        assert_eq!(refused(PREMIUM, Some("2024-06-01T00:00:00")), ("at".into(), Rule::Format));
        assert_eq!(refused(PREMIUM, Some("+10000-01-01T00:00:00Z")), ("at".into(), Rule::Format));
        assert_eq!(refused(PREMIUM, Some("yesterday")), ("at".into(), Rule::Format));
        assert_eq!(refused("not json", None), ("access_levels".into(), Rule::Type));
        assert_eq!(refused("{}", None), ("access_levels".into(), Rule::Type));
        assert_eq!(
            refused(r#"[{"store": "adapty", "store_product_id": "p"}]"#, None),
            ("access_levels[0].access_level_id".into(), Rule::Required)
        );
        let bad_date = r#"[{"access_level_id": "premium", "store": "adapty", "store_product_id": "p", "expires_at": "soon"}]"#;
        assert_eq!(refused(bad_date, None).0, "access_levels[0].expires_at");
    }
}
