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
//!
//! Results come as JSON text ([`Json`]), serialized straight from the typed result: no
//! `serde_json::Value` tree is built on the way out, and each binding reads the text with its
//! own language's parser (V8's `JSON.parse`, Python's `json`, kotlinx, `Codable`), which builds
//! that language's values faster than converting a tree node by node through its FFI.

pub mod observe;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use crate::api::client::Client;
use crate::api::manifest::{self, Addressing, Operation, ParamKind};
use crate::models::error::{Error, Rule, ValidationError};
pub use crate::models::json::Json;
use crate::models::reference::{CreateRef, ProfileRef};
use crate::models::{HistoryRequest, PageRequest, ProfileParams};
use crate::transport::pagination::Cursors;

/// Runs the operation `op` (a name of [`manifest::OPERATIONS`]) with `args`; the result as JSON.
pub async fn call(client: &Client, op: &str, args: &Value) -> Result<Json, Error> {
    let op = manifest::find(op).ok_or_else(|| Error::Usage { message: format!("unknown operation {op:?}") })?;
    let args = Args::check(op, args)?;
    match op.name {
        "profiles.get" => to_json(client.profiles().get(&args.profile()?).await),
        "profiles.create" => {
            let target = CreateRef::from_parts(args.text("profile_id"), args.text("customer_user_id"))?;
            to_json(client.profiles().create(&target, &args.profile_fields()?).await)
        }
        "profiles.update" => to_json(client.profiles().update(&args.profile()?, &args.profile_fields()?).await),
        "profiles.delete" => client.profiles().delete(&args.profile()?).await.map(|()| null()),
        "profiles.deleteMany" => {
            let refs: Vec<_> =
                args.refs("refs").iter().map(|r| ProfileRef::from_parts(text(r, "profile_id")?, text(r, "customer_user_id")?)).collect();
            let concurrency = match args.count("concurrency") {
                None => crate::api::profiles::DEFAULT_DELETE_CONCURRENCY,
                Some(0) => return Err(ValidationError::new("concurrency", Rule::Range, "must be a whole number >= 1, got 0").into()),
                Some(n) => n as usize,
            };
            let results = client.profiles().delete_many(refs, concurrency).await;
            to_json(Ok(results.iter().map(|r| r.as_ref().err().map(Error::to_json)).collect::<Vec<_>>()))
        }
        "purchases.setTransaction" => to_json(client.purchases().set_transaction(&args.profile()?, &args.body()?).await),
        "purchases.validateStripe" => client.purchases().validate_stripe(&args.body()?).await.map(|()| null()),
        "purchases.validatePaddle" => to_json(client.purchases().validate_paddle(&args.body()?).await),
        "accessLevels.grant" => to_json(client.access_levels().grant(&args.profile()?, &args.body()?).await),
        "accessLevels.revoke" => to_json(client.access_levels().revoke(&args.profile()?, &args.body()?).await),
        "refundSaver.get" => to_json(client.refund_saver().get(&args.profile()?).await),
        "refundSaver.set" => to_json(client.refund_saver().set(&args.profile()?, &args.body()?).await),
        "integrations.get" => to_json(client.integrations().get(&args.profile()?).await),
        "integrations.set" => client.integrations().set(&args.profile()?, &args.body()?).await.map(|()| null()),
        "paywalls.list" => {
            let page_size = args.count("page_size").unwrap_or(PageRequest::default().page_size);
            let page = match args.text("cursor") {
                Some(cursor) => PageRequest::at(Some(cursor), page_size)?,
                None => PageRequest { page: args.count("page").unwrap_or(1), page_size },
            };
            to_json(client.paywalls().list(&page).await)
        }
        "paywalls.get" => to_json(client.paywalls().get(args.path_param()).await),
        "paywalls.update" => to_json(client.paywalls().update(args.path_param(), &args.body()?).await),
        "virtualCurrency.createTransaction" => {
            let (profile, key) = (args.profile()?, args.text("idempotency_key"));
            to_json(client.virtual_currency().create_transaction(&profile, &args.body()?, key).await)
        }
        "virtualCurrency.listTransactions" => {
            let page = HistoryRequest {
                currency_code: args.text("currency_code").map(str::to_owned),
                limit: args.count("limit"),
                cursor: args.text("cursor").map(str::to_owned),
            };
            to_json(client.virtual_currency().list_transactions(&args.profile()?, &page).await)
        }
        "virtualCurrency.balances" => to_json(client.virtual_currency().balances(&args.profile()?).await),
        other => Err(Error::Internal { message: format!("{other} is described but not dispatched") }),
    }
}

/// One call's arguments, checked against its operation's description: no argument it does not
/// take, every argument of its kind, the required ones given. The accessors then only read.
struct Args<'a> {
    op: &'static Operation,
    map: Option<&'a Map<String, Value>>,
}

