//! Sending requests: one request with its timeout, retries, call options and hooks ([`http`]),
//! the events listeners see of each attempt ([`events`]) and the log lines made of them
//! ([`log`]), when to retry
//! ([`retry`]), the spans of each attempt ([`trace`]), the process-wide runtime and connection
//! pool, or the JavaScript host's event loop ([`runtime`]: the one seam between the core and its platform), the values a call installs for its future, its hook and tracer ([`scope`]), carried onto the tasks it spawns ([`carry`]), walking pages ([`pagination`]), spacing requests under a stated rate limit ([`limit`]), response bodies saved to files ([`download`]), and the wire texts of `--verbose` ([`wire`]).
//!
//! Layer 2: imports only `models`. It knows endpoints (a method and a path) and nothing of the
//! operations that use them; what a caller outside needs to see of each request (the command
//! line's dry runs and request ids) is a [`hook::Hook`] the transport calls, installed per task.

pub(crate) mod carry;
pub(crate) mod download;
pub mod events;
pub(crate) mod hook;
pub(crate) mod http;
pub mod limit;
pub mod log;
pub(crate) mod pagination;
pub(crate) mod request;
pub mod retry;
pub mod runtime;
pub(crate) mod scope;
pub mod trace;
pub(crate) mod wire;
