//! The legacy server-side API (`/api/v1/sdk/`), which Adapty still serves: where clients written
//! against v1 start when they move to this SDK. The user is named in the path, Base64URL-encoded
//! (with `is_user_id_base64url_encoded=1`) when the id holds a character a path cannot carry as
//! is, as Adapty's rule says. Its Stripe validation is `purchases.validateStripe`, unchanged.

use super::declare::operations;
use super::manifest::{Operation, Param, text};
use crate::models::config::Config;
use crate::models::error::{Error, Rule, ValidationError};
use crate::models::{LegacyGrantParams, LegacyProfile, LegacyProfileParams, LegacyRevokeParams};
use crate::transport::request::{ApiRequest, Replay, method};

/// The legacy API's prefix.
const BASE: &str = "/api/v1/sdk/profiles/";

operations! {
    /// The legacy server-side API (`/api/v1/sdk/`): still supported, kept for code moving from
    /// it. Each method's doc names its v2 replacement.
    legacy => legacy: Legacy, BlockingLegacy, LegacyOp;

    /// Reads a profile, extended (personal and integration fields included). v2: `profiles.get`.
    LEGACY_GET_PROFILE getProfile {
        endpoint: Get "/api/v1/sdk/profiles/{user_id}/",
        path_param: Param { required: true, ..text("user_id", "The profile's `profile_id` or your `customer_user_id`.") },
        call: fn get_profile(user_id: &str) -> LegacyProfile = get_profile,
    }

    /// Creates a profile for `customer_user_id` (required here), with attributes. v2:
    /// `profiles.create`.
    LEGACY_CREATE_PROFILE createProfile {
        endpoint: Post "/api/v1/sdk/profiles/",
        call: fn create_profile(params: &LegacyProfileParams) -> LegacyProfile = create_profile,
    }

    /// Sets a profile's attributes; `custom_attributes` is a map here (at most 10). v2:
    /// `profiles.update`.
    LEGACY_UPDATE_PROFILE updateProfile {
        endpoint: Patch "/api/v1/sdk/profiles/{user_id}/",
        path_param: Param { required: true, ..text("user_id", "The profile's `profile_id` or your `customer_user_id`.") },
        call: fn update_profile(user_id: &str, params: &LegacyProfileParams) -> LegacyProfile = update_profile,
    }

    /// Deletes a profile and its data. v2: `profiles.delete`.
    LEGACY_DELETE_PROFILE deleteProfile {
        endpoint: Delete "/api/v1/sdk/profiles/{user_id}/delete",
        path_param: Param { required: true, ..text("user_id", "The profile's `profile_id` or your `customer_user_id`.") },
        call: fn delete_profile(user_id: &str) -> () = delete_profile,
    }

    /// Grants or prolongs an access level (and, given a product, transaction id and store,
    /// records the transaction). v2: `accessLevels.grant`, or `purchases.setTransaction`.
    LEGACY_GRANT grant {
        endpoint: Post "/api/v1/sdk/profiles/{user_id}/paid-access-levels/{access_level}/grant/",
        path_param: Param { required: true, ..text("user_id", "The profile's `profile_id` or your `customer_user_id`.") },
        params: [Param { required: true, ..text("access_level", "The access level's id, e.g. `premium`.") }],
        call: fn grant(user_id: &str, access_level: &str, params: &LegacyGrantParams) -> LegacyProfile = grant,
    }

    /// Ends an access level now (`is_refund`: because of a refund, its revenue then 0). v2:
    /// `accessLevels.revoke`.
    LEGACY_REVOKE revoke {
        endpoint: Post "/api/v1/sdk/profiles/{user_id}/paid-access-levels/{access_level}/revoke/",
        path_param: Param { required: true, ..text("user_id", "The profile's `profile_id` or your `customer_user_id`.") },
        params: [Param { required: true, ..text("access_level", "The access level's id, e.g. `premium`.") }],
        call: fn revoke(user_id: &str, access_level: &str, params: &LegacyRevokeParams) -> LegacyProfile = revoke,
    }
}

/// A request to `op` about the user `user_id` (and the access level, for grant and revoke).
fn request(op: &Operation, user_id: &str, access_level: Option<&str>, replay: Replay) -> Result<ApiRequest, ValidationError> {
    let (segment, encoded) = user_segment(user_id)?;
    let mut path = op.http.path_with("user_id", &segment);
    if let Some(level) = access_level {
        path = path.replace("{access_level}", &access_level_segment(level)?);
    }
    Ok(ApiRequest::new(method(op.http.method), path, replay).query("is_user_id_base64url_encoded", encoded.then_some(1)))
}

