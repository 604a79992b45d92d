//! Purchases and access: record a transaction, import Stripe and Paddle purchases, grant and
//! revoke access levels.

use std::sync::Arc;

use serde_json::json;

use crate::api::manifest::{self as ops, Operation};
use crate::models::error::Error;
use crate::models::reference::ProfileRef;
use crate::models::{
    DataEnvelope, GrantAccessParams, PaddleValidationParams, Profile, RevokeAccessParams, StripeValidationParams, TransactionParams,
};
use crate::transport::http::{Transport, send_empty, send_json};
use crate::transport::request::{ApiRequest, MediaType, Replay};

/// A profile-scoped POST answered with the profile.
async fn post_for_profile(
    transport: &Arc<Transport>,
    op: &Operation,
    profile: &ProfileRef,
    body: &impl serde::Serialize,
    replay: Replay,
) -> Result<Profile, Error> {
    let req = ApiRequest::of(&op.http, replay).headers(profile.headers()).json(body)?;
    send_json::<DataEnvelope<Profile>>(transport, req).await.map(|e| e.data)
}

/// Recording purchases. Get it from [`crate::api::client::Client::purchases`].
pub struct Purchases<'a> {
    pub(crate) transport: &'a Arc<Transport>,
}

impl Purchases<'_> {
    /// Records a one-time purchase or a subscription transaction and updates the profile's
    /// access levels; returns the profile. Every rule of Adapty's error table is checked first.
    pub async fn set_transaction(&self, profile: &ProfileRef, params: &TransactionParams) -> Result<Profile, Error> {
        params.validate()?;
        // Safe to repeat: Adapty keys a transaction by `store_transaction_id`; sending the same
        // one again updates it instead of recording a second purchase.
        post_for_profile(self.transport, &ops::PURCHASES_SET_TRANSACTION, profile, params, Replay::Idempotent).await
    }

    /// Imports a Stripe purchase into the profile with `customer_user_id` (created if needed).
    pub async fn validate_stripe(&self, params: &StripeValidationParams) -> Result<(), Error> {
        params.validate()?;
        let body = json!({ "data": { "type": "stripe_receipt_validation_result", "attributes": params } });
        // Safe to repeat: importing a purchase's history twice leaves the same history. (Stripe
        // validation still lives in the legacy SDK API, in every generation of the docs.)
        let req = ApiRequest::of(&ops::PURCHASES_VALIDATE_STRIPE.http, Replay::Idempotent).media_type(MediaType::JsonApi).json(&body)?;
        send_empty(self.transport, req).await
    }

    /// Imports a Paddle purchase into the profile with `customer_user_id` (created if needed);
    /// returns the profile.
    pub async fn validate_paddle(&self, params: &PaddleValidationParams) -> Result<Profile, Error> {
        params.validate()?;
        // Safe to repeat, as for Stripe.
        let req = ApiRequest::of(&ops::PURCHASES_VALIDATE_PADDLE.http, Replay::Idempotent).json(params)?;
        send_json::<DataEnvelope<Profile>>(self.transport, req).await.map(|e| e.data)
    }
}

/// Granting and revoking access levels. Get it from [`crate::api::client::Client::access_levels`].
pub struct AccessLevels<'a> {
    pub(crate) transport: &'a Arc<Transport>,
}

impl AccessLevels<'_> {
    /// Gives the profile an access level without a transaction (not in analytics); returns the profile.
    pub async fn grant(&self, profile: &ProfileRef, params: &GrantAccessParams) -> Result<Profile, Error> {
        params.validate()?;
        // Safe to repeat: it sets the access level's period to the given one.
        post_for_profile(self.transport, &ops::ACCESS_LEVELS_GRANT, profile, params, Replay::Idempotent).await
    }

    /// Ends an access level now, or at `revoke_at`; returns the profile.
    pub async fn revoke(&self, profile: &ProfileRef, params: &RevokeAccessParams) -> Result<Profile, Error> {
        params.validate()?;
        // Safe to repeat: a revoked access level stays revoked.
        post_for_profile(self.transport, &ops::ACCESS_LEVELS_REVOKE, profile, params, Replay::Idempotent).await
    }
}
