//! An operation's arguments as the bindings and the command line pass them: one JSON object of
//! the API's snake_case names (`profile_id`, `customer_user_id`, `fields`, `page`, `cursor`,
//! ...), and how each typed argument of a method is read from it ([`FromArgs`], by type).
//!
//! The dispatcher checks the object against the operation's manifest entry first (no argument
//! the operation does not take, each of its kind); the readers here then build the values the
//! typed method takes, with the model's own rules (a `ProfileRef` from exactly one id, a body
//! read strictly, naming the failing field).

use std::borrow::Borrow;

use serde_json::{Value, json};

use super::manifest::Addressing;
use crate::models::error::{Rule, ValidationError};
use crate::models::json::from_value;
use crate::models::reference::{CreateRef, ProfileRef};
use crate::models::{Body, HistoryRequest, PageRequest};

/// One call's arguments: a JSON object, or `null` for none.
#[derive(Clone, Copy)]
pub(crate) struct Args<'a>(&'a Value);

impl<'a> Args<'a> {
    pub fn new(args: &'a Value) -> Result<Self, ValidationError> {
        match args {
            Value::Null | Value::Object(_) => Ok(Self(args)),
            other => Err(ValidationError::new("args", Rule::Type, format!("must be an object, got {other}"))),
        }
    }

    /// The argument names given.
    pub fn keys(self) -> impl Iterator<Item = &'a String> {
        self.0.as_object().into_iter().flat_map(|map| map.keys())
    }

    /// The argument `key`, unless absent or `null`.
    pub fn get(self, key: &str) -> Option<&'a Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    /// A text argument; anything but a string or null is a type error naming it.
    pub fn text(self, key: &str) -> Result<Option<&'a str>, ValidationError> {
        text(self.0, key)
    }

    /// A whole-number argument; anything but one (that fits) or null is a type error naming it.
    pub fn count(self, key: &str) -> Result<Option<u32>, ValidationError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| ValidationError::new(key, Rule::Type, format!("must be a whole number >= 0, got {v}"))),
        }
    }

    /// A list argument.
    pub fn list(self, key: &str) -> Result<Option<&'a [Value]>, ValidationError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(other) => Err(ValidationError::new(key, Rule::Type, format!("must be a list, got {other}"))),
        }
    }

    /// The request body, `fields` (an empty object when not given).
    fn fields(self) -> Value {
        self.get("fields").cloned().unwrap_or_else(|| json!({}))
    }
}

/// The text `key` of the object `value` (none if `value` is not an object); anything but a string
/// or null is a type error naming it.
pub(crate) fn text<'a>(value: &'a Value, key: &str) -> Result<Option<&'a str>, ValidationError> {
    match value.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(ValidationError::new(key, Rule::Type, format!("must be a string, got {other}"))),
    }
}

/// A value a typed method takes, read from a call's arguments. What it reads is the type's:
/// a profile reference reads `profile_id` and `customer_user_id`, a body `fields`, a page request
/// `page`, `page_size` and `cursor`; a plain text reads the argument of the parameter's `name`.
pub(crate) trait FromArgs: Sized {
    /// How an operation taking it names its profile, if this is how.
    const ADDRESSING: Option<Addressing> = None;
    /// The body model (its schema name), if this is the body.
    const BODY: Option<&'static str> = None;

    fn from_args(args: Args<'_>, name: &str) -> Result<Self, ValidationError>;
}

impl FromArgs for ProfileRef {
    const ADDRESSING: Option<Addressing> = Some(Addressing::Profile);

    fn from_args(args: Args<'_>, _: &str) -> Result<Self, ValidationError> {
        ProfileRef::from_parts(args.text("profile_id")?, args.text("customer_user_id")?)
    }
}

impl FromArgs for CreateRef {
    const ADDRESSING: Option<Addressing> = Some(Addressing::ProfileOrAttach);

