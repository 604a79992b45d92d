//! What one request is before it is sent: its endpoint, headers, body, media type, and why
//! sending it again is safe ([`Replay`]). Built and validated before any I/O.

use std::borrow::Cow;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::HeaderValue;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::models::config::Api;
use crate::models::error::{Error, Rule, ValidationError};
use crate::models::options::CallOptions;
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
    /// Not safe to repeat (a second one would act again): sent again only after a 429, which
    /// says the request was not acted on.
    Once,
}

/// The media type an endpoint documents for its bodies, both ways: sent as `Accept` and, with a
/// body, as `Content-Type`. A server that negotiates strictly answers 406 to any other `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaType {
    /// `application/json`: every server-side API endpoint.
    Json,
    /// `application/vnd.api+json` (JSON:API): the legacy SDK API's Stripe validation.
    JsonApi,
    /// A JSON body answered with `text/csv`: Export Analytics' CSV exports.
    Csv,
}

impl MediaType {
    /// What `Accept` asks for.
    pub fn accept(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            MediaType::Json => "application/json",
            MediaType::JsonApi => "application/vnd.api+json",
            MediaType::Csv => "text/csv",
        })
    }

    /// What a body is sent as.
    pub fn content_type(self) -> HeaderValue {
        match self {
            MediaType::Csv => MediaType::Json.accept(),
            other => other.accept(),
        }
    }
}

/// One request, fully built and validated before any I/O.
#[derive(Debug, Clone)]
pub(crate) struct ApiRequest {
    /// The operation it is made for (`profiles.get`), as events and spans name it.
    pub operation: &'static str,
    /// The API it goes to: its host and key.
    pub api: Api,
    pub method: Method,
    pub path: Cow<'static, str>,
    pub query: Vec<(&'static str, String)>,
    pub headers: Headers,
    pub media_type: MediaType,
    pub body: Option<Bytes>,
    pub replay: Replay,
    /// Where a successful response's body is written as it arrives, instead of being read.
    pub save_to: Option<std::sync::Arc<std::path::Path>>,
    /// Whether the body's model has a field of this name (a body built from a model's value).
    body_knows: Option<fn(&str) -> bool>,
}

impl ApiRequest {
    pub fn new(method: Method, path: impl Into<Cow<'static, str>>, replay: Replay) -> Self {
        Self {
            operation: "",
            api: Api::ServerSide,
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            media_type: MediaType::Json,
            body: None,
            replay,
            save_to: None,
            body_knows: None,
        }
    }

    /// A request to `endpoint` (its method and path).
    pub fn of(endpoint: &Http, replay: Replay) -> Self {
        Self::new(method(endpoint.method), endpoint.path, replay)
    }

    /// Names the operation the request is made for.
    pub fn operation(mut self, name: &'static str) -> Self {
        self.operation = name;
        self
    }

    /// Sends it to `api` (its host, with its key).
    pub fn api(mut self, api: Api) -> Self {
        self.api = api;
        self
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

    /// `params`, a request body's model, as the body: extra body fields the model has are then
    /// refused ([`ApiRequest::with_extras`]).
    pub fn body<B: serde::Serialize + DeserializeOwned>(mut self, params: &B) -> Result<Self, Error> {
        self.body_knows = Some(knows::<B>);
        self.json(params)
    }

    /// `params` with `added` fields beside its own as the body (the Web API's profile id, an
    /// export's `format`); extra body fields the model has are refused, as with [`Self::body`].
    pub fn body_with<B: serde::Serialize + DeserializeOwned>(
        self,
        params: &B,
        added: impl IntoIterator<Item = (&'static str, serde_json::Value)>,
    ) -> Result<Self, Error> {
        let Ok(serde_json::Value::Object(mut body)) = serde_json::to_value(params) else {
            return Err(Error::Internal { message: format!("{} has no JSON object body", self.operation) });
        };
        body.extend(added.into_iter().map(|(key, value)| (key.to_owned(), value)));
        let mut request = self.json(&body)?;
        request.body_knows = Some(knows::<B>);
        Ok(request)
    }

    /// The request with a call's extra body fields. One the body already has, or its model
    /// knows, is refused: given as a field, it is checked.
    pub fn with_extra_body(self, options: &CallOptions) -> Result<Self, Error> {
        let body = self.body.as_ref().map(|bytes| serde_json::from_slice(bytes));
        let Some(Ok(serde_json::Value::Object(mut body))) = body else {
            return Err(ValidationError::new(
                "extra_body",
                Rule::Type,
                format!("{} sends no JSON object to add fields to", self.operation),
            )
            .into());
        };
        for (key, value) in &options.extra_body {
            if body.contains_key(key) || self.body_knows.is_some_and(|knows| knows(key)) {
                let message = format!("is a field {} knows; give it as one, where it is checked", self.operation);
                return Err(ValidationError::new(format!("extra_body.{key}"), Rule::Conflict, message).into());
            }
            body.insert(key.clone(), value.clone());
        }
        self.json(&body)
    }

    /// Writes a successful response's body to `path` as it arrives.
    pub fn save_to(mut self, path: &std::path::Path) -> Self {
        self.save_to = Some(path.into());
        self
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

/// Whether the model `B` reads a field named `key` (one it would ignore is not its own).
fn knows<B: DeserializeOwned>(key: &str) -> bool {
    let mut ignored = false;
    let value = serde_json::Value::Object([(key.to_owned(), serde_json::Value::Null)].into_iter().collect());
    let _ = B::deserialize(serde_ignored::Deserializer::new(value, &mut |_| ignored = true));
    !ignored
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

#[cfg(test)]
mod tests {
    use super::knows;
    use crate::models::{GrantAccessParams, ProfileParams, TransactionParams};

    #[test]
    fn a_body_knows_its_own_fields_only() {
        assert!(knows::<ProfileParams>("first_name") && knows::<ProfileParams>("custom_attributes"));
        assert!(knows::<ProfileParams>("installation_meta"), "a required field");
        assert!(knows::<TransactionParams>("store_transaction_id") && knows::<GrantAccessParams>("expires_at"));
        assert!(!knows::<ProfileParams>("future_field") && !knows::<TransactionParams>("first_name"));
    }
}
