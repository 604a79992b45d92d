//! Per-profile settings: Refund Saver preferences and integration identifiers.

use std::sync::Arc;

use crate::api::manifest as ops;
use crate::models::error::Error;
use crate::models::reference::ProfileRef;
use crate::models::{IntegrationIdentifiers, RefundSaverParams, RefundSaverSettings};
use crate::transport::http::{Transport, send_empty, send_json};
use crate::transport::request::{ApiRequest, Replay};

/// Refund Saver settings of a profile. Get it from [`crate::api::client::Client::refund_saver`].
pub struct RefundSaver<'a> {
    pub(crate) transport: &'a Arc<Transport>,
}

impl RefundSaver<'_> {
    pub async fn get(&self, profile: &ProfileRef) -> Result<RefundSaverSettings, Error> {
        // A read: safe to repeat.
        let req = ApiRequest::of(&ops::REFUND_SAVER_GET.http, Replay::Idempotent).headers(profile.headers());
        send_json(self.transport, req).await
    }

    /// Sets the refund preference and/or the data-sharing consent; returns the settings.
    pub async fn set(&self, profile: &ProfileRef, params: &RefundSaverParams) -> Result<RefundSaverSettings, Error> {
        params.validate()?;
        // Safe to repeat: it sets values.
        let req = ApiRequest::of(&ops::REFUND_SAVER_SET.http, Replay::Idempotent).headers(profile.headers()).json(params)?;
        send_json(self.transport, req).await
    }
}

/// Third-party identifiers of a profile (AppsFlyer, Amplitude, ...). Get it from
/// [`crate::api::client::Client::integrations`].
pub struct Integrations<'a> {
    pub(crate) transport: &'a Arc<Transport>,
}

impl Integrations<'_> {
    pub async fn get(&self, profile: &ProfileRef) -> Result<IntegrationIdentifiers, Error> {
        // A read: safe to repeat. (Reading and setting share one path, `set` in it notwithstanding.)
        let req = ApiRequest::of(&ops::INTEGRATIONS_GET.http, Replay::Idempotent).headers(profile.headers());
        send_json(self.transport, req).await
    }

    /// Sets the identifiers given (at least one); the others keep their value.
    pub async fn set(&self, profile: &ProfileRef, ids: &IntegrationIdentifiers) -> Result<(), Error> {
        ids.validate()?;
        // Safe to repeat: it sets values.
        let req = ApiRequest::of(&ops::INTEGRATIONS_SET.http, Replay::Idempotent).headers(profile.headers()).json(ids)?;
        send_empty(self.transport, req).await
    }
}