    fn from_args(args: Args<'_>, _: &str) -> Result<Self, ValidationError> {
        CreateRef::from_parts(args.text("profile_id")?, args.text("customer_user_id")?)
    }
}

/// A required text argument (a path parameter).
impl FromArgs for String {
    fn from_args(args: Args<'_>, name: &str) -> Result<Self, ValidationError> {
        args.text(name)?.map(str::to_owned).ok_or_else(|| ValidationError::new(name, Rule::Required, "is required"))
    }
}

/// An optional text argument.
impl FromArgs for Option<String> {
    fn from_args(args: Args<'_>, name: &str) -> Result<Self, ValidationError> {
        Ok(args.text(name)?.map(str::to_owned))
    }
}

/// `page` and `page_size`, or a previous page's `cursor` (the next page number) with `page_size`.
impl FromArgs for PageRequest {
    fn from_args(args: Args<'_>, _: &str) -> Result<Self, ValidationError> {
        let page_size = args.count("page_size")?.unwrap_or(PageRequest::default().page_size);
        match args.text("cursor")? {
            Some(cursor) => PageRequest::at(Some(cursor), page_size),
            None => Ok(PageRequest { page: args.count("page")?.unwrap_or(1), page_size }),
        }
    }
}

impl FromArgs for HistoryRequest {
    fn from_args(args: Args<'_>, _: &str) -> Result<Self, ValidationError> {
        Ok(HistoryRequest {
            currency_code: args.text("currency_code")?.map(str::to_owned),
            limit: args.count("limit")?,
            cursor: args.text("cursor")?.map(str::to_owned),
        })
    }
}

/// A request body: `fields`, read strictly (a key the model does not have is refused, naming it).
impl<T: Body> FromArgs for T {
    const BODY: Option<&'static str> = Some(T::NAME);

    fn from_args(args: Args<'_>, _: &str) -> Result<Self, ValidationError> {
        from_value(args.fields())
    }
}

/// A typed method's parameter as it is declared (`&ProfileRef`, `&str`, `Option<&str>`): the
/// owned value read from the arguments, lent to the method; owned again to move into a blocking
/// twin's future.
pub(crate) trait Arg<'a>: Sized {
    type Owned: FromArgs + Send + Sync + 'static;
    const ADDRESSING: Option<Addressing> = <Self::Owned as FromArgs>::ADDRESSING;
    const BODY: Option<&'static str> = <Self::Owned as FromArgs>::BODY;

    fn own(&self) -> Self::Owned;
    fn lend(owned: &'a Self::Owned) -> Self;
}

impl<'a, T: ?Sized + ToOwned + 'a> Arg<'a> for &'a T
where
    T::Owned: FromArgs + Send + Sync + 'static,
{
    type Owned = T::Owned;

    fn own(&self) -> T::Owned {
        (*self).to_owned()
    }

    fn lend(owned: &'a T::Owned) -> Self {
        owned.borrow()
    }
}

impl<'a, T: ?Sized + ToOwned + 'a> Arg<'a> for Option<&'a T>
where
    Option<T::Owned>: FromArgs + Send + Sync + 'static,
{
    type Owned = Option<T::Owned>;

    fn own(&self) -> Option<T::Owned> {
        self.map(ToOwned::to_owned)
    }

    fn lend(owned: &'a Option<T::Owned>) -> Self {
        owned.as_ref().map(Borrow::borrow)
    }
}

/// How an operation whose parameters name their profile as `of` does: the first that does.
pub(crate) const fn addressing(of: &[Option<Addressing>]) -> Addressing {
    let mut i = 0;
    while i < of.len() {
        if let Some(addressing) = of[i] {
            return addressing;
        }
        i += 1;
    }
    Addressing::None
}

/// The body among an operation's parameters' `bodies`, if any.
pub(crate) const fn body(bodies: &[Option<&'static str>]) -> Option<&'static str> {
    let mut i = 0;
    while i < bodies.len() {
        if bodies[i].is_some() {
            return bodies[i];
        }
        i += 1;
    }
    None
}
