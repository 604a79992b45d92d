//! Every operation by name, with JSON in and out: the one entry point the language bindings call
//! (`call(client, "profiles.get", args)`), so a new endpoint needs no new binding code in Rust.
//!
//! Layer 4, the top: imports every layer below, and nothing imports it. [`call`] finds the
//! operation by name, checks the arguments against its manifest entry, and runs the operation's
//! type (from its declaration), which reads its typed arguments and calls the typed method; the
//! result comes back as JSON text. [`Walk`] walks a list's pages the same way, and [`observe`]
//! watches calls for the command line.
//!
//! Arguments use the API's snake_case names: `profile_id` and `customer_user_id` (the profile),
//! `fields` (the request body as the API takes it), `refs` (a list of `{profile_id,
//! customer_user_id}`) and `concurrency` for `profiles.deleteMany`, `paywall_id`, `page`,
//! `page_size`, `limit`, `currency_code`, `cursor` and `idempotency_key`. Results are the
//! models' JSON; list operations return one page with its `next_cursor` (pass it back as
//! `cursor` for the next page: this is how every language's iterator walks a list);
//! `profiles.deleteMany` gives, per input, `null` or the error's [`Error::to_json`].
//!
//! Beside the operations, [`has_active_access`]: the rule of
//! [`AccessLevel::is_active_at`](crate::AccessLevel::is_active_at) over a profile's access levels
//! as JSON text, which every language's `has_active_access` method calls.
//!
//! Results come as JSON text ([`Json`]), serialized straight from the typed result: no
//! `serde_json::Value` tree is built on the way out, and each binding reads the text with its
//! own language's parser (V8's `JSON.parse`, Python's `json`, kotlinx, `Codable`), which builds
//! that language's values faster than converting a tree node by node through its FFI.

mod access;
pub mod observe;
mod run;
mod walk;

pub use crate::models::json::Json;
pub use access::has_active_access;
pub use run::{call, null, outcome};
pub use walk::Walk;
