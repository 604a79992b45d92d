//! From flags (and a bulk job's input lines) to the arguments `ops::call` takes: the profile's
//! ids, the path parameter, the operation's own parameters and `fields`, the request body.

use std::io::Read;

use adapty_server::ops::manifest::{Addressing, Operation, ParamKind};
use clap::ArgMatches;
use serde_json::{Map, Value};

use crate::{bodies, commands};

/// The profile's ids, as flags and input lines name them.
pub const PROFILE_KEYS: [&str; 2] = ["profile_id", "customer_user_id"];

/// The arguments the flags give: a whole call's, or every input's in a bulk job.
#[derive(Debug, Clone)]
pub struct Template {
    pub op: &'static Operation,
    args: Map<String, Value>,
    fields: Option<Map<String, Value>>,
    /// What `now` reads as, in flags and in every input of a bulk job: when the command started.
    now: String,
}

impl Template {
    /// Reads the flags of `op`'s command; an error names the flag.
    pub fn from_matches(op: &'static Operation, m: &ArgMatches) -> Result<Self, String> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut args = Map::new();
        let text = |name: &str| m.try_get_one::<String>(name).ok().flatten().cloned();
        if op.profile != Addressing::None {
            for key in PROFILE_KEYS {
                if let Some(v) = text(key) {
                    args.insert(key.into(), Value::String(v));
                }
            }
        }
        for p in op.params.iter().chain(&op.path_param).filter(|p| p.kind != ParamKind::ProfileRefs && p.name != "concurrency") {
            let value = match p.kind {
                ParamKind::Count => m.get_one::<u32>(p.name).map(|n| Value::from(*n)),
                // A positional argument, or its flag.
                _ => text(p.name).or_else(|| text(&commands::flag_id(p))).map(Value::String),
            };
            if let Some(v) = value {
                args.insert(p.name.into(), v);
            }
        }
        let fields = match op.body {
            None => None,
            Some(model) => {
                let mut body = match text("json") {
                    Some(source) => read_object(&source).map_err(|e| format!("--json {source}: {e}"))?,
                    None => Map::new(),
                };
                for field in bodies::fields(model) {
                    if let Some(v) = text(field.name) {
                        body.insert(field.name.into(), field.parse(&v, &now)?);
                    }
                }
                Some(body)
            }
        };
        Ok(Self { op, args, fields, now })
    }

    /// The arguments of one call.
    pub fn call(&self) -> Value {
        let mut args = self.args.clone();
        if let Some(fields) = &self.fields {
            args.insert("fields".into(), Value::Object(fields.clone()));
        }
        Value::Object(args)
    }

    /// The arguments for one input of a bulk job: the input's ids, and its other keys as body
    /// fields over the flags' (flag-style names with dashes are accepted too).
    pub fn with_input(&self, input: &Map<String, Value>) -> Result<Value, String> {
        let mut args = self.args.clone();
        let mut fields = self.fields.clone();
        for (key, value) in input {
            let key = key.replace('-', "_");
            if PROFILE_KEYS.contains(&key.as_str()) || self.op.params.iter().any(|p| p.name == key) {
                args.insert(key, value.clone());
            } else if let Some(fields) = fields.as_mut() {
                let field = self.op.body.and_then(|model| bodies::fields(model).iter().find(|f| f.name == key));
                // CSV gives text: read it as the flag would be read.
                let value = match (field, value) {
                    (Some(f), Value::String(s)) if !matches!(f.kind, crate::fields::Kind::Text(_)) => f.parse(s, &self.now)?,
                    _ => value.clone(),
                };
                fields.insert(key, value);
            } else {
                return Err(format!("{key:?} is not an argument of {} (it takes {})", self.op.name, PROFILE_KEYS.join(" or ")));
            }
        }
        if let Some(fields) = fields {
            args.insert("fields".into(), Value::Object(fields));
        }
        Ok(Value::Object(args))
    }
}

/// A JSON object from FILE, or from stdin for `-`.
pub fn read_object(source: &str) -> Result<Map<String, Value>, String> {
    let mut text = String::new();
    if source == "-" {
        std::io::stdin().read_to_string(&mut text).map_err(|e| e.to_string())?;
    } else {
        text = std::fs::read_to_string(source).map_err(|e| e.to_string())?;
    }
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("must hold a JSON object".into()),
        Err(e) => Err(format!("not JSON: {e}")),
    }
}
