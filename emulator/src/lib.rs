//! # adapty-emulator
//!
//! A local, stateful, in-memory emulator of Adapty's server-side API, for testing this SDK in
//! every language and for users testing their own backends.
//!
//! Start it as a binary (`adapty-emulator --port 0 --api-key KEY` prints its base URL as the
//! first line of stdout) or in-process with [`Emulator::start`]. Its control plane under
//! `/__emulator/` resets state, shows the journal of received requests (key redacted), injects
//! faults, moves the clock and inspects stored profiles; it is described once
//! ([`openapi_document`], served at `/__emulator/openapi.json`) and `docs/EMULATOR.md` explains
//! it. A web UI on the control plane is at `/__emulator/ui/`.
//!
//! The source is in layers, lowest first; a file imports (`crate::...`) only from its own layer
//! and the ones below, and no files import each other in a cycle:
//! - layer 1: `state`
//! - layer 2: `domain`
//! - layer 3: `http`
//!
//! This file is the crate's root, above the layers: it declares them and re-exports the public API.

mod domain;
mod http;
mod state;

pub use http::router::router;
pub use http::server::Emulator;
pub use http::tls::Tls;
pub use state::journal::{Fault, JournalEntry};
pub use state::snapshot::Snapshot;
pub use state::tenants::{DEFAULT_APP_ID, Settings};

/// The control plane's OpenAPI 3.1 document, as `GET /__emulator/openapi.json` serves it
/// (`adapty-emulator --print-openapi` prints it).
pub fn openapi_document() -> &'static str {
    http::control::routes::document()
}

/// Every control-plane route's method and path (`{name}` marks a path parameter), in the order
/// of its description.
pub fn control_routes() -> impl Iterator<Item = (&'static str, &'static str)> {
    http::control::routes::methods_and_paths()
}
