//! An app's life: made on the first request of its key (an imported state's pending webhooks go
//! out, a webhook configured at start gets its verification request), reset, and replaced by a
//! snapshot.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Serialize;

use crate::domain::webhooks;
use crate::state::snapshot;
use crate::state::tenants::{AppState, Tenant};

/// The app a secret key addresses (`None`: the default app), made on first use.
pub fn open(all: &AppState, key: Option<&str>) -> Arc<Tenant> {
    let (tenant, made) = all.tenant_for_key(key);
    if made {
        let mut state = tenant.lock();
        webhooks::resume(&tenant, &mut state);
        // A new app configured with the start's webhook: as if its integration had just been saved.
        if let Some((url, authorization)) = tenant.settings.webhook.clone() {
            webhooks::verify(&tenant, &mut state, url, authorization, false);
        }
    }
    tenant
}

/// Starts the app over: the state it started with (the defaults or the imported one).
pub fn reset(app: &Tenant) {
    *app.lock() = app.settings.fresh_state();
}

/// Replaces the app's whole state with a snapshot; one that does not read changes nothing (the
/// error says where it is wrong).
pub fn restore(app: &Arc<Tenant>, text: &[u8]) -> Result<(), String> {
    let new = snapshot::parse(text)?;
    let mut state = app.lock();
    *state = new;
    webhooks::resume(app, &mut state);
    Ok(())
}

/// An app as `GET /__emulator/tenants` lists it: by id, never by key.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TenantSummary {
    /// `default`, then `1`, `2`, ... in the order keys were first seen.
    pub id: String,
    /// The key's last four characters.
    pub key_hint: String,
    pub profiles: usize,
    /// Entries in its journal.
    pub requests: usize,
    /// Entries in its webhook delivery log.
    pub webhooks: usize,
}

/// Every app, the default one first.
pub fn summaries(all: &AppState) -> Vec<TenantSummary> {
    all.tenants()
        .iter()
        .map(|t| {
            let state = t.lock();
            TenantSummary {
                id: t.id.clone(),
                key_hint: t.key_hint.clone(),
                profiles: state.profiles.len(),
                requests: state.journal.len(),
                webhooks: state.webhooks.len(),
            }
        })
        .collect()
}
