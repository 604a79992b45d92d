//! Set transaction, grant and revoke access levels, and the Stripe and Paddle imports. A
//! transaction adds to the profile's subscriptions or non-subscriptions, its access levels and
//! its `total_revenue_usd`, consistently for every later read; each change sends its webhooks.

use std::sync::Arc;

use adapty_server::{
    AccessLevel, CancellationReason, Environment, GrantAccessParams, NonSubscription, Price, Profile, PurchaseType, RevokeAccessParams,
    Store, Subscription, Timestamp, TransactionParams,
};
use chrono::{DateTime, Duration, Utc};
use serde_json::Map;
use uuid::Uuid;

use crate::domain::catalog::{access_level_for, is_consumable};
use crate::domain::profiles::{self, Ids};
use crate::domain::webhook_events::{self, Event};
use crate::domain::webhooks;
use crate::state::app::Inner;
use crate::state::catalog::Catalog;
use crate::state::profile::StoredProfile;
use crate::state::tenants::Tenant;

/// Why a purchase or an access change did nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    ProfileNotFound,
    /// The app has no access level of this id.
    UnknownAccessLevel(String),
    /// Revoking an access level the profile does not have.
    NotGranted {
        profile_id: Uuid,
        access_level_id: String,
    },
    /// Revoking at a date after the access level's current end.
    RevokeAfterExpiry {
        revoke_at: Timestamp,
        expires_at: Timestamp,
    },
}

/// Runs `change` on the request's profile at the app's time, then sends the webhooks `events`
/// finds in what it changed (given the profile before and after); returns the profile as the
/// API answers.
fn change_profile(
    app: &Arc<Tenant>,
    ids: &Ids,
    change: impl FnOnce(&mut StoredProfile, &Catalog, Timestamp) -> Result<(), Error>,
    events: impl FnOnce(&StoredProfile, &StoredProfile, Timestamp) -> Vec<Event>,
) -> Result<Profile, Error> {
    let mut state = app.lock();
    let now = state.now();
    let id = profiles::find(&state, ids).ok_or(Error::ProfileNotFound)?;
    let Inner { profiles, catalog, schedule, .. } = &mut *state;
    let profile = profiles.get_mut(&id).ok_or(Error::ProfileNotFound)?;
    let before = profile.clone();
    change(profile, catalog, now)?;
    schedule.touched(profile, now.0.to_utc());
    let after = profile.clone();
    webhooks::emit(app, &mut state, id, events(&before, &after, now));
    Ok(after.to_api(app.settings.app_id, now))
}

/// Records a transaction the SDK's rules have checked.
pub fn set_transaction(app: &Arc<Tenant>, ids: &Ids, params: &TransactionParams) -> Result<Profile, Error> {
    let change = |profile: &mut StoredProfile, catalog: &Catalog, now| {
        record(profile, catalog, params, now);
        Ok(())
    };
    change_profile(app, ids, change, |before, after, now| {
        let mut events = webhook_events::transaction_events(before, after, params, usd(&params.price), now);
        events.extend(webhook_events::access_events(before, after, false, now));
        events
    })
}

/// Rough USD rates for revenue; a currency not listed counts 1:1.
pub fn usd(price: &Price) -> f64 {
    let rate = match price.currency.as_str() {
        "EUR" => 1.08,
        "GBP" => 1.27,
        "CAD" => 0.73,
        "AUD" => 0.66,
        "JPY" => 0.0067,
        "INR" => 0.012,
        _ => 1.0,
    };
    price.value * rate
}

