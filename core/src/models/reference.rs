//! Which profile a request is about: sent as the `adapty-profile-id` or
//! `adapty-customer-user-id` header.

use uuid::Uuid;

use crate::models::error::{Rule, ValidationError};

/// Extra request headers (name, value): how a reference is sent.
pub(crate) type Headers = Vec<(&'static str, String)>;

/// Exactly one way of naming an existing profile.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProfileRef {
    /// Adapty's profile id ("Adapty ID" in the dashboard).
    ProfileId(Uuid),
    /// Your own user id ("Customer user ID").
    CustomerUserId(String),
}

impl ProfileRef {
    pub fn profile_id(id: &str) -> Result<Self, ValidationError> {
        parse_profile_id(id).map(ProfileRef::ProfileId)
    }

    pub fn customer_user_id(id: impl Into<String>) -> Result<Self, ValidationError> {
        Ok(ProfileRef::CustomerUserId(checked_customer_user_id(id.into())?))
    }

    /// From optional parts, as bindings receive them: exactly one must be given.
    pub fn from_parts(profile_id: Option<&str>, customer_user_id: Option<&str>) -> Result<Self, ValidationError> {
        match (profile_id, customer_user_id) {
            (Some(p), None) => Self::profile_id(p),
            (None, Some(c)) => Self::customer_user_id(c),
            (Some(_), Some(_)) => Err(ValidationError::new(
                "profile_id",
                Rule::Conflict,
                "give either profile_id or customer_user_id, not both (only create accepts both)",
            )),
            (None, None) => Err(ValidationError::new("profile_id", Rule::Required, "give profile_id or customer_user_id")),
        }
    }

    pub(crate) fn headers(&self) -> Headers {
        match self {
            ProfileRef::ProfileId(id) => vec![(PROFILE_ID_HEADER, id.to_string())],
            ProfileRef::CustomerUserId(id) => vec![(CUSTOMER_USER_ID_HEADER, id.clone())],
        }
    }
}

impl std::fmt::Display for ProfileRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProfileRef::ProfileId(id) => write!(f, "profile_id={id}"),
            ProfileRef::CustomerUserId(id) => write!(f, "customer_user_id={id}"),
        }
    }
}

/// Whom a create request is for: a profile reference, or both ids to attach a customer user id
/// to an existing anonymous profile (the only case where the API takes both headers).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CreateRef {
    Profile(ProfileRef),
    Attach { profile_id: Uuid, customer_user_id: String },
}

impl CreateRef {
    /// From optional parts: one of them, or both to attach.
    pub fn from_parts(profile_id: Option<&str>, customer_user_id: Option<&str>) -> Result<Self, ValidationError> {
        match (profile_id, customer_user_id) {
            (Some(p), Some(c)) => Self::attach(p, c),
            (p, c) => ProfileRef::from_parts(p, c).map(CreateRef::Profile),
        }
    }

    pub fn attach(profile_id: &str, customer_user_id: impl Into<String>) -> Result<Self, ValidationError> {
        Ok(CreateRef::Attach {
            profile_id: parse_profile_id(profile_id)?,
            customer_user_id: checked_customer_user_id(customer_user_id.into())?,
        })
    }

    pub(crate) fn headers(&self) -> Headers {
        match self {
            CreateRef::Profile(r) => r.headers(),
            CreateRef::Attach { profile_id, customer_user_id } => {
                vec![(PROFILE_ID_HEADER, profile_id.to_string()), (CUSTOMER_USER_ID_HEADER, customer_user_id.clone())]
            }
        }
    }
}

impl From<ProfileRef> for CreateRef {
    fn from(r: ProfileRef) -> Self {
        CreateRef::Profile(r)
    }
}

pub const PROFILE_ID_HEADER: &str = "adapty-profile-id";
pub const CUSTOMER_USER_ID_HEADER: &str = "adapty-customer-user-id";
pub const PLATFORM_HEADER: &str = "adapty-platform";

fn parse_profile_id(id: &str) -> Result<Uuid, ValidationError> {
    Uuid::parse_str(id.trim()).map_err(|_| ValidationError::new("profile_id", Rule::Format, format!("{id:?} is not a UUID")))
}

/// A customer user id travels in a header: it must be non-empty and header-safe.
fn checked_customer_user_id(id: String) -> Result<String, ValidationError> {
    if id.trim().is_empty() {
        return Err(ValidationError::new("customer_user_id", Rule::Required, "must not be empty"));
    }
    if id.len() > 1024 {
        return Err(ValidationError::new("customer_user_id", Rule::MaxLength, "must be at most 1024 bytes"));
    }
    if !id.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
        return Err(ValidationError::new(
            "customer_user_id",
            Rule::Format,
            "may hold only printable ASCII characters (it is sent in an HTTP header)",
        ));
    }
    Ok(id)
}
