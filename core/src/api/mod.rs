//! The operations of the API, typed: each declared once in its namespace's file (`profiles`,
//! `purchases`, `settings`, `paywalls`, `virtual_currency`) beside the functions building its
//! requests ([`declare`] says what a declaration gives), gathered in [`operations`]; the manifest
//! types describing them ([`manifest`]); the client; receiving and testing webhooks.
//!
//! Layer 3: imports `models` and `transport`, never `dispatch` (which runs these operations by
//! name) or `schema`. Inside it, the files depend on each other in this order, lowest first:
//! `manifest`, `args`, `answer`, `client`, `declare`, the namespaces, `operations`.

pub(crate) mod analytics;
pub(crate) mod answer;
pub(crate) mod args;
pub(crate) mod client;
pub(crate) mod declare;
pub(crate) mod legacy;
pub(crate) mod mail;
pub mod manifest;
#[cfg(all(test, feature = "opentelemetry"))]
mod opentelemetry_tests;
pub(crate) mod operations;
pub(crate) mod paywalls;
pub(crate) mod profiles;
pub(crate) mod purchases;
pub(crate) mod settings;
pub(crate) mod virtual_currency;
pub(crate) mod web;
pub mod webhook_testing;
pub mod webhooks;
