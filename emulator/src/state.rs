//! The emulator's in-memory state: profiles, the journal of received requests, pending faults.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use adapty_server::{
    AccessLevel, CustomAttribute, CustomAttributes, InstallationMeta, NonSubscription, Profile, Subscription, Timestamp, TransactionParams,
};
use chrono::{DateTime, Utc};

use crate::catalog::Catalog;
use crate::chaos::Chaos;
use crate::clock::Clock;
use crate::lifecycle::{self, Schedule};
use crate::snapshot::{Format, Snapshot};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// Most journal entries kept; older ones are dropped first.
pub const JOURNAL_CAPACITY: usize = 10_000;

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

/// The header that addresses a tenant by its [`Tenant::id`] instead of its key (the web UI's way:
/// it never learns the keys).
pub const TENANT_HEADER: &str = "x-emulator-tenant";

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

/// One app's whole state; serialized, it is the app's snapshot (`crate::snapshot`): stable,
/// diff-friendly JSON that reads back to the same state.
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
    #[serde(with = "crate::snapshot::profiles")]
    pub profiles: HashMap<Uuid, StoredProfile>,
    /// Derived from `profiles`.
    #[serde(skip)]
    pub by_customer_user_id: HashMap<String, Uuid>,
    pub faults: Vec<Fault>,
    /// Faults drawn at random for every request, when on.
    pub chaos: Option<Chaos>,
    /// When each virtual currency request of the last minute arrived (the rate limit's window).
    pub vc_requests: VecDeque<DateTime<Utc>>,
    /// Every webhook sent or to send, with its attempts.
    pub webhooks: crate::webhooks::Log,
    pub journal: VecDeque<JournalEntry>,
}

impl Inner {
    /// A fresh state: the imported one or the defaults, and the webhook the emulator was started
    /// with.
    pub fn new(settings: &Settings) -> Self {
        let mut inner = settings.start.as_ref().map_or_else(Self::defaults, Snapshot::state);
        if let Some((url, authorization)) = &settings.webhook {
            inner.catalog.config.webhook_url = Some(url.clone());
            inner.catalog.config.webhook_authorization = authorization.clone();
        }
        inner
    }

    fn defaults() -> Self {
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
            webhooks: crate::webhooks::Log::default(),
            schedule: Schedule::new(clock.now()),
            clock,
        }
    }

    /// The app's time (its [`Clock`]'s).
    pub fn now(&self) -> Timestamp {
        Timestamp::from(self.clock.now())
    }
}

impl AppState {
    pub fn new(settings: Settings) -> Self {
        Self { settings, tenants: Mutex::new(BTreeMap::new()) }
    }

    /// The app a request with these headers addresses: with an app per key, the one of its
    /// `Authorization: Api-Key` (made on first use) or of its [`TENANT_HEADER`]; otherwise, and
    /// without either, the default one. `None`: a tenant id that names no tenant.
    pub fn tenant(&self, headers: &axum::http::HeaderMap) -> Option<Arc<Tenant>> {
        let mut tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(id) = headers.get(TENANT_HEADER) {
            return tenants.values().find(|t| t.id.as_bytes() == id.as_bytes()).cloned();
        }
        let key = if self.settings.tenant_per_key { crate::profiles::api_key(headers).unwrap_or_default() } else { "" };
        if let Some(t) = tenants.get(key) {
            return Some(t.clone());
        }
        let id = if key.is_empty() {
            "default".to_owned()
        } else {
            tenants.keys().filter(|k| !k.is_empty()).count().saturating_add(1).to_string()
        };
        let tenant = Arc::new(Tenant::new(id, key, self.settings.clone()));
        tenants.insert(key.to_owned(), tenant.clone());
        drop(tenants);
        let mut state = tenant.lock();
        // An imported state's pending webhooks go out.
        crate::webhooks::resume(&tenant, &mut state);
        // A new app configured with the start's webhook: as if its integration had just been saved.
        if let Some((url, authorization)) = tenant.settings.webhook.clone() {
            crate::webhooks::verify(&tenant, &mut state, url, authorization, false);
        }
        drop(state);
        Some(tenant)
    }

    /// Every tenant, the default one first.
    pub fn tenants(&self) -> Vec<Arc<Tenant>> {
        self.tenants.lock().unwrap_or_else(|p| p.into_inner()).values().cloned().collect()
    }
}

impl Tenant {
    fn new(id: String, key: &str, settings: Settings) -> Self {
        let inner = Inner::new(&settings);
        let chars: Vec<char> = key.chars().collect();
        let key_hint = chars[chars.len().saturating_sub(4)..].iter().collect();
        Self { id, key_hint, settings, inner: Mutex::new(inner) }
    }

    /// The state; a panic in another handler never poisons it for good.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The app a request addresses, as a handler's argument.
pub struct App(pub Arc<Tenant>);

impl axum::extract::FromRequestParts<Arc<AppState>> for App {
    type Rejection = axum::response::Response;

    /// Also runs what the app's time has brought since its last request.
    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let tenant = state.tenant(&parts.headers).ok_or_else(crate::errors::unknown_tenant)?;
        lifecycle::catch_up(&tenant);
        Ok(App(tenant))
    }
}

