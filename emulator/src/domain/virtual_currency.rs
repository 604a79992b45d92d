//! Virtual currencies: atomic credit/debit transactions with `Idempotency-Key` (replayed
//! answers; a request meeting its key in flight is refused), balances that never go negative,
//! cursor-paged history, the feature switch and the per-app rate limit.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use adapty_server::VirtualCurrencyTransactionParams;
use chrono::TimeDelta;
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::domain::catalog::currency;
use crate::domain::profiles::{self, Ids};
use crate::state::app::Inner;
use crate::state::profile::Idempotent;
use crate::state::tenants::Tenant;

/// How long an `Idempotency-Key` is remembered (on the app's clock).
const KEY_WINDOW: TimeDelta = TimeDelta::hours(1);
const RATE_WINDOW: TimeDelta = TimeDelta::minutes(1);
/// History entries a page has when the request names no limit.
pub const DEFAULT_LIMIT: usize = 50;

/// Why a virtual currency request did nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    ProfileNotFound,
    /// The app's virtual currency API is switched off (`vc_enabled: false`).
    Disabled,
    /// Past `vc_rate_limit_per_minute`; a slot frees in this many seconds.
    RateLimited {
        retry_after: u64,
    },
    /// The first request with this `Idempotency-Key` is still running.
    InFlight,
    UnknownCurrency(String),
    InsufficientBalance(String),
    BalanceOverflow(String),
    InvalidCursor,
    /// The transaction's task failed; nothing was kept of it.
    Failed,
}

/// The checks every virtual currency request passes after its key and ids: the feature switch
/// and the rate limit (a sliding 60-second window; refused requests do not count).
pub fn admit(app: &Tenant) -> Result<(), Error> {
    let mut state = app.lock();
    if !state.catalog.config.vc_enabled {
        return Err(Error::Disabled);
    }
    let now = state.clock.now();
    while state.vc_requests.front().is_some_and(|t| now - *t >= RATE_WINDOW) {
        state.vc_requests.pop_front();
    }
    if state.vc_requests.len() >= state.catalog.config.vc_rate_limit_per_minute as usize {
        // A limit of 0 refuses everything: wait a whole window.
        let waited = state.vc_requests.front().map_or(TimeDelta::zero(), |oldest| now - *oldest);
        return Err(Error::RateLimited { retry_after: (RATE_WINDOW - waited).num_seconds().max(1) as u64 });
    }
    state.vc_requests.push_back(now);
    Ok(())
}

/// A currency's balance as the API shows it.
#[derive(Debug, Serialize)]
pub struct Balance {
    pub code: String,
    pub name: String,
    pub balance: i64,
    /// Always 0: the emulator holds nothing.
    pub held: i64,
    pub available: i64,
}

fn balance(state: &Inner, balances: &BTreeMap<String, i64>, code: &str) -> Balance {
    let name = currency(&state.catalog, code).map_or(code, |c| c.name.as_str());
    let amount = balances.get(code).copied().unwrap_or(0);
    Balance { code: code.into(), name: name.into(), balance: amount, held: 0, available: amount }
}

/// A transaction made, or the stored answer of the first request with the same key.
#[derive(Debug)]
pub enum Outcome {
    /// `{"transaction_id", "balances"}`.
    Made(Value),
    /// What the first request with the key was answered (status, body).
    Replayed(u16, Value),
}

/// Makes a transaction (every item or none), remembering its answer under `key` for an hour.
/// It runs on its own task after `vc_processing_delay_ms`: like a real server's, it completes
/// even when the client gives up waiting, so a retry with the same key finds it in flight and
/// then its stored answer. A failed transaction is not remembered: a corrected retry with the
/// same key may succeed.
pub async fn transact(
    app: &Arc<Tenant>,
    ids: &Ids,
    key: Option<String>,
    params: VirtualCurrencyTransactionParams,
) -> Result<Outcome, Error> {
    let delay = {
        let mut state = app.lock();
        let now = state.clock.now();
        let profile = profiles::get_mut(&mut state, ids).map_err(|_| Error::ProfileNotFound)?;
        profile.idempotency.retain(|_, e| now - e.at < KEY_WINDOW);
        if let Some(key) = &key {
            match profile.idempotency.get(key) {
                Some(Idempotent { answer: Some((status, body)), .. }) => return Ok(Outcome::Replayed(*status, body.clone())),
                Some(Idempotent { answer: None, .. }) => return Err(Error::InFlight),
                None => {
                    profile.idempotency.insert(key.clone(), Idempotent { at: now, answer: None });
                }
            }
        }
        state.catalog.config.vc_processing_delay_ms
    };
    let (task_app, task_ids, task_key) = (app.clone(), ids.clone(), key.clone());
    let work = tokio::spawn(async move {
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        let mut state = task_app.lock();
        let now = state.clock.now();
        let made = apply(&mut state, &task_ids, &params);
        if let (Some(key), Ok(profile)) = (task_key, profiles::get_mut(&mut state, &task_ids)) {
            match &made {
                Ok(answer) => {
                    profile.idempotency.insert(key, Idempotent { at: now, answer: Some((200, answer.clone())) });
                }
                Err(_) => {
                    profile.idempotency.remove(&key);
                }
            }
        }
        made
    });
    match work.await {
        Ok(made) => made.map(Outcome::Made),
        Err(_) => {
            // The task failed: its key must not stay "in flight" for the rest of the hour.
            let mut state = app.lock();
            if let (Some(key), Ok(p)) = (key, profiles::get_mut(&mut state, ids)) {
                p.idempotency.remove(&key);
            }
            Err(Error::Failed)
        }
    }
}

