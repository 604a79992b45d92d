//! Chaos as configured (`POST /__emulator/chaos`) and what it has done so far: a seed, a rate
//! per kind of fault, and the count of requests seen and faults drawn. The domain's `chaos`
//! checks the settings and draws.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What can happen to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "ChaosKind")]
pub enum Kind {
    /// 500 instead of handling it.
    #[serde(rename = "status_500")]
    Status500,
    /// 503 instead of handling it.
    #[serde(rename = "status_503")]
    Status503,
    /// 429 with `Retry-After` instead of handling it.
    #[serde(rename = "status_429")]
    Status429,
    /// The connection breaks instead of an answer.
    Dropped,
    /// Handled only after `slow_ms` (meant to be past the client's timeout), and then to the end
    /// even when the client has gone, as a real server would.
    Slow,
    /// Handled (the change is made), then answered 500.
    #[serde(rename = "applied_then_500")]
    AppliedThen500,
    /// Handled (the change is made), then the connection breaks.
    AppliedThenDropped,
}

/// The settings of `POST /__emulator/chaos`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ChaosSettings")]
pub struct Settings {
    pub seed: u64,
    /// The probability of each kind per request, summing to at most 1; the rest pass untouched.
    pub rates: BTreeMap<Kind, f64>,
    /// Only API paths starting with this (all if absent).
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// `Retry-After` of the 429s.
    #[serde(default = "default_retry_after")]
    pub retry_after: String,
    /// The delay of `slow`.
    #[serde(default = "default_slow_ms")]
    pub slow_ms: u64,
}

pub fn default_retry_after() -> String {
    "1".into()
}

fn default_slow_ms() -> u64 {
    2000
}

/// Chaos as configured, with what it has done so far.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Chaos {
    #[serde(flatten)]
    pub settings: Settings,
    /// Matching requests seen.
    pub requests: u64,
    /// Faults injected, by kind.
    pub injected: BTreeMap<Kind, u64>,
}
