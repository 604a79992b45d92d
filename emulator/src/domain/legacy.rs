//! The legacy API's rules (`/api/v1/sdk/`), played on the same profiles as v2: who a path's user
//! id names, a grant's end from `is_lifetime`, `expires_at` or `duration_days` (that order wins;
//! days add to an active access, else count from now), and a revocation's refund.

use adapty_server::{LegacyGrantParams, Timestamp};
use chrono::Duration;
use uuid::Uuid;

use crate::domain::profiles::{self, Ids};
use crate::state::app::Inner;

/// Who a legacy path's user id names: the profile of that id when one exists, else the
/// customer user id.
pub fn ids(state: &Inner, user_id: &str) -> Ids {
    match Uuid::parse_str(user_id) {
        Ok(id) if state.profiles.contains_key(&id) => Ids { profile_id: Some(id), customer_user_id: None },
        _ => Ids { profile_id: None, customer_user_id: Some(user_id.to_owned()) },
    }
}

/// When a grant's access ends (`None`: for life).
pub fn grant_end(state: &Inner, ids: &Ids, access_level_id: &str, params: &LegacyGrantParams) -> Option<Timestamp> {
    if params.is_lifetime == Some(true) {
        return None;
    }
    if let Some(at) = params.expires_at {
        return Some(at);
    }
    let days = params.duration_days.unwrap_or_default();
    let now = state.now();
    let current = profiles::get(state, ids).ok().and_then(|p| p.access_levels.get(access_level_id)).and_then(|l| l.expires_at);
    let from = current.filter(|end| *end > now).unwrap_or(now);
    Some(Timestamp::from(from.0 + Duration::days(i64::from(days))))
}

/// Marks the transaction behind a profile's access level refunded: its revenue becomes 0.
pub fn refund(state: &mut Inner, ids: &Ids, access_level_id: &str) {
    let Ok(profile) = profiles::get_mut(state, ids) else { return };
    let Some(txn) = profile.access_levels.get(access_level_id).and_then(|l| l.store_transaction_id.clone()) else { return };
    if profile.revenue.contains_key(&txn) {
        profile.revenue.insert(txn.clone(), 0.0);
        profile.refunded.insert(txn);
    }
}