/// Records a transaction at `now` as Adapty would: a repeat of a `store_transaction_id` updates it.
pub fn record(profile: &mut StoredProfile, catalog: &Catalog, t: &TransactionParams, now: Timestamp) {
    let refunded = t.refunded_at.is_some();
    profile.revenue.insert(t.store_transaction_id.clone(), if refunded { 0.0 } else { usd(&t.price) });
    if refunded {
        profile.refunded.insert(t.store_transaction_id.clone());
    } else {
        profile.refunded.remove(&t.store_transaction_id);
    }
    let environment = Some(t.environment.clone().unwrap_or(Environment::Production));
    let access = access_level_for(catalog, &t.store_product_id);
    let level = |expires_at, renewal_cancelled_at, in_grace| AccessLevel {
        access_level_id: String::new(),
        store: Store::from(t.store.as_str()),
        store_product_id: t.store_product_id.clone(),
        store_base_plan_id: None,
        store_transaction_id: Some(t.store_transaction_id.clone()),
        store_original_transaction_id: Some(t.store_original_transaction_id.clone()),
        offer: t.offer.clone(),
        environment: None,
        starts_at: None,
        purchased_at: Some(t.purchased_at),
        originally_purchased_at: Some(t.originally_purchased_at.unwrap_or(t.purchased_at)),
        expires_at,
        renewal_cancelled_at,
        billing_issue_detected_at: t.billing_issue_detected_at,
        is_in_grace_period: in_grace,
        cancellation_reason: t.cancellation_reason.clone(),
        extra: Map::new(),
    };
    match t.purchase_type {
        PurchaseType::OneTimePurchase => {
            let consumable = is_consumable(catalog, &t.store_product_id);
            let same = |n: &NonSubscription| n.store_transaction_id.as_ref() == Some(&t.store_transaction_id);
            let known_id = profile.non_subscriptions.iter().find(|n| same(n)).and_then(|n| n.purchase_id.clone());
            let purchase_id = known_id.unwrap_or_else(|| Uuid::new_v4().to_string());
            let item = NonSubscription {
                purchase_id: Some(purchase_id),
                store: Store::from(t.store.as_str()),
                store_product_id: t.store_product_id.clone(),
                store_base_plan_id: None,
                store_transaction_id: Some(t.store_transaction_id.clone()),
                store_original_transaction_id: Some(t.store_original_transaction_id.clone()),
                purchased_at: Some(t.purchased_at),
                environment,
                is_refund: refunded,
                is_consumable: consumable,
                extra: Map::new(),
            };
            upsert(&mut profile.non_subscriptions, item, same);
            if let (Some(id), false) = (access, consumable) {
                upsert_access(profile, id, level(t.refunded_at, None, false));
            }
        }
        PurchaseType::Subscription => {
            let in_grace = t.billing_issue_detected_at.is_some() && t.grace_period_expires_at.is_some_and(|g| g > now);
            // The subscription keeps its period; the access level lasts through a grace period.
            let expires_at = if refunded { t.refunded_at } else { t.expires_at };
            let access_until = if in_grace && !refunded { t.grace_period_expires_at } else { expires_at };
            let renewal_cancelled_at = (t.renew_status == Some(false)).then(|| t.renew_status_changed_at.unwrap_or(now));
            let sub = Subscription {
                store: Store::from(t.store.as_str()),
                store_product_id: t.store_product_id.clone(),
                store_base_plan_id: None,
                store_transaction_id: Some(t.store_transaction_id.clone()),
                store_original_transaction_id: Some(t.store_original_transaction_id.clone()),
                offer: t.offer.clone(),
                environment,
                purchased_at: Some(t.purchased_at),
                originally_purchased_at: t.originally_purchased_at,
                expires_at,
                renewal_cancelled_at,
                billing_issue_detected_at: t.billing_issue_detected_at,
                is_in_grace_period: in_grace,
                cancellation_reason: t.cancellation_reason.clone(),
                extra: Map::new(),
            };
            let original = sub.store_original_transaction_id.clone();
            upsert(&mut profile.subscriptions, sub, |s| s.store_original_transaction_id == original);
            let chain = profile.chains.entry(t.store_original_transaction_id.clone()).or_default();
            upsert(chain, t.clone(), |c| c.store_transaction_id == t.store_transaction_id);
            if let Some(id) = access {
                upsert_access(profile, id, level(access_until, renewal_cancelled_at, in_grace));
            }
        }
    }
}

/// Replaces the entry `same` finds, or appends `item`.
fn upsert<T>(list: &mut Vec<T>, item: T, same: impl Fn(&T) -> bool) {
    match list.iter().position(same) {
        Some(i) => list[i] = item,
        None => list.push(item),
    }
}

/// Sets an access level unless the profile already has it from another purchase that lasts
/// longer (`None` = lifetime lasts longest).
fn upsert_access(profile: &mut StoredProfile, access_level_id: String, mut new: AccessLevel) {
    new.access_level_id = access_level_id.clone();
    if let Some(old) = profile.access_levels.get(&access_level_id) {
        let same_purchase = old.store_original_transaction_id == new.store_original_transaction_id;
        let old_outlives = match (old.expires_at, new.expires_at) {
            (None, Some(_)) => true,
            (Some(o), Some(n)) => o > n,
            _ => false,
        };
        if !same_purchase && old_outlives {
            return;
        }
    }
    profile.access_levels.insert(access_level_id, new);
}

/// An access level as a grant at `now` gives it (store `adapty`, no transaction of a store).
pub fn granted(access_level_id: &str, starts_at: Option<Timestamp>, expires_at: Option<Timestamp>, now: Timestamp) -> AccessLevel {
    let grant_id = Uuid::new_v4().to_string();
    AccessLevel {
        access_level_id: access_level_id.to_owned(),
        store: Store::Adapty,
        store_product_id: access_level_id.to_owned(),
        store_base_plan_id: None,
        store_transaction_id: Some(grant_id.clone()),
        store_original_transaction_id: Some(grant_id),
        offer: None,
        environment: None,
        starts_at,
        purchased_at: Some(now),
        originally_purchased_at: Some(now),
        expires_at,
        renewal_cancelled_at: None,
        billing_issue_detected_at: None,
        is_in_grace_period: false,
        cancellation_reason: None,
        extra: Map::new(),
    }
}

