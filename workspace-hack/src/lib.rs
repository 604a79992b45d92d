//! No code: a dependency of every crate we ship, so that they all resolve one feature set per
//! shared dependency (Cargo.toml says why).
