//! The native addon under the `adapty-server` npm package.
//!
//! It only passes JSON: `lib/bridge.js` sends an operation name and snake_case arguments to the
//! core's `ops::call`, and gets `{ ok: value }` or `{ error: description }` back (never a
//! rejection), from which it builds every error the same way. List walks go through
//! the core's `ops::Walk` (one `NativeWalk` per walk), so the cursor handling lives in the core.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use adapty_server::{Client, Config, Error, ops};
use futures_util::FutureExt;
use napi::Env;
use napi::bindgen_prelude::Object;
use napi_derive::napi;
use serde_json::Value;

/// A Promise of `work`'s outcome (`{ ok }` or `{ error }`, never a rejection). `work` runs as a
/// task on the SDK's runtime and settles the Promise from there: one hop to the runtime and one
/// back to the JavaScript thread (a napi `async fn` would add a third, through napi's own
/// runtime). A panic is reported as the core's internal error, so the Promise always settles.
fn promise<'env>(env: &'env Env, work: impl Future<Output = Result<Value, Error>> + Send + 'static) -> napi::Result<Object<'env>> {
    let (deferred, promise) = env.create_deferred::<Value, _>()?;
    let settle = move |outcome: Value| deferred.resolve(move |_| Ok(outcome));
    match adapty_server::runtime::handle() {
        Ok(runtime) => {
            runtime.spawn(async move {
                let result = AssertUnwindSafe(work).catch_unwind().await;
                settle(ops::outcome(result.unwrap_or_else(|_| Err(Error::Internal { message: "an SDK task panicked".into() }))));
            });
        }
        Err(e) => settle(ops::outcome(Err(e))),
    }
    Ok(promise)
}

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

    /// Runs the operation `op` (a name of the core's manifest) with `args`; resolves to `{ ok }`
    /// or `{ error }`.
    #[napi(ts_return_type = "Promise<any>")]
    pub fn call<'env>(&self, env: &'env Env, op: String, args: Value) -> napi::Result<Object<'env>> {
        let client = self.inner.clone();
        promise(env, async move { ops::call(&client, &op, &args).await })
    }

    /// The same as `call`, blocking the calling thread (and so the event loop).
    #[napi]
    pub fn call_sync(&self, op: String, args: Value) -> Value {
        let client = self.inner.clone();
        ops::outcome(adapty_server::runtime::block_on(async move { ops::call(&client, &op, &args).await }))
    }

    /// A walk over every page of the list operation `op` (one the manifest gives a walk) with
    /// `args`; an `op` that is not one throws an error whose message is the JSON description.
    #[napi]
    pub fn walk(&self, op: String, args: Value) -> napi::Result<NativeWalk> {
        let walk = ops::Walk::new(&self.inner, &op, args).map_err(|e| napi::Error::from_reason(e.to_json().to_string()))?;
        Ok(NativeWalk { inner: Arc::new(walk) })
    }
}

/// A walk over every page of a list (the core's `ops::Walk`): its cursor state and the guard
/// against a repeated cursor live in the core.
#[napi]
pub struct NativeWalk {
    inner: Arc<ops::Walk>,
}

#[napi]
impl NativeWalk {
    /// Fetches the next page; resolves to `{ ok: items }` (the models' JSON), `{ ok: null }` when
    /// the walk is over, or `{ error }` (after which the walk is over).
    #[napi(ts_return_type = "Promise<any>")]
    pub fn next<'env>(&self, env: &'env Env) -> napi::Result<Object<'env>> {
        let walk = self.inner.clone();
        promise(env, async move { walk.next().await.map(|items| items.unwrap_or(Value::Null)) })
    }

    /// The same as `next`, blocking the calling thread (and so the event loop).
    #[napi]
    pub fn next_sync(&self) -> Value {
        let walk = self.inner.clone();
        ops::outcome(adapty_server::runtime::block_on(async move { walk.next().await }).map(|items| items.unwrap_or(Value::Null)))
    }
}
