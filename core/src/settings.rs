//! Per-profile settings: Refund Saver preferences and integration identifiers.

use std::sync::Arc;

use crate::error::Error;
use crate::http::{ApiRequest, Replay, Transport, send_empty, send_json};
use crate::models::{IntegrationIdentifiers, RefundSaverParams, RefundSaverSettings};
use crate::ops::manifest as ops;
use crate::reference::ProfileRef;

/// Refund Saver settings of a profile. Get it from [`crate::Client::refund_saver`].
pub struct RefundSaver<'a> {
    pub(crate) transport: &'a Arc<Transport>,
}

impl RefundSaver<'_> {
    pub async fn get(&self, profile: &ProfileRef) -> Result<RefundSaverSettings, Error> {
        // A read: safe to repeat.
        let req = ApiRequest::of(&ops::REFUND_SAVER_GET, Replay::Idempotent).headers(profile.headers());
        send_json(self.transport, req).await
    }

    /// Sets the refund preference and/or the data-sharing consent; returns the settings.
    pub async fn set(&self, profile: &ProfileRef, params: &RefundSaverParams) -> Result<RefundSaverSettings, Error> {
        params.validate()?;
        // Safe to repeat: it sets values.
        let req = ApiRequest::of(&ops::REFUND_SAVER_SET, Replay::Idempotent).headers(profile.headers()).json(params)?;
        send_json(self.transport, req).await
    }
}

/// Third-party identifiers of a profile (AppsFlyer, Amplitude, ...). Get it from
/// [`crate::Client::integrations`].
pub struct Integrations<'a> {
    pub(crate) transport: &'a Arc<Transport>,
}

impl Integrations<'_> {
    pub async fn get(&self, profile: &ProfileRef) -> Result<IntegrationIdentifiers, Error> {
        // A read: safe to repeat. (Reading and setting share one path, `set` in it notwithstanding.)
        let req = ApiRequest::of(&ops::INTEGRATIONS_GET, Replay::Idempotent).headers(profile.headers());
        send_json(self.transport, req).await
    }

    /// Sets the identifiers given (at least one); the others keep their value.
    pub async fn set(&self, profile: &ProfileRef, ids: &IntegrationIdentifiers) -> Result<(), Error> {
        ids.validate()?;
        // Safe to repeat: it sets values.
        let req = ApiRequest::of(&ops::INTEGRATIONS_SET, Replay::Idempotent).headers(profile.headers()).json(ids)?;
        send_empty(self.transport, req).await
    }
}
