//! The native addon under the `adapty-server` npm package.
//!
//! It only passes JSON: `lib/client.js` sends an operation name and snake_case arguments to the
//! core's `ops::call`, and gets `{ ok: value }` or `{ error: description }` back (never a
//! rejection), from which `lib/errors.js` builds every error the same way.

use std::time::Duration;

use adapty_server::{ApiVersion, Client, Config, Error, Rule, ValidationError, ops};
use napi_derive::napi;
use serde_json::Value;

/// A configured core client.
#[napi]
pub struct NativeClient {
    inner: Client,
}

#[napi]
impl NativeClient {
    /// `options`: `{ apiKey, baseUrl, apiVersion, timeoutMs, connectTimeoutMs, maxRetries,
    /// nodeVersion }`. A bad option throws an error whose message is the JSON description.
    #[napi(constructor)]
    pub fn new(options: Value) -> napi::Result<Self> {
        let config = config(&options).map_err(|e| napi::Error::from_reason(Error::Validation(e).to_json().to_string()))?;
        let inner = Client::new(config).map_err(|e| napi::Error::from_reason(e.to_json().to_string()))?;
        Ok(Self { inner })
    }

    /// The base URL requests go to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.config().base_url().as_str().trim_end_matches('/').to_owned()
    }

    /// Runs `op` (e.g. `"profiles.get"`) with `args`; resolves to `{ ok }` or `{ error }`.
    #[napi]
    pub async fn call(&self, op: String, args: Value) -> Value {
        // The core runs each request on its own runtime; napi's only awaits here.
        let client = self.inner.clone();
        ops::outcome(ops::call(&client, &op, &args).await)
    }

    /// The same as `call`, blocking the calling thread (and so the event loop).
    #[napi]
    pub fn call_sync(&self, op: String, args: Value) -> Value {
        let client = self.inner.clone();
        ops::outcome(adapty_server::runtime::block_on(async move { ops::call(&client, &op, &args).await }))
    }
}

fn config(options: &Value) -> Result<Config, ValidationError> {
    let text = |key: &str| options.get(key).and_then(Value::as_str);
    let millis = |key: &str, field: &'static str, default: u64| -> Result<Duration, ValidationError> {
        match options.get(key) {
            None | Some(Value::Null) => Ok(Duration::from_millis(default)),
            Some(v) => v
                .as_f64()
                .filter(|ms| ms.is_finite() && *ms > 0.0)
                .map(|ms| Duration::from_secs_f64(ms / 1000.0))
                .ok_or_else(|| ValidationError::new(field, Rule::Range, format!("must be a positive number of milliseconds, got {v}"))),
        }
    };
    let retries = match options.get("maxRetries") {
        None | Some(Value::Null) => 2,
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| ValidationError::new("maxRetries", Rule::Range, format!("must be a whole number >= 0, got {v}")))?,
    };
    let mut b = Config::builder()
        .api_version(text("apiVersion").unwrap_or("v2").parse::<ApiVersion>()?)
        .timeout(millis("timeoutMs", "timeoutMs", 30_000)?)
        .connect_timeout(millis("connectTimeoutMs", "connectTimeoutMs", 10_000)?)
        .max_retries(retries)
        .language("node", text("nodeVersion").unwrap_or("unknown"));
    if let Some(k) = text("apiKey") {
        b = b.api_key(k);
    }
    if let Some(u) = text("baseUrl") {
        b = b.base_url(u);
    }
    b.build()
}
