//! Sending one API request: headers, per-attempt timeout, retries, the call's options, the
//! running task's hook and the client's listeners, and turning the outcome into a response or an
//! [`Error`].

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use bytes::Bytes;
use reqwest::Url;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::models::config::{Api, Config};
use crate::models::error::{ApiError, Error, Rule, ValidationError};
use crate::models::options::{CallOptions, RequestOptions};
use crate::transport::download::{self, Saved};
use crate::transport::events::{Event, Listener, Listeners, Outcome, Phase};
use crate::transport::hook::{self, Response};
use crate::transport::limit::{ANALYTICS_SPACING, Lane};
use crate::transport::request::{ApiRequest, Replay};
use crate::transport::retry::{Decision, decide, is_retryable_status, parse_retry_after};
use crate::transport::runtime::{self, Instant};
use crate::transport::trace::{self, SpanEnd, SpanStart, Started};
use crate::transport::wire::{WIRE, wire_text};

/// The `error_code` of a 409 that says an earlier request with the same key is still running.
const IDEMPOTENCY_IN_FLIGHT: &str = "idempotency_in_flight";

/// A successful response.
#[derive(Debug)]
pub(crate) struct ApiResponse {
    pub status: u16,
    /// Read only when someone observes the response (see [`hook`] and [`events`]).
    pub request_id: Option<String>,
    /// Kept only when a hook observes the response.
    pub headers: Option<HeaderMap>,
    /// Attempts before the one that succeeded.
    pub retries: u32,
    pub body: Bytes,
    /// What was written, when the request saves its body to a file (the body is then empty).
    pub saved: Option<Saved>,
}

/// Everything needed to send requests for one client: its settings, the shared pool, and the
/// options of its calls. Clients made with other options share all but the options.
pub(crate) struct Transport {
    shared: Arc<Shared>,
    options: CallOptions,
}

/// What every client made from one client shares.
struct Shared {
    config: Config,
    /// The `Authorization` of each API the client holds a key for, built once.
    authorization: Authorization,
    user_agent: HeaderValue,
    /// The secret key's turn on the Export Analytics API, whose limit is per key.
    analytics_lane: Option<Lane>,
    /// The shared pool as of a process generation (see `runtime::generation`).
    http: RwLock<Option<(u64, reqwest::Client)>>,
    /// Until when every request of this client waits: a `Retry-After` the server gave one
    /// request holds back all of them (a rate limit is the key's, not one request's).
    paused_until: Mutex<Option<Instant>>,
    listeners: Listeners,
}

/// What one attempt observes beyond its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Observed {
    /// Nothing: no hook and no listener.
    Nothing,
    /// The request id (for listeners).
    RequestId,
    /// The request id and the headers (a hook: a raw response).
    Headers,
}

/// The `Authorization` value of each API, `None` where the client holds no key for it.
struct Authorization([Option<HeaderValue>; 4]);

impl Authorization {
    const APIS: [Api; 4] = [Api::ServerSide, Api::Web, Api::Analytics, Api::Mail];

    fn new(config: &Config) -> Result<Self, ValidationError> {
        let mut values = [None, None, None, None];
        for (slot, api) in values.iter_mut().zip(Self::APIS) {
            let Ok(key) = config.key_for(api) else { continue };
            let mut value = HeaderValue::from_str(&key.header_value(api))
                .map_err(|_| ValidationError::new(api.key_kind().option(), Rule::Format, "cannot be sent in a header"))?;
            // Keeps the value out of reqwest's and hyper's debug output.
            value.set_sensitive(true);
            *slot = Some(value);
        }
        Ok(Self(values))
    }

    /// `api`'s value; an error naming the key's option when the client has none.
    fn of(&self, config: &Config, api: Api) -> Result<&HeaderValue, ValidationError> {
        let slot = Self::APIS.iter().position(|a| *a == api).and_then(|i| self.0[i].as_ref());
        slot.ok_or_else(|| config.key_for(api).err().unwrap_or_else(|| ValidationError::new("api_key", Rule::Required, "is required")))
    }
}

