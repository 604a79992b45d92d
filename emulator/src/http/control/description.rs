//! The shape of the control plane's description: one [`Route`] per method and path, as data.
//!
//! A route is described by what it does (a doc whose first sentence is its summary), what it
//! takes (path and query parameters, a body) and what it answers (statuses with their docs and
//! bodies, each body a JSON Schema from its Rust type), and carries the handler that serves it,
//! so the router registers nothing that is not described. Its [`Helper`]s are the methods the
//! Python and Node helpers have for it: a name and how the method's arguments map onto the
//! request, kept as data so each language's generator (`tools/codegen/`) spells them its way.

use std::sync::Arc;

use axum::routing::{MethodFilter, MethodRouter};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;

use crate::state::tenants::AppState;

/// Serves a route: its handler for the route's method.
pub type Handler = fn(MethodFilter) -> MethodRouter<Arc<AppState>>;

/// The JSON Schema of a body, from its Rust type: `of::<T>`.
pub type SchemaOf = fn(&mut SchemaGenerator) -> Schema;

/// `T`'s schema (a reference to its definition, for a named type).
pub fn of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// One route of the control plane.
pub struct Route {
    /// The operation's id (OpenAPI's `operationId`), snake_case; the web UI calls routes by it.
    pub id: &'static str,
    pub method: Method,
    /// The path; `{name}` stands for the path parameter `name`.
    pub path: &'static str,
    /// What it does; the first sentence is the summary.
    pub doc: &'static str,
    /// Whether it addresses one app (by its key's `Authorization` or `x-emulator-tenant`).
    pub app: bool,
    /// Its path parameters (one per `{name}` of the path) and query parameters.
    pub params: &'static [Param],
    pub body: Body,
    /// Every status it answers with, the success first.
    pub answers: &'static [Answer],
    /// The helper methods for it (none: the helpers reach it through `control()` only).
    pub helpers: &'static [Helper],
    pub handler: Handler,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    pub fn filter(self) -> MethodFilter {
        match self {
            Method::Get => MethodFilter::GET,
            Method::Post => MethodFilter::POST,
            Method::Put => MethodFilter::PUT,
            Method::Delete => MethodFilter::DELETE,
        }
    }
}

/// A path or query parameter.
pub struct Param {
    pub name: &'static str,
    pub place: Place,
    pub schema: SchemaOf,
    pub doc: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Path,
    /// Optional, like every query parameter of the control plane.
    Query,
}

/// What a request sends.
pub enum Body {
    /// Nothing (a body sent is ignored).
    Empty,
    /// JSON of this schema.
    Json(SchemaOf),
}

/// One status a route answers with.
pub struct Answer {
    pub status: u16,
    pub doc: &'static str,
    pub content: Content,
}

/// What an answer carries.
pub enum Content {
    Empty,
    /// JSON of this schema.
    Json(SchemaOf),
    /// A file of this media type (the web UI's).
    File(&'static str),
    /// A redirect to this path.
    Redirect(&'static str),
}

/// A method of the Python and Node helpers (`Emulator` in both), as data.
#[derive(Debug, Serialize)]
pub struct Helper {
    /// snake_case (each language converts it); a leading `_` marks one that only the helpers'
    /// hand-written methods call.
    pub name: &'static str,
    pub doc: &'static str,
    /// In the order a call gives them: the positional ones, then the keyword ones (Python's
    /// keyword-only arguments, Node's options object).
    pub args: &'static [Arg],
    pub returns: Returns,
}

/// One argument of a helper method and where its value goes.
#[derive(Debug, Serialize)]
pub struct Arg {
    pub name: &'static str,
    pub to: Target,
    /// Given by name: Python's keyword-only argument, a key of Node's options object.
    pub keyword: bool,
    /// JSON text of the value sent when the argument is not given (then it is always sent);
    /// without one an argument not given is left out of the body (or, positional, required).
    #[serde(serialize_with = "as_json")]
    pub default: Option<&'static str>,
}

/// A default as the JSON value its text is.
fn as_json<S: serde::Serializer>(default: &Option<&'static str>, s: S) -> Result<S::Ok, S::Error> {
    let value = default.map(serde_json::from_str::<serde_json::Value>).transpose().map_err(serde::ser::Error::custom)?;
    value.serialize(s)
}

/// Where an argument's value goes in the request.
#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// This path parameter.
    Path(&'static str),
    /// This field of the JSON body (an object).
    Field(&'static str),
    /// The whole body, an object (Python also takes its keys as keyword arguments).
    Body,
    /// The whole body, an object or its JSON text.
    Document,
    /// The whole body is the list of every remaining argument (variadic).
    Each,
}

/// What a helper method returns of the answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Returns {
    Nothing,
    /// The whole answer.
    Answer,
    /// This field of the answer (an object).
    Field(&'static str),
}
