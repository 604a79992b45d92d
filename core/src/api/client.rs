//! The async [`Client`] and its blocking twin [`BlockingClient`], with the same methods.
//!
//! Their namespaces (`client.profiles()`, ...) come from each namespace's declaration, in the
//! namespace's own file (see the `declare` module): the accessor, the async and blocking types,
//! and every operation's method on both.

use std::sync::Arc;

use crate::models::config::Config;
use crate::models::config::LogLevel;
use crate::models::error::Error;
use crate::models::options::RequestOptions;
use crate::transport::events::{Listener, ListenerId};
use crate::transport::http::Transport;
use crate::transport::log::{LogLines, LogSink};

/// The async client. Cheap to clone; clones share settings and the process-wide pool. Its
/// futures run on the SDK's own runtime, so any executor can await them.
#[derive(Clone)]
pub struct Client {
    transport: Arc<Transport>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("config", self.transport.config()).finish()
    }
}

impl Client {
    pub fn new(config: Config) -> Result<Self, Error> {
        let log_level = config.log_level();
        let client = Self { transport: Arc::new(Transport::new(config)?) };
        if let Some(level) = log_level {
            client.add_listener(LogLines::stderr(level));
        }
        Ok(client)
    }

    /// A client configured from `ADAPTY_API_KEY` and `ADAPTY_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Self::new(Config::builder().build()?)
    }

    pub fn config(&self) -> &Config {
        self.transport.config()
    }

    /// The blocking twin sharing this client's settings.
    pub fn blocking(&self) -> BlockingClient {
        BlockingClient { inner: self.clone() }
    }

    /// A client sharing this one's settings, pool and listeners, whose calls use `options` over
    /// this client's own: `client.with_options(RequestOptions::new().timeout(..))` for every
    /// call of the new client, or for one call. Cheap; a wrong header fails here.
    pub fn with_options(&self, options: &RequestOptions) -> Result<Client, Error> {
        Ok(Client { transport: Arc::new(self.transport.with_options(options)?) })
    }

    /// Tells `listener` of every attempt of every request of this client and of every client
    /// made from it ([`Client::with_options`], [`Client::blocking`]), before and after.
    pub fn add_listener(&self, listener: impl Listener) -> ListenerId {
        self.transport.listeners().add(Arc::new(listener))
    }

    /// Hands a line per request attempt of `level` and above to `sink` (what `ADAPTY_LOG` writes
    /// to stderr), for a language's own logger.
    pub fn log_to(&self, level: LogLevel, sink: LogSink) -> ListenerId {
        self.add_listener(LogLines::new(level, sink))
    }

    /// Stops telling the listener `id`; `false` if it was not registered.
    pub fn remove_listener(&self, id: ListenerId) -> bool {
        self.transport.listeners().remove(id)
    }

    pub(crate) fn transport(&self) -> &Arc<Transport> {
        &self.transport
    }
}

/// The blocking client: each method waits on the shared runtime (never `reqwest::blocking`).
/// Calling it from a thread that runs an async runtime returns [`Error::Usage`].
#[derive(Clone, Debug)]
pub struct BlockingClient {
    inner: Client,
}

impl BlockingClient {
    pub fn new(config: Config) -> Result<Self, Error> {
        Ok(Client::new(config)?.blocking())
    }

    pub fn config(&self) -> &Config {
        self.inner.config()
    }

    /// The async twin sharing this client's settings.
    pub fn async_client(&self) -> &Client {
        &self.inner
    }

    /// See [`Client::with_options`].
    pub fn with_options(&self, options: &RequestOptions) -> Result<BlockingClient, Error> {
        Ok(self.inner.with_options(options)?.blocking())
    }
}
