//! Layer 2, the domain: Adapty's rules as the emulator plays them (profiles, purchases and access,
//! settings, paywalls, virtual currencies, time and what it brings, webhooks, chaos, snapshots,
//! seeding), operating on `state` and answering with domain results and errors.
//!
//! Rule: a file here imports from the layer below (`state`) and from this one, with no two files
//! importing each other, directly or around a cycle; nothing from the layer above, and nothing of
//! the emulator's own HTTP (no axum, no status codes, no response bodies): what an outcome looks
//! like on the wire is decided above.
//! Outbound webhook deliveries (`webhooks`) are the domain's own I/O.

pub mod analytics;
pub mod catalog;
pub mod chaos;
pub mod clock;
pub mod legacy;
pub mod lifecycle;
pub mod mail;
pub mod paywalls;
pub mod profiles;
pub mod purchases;
pub mod settings;
pub mod setup;
pub mod tenants;
pub mod virtual_currency;
pub mod web;
pub mod webhook_events;
pub mod webhooks;
