//! What one request is before it is sent: its endpoint, headers, body, media type, and why
//! sending it again is safe ([`Replay`]). Built and validated before any I/O.

use std::borrow::Cow;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::HeaderValue;
use serde::Serialize;

use crate::models::error::Error;
use crate::models::reference::Headers;

/// An endpoint: a method and a path, where `{name}` stands for a path parameter.
#[derive(Debug, Serialize)]
pub struct Http {
    pub method: HttpMethod,
    /// The path; `{name}` stands for the path parameter `name`. The Profile API's is the v2 one
    /// ([`crate::models::config::ApiVersion::profile_path`] gives either generation's).
    pub path: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Http {
    /// The path with `{name}` replaced by `value`.
    pub fn path_with(&self, name: &str, value: &str) -> String {
        self.path.replace(&format!("{{{name}}}"), value)
    }
}

/// Whether, and how, an operation may be sent again after a failure. Every operation picks one
/// and says why in a comment where it builds its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Repeating the request has the same effect as sending it once.
    Idempotent,
    /// Like `Idempotent`, but a repeat after an attempt whose outcome is unknown (connection
    /// lost, timeout, 5xx) may find the resource already gone: a 404 then means the earlier
    /// attempt succeeded.
    IdempotentDelete,
    /// Made repeatable by an `Idempotency-Key` header sent unchanged on every attempt; a 409
    /// `idempotency_in_flight` (the first attempt is still running) is waited out and retried.
    IdempotencyKey,
}

/// The media type an endpoint documents for its bodies, both ways: sent as `Accept` and, with a
/// body, as `Content-Type`. A server that negotiates strictly answers 406 to any other `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaType {
    /// `application/json`: every server-side API endpoint.
    Json,
    /// `application/vnd.api+json` (JSON:API): the legacy SDK API's Stripe validation.
    JsonApi,
}

impl MediaType {
    pub fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            MediaType::Json => "application/json",
            MediaType::JsonApi => "application/vnd.api+json",
        })
    }
}

/// One request, fully built and validated before any I/O.
#[derive(Debug, Clone)]
pub(crate) struct ApiRequest {
    pub method: Method,
    pub path: Cow<'static, str>,
    pub query: Vec<(&'static str, String)>,
    pub headers: Headers,
    pub media_type: MediaType,
    pub body: Option<Bytes>,
    pub replay: Replay,
}

impl ApiRequest {
    pub fn new(method: Method, path: impl Into<Cow<'static, str>>, replay: Replay) -> Self {
        Self { method, path: path.into(), query: Vec::new(), headers: Vec::new(), media_type: MediaType::Json, body: None, replay }
    }

    /// A request to `endpoint` (its method and path).
    pub fn of(endpoint: &Http, replay: Replay) -> Self {
        Self::new(method(endpoint.method), endpoint.path, replay)
    }

    pub fn headers(mut self, headers: Headers) -> Self {
        self.headers.extend(headers);
        self
    }

    /// `value`, serialized as JSON, as the body.
    pub fn json(mut self, value: &impl serde::Serialize) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(value).map_err(|e| Error::Internal { message: format!("cannot encode the request: {e}") })?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }

    pub fn media_type(mut self, media_type: MediaType) -> Self {
        self.media_type = media_type;
        self
    }

    pub fn query(mut self, name: &'static str, value: Option<impl ToString>) -> Self {
        self.query.extend(value.map(|v| (name, v.to_string())));
        self
    }
}

pub(crate) fn method(m: HttpMethod) -> Method {
    match m {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Delete => Method::DELETE,
    }
}
