//! Layer 1, the state: what the emulator holds (its apps, their profiles, Adapty Mail's, catalog, clock, journal,
//! faults, chaos, webhook log and schedule) as plain data, with the serialization a snapshot is.
//!
//! Rule: a file here imports only from this layer, with no two files importing each other,
//! directly or around a cycle; nothing from the layers above, and nothing of HTTP (no axum, no
//! status codes, no headers): what the data means for a request is decided above.

pub mod app;
pub mod catalog;
pub mod chaos;
pub mod clock;
pub mod journal;
pub mod mail;
pub mod profile;
pub mod schedule;
pub mod snapshot;
pub mod tenants;
pub mod webhooks;
