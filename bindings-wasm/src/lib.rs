//! The core as WebAssembly, under the `adapty-server` npm package where native addons cannot be
//! loaded (Cloudflare Workers, Vercel Edge, Deno Deploy, Supabase Edge Functions).
//!
//! The same JSON passing as the native addon (`bindings-node/src/lib.rs`), so the package's one
//! generated surface runs on either: `lib/wasm.js` gives this module the addon's shape. A call
//! returns a Promise of its outcome's JSON text (`{ ok }` or `{ error }`, never a rejection);
//! requests go through the runtime's `fetch` on its event loop (`adapty_server::runtime`).
//! Blocking calls are the core's refusal, as every other rule is the core's.

#[cfg(target_arch = "wasm32")]
mod host;

#[cfg(target_arch = "wasm32")]
pub use host::*;
