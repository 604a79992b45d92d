//! The Profile API's rules: which profile a request's ids name, creating a profile and attaching
//! a customer user id, and PATCH semantics.
//!
//! Choices where Adapty's docs are silent (see docs/EMULATOR.md):
//! - create for an existing profile (by either id) updates and returns it, so a repeated create
//!   is harmless;
//! - create with both ids attaches the customer user id to the profile id, creating the profile
//!   if it does not exist; a customer user id already owned by another profile is a conflict;
//! - both ids on get, update or delete: the profile id decides, and the customer user id must
//!   belong to it (else the profile is not found).

use adapty_server::{AttributeValue, Field, ProfileParams};
use serde_json::Value;
use uuid::Uuid;

use crate::state::app::Inner;
use crate::state::profile::StoredProfile;

/// How a request names its profile (at least one of the two, in the API's requests).
#[derive(Debug, Clone, Default)]
pub struct Ids {
    pub profile_id: Option<Uuid>,
    pub customer_user_id: Option<String>,
}

/// Why a profile operation did nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    NotFound,
    /// The customer user id belongs to another profile than the profile id given with it.
    CustomerUserIdConflict,
    /// The update would leave more than `adapty_server::MAX_CUSTOM_ATTRIBUTES`.
    TooManyAttributes,
    /// The fields do not serialize to an object (the SDK's `ProfileParams` always does).
    Unstorable,
}

/// Whether a write makes the profile when it does not exist (create) or needs it (update).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    Create,
    Update,
}

pub fn find(state: &Inner, ids: &Ids) -> Option<Uuid> {
    match (&ids.profile_id, &ids.customer_user_id) {
        (Some(id), cuid) => state.profiles.get(id).filter(|p| cuid.is_none() || p.customer_user_id == *cuid).map(|p| p.profile_id),
        (None, Some(cuid)) => state.by_customer_user_id.get(cuid).copied(),
        (None, None) => None,
    }
}

pub fn get<'a>(state: &'a Inner, ids: &Ids) -> Result<&'a StoredProfile, Error> {
    find(state, ids).and_then(|id| state.profiles.get(&id)).ok_or(Error::NotFound)
}

pub fn get_mut<'a>(state: &'a mut Inner, ids: &Ids) -> Result<&'a mut StoredProfile, Error> {
    let id = find(state, ids).ok_or(Error::NotFound)?;
    state.profiles.get_mut(&id).ok_or(Error::NotFound)
}

pub fn delete(state: &mut Inner, ids: &Ids) -> Result<(), Error> {
    let id = find(state, ids).ok_or(Error::NotFound)?;
    if let Some(c) = state.profiles.remove(&id).and_then(|p| p.customer_user_id) {
        state.by_customer_user_id.remove(&c);
    }
    Ok(())
}

/// Creates (or updates) the profile the ids name, or updates it, with `params` (the
/// `adapty-platform` header's value too, if given); returns it.
pub fn write<'a>(
    state: &'a mut Inner,
    ids: &Ids,
    how: Write,
    params: ProfileParams,
    platform: Option<String>,
) -> Result<&'a StoredProfile, Error> {
    let id = match how {
        Write::Create => create_or_attach(state, ids)?,
        Write::Update => find(state, ids).ok_or(Error::NotFound)?,
    };
    let profile = state.profiles.get_mut(&id).ok_or(Error::NotFound)?;
    apply(profile, params, platform)?;
    Ok(profile)
}

/// The profile the ids name, made if it does not exist; with both ids, the customer user id is
/// attached to the profile id.
pub fn create_or_attach(state: &mut Inner, ids: &Ids) -> Result<Uuid, Error> {
    let owner = ids.customer_user_id.as_ref().and_then(|c| state.by_customer_user_id.get(c).copied());
    let id = match (ids.profile_id, owner) {
        (None, Some(existing)) => return Ok(existing),
        (None, None) => Uuid::new_v4(),
        (Some(id), Some(other)) if other != id => return Err(Error::CustomerUserIdConflict),
        (Some(id), _) => id,
    };
    let profile = state.profiles.entry(id).or_insert_with(|| StoredProfile::new(id, None));
    if let Some(cuid) = &ids.customer_user_id {
        if let Some(old) = profile.customer_user_id.replace(cuid.clone()) {
            state.by_customer_user_id.remove(&old);
        }
        state.by_customer_user_id.insert(cuid.clone(), id);
    }
    Ok(id)
}

/// The profile of `customer_user_id`, made if it does not exist (as the store imports do).
pub fn for_customer<'a>(state: &'a mut Inner, customer_user_id: &str) -> &'a mut StoredProfile {
    let ids = Ids { profile_id: None, customer_user_id: Some(customer_user_id.to_owned()) };
    // With a customer user id alone, create_or_attach finds or makes the profile; it cannot conflict.
    let id = create_or_attach(state, &ids).unwrap_or_else(|_| unreachable!("no profile id, no conflict"));
    state.profiles.entry(id).or_insert_with(|| StoredProfile::new(id, Some(customer_user_id.to_owned())))
}

/// PATCH semantics: unset fields stay, `null` clears, values replace; a custom attribute set to
/// `null` or `""` is deleted.
fn apply(profile: &mut StoredProfile, params: ProfileParams, platform: Option<String>) -> Result<(), Error> {
    let mut attrs = profile.custom_attributes.clone();
    if let Field::Value(new) = &params.custom_attributes {
        for attr in &new.0 {
            attrs.retain(|a| a.key != attr.key);
            let deletes = attr.value.is_none() || matches!(&attr.value, Some(AttributeValue::String(s)) if s.is_empty());
            if !deletes {
                attrs.push(attr.clone());
            }
        }
        if attrs.len() > adapty_server::MAX_CUSTOM_ATTRIBUTES {
            return Err(Error::TooManyAttributes);
        }
    }
    if let Field::Value(meta) = &params.installation_meta {
        profile.installations.insert(meta.device_id.clone(), meta.clone());
    }
    // The scalar fields as the SDK serializes them: unset ones are absent, cleared ones `null`.
    let Ok(Value::Object(fields)) = serde_json::to_value(&params) else { return Err(Error::Unstorable) };
    for (key, value) in fields {
        if key == "custom_attributes" || key == "installation_meta" {
            continue;
        }
        if value.is_null() {
            profile.fields.remove(&key);
        } else {
            profile.fields.insert(key, value);
        }
    }
    profile.custom_attributes = attrs;
    if platform.is_some() {
        profile.platform = platform;
    }
    Ok(())
}
