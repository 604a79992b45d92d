//! Empty: cargo resolves `[build-dependencies]` (this crate's host-side features) only for a
//! package that has a build script.
fn main() {}
