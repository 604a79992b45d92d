//! The emulator's apps: the settings fixed at start, and one app per secret key (or one for
//! every key), each with its own state behind a lock.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use uuid::Uuid;

use crate::state::app::Inner;
use crate::state::snapshot::Snapshot;

/// The app id the emulator reports unless told otherwise.
pub const DEFAULT_APP_ID: Uuid = Uuid::from_u128(0x14c3d623_2f3a_455a_aa86_ef83dff6913b);

/// Settings fixed for the emulator's lifetime.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The accepted secret key; `None` accepts any non-empty key.
    pub api_key: Option<String>,
    /// Every distinct secret key is an app of its own ([`Tenant`]), with its own state; otherwise
    /// one app serves every request.
    pub tenant_per_key: bool,
    pub app_id: Uuid,
    /// The production webhook (URL, `Authorization` value) configured at start; a reset keeps it.
    pub webhook: Option<(String, Option<String>)>,
    /// The state every app starts (and resets) to, instead of the defaults (`--import`).
    pub start: Option<Snapshot>,
}

impl Settings {
    /// An app's state at its start and after a reset: the imported one or the defaults, and the
    /// webhook the emulator was started with.
    pub fn fresh_state(&self) -> Inner {
        let mut inner = self.start.as_ref().map_or_else(Inner::defaults, Snapshot::state);
        if let Some((url, authorization)) = &self.webhook {
            inner.catalog.config.webhook_url = Some(url.clone());
            inner.catalog.config.webhook_authorization = authorization.clone();
        }
        inner
    }
}

/// The whole emulator: its settings and its apps (one, or one per secret key).
pub struct AppState {
    pub settings: Settings,
    /// By key; the default app's key is `""`.
    tenants: Mutex<BTreeMap<String, Arc<Tenant>>>,
}

/// One app: what a secret key addresses (with one app for all keys, the default one).
pub struct Tenant {
    /// `"default"`, or `"1"`, `"2"`, ... in the order keys were first seen: names a tenant
    /// without its key, which is a secret.
    pub id: String,
    /// The key's last four characters, to tell tenants apart in the UI.
    pub key_hint: String,
    pub settings: Settings,
    inner: Mutex<Inner>,
}

impl AppState {
    pub fn new(settings: Settings) -> Self {
        Self { settings, tenants: Mutex::new(BTreeMap::new()) }
    }

    /// The app a secret key addresses (`None`, or one app for every key: the default one),
    /// made on first use; `true` with one made now.
    pub fn tenant_for_key(&self, key: Option<&str>) -> (Arc<Tenant>, bool) {
        let key = if self.settings.tenant_per_key { key.unwrap_or_default() } else { "" };
        let mut tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(t) = tenants.get(key) {
            return (t.clone(), false);
        }
        let id = if key.is_empty() {
            "default".to_owned()
        } else {
            tenants.keys().filter(|k| !k.is_empty()).count().saturating_add(1).to_string()
        };
        let tenant = Arc::new(Tenant::new(id, key, self.settings.clone()));
        tenants.insert(key.to_owned(), tenant.clone());
        (tenant, true)
    }

    /// The app with this [`Tenant::id`], if there is one.
    pub fn tenant_by_id(&self, id: &[u8]) -> Option<Arc<Tenant>> {
        self.tenants.lock().unwrap_or_else(|p| p.into_inner()).values().find(|t| t.id.as_bytes() == id).cloned()
    }

    /// Every tenant, the default one first.
    pub fn tenants(&self) -> Vec<Arc<Tenant>> {
        self.tenants.lock().unwrap_or_else(|p| p.into_inner()).values().cloned().collect()
    }
}

impl Tenant {
    fn new(id: String, key: &str, settings: Settings) -> Self {
        let inner = settings.fresh_state();
        let chars: Vec<char> = key.chars().collect();
        let key_hint = chars[chars.len().saturating_sub(4)..].iter().collect();
        Self { id, key_hint, settings, inner: Mutex::new(inner) }
    }

    /// The state; a panic in another handler never poisons it for good.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}