/// The user id as a path segment: as it is when it holds only letters, digits and `-._~@`,
/// else Base64URL-encoded with padding (Adapty's examples keep it), the query flag set.
pub(crate) fn user_segment(user_id: &str) -> Result<(String, bool), ValidationError> {
    if user_id.trim().is_empty() {
        return Err(ValidationError::new("user_id", Rule::Required, "give the profile_id or customer_user_id"));
    }
    if user_id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~@".contains(&b)) && user_id != "." && user_id != ".." {
        Ok((user_id.to_owned(), false))
    } else {
        Ok((base64url(user_id.as_bytes()), true))
    }
}

/// An access level id as a path segment: one has no character a path would change.
fn access_level_segment(level: &str) -> Result<String, ValidationError> {
    if !level.is_empty() && level.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)) {
        Ok(level.to_owned())
    } else {
        Err(ValidationError::new("access_level", Rule::Format, format!("{level:?} is not an access level id (letters, digits, -._~)")))
    }
}

/// Base64 with the URL-safe alphabet (`-`, `_`) and `=` padding.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn get_profile(op: &Operation, _: &Config, user_id: &str) -> Result<ApiRequest, Error> {
    // A read: safe to repeat. `extended` (any value) adds the personal and integration fields.
    Ok(request(op, user_id, None, Replay::Idempotent)?.query("extended", Some(1)))
}

fn create_profile(op: &Operation, _: &Config, params: &LegacyProfileParams) -> Result<ApiRequest, Error> {
    params.validate_create()?;
    // Safe to repeat: the profile is keyed by `customer_user_id`, so a repeat finds the first.
    ApiRequest::new(method(op.http.method), BASE, Replay::Idempotent).body(params)
}

fn update_profile(op: &Operation, _: &Config, user_id: &str, params: &LegacyProfileParams) -> Result<ApiRequest, Error> {
    params.validate()?;
    // Safe to repeat: PATCH sets fields to given values.
    request(op, user_id, None, Replay::Idempotent)?.body(params)
}

fn delete_profile(op: &Operation, _: &Config, user_id: &str) -> Result<ApiRequest, Error> {
    // Safe to repeat: a 404 after an attempt with an unknown outcome means it deleted the profile.
    Ok(request(op, user_id, None, Replay::IdempotentDelete)?)
}

fn grant(op: &Operation, _: &Config, user_id: &str, access_level: &str, params: &LegacyGrantParams) -> Result<ApiRequest, Error> {
    params.validate()?;
    // Not safe to repeat in general (`duration_days` adds days each time), so only when it sets
    // an end: `is_lifetime` or `expires_at` give the same access twice.
    let replay = if params.is_lifetime == Some(true) || params.expires_at.is_some() { Replay::Idempotent } else { Replay::Once };
    request(op, user_id, Some(access_level), replay)?.body(params)
}

fn revoke(op: &Operation, _: &Config, user_id: &str, access_level: &str, params: &LegacyRevokeParams) -> Result<ApiRequest, Error> {
    // Safe to repeat: access already ended ends again at the same place.
    request(op, user_id, Some(access_level), Replay::Idempotent)?.body(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_a_path_cannot_carry_are_base64url_encoded_as_adaptys_examples_show() {
        // Adapty's own examples.
        assert_eq!(user_segment("123").unwrap(), ("123".into(), false));
        assert!(!user_segment("3c410419-9959-447a-84b5-be7cb6a308d9").unwrap().1);
        assert_eq!(user_segment("123+456").unwrap(), ("MTIzKzQ1Ng==".into(), true));
        assert_eq!(user_segment("abc/def").unwrap(), ("YWJjL2RlZg==".into(), true));
        assert_eq!(user_segment("012?012").unwrap(), ("MDEyPzAxMg==".into(), true));
        // The URL-safe alphabet where it differs from plain Base64.
        assert_eq!(user_segment("a?>b~~").unwrap().0, "YT8-Yn5-");
        assert_eq!(user_segment("iwitaly@adapty.io").unwrap(), ("iwitaly@adapty.io".into(), false));
        assert!(user_segment(" ").is_err());
        assert!(access_level_segment("pre/mium").is_err());
    }
}
