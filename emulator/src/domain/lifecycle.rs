//! What time does to an app's profiles, following Adapty's event flows, in order of when it is
//! due:
//!
//! - a subscription reaching its `expires_at` with its renewal on and no billing issue renews: a
//!   new transaction from where the last one ended, for the product's period (the catalog's, else
//!   the last period's length), its revenue added, `subscription_renewed` (a free trial's:
//!   `trial_converted`, priced from the catalog) and `access_level_updated`;
//! - otherwise it expires: `subscription_expired` (`trial_expired`) with the reason
//!   (`voluntarily_cancelled`, or `billing_error` with a billing issue), and the access ends;
//! - in a grace period the access lasts to its end, when the subscription expires
//!   (`billing_error`);
//! - an access level starting or ending (a grant's dates, a revocation at a date) sends
//!   `access_level_updated`.
//!
//! It runs up to the clock's time at the start of every request to the app and when the clock
//! moves; `state/schedule` keeps the next moment anything is due, so a request checks one
//! time.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};
use std::sync::Arc;

use adapty_server::{CancellationReason, Store, Subscription, Timestamp, TransactionParams};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::Serialize;
use uuid::Uuid;

use crate::domain::catalog::access_level_for;
use crate::domain::purchases;
use crate::domain::webhook_events::{self, Event, is_trial};
use crate::domain::webhooks;
use crate::state::app::Inner;
use crate::state::catalog::Catalog;
use crate::state::profile::StoredProfile;
use crate::state::schedule::{Due, dues, utc};
use crate::state::tenants::Tenant;

/// Most events one run makes; a clock moved further leaves the rest to the app's next request.
const MAX_HAPPENINGS: usize = 10_000;

/// An event time brought, as `POST /__emulator/clock` reports it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Happened {
    pub at: String,
    pub profile_id: Uuid,
    pub customer_user_id: Option<String>,
    pub event_type: &'static str,
}

/// Runs up to the clock's time if anything is due by then.
pub fn catch_up(app: &Arc<Tenant>) {
    let mut state = app.lock();
    let now = state.clock.now();
    if state.schedule.is_due(now) {
        run(app, &mut state, now);
    }
}

/// Makes happen, in order, everything due after `ran_until` up to `until`, sending the webhooks
/// of each; returns what happened.
pub fn run(app: &Arc<Tenant>, state: &mut Inner, until: DateTime<Utc>) -> Vec<Happened> {
    let from = state.schedule.ran_until;
    let mut happened = Vec::new();
    if until <= from {
        return happened;
    }
    let within = |t: &DateTime<Utc>, after: DateTime<Utc>| *t > after && *t <= until;
    let mut heap = BinaryHeap::new();
    for p in state.profiles.values() {
        heap.extend(dues(p).filter(|(t, _)| within(t, from)).map(|(t, due)| Reverse((t, p.profile_id, due))));
    }
    let mut ran_until = until;
    while let Some(Reverse((at, id, due))) = heap.pop() {
        // Enough for one move: the rest happens at the app's next request.
        if happened.len() >= MAX_HAPPENINGS && at > ran_until {
            break;
        }
        ran_until = at;
        let Inner { profiles, catalog, .. } = &mut *state;
        let Some(profile) = profiles.get_mut(&id) else { continue };
        let before: BTreeSet<_> = dues(profile).collect();
        let events = happen(profile, catalog, &due, at);
        heap.extend(dues(profile).filter(|d| within(&d.0, at) && !before.contains(d)).map(|(t, due)| Reverse((t, id, due))));
        let at_text = webhook_events::wire_time(&Timestamp::from(at));
        happened.extend(events.iter().map(|e| Happened {
            at: at_text.clone(),
            profile_id: id,
            customer_user_id: profile.customer_user_id.clone(),
            event_type: e.event_type,
        }));
        webhooks::emit(app, state, id, events);
    }
    if heap.is_empty() {
        ran_until = until;
    }
    state.schedule.ran_until = ran_until;
    state.schedule.rebuild(state.profiles.values());
    happened
}

