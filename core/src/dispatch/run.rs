//! Running an operation by name: find it, check its arguments against its manifest entry, run
//! its type (from its declaration), and return its result as JSON text.

use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::api::args::Args;
use crate::api::client::Client;
use crate::api::declare::{Call, Visit};
use crate::api::manifest::{Addressing, Operation, ParamKind};
use crate::api::operations::Op;
use crate::models::error::{Error, Rule, ValidationError};
use crate::models::json::Json;

/// Runs the operation `op` (a name of the manifest's `OPERATIONS`) with `args`; the result as
/// JSON.
pub async fn call(client: &Client, op: &str, args: &Value) -> Result<Json, Error> {
    let op = Op::find(op).ok_or_else(|| Error::Usage { message: format!("unknown operation {op:?}") })?;
    run(client, op, args).await
}

/// Runs `op` with `args`, checked first.
pub(super) async fn run(client: &Client, op: Op, args: &Value) -> Result<Json, Error> {
    let args = check(op.operation(), args)?;
    op.visit(Run { client, args }).await
}

/// Runs an operation by its type, its result as JSON text.
struct Run<'a> {
    client: &'a Client,
    args: Args<'a>,
}

impl Visit for Run<'_> {
    type Output = Result<Json, Error>;

    async fn visit<C: Call>(self) -> Result<Json, Error> {
        to_json(C::call(self.client, self.args).await)
    }
}

/// Checks a call's arguments against its operation's description: no argument it does not
/// take, every argument of its kind, the required ones given. The typed readers then only read.
pub(super) fn check<'a>(op: &Operation, args: &'a Value) -> Result<Args<'a>, ValidationError> {
    let args = Args::new(args)?;
    let names_profile = op.profile != Addressing::None;
    for key in args.keys() {
        let known = (names_profile && (key == "profile_id" || key == "customer_user_id"))
            || (op.body.is_some() && key == "fields")
            || op.params.iter().chain(&op.path_param).any(|p| p.name == key);
        if !known {
            return Err(ValidationError::new(key, Rule::Type, format!("is not an argument of {}", op.name)));
        }
    }
    if names_profile {
        args.text("profile_id")?;
        args.text("customer_user_id")?;
    }
    for param in op.params.iter().chain(&op.path_param) {
        let given = match param.kind {
            ParamKind::Text => args.text(param.name)?.is_some(),
            ParamKind::Count => args.count(param.name)?.is_some(),
            ParamKind::ProfileRefs => args.list(param.name)?.is_some(),
        };
        if param.required && !given {
            return Err(ValidationError::new(param.name, Rule::Required, "is required"));
        }
    }
    Ok(args)
}

/// `call`'s outcome as one JSON text: `{"ok": result}` or `{"error": description}`.
pub fn outcome(result: Result<Json, Error>) -> String {
    match result {
        Ok(v) => format!(r#"{{"ok":{}}}"#, v.get()),
        Err(e) => json!({ "error": e.to_json() }).to_string(),
    }
}

pub(super) fn to_json<T: serde::Serialize>(r: Result<T, Error>) -> Result<Json, Error> {
    r.and_then(|v| serde_json::value::to_raw_value(&v).map_err(internal))
}

/// `null` as [`Json`]: the result of an operation without one, and a finished walk's.
pub fn null() -> Json {
    RawValue::NULL.to_owned()
}

pub(super) fn internal(e: serde_json::Error) -> Error {
    Error::Internal { message: format!("cannot convert the result: {e}") }
}
