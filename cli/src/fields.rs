//! A request body's fields as command-line flags: what each takes, and how its text becomes the
//! JSON value the core reads (which then checks it as it checks every language's input).

use serde_json::{Number, Value};

/// One field of a request body (from the core's schema, see `bodies.rs`).
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// `null` clears it (`--flag null`).
    pub nullable: bool,
    pub doc: &'static str,
}

/// How a flag's text is read.
#[derive(Debug)]
pub enum Kind {
    /// Text; the values listed are the known ones (others pass: Adapty adds values).
    Text(&'static [&'static str]),
    /// One of these values only.
    OneOf(&'static [&'static str]),
    /// An ISO 8601 date and time, or `now`.
    DateTime,
    Integer,
    /// No body has a top-level number field today; the generator maps any future one here.
    #[allow(dead_code)]
    Number,
    Bool,
    /// A JSON value (an object such as `price`, or a list).
    Json,
}

impl Field {
    /// The flag's name: `expires_at` is `--expires-at`.
    pub fn flag(&self) -> String {
        self.name.replace('_', "-")
    }

    /// What the flag's help says: the doc, the accepted values and the form.
    pub fn help(&self) -> String {
        let form = match self.kind {
            Kind::Text([]) => String::new(),
            Kind::Text(known) => format!(" Known values: {}.", known.join(", ")),
            Kind::OneOf(values) => format!(" One of: {}.", values.join(", ")),
            Kind::DateTime => " ISO 8601 (e.g. 2026-01-31T10:00:00Z) or `now`.".into(),
            Kind::Integer => " A whole number.".into(),
            Kind::Number => " A number.".into(),
            Kind::Bool => " true or false.".into(),
            Kind::Json => " JSON, e.g. '{\"key\": \"value\"}'.".into(),
        };
        let null = if self.nullable { " `null` clears it." } else { "" };
        format!("{}{form}{null}", self.doc).trim().to_owned()
    }

    /// The JSON value `text` stands for, or why it cannot be one. `now` is the command's one
    /// instant, so that every `now` of a command is the same time (`--purchased-at now
    /// --originally-purchased-at now` must not come out a millisecond apart, in the wrong order).
    pub fn parse(&self, text: &str, now: &str) -> Result<Value, String> {
        if self.nullable && text == "null" {
            return Ok(Value::Null);
        }
        let wrong = |what: &str| format!("--{} must be {what}, got {text:?}", self.flag());
        match self.kind {
            Kind::Text(_) => Ok(Value::String(text.to_owned())),
            Kind::OneOf(values) if values.contains(&text) => Ok(Value::String(text.to_owned())),
            Kind::OneOf(values) => Err(wrong(&format!("one of {}", values.join(", ")))),
            Kind::DateTime if text == "now" => Ok(Value::String(now.to_owned())),
            Kind::DateTime => chrono::DateTime::parse_from_rfc3339(text)
                .map(|_| Value::String(text.to_owned()))
                .map_err(|_| wrong("an ISO 8601 date and time with its offset (e.g. 2026-01-31T10:00:00Z) or `now`")),
            Kind::Integer => text.parse::<i64>().map(Value::from).map_err(|_| wrong("a whole number")),
            Kind::Number => text.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number).ok_or_else(|| wrong("a number")),
            Kind::Bool => text.parse::<bool>().map(Value::Bool).map_err(|_| wrong("true or false")),
            Kind::Json => serde_json::from_str(text).map_err(|e| wrong(&format!("JSON ({e})"))),
        }
    }
}
