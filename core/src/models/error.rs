//! The one error type every operation returns, and the parser for Adapty's error bodies.
//!
//! Every binding maps [`Error`] to its own exception classes by [`Error::kind`] and
//! [`ApiErrorKind`], so the taxonomy is decided here once.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

/// Why a value was refused before any I/O. The `rule` is a stable, machine-readable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A required value is missing.
    Required,
    /// Not one of the allowed values.
    Enum,
    /// The text does not have the required shape (date, UUID, country code, URL, ...).
    Format,
    /// Too long.
    MaxLength,
    /// Too many or too few items.
    Count,
    /// A number outside its allowed range.
    Range,
    /// The same key given twice.
    Unique,
    /// `null` given where the API forbids it.
    NotNull,
    /// A value of the wrong type (e.g. a list where a string is expected).
    Type,
    /// A combination of values that the API forbids.
    Conflict,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Required => "required",
            Rule::Enum => "enum",
            Rule::Format => "format",
            Rule::MaxLength => "max_length",
            Rule::Count => "count",
            Rule::Range => "range",
            Rule::Unique => "unique",
            Rule::NotNull => "not_null",
            Rule::Type => "type",
            Rule::Conflict => "conflict",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A client-side validation failure naming the field (dotted path, e.g.
/// `installation_meta.platform` or `custom_attributes.plan`) and the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub field: String,
    pub rule: Rule,
    pub message: String,
    /// The `error_code` Adapty answers the same mistake with, where its docs name one
    /// (e.g. `expires_date_error`).
    pub api_code: Option<&'static str>,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, rule: Rule, message: impl Into<String>) -> Self {
        Self { field: field.into(), rule, message: message.into(), api_code: None }
    }

    /// The same error, naming Adapty's `error_code` for it (also appended to the message).
    pub fn with_api_code(mut self, code: &'static str) -> Self {
        self.message = format!("{} ({code})", self.message);
        self.api_code = Some(code);
        self
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {} ({})", self.field, self.message, self.rule)
    }
}

impl std::error::Error for ValidationError {}

/// One entry of an error body's `errors` list: the field it is about (if any) and its messages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldError {
    pub source: Option<String>,
    pub errors: Vec<String>,
}

/// Which class of API error a status code is; bindings name their exception classes after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApiErrorKind {
    BadRequest,
    Authentication,
    PermissionDenied,
    NotFound,
    Conflict,
    UnprocessableEntity,
    RateLimit,
    InternalServer,
    /// Any other non-success status (e.g. 405, 408, 413).
    #[serde(rename = "api_status")]
    Other,
}

impl ApiErrorKind {
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => Self::BadRequest,
            401 => Self::Authentication,
            403 => Self::PermissionDenied,
            404 => Self::NotFound,
            409 => Self::Conflict,
            422 => Self::UnprocessableEntity,
            429 => Self::RateLimit,
            500..=599 => Self::InternalServer,
            _ => Self::Other,
        }
    }

    /// The name bindings see as `api_kind` (its serde name).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::Authentication => "authentication",
            Self::PermissionDenied => "permission_denied",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::UnprocessableEntity => "unprocessable_entity",
            Self::RateLimit => "rate_limit",
            Self::InternalServer => "internal_server",
            Self::Other => "api_status",
        }
    }
}

/// An error response from the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    /// The body's `error_code`, e.g. `profile_does_not_exist`.
    pub error_code: Option<String>,
    /// The body's `errors`, normalised from every shape Adapty uses.
    pub errors: Vec<FieldError>,
    /// `Request-Id` (or `X-Request-Id`) response header.
    pub request_id: Option<String>,
    /// The raw response body, as received.
    pub body: String,
    /// The server's `Retry-After`, when it sent one.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// Builds the error from a response's status, body and headers' values.
    pub fn from_response(status: u16, body: String, request_id: Option<String>, retry_after: Option<Duration>) -> Self {
        let (error_code, errors) = parse_error_body(&body);
        Self { status, error_code, errors, request_id, body, retry_after }
    }

    pub fn kind(&self) -> ApiErrorKind {
        ApiErrorKind::from_status(self.status)
    }

    /// The first message of the body, for a one-line summary.
    pub fn message(&self) -> Option<&str> {
        self.errors.iter().flat_map(|e| e.errors.iter()).map(String::as_str).next()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.error_code {
            write!(f, " {code}")?;
        }
        let details: Vec<String> = self
            .errors
            .iter()
            .map(|e| match &e.source {
                Some(s) => format!("{s}: {}", e.errors.join("; ")),
                None => e.errors.join("; "),
            })
            .collect();
        if !details.is_empty() {
            write!(f, ": {}", details.join(", "))?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// The broad class of an [`Error`]; bindings map it to their base exception classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Validation,
    Connection,
    Timeout,
    Api,
    /// The SDK was used wrongly at run time (e.g. the blocking client inside an async runtime).
    Usage,
    /// A bug in the SDK, caught instead of crashing the host process.
    Internal,
    /// A webhook's `Authorization` header is missing or is not the configured secret.
    WebhookAuthorization,
    /// A webhook's body is not an event Adapty sends.
    WebhookPayload,
}

impl ErrorKind {
    /// The name bindings see as `kind` (its serde name).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Validation => "validation",
            Self::Connection => "connection",
            Self::Timeout => "timeout",
            Self::Api => "api",
            Self::Usage => "usage",
            Self::Internal => "internal",
            Self::WebhookAuthorization => "webhook_authorization",
            Self::WebhookPayload => "webhook_payload",
        }
    }
}

