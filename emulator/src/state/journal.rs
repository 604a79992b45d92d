//! What the journal/fault layer in front of the API keeps: the requests received (the journal)
//! and the failures planned for the next ones (faults).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Most journal entries kept; older ones are dropped first.
pub const JOURNAL_CAPACITY: usize = 10_000;

/// One request as received, with the key redacted.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JournalEntry {
    pub request_id: String,
    pub received_at: String,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Lower-case names; `authorization` is `<redacted>`.
    pub headers: BTreeMap<String, String>,
    pub body: String,
    pub status: u16,
    /// Whether an injected fault answered it.
    pub fault: bool,
}

/// A planned failure for the next `times` requests that match.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct Fault {
    /// Only this method (any if absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Only paths starting with this (any if absent).
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// Only requests carrying each of these headers with exactly this value (names in any
    /// case), e.g. `{"adapty-customer-user-id": "slow-user"}` to slow down one profile.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// How many matching requests it applies to.
    #[serde(default = "one")]
    pub times: u32,
    /// Answer with this status instead of handling the request.
    #[serde(default)]
    pub status: Option<u16>,
    /// Body of that answer (JSON value, or a string sent as is).
    #[serde(default)]
    pub body: Option<Value>,
    /// `Retry-After` header of that answer.
    #[serde(default)]
    pub retry_after: Option<String>,
    /// Wait this long first (then answer with `status`, or handle the request normally).
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Handle the request first (the change is made), then answer with `status` or break the
    /// connection: the client sees an error for a write that happened.
    #[serde(default)]
    pub apply: bool,
    /// Send headers, then break the connection instead of sending a body.
    #[serde(default)]
    pub drop_connection: bool,
}

fn one() -> u32 {
    1
}
