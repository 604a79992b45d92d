//! Every operation by name, with JSON in and out: the one entry point the language bindings call
//! (`call(client, "profiles.get", args)`), so a new endpoint needs no new binding code in Rust.
//!
//! Arguments use the API's snake_case names: `profile_id` and `customer_user_id` (the profile),
//! `fields` (the request body as the API takes it), `refs` (a list of `{profile_id,
//! customer_user_id}`) and `concurrency` for `profiles.deleteMany`, `paywall_id`, `page`,
//! `page_size`, `limit`, `currency_code`, `cursor` and `idempotency_key`. Results are the
//! models' JSON; list operations return one page with its `next_cursor` (pass it back as
//! `cursor` for the next page: this is how every language's iterator walks a list);
//! `profiles.deleteMany` gives, per input, `null` or the error's [`Error::to_json`].

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::client::Client;
use crate::error::{Error, Rule, ValidationError};
use crate::models::{HistoryRequest, PageRequest, ProfileParams};
use crate::pagination::Cursors;
use crate::reference::{CreateRef, ProfileRef};

/// Every operation [`call`] knows, for bindings that list them.
pub const OPERATIONS: &[&str] = &[
    "profiles.get",
    "profiles.create",
    "profiles.update",
    "profiles.delete",
    "profiles.deleteMany",
    "purchases.setTransaction",
    "purchases.validateStripe",
    "purchases.validatePaddle",
    "accessLevels.grant",
    "accessLevels.revoke",
    "refundSaver.get",
    "refundSaver.set",
    "integrations.get",
    "integrations.set",
    "paywalls.list",
    "paywalls.get",
    "paywalls.update",
    "virtualCurrency.createTransaction",
    "virtualCurrency.listTransactions",
    "virtualCurrency.balances",
];

/// Runs the operation `op` with `args`.
pub async fn call(client: &Client, op: &str, args: &Value) -> Result<Value, Error> {
    let (pid, cuid) = (text(args, "profile_id")?, text(args, "customer_user_id")?);
    let fields = || ProfileParams::from_json(args.get("fields").cloned().unwrap_or_else(|| json!({})));
    let profiles = client.profiles();
    let profile = || ProfileRef::from_parts(pid, cuid);
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
                .map(|r| ProfileRef::from_parts(text(r, "profile_id")?, text(r, "customer_user_id")?))
                .collect();
            let concurrency = match args.get("concurrency") {
                None | Some(Value::Null) => 16,
                Some(v) => v
                    .as_u64()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| ValidationError::new("concurrency", Rule::Range, format!("must be a whole number >= 1, got {v}")))?
                    as usize,
            };
            let results = profiles.delete_many(refs, concurrency).await;
            Ok(Value::Array(results.iter().map(|r| r.as_ref().err().map_or(Value::Null, Error::to_json)).collect()))
        }
        "purchases.setTransaction" => to_json(client.purchases().set_transaction(&profile()?, &body(args)?).await),
        "purchases.validateStripe" => client.purchases().validate_stripe(&body(args)?).await.map(|()| Value::Null),
        "purchases.validatePaddle" => to_json(client.purchases().validate_paddle(&body(args)?).await),
        "accessLevels.grant" => to_json(client.access_levels().grant(&profile()?, &body(args)?).await),
        "accessLevels.revoke" => to_json(client.access_levels().revoke(&profile()?, &body(args)?).await),
        "refundSaver.get" => to_json(client.refund_saver().get(&profile()?).await),
        "refundSaver.set" => to_json(client.refund_saver().set(&profile()?, &body(args)?).await),
        "integrations.get" => to_json(client.integrations().get(&profile()?).await),
        "integrations.set" => client.integrations().set(&profile()?, &body(args)?).await.map(|()| Value::Null),
        "paywalls.list" => {
            let page_size = number(args, "page_size")?.unwrap_or(PageRequest::default().page_size);
            let page = match text(args, "cursor")? {
                Some(cursor) => PageRequest::at(Some(cursor), page_size)?,
                None => PageRequest { page: number(args, "page")?.unwrap_or(1), page_size },
            };
            to_json(client.paywalls().list(&page).await)
        }
        "paywalls.get" => to_json(client.paywalls().get(required_text(args, "paywall_id")?).await),
        "paywalls.update" => to_json(client.paywalls().update(required_text(args, "paywall_id")?, &body(args)?).await),
        "virtualCurrency.createTransaction" => {
            let key = text(args, "idempotency_key")?;
            to_json(client.virtual_currency().create_transaction(&profile()?, &body(args)?, key).await)
        }
        "virtualCurrency.listTransactions" => {
            let page = HistoryRequest {
                currency_code: text(args, "currency_code")?.map(str::to_owned),
                limit: number(args, "limit")?,
                cursor: text(args, "cursor")?.map(str::to_owned),
            };
            to_json(client.virtual_currency().list_transactions(&profile()?, &page).await)
        }
        "virtualCurrency.balances" => to_json(client.virtual_currency().balances(&profile()?).await),
        other => Err(Error::Usage { message: format!("unknown operation {other:?}") }),
    }
}

