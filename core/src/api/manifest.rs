//! The one description of every operation: what it is called in each namespace, what it takes,
//! what it returns, which endpoint it is. `ops::call` dispatches from it, the schema bundle
//! exports it (`operations`, `client_options`), and `tools/codegen` builds every language's
//! methods, their blocking twins, their docs and their typing from it, so an operation is added
//! here and nowhere else by hand.
//!
//! Names are the API's camelCase (`virtualCurrency.createTransaction`); generators convert them
//! to each language's convention. Arguments are the core's snake_case ones (see [`super`]).

use serde::Serialize;

pub use crate::transport::request::{Http, HttpMethod};

use crate::api::profiles::DEFAULT_DELETE_CONCURRENCY;
use crate::models::DEFAULT_PAYWALL_PAGE_SIZE;
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

const fn text(name: &'static str, doc: &'static str) -> Param {
    Param { name, kind: ParamKind::Text, required: false, default: None, in_walk: true, doc }
}

const fn count(name: &'static str, default: Option<u32>, doc: &'static str) -> Param {
    Param { name, kind: ParamKind::Count, required: false, default, in_walk: true, doc }
}

const fn cursor(doc: &'static str) -> Param {
    Param { in_walk: false, ..text("cursor", doc) }
}

const PROFILE_PATH: &str = crate::models::config::ApiVersion::V2.profile_path();

macro_rules! op {
    ($const:ident, $ns:literal $method:literal, $http:ident $path:expr, $profile:ident, $doc:literal
        $(, path_param: $pp:expr)? $(, params: $params:expr)? $(, body: $body:literal)? $(, output: $output:expr)? $(, walk: $walk:expr)? $(,)?) => {
        pub const $const: Operation = Operation {
            name: concat!($ns, ".", $method),
            namespace: $ns,
            method: $method,
            doc: $doc,
            http: Http { method: HttpMethod::$http, path: $path },
            profile: Addressing::$profile,
            path_param: op!(@opt $($pp)?),
            params: op!(@params $($params)?),
            body: op!(@opt $($body)?),
            output: op!(@output $($output)?),
            walk: op!(@opt $($walk)?),
        };
    };
    (@opt) => { None };
    (@opt $v:expr) => { Some($v) };
    (@params) => { &[] };
    (@params $v:expr) => { $v };
    (@output) => { Output::Nothing };
    (@output $v:expr) => { $v };
}

const PROFILE: Output = Output::Model("Profile");

op!(PROFILES_GET, "profiles" "get", Get PROFILE_PATH, Profile, "Reads a profile.", output: PROFILE);
op!(PROFILES_CREATE, "profiles" "create", Post PROFILE_PATH, ProfileOrAttach,
    "Creates a profile; with both ids, attaches `customer_user_id` to the existing profile `profile_id`.",
    body: "ProfileParams", output: PROFILE);
op!(PROFILES_UPDATE, "profiles" "update", Patch PROFILE_PATH, Profile,
    "Changes the fields given and leaves the others; a field given as null is cleared (a custom attribute deleted).",
    body: "ProfileParams", output: PROFILE);
op!(PROFILES_DELETE, "profiles" "delete", Delete PROFILE_PATH, Profile, "Deletes a profile and everything Adapty holds about it.");
op!(PROFILES_DELETE_MANY, "profiles" "deleteMany", Delete PROFILE_PATH, None,
    "Deletes many profiles, `concurrency` at a time (the API has no bulk delete); one result per input, in order.",
    params: &[
        Param { name: "refs", kind: ParamKind::ProfileRefs, required: true, default: None, in_walk: true, doc: "The profiles to delete." },
        count("concurrency", Some(DEFAULT_DELETE_CONCURRENCY as u32), "Deletes in flight at once."),
    ],
    output: Output::DeleteResults);
op!(PURCHASES_SET_TRANSACTION, "purchases" "setTransaction", Post "/api/v2/server-side-api/purchase/set/transaction/", Profile,
    "Records a purchase made outside Adapty's SDKs (one-time or subscription); the rules between its fields are checked before sending. Returns the profile with the access it grants.",
    body: "TransactionParams", output: PROFILE);
