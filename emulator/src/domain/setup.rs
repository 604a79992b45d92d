//! What a test sets up and looks into beyond the API: seeding profiles and paywalls, changing
//! the catalog's settings (saving a webhook endpoint sends its verification request, as the
//! dashboard does), and listing and inspecting the stored profiles.

use std::collections::BTreeMap;
use std::sync::Arc;

use adapty_server::{PaywallState, Profile};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::domain::purchases::granted;
use crate::domain::webhooks;
use crate::state::catalog::{Config, make_paywall};
use crate::state::profile::StoredProfile;
use crate::state::tenants::Tenant;

/// Most profiles one seed request generates, and most paywalls the catalog holds: a count past
/// it is refused, not left to exhaust memory (or, for paywalls, overflow their numbers, which
/// panicked: found by fuzzing).
pub const MAX_SEED: usize = 1_000_000;

/// A seed asked for more than [`MAX_SEED`] of `.0` (`"paywalls"`, `"generated profiles"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooMany(pub &'static str);

impl std::fmt::Display for TooMany {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at most {MAX_SEED} {}", self.0)
    }
}

/// Changes the keys of the catalog's settings that `patch` gives (`access_levels`, `products`,
/// `currencies`, `vc_*`, `webhook_*`); returns the whole config. An endpoint saved (its URL or
/// its header given) gets the verification request. The error says what is wrong (an unknown key,
/// a value of the wrong type); nothing changes then.
pub fn configure(app: &Arc<Tenant>, patch: Value) -> Result<Config, String> {
    let mut state = app.lock();
    let mut merged = serde_json::to_value(&state.catalog.config).unwrap_or_default();
    let saves = |prefix: &str| ["webhook_url", "webhook_authorization"].iter().any(|k| patch.get(format!("{prefix}{k}")).is_some());
    let (save_production, save_sandbox) = (saves(""), saves("sandbox_"));
    match (&mut merged, patch) {
        (Value::Object(m), Value::Object(p)) => m.extend(p),
        _ => return Err("expected an object".into()),
    }
    let config = serde_json::from_value::<Config>(merged).map_err(|e| e.to_string())?;
    state.catalog.config = config.clone();
    let endpoints = [
        (save_production, &config.webhook_url, &config.webhook_authorization, false),
        (save_sandbox, &config.sandbox_webhook_url, &config.sandbox_webhook_authorization, true),
    ];
    for (saved, url, authorization, sandbox) in endpoints {
        if let (true, Some(url)) = (saved, url) {
            webhooks::verify(app, &mut state, url.clone(), authorization.clone(), sandbox);
        }
    }
    Ok(config)
}

/// Paywalls to seed (`POST /__emulator/paywalls`).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct PaywallSeed {
    /// How many live paywalls to add, titled "Paywall N".
    #[serde(default)]
    pub count: u32,
    /// Instead of the existing paywalls, not after them.
    #[serde(default)]
    pub replace: bool,
}

/// Adds generated paywalls (for pagination tests); returns how many there are now.
pub fn seed_paywalls(app: &Tenant, seed: &PaywallSeed) -> Result<usize, TooMany> {
    let mut state = app.lock();
    let kept = if seed.replace { 0 } else { state.catalog.paywalls.len() };
    let total = kept + seed.count as usize;
    if total > MAX_SEED {
        return Err(TooMany("paywalls"));
    }
    state.catalog.paywalls.truncate(kept);
    for n in kept as u32 + 1..=total as u32 {
        let paywall = make_paywall(n, &format!("Paywall {n}"), PaywallState::Live, None);
        state.catalog.paywalls.push(paywall);
    }
    Ok(state.catalog.paywalls.len())
}

/// Profiles to seed (`POST /__emulator/profiles`): `count` generated ones, and/or the listed ones.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(rename = "ProfileSeed")]
pub struct Seed {
    /// How many empty profiles to generate.
    #[serde(default)]
    pub count: usize,
    /// Generated profiles get customer user ids `{prefix}{n}`; without a prefix they are anonymous.
    #[serde(default)]
    pub customer_user_id_prefix: Option<String>,
    /// Profiles to make as given (each replaces any profile with the same ids).
    #[serde(default)]
    pub profiles: Vec<SeedProfile>,
}

