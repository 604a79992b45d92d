//! Snapshots: an app's whole state as text and back (`GET`/`PUT /__emulator/snapshot`,
//! `--import`, `--export-on-exit`). Export, import, export gives the same text.

use std::sync::Arc;

use crate::state::app::Inner;

/// A state to start apps from, read from a snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot(Arc<Inner>);

impl Snapshot {
    /// Reads a snapshot; the error names where it is wrong.
    pub fn from_json(text: &str) -> Result<Self, String> {
        parse(text.as_bytes()).map(|state| Snapshot(Arc::new(state)))
    }

    /// A fresh copy of the state.
    pub fn state(&self) -> Inner {
        (*self.0).clone()
    }
}

/// A snapshot read into a state, with what is derived from it rebuilt.
pub fn parse(body: &[u8]) -> Result<Inner, String> {
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
