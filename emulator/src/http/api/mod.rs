//! Adapty's server-side API: one file of handlers per part of it, and `routes`, which serves
//! each at the paths of the SDK's manifest.

pub mod analytics;
pub mod paywalls;
pub mod profiles;
pub mod purchases;
pub mod routes;
pub mod settings;
pub mod virtual_currency;
