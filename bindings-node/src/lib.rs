//! The native addon under the `adapty-server` npm package.
//!
//! It only converts: JSON-shaped values from `lib/client.js` (already snake_case) into the
//! core's `from_json` entry points, the core's results back to JSON, and the core's `Error` into
//! a description `lib/errors.js` turns into the right class. Every call resolves to
//! `{ ok: value }` or `{ error: description }` and never rejects, so the JS layer builds every
//! error the same way.

use std::time::Duration;

use adapty_server::{ApiVersion, Client, Config, CreateRef, Error, ProfileParams, ProfileRef, Rule, ValidationError};
use napi_derive::napi;
use serde_json::{Value, json};

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
        outcome(dispatch(self.inner.clone(), &op, args).await)
    }

    /// The same as `call`, blocking the calling thread (and so the event loop).
    #[napi]
    pub fn call_sync(&self, op: String, args: Value) -> Value {
        let client = self.inner.clone();
        outcome(adapty_server::runtime::block_on(async move { dispatch(client, &op, args).await }))
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

/// One operation of the core, from its name and JSON arguments.
async fn dispatch(client: Client, op: &str, args: Value) -> Result<Value, Error> {
    let id = |key: &str| args.get(key).and_then(Value::as_str).map(str::to_owned);
    let (profile_id, customer_user_id) = (id("profile_id"), id("customer_user_id"));
    let (pid, cuid) = (profile_id.as_deref(), customer_user_id.as_deref());
    let fields = || ProfileParams::from_json(args.get("fields").cloned().unwrap_or_else(|| json!({})));
    let profiles = client.profiles();
    match op {
        "profiles.get" => to_json(profiles.get(&ProfileRef::from_parts(pid, cuid)?).await),
        "profiles.create" => {
            let target = CreateRef::from_parts(pid, cuid)?;
            to_json(profiles.create(&target, &fields()?).await)
        }
        "profiles.update" => {
            let target = ProfileRef::from_parts(pid, cuid)?;
            to_json(profiles.update(&target, &fields()?).await)
        }
        "profiles.delete" => profiles.delete(&ProfileRef::from_parts(pid, cuid)?).await.map(|()| Value::Null),
        "profiles.deleteMany" => {
            let refs: Vec<_> = args
                .get("refs")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|r| {
                    ProfileRef::from_parts(r.get("profile_id").and_then(Value::as_str), r.get("customer_user_id").and_then(Value::as_str))
                })
                .collect();
            let concurrency = args.get("concurrency").and_then(Value::as_u64).unwrap_or(16) as usize;
            let results = profiles.delete_many(refs, concurrency).await;
            Ok(Value::Array(results.iter().map(|r| r.as_ref().err().map_or(Value::Null, Error::to_json)).collect()))
        }
        other => Err(Error::Usage { message: format!("unknown operation {other:?}") }),
    }
}

fn to_json<T: serde::Serialize>(r: Result<T, Error>) -> Result<Value, Error> {
    r.and_then(|v| serde_json::to_value(v).map_err(|e| Error::Internal { message: format!("cannot convert the result: {e}") }))
}

fn outcome(r: Result<Value, Error>) -> Value {
    match r {
        Ok(v) => json!({ "ok": v }),
        Err(e) => json!({ "error": e.to_json() }),
    }
}