/// Everything an operation can fail with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Refused before any I/O.
    Validation(ValidationError),
    /// The connection could not be made or broke before a response arrived.
    Connection { message: String },
    /// No complete response within the configured timeout.
    Timeout { message: String },
    /// The API answered with a non-success status.
    Api(ApiError),
    /// See [`ErrorKind::Usage`].
    Usage { message: String },
    /// See [`ErrorKind::Internal`].
    Internal { message: String },
    /// See [`ErrorKind::WebhookAuthorization`]; checked before the body is read at all.
    WebhookAuthorization { message: String },
    /// See [`ErrorKind::WebhookPayload`]; `field` is the dotted path of the wrong value (`body` for
    /// the whole body).
    WebhookPayload { field: String, message: String },
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Validation(_) => ErrorKind::Validation,
            Error::Connection { .. } => ErrorKind::Connection,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Api(_) => ErrorKind::Api,
            Error::Usage { .. } => ErrorKind::Usage,
            Error::Internal { .. } => ErrorKind::Internal,
            Error::WebhookAuthorization { .. } => ErrorKind::WebhookAuthorization,
            Error::WebhookPayload { .. } => ErrorKind::WebhookPayload,
        }
    }

    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    pub fn validation(&self) -> Option<&ValidationError> {
        match self {
            Error::Validation(e) => Some(e),
            _ => None,
        }
    }
}

impl Error {
    /// A JSON description of the error, the shape every language binding turns into its own
    /// exception: `kind`, `message`, and for validation `field`, `rule`, `detail` (the message without the
    /// field) and `error_code` (Adapty's code for the same mistake, if any), for API errors
    /// `status`, `api_kind`, `error_code`, `errors`, `request_id`, `body`, `retry_after` (seconds).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.info()).unwrap_or_default()
    }

    /// The description [`Error::to_json`] serializes.
    pub fn info(&self) -> ErrorInfo {
        let validation = match self {
            Error::Validation(v) => {
                Some(ValidationInfo { field: v.field.clone(), rule: v.rule.as_str(), detail: v.message.clone(), error_code: v.api_code })
            }
            _ => None,
        };
        let api = self.api().map(|a| ApiInfo {
            status: a.status,
            api_kind: a.kind(),
            error_code: a.error_code.clone(),
            errors: a.errors.clone(),
            request_id: a.request_id.clone(),
            body: a.body.clone(),
            retry_after: a.retry_after.map(|d| d.as_secs_f64()),
        });
        let payload = match self {
            Error::WebhookPayload { field, .. } => Some(PayloadInfo { field: field.clone() }),
            _ => None,
        };
        ErrorInfo { kind: self.kind(), message: self.to_string(), validation, api, payload }
    }
}

/// An [`Error`] as it crosses to a binding (typed in the schema bundle as `ErrorInfo`): bindings
/// pick their error class by `kind` and, for API errors, `api_kind`.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorInfo {
    pub kind: ErrorKind,
    /// The one-line description.
    pub message: String,
    #[serde(flatten)]
    pub validation: Option<ValidationInfo>,
    #[serde(flatten)]
    pub api: Option<ApiInfo>,
    #[serde(flatten)]
    pub payload: Option<PayloadInfo>,
}

/// What a webhook payload error adds to [`ErrorInfo`].
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PayloadInfo {
    /// The dotted path of the wrong value (`body` for the whole body).
    pub field: String,
}

/// What a validation error adds to [`ErrorInfo`].
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ValidationInfo {
    pub field: String,
    pub rule: &'static str,
    /// The message without the field's name.
    pub detail: String,
    /// Adapty's `error_code` for the same mistake, if it has one.
    pub error_code: Option<&'static str>,
}

/// What an API error adds to [`ErrorInfo`].
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApiInfo {
    pub status: u16,
    pub api_kind: ApiErrorKind,
    pub error_code: Option<String>,
    pub errors: Vec<FieldError>,
    pub request_id: Option<String>,
    /// The raw response body.
    pub body: String,
    /// Seconds the server asked to wait (`Retry-After`), if it said.
    pub retry_after: Option<f64>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(e) => e.fmt(f),
            Error::Connection { message } => write!(f, "connection error: {message}"),
            Error::Timeout { message } => write!(f, "timed out: {message}"),
            Error::Api(e) => e.fmt(f),
            Error::Usage { message } => write!(f, "usage error: {message}"),
            Error::Internal { message } => write!(f, "internal SDK error: {message}"),
            Error::WebhookAuthorization { message } => write!(f, "webhook not authorized: {message}"),
            Error::WebhookPayload { field, message } => write!(f, "invalid webhook payload: {field}: {message}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(e)
    }
}

