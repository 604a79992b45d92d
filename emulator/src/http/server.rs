//! A running emulator: the service on a socket, on the current tokio runtime.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::domain::tenants;
use crate::http::router::service;
use crate::state::snapshot;
use crate::state::tenants::{AppState, DEFAULT_APP_ID, Settings};

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
        tenants::open(&state, None);
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