impl Transport {
    pub fn new(config: Config) -> Result<Self, Error> {
        let authorization = Authorization::new(&config)?;
        let user_agent = HeaderValue::from_str(&config.user_agent)
            .map_err(|_| ValidationError::new("user_agent", Rule::Format, "cannot be sent in a header"))?;
        let analytics_lane = config.key_for(Api::Analytics).ok().map(Lane::of);
        let shared = Shared {
            config,
            authorization,
            user_agent,
            analytics_lane,
            http: RwLock::new(None),
            paused_until: Mutex::new(None),
            listeners: Listeners::default(),
        };
        Ok(Self { shared: Arc::new(shared), options: CallOptions::default() })
    }

    /// A transport sharing this one's settings, pool, pause and listeners, with `options` laid
    /// over its own.
    pub fn with_options(&self, options: &RequestOptions) -> Result<Self, ValidationError> {
        Ok(Self { shared: self.shared.clone(), options: self.options.over(options)? })
    }

    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    pub fn listeners(&self) -> &Listeners {
        &self.shared.listeners
    }

    /// `api`'s base URL with `path` and `query`; `set_path` skips re-parsing the host on every
    /// request.
    fn url(&self, api: Api, path: &str, query: &[(&str, String)], extra: &[(String, String)]) -> Url {
        let mut url = self.shared.config.base_url_of(api).clone();
        url.set_path(path);
        if !query.is_empty() || !extra.is_empty() {
            url.query_pairs_mut().extend_pairs(query).extend_pairs(extra);
        }
        url
    }