/// What `due` does to `profile` at `at`, and the events it sends; nothing when the profile
/// changed since it was due (a renewal moved an end).
fn happen(profile: &mut StoredProfile, catalog: &Catalog, due: &Due, at: DateTime<Utc>) -> Vec<Event> {
    let now = Timestamp::from(at);
    match due {
        Due::SubscriptionEnd(original) => {
            let Some(sub) = subscription(profile, original).filter(|s| s.expires_at.map(utc) == Some(at)).cloned() else {
                return Vec::new();
            };
            let Some(last) = profile.chains.get(original).and_then(|c| c.last()).cloned() else { return Vec::new() };
            if sub.renewal_cancelled_at.is_none() && sub.billing_issue_detected_at.is_none() {
                let Some(next) = renewal(&last, catalog, at) else { return Vec::new() };
                let level_id = access_level_for(catalog, &next.store_product_id);
                let level_before = level_id.as_ref().and_then(|id| profile.access_levels.get(id).cloned());
                purchases::record(profile, catalog, &next, now);
                let event_type = if is_trial(&last) { "trial_converted" } else { "subscription_renewed" };
                let usd = purchases::usd(&next.price);
                let mut events =
                    vec![Event { event_type, properties: webhook_events::transaction_properties(profile, &next, usd, event_type, now) }];
                if let Some(level) = level_id.and_then(|id| profile.access_levels.get(&id)).filter(|l| Some(*l) != level_before.as_ref()) {
                    events.push(Event {
                        event_type: "access_level_updated",
                        properties: webhook_events::access_properties(profile, level, false, now),
                    });
                }
                events
            } else if sub.is_in_grace_period {
                Vec::new() // the access lasts to the grace period's end
            } else {
                vec![expire(profile, &last, now)]
            }
        }
        Due::AccessStart(id) | Due::AccessEnd(id) => {
            let Some(level) = profile.access_levels.get(id) else { return Vec::new() };
            let moment = if matches!(due, Due::AccessStart(_)) { level.starts_at } else { level.expires_at };
            if moment.map(utc) != Some(at) {
                return Vec::new();
            }
            let mut events = Vec::new();
            let original = level.store_original_transaction_id.clone().unwrap_or_default();
            if matches!(due, Due::AccessEnd(_)) && level.is_in_grace_period {
                // The grace period ends without a payment.
                if let Some(last) = profile.chains.get(&original).and_then(|c| c.last()).cloned() {
                    events.push(expire(profile, &last, now));
                }
                if let Some(level) = profile.access_levels.get_mut(id) {
                    level.is_in_grace_period = false;
                    level.cancellation_reason.get_or_insert(CancellationReason::BillingError);
                }
            }
            let level = &profile.access_levels[id];
            let granted = level.store == Store::Adapty;
            events.push(Event {
                event_type: "access_level_updated",
                properties: webhook_events::access_properties(profile, level, granted, now),
            });
            events
        }
    }
}

fn subscription<'a>(profile: &'a StoredProfile, original: &str) -> Option<&'a Subscription> {
    profile.subscriptions.iter().find(|s| s.store_original_transaction_id.as_deref() == Some(original))
}

/// The subscription `last` belongs to ends without renewing: its reason is recorded and its
/// `subscription_expired` (`trial_expired`) made.
fn expire(profile: &mut StoredProfile, last: &TransactionParams, now: Timestamp) -> Event {
    let mut t = last.clone();
    let reason = match subscription(profile, &t.store_original_transaction_id) {
        Some(s) if s.billing_issue_detected_at.is_some() => CancellationReason::BillingError,
        _ => CancellationReason::VoluntarilyCancelled,
    };
    let reason = t.cancellation_reason.get_or_insert(reason).clone();
    if let Some(s) =
        profile.subscriptions.iter_mut().find(|s| s.store_original_transaction_id.as_deref() == Some(&t.store_original_transaction_id))
    {
        s.is_in_grace_period = false;
        s.cancellation_reason.get_or_insert(reason.clone());
    }
    for level in profile.access_levels.values_mut() {
        if level.store_original_transaction_id.as_deref() == Some(&t.store_original_transaction_id) {
            level.cancellation_reason.get_or_insert(reason.clone());
        }
    }
    let event_type = if is_trial(&t) { "trial_expired" } else { "subscription_expired" };
    Event { event_type, properties: webhook_events::transaction_properties(profile, &t, purchases::usd(&t.price), event_type, now) }
}

/// The transaction that renews `last` at `at`: the product's period (the catalog's, else as
/// long as the last one), no offer, the last paid price (a converted trial: the catalog's).
fn renewal(last: &TransactionParams, catalog: &Catalog, at: DateTime<Utc>) -> Option<TransactionParams> {
    let product = catalog.config.products.iter().find(|p| p.store_product_id == last.store_product_id);
    let expires_at = match product.and_then(|p| p.period.as_ref()) {
        Some(period) => period.after(at)?,
        None => {
            let length = at - utc(last.purchased_at);
            (length > chrono::TimeDelta::zero()).then(|| at + length)?
        }
    };
    let mut next = last.clone();
    next.store_transaction_id = Uuid::new_v4().simple().to_string();
    next.purchased_at = Timestamp::from(at);
    next.originally_purchased_at = Some(last.originally_purchased_at.unwrap_or(last.purchased_at));
    next.expires_at = Some(Timestamp::from(expires_at));
    next.offer = None;
    next.refunded_at = None;
    next.cancellation_reason = None;
    next.renew_status = Some(true);
    next.renew_status_changed_at = None;
    next.billing_issue_detected_at = None;
    next.grace_period_expires_at = None;
    if next.price.value == 0.0 {
        next.price.value = product.and_then(|p| p.price_usd).unwrap_or(0.0);
        next.price.currency = "USD".into();
    }
    Some(next)
}
