//! Client configuration: the API keys, where requests go, timeouts and retries.
//!
//! [`Config::builder`] reads `ADAPTY_API_KEY`, `ADAPTY_PUBLIC_API_KEY`, `ADAPTY_MAIL_API_KEY`,
//! `ADAPTY_BASE_URL`, `ADAPTY_ANALYTICS_BASE_URL` and `ADAPTY_MAIL_BASE_URL` when the caller gives
//! no value, and checks everything before a client exists, so a bad setting fails at
//! construction, not on the first request.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use reqwest::Url;

use crate::models::error::{Rule, ValidationError};
use crate::models::options::{positive, retries, seconds};

/// Default API host: the server-side API (both generations), the legacy API and the Web API.
pub const DEFAULT_BASE_URL: &str = "https://api.adapty.io";
/// Default host of the Export Analytics API.
pub const DEFAULT_ANALYTICS_BASE_URL: &str = "https://api-admin.adapty.io";
/// Default host of the Mail API.
pub const DEFAULT_MAIL_BASE_URL: &str = "https://api-mail.adapty.io";
/// Time allowed for one attempt, unless configured.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Time allowed to open a connection, unless configured.
pub const DEFAULT_CONNECT_TIMEOUT_SECS: u64 = 10;
/// Retries after the first attempt, unless configured.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The SDK's version, sent in the `User-Agent` header.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// An API key. Its `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ApiKey(String);

impl ApiKey {
    /// Checks that the secret key can be sent in a header (non-empty, printable ASCII, no spaces).
    pub fn new(key: impl Into<String>) -> Result<Self, ValidationError> {
        Self::checked(KeyKind::Secret, key.into())
    }

    /// `key` as the key `kind`, checked the same way; an error names that kind's option.
    fn checked(kind: KeyKind, key: String) -> Result<Self, ValidationError> {
        let key = key.trim();
        if key.is_empty() {
            let message = format!("{} is required (pass it or set {})", kind.describe(), kind.env());
            return Err(ValidationError::new(kind.option(), Rule::Required, message));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ValidationError::new(
                kind.option(),
                Rule::Format,
                "an API key may hold only printable ASCII characters without spaces",
            ));
        }
        Ok(Self(key.to_owned()))
    }

    /// The `Authorization` header value for `api`. Crate-private so the secret cannot leak
    /// through the API.
    pub(crate) fn header_value(&self, api: Api) -> String {
        match api {
            Api::Mail => format!("Bearer {}", self.0),
            Api::ServerSide | Api::Web | Api::Analytics => format!("Api-Key {}", self.0),
        }
    }
}

/// Adapty's APIs, by the host and the key a request to each needs. The legacy `/api/v1/sdk/` API
/// is the server-side API's host and key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Api {
    /// The server-side API (`api.adapty.io`, the secret key), and the legacy API.
    ServerSide,
    /// The Web API (`api.adapty.io`, the public key).
    Web,
    /// The Export Analytics API (`api-admin.adapty.io`, the secret key).
    Analytics,
    /// The Mail API (`api-mail.adapty.io`, the Adapty Mail key, sent as `Bearer`).
    Mail,
}

impl Api {
    /// The key this API is called with.
    pub fn key_kind(self) -> KeyKind {
        match self {
            Api::ServerSide | Api::Analytics => KeyKind::Secret,
            Api::Web => KeyKind::Public,
            Api::Mail => KeyKind::Mail,
        }
    }
}

/// The three keys Adapty gives: the app's secret and public keys, and Adapty Mail's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    Secret,
    Public,
    Mail,
}