    /// The process's pool, looked up again only after a fork.
    fn http(&self) -> Result<reqwest::Client, Error> {
        let generation = runtime::generation();
        let slot = &self.shared.http;
        if let Some((g, client)) = slot.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
            if *g == generation {
                return Ok(client.clone());
            }
        }
        let client = runtime::http_client(&self.shared.config.network)?;
        let earlier = slot.write().unwrap_or_else(|p| p.into_inner()).replace((generation, client.clone()));
        // A pool of an earlier generation (a parent's, before fork) is never dropped here: see
        // `runtime::shared`.
        std::mem::forget(earlier);
        Ok(client)
    }

    /// Sends `req` with this client's call options, retrying as its [`Replay`] and the retry
    /// policy allow, through the running task's hook if it has one.
    pub async fn send(self: Arc<Self>, req: ApiRequest) -> Result<ApiResponse, Error> {
        let req = if self.options.extra_body.is_empty() { req } else { req.with_extra_body(&self.options)? };
        // A key the client lacks fails before any I/O, naming its option.
        self.shared.authorization.of(&self.shared.config, req.api)?;
        let listeners = self.shared.listeners.current();
        let Some(hook) = hook::current() else {
            let observed = if listeners.is_empty() { Observed::Nothing } else { Observed::RequestId };
            return self.send_with_retries(&req, observed, &listeners).await;
        };
        hook.on_request(&req)?;
        let result = self.send_with_retries(&req, Observed::Headers, &listeners).await;
        match &result {
            Ok(resp) => hook.on_response(Response {
                status: resp.status,
                request_id: resp.request_id.as_deref(),
                headers: resp.headers.as_ref(),
                retries: resp.retries,
            }),
            Err(Error::Api(err)) => {
                hook.on_response(Response { status: err.status, request_id: err.request_id.as_deref(), headers: None, retries: 0 })
            }
            Err(_) => {}
        }
        result
    }

    /// Sends `req` until it succeeds or may not be retried, telling `listeners` of each attempt.
    async fn send_with_retries(&self, req: &ApiRequest, observed: Observed, listeners: &[Arc<dyn Listener>]) -> Result<ApiResponse, Error> {
        let url = self.url(req.api, &req.path, &req.query, &self.options.extra_query);
        let mut policy = self.shared.config.retry;
        policy.max_retries = self.options.max_retries.unwrap_or(policy.max_retries);
        let mut retry = 0u32;
        let mut outcome_unknown = false;
        let tracer = trace::current();
        loop {
            self.wait_if_paused().await;
            if let (Api::Analytics, Some(lane)) = (req.api, self.shared.analytics_lane) {
                lane.wait_turn(ANALYTICS_SPACING).await;
            }
            let attempt = retry + 1;
            let event = |outcome: Option<Outcome<'_>>| {
                let phase = if outcome.is_some() { Phase::Response } else { Phase::Request };
                let event = Event { phase, operation: req.operation, method: req.method.as_str(), url: url.as_str(), attempt, outcome };
                listeners.iter().for_each(|l| l.on_event(&event));
            };
            if !listeners.is_empty() {
                event(None);
            }
            let start = SpanStart { method: req.method.as_str(), url: &url, operation: req.operation, resend_count: retry };
            let span = attempt_span(&start);
            let host_span = match &tracer {
                Some(tracer) => Some(Started::start(tracer.as_ref(), &start).await),
                None => None,
            };
            // A host's span is the attempt's; else the `tracing` span, if OpenTelemetry sees it.
            let tracing_headers = if host_span.is_none() { trace::tracing_context_headers(&span) } else { Vec::new() };
            let trace_headers = host_span.as_ref().map_or(&tracing_headers[..], Started::headers);
            let started = Instant::now();
            let result = self.attempt(&url, req, observed, trace_headers).instrument(span.clone()).await;
            let elapsed = started.elapsed();
            let latency_ms = elapsed.as_secs_f64() * 1000.0;
            let next = match result {
                Ok(resp) if resp.status < 400 => {
                    tracing::debug!(target: "adapty_server", parent: &span, method = %req.method, path = %req.path, status = resp.status, latency_ms, attempt, "request succeeded");
                    Next::Done(Ok(resp.into_response(retry)))
                }
                Ok(resp) if resp.status == 404 && outcome_unknown && req.replay == Replay::IdempotentDelete => {
                    tracing::debug!(target: "adapty_server", parent: &span, method = %req.method, path = %req.path, status = resp.status, latency_ms, attempt, "already deleted by an earlier attempt");
                    Next::Done(Ok(ApiResponse { status: 204, body: Bytes::new(), ..resp.into_response(retry) }))
                }
                Ok(resp) => {
                    let err = resp.into_error();
                    tracing::debug!(target: "adapty_server", parent: &span, method = %req.method, path = %req.path, status = err.status, error_code = err.error_code.as_deref().unwrap_or(""), latency_ms, attempt, "request failed");
                    let in_flight = req.replay == Replay::IdempotencyKey
                        && err.status == 409
                        && err.error_code.as_deref() == Some(IDEMPOTENCY_IN_FLIGHT);
                    let unsafe_repeat = req.replay == Replay::Once && err.status != 429;
                    if (!is_retryable_status(err.status) && !in_flight) || unsafe_repeat {
                        Next::Done(Err(Error::Api(err)))
                    } else {
                        // A 5xx may come after the server made the change (a gateway's 502 or
                        // 504 always may), as much as a lost connection.
                        outcome_unknown |= err.status >= 500;
                        let after = err.retry_after;
                        Next::after(Error::Api(err), decide(&policy, retry, after), after.is_some())
                    }
                }
                Err(err) => {
                    tracing::debug!(target: "adapty_server", parent: &span, method = %req.method, path = %req.path, error = %err, latency_ms, attempt, "request failed");
                    outcome_unknown = true;
                    if req.replay == Replay::Once || matches!(err, Error::Validation(_) | Error::Usage { .. }) {
                        Next::Done(Err(err))
                    } else {
                        Next::after(err, decide(&policy, retry, None), false)
                    }
                }
            };
            if !span.is_disabled() || host_span.is_some() {
                let end = SpanEnd::of(&next.outcome(elapsed));
                record(&span, &end);
                if let Some(host_span) = host_span {
                    host_span.end(&end);
                }
            }
            if !listeners.is_empty() {
                event(Some(next.outcome(elapsed)));
            }
            match next {
                Next::Done(result) => return result,
                Next::Retry { error, delay, asked } => {
                    tracing::info!(target: "adapty_server", method = %req.method, path = %req.path, attempt, delay_ms = delay.as_millis() as u64, error = %error, "retrying");
                    if asked {
                        self.pause_all(delay);
                    }
                    runtime::sleep(delay).await;
                    retry += 1;
                }
            }
        }
    }

    /// Holds every request of this client back for `delay` (or longer, if already held).
    fn pause_all(&self, delay: std::time::Duration) {
        let until = Instant::now() + delay;
        let mut paused = self.shared.paused_until.lock().unwrap_or_else(|p| p.into_inner());
        if paused.is_none_or(|t| t < until) {
            *paused = Some(until);
        }
    }

    async fn wait_if_paused(&self) {
        let until = *self.shared.paused_until.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(until) = until {
            let left = until.saturating_duration_since(Instant::now());
            if !left.is_zero() {
                runtime::sleep(left).await;
            }
        }
    }

    /// One attempt, with the headers that carry a host's span of it (`trace_headers`).
    async fn attempt(
        &self,
        url: &Url,
        req: &ApiRequest,
        observed: Observed,
        trace_headers: &[(String, String)],
    ) -> Result<RawResponse, Error> {
        let timeout = self.options.timeout.unwrap_or(self.shared.config.timeout);
        let authorization = self.shared.authorization.of(&self.shared.config, req.api)?.clone();
        let mut builder = self.http()?.request(req.method.clone(), url.clone()).timeout(timeout);
        builder = builder.header(AUTHORIZATION, authorization).header(USER_AGENT, self.shared.user_agent.clone());
        // A span's own context replaces one given in the options.
        for (name, value) in
            self.options.headers.iter().filter(|(n, _)| !trace_headers.iter().any(|(t, _)| n.as_str().eq_ignore_ascii_case(t)))
        {
            builder = builder.header(name, value.clone());
        }
        for (name, value) in &req.headers {
            builder = builder.header(HeaderName::from_static(name), value);
        }
        for (name, value) in trace_headers {
            if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
                builder = builder.header(name, value);
            }
        }
        builder = builder.header(ACCEPT, req.media_type.accept());
        if let Some(body) = &req.body {
            builder = builder.header(CONTENT_TYPE, req.media_type.content_type()).body(body.clone());
        }
        let wire = tracing::enabled!(target: WIRE, tracing::Level::TRACE);
        if wire {
            let mut headers: Vec<(&str, String)> = vec![(AUTHORIZATION.as_str(), "<redacted>".into())];
            headers.push((USER_AGENT.as_str(), self.shared.user_agent.to_str().unwrap_or_default().to_owned()));
            headers.extend(self.options.headers.iter().map(|(n, v)| (n.as_str(), v.to_str().unwrap_or_default().to_owned())));
            headers.extend(req.headers.iter().map(|(n, v)| (*n, v.clone())));
            headers.push((ACCEPT.as_str(), req.media_type.accept().to_str().unwrap_or_default().to_owned()));
            if req.body.is_some() {
                headers.push((CONTENT_TYPE.as_str(), req.media_type.content_type().to_str().unwrap_or_default().to_owned()));
            }
            tracing::trace!(target: WIRE, "{}", wire_text('>', &format!("{} {url}", req.method), &headers, req.body.as_deref()));
        }
        let started = Instant::now();
        // Held by the platform's HTTP stack until the body is read (`runtime::local`).
        let save_to = req.save_to.clone();
        let (status, mut resp_headers, body, saved) = runtime::local(async move {
            let mut resp = builder.send().await.map_err(transport_error)?;
            let headers = std::mem::take(resp.headers_mut());
            let status = resp.status().as_u16();
            match save_to {
                Some(path) if status < 400 => {
                    let saved = download::save(&mut resp, &path, transport_error).await?;
                    Ok::<_, Error>((status, headers, Bytes::new(), Some(saved)))
                }
                _ => Ok((status, headers, resp.bytes().await.map_err(transport_error)?, None)),
            }
        })
        .await?;
        let header = |name: &str| resp_headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        // Failures need the request id and Retry-After; a success its request id only when observed.
        let request_id =
            (status >= 400 || observed != Observed::Nothing).then(|| header("request-id").or_else(|| header("x-request-id"))).flatten();
        let retry_after = (status >= 400).then(|| header("retry-after")).flatten();
        let headers: Vec<(String, String)> = if wire {
            resp_headers.iter().map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect()
        } else {
            Vec::new()
        };
        let kept = (observed == Observed::Headers && status < 400).then(|| std::mem::take(&mut resp_headers));
        if wire {
            let line = format!("{status} ({:.1} ms)", started.elapsed().as_secs_f64() * 1000.0);
            let headers: Vec<(&str, String)> = headers.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
            tracing::trace!(target: WIRE, "{}", wire_text('<', &line, &headers, Some(&body)));
        }
        Ok(RawResponse { status, request_id, retry_after, headers: kept, body, saved })
    }
}