/// Gives an access level outright (whatever gave it before): from `starts_at` (or now) to
/// `expires_at` (or for life).
pub fn grant(app: &Arc<Tenant>, ids: &Ids, params: &GrantAccessParams) -> Result<Profile, Error> {
    let change = |profile: &mut StoredProfile, catalog: &Catalog, now| {
        if !catalog.config.access_levels.contains(&params.access_level_id) {
            return Err(Error::UnknownAccessLevel(params.access_level_id.clone()));
        }
        let level = granted(&params.access_level_id, params.starts_at, params.expires_at, now);
        profile.access_levels.insert(params.access_level_id.clone(), level);
        Ok(())
    };
    change_profile(app, ids, change, |before, after, now| webhook_events::access_events(before, after, true, now))
}

/// Ends an access level at `revoke_at` (or now), unless it ends earlier already: a revoked
/// access level stays revoked.
pub fn revoke(app: &Arc<Tenant>, ids: &Ids, params: &RevokeAccessParams) -> Result<Profile, Error> {
    let change = |profile: &mut StoredProfile, catalog: &Catalog, now: Timestamp| {
        let id = &params.access_level_id;
        if !catalog.config.access_levels.contains(id) {
            return Err(Error::UnknownAccessLevel(id.clone()));
        }
        let profile_id = profile.profile_id;
        let Some(level) = profile.access_levels.get_mut(id) else {
            return Err(Error::NotGranted { profile_id, access_level_id: id.clone() });
        };
        let at = params.revoke_at.unwrap_or(now);
        if let (Some(revoke_at), Some(expires_at)) = (params.revoke_at, level.expires_at) {
            if revoke_at > expires_at {
                return Err(Error::RevokeAfterExpiry { revoke_at, expires_at });
            }
        }
        level.expires_at = Some(level.expires_at.map_or(at, |e| e.min(at)));
        level.renewal_cancelled_at.get_or_insert(now);
        level.cancellation_reason = Some(CancellationReason::AdaptyRevoked);
        Ok(())
    };
    change_profile(app, ids, change, |before, after, now| webhook_events::access_events(before, after, false, now))
}

/// A store whose purchases are imported by token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStore {
    /// Subscriptions (`sub_...`) and payment intents (`pi_...`).
    Stripe,
    /// Subscriptions (`sub_...`) and transactions (`txn_...`).
    Paddle,
}

impl ImportStore {
    fn name(self) -> &'static str {
        match self {
            ImportStore::Stripe => "stripe",
            ImportStore::Paddle => "paddle",
        }
    }

    /// Whether the store would find a purchase by `token`.
    fn knows(self, token: &str) -> bool {
        let other = match self {
            ImportStore::Stripe => "pi_",
            ImportStore::Paddle => "txn_",
        };
        token.starts_with("sub_") || token.starts_with(other)
    }
}

/// The store knows no purchase by the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownToken;

/// Records the purchase a store finds by `token` for the customer (the profile made if needed);
/// importing it again adds no purchase. Returns the profile as the API answers.
pub fn import(app: &Tenant, store: ImportStore, customer_user_id: &str, token: &str) -> Result<Profile, UnknownToken> {
    if !store.knows(token) {
        return Err(UnknownToken);
    }
    let mut state = app.lock();
    let now = state.now();
    let t = imported(store.name(), token, now.0.to_utc());
    let catalog = state.catalog.clone();
    let profile = profiles::for_customer(&mut state, customer_user_id);
    record(profile, &catalog, &t, now);
    let profile = profile.clone();
    state.schedule.touched(&profile, now.0.to_utc());
    Ok(profile.to_api(app.settings.app_id, now))
}

/// A purchase as a store import finds it at `now`: `sub_...` a monthly subscription, anything
/// else a lifetime purchase.
fn imported(store: &str, token: &str, now: DateTime<Utc>) -> TransactionParams {
    let subscription = token.starts_with("sub_");
    let id: String = token.chars().take(adapty_server::MAX_STORE_TRANSACTION_ID_LEN).collect();
    TransactionParams {
        purchase_type: if subscription { PurchaseType::Subscription } else { PurchaseType::OneTimePurchase },
        store: store.into(),
        environment: Some(Environment::Production),
        store_product_id: if subscription { "premium_monthly" } else { "premium_lifetime" }.into(),
        store_transaction_id: id.clone(),
        store_original_transaction_id: id,
        is_family_shared: None,
        price: Price {
            country: "US".try_into().expect("a country code"),
            currency: "USD".into(),
            value: if subscription { 9.99 } else { 49.99 },
        },
        purchased_at: Timestamp::from(now),
        variation_id: None,
        offer: None,
        refunded_at: None,
        cancellation_reason: None,
        originally_purchased_at: subscription.then(|| Timestamp::from(now)),
        expires_at: subscription.then(|| Timestamp::from(now + Duration::days(30))),
        renew_status: subscription.then_some(true),
        renew_status_changed_at: None,
        billing_issue_detected_at: None,
        grace_period_expires_at: None,
    }
}