impl KeyKind {
    /// The client option that holds it.
    pub fn option(self) -> &'static str {
        match self {
            KeyKind::Secret => "api_key",
            KeyKind::Public => "public_api_key",
            KeyKind::Mail => "mail_api_key",
        }
    }

    /// The environment variable read when the option is not given.
    pub fn env(self) -> &'static str {
        match self {
            KeyKind::Secret => "ADAPTY_API_KEY",
            KeyKind::Public => "ADAPTY_PUBLIC_API_KEY",
            KeyKind::Mail => "ADAPTY_MAIL_API_KEY",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            KeyKind::Secret => "the secret API key",
            KeyKind::Public => "the public API key (App settings, General; the Web API's)",
            KeyKind::Mail => "the Adapty Mail secret key (Adapty Mail, Settings)",
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How much a client logs of its requests (`ADAPTY_LOG`, or the `log_level` option), least
/// first: `debug` adds a line before each attempt to `info`'s line after each, `warn` logs only
/// retried attempts and failures, `error` only failures; `off` nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
    Error,
    Off,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
            LogLevel::Off => "off",
        }
    }

    /// `ADAPTY_LOG`'s level, if it is set to one (anything else is ignored, as a log setting
    /// should never stop a program).
    pub fn from_env() -> Option<Self> {
        std::env::var("ADAPTY_LOG").ok().and_then(|v| v.trim().to_ascii_lowercase().parse().ok())
    }
}

impl FromStr for LogLevel {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "debug" => Ok(LogLevel::Debug),
            "info" => Ok(LogLevel::Info),
            "warn" | "warning" => Ok(LogLevel::Warn),
            "error" => Ok(LogLevel::Error),
            "off" => Ok(LogLevel::Off),
            other => Err(ValidationError::new("log_level", Rule::Enum, format!("must be debug, info, warn, error or off, got {other:?}"))),
        }
    }
}

/// Which generation of the server-side API the client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiVersion {
    /// The founding document's `/api/v1/server-side-api/profiles/` paths.
    V1,
    /// The current `/api/v2/server-side-api/profile/` paths (the OpenAPI spec).
    #[default]
    V2,
}

impl ApiVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1",
            ApiVersion::V2 => "v2",
        }
    }

    /// Path of the Profile API for this generation.
    pub const fn profile_path(self) -> &'static str {
        match self {
            ApiVersion::V1 => "/api/v1/server-side-api/profiles/",
            ApiVersion::V2 => "/api/v2/server-side-api/profile/",
        }
    }

    /// Longest custom attribute string value: the founding document says 30 characters, the
    /// OpenAPI spec (v2) says 50.
    pub fn custom_attribute_value_max_len(self) -> usize {
        match self {
            ApiVersion::V1 => 30,
            ApiVersion::V2 => 50,
        }
    }
}

impl FromStr for ApiVersion {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "v1" => Ok(ApiVersion::V1),
            "v2" => Ok(ApiVersion::V2),
            other => Err(ValidationError::new("api_version", Rule::Enum, format!("must be \"v1\" or \"v2\", got {other:?}"))),
        }
    }
}

/// Backoff between retries. Exposed so tests and latency-sensitive callers can shorten it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Number of retries after the first attempt.
    pub max_retries: u32,
    /// Delay before the first retry; doubled for each further retry.
    pub initial_backoff: Duration,
    /// Upper bound of the exponential backoff.
    pub max_backoff: Duration,
    /// The longest `Retry-After` the client waits for; beyond it the request fails at once with
    /// the rate-limit (or server) error, carrying `retry_after`.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: DEFAULT_MAX_RETRIES,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// A checked client configuration. Build it with [`Config::builder`].
#[derive(Debug, Clone)]
pub struct Config {
    /// The secret, public and Mail keys, those given (at least one).
    keys: Keys,
    pub(crate) base_url: Url,
    analytics_base_url: Url,
    mail_base_url: Url,
    pub(crate) api_version: ApiVersion,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: String,
    pub(crate) network: Network,
    /// Lines to stderr of this level and above; `None`: none.
    pub(crate) log_level: Option<LogLevel>,
}

/// The keys a client holds, by kind.
#[derive(Debug, Clone, Default)]
struct Keys {
    secret: Option<ApiKey>,
    public: Option<ApiKey>,
    mail: Option<ApiKey>,
}

