//! Snapshots: an app's whole state (profiles, catalog, clock, faults, chaos, the webhook log, the
//! journal) as stable, diff-friendly JSON that reads back to the same state, so export, import,
//! export gives the same text.
//!
//! `GET /__emulator/snapshot` exports the addressed app, `PUT /__emulator/snapshot` replaces it;
//! `--import FILE` makes every app start (and reset) from one, `--export-on-exit FILE` writes them
//! when the emulator stops.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use crate::errors;
use crate::state::{App, Idempotent, Inner, StoredProfile};

/// The name and version a snapshot starts with; another is refused.
const FORMAT: &str = "adapty-emulator-snapshot/1";

/// The `format` field: always [`FORMAT`].
#[derive(Debug, Clone, Copy)]
pub struct Format;

impl Serialize for Format {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(FORMAT)
    }
}

impl<'de> Deserialize<'de> for Format {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text == FORMAT { Ok(Format) } else { Err(serde::de::Error::custom(format!("format {text:?} is not {FORMAT:?}"))) }
    }
}

/// A state to start apps from, read from a snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot(Arc<Inner>);

impl Snapshot {
    /// Reads a snapshot; the error names where it is wrong.
    pub fn from_json(text: &str) -> Result<Self, String> {
        parse(text.as_bytes()).map(|state| Snapshot(Arc::new(state)))
    }

    /// A fresh copy of the state.
    pub(crate) fn state(&self) -> Inner {
        (*self.0).clone()
    }
}

/// A snapshot read into a state, with what is derived from it rebuilt.
fn parse(body: &[u8]) -> Result<Inner, String> {
    let mut reader = serde_json::Deserializer::from_slice(body);
    let mut state: Inner =
        serde_path_to_error::deserialize(&mut reader).map_err(|e| format!("not a snapshot: {}: {}", e.path(), e.inner()))?;
    reader.end().map_err(|e| format!("not a snapshot: {e}"))?;
    for p in state.profiles.values() {
        if let Some(c) = &p.customer_user_id {
            if state.by_customer_user_id.insert(c.clone(), p.profile_id).is_some() {
                return Err(format!("not a snapshot: two profiles have the customer_user_id {c:?}"));
            }
        }
    }
    let Inner { schedule, profiles, .. } = &mut state;
    schedule.rebuild(profiles.values());
    Ok(state)
}

/// A state as snapshot text: pretty-printed, profiles in id order, a final newline.
pub fn to_json(state: &Inner) -> String {
    let mut text = serde_json::to_string_pretty(state).unwrap_or_default();
    text.push('\n');
    text
}

/// `GET /__emulator/snapshot`.
pub async fn export(App(app): App) -> Response {
    let text = to_json(&app.lock());
    ([(header::CONTENT_TYPE, "application/json")], text).into_response()
}

/// `PUT /__emulator/snapshot`: replaces the app's whole state (204); a body that is not a
/// snapshot is 400 and changes nothing.
pub async fn import(App(app): App, body: Bytes) -> Response {
    match parse(&body) {
        Ok(new) => {
            let mut state = app.lock();
            *state = new;
            crate::webhooks::resume(&app, &mut state);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(message) => errors::control(StatusCode::BAD_REQUEST, &message),
    }
}

/// Profiles as a list sorted by id (a map's order would change from run to run).
pub mod profiles {
    use super::*;

    pub fn serialize<S: Serializer>(profiles: &HashMap<Uuid, StoredProfile>, s: S) -> Result<S::Ok, S::Error> {
        let mut sorted: Vec<&StoredProfile> = profiles.values().collect();
        sorted.sort_by_key(|p| p.profile_id);
        s.collect_seq(sorted)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<HashMap<Uuid, StoredProfile>, D::Error> {
        let list = Vec::<StoredProfile>::deserialize(d)?;
        let count = list.len();
        let map: HashMap<Uuid, StoredProfile> = list.into_iter().map(|p| (p.profile_id, p)).collect();
        if map.len() != count {
            return Err(serde::de::Error::custom("two profiles have the same profile_id"));
        }
        Ok(map)
    }
}

/// The idempotency keys with an answer: one still in flight has no answer to keep.
pub fn answered<S: Serializer>(keys: &BTreeMap<String, Idempotent>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(keys.iter().filter(|(_, k)| k.answer.is_some()))
}
