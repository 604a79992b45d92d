//! The Web API's rules: a placement's paywall for a profile (its products, whether the user may
//! still take an introductory offer), and the paywall views and attribution it records.
//!
//! Choices where Adapty's docs are silent (docs/EMULATOR.md): a profile must exist for every
//! Web API call (the web flow creates it first); every audience is "All Users", so a placement's
//! variation is one per placement and paywall, its id derived from both.

use std::hash::{DefaultHasher, Hash, Hasher};

use adapty_server::Paywall;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::domain::profiles::{self, Ids};
use crate::state::app::Inner;
use crate::state::catalog::{Placement, Product};
use crate::state::profile::PaywallView;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    ProfileNotFound,
    /// No placement has this id (Adapty: no variation for it).
    NoVariation,
}

impl From<profiles::Error> for Error {
    fn from(_: profiles::Error) -> Self {
        Error::ProfileNotFound
    }
}

/// What a placement shows one profile.
pub struct Shown<'a> {
    pub placement: &'a Placement,
    pub paywall: &'a Paywall,
    pub variation_id: Uuid,
    /// Each product the paywall offers, and whether the profile may take its introductory offer
    /// (it never bought the product).
    pub products: Vec<(&'a Product, bool)>,
}

/// A stable id derived from `parts` (the same in every run and every emulator).
pub fn derived_id(parts: &[&str]) -> Uuid {
    let mut high = DefaultHasher::new();
    let mut low = DefaultHasher::new();
    ("high", parts).hash(&mut high);
    ("low", parts).hash(&mut low);
    Uuid::from_u64_pair(high.finish(), low.finish())
}

pub fn paywall<'a>(state: &'a Inner, ids: &Ids, placement_id: &str) -> Result<Shown<'a>, Error> {
    let profile = profiles::get(state, ids)?;
    let config = &state.catalog.config;
    let placement = config.placements.iter().find(|p| p.developer_id == placement_id).ok_or(Error::NoVariation)?;
    let paywall = state.catalog.paywalls.iter().find(|p| p.paywall_id == placement.paywall_id).ok_or(Error::NoVariation)?;
    let bought = |id: &str| {
        profile.subscriptions.iter().any(|s| s.store_product_id == id) || profile.non_subscriptions.iter().any(|n| n.store_product_id == id)
    };
    let products = placement
        .store_product_ids
        .iter()
        .filter_map(|id| config.products.iter().find(|p| &p.store_product_id == id))
        .map(|p| (p, !bought(&p.store_product_id)))
        .collect();
    Ok(Shown { placement, paywall, variation_id: derived_id(&[&placement.developer_id, &paywall.paywall_id]), products })
}

pub fn record_view(state: &mut Inner, ids: &Ids, view: PaywallView) -> Result<(), Error> {
    profiles::get_mut(state, ids)?.paywall_views.push(view);
    Ok(())
}

pub fn set_attribution(state: &mut Inner, ids: &Ids, attribution: Map<String, Value>) -> Result<(), Error> {
    profiles::get_mut(state, ids)?.attribution = Some(attribution);
    Ok(())
}