impl Keys {
    fn get(&self, kind: KeyKind) -> Option<&ApiKey> {
        match kind {
            KeyKind::Secret => self.secret.as_ref(),
            KeyKind::Public => self.public.as_ref(),
            KeyKind::Mail => self.mail.as_ref(),
        }
    }
}

/// How connections are made: what the connection pool is built with (clients with the same
/// settings share one pool).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Network {
    pub connect_timeout: Duration,
    /// Every request goes through it; `None`: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and
    /// `NO_PROXY` apply.
    pub proxy: Option<ProxyUrl>,
    /// Certificates trusted beside the system's.
    pub ca_bundle: Option<CaBundle>,
}

impl Network {
    /// No proxy but the environment's, no certificates but the system's.
    pub fn with_connect_timeout(connect_timeout: Duration) -> Self {
        Self { connect_timeout, proxy: None, ca_bundle: None }
    }
}

/// A proxy's URL (`http://`, `https://`, `socks5://`, `socks5h://`). Its `Debug` hides a password.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ProxyUrl(Url);

impl ProxyUrl {
    pub fn url(&self) -> &Url {
        &self.0
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.0.clone();
        if shown.password().is_some() {
            let _ = shown.set_password(Some("<redacted>"));
        }
        write!(f, "ProxyUrl({shown})")
    }
}

/// A PEM file of CA certificates, read and checked when the configuration is built.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CaBundle {
    path: std::path::PathBuf,
    pem: Vec<u8>,
}

impl CaBundle {
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The certificates, as reqwest trusts them.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn certificates(&self) -> Vec<reqwest::Certificate> {
        reqwest::Certificate::from_pem_bundle(&self.pem).unwrap_or_default()
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn read(path: &str) -> Result<Self, ValidationError> {
        let wrong = |why: String| ValidationError::new("ca_bundle", Rule::Format, why);
        let pem = std::fs::read(path).map_err(|e| wrong(format!("cannot read {path}: {e}")))?;
        match reqwest::Certificate::from_pem_bundle(&pem) {
            Ok(certs) if !certs.is_empty() => Ok(Self { path: path.into(), pem }),
            Ok(_) => Err(wrong(format!("{path} holds no PEM certificate"))),
            Err(e) => Err(wrong(format!("{path} is not a PEM bundle: {e}"))),
        }
    }

    /// Refused: the WebAssembly build's requests go through the host's `fetch`, which trusts
    /// what the host trusts (and it has no files to read).
    #[cfg(target_arch = "wasm32")]
    fn read(_path: &str) -> Result<Self, ValidationError> {
        Err(ValidationError::new(
            "ca_bundle",
            Rule::Format,
            "is not available in the WebAssembly build: fetch trusts the runtime's own CAs",
        ))
    }
}

impl fmt::Debug for CaBundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CaBundle({})", self.path.display())
    }
}

impl Config {
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// A checked configuration from JSON settings (see [`ConfigBuilder::json`]), as bindings pass them.
    pub fn from_json(options: &serde_json::Value) -> Result<Config, ValidationError> {
        Self::builder().json(options)?.build()
    }

    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The base URL as people write it: `https://api.adapty.io`, without the trailing slash.
    pub fn base_url_text(&self) -> &str {
        self.base_url.as_str().trim_end_matches('/')
    }

    /// Where requests to `api` go.
    pub fn base_url_of(&self, api: Api) -> &Url {
        match api {
            Api::ServerSide | Api::Web => &self.base_url,
            Api::Analytics => &self.analytics_base_url,
            Api::Mail => &self.mail_base_url,
        }
    }

    /// Whether the client holds the key `kind`.
    pub fn has_key(&self, kind: KeyKind) -> bool {
        self.keys.get(kind).is_some()
    }

