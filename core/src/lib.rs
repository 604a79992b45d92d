//! # adapty-server
//!
//! A client for [Adapty](https://adapty.io)'s server-side API, written once in Rust and shared
//! by the Python, Node, Swift and Kotlin packages.
//!
//! ```no_run
//! use adapty_server::{Client, Config, ProfileParams, ProfileRef, Field};
//!
//! # async fn run() -> Result<(), adapty_server::Error> {
//! let client = Client::new(Config::builder().api_key("secret_live_...").build()?)?;
//! let user = ProfileRef::customer_user_id("user-42")?;
//! let params = ProfileParams { first_name: Field::Value("Jane".into()), ..Default::default() };
//! let profile = client.profiles().update(&user, &params).await?;
//! println!("{} has {} access levels", profile.profile_id, profile.access_levels.len());
//! # Ok(()) }
//! ```
//!
//! Every operation of the server-side API, grouped as [`Client`] namespaces:
//! [`Client::profiles`], [`Client::purchases`] (set transaction, Stripe and Paddle imports),
//! [`Client::access_levels`] (grant, revoke), [`Client::refund_saver`],
//! [`Client::integrations`], [`Client::paywalls`] and [`Client::virtual_currency`]. List
//! operations return one page; [`Paywalls::list_all`] and [`VirtualCurrency::list_all_transactions`] walk
//! every page as a `Stream` ([`BlockingPages`] for the blocking client).
//!
//! - Inputs are validated before any I/O; a [`ValidationError`] names the field and the rule,
//!   and Adapty's `error_code` for the same mistake where it has one.
//! - Failures are one [`Error`] type: validation, connection, timeout, or an [`ApiError`]
//!   carrying status, `error_code`, field errors, request id and raw body.
//! - Connection errors, timeouts, 408, 429 and 5xx are retried with backoff, honouring
//!   `Retry-After` (see [`RetryPolicy`]).
//! - Every request runs on one process-wide runtime and connection pool, whichever executor
//!   awaits it; [`BlockingClient`] waits on the same runtime.
//! - Events are emitted with `tracing` under the target `adapty_server`; the API key never
//!   appears in them, in `Debug` output or in errors.

mod client;
mod config;
mod error;
mod hook;
mod http;
pub mod json;
pub mod models;
pub mod ops;
mod pagination;
mod paywalls;
mod profiles;
mod purchases;
mod reference;
pub mod retry;
pub mod runtime;
#[cfg(feature = "schema")]
pub mod schema;
mod settings;
mod virtual_currency;
pub mod webhook_testing;
pub mod webhooks;
mod wire;

pub use client::{
    BlockingAccessLevels, BlockingClient, BlockingIntegrations, BlockingPaywalls, BlockingProfiles, BlockingPurchases, BlockingRefundSaver,
    BlockingVirtualCurrency, Client,
};
pub use config::{
    ApiKey, ApiVersion, Config, ConfigBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT_SECS, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_SECS,
    RetryPolicy, VERSION,
};
pub use error::{
    ApiError, ApiErrorKind, ApiInfo, Error, ErrorInfo, ErrorKind, FieldError, Rule, ValidationError, ValidationInfo, parse_error_body,
};
pub use models::*;
pub use pagination::BlockingPages;
pub use paywalls::Paywalls;
pub use profiles::{BulkItem, DEFAULT_DELETE_CONCURRENCY, MAX_DELETE_CONCURRENCY, Profiles};
pub use purchases::{AccessLevels, Purchases};
pub use reference::{CUSTOMER_USER_ID_HEADER, CreateRef, PLATFORM_HEADER, PROFILE_ID_HEADER, ProfileRef};
pub use settings::{Integrations, RefundSaver};
pub use virtual_currency::{IDEMPOTENCY_KEY_HEADER, VirtualCurrency, check_idempotency_key};

/// Compiles the README's Rust quickstart, so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeQuickstart;
