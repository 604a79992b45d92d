//! The operations of the API, typed: the manifest describing each one, the namespaces' methods
//! ([`client`]) and the request each builds, and receiving and testing webhooks.
//!
//! Layer 3: imports `models` and `transport`, never `dispatch` (which runs these operations by
//! name) or `schema`.

pub(crate) mod client;
pub mod manifest;
pub(crate) mod paywalls;
pub(crate) mod profiles;
pub(crate) mod purchases;
pub(crate) mod settings;
pub(crate) mod virtual_currency;
pub mod webhook_testing;
pub mod webhooks;