/// One attempt as a `tracing` span, a CLIENT span in OpenTelemetry's HTTP client conventions
/// (`tracing-opentelemetry` reads `otel.kind` and `otel.name`), under the caller's current span.
/// Nothing is built unless a subscriber wants it.
fn attempt_span(start: &SpanStart<'_>) -> tracing::Span {
    tracing::info_span!(
        target: "adapty_server",
        "adapty.request",
        otel.kind = "client",
        otel.name = start.name(),
        http.request.method = start.method,
        url.full = start.url.as_str(),
        server.address = start.server_address(),
        server.port = start.server_port(),
        adapty.operation = start.operation,
        http.request.resend_count = (start.resend_count > 0).then_some(start.resend_count),
        http.response.status_code = tracing::field::Empty,
        error.r#type = tracing::field::Empty,
    )
}

/// How the attempt ended, on its span.
fn record(span: &tracing::Span, end: &SpanEnd) {
    if let Some(status) = end.status {
        span.record("http.response.status_code", status);
    }
    if let Some(error_type) = &end.error_type {
        span.record("error.type", error_type.as_ref());
    }
}

/// What follows an attempt.
enum Next {
    /// The request ends with this.
    Done(Result<ApiResponse, Error>),
    /// It is sent again after `delay`; `asked`: the server asked for the wait (`Retry-After`).
    Retry { error: Error, delay: Duration, asked: bool },
}