impl<'a> Args<'a> {
    fn check(op: &'static Operation, args: &'a Value) -> Result<Self, ValidationError> {
        let map = match args {
            Value::Null => None,
            Value::Object(map) => Some(map),
            other => return Err(ValidationError::new("args", Rule::Type, format!("must be an object, got {other}"))),
        };
        let checked = Self { op, map };
        let names_profile = op.profile != Addressing::None;
        for key in map.into_iter().flat_map(Map::keys) {
            let known = (names_profile && (key == "profile_id" || key == "customer_user_id"))
                || (op.body.is_some() && key == "fields")
                || op.params.iter().chain(&op.path_param).any(|p| p.name == key);
            if !known {
                return Err(ValidationError::new(key, Rule::Type, format!("is not an argument of {}", op.name)));
            }
        }
        if names_profile {
            text(args, "profile_id")?;
            text(args, "customer_user_id")?;
        }
        for param in op.params.iter().chain(&op.path_param) {
            let given = match param.kind {
                ParamKind::Text => text(args, param.name)?.is_some(),
                ParamKind::Count => number(args, param.name)?.is_some(),
                ParamKind::ProfileRefs => match args.get(param.name) {
                    None | Some(Value::Null) => false,
                    Some(Value::Array(_)) => true,
                    Some(other) => return Err(ValidationError::new(param.name, Rule::Type, format!("must be a list, got {other}"))),
                },
            };
            if param.required && !given {
                return Err(ValidationError::new(param.name, Rule::Required, "is required"));
            }
        }
        Ok(checked)
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.and_then(|m| m.get(key)).filter(|v| !v.is_null())
    }

    /// A text argument (checked to be text).
    fn text(&self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(Value::as_str)
    }

    /// A count argument (checked to fit).
    fn count(&self, key: &str) -> Option<u32> {
        self.get(key).and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok())
    }

    fn refs(&self, key: &str) -> &'a [Value] {
        self.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
    }

    /// The required path parameter (checked to be given).
    fn path_param(&self) -> &'a str {
        self.op.path_param.as_ref().and_then(|p| self.text(p.name)).unwrap_or_default()
    }

    fn profile(&self) -> Result<ProfileRef, ValidationError> {
        ProfileRef::from_parts(self.text("profile_id"), self.text("customer_user_id"))
    }

    fn fields(&self) -> Value {
        self.get("fields").cloned().unwrap_or_else(|| json!({}))
    }

    fn profile_fields(&self) -> Result<ProfileParams, ValidationError> {
        ProfileParams::from_json(self.fields())
    }

    /// The request body `fields`, read with the field's path in any error.
    fn body<T: DeserializeOwned>(&self) -> Result<T, ValidationError> {
        crate::models::json::from_value(self.fields())
    }
}

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
        let Some(list) = manifest::find(op).filter(|o| o.walk.is_some()) else {
            let walkable: Vec<_> = manifest::OPERATIONS.iter().filter(|o| o.walk.is_some()).map(|o| o.name).collect();
            return Err(Error::Usage { message: format!("{op:?} is not a list operation (walkable: {})", walkable.join(", ")) });
        };
        // Wrong arguments fail here, when the walk is opened, not at its first page; the walk
        // sends the cursor itself, so neither it nor anything else outside the walk is taken.
        let checked = Args::check(list, &args)?;
        if let Some(param) = list.params.iter().find(|p| !p.in_walk && checked.get(p.name).is_some()) {
            return Err(ValidationError::new(param.name, Rule::Type, format!("is not an argument of {}'s walk", list.name)).into());
        }
        if list.profile != Addressing::None {
            checked.profile()?;
        }
        let state = tokio::sync::Mutex::new((Cursors::default(), Some(None)));
        Ok(Self { client: client.clone(), op: op.to_owned(), args, state })
    }

    /// The next page's items (a JSON list of models), or `None` when the walk is over.
    pub async fn next(&self) -> Result<Option<Json>, Error> {
        /// What a walk reads of a page (the items stay JSON text).
        #[derive(Deserialize)]
        struct Page<'a> {
            #[serde(borrow)]
            data: Option<&'a RawValue>,
            next_cursor: Option<String>,
        }
        let mut state = self.state.lock().await;
        let Some(cursor) = state.1.take() else { return Ok(None) };
        let mut args = self.args.clone();
        if let (Some(c), Some(map)) = (cursor, args.as_object_mut()) {
            map.insert("cursor".into(), Value::String(c));
        }
        let text = call(&self.client, &self.op, &args).await?;
        let page: Page<'_> = serde_json::from_str(text.get()).map_err(internal)?;
        state.1 = state.0.next(page.next_cursor)?.map(Some);
        Ok(Some(page.data.map_or_else(|| to_json(Ok(json!([]))), |items| Ok(items.to_owned()))?))
    }
}

/// `call`'s outcome as one JSON text: `{"ok": result}` or `{"error": description}`.
pub fn outcome(result: Result<Json, Error>) -> String {
    match result {
        Ok(v) => format!(r#"{{"ok":{}}}"#, v.get()),
        Err(e) => json!({ "error": e.to_json() }).to_string(),
    }
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

fn to_json<T: serde::Serialize>(r: Result<T, Error>) -> Result<Json, Error> {
    r.and_then(|v| serde_json::value::to_raw_value(&v).map_err(internal))
}

/// `null` as [`Json`]: the result of an operation without one, and a finished walk's.
pub fn null() -> Json {
    RawValue::NULL.to_owned()
}

fn internal(e: serde_json::Error) -> Error {
    Error::Internal { message: format!("cannot convert the result: {e}") }
}
