//! A profile's Refund Saver settings and integration identifiers: a set changes only the values
//! given.

use adapty_server::{IntegrationIdentifiers, RefundSaverParams};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::domain::profiles::{self, Ids};
use crate::state::app::Inner;
use crate::state::profile::StoredProfile;

/// A profile's Refund Saver settings as the API answers them.
#[derive(Debug, Serialize)]
pub struct RefundSaver {
    pub profile_id: String,
    pub settings: RefundSaverSettings,
}

#[derive(Debug, Serialize)]
pub struct RefundSaverSettings {
    pub consent: bool,
    pub custom_preference: String,
}

impl RefundSaver {
    /// The spec's response has no nulls: values never set read as the defaults.
    fn of(p: &StoredProfile) -> Self {
        let (consent, preference) = &p.refund_saver;
        let settings = RefundSaverSettings {
            consent: consent.unwrap_or(false),
            custom_preference: preference.as_deref().unwrap_or("no_preference").into(),
        };
        Self { profile_id: p.profile_id.to_string(), settings }
    }
}

pub fn refund_saver(state: &Inner, ids: &Ids) -> Result<RefundSaver, profiles::Error> {
    profiles::get(state, ids).map(RefundSaver::of)
}

pub fn set_refund_saver(state: &mut Inner, ids: &Ids, params: &RefundSaverParams) -> Result<RefundSaver, profiles::Error> {
    let p = profiles::get_mut(state, ids)?;
    if params.consent.is_some() {
        p.refund_saver.0 = params.consent;
    }
    if let Some(pref) = &params.custom_preference {
        p.refund_saver.1 = Some(pref.as_str().to_owned());
    }
    Ok(RefundSaver::of(p))
}

/// Every identifier the SDK knows (`null` when unset), and any other one set.
pub fn integration_identifiers(state: &Inner, ids: &Ids) -> Result<Map<String, Value>, profiles::Error> {
    let p = profiles::get(state, ids)?;
    let mut all: Map<String, Value> = IntegrationIdentifiers::KNOWN.iter().map(|k| ((*k).to_owned(), Value::Null)).collect();
    all.extend(p.integration_ids.clone());
    Ok(all)
}

pub fn set_integration_identifiers(state: &mut Inner, ids: &Ids, given: &IntegrationIdentifiers) -> Result<(), profiles::Error> {
    let p = profiles::get_mut(state, ids)?;
    if let Ok(Value::Object(set)) = serde_json::to_value(given) {
        p.integration_ids.extend(set);
    }
    Ok(())
}
