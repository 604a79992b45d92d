//! One app's whole state. Serialized, it is the app's snapshot: stable, diff-friendly JSON (fields
//! in a fixed order, profiles sorted by id, maps by key) that reads back to the same state.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use adapty_server::Timestamp;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use crate::state::catalog::Catalog;
use crate::state::chaos::Chaos;
use crate::state::clock::Clock;
use crate::state::journal::{Fault, JournalEntry};
use crate::state::mail::Mail;
use crate::state::profile::StoredProfile;
use crate::state::schedule::Schedule;
use crate::state::webhooks::Log;

/// The name and version a snapshot starts with; another is refused.
pub const FORMAT: &str = "adapty-emulator-snapshot/1";

/// One app's state.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inner {
    /// The snapshot format's name and version.
    format: Format,
    pub clock: Clock,
    /// What time has done so far, and when it next has something to do.
    pub schedule: Schedule,
    /// Access levels, products, currencies, paywalls and limits: what the dashboard configures.
    pub catalog: Catalog,
    /// Sorted by profile id in a snapshot.
    #[serde(with = "sorted_profiles")]
    pub profiles: HashMap<Uuid, StoredProfile>,
    /// Derived from `profiles`.
    #[serde(skip)]
    pub by_customer_user_id: HashMap<String, Uuid>,
    pub faults: Vec<Fault>,
    /// Faults drawn at random for every request, when on.
    pub chaos: Option<Chaos>,
    /// When each virtual currency request of the last minute arrived (the rate limit's window).
    pub vc_requests: VecDeque<DateTime<Utc>>,
    /// When each Export Analytics request of the last second arrived, per API key, in real time
    /// (the rate limit's window; not in a snapshot).
    #[serde(skip)]
    pub analytics_requests: HashMap<String, VecDeque<Instant>>,
    /// Every webhook sent or to send, with its attempts.
    pub webhooks: Log,
    /// Adapty Mail's profiles and transaction events (the Mail API's).
    #[serde(default)]
    pub mail: Mail,
    pub journal: VecDeque<JournalEntry>,
}

impl Inner {
    /// A new app's state: no profiles, the default catalog, the wall clock's time.
    pub fn defaults() -> Self {
        let clock = Clock::default();
        Self {
            format: Format,
            profiles: HashMap::new(),
            by_customer_user_id: HashMap::new(),
            journal: VecDeque::new(),
            faults: Vec::new(),
            chaos: None,
            catalog: Catalog::default(),
            vc_requests: VecDeque::new(),
            analytics_requests: HashMap::new(),
            webhooks: Log::default(),
            mail: Mail::default(),
            schedule: Schedule::new(clock.now()),
            clock,
        }
    }

    /// The app's time (its [`Clock`]'s).
    pub fn now(&self) -> Timestamp {
        Timestamp::from(self.clock.now())
    }
}

/// The `format` field: always [`FORMAT`].
#[derive(Debug, Clone, Copy)]
struct Format;

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

/// Profiles as a list sorted by id (a map's order would change from run to run).
mod sorted_profiles {
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
