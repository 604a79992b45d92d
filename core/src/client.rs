//! The async [`Client`] and its blocking twin [`BlockingClient`], with the same methods.

use std::sync::Arc;

use crate::config::Config;
use crate::error::Error;
use crate::http::Transport;
use crate::models::{Profile, ProfileParams};
use crate::profiles::{BulkItem, Profiles};
use crate::reference::{CreateRef, ProfileRef};
use crate::runtime::block_on;

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
        Ok(Self { transport: Arc::new(Transport::new(config)?) })
    }

    /// A client configured from `ADAPTY_API_KEY` and `ADAPTY_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Self::new(Config::builder().build()?)
    }

    pub fn config(&self) -> &Config {
        self.transport.config()
    }

    pub fn profiles(&self) -> Profiles<'_> {
        Profiles { transport: &self.transport }
    }

    /// The blocking twin sharing this client's settings.
    pub fn blocking(&self) -> BlockingClient {
        BlockingClient { inner: self.clone() }
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

    pub fn profiles(&self) -> BlockingProfiles {
        BlockingProfiles { client: self.inner.clone() }
    }

    /// The async twin sharing this client's settings.
    pub fn async_client(&self) -> &Client {
        &self.inner
    }
}

/// Blocking Profile API; see [`Profiles`] for what each method does.
pub struct BlockingProfiles {
    client: Client,
}

impl BlockingProfiles {
    pub fn get(&self, profile: &ProfileRef) -> Result<Profile, Error> {
        let (c, profile) = (self.client.clone(), profile.clone());
        block_on(async move { c.profiles().get(&profile).await })
    }

    pub fn create(&self, target: &CreateRef, params: &ProfileParams) -> Result<Profile, Error> {
        let (c, target, params) = (self.client.clone(), target.clone(), params.clone());
        block_on(async move { c.profiles().create(&target, &params).await })
    }

    pub fn update(&self, profile: &ProfileRef, params: &ProfileParams) -> Result<Profile, Error> {
        let (c, profile, params) = (self.client.clone(), profile.clone(), params.clone());
        block_on(async move { c.profiles().update(&profile, &params).await })
    }

    pub fn delete(&self, profile: &ProfileRef) -> Result<(), Error> {
        let (c, profile) = (self.client.clone(), profile.clone());
        block_on(async move { c.profiles().delete(&profile).await })
    }

    pub fn delete_many<T: Into<BulkItem>>(&self, refs: impl IntoIterator<Item = T>, concurrency: usize) -> Vec<Result<(), Error>> {
        let c = self.client.clone();
        let items: Vec<BulkItem> = refs.into_iter().map(Into::into).collect();
        let n = items.len();
        block_on(async move { Ok(c.profiles().delete_many(items, concurrency).await) }).unwrap_or_else(|e| vec![Err(e); n])
    }
}
