//! How every operation is described, as data: what it is called in each namespace, what it
//! takes, what it returns, which endpoint it is ([`Operation`]); beside it, the client's options
//! and the error classes. The descriptions themselves come from each operation's one declaration
//! (the `declare` module); `ops::call` dispatches from them, the schema bundle exports them
//! (`operations`, `namespaces`, `client_options`, `errors`), and `tools/codegen` builds every
//! language's methods, their blocking twins, their docs and their typing from them.
//!
//! Names are the API's camelCase (`virtualCurrency.createTransaction`); generators convert them
//! to each language's convention. Arguments are the core's snake_case ones (the `args` module).

use serde::Serialize;

pub use crate::transport::request::{Http, HttpMethod};

use crate::models::Model;
use crate::models::error::{ApiErrorKind, ErrorKind};

/// One operation of the API.
#[derive(Debug, Serialize)]
pub struct Operation {
    /// `namespace.method`, the name `ops::call` takes.
    pub name: &'static str,
    pub namespace: &'static str,
    pub method: &'static str,
    /// What the operation does, for every language's doc comment (first sentence: the summary).
    pub doc: &'static str,
    /// The endpoint; `{name}` stands for the path parameter of that name.
    pub http: Http,
    /// How the profile it acts on is named, if it acts on one.
    pub profile: Addressing,
    /// The text argument that is part of the path (e.g. `paywall_id`), given first in every
    /// language.
    pub path_param: Option<Param>,
    /// The core's own arguments beside the body, in the order languages take them.
    pub params: &'static [Param],
    /// The request body's model (the schema's name), given as `fields`.
    pub body: Option<&'static str>,
    pub output: Output,
    /// For list operations: the walk over every page.
    pub walk: Option<Walk>,
}

/// How an operation names its profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Addressing {
    /// It acts on no profile (or names it in its body).
    None,
    /// Exactly one of `profile_id` and `customer_user_id`.
    Profile,
    /// One of them, or both to attach `customer_user_id` to the profile `profile_id`.
    ProfileOrAttach,
}

/// An argument of the core's own (not part of the body).
#[derive(Debug, Serialize)]
pub struct Param {
    pub name: &'static str,
    pub kind: ParamKind,
    pub required: bool,
    /// What the core uses when the argument is not given (bindings pass "unset", never this).
    pub default: Option<u32>,
    /// Whether the operation's walk takes it too (a walk sends the cursor itself).
    pub in_walk: bool,
    pub doc: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    Text,
    /// A whole number >= 0.
    Count,
    /// A list of profile references (`{profile_id, customer_user_id}`).
    ProfileRefs,
}

