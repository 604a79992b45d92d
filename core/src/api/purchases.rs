//! Purchases and access: record a transaction, import Stripe and Paddle purchases, grant and
//! revoke access levels.

use serde_json::json;

use super::declare::operations;
use super::manifest::Operation;
use crate::models::config::Config;
use crate::models::error::Error;
use crate::models::reference::ProfileRef;
use crate::models::{GrantAccessParams, PaddleValidationParams, Profile, RevokeAccessParams, StripeValidationParams, TransactionParams};
use crate::transport::request::{ApiRequest, MediaType, Replay};

operations! {
    /// Purchases from stores Adapty does not see (custom stores, your own backend), and Stripe and
    /// Paddle imports.
    purchases => purchases: Purchases, BlockingPurchases, PurchasesOp;

    /// Records a purchase made outside Adapty's SDKs (one-time or subscription); the rules
    /// between its fields are checked before sending. Returns the profile with the access it
    /// grants.
    PURCHASES_SET_TRANSACTION setTransaction {
        endpoint: Post "/api/v2/server-side-api/purchase/set/transaction/",
        call: fn set_transaction(profile: &ProfileRef, params: &TransactionParams) -> Profile = set_transaction,
    }

    /// Imports a Stripe subscription (`sub_...`) or payment intent (`pi_...`) into the profile
    /// with `customer_user_id`, creating it if needed.
    PURCHASES_VALIDATE_STRIPE validateStripe {
        endpoint: Post "/api/v1/sdk/purchase/stripe/token/validate/",
        call: fn validate_stripe(params: &StripeValidationParams) -> () = validate_stripe,
    }

    /// Imports a Paddle transaction (`txn_...`) or subscription (`sub_...`) into the profile
    /// with `customer_user_id`, creating it if needed; returns the profile.
    PURCHASES_VALIDATE_PADDLE validatePaddle {
        endpoint: Post "/api/v2/server-side-api/purchase/paddle/token/validate/",
        call: fn validate_paddle(params: &PaddleValidationParams) -> Profile = validate_paddle,
    }
}

operations! {
    /// Access levels given or taken without a transaction (support gestures, referral bonuses).
    accessLevels => access_levels: AccessLevels, BlockingAccessLevels, AccessLevelsOp;

    /// Grants an access level without a transaction, from `starts_at` (default: now) until
    /// `expires_at` (default: for life); returns the profile.
    ACCESS_LEVELS_GRANT grant {
        endpoint: Post "/api/v2/server-side-api/purchase/profile/grant/access-level/",
        call: fn grant(profile: &ProfileRef, params: &GrantAccessParams) -> Profile = grant,
    }

    /// Ends an access level now, or at `revoke_at` (in the future, before its current expiry);
    /// returns the profile.
    ACCESS_LEVELS_REVOKE revoke {
        endpoint: Post "/api/v2/server-side-api/purchase/profile/revoke/access-level/",
        call: fn revoke(profile: &ProfileRef, params: &RevokeAccessParams) -> Profile = revoke,
    }
}

/// A profile-scoped POST of `body`.
fn post_for_profile<B: serde::Serialize + serde::de::DeserializeOwned>(
    op: &Operation,
    profile: &ProfileRef,
    body: &B,
    replay: Replay,
) -> Result<ApiRequest, Error> {
    ApiRequest::of(&op.http, replay).headers(profile.headers()).body(body)
}

fn set_transaction(op: &Operation, _: &Config, profile: &ProfileRef, params: &TransactionParams) -> Result<ApiRequest, Error> {
    params.validate()?;
    // Safe to repeat: Adapty keys a transaction by `store_transaction_id`; sending the same
    // one again updates it instead of recording a second purchase.
    post_for_profile(op, profile, params, Replay::Idempotent)
}

fn validate_stripe(op: &Operation, _: &Config, params: &StripeValidationParams) -> Result<ApiRequest, Error> {
    params.validate()?;
    let body = json!({ "data": { "type": "stripe_receipt_validation_result", "attributes": params } });
    // Safe to repeat: importing a purchase's history twice leaves the same history. (Stripe
    // validation still lives in the legacy SDK API, in every generation of the docs.)
    ApiRequest::of(&op.http, Replay::Idempotent).media_type(MediaType::JsonApi).json(&body)
}

fn validate_paddle(op: &Operation, _: &Config, params: &PaddleValidationParams) -> Result<ApiRequest, Error> {
    params.validate()?;
    // Safe to repeat, as for Stripe.
    ApiRequest::of(&op.http, Replay::Idempotent).body(params)
}

fn grant(op: &Operation, _: &Config, profile: &ProfileRef, params: &GrantAccessParams) -> Result<ApiRequest, Error> {
    params.validate()?;
    // Safe to repeat: it sets the access level's period to the given one.
    post_for_profile(op, profile, params, Replay::Idempotent)
}

fn revoke(op: &Operation, _: &Config, profile: &ProfileRef, params: &RevokeAccessParams) -> Result<ApiRequest, Error> {
    params.validate()?;
    // Safe to repeat: a revoked access level stays revoked.
    post_for_profile(op, profile, params, Replay::Idempotent)
}