    /// The key requests to `api` are sent with; an error naming its option when the client was
    /// built without it.
    pub(crate) fn key_for(&self, api: Api) -> Result<&ApiKey, ValidationError> {
        let kind = api.key_kind();
        self.keys.get(kind).ok_or_else(|| {
            ValidationError::new(
                kind.option(),
                Rule::Required,
                format!("{} is required for this API (pass it or set {})", kind.describe(), kind.env()),
            )
        })
    }
    pub fn api_version(&self) -> ApiVersion {
        self.api_version
    }
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
    pub fn connect_timeout(&self) -> Duration {
        self.network.connect_timeout
    }
    pub fn retry(&self) -> RetryPolicy {
        self.retry
    }
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }
    pub fn proxy(&self) -> Option<&ProxyUrl> {
        self.network.proxy.as_ref()
    }
    pub fn ca_bundle(&self) -> Option<&CaBundle> {
        self.network.ca_bundle.as_ref()
    }
    /// The level of the lines the client writes to stderr, if any.
    pub fn log_level(&self) -> Option<LogLevel> {
        self.log_level
    }
}

/// Builder for [`Config`]; every setting is optional except the key (which may come from the
/// environment).
#[derive(Debug, Clone, Default)]
pub struct ConfigBuilder {
    api_key: Option<String>,
    public_api_key: Option<String>,
    mail_api_key: Option<String>,
    base_url: Option<String>,
    analytics_base_url: Option<String>,
    mail_base_url: Option<String>,
    api_version: Option<ApiVersion>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    allow_insecure_http: bool,
    language: Option<(String, String)>,
    proxy: Option<String>,
    ca_bundle: Option<String>,
    log_level: Option<LogLevel>,
}

