//! A running emulator: the service on a socket, on the current tokio runtime.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::domain::tenants;
use crate::http::router::service;
use crate::http::tls::{Tls, TlsListener};
use crate::state::snapshot;
use crate::state::tenants::{AppState, DEFAULT_APP_ID, Settings};

/// A running emulator; stops when [`Emulator::stop`] is called or it is dropped.
pub struct Emulator {
    addr: SocketAddr,
    /// Whether it serves HTTPS.
    tls: bool,
    state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Serves on `addr` (port 0 picks a free port) on the current tokio runtime.
    pub async fn start(addr: SocketAddr, settings: Settings) -> std::io::Result<Self> {
        Self::serve(addr, settings, None).await
    }

    /// Serves HTTPS with `tls` on `addr`, as [`Emulator::start`] serves HTTP.
    pub async fn start_tls(addr: SocketAddr, settings: Settings, tls: &Tls) -> std::io::Result<Self> {
        Self::serve(addr, settings, Some(tls)).await
    }

    async fn serve(addr: SocketAddr, settings: Settings, tls: Option<&Tls>) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel::<()>();
        let (app, state) = service(settings);
        // The default app exists from the start (and gets the start's webhook verification now).
        tenants::open(&state, None);
        let stopped = async {
            let _ = rx.await;
        };
        let task = match tls {
            None => tokio::spawn(report(axum::serve(listener, app).with_graceful_shutdown(stopped).into_future())),
            Some(tls) => {
                let listener = TlsListener::new(listener, tls)?;
                tokio::spawn(report(axum::serve(listener, app).with_graceful_shutdown(stopped).into_future()))
            }
        };
        Ok(Self { addr, tls: tls.is_some(), state, shutdown: Some(tx), task: Some(task) })
    }

    /// Serves on a free loopback port with the given key (`None` accepts any key).
    pub async fn start_local(api_key: Option<&str>) -> std::io::Result<Self> {
        let settings = Settings { api_key: api_key.map(str::to_owned), app_id: DEFAULT_APP_ID, ..Settings::default() };
        Self::start(SocketAddr::from(([127, 0, 0, 1], 0)), settings).await
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT` (`https://` with TLS), what clients take as their base URL.
    pub fn base_url(&self) -> String {
        format!("{}://{}", if self.tls { "https" } else { "http" }, self.addr)
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

/// Serves until stopped, logging why it stopped if it failed.
async fn report(serve: impl std::future::Future<Output = std::io::Result<()>>) {
    if let Err(e) = serve.await {
        tracing::error!("emulator stopped: {e}");
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
