//! Layer 3, HTTP: the emulator as a server. The routes of Adapty's API and of the control plane
//! (`/__emulator/`, registered from its description), media types, the key and the app a request
//! addresses, the journal/fault layer in front of the API, the handlers that turn a request into
//! a domain call and its outcome into Adapty's answer, the control plane's OpenAPI document and
//! the web UI.
//!
//! Rule: a file here imports from the layers below (`domain`, `state`) and from this one, with no
//! two files importing each other, directly or around a cycle; nothing below imports from here.

pub mod api;
pub mod control;
pub mod errors;
pub mod intercept;
pub mod media;
pub mod request;
pub mod router;
pub mod server;
pub mod tenant;
pub mod tls;
pub mod ui;
