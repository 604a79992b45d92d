//! Every operation by name, with JSON in and out: the one entry point the language bindings call
//! (`call(client, "profiles.get", args)`), so a new endpoint needs no new binding code in Rust.
//!
//! Arguments use the API's snake_case names: `profile_id`, `customer_user_id`, `fields` (the
//! request body, read by [`ProfileParams::from_json`]), `refs` (a list of `{profile_id,
//! customer_user_id}`) and `concurrency`. Results are the models' JSON; `profiles.deleteMany`
//! gives, per input, `null` or the error's [`Error::to_json`].

use serde_json::{Value, json};

use crate::client::Client;
use crate::error::{Error, Rule, ValidationError};
use crate::models::ProfileParams;
use crate::reference::{CreateRef, ProfileRef};

/// Runs the operation `op` with `args`.
pub async fn call(client: &Client, op: &str, args: &Value) -> Result<Value, Error> {
    let (pid, cuid) = (text(args, "profile_id")?, text(args, "customer_user_id")?);
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
        other => Err(Error::Usage { message: format!("unknown operation {other:?}") }),
    }
}

/// `call`'s outcome as one JSON value: `{"ok": result}` or `{"error": description}`.
pub fn outcome(result: Result<Value, Error>) -> Value {
    match result {
        Ok(v) => json!({ "ok": v }),
        Err(e) => json!({ "error": e.to_json() }),
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