/// Applies every item or none; returns the answer's body.
fn apply(state: &mut Inner, ids: &Ids, params: &VirtualCurrencyTransactionParams) -> Result<Value, Error> {
    let profile = profiles::get(state, ids).map_err(|_| Error::ProfileNotFound)?;
    let id = profile.profile_id;
    let mut balances = profile.balances.clone();
    let mut changes = Vec::new();
    for item in &params.items {
        if currency(&state.catalog, &item.currency_code).is_none() {
            return Err(Error::UnknownCurrency(item.currency_code.clone()));
        }
        let now = balances.get(&item.currency_code).copied().unwrap_or(0);
        let after = now + i64::from(item.amount);
        if after < 0 {
            return Err(Error::InsufficientBalance(item.currency_code.clone()));
        }
        if after > i64::from(i32::MAX) {
            return Err(Error::BalanceOverflow(item.currency_code.clone()));
        }
        balances.insert(item.currency_code.clone(), after);
        changes.push(json!({ "currency_code": item.currency_code, "amount": item.amount, "balance_after": after }));
    }
    let transaction_id = Uuid::new_v4().to_string();
    let snapshots: Vec<Balance> = params.items.iter().map(|i| balance(state, &balances, &i.currency_code)).collect();
    let created_at = state.clock.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let profile = state.profiles.get_mut(&id).ok_or(Error::ProfileNotFound)?;
    profile.balances = balances;
    profile.vc_history.push(json!({
        "transaction_id": transaction_id,
        "transaction_type": "api_transaction",
        "items": changes,
        "metadata": params.metadata,
        "created_at": created_at,
    }));
    Ok(json!({ "transaction_id": transaction_id, "balances": snapshots }))
}

/// One page of a profile's history, newest first.
#[derive(Debug, Serialize)]
pub struct History<'a> {
    pub data: Vec<&'a Value>,
    pub pagination: HistoryPagination,
}

#[derive(Debug, Serialize)]
pub struct HistoryPagination {
    /// Where the next (older) page starts; none after the oldest entry.
    pub next_cursor: Option<String>,
}

/// The `limit` entries touching `currency_code` (all without one) before `cursor`, newest first.
/// The cursor counts from the oldest entry, so transactions made during a walk never shift it.
pub fn history<'a>(
    state: &'a Inner,
    ids: &Ids,
    currency_code: Option<&str>,
    limit: usize,
    cursor: Option<&str>,
) -> Result<History<'a>, Error> {
    let before = cursor.map(|c| decode_cursor(c).ok_or(Error::InvalidCursor)).transpose()?;
    let profile = profiles::get(state, ids).map_err(|_| Error::ProfileNotFound)?;
    let matching: Vec<&Value> = profile
        .vc_history
        .iter()
        .filter(|t| currency_code.is_none_or(|c| t["items"].as_array().is_some_and(|items| items.iter().any(|i| i["currency_code"] == *c))))
        .collect();
    let end = before.unwrap_or(matching.len()).min(matching.len());
    let start = end.saturating_sub(limit);
    let data = matching[start..end].iter().rev().copied().collect();
    Ok(History { data, pagination: HistoryPagination { next_cursor: (start > 0).then(|| encode_cursor(start)) } })
}

/// The position of the next page's newest entry, counted from the oldest, as opaque hex.
fn encode_cursor(before: usize) -> String {
    format!("before:{before}").bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    let bytes: Option<Vec<u8>> =
        (0..cursor.len()).step_by(2).map(|i| cursor.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect();
    String::from_utf8(bytes?).ok()?.strip_prefix("before:")?.parse().ok()
}

/// A profile's balances: every currency of the app (0 where it never had any).
#[derive(Debug, Serialize)]
pub struct Balances {
    /// When, in milliseconds since the epoch.
    pub response_created_at: i64,
    pub data: Vec<Balance>,
}

pub fn balances(state: &Inner, ids: &Ids) -> Result<Balances, Error> {
    let profile = profiles::get(state, ids).map_err(|_| Error::ProfileNotFound)?;
    let data = state.catalog.config.currencies.iter().map(|c| balance(state, &profile.balances, &c.code)).collect();
    Ok(Balances { response_created_at: state.clock.now().timestamp_millis(), data })
}