/// A profile as the emulator keeps it: more than the API returns, so tests can check updates.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredProfile {
    pub profile_id: Uuid,
    pub customer_user_id: Option<String>,
    pub segment_hash: String,
    /// The scalar fields set by create and update (`first_name`, `gender`, ...).
    pub fields: Map<String, Value>,
    pub custom_attributes: Vec<CustomAttribute>,
    /// Installations by device id.
    pub installations: BTreeMap<String, InstallationMeta>,
    /// The last `adapty-platform` header received.
    pub platform: Option<String>,
    pub access_levels: BTreeMap<String, AccessLevel>,
    pub subscriptions: Vec<Subscription>,
    /// Every transaction of each subscription, by original transaction id, oldest first: what
    /// a renewal repeats and `consecutive_payments` counts.
    pub chains: BTreeMap<String, Vec<TransactionParams>>,
    pub non_subscriptions: Vec<NonSubscription>,
    /// Revenue in USD of each recorded transaction, by `store_transaction_id`.
    pub revenue: BTreeMap<String, f64>,
    /// The `store_transaction_id`s recorded as refunded.
    pub refunded: BTreeSet<String>,
    /// Refund Saver: (consent, custom_preference).
    pub refund_saver: (Option<bool>, Option<String>),
    pub integration_ids: Map<String, Value>,
    /// Virtual currency balances by code.
    pub balances: BTreeMap<String, i64>,
    /// Virtual currency history, oldest first (API JSON).
    pub vc_history: Vec<Value>,
    /// Idempotency keys of virtual currency transactions of the last hour (in a snapshot, the
    /// answered ones).
    #[serde(serialize_with = "crate::snapshot::answered")]
    pub idempotency: BTreeMap<String, Idempotent>,
}

/// What an `Idempotency-Key` stands for: a request still running, or its stored answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Idempotent {
    pub at: DateTime<Utc>,
    /// `(status, body)` once the first request finished.
    pub answer: Option<(u16, Value)>,
}

impl StoredProfile {
    pub fn new(profile_id: Uuid, customer_user_id: Option<String>) -> Self {
        let segment_hash = format!("{:016x}", profile_id.as_u128() as u64);
        Self {
            profile_id,
            customer_user_id,
            segment_hash,
            fields: Map::new(),
            custom_attributes: Vec::new(),
            installations: BTreeMap::new(),
            platform: None,
            access_levels: BTreeMap::new(),
            subscriptions: Vec::new(),
            chains: BTreeMap::new(),
            non_subscriptions: Vec::new(),
            revenue: BTreeMap::new(),
            refunded: BTreeSet::new(),
            refund_saver: (None, None),
            integration_ids: Map::new(),
            balances: BTreeMap::new(),
            vc_history: Vec::new(),
            idempotency: BTreeMap::new(),
        }
    }

    /// The API's view of this profile at `now`.
    pub fn to_api(&self, app_id: Uuid, now: Timestamp) -> Profile {
        Profile {
            app_id: app_id.to_string(),
            profile_id: self.profile_id.to_string(),
            customer_user_id: self.customer_user_id.clone(),
            total_revenue_usd: (self.revenue.values().sum::<f64>() * 100.0).round() / 100.0 + 0.0,
            segment_hash: self.segment_hash.clone(),
            timestamp: now.0.timestamp_millis(),
            custom_attributes: CustomAttributes(self.custom_attributes.clone()),
            access_levels: self.access_levels.values().cloned().collect(),
            subscriptions: self.subscriptions.clone(),
            non_subscriptions: self.non_subscriptions.clone(),
            extra: Map::new(),
        }
    }
}

/// One request as received, with the key redacted.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalEntry {
    pub request_id: String,
    pub received_at: String,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: BTreeMap<String, String>,
    pub body: String,
    pub status: u16,
    /// Set when an injected fault answered instead of the API.
    pub fault: bool,
}

/// A planned failure for the next `times` requests that match.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Fault {
    /// Only this method (any if absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Only paths starting with this (any if absent).
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// Only requests carrying each of these headers with exactly this value (names in any
    /// case), e.g. `{"adapty-customer-user-id": "slow-user"}` to slow down one profile.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// How many matching requests it applies to.
    #[serde(default = "one")]
    pub times: u32,
    /// Answer with this status instead of handling the request.
    #[serde(default)]
    pub status: Option<u16>,
    /// Body of that answer (JSON value, or a string sent as is).
    #[serde(default)]
    pub body: Option<Value>,
    /// `Retry-After` header of that answer.
    #[serde(default)]
    pub retry_after: Option<String>,
    /// Wait this long first (then answer with `status`, or handle the request normally).
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Handle the request first (the change is made), then answer with `status` or break the
    /// connection: the client sees an error for a write that happened.
    #[serde(default)]
    pub apply: bool,
    /// Send headers, then break the connection instead of sending a body.
    #[serde(default)]
    pub drop_connection: bool,
}

fn one() -> u32 {
    1
}

impl Fault {
    pub fn matches(&self, method: &str, path: &str, headers: &axum::http::HeaderMap) -> bool {
        self.times > 0
            && self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.path_prefix.as_deref().is_none_or(|p| path.starts_with(p))
            && self.headers.iter().all(|(name, value)| headers.get(name.as_str()).is_some_and(|v| v.as_bytes() == value.as_bytes()))
    }
}
