//! # adapty-emulator
//!
//! A local, stateful, in-memory emulator of Adapty's server-side API, for testing this SDK in
//! every language and for users testing their own backends.
//!
//! Start it as a binary (`adapty-emulator --port 0 --api-key KEY` prints its base URL as the
//! first line of stdout) or in-process with [`Emulator::start`]. Its control plane under
//! `/__emulator/` resets state, shows the journal of received requests (key redacted), injects
//! faults and inspects stored profiles; see `docs/EMULATOR.md`. A web UI on the control plane is
//! at `/__emulator/ui/`.

mod catalog;
mod chaos;
mod clock;
mod control;
mod errors;
mod lifecycle;
mod media;
mod paywalls;
mod profiles;
mod purchases;
mod settings;
mod snapshot;
mod state;
mod ui;
mod virtual_currency;
mod webhooks;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{MethodRouter, any, get, post};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

use adapty_server::ops::manifest as ops;
pub use snapshot::Snapshot;
use state::AppState;
pub use state::{Fault, JournalEntry, Settings};

/// The largest snapshot `PUT /__emulator/snapshot` reads.
const SNAPSHOT_LIMIT: usize = 512 << 20;

/// The app id the emulator reports unless told otherwise.
pub const DEFAULT_APP_ID: Uuid = Uuid::from_u128(0x14c3d623_2f3a_455a_aa86_ef83dff6913b);

/// The Profile API's paths: both generations, both spellings, with and without the slash.
fn profile_paths() -> Vec<String> {
    let mut paths = Vec::new();
    for version in ["v1", "v2"] {
        for name in ["profile", "profiles"] {
            let p = format!("/api/{version}/server-side-api/{name}");
            paths.push(format!("{p}/"));
            paths.push(p);
        }
    }
    paths
}

/// `path` (an endpoint of the SDK's manifest), with and without the trailing slash; a
/// server-side path also under the other generation's prefix (`/api/v1/server-side-api/`).
fn spellings(path: &str) -> Vec<String> {
    let mut paths = vec![path.to_owned()];
    if let Some(suffix) = path.strip_prefix("/api/v2/server-side-api") {
        paths.push(format!("/api/v1/server-side-api{suffix}"));
    }
    paths.iter().map(|p| p.trim_end_matches('/').to_owned()).chain(paths.clone()).collect()
}

/// A module's endpoints: each path (from the SDK's manifest, so the client and the emulator
/// share one description of it) with its handlers.
type Routes = Vec<(&'static str, MethodRouter<Arc<AppState>>)>;

/// Every operation but the Profile API's; each module lists its own.
fn endpoints() -> Routes {
    [purchases::routes(), settings::routes(), paywalls::routes(), virtual_currency::routes()].concat()
}

/// The whole service: the API behind the journal/fault layer, and the control plane beside it.
pub fn router(settings: Settings) -> Router {
    service(settings).0
}

/// The service and its state.
fn service(settings: Settings) -> (Router, Arc<AppState>) {
    let app = Arc::new(AppState::new(settings));
    let mut api = Router::new();
    for path in profile_paths() {
        api = api.route(&path, any(profiles::endpoint));
    }
    for (endpoint, handler) in endpoints() {
        for path in spellings(endpoint) {
            api = api.route(&path, handler.clone());
        }
    }
    let mut json_api = Router::new();
    for path in spellings(ops::PURCHASES_VALIDATE_STRIPE.http.path) {
        json_api = json_api.route(&path, post(purchases::validate_stripe));
    }
    let api = api
        .route_layer(axum::middleware::from_fn(media::json))
        .merge(json_api.route_layer(axum::middleware::from_fn(media::json_api)))
        .layer(axum::middleware::from_fn_with_state(app.clone(), control::intercept));
    let control = Router::new()
        .route("/__emulator/health", get(control::health))
        .route("/__emulator/tenants", get(control::tenants))
        .route("/__emulator/clock", get(clock::get).post(clock::set))
        .route(
            "/__emulator/snapshot",
            get(snapshot::export).put(snapshot::import).layer(axum::extract::DefaultBodyLimit::max(SNAPSHOT_LIMIT)),
        )
        .route("/__emulator/reset", post(control::reset))
        .route("/__emulator/journal", get(control::journal).delete(control::clear_journal))
        .route("/__emulator/faults", get(control::list_faults).post(control::add_faults).delete(control::clear_faults))
        .route("/__emulator/chaos", get(control::get_chaos).post(control::set_chaos).delete(control::clear_chaos))
        .route("/__emulator/profiles", get(control::list_profiles).post(control::seed_profiles))
        .route("/__emulator/profiles/{id}", get(control::inspect_profile))
        .route("/__emulator/config", get(control::get_config).post(control::set_config))
        .route("/__emulator/paywalls", post(control::seed_paywalls))
        .route("/__emulator/webhooks", get(webhooks::list).delete(webhooks::clear))
        .route("/__emulator/webhooks/trigger", post(webhooks::trigger))
        .route("/__emulator/webhooks/{id}/redeliver", post(webhooks::redeliver))
        .merge(ui::routes());
    (api.merge(control).with_state(app.clone()), app)
}

/// A running emulator; stops when [`Emulator::stop`] is called or it is dropped.
pub struct Emulator {
    addr: SocketAddr,
    state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Serves on `addr` (port 0 picks a free port) on the current tokio runtime.
    pub async fn start(addr: SocketAddr, settings: Settings) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel::<()>();
        let (app, state) = service(settings);
        // The default app exists from the start (and gets the start's webhook verification now).
        state.tenant(&axum::http::HeaderMap::new());
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = serve.await {
                tracing::error!("emulator stopped: {e}");
            }
        });
        Ok(Self { addr, state, shutdown: Some(tx), task: Some(task) })
    }

    /// Serves on a free loopback port with the given key (`None` accepts any key).
    pub async fn start_local(api_key: Option<&str>) -> std::io::Result<Self> {
        let settings = Settings { api_key: api_key.map(str::to_owned), app_id: DEFAULT_APP_ID, ..Settings::default() };
        Self::start(SocketAddr::from(([127, 0, 0, 1], 0)), settings).await
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT`, what clients take as their base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every app's snapshot (as `GET /__emulator/snapshot` gives it) by tenant id: `default`,
    /// then `1`, `2`, ... with an app per key.
    pub fn snapshots(&self) -> Vec<(String, String)> {
        self.state.tenants().iter().map(|t| (t.id.clone(), snapshot::to_json(&t.lock()))).collect()
    }

    /// Stops accepting connections and waits for open requests to finish; the state stays
    /// readable ([`Emulator::snapshots`]).
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
