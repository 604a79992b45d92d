//! Adapty Mail's data, as the Mail API writes it: profiles by your `external_profile_id` (a
//! deleted one kept as a tombstone, since a deletion is final) and transaction events by
//! `event_id`, each linked to its profile once one names the same user.

use std::collections::BTreeMap;

use adapty_server::{MailProfileParams, MailTransactionEventParams};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mail {
    pub profiles: BTreeMap<String, MailProfile>,
    pub events: BTreeMap<String, MailEvent>,
}

/// A Mail profile: as last saved (the first save's email kept), or erased.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailProfile {
    /// `None` once deleted: its personal data is erased.
    pub saved: Option<MailProfileParams>,
}

/// A transaction event, and the profile it belongs to once known.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailEvent {
    pub event: MailTransactionEventParams,
    pub external_profile_id: Option<String>,
}
