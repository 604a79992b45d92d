//! The control plane's own JSON shapes: what its handlers answer beyond the domain's types, and
//! the schemas of bodies it reads as raw JSON (faults, the config patch, snapshots).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::domain::clock::ClockView;
use crate::domain::lifecycle::Happened;
use crate::domain::tenants::TenantSummary;
use crate::state::app::FORMAT;
use crate::state::journal::Fault;

/// `GET /__emulator/health`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}

/// Every app, the default one first.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Tenants {
    /// Whether every distinct key is an app of its own (`--accept-any-key`).
    pub tenant_per_key: bool,
    pub tenants: Vec<TenantSummary>,
}

/// A control-plane request that is wrong, and why.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ControlError {
    pub error: String,
}

/// Where the clock stands after a move, and what the time passed brought.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ClockMoved {
    #[serde(flatten)]
    pub clock: ClockView,
    /// The events, in order.
    pub happened: Vec<Happened>,
}

/// The query of the journal and of the profile list.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    /// At most this many (the journal's latest, the first profiles).
    #[serde(default)]
    pub limit: Option<usize>,
    /// Only profiles whose ids contain this (case-insensitive).
    #[serde(default)]
    pub search: Option<String>,
}

/// One fault or several: the body of `POST /__emulator/faults`.
#[derive(Debug, JsonSchema)]
#[schemars(untagged)]
pub enum Faults {
    Many(Vec<Fault>),
    One(Fault),
}

/// The seeded profiles' ids, in order.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Seeded {
    pub profile_ids: Vec<String>,
}

/// How many paywalls the catalog has.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PaywallCount {
    pub count: usize,
}

/// Everything the emulator keeps about a profile.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Inspection {
    /// The profile as the API returns it.
    #[schemars(with = "Map<String, Value>")]
    pub profile: Value,
    /// What is stored: more than the API returns (installations, every transaction of each
    /// subscription, revenue by transaction, balances, answered idempotency keys, ...).
    #[schemars(with = "Map<String, Value>")]
    pub stored: Value,
}

/// The queued deliveries' ids.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Triggered {
    pub deliveries: Vec<u64>,
}

/// Keys of the catalog's settings (`Config`) to change; the others stay.
pub struct ConfigPatch;

impl JsonSchema for ConfigPatch {
    fn schema_name() -> Cow<'static, str> {
        "ConfigPatch".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "description": "Keys of the catalog's settings (`Config`) to change; the others stay. An unknown key is refused.",
        })
    }
}

/// An app's whole state (docs/EMULATOR.md, "Snapshots").
pub struct SnapshotDocument;

impl JsonSchema for SnapshotDocument {
    fn schema_name() -> Cow<'static, str> {
        "Snapshot".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "description": format!("An app's whole state: clock, catalog, profiles, faults, chaos, webhook log and journal, starting with `\"format\": \"{FORMAT}\"` (docs/EMULATOR.md, \"Snapshots\")."),
        })
    }
}

/// This document.
pub struct OpenApiDocument;

impl JsonSchema for OpenApiDocument {
    fn schema_name() -> Cow<'static, str> {
        "OpenApiDocument".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "object", "description": "An OpenAPI 3.1 document." })
    }
}