/// The list operations a [`Walk`] can walk.
pub const WALKABLE: &[&str] = &["paywalls.list", "virtualCurrency.listTransactions"];

/// A walk over every page of a list operation, for the bindings' iterators: each [`Walk::next`]
/// fetches one page (passing the previous page's `next_cursor` as `cursor`) and returns its
/// items, `None` after the last page. The walk's state lives here, so every language gets the
/// same guard: a cursor the walk already sent (a repeat or a cycle) ends it with an error, an
/// empty one ends it, and so does any error.
pub struct Walk {
    client: Client,
    op: String,
    args: Value,
    /// The cursors sent, and the next one to send (`None` once the walk is over).
    state: tokio::sync::Mutex<(Cursors, Option<Option<String>>)>,
}

impl Walk {
    pub fn new(client: &Client, op: &str, args: Value) -> Result<Self, Error> {
        if !WALKABLE.contains(&op) {
            return Err(Error::Usage { message: format!("{op:?} is not a list operation (walkable: {})", WALKABLE.join(", ")) });
        }
        let state = tokio::sync::Mutex::new((Cursors::default(), Some(None)));
        Ok(Self { client: client.clone(), op: op.to_owned(), args, state })
    }

    /// The next page's items (JSON models), or `None` when the walk is over.
    pub async fn next(&self) -> Result<Option<Value>, Error> {
        let mut state = self.state.lock().await;
        let Some(cursor) = state.1.take() else { return Ok(None) };
        let mut args = self.args.clone();
        if let (Some(c), Some(map)) = (cursor, args.as_object_mut()) {
            map.insert("cursor".into(), Value::String(c));
        }
        let mut page = call(&self.client, &self.op, &args).await?;
        let next = page.get("next_cursor").and_then(Value::as_str).map(str::to_owned);
        state.1 = state.0.next(next)?.map(Some);
        Ok(Some(page.get_mut("data").map(Value::take).unwrap_or_else(|| json!([]))))
    }
}

/// `call`'s outcome as one JSON value: `{"ok": result}` or `{"error": description}`.
pub fn outcome(result: Result<Value, Error>) -> Value {
    match result {
        Ok(v) => json!({ "ok": v }),
        Err(e) => json!({ "error": e.to_json() }),
    }
}

/// The request body `fields`, read with the field's path in any error.
fn body<T: DeserializeOwned>(args: &Value) -> Result<T, ValidationError> {
    crate::json::from_value(args.get("fields").cloned().unwrap_or_else(|| json!({})))
}

fn required_text<'a>(args: &'a Value, key: &str) -> Result<&'a str, ValidationError> {
    text(args, key)?.ok_or_else(|| ValidationError::new(key, Rule::Required, "is required"))
}

/// An optional whole-number argument.
fn number(args: &Value, key: &str) -> Result<Option<u32>, ValidationError> {
    match args.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| ValidationError::new(key, Rule::Type, format!("must be a whole number >= 0, got {v}"))),
    }
}

/// An optional text argument; anything but a string or null is a type error naming it.
fn text<'a>(args: &'a Value, key: &str) -> Result<Option<&'a str>, ValidationError> {
    match args.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(ValidationError::new(key, Rule::Type, format!("must be a string, got {other}"))),
    }
}

fn to_json<T: serde::Serialize>(r: Result<T, Error>) -> Result<Value, Error> {
    r.and_then(|v| serde_json::to_value(v).map_err(|e| Error::Internal { message: format!("cannot convert the result: {e}") }))
}