op!(PURCHASES_VALIDATE_STRIPE, "purchases" "validateStripe", Post "/api/v1/sdk/purchase/stripe/token/validate/", None,
    "Imports a Stripe subscription (`sub_...`) or payment intent (`pi_...`) into the profile with `customer_user_id`, creating it if needed.",
    body: "StripeValidationParams");
op!(PURCHASES_VALIDATE_PADDLE, "purchases" "validatePaddle", Post "/api/v2/server-side-api/purchase/paddle/token/validate/", None,
    "Imports a Paddle transaction (`txn_...`) or subscription (`sub_...`) into the profile with `customer_user_id`, creating it if needed; returns the profile.",
    body: "PaddleValidationParams", output: PROFILE);
op!(ACCESS_LEVELS_GRANT, "accessLevels" "grant", Post "/api/v2/server-side-api/purchase/profile/grant/access-level/", Profile,
    "Grants an access level without a transaction, from `starts_at` (default: now) until `expires_at` (default: for life); returns the profile.",
    body: "GrantAccessParams", output: PROFILE);
op!(ACCESS_LEVELS_REVOKE, "accessLevels" "revoke", Post "/api/v2/server-side-api/purchase/profile/revoke/access-level/", Profile,
    "Ends an access level now, or at `revoke_at` (in the future, before its current expiry); returns the profile.",
    body: "RevokeAccessParams", output: PROFILE);
op!(REFUND_SAVER_GET, "refundSaver" "get", Get "/api/v2/server-side-api/purchase/profile/refund-saver/settings/", Profile,
    "Reads the profile's Refund Saver settings: how Adapty answers Apple's refund requests for it.",
    output: Output::Model("RefundSaverSettings"));
op!(REFUND_SAVER_SET, "refundSaver" "set", Post "/api/v2/server-side-api/purchase/profile/refund-saver/settings/", Profile,
    "Changes the Refund Saver settings given (at least one); the other keeps its value.",
    body: "RefundSaverParams", output: Output::Model("RefundSaverSettings"));
op!(INTEGRATIONS_GET, "integrations" "get", Get "/api/v2/server-side-api/integration/profile/set/integration-identifiers/", Profile,
    "Reads the profile's identifiers in third-party services (AppsFlyer, Adjust, Amplitude, ...).",
    output: Output::Model("IntegrationIdentifiers"));
op!(INTEGRATIONS_SET, "integrations" "set", Post "/api/v2/server-side-api/integration/profile/set/integration-identifiers/", Profile,
    "Sets the integration identifiers given; the others keep their value.",
    body: "IntegrationIdentifiers");
op!(PAYWALLS_LIST, "paywalls" "list", Get "/api/v2/server-side-api/paywalls/", None,
    "One page of the app's paywalls; pass its `next_cursor` as `cursor` for the next (null after the last).",
    params: &[
        Param { in_walk: false, ..count("page", Some(1), "The page number, from 1 (ignored when `cursor` is given).") },
        count("page_size", Some(DEFAULT_PAYWALL_PAGE_SIZE), "Paywalls per page, 1 to 100."),
        cursor("A previous page's `next_cursor`: the page after it."),
    ],
    output: Output::Model("PaywallPage"),
    walk: Walk { method: "listAll", item: "Paywall", doc: "Every paywall, each page fetched as the iteration reaches it." });
op!(PAYWALLS_GET, "paywalls" "get", Get "/api/v2/server-side-api/paywalls/{paywall_id}/", None, "Reads one paywall.",
    path_param: Param { required: true, ..text("paywall_id", "The paywall's id.") },
    output: Output::Model("Paywall"));
op!(PAYWALLS_UPDATE, "paywalls" "update", Put "/api/v2/server-side-api/paywalls/{paywall_id}/", None,
    "Replaces all of the paywall's remote configs (read it first to keep some).",
    path_param: Param { required: true, ..text("paywall_id", "The paywall's id.") },
    body: "PaywallUpdateParams", output: Output::Model("Paywall"));