/// What an operation returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "model", rename_all = "snake_case")]
pub enum Output {
    Nothing,
    /// One model (the schema's name).
    Model(&'static str),
    /// One result per input of a bulk operation: `null` or the error's description.
    DeleteResults,
}

/// The walk over every page of a list operation: its method name and the model of its items.
#[derive(Debug, Serialize)]
pub struct Walk {
    pub method: &'static str,
    pub item: &'static str,
    pub doc: &'static str,
}

/// An optional text argument.
pub(crate) const fn text(name: &'static str, doc: &'static str) -> Param {
    Param { name, kind: ParamKind::Text, required: false, default: None, in_walk: true, doc }
}

/// An optional whole-number argument, `default` when not given.
pub(crate) const fn count(name: &'static str, default: Option<u32>, doc: &'static str) -> Param {
    Param { name, kind: ParamKind::Count, required: false, default, in_walk: true, doc }
}

/// A previous page's cursor (a walk sends it itself).
pub(crate) const fn cursor(doc: &'static str) -> Param {
    Param { in_walk: false, ..text("cursor", doc) }
}

/// What an operation returning this type returns, as the manifest says it.
pub(crate) trait Returns {
    const OUTPUT: Output;
}

impl Returns for () {
    const OUTPUT: Output = Output::Nothing;
}

impl<T: Model> Returns for T {
    const OUTPUT: Output = Output::Model(T::NAME);
}

/// One setting of a client, as every language's constructor takes it.
#[derive(Debug, Serialize)]
pub struct ClientOption {
    pub name: &'static str,
    pub kind: OptionKind,
    /// The core's default when the option is unset (after the environment variable, if any);
    /// for documentation: bindings pass "unset".
    pub default: Option<Default>,
    /// The environment variable read when the option is unset.
    pub env: Option<&'static str>,
    pub doc: &'static str,
}

/// A default value, as JSON (text or number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Default {
    Text(&'static str),
    Number(u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionKind {
    Text,
    /// Seconds (`name`), or milliseconds as `name_ms` where a language counts in them.
    Seconds,
    Count,
    /// One of `v1`, `v2`.
    ApiVersion,
    /// One of `debug`, `info`, `warn`, `error`, `off`.
    LogLevel,
    /// Names to text values (headers, query parameters).
    Pairs,
    /// A JSON object (body fields).
    Object,
}

/// One option of a call ([`crate::models::RequestOptions::from_json`] reads them by `name`):
/// what every language's per-call options and `with_options` take.
#[derive(Debug, Serialize)]
pub struct CallOption {
    pub name: &'static str,
    pub kind: OptionKind,
    /// Whether `with_options` takes it too (a client's every call), not only one call.
    pub client_wide: bool,
    pub doc: &'static str,
}

/// Every option of a call, in the order languages take them.
pub const CALL_OPTIONS: &[CallOption] = &[
    CallOption {
        name: "timeout",
        kind: OptionKind::Seconds,
        client_wide: true,
        doc: "Time allowed for one attempt, instead of the client's.",
    },
    CallOption {
        name: "max_retries",
        kind: OptionKind::Count,
        client_wide: true,
        doc: "Retries after the first attempt, instead of the client's.",
    },
    CallOption {
        name: "headers",
        kind: OptionKind::Pairs,
        client_wide: true,
        doc: "Extra headers; those the SDK sets (`Authorization`, the profile and idempotency headers) are refused.",
    },
    CallOption { name: "extra_query", kind: OptionKind::Pairs, client_wide: false, doc: "Extra query parameters." },
    CallOption {
        name: "extra_body",
        kind: OptionKind::Object,
        client_wide: false,
        doc: "Extra body fields the SDK does not know yet; a field it knows is refused (give it as one, where it is checked).",
    },
];

/// Every client setting [`crate::models::config::Config::from_json`] reads, in the order constructors take them.
pub const CLIENT_OPTIONS: &[ClientOption] = &[
    ClientOption {
        name: "api_key",
        kind: OptionKind::Text,
        default: None,
        env: Some("ADAPTY_API_KEY"),
        doc: "The secret API key: the server-side, legacy and Export Analytics APIs.",
    },
    ClientOption {
        name: "public_api_key",
        kind: OptionKind::Text,
        default: None,
        env: Some("ADAPTY_PUBLIC_API_KEY"),
        doc: "The public API key (`public_live_...`): the Web API.",
    },
    ClientOption {
        name: "mail_api_key",
        kind: OptionKind::Text,
        default: None,
        env: Some("ADAPTY_MAIL_API_KEY"),
        doc: "The Adapty Mail secret key: the Mail API. A client needs one of the three keys at least.",
    },
    ClientOption {
        name: "base_url",
        kind: OptionKind::Text,
        default: Some(Default::Text(crate::models::config::DEFAULT_BASE_URL)),
        env: Some("ADAPTY_BASE_URL"),
        doc: "Scheme and host requests go to, e.g. an emulator's `http://127.0.0.1:8080`; given, also the Export Analytics and Mail APIs' unless theirs are.",
    },
    ClientOption {
        name: "analytics_base_url",
        kind: OptionKind::Text,
        default: Some(Default::Text(crate::models::config::DEFAULT_ANALYTICS_BASE_URL)),
        env: Some("ADAPTY_ANALYTICS_BASE_URL"),
        doc: "Scheme and host of the Export Analytics API.",
    },
    ClientOption {
        name: "mail_base_url",
        kind: OptionKind::Text,
        default: Some(Default::Text(crate::models::config::DEFAULT_MAIL_BASE_URL)),
        env: Some("ADAPTY_MAIL_BASE_URL"),
        doc: "Scheme and host of the Mail API.",
    },
    ClientOption {
        name: "api_version",
        kind: OptionKind::ApiVersion,
        default: Some(Default::Text("v2")),
        env: None,
        doc: "`v2`: `/api/v2/server-side-api/profile/` (current); `v1`: the founding document's `/api/v1/server-side-api/profiles/`.",
    },
    ClientOption {
        name: "timeout",
        kind: OptionKind::Seconds,
        default: Some(Default::Number(crate::models::config::DEFAULT_TIMEOUT_SECS)),
        env: None,
        doc: "Time allowed for one attempt of a request.",
    },
    ClientOption {
        name: "connect_timeout",
        kind: OptionKind::Seconds,
        default: Some(Default::Number(crate::models::config::DEFAULT_CONNECT_TIMEOUT_SECS)),
        env: None,
        doc: "Time allowed to open a connection.",
    },
    ClientOption {
        name: "max_retries",
        kind: OptionKind::Count,
        default: Some(Default::Number(crate::models::config::DEFAULT_MAX_RETRIES as u64)),
        env: None,
        doc: "Retries of connection errors, timeouts, 408, 429 and 5xx, with backoff, honouring `Retry-After`.",
    },
    ClientOption {
        name: "proxy",
        kind: OptionKind::Text,
        default: None,
        env: None,
        doc: "A proxy every request goes through: `http://host:port` (HTTP CONNECT), `https://` or `socks5://`; credentials in the URL. Unset: `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` apply.",
    },
    ClientOption {
        name: "ca_bundle",
        kind: OptionKind::Text,
        default: None,
        env: None,
        doc: "A PEM file of CA certificates to trust beside the system's (a TLS-inspecting proxy, an emulator over HTTPS). `SSL_CERT_FILE` instead replaces the system's.",
    },
    ClientOption {
        name: "log_level",
        kind: OptionKind::LogLevel,
        default: None,
        env: Some("ADAPTY_LOG"),
        doc: "A line per request attempt on stderr, of this level and above: `debug`, `info`, `warn` (retries and failures), `error` (failures), `off`. Never the key or a body.",
    },
];

/// One class of error, as every language names it: an exception class (Python, Node), an error
/// case (Swift, Kotlin). Errors cross the FFI as [`crate::models::error::Error::to_json`], whose `kind`
/// (and, for API errors, `api_kind`) is the `code` here; bindings pick the class by it and never
/// look at a status themselves.
#[derive(Debug, Serialize)]
pub struct ErrorClass {
    /// `kind` for the classes of [`ErrorKind`], `api_kind` for those of [`ApiErrorKind`]: their
    /// `as_str`.
    pub code: &'static str,
    pub class: &'static str,
    /// The class it specialises, by `code`.
    pub parent: Option<&'static str>,
    /// The statuses of an API error class, as people write them (`404`, `5xx`).
    pub status: Option<&'static str>,
    pub doc: &'static str,
}

/// A class of the broad taxonomy ([`ErrorKind`]), under `parent` if it specialises one.
const fn kind(kind: ErrorKind, class: &'static str, parent: Option<ErrorKind>, doc: &'static str) -> ErrorClass {
    let parent = match parent {
        Some(p) => Some(p.as_str()),
        None => None,
    };
    ErrorClass { code: kind.as_str(), class, parent, status: None, doc }
}

/// A class of API error ([`ApiErrorKind`]), for the statuses `status`.
const fn api(kind: ApiErrorKind, class: &'static str, status: &'static str, doc: &'static str) -> ErrorClass {
    ErrorClass { code: kind.as_str(), class, parent: Some(ErrorKind::Api.as_str()), status: Some(status), doc }
}

/// The error taxonomy, parents before children.
pub const ERROR_CLASSES: &[ErrorClass] = &[
    kind(ErrorKind::Validation, "ValidationError", None, "Refused before any request: `field` names the value, `rule` the rule it broke."),
    kind(ErrorKind::Connection, "APIConnectionError", None, "The connection failed or broke before a response arrived."),
    kind(ErrorKind::Timeout, "APITimeoutError", Some(ErrorKind::Connection), "No complete response within the timeout."),
    kind(ErrorKind::Api, "APIStatusError", None, "The API answered with an error status."),
    api(ApiErrorKind::BadRequest, "BadRequestError", "400", "The API refused the request's content."),
    api(ApiErrorKind::Authentication, "AuthenticationError", "401", "The API key is missing or wrong."),
    api(ApiErrorKind::PermissionDenied, "PermissionDeniedError", "403", "The key may not do this (or the feature is not enabled)."),
    api(ApiErrorKind::NotFound, "NotFoundError", "404", "No such profile, paywall or access level."),
    api(ApiErrorKind::Conflict, "ConflictError", "409", "The request conflicts with the current state (e.g. an idempotency key in use)."),
    api(ApiErrorKind::UnprocessableEntity, "UnprocessableEntityError", "422", "The request is well formed but breaks a rule of the API."),
    api(ApiErrorKind::RateLimit, "RateLimitError", "429", "Too many requests; `retry_after` is what the server asked to wait, if it said."),
    api(ApiErrorKind::InternalServer, "InternalServerError", "5xx", "The API failed; for a write, its outcome is unknown."),
    kind(ErrorKind::Usage, "UsageError", None, "The SDK was used wrongly (e.g. a closed client, or blocking inside an async runtime)."),
    kind(ErrorKind::Internal, "InternalError", None, "A bug in the SDK, reported instead of crashing the process."),
    kind(
        ErrorKind::WebhookAuthorization,
        "WebhookAuthorizationError",
        None,
        "A webhook's `Authorization` header is missing or not the configured secret: answer 401.",
    ),
    kind(
        ErrorKind::WebhookPayload,
        "WebhookPayloadError",
        None,
        "A webhook's body is not an event Adapty sends: `field` names the wrong value.",
    ),
];
