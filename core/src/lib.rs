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
//!
//! ## Layers
//!
//! The crate's modules are layers, lowest first; a module imports only from its own layer and
//! those below it, never from a higher one, and no two files import each other, directly or
//! around a loop (`make lint` checks both):
//!
//! - layer 1: `models`
//! - layer 2: `transport`
//! - layer 3: `api`
//! - layer 4: `dispatch`
//! - layer 5: `schema`
//!
//! `models` holds what the API speaks and its rules, without I/O (the models, their validation,
//! errors, configuration, profile references); `transport` sends a request (retries, the shared
//! runtime, pages, the hooks a caller installs); `api` holds the operations (their one
//! declaration each, the client, webhooks); `dispatch` runs an operation by name with JSON in and
//! out, for the bindings and the command line; `schema` exports the models and the manifest for
//! the generators. This file only declares them and re-exports the public API.

mod api;
mod dispatch;
pub mod models;
#[cfg(feature = "schema")]
pub mod schema;
mod transport;

pub use api::analytics::{Analytics, BlockingAnalytics};
pub use api::client::{BlockingClient, Client};
pub use api::legacy::{BlockingLegacy, Legacy};
pub use api::mail::{BlockingMail, Mail};
pub use api::paywalls::{BlockingPaywalls, Paywalls};
pub use api::profiles::{BlockingProfiles, BulkItem, DEFAULT_DELETE_CONCURRENCY, MAX_DELETE_CONCURRENCY, Profiles};
pub use api::purchases::{AccessLevels, BlockingAccessLevels, BlockingPurchases, Purchases};
pub use api::settings::{BlockingIntegrations, BlockingRefundSaver, Integrations, RefundSaver};
pub use api::virtual_currency::{BlockingVirtualCurrency, IDEMPOTENCY_KEY_HEADER, VirtualCurrency, check_idempotency_key};
pub use api::web::{BlockingWeb, Web};
pub use api::{webhook_testing, webhooks};
pub use models::config::{
    Api, ApiKey, ApiVersion, CaBundle, Config, ConfigBuilder, DEFAULT_ANALYTICS_BASE_URL, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT_SECS,
    DEFAULT_MAIL_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_SECS, KeyKind, LogLevel, ProxyUrl, RetryPolicy, VERSION,
};
pub use models::error::{
    ApiError, ApiErrorKind, ApiInfo, Error, ErrorInfo, ErrorKind, FieldError, Rule, ValidationError, ValidationInfo, parse_error_body,
};
pub use models::json;
pub use models::reference::{CUSTOMER_USER_ID_HEADER, CreateRef, PLATFORM_HEADER, PROFILE_ID_HEADER, ProfileRef};
pub use models::*;
pub use transport::pagination::BlockingPages;
pub use transport::{events, log, retry, runtime, trace};

pub mod ops {
    //! Every operation by name, with JSON in and out: what the language bindings and the command
    //! line call (see [`call`] for the arguments), and the manifest describing every operation.

    pub use crate::dispatch::{Json, Walk, call, has_active_access, null, observe, outcome};

    pub mod manifest {
        //! The one description of every operation ([`OPERATIONS`], one [`Operation`] each, from
        //! its declaration), its namespaces, the client options and the error classes: what the
        //! schema bundle exports and every language's generated surface is built from.

        pub use crate::api::analytics::analytics::*;
        pub use crate::api::legacy::legacy::*;
        pub use crate::api::mail::mail::*;
        pub use crate::api::manifest::*;
        pub use crate::api::operations::{NAMESPACES, OPERATIONS, find};
        pub use crate::api::paywalls::paywalls::*;
        pub use crate::api::profiles::profiles::*;
        pub use crate::api::purchases::{access_levels::*, purchases::*};
        pub use crate::api::settings::{integrations::*, refund_saver::*};
        pub use crate::api::virtual_currency::virtual_currency::*;
        pub use crate::api::web::web::*;
    }
}

/// Compiles the README's Rust quickstart, so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeQuickstart;
