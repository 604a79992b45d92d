//! When an app's time next has something to do: how far it has run, and the earliest moment
//! after that a profile has something due (a subscription's end, an access level's start or end).
//! Derived from the profiles, like an index, so a request checks one time instead of every
//! profile; the domain's `lifecycle` makes what is due happen.

use std::borrow::Borrow;

use adapty_server::{Subscription, Timestamp};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::state::profile::StoredProfile;

/// How far the app's time has been run, and when it next needs running.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Everything due up to here has happened.
    pub ran_until: DateTime<Utc>,
    /// The earliest moment after `ran_until` anything is due (none: nothing is); derived.
    #[serde(skip)]
    next_due: Option<DateTime<Utc>>,
}

impl Schedule {
    /// Nothing due, everything up to `now` done.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self { ran_until: now, next_due: None }
    }

    /// Whether anything is due by `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.next_due.is_some_and(|t| t <= now)
    }

    /// Recomputes when anything is next due (after the profiles were replaced or time was run).
    pub fn rebuild(&mut self, profiles: impl Iterator<Item = impl Borrow<StoredProfile>>) {
        let after = self.ran_until;
        self.next_due = profiles.flat_map(|p| dues(p.borrow()).map(|(t, _)| t).filter(|t| *t > after).collect::<Vec<_>>()).min();
    }

    /// Takes note of a profile changed at `now` (everything due by then has run, at the start of
    /// the request): what it has due later is scheduled, and what it has due earlier (a
    /// transaction recorded already expired) has happened as the change says.
    pub fn touched(&mut self, profile: &StoredProfile, now: DateTime<Utc>) {
        if self.next_due.is_none_or(|t| t > now) {
            self.ran_until = self.ran_until.max(now);
        }
        if let Some(t) = dues(profile).map(|(t, _)| t).filter(|t| *t > now).min() {
            self.next_due = Some(self.next_due.map_or(t, |n| n.min(t)));
        }
    }
}

/// One thing due; at the same moment a subscription's end comes first (a renewal moves its
/// access level's end).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Due {
    /// A subscription (by original transaction id) reaches its `expires_at`.
    SubscriptionEnd(String),
    /// An access level (by id) reaches its `starts_at`.
    AccessStart(String),
    /// An access level (by id) reaches its `expires_at`.
    AccessEnd(String),
}

pub fn utc(t: Timestamp) -> DateTime<Utc> {
    t.0.with_timezone(&Utc)
}

/// Everything `profile` has due, at any time.
pub fn dues(profile: &StoredProfile) -> impl Iterator<Item = (DateTime<Utc>, Due)> + '_ {
    let refunded = |s: &&Subscription| s.store_transaction_id.as_ref().is_some_and(|id| profile.refunded.contains(id));
    let subscriptions = profile
        .subscriptions
        .iter()
        .filter(move |s| !refunded(s))
        .filter_map(|s| Some((utc(s.expires_at?), Due::SubscriptionEnd(s.store_original_transaction_id.clone()?))));
    let levels = profile.access_levels.values().flat_map(|l| {
        let start = l.starts_at.map(|t| (utc(t), Due::AccessStart(l.access_level_id.clone())));
        let end = l.expires_at.map(|t| (utc(t), Due::AccessEnd(l.access_level_id.clone())));
        start.into_iter().chain(end)
    });
    subscriptions.chain(levels)
}
