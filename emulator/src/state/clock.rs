//! An app's clock: the wall clock moved ahead by an offset, or frozen at an instant. Everything
//! that reads "now" reads it here; the domain's `clock` moves it.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// A clock that never goes backwards (its moves only ever add).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clock {
    /// How far ahead of the wall clock it is, in milliseconds.
    pub offset_ms: i64,
    /// When frozen, the instant it stands at.
    #[serde(default)]
    pub frozen_at: Option<DateTime<Utc>>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        self.frozen_at.unwrap_or_else(|| Utc::now() + TimeDelta::milliseconds(self.offset_ms))
    }
}
