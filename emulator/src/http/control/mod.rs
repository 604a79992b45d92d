//! The control plane under `/__emulator/`: its description (`routes`, one entry per route, read
//! by the router, the OpenAPI document and, through that document, the generated Python and
//! Node helpers), its handlers, and the document itself.

pub mod bodies;
pub mod description;
pub mod handlers;
pub mod openapi;
pub mod routes;
