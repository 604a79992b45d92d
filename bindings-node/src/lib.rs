//! The native addon under the `adapty-server` npm package.
//!
//! It only passes JSON: `lib/client.js` sends an operation name and snake_case arguments to the
//! core's `ops::call`, and gets `{ ok: value }` or `{ error: description }` back (never a
//! rejection), from which `lib/errors.js` builds every error the same way.

use adapty_server::{Client, Config, Error, ops};
use napi_derive::napi;
use serde_json::Value;

/// A configured core client.
#[napi]
pub struct NativeClient {
    inner: Client,
}

#[napi]
impl NativeClient {
    /// `options`: the core's JSON settings (`Config::from_json`). A bad option throws an
    /// error whose message is the JSON description.
    #[napi(constructor)]
    pub fn new(options: Value) -> napi::Result<Self> {
        let built = Config::from_json(&options).map_err(Error::Validation);
        let inner = built.and_then(Client::new).map_err(|e| napi::Error::from_reason(e.to_json().to_string()))?;
        Ok(Self { inner })
    }

    /// The base URL requests go to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.config().base_url_text().to_owned()
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
