//! The Web API: a placement's paywall for a web app, and the paywall views and attribution that
//! its analytics count. Sent to the server-side API's host with the public key; the profile is
//! named in the body, which the operations fill from the profile reference.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::declare::operations;
use super::manifest::Operation;
use crate::models::config::{Api, Config};
use crate::models::error::Error;
use crate::models::reference::ProfileRef;
use crate::models::{AttributionParams, PaywallViewParams, WebPaywall, WebPaywallParams};
use crate::transport::request::{ApiRequest, Replay};

operations! {
    /// The Web API, for web paywalls: the paywall of a placement, and the views and attribution
    /// its analytics count. Needs the public key (`public_api_key`).
    web => web: Web, BlockingWeb, WebOp;

    /// The paywall a placement shows this user (its audience and A/B test applied), with its
    /// products and remote config, to render yourself.
    WEB_GET_PAYWALL getPaywall {
        endpoint: Post "/api/v2/web-api/paywall/",
        call: fn get_paywall(profile: &ProfileRef, params: &WebPaywallParams) -> WebPaywall = get_paywall,
    }

    /// Records that the user saw a paywall (its `variation_id`), for conversion analytics.
    WEB_RECORD_PAYWALL_VIEW recordPaywallView {
        endpoint: Post "/api/v2/web-api/paywall/visit/",
        call: fn record_paywall_view(profile: &ProfileRef, params: &PaywallViewParams) -> () = record_paywall_view,
    }

    /// Sets where the user came from (organic, or a channel and campaign).
    WEB_ADD_ATTRIBUTION addAttribution {
        endpoint: Post "/api/v2/web-api/attribution/",
        call: fn add_attribution(profile: &ProfileRef, params: &AttributionParams) -> () = add_attribution,
    }
}

/// A Web API request: `params` with the profile's id added, as the Web API takes it.
fn request<B: Serialize + DeserializeOwned>(op: &Operation, profile: &ProfileRef, params: &B, replay: Replay) -> Result<ApiRequest, Error> {
    let id = match profile {
        ProfileRef::ProfileId(id) => ("profile_id", Value::String(id.to_string())),
        ProfileRef::CustomerUserId(id) => ("customer_user_id", Value::String(id.clone())),
    };
    ApiRequest::of(&op.http, replay).api(Api::Web).body_with(params, [id])
}

fn get_paywall(op: &Operation, _: &Config, profile: &ProfileRef, params: &WebPaywallParams) -> Result<ApiRequest, Error> {
    params.validate()?;
    // A read sent as POST: safe to repeat.
    request(op, profile, params, Replay::Idempotent)
}

fn record_paywall_view(op: &Operation, _: &Config, profile: &ProfileRef, params: &PaywallViewParams) -> Result<ApiRequest, Error> {
    params.validate()?;
    // Safe to repeat: a view is recorded per variation and time, so a repeat records the same
    // view (give `visited_at` to make that exact).
    request(op, profile, params, Replay::Idempotent)
}

fn add_attribution(op: &Operation, _: &Config, profile: &ProfileRef, params: &AttributionParams) -> Result<ApiRequest, Error> {
    params.validate()?;
    // Safe to repeat: it sets the profile's attribution to these values.
    request(op, profile, params, Replay::Idempotent)
}