impl ConfigBuilder {
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }
    /// The public key (`public_live_...`), which the Web API takes.
    pub fn public_api_key(mut self, key: impl Into<String>) -> Self {
        self.public_api_key = Some(key.into());
        self
    }
    /// The Adapty Mail secret key, which the Mail API takes.
    pub fn mail_api_key(mut self, key: impl Into<String>) -> Self {
        self.mail_api_key = Some(key.into());
        self
    }
    /// Scheme and host, e.g. `https://api.adapty.io` or an emulator's `http://127.0.0.1:PORT`.
    /// Given (or `ADAPTY_BASE_URL`), it is also where the Export Analytics and Mail APIs go unless
    /// their own are: an emulator serves them all.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }
    /// The Export Analytics API's scheme and host (default `https://api-admin.adapty.io`).
    pub fn analytics_base_url(mut self, url: impl Into<String>) -> Self {
        self.analytics_base_url = Some(url.into());
        self
    }
    /// The Mail API's scheme and host (default `https://api-mail.adapty.io`).
    pub fn mail_base_url(mut self, url: impl Into<String>) -> Self {
        self.mail_base_url = Some(url.into());
        self
    }
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = Some(version);
        self
    }
    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }
    /// Time allowed for one attempt, from sending to the whole response body (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }
    /// Allows plain `http://` to a non-loopback host. Off by default: the key would travel in clear.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }
    /// Sends every request through this proxy: `http://host:port` (an HTTP CONNECT proxy),
    /// `https://`, or `socks5://` (`socks5h://` to resolve names at the proxy); credentials go in
    /// the URL. Unset, `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` apply.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }
    /// A PEM file of CA certificates to trust beside the system's (a company's TLS-inspecting
    /// proxy, an emulator served over HTTPS). `SSL_CERT_FILE` instead replaces the system's.
    pub fn ca_bundle(mut self, path: impl Into<String>) -> Self {
        self.ca_bundle = Some(path.into());
        self
    }
    /// Writes a line per request attempt to stderr at `level` and above (default: `ADAPTY_LOG`,
    /// else none).
    pub fn log_level(mut self, level: LogLevel) -> Self {
        self.log_level = Some(level);
        self
    }
    /// Names the calling language binding in the `User-Agent`, e.g. `("python", "3.11.7")`.
    pub fn language(mut self, name: impl Into<String>, runtime_version: impl Into<String>) -> Self {
        self.language = Some((name.into(), runtime_version.into()));
        self
    }

    /// Applies settings given as JSON (what bindings pass): `api_key`, `public_api_key`,
    /// `mail_api_key`, `base_url`, `analytics_base_url`, `mail_base_url`,
    /// `api_version` ("v1"/"v2"), `timeout` and `connect_timeout` (seconds; or `timeout_ms` and
    /// `connect_timeout_ms`), `max_retries`, `proxy`, `ca_bundle`, `log_level`,
    /// `allow_insecure_http`, and `language` (`[name, runtime version]`). Absent or null keys
    /// keep the defaults; a value of the wrong kind is an error naming the key.
    pub fn json(mut self, options: &serde_json::Value) -> Result<Self, ValidationError> {
        use serde_json::Value;
        let get = |key: &str| options.get(key).filter(|v| !v.is_null());
        let text = |key: &'static str| -> Result<Option<String>, ValidationError> {
            get(key)
                .map(|v| v.as_str().map(str::to_owned).ok_or_else(|| ValidationError::new(key, Rule::Type, "must be a string")))
                .transpose()
        };
        // `timeout` in seconds, or `timeout_ms` in milliseconds, whichever the language prefers.
        let duration = |key: &'static str, ms_key: &'static str| -> Result<Option<Duration>, ValidationError> {
            match (get(key), get(ms_key)) {
                (Some(v), _) => seconds(key, v, 1.0, "seconds").map(Some),
                (None, Some(v)) => seconds(ms_key, v, 1000.0, "milliseconds").map(Some),
                (None, None) => Ok(None),
            }
        };
        if let Some(k) = text("api_key")? {
            self = self.api_key(k);
        }
        if let Some(k) = text("public_api_key")? {
            self = self.public_api_key(k);
        }
        if let Some(k) = text("mail_api_key")? {
            self = self.mail_api_key(k);
        }
        if let Some(u) = text("base_url")? {
            self = self.base_url(u);
        }
        if let Some(u) = text("analytics_base_url")? {
            self = self.analytics_base_url(u);
        }
        if let Some(u) = text("mail_base_url")? {
            self = self.mail_base_url(u);
        }
        if let Some(v) = text("api_version")? {
            self = self.api_version(v.parse()?);
        }
        if let Some(t) = duration("timeout", "timeout_ms")? {
            self = self.timeout(t);
        }
        if let Some(t) = duration("connect_timeout", "connect_timeout_ms")? {
            self = self.connect_timeout(t);
        }
        if let Some(v) = get("max_retries") {
            self = self.max_retries(retries("max_retries", v)?);
        }
        if let Some(p) = text("proxy")? {
            self = self.proxy(p);
        }
        if let Some(p) = text("ca_bundle")? {
            self = self.ca_bundle(p);
        }
        if let Some(level) = text("log_level")? {
            self = self.log_level(level.to_ascii_lowercase().parse()?);
        }
        if let Some(v) = get("allow_insecure_http") {
            self = self.allow_insecure_http(
                v.as_bool().ok_or_else(|| ValidationError::new("allow_insecure_http", Rule::Type, "must be a boolean"))?,
            );
        }
        if let Some(Value::Array(parts)) = get("language") {
            if let [Value::String(name), Value::String(version)] = parts.as_slice() {
                self = self.language(name.clone(), version.clone());
            }
        }
        Ok(self)
    }

    pub fn build(self) -> Result<Config, ValidationError> {
        let keys = Keys {
            secret: key(KeyKind::Secret, self.api_key)?,
            public: key(KeyKind::Public, self.public_api_key)?,
            mail: key(KeyKind::Mail, self.mail_api_key)?,
        };
        if keys.secret.is_none() && keys.public.is_none() && keys.mail.is_none() {
            // No key at all: the secret one is the one most clients need.
            return Err(ApiKey::checked(KeyKind::Secret, String::new()).unwrap_err());
        }
        let insecure = self.allow_insecure_http;
        let given = self.base_url.or_else(|| env_var("ADAPTY_BASE_URL"));
        let base_url = parse_base_url("base_url", given.as_deref().unwrap_or(DEFAULT_BASE_URL), insecure)?;
        // A base URL given (an emulator, a gateway) is every API's unless one has its own.
        let other = |option: &'static str, own: Option<String>, env: &str, default: &str| match own.or_else(|| env_var(env)) {
            Some(url) => parse_base_url(option, &url, insecure),
            None if given.is_some() => Ok(base_url.clone()),
            None => parse_base_url(option, default, insecure),
        };
        let analytics_base_url =
            other("analytics_base_url", self.analytics_base_url, "ADAPTY_ANALYTICS_BASE_URL", DEFAULT_ANALYTICS_BASE_URL)?;
        let mail_base_url = other("mail_base_url", self.mail_base_url, "ADAPTY_MAIL_BASE_URL", DEFAULT_MAIL_BASE_URL)?;
        let connect_timeout =
            positive("connect_timeout", self.connect_timeout.unwrap_or(Duration::from_secs(DEFAULT_CONNECT_TIMEOUT_SECS)))?;
        let timeout = positive("timeout", self.timeout.unwrap_or(Duration::from_secs(DEFAULT_TIMEOUT_SECS)))?;
        let user_agent = match &self.language {
            Some((lang, runtime)) => format!("adapty-server-{lang}/{VERSION} ({lang} {runtime}; core {VERSION})"),
            None => format!("adapty-server-rust/{VERSION}"),
        };
        let proxy = self.proxy.as_deref().map(parse_proxy).transpose()?;
        let ca_bundle = self.ca_bundle.as_deref().map(CaBundle::read).transpose()?;
        Ok(Config {
            keys,
            base_url,
            analytics_base_url,
            mail_base_url,
            api_version: self.api_version.unwrap_or_default(),
            timeout,
            retry: self.retry,
            user_agent,
            network: Network { connect_timeout, proxy, ca_bundle },
            log_level: self.log_level.or_else(LogLevel::from_env).filter(|l| *l != LogLevel::Off),
        })
    }
}

