//! A profile as the emulator keeps it: more than the API returns (installations, every transaction
//! of each subscription, revenue by transaction, balances, answered `Idempotency-Key`s), so tests
//! can check what a request changed.

use std::collections::{BTreeMap, BTreeSet};

use adapty_server::{
    AccessLevel, CustomAttribute, CustomAttributes, InstallationMeta, NonSubscription, Profile, Subscription, Timestamp, TransactionParams,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};
use uuid::Uuid;

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
    /// Paywall views the Web API recorded, oldest first.
    #[serde(default)]
    pub paywall_views: Vec<PaywallView>,
    /// The attribution the Web API set last (its body's fields, the profile's id left out).
    #[serde(default)]
    pub attribution: Option<Map<String, Value>>,
    /// Idempotency keys of virtual currency transactions of the last hour (in a snapshot, the
    /// answered ones).
    #[serde(serialize_with = "answered")]
    pub idempotency: BTreeMap<String, Idempotent>,
}

/// A paywall view the Web API recorded.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaywallView {
    pub variation_id: String,
    pub store: String,
    pub visited_at: Timestamp,
}

/// What an `Idempotency-Key` stands for: a request still running, or its stored answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Idempotent {
    pub at: DateTime<Utc>,
    /// `(status, body)` once the first request finished.
    pub answer: Option<(u16, Value)>,
}

/// The idempotency keys with an answer: one still in flight has no answer to keep.
fn answered<S: Serializer>(keys: &BTreeMap<String, Idempotent>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(keys.iter().filter(|(_, k)| k.answer.is_some()))
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
            paywall_views: Vec::new(),
            attribution: None,
            idempotency: BTreeMap::new(),
        }
    }

    /// Revenue in USD of every transaction, rounded to cents.
    pub fn total_revenue_usd(&self) -> f64 {
        // `+ 0.0` turns a rounded -0.0 into 0.0.
        (self.revenue.values().sum::<f64>() * 100.0).round() / 100.0 + 0.0
    }

    /// The API's view of this profile at `now`.
    pub fn to_api(&self, app_id: Uuid, now: Timestamp) -> Profile {
        Profile {
            app_id: app_id.to_string(),
            profile_id: self.profile_id.to_string(),
            customer_user_id: self.customer_user_id.clone(),
            total_revenue_usd: self.total_revenue_usd(),
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