/// Reads `error_code` and `errors` from any body Adapty documents, never failing:
/// nested `[{source, errors: [..]}]`, a flat list of strings, a `{field: [..]}` dict, the
/// JSON:API `[{detail, source: {pointer}}]` of Stripe validation, and the Mail API's
/// `[{message, error_code, field_name}]` (its code is the first item's). Unknown shapes give no
/// entries.
pub fn parse_error_body(body: &str) -> (Option<String>, Vec<FieldError>) {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(body) else {
        return (None, Vec::new());
    };
    let item_code = || map.get("errors")?.as_array()?.first()?.get("error_code")?.as_str();
    let code = map.get("error_code").and_then(Value::as_str).or_else(item_code).map(str::to_owned);
    let errors = match map.get("errors") {
        Some(Value::Array(items)) => items.iter().filter_map(field_error_from_item).collect(),
        Some(Value::Object(dict)) => dict.iter().map(|(k, v)| FieldError { source: Some(k.clone()), errors: messages(v) }).collect(),
        Some(Value::String(s)) => vec![FieldError { source: None, errors: vec![s.clone()] }],
        _ => match map.get("detail") {
            Some(v) => vec![FieldError { source: None, errors: messages(v) }],
            None => Vec::new(),
        },
    };
    (code, errors)
}

fn field_error_from_item(item: &Value) -> Option<FieldError> {
    match item {
        Value::String(s) => Some(FieldError { source: None, errors: vec![s.clone()] }),
        Value::Object(obj) => {
            let source = match obj.get("source").or_else(|| obj.get("field_name")) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Object(src)) => src.get("pointer").or_else(|| src.get("parameter")).and_then(Value::as_str).map(str::to_owned),
                _ => None,
            };
            let errors = match (obj.get("errors"), obj.get("detail"), obj.get("message")) {
                (Some(v), _, _) | (None, Some(v), _) | (None, None, Some(v)) => messages(v),
                _ => Vec::new(),
            };
            Some(FieldError { source, errors })
        }
        _ => None,
    }
}

fn messages(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().map(value_text).collect(),
        other => vec![value_text(other)],
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_named_as_it_serializes() {
        use ErrorKind as K;
        for kind in [K::Validation, K::Connection, K::Timeout, K::Api, K::Usage, K::Internal, K::WebhookAuthorization, K::WebhookPayload] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        for status in [400, 401, 403, 404, 409, 422, 429, 500, 503, 405] {
            let kind = ApiErrorKind::from_status(status);
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
    }

    #[test]
    fn parses_every_documented_shape_and_survives_others() {
        let nested =
            r#"{"errors":[{"source":null,"errors":["Profile not found"]}],"error_code":"profile_does_not_exist","status_code":404}"#;
        let (code, errs) = parse_error_body(nested);
        assert_eq!(code.as_deref(), Some("profile_does_not_exist"));
        assert_eq!(errs, vec![FieldError { source: None, errors: vec!["Profile not found".into()] }]);

        let flat = r#"{"errors": ["Invalid API key"], "error_code": "unauthorized", "status_code": 401}"#;
        let (code, errs) = parse_error_body(flat);
        assert_eq!(code.as_deref(), Some("unauthorized"));
        assert_eq!(errs[0].errors, vec!["Invalid API key".to_string()]);

        let dict = r#"{"errors": {"property1": ["string"], "property2": ["a", "b"]}, "error_code": "base_error", "status_code": 400}"#;
        let (_, errs) = parse_error_body(dict);
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[1], FieldError { source: Some("property2".into()), errors: vec!["a".into(), "b".into()] });

        let jsonapi =
            r#"{"errors":[{"detail":"none is not an allowed value","source":{"pointer":"/data/attributes/stripe_token"},"status":"400"}]}"#;
        let (code, errs) = parse_error_body(jsonapi);
        assert_eq!(code, None);
        assert_eq!(errs[0].source.as_deref(), Some("/data/attributes/stripe_token"));

        let mail = r#"{"errors": [{"message": "Field required", "error_code": "base_error", "status_code": 400, "field_name": "email"}]}"#;
        let (code, errs) = parse_error_body(mail);
        assert_eq!(code.as_deref(), Some("base_error"));
        assert_eq!(errs, vec![FieldError { source: Some("email".into()), errors: vec!["Field required".into()] }]);

        for odd in ["", "not json", "[]", "null", r#"{"errors": 5}"#, r#"{"errors": [1, null, {"x": 1}]}"#, r#"{"error_code": 7}"#] {
            let _ = parse_error_body(odd);
        }
    }
}