impl Next {
    fn after(error: Error, decision: Decision, asked: bool) -> Self {
        match decision {
            Decision::RetryAfter(delay) => Next::Retry { error, delay, asked },
            Decision::GiveUp => Next::Done(Err(error)),
        }
    }

    /// How the attempt ended, as listeners see it.
    fn outcome(&self, elapsed: Duration) -> Outcome<'_> {
        let (status, request_id, error) = match self {
            Next::Done(Ok(resp)) => (Some(resp.status), resp.request_id.as_deref(), None),
            Next::Done(Err(error)) | Next::Retry { error, .. } => {
                let api = error.api();
                (api.map(|a| a.status), api.and_then(|a| a.request_id.as_deref()), Some(error.kind()))
            }
        };
        let retry_in = match self {
            Next::Retry { delay, .. } => Some(*delay),
            Next::Done(_) => None,
        };
        Outcome { status, request_id, elapsed, error_kind: error, retry_in }
    }
}

struct RawResponse {
    status: u16,
    request_id: Option<String>,
    retry_after: Option<String>,
    headers: Option<HeaderMap>,
    body: Bytes,
    saved: Option<Saved>,
}

impl RawResponse {
    fn into_error(self) -> ApiError {
        let retry_after = self.retry_after.and_then(|v| parse_retry_after(&v, runtime::system_now()));
        ApiError::from_response(self.status, String::from_utf8_lossy(&self.body).into_owned(), self.request_id, retry_after)
    }
}

impl RawResponse {
    /// The response of a request that succeeded after `retries` retries.
    fn into_response(self, retries: u32) -> ApiResponse {
        let RawResponse { status, request_id, headers, body, saved, .. } = self;
        ApiResponse { status, request_id, headers, retries, body, saved }
    }
}

/// Maps a reqwest failure to the taxonomy, with its cause chain (never a header value).
pub(crate) fn transport_error(e: reqwest::Error) -> Error {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    if e.is_timeout() { Error::Timeout { message } } else { Error::Connection { message } }
}

/// Sends `req` on the shared runtime and decodes the JSON body there.
pub(crate) async fn send_json<T: DeserializeOwned + Send + 'static>(transport: &Arc<Transport>, req: ApiRequest) -> Result<T, Error> {
    let transport = transport.clone();
    runtime::spawn(async move {
        let resp = transport.send(req).await?;
        serde_json::from_slice(&resp.body)
            .map_err(|e| Error::Internal { message: format!("unexpected response body (HTTP {}): {e}", resp.status) })
    })
    .await
}

/// Sends `req` on the shared runtime for its status alone (the body is ignored).
pub(crate) async fn send_empty(transport: &Arc<Transport>, req: ApiRequest) -> Result<(), Error> {
    let transport = transport.clone();
    runtime::spawn(async move { transport.send(req).await.map(drop) }).await
}

/// Sends `req`, which saves its body to a file, on the shared runtime: what was written.
pub(crate) async fn send_saved(transport: &Arc<Transport>, req: ApiRequest) -> Result<Saved, Error> {
    let transport = transport.clone();
    runtime::spawn(async move {
        let resp = transport.send(req).await?;
        resp.saved.ok_or_else(|| Error::Internal { message: format!("HTTP {} answered, but nothing was saved", resp.status) })
    })
    .await
}
