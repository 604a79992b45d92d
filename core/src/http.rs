//! Sending one API request: headers, per-attempt timeout, retries, and turning the outcome into
//! a response or an [`Error`].

use std::sync::{Arc, RwLock};
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Method, Url};

use crate::config::Config;
use crate::error::{ApiError, Error, Rule, ValidationError};
use crate::retry::{Decision, decide, is_retryable_status, parse_retry_after};

/// Whether, and how, an operation may be sent again after a failure. Every operation picks one
/// and says why in a comment where it builds its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Repeating the request has the same effect as sending it once.
    Idempotent,
    /// Like `Idempotent`, but a repeat after an attempt whose outcome is unknown (connection
    /// lost, timeout) may find the resource already gone: a 404 then means the earlier attempt
    /// succeeded.
    IdempotentDelete,
}

/// Extra request headers (name, value).
pub(crate) type Headers = Vec<(&'static str, String)>;

/// One request, fully built and validated before any I/O.
#[derive(Debug, Clone)]
pub(crate) struct ApiRequest {
    pub method: Method,
    pub path: &'static str,
    pub headers: Headers,
    pub body: Option<Bytes>,
    pub replay: Replay,
}

/// A successful response.
#[derive(Debug)]
pub(crate) struct ApiResponse {
    pub status: u16,
    pub body: Bytes,
}

/// Everything needed to send requests for one client: its settings and the shared pool.
pub(crate) struct Transport {
    config: Config,
    /// Authorization, Accept and User-Agent, built once.
    base_headers: [(HeaderName, HeaderValue); 3],
    /// The shared pool as of a process generation (see `runtime::generation`).
    http: RwLock<Option<(u64, reqwest::Client)>>,
}

impl Transport {
    pub fn new(config: Config) -> Result<Self, Error> {
        let mut auth = HeaderValue::from_str(&config.api_key.header_value())
            .map_err(|_| ValidationError::new("api_key", Rule::Format, "cannot be sent in a header"))?;
        // Keeps the value out of reqwest's and hyper's debug output.
        auth.set_sensitive(true);
        let ua = HeaderValue::from_str(&config.user_agent)
            .map_err(|_| ValidationError::new("user_agent", Rule::Format, "cannot be sent in a header"))?;
        let base_headers = [(AUTHORIZATION, auth), (ACCEPT, HeaderValue::from_static("application/json")), (USER_AGENT, ua)];
        Ok(Self { config, base_headers, http: RwLock::new(None) })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The base URL with `path`; `set_path` skips re-parsing the host on every request.
    fn url(&self, path: &str) -> Url {
        let mut url = self.config.base_url.clone();
        url.set_path(path);
        url
    }

    /// The process's pool, looked up again only after a fork.
    fn http(&self) -> Result<reqwest::Client, Error> {
        let generation = crate::runtime::generation();
        if let Some((g, client)) = self.http.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
            if *g == generation {
                return Ok(client.clone());
            }
        }
        let client = crate::runtime::http_client(self.config.connect_timeout)?;
        *self.http.write().unwrap_or_else(|p| p.into_inner()) = Some((generation, client.clone()));
        Ok(client)
    }

    /// Sends `req`, retrying as its [`Replay`] and the retry policy allow.
    pub async fn send(self: Arc<Self>, req: ApiRequest) -> Result<ApiResponse, Error> {
        let url = self.url(req.path);
        let policy = self.config.retry;
        let mut retry = 0u32;
        let mut outcome_unknown = false;
        loop {
            let started = Instant::now();
            let result = self.attempt(&url, &req).await;
            let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
            let attempt = retry + 1;
            let (error, retry_after) = match result {
                Ok(resp) if resp.status < 400 => {
                    tracing::debug!(target: "adapty_server", method = %req.method, path = req.path, status = resp.status, latency_ms, attempt, "request succeeded");
                    return Ok(resp.into());
                }
                Ok(resp) if resp.status == 404 && outcome_unknown && req.replay == Replay::IdempotentDelete => {
                    tracing::debug!(target: "adapty_server", method = %req.method, path = req.path, status = resp.status, latency_ms, attempt, "already deleted by an earlier attempt");
                    return Ok(ApiResponse { status: 204, body: Bytes::new() });
                }
                Ok(resp) => {
                    let err = resp.into_error();
                    tracing::debug!(target: "adapty_server", method = %req.method, path = req.path, status = err.status, error_code = err.error_code.as_deref().unwrap_or(""), latency_ms, attempt, "request failed");
                    if !is_retryable_status(err.status) {
                        return Err(Error::Api(err));
                    }
                    let after = err.retry_after;
                    (Error::Api(err), after)
                }
                Err(err) => {
                    tracing::debug!(target: "adapty_server", method = %req.method, path = req.path, error = %err, latency_ms, attempt, "request failed");
                    outcome_unknown = true;
                    (err, None)
                }
            };
            match decide(&policy, retry, retry_after) {
                Decision::RetryAfter(delay) => {
                    tracing::info!(target: "adapty_server", method = %req.method, path = req.path, attempt, delay_ms = delay.as_millis() as u64, error = %error, "retrying");
                    tokio::time::sleep(delay).await;
                    retry += 1;
                }
                Decision::GiveUp => return Err(error),
            }
        }
    }

    async fn attempt(&self, url: &Url, req: &ApiRequest) -> Result<RawResponse, Error> {
        let mut builder = self.http()?.request(req.method.clone(), url.clone()).timeout(self.config.timeout);
        for (name, value) in &self.base_headers {
            builder = builder.header(name, value.clone());
        }
        for (name, value) in &req.headers {
            builder = builder.header(HeaderName::from_static(name), value);
        }
        if let Some(body) = &req.body {
            builder = builder.header(CONTENT_TYPE, "application/json").body(body.clone());
        }
        let resp = builder.send().await.map_err(transport_error)?;
        let status = resp.status().as_u16();
        // Only failures need headers: the request id and Retry-After.
        let error_headers = (status >= 400).then(|| {
            let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
            (header("request-id").or_else(|| header("x-request-id")), header("retry-after"))
        });
        let body = resp.bytes().await.map_err(transport_error)?;
        Ok(RawResponse { status, error_headers, body })
    }
}

struct RawResponse {
    status: u16,
    /// `(request id, Retry-After)` of a failed response.
    error_headers: Option<(Option<String>, Option<String>)>,
    body: Bytes,
}

impl RawResponse {
    fn into_error(self) -> ApiError {
        let (request_id, retry_after) = self.error_headers.unwrap_or_default();
        let retry_after = retry_after.and_then(|v| parse_retry_after(&v, SystemTime::now()));
        ApiError::from_response(self.status, String::from_utf8_lossy(&self.body).into_owned(), request_id, retry_after)
    }
}

impl From<RawResponse> for ApiResponse {
    fn from(r: RawResponse) -> Self {
        ApiResponse { status: r.status, body: r.body }
    }
}

/// Maps a reqwest failure to the taxonomy, with its cause chain (never a header value).
fn transport_error(e: reqwest::Error) -> Error {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    if e.is_timeout() { Error::Timeout { message } } else { Error::Connection { message } }
}