op!(VIRTUAL_CURRENCY_CREATE_TRANSACTION, "virtualCurrency" "createTransaction", Post "/api/v2/server-side-api/vc/transactions/", Profile,
    "Applies every item (positive credits, negative debits) or none. Retries reuse one `Idempotency-Key` (a UUID v4 made up if not given), so a transaction is never applied twice; a later call with the same key answers as the first did.",
    params: &[text("idempotency_key", "A UUID v4 that makes repeating the call safe.")],
    body: "VirtualCurrencyTransactionParams", output: Output::Model("VirtualCurrencyTransactionResult"));
op!(VIRTUAL_CURRENCY_LIST_TRANSACTIONS, "virtualCurrency" "listTransactions", Get "/api/v2/server-side-api/vc/transactions/", Profile,
    "One page of the profile's virtual currency history, newest first; pass its `next_cursor` as `cursor` for the next (null after the last).",
    params: &[
        text("currency_code", "Only transactions that changed this currency."),
        count("limit", None, "Transactions per page, 1 to 100 (Adapty's default: 50)."),
        cursor("A previous page's `next_cursor`: the page after it."),
    ],
    output: Output::Model("VirtualCurrencyTransactionPage"),
    walk: Walk { method: "listAllTransactions", item: "VirtualCurrencyTransaction", doc: "The profile's whole history, newest first, each page fetched as the iteration reaches it." });
op!(VIRTUAL_CURRENCY_BALANCES, "virtualCurrency" "balances", Get "/api/v2/server-side-api/vc/balances/", Profile,
    "Reads the profile's balance of every virtual currency.",
    output: Output::Model("VirtualCurrencyBalances"));

/// Every operation, in the order languages present them.
pub const OPERATIONS: &[&Operation] = &[
    &PROFILES_GET,
    &PROFILES_CREATE,
    &PROFILES_UPDATE,
    &PROFILES_DELETE,
    &PROFILES_DELETE_MANY,
    &PURCHASES_SET_TRANSACTION,
    &PURCHASES_VALIDATE_STRIPE,
    &PURCHASES_VALIDATE_PADDLE,
    &ACCESS_LEVELS_GRANT,
    &ACCESS_LEVELS_REVOKE,
    &REFUND_SAVER_GET,
    &REFUND_SAVER_SET,
    &INTEGRATIONS_GET,
    &INTEGRATIONS_SET,
    &PAYWALLS_LIST,
    &PAYWALLS_GET,
    &PAYWALLS_UPDATE,
    &VIRTUAL_CURRENCY_CREATE_TRANSACTION,
    &VIRTUAL_CURRENCY_LIST_TRANSACTIONS,
    &VIRTUAL_CURRENCY_BALANCES,
];

/// The operation called `name`.
pub fn find(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().copied().find(|op| op.name == name)
}

/// The namespaces, in order, with a doc for each (for the client's attributes).
pub const NAMESPACES: &[(&str, &str)] = &[
    ("profiles", "The Profile API. Address a profile by Adapty's `profile_id` or your `customer_user_id`."),
    ("purchases", "Purchases from stores Adapty does not see (custom stores, your own backend), and Stripe and Paddle imports."),
    ("accessLevels", "Access levels given or taken without a transaction (support gestures, referral bonuses)."),
    ("refundSaver", "A profile's Refund Saver settings: how Adapty answers Apple's refund requests for it."),
    ("integrations", "A profile's identifiers in third-party services (AppsFlyer, Adjust, Amplitude, ...)."),
    ("paywalls", "The app's paywalls: list them, read one, replace its remote configs."),
    ("virtualCurrency", "A profile's virtual currency balances and their history."),
];

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
}

/// Every client setting [`crate::models::config::Config::from_json`] reads, in the order constructors take them.
pub const CLIENT_OPTIONS: &[ClientOption] = &[
    ClientOption { name: "api_key", kind: OptionKind::Text, default: None, env: Some("ADAPTY_API_KEY"), doc: "The secret API key." },
    ClientOption {
        name: "base_url",
        kind: OptionKind::Text,
        default: Some(Default::Text(crate::models::config::DEFAULT_BASE_URL)),
        env: Some("ADAPTY_BASE_URL"),
        doc: "Scheme and host requests go to, e.g. an emulator's `http://127.0.0.1:8080`.",
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