/// A profile to seed: its ids, access levels held for life, virtual currency balances.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SeedProfile {
    #[serde(default)]
    pub profile_id: Option<Uuid>,
    #[serde(default)]
    pub customer_user_id: Option<String>,
    /// Access levels the profile has for life, as a grant gives them (e.g. `["premium"]`).
    #[serde(default)]
    pub access_levels: Vec<String>,
    /// Virtual currency balances by currency code.
    #[serde(default)]
    pub balances: BTreeMap<String, i64>,
}

/// Creates profiles at once (for test setup and benchmarks); returns their ids in order. A
/// listed profile replaces any profile with the same ids.
pub fn seed_profiles(app: &Tenant, seed: Seed) -> Result<Vec<String>, TooMany> {
    if seed.count > MAX_SEED {
        return Err(TooMany("generated profiles"));
    }
    let generated = (0..seed.count).map(|n| SeedProfile {
        profile_id: None,
        customer_user_id: seed.customer_user_id_prefix.as_ref().map(|p| format!("{p}{n}")),
        access_levels: Vec::new(),
        balances: BTreeMap::new(),
    });
    let mut state = app.lock();
    let now = state.now();
    let mut ids = Vec::new();
    for p in generated.chain(seed.profiles) {
        let id = p.profile_id.unwrap_or_else(Uuid::new_v4);
        if let Some(c) = &p.customer_user_id {
            if let Some(old) = state.by_customer_user_id.insert(c.clone(), id) {
                state.profiles.remove(&old);
            }
        }
        let mut new = StoredProfile::new(id, p.customer_user_id);
        for level in &p.access_levels {
            new.access_levels.insert(level.clone(), granted(level, None, None, now));
        }
        new.balances = p.balances;
        if let Some(old) = state.profiles.insert(id, new.clone()) {
            // The replaced profile's customer user id no longer names anything.
            if let Some(c) = old.customer_user_id.filter(|c| *c != new.customer_user_id.clone().unwrap_or_default()) {
                state.by_customer_user_id.remove(&c);
            }
        }
        ids.push(id.to_string());
    }
    Ok(ids)
}

/// A stored profile's ids.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProfileIds {
    pub profile_id: Uuid,
    pub customer_user_id: Option<String>,
}

/// Stored profiles' ids, sorted by customer user id, and how many match in all.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProfileList {
    pub profiles: Vec<ProfileIds>,
    /// Every matching profile, also those past the limit.
    pub total: usize,
}

/// Every stored profile's ids whose ids contain `search` (case-insensitive), the first `limit`
/// of them, so a test can check many outcomes at once (and the web UI search).
pub fn list_profiles(app: &Tenant, search: Option<&str>, limit: Option<usize>) -> ProfileList {
    let state = app.lock();
    let needle = search.unwrap_or_default().to_lowercase();
    let matches = |c: &Option<String>, p: &Uuid| {
        needle.is_empty() || p.to_string().contains(&needle) || c.as_deref().is_some_and(|c| c.to_lowercase().contains(&needle))
    };
    let mut ids: Vec<_> = state
        .profiles
        .values()
        .filter(|p| matches(&p.customer_user_id, &p.profile_id))
        .map(|p| (p.customer_user_id.clone(), p.profile_id))
        .collect();
    ids.sort();
    let total = ids.len();
    let profiles = ids
        .into_iter()
        .take(limit.unwrap_or(usize::MAX))
        .map(|(customer_user_id, profile_id)| ProfileIds { profile_id, customer_user_id })
        .collect();
    ProfileList { profiles, total }
}

/// Everything the emulator keeps about one profile, by profile id or customer user id: the API's
/// view of it and what is stored (more than the API returns).
pub fn inspect(app: &Tenant, id: &str) -> Option<(Profile, StoredProfile)> {
    let state = app.lock();
    let found = Uuid::parse_str(id)
        .ok()
        .and_then(|u| state.profiles.get(&u))
        .or_else(|| state.by_customer_user_id.get(id).and_then(|u| state.profiles.get(u)));
    found.map(|p| (p.to_api(app.settings.app_id, state.now()), p.clone()))
}
