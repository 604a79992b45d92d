//! Adapty's server-side APIs: one file of handlers per part of them (the Web, Mail and legacy
//! APIs too), and `routes`, which serves each at the paths of the SDK's manifest.

pub mod analytics;
pub mod legacy;
pub mod mail;
pub mod paywalls;
pub mod profiles;
pub mod purchases;
pub mod routes;
pub mod settings;
pub mod virtual_currency;
pub mod web;