/// The key `kind`: `given`, else its environment variable; `None` when neither is set.
fn key(kind: KeyKind, given: Option<String>) -> Result<Option<ApiKey>, ValidationError> {
    given.or_else(|| env_var(kind.env())).map(|k| ApiKey::checked(kind, k)).transpose()
}

/// An environment variable's value, unless unset or blank.
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_proxy(raw: &str) -> Result<ProxyUrl, ValidationError> {
    let url = Url::parse(raw.trim()).map_err(|e| ValidationError::new("proxy", Rule::Format, format!("not a valid URL: {e}")))?;
    match url.scheme() {
        "http" | "https" | "socks5" | "socks5h" if url.host().is_some() => Ok(ProxyUrl(url)),
        "http" | "https" | "socks5" | "socks5h" => Err(ValidationError::new("proxy", Rule::Format, "the URL has no host")),
        other => {
            Err(ValidationError::new("proxy", Rule::Format, format!("unsupported scheme {other:?}; use http://, https:// or socks5://")))
        }
    }
}

fn parse_base_url(option: &'static str, raw: &str, allow_insecure_http: bool) -> Result<Url, ValidationError> {
    let url = Url::parse(raw.trim()).map_err(|e| ValidationError::new(option, Rule::Format, format!("not a valid URL: {e}")))?;
    let host = url.host().ok_or_else(|| ValidationError::new(option, Rule::Format, "the URL has no host"))?;
    let loopback = match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback || allow_insecure_http => {}
        "http" => {
            return Err(ValidationError::new(
                option,
                Rule::Format,
                "plain http:// is refused for a non-loopback host (the API key would travel in clear); use https:// or allow insecure http explicitly",
            ));
        }
        other => return Err(ValidationError::new(option, Rule::Format, format!("unsupported scheme {other:?}; use https://"))),
    }
    if url.path() != "/" || url.query().is_some() {
        return Err(ValidationError::new(option, Rule::Format, "give only scheme, host and port (no path or query)"));
    }
    Ok(url)
}
