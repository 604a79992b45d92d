//! Per-profile settings: Refund Saver preferences and integration identifiers.

use super::declare::operations;
use super::manifest::Operation;
use crate::models::config::Config;
use crate::models::error::Error;
use crate::models::reference::ProfileRef;
use crate::models::{IntegrationIdentifiers, RefundSaverParams, RefundSaverSettings};
use crate::transport::request::{ApiRequest, Replay};

operations! {
    /// A profile's Refund Saver settings: how Adapty answers Apple's refund requests for it.
    refundSaver => refund_saver: RefundSaver, BlockingRefundSaver, RefundSaverOp;

    /// Reads the profile's Refund Saver settings: how Adapty answers Apple's refund requests for
    /// it.
    REFUND_SAVER_GET get {
        endpoint: Get "/api/v2/server-side-api/purchase/profile/refund-saver/settings/",
        call: fn get(profile: &ProfileRef) -> RefundSaverSettings = read,
    }

    /// Changes the Refund Saver settings given (at least one); the other keeps its value.
    REFUND_SAVER_SET set {
        endpoint: Post "/api/v2/server-side-api/purchase/profile/refund-saver/settings/",
        call: fn set(profile: &ProfileRef, params: &RefundSaverParams) -> RefundSaverSettings = set_refund_saver,
    }
}

operations! {
    /// A profile's identifiers in third-party services (AppsFlyer, Adjust, Amplitude, ...).
    integrations => integrations: Integrations, BlockingIntegrations, IntegrationsOp;

    /// Reads the profile's identifiers in third-party services (AppsFlyer, Adjust, Amplitude,
    /// ...).
    INTEGRATIONS_GET get {
        // Reading and setting share one path, `set` in it notwithstanding.
        endpoint: Get "/api/v2/server-side-api/integration/profile/set/integration-identifiers/",
        call: fn get(profile: &ProfileRef) -> IntegrationIdentifiers = read,
    }

    /// Sets the integration identifiers given; the others keep their value.
    INTEGRATIONS_SET set {
        endpoint: Post "/api/v2/server-side-api/integration/profile/set/integration-identifiers/",
        call: fn set(profile: &ProfileRef, ids: &IntegrationIdentifiers) -> () = set_integrations,
    }
}

/// Reading a profile's settings.
fn read(op: &Operation, _: &Config, profile: &ProfileRef) -> Result<ApiRequest, Error> {
    // A read: safe to repeat.
    Ok(ApiRequest::of(&op.http, Replay::Idempotent).headers(profile.headers()))
}

fn set_refund_saver(op: &Operation, _: &Config, profile: &ProfileRef, params: &RefundSaverParams) -> Result<ApiRequest, Error> {
    params.validate()?;
    // Safe to repeat: it sets values.
    ApiRequest::of(&op.http, Replay::Idempotent).headers(profile.headers()).body(params)
}

fn set_integrations(op: &Operation, _: &Config, profile: &ProfileRef, ids: &IntegrationIdentifiers) -> Result<ApiRequest, Error> {
    ids.validate()?;
    // Safe to repeat: it sets values.
    ApiRequest::of(&op.http, Replay::Idempotent).headers(profile.headers()).body(ids)
}
