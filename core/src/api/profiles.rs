//! The Profile API: get, create, update and delete an end user's profile, and delete many.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::api::manifest::{self as ops, Operation};
use crate::models::error::{Error, ValidationError};
use crate::models::reference::Headers;
use crate::models::reference::{CreateRef, PLATFORM_HEADER, ProfileRef};
use crate::models::{DataEnvelope, Profile, ProfileParams};
use crate::transport::http::{Transport, send_empty, send_json};
use crate::transport::request::{ApiRequest, Replay, method};
use crate::transport::runtime;

/// Requests `delete_many` keeps in flight unless told otherwise (as the bindings' default).
pub const DEFAULT_DELETE_CONCURRENCY: usize = 16;
/// Most requests [`Profiles::delete_many`] keeps in flight.
pub const MAX_DELETE_CONCURRENCY: usize = 256;

/// One input of [`Profiles::delete_many`]: a reference, or the validation error a binding got
/// while building it (reported in that input's slot, so no input is dropped).
#[derive(Debug, Clone)]
pub struct BulkItem(pub Result<ProfileRef, ValidationError>);

impl From<ProfileRef> for BulkItem {
    fn from(r: ProfileRef) -> Self {
        BulkItem(Ok(r))
    }
}
impl From<&ProfileRef> for BulkItem {
    fn from(r: &ProfileRef) -> Self {
        BulkItem(Ok(r.clone()))
    }
}
impl From<Result<ProfileRef, ValidationError>> for BulkItem {
    fn from(r: Result<ProfileRef, ValidationError>) -> Self {
        BulkItem(r)
    }
}

/// The Profile API of one client. Get it from [`crate::api::client::Client::profiles`].
pub struct Profiles<'a> {
    pub(crate) transport: &'a Arc<Transport>,
}

impl Profiles<'_> {
    /// A request to `op`, at the Profile API path of the client's API generation.
    fn request(&self, op: &Operation, headers: Headers, replay: Replay) -> ApiRequest {
        ApiRequest::new(method(op.http.method), self.transport.config().api_version().profile_path(), replay).headers(headers)
    }

    /// Sends `params` as the body of a create or update (validated first) with `headers` plus
    /// `adapty-platform`, and reads the profile from the answer.
    async fn write(&self, op: &Operation, mut headers: Headers, params: &ProfileParams, replay: Replay) -> Result<Profile, Error> {
        params.validate(self.transport.config().api_version())?;
        headers.extend(params.platform.iter().map(|p| (PLATFORM_HEADER, p.as_str().to_owned())));
        let req = self.request(op, headers, replay).json(params)?;
        send_json::<DataEnvelope<Profile>>(self.transport, req).await.map(|e| e.data)
    }

    /// Reads a profile.
    pub async fn get(&self, profile: &ProfileRef) -> Result<Profile, Error> {
        // A read: safe to repeat.
        let req = self.request(&ops::PROFILES_GET, profile.headers(), Replay::Idempotent);
        send_json::<DataEnvelope<Profile>>(self.transport, req).await.map(|e| e.data)
    }

    /// Creates a profile, or attaches a customer user id to an existing one ([`CreateRef::Attach`]).
    pub async fn create(&self, target: &CreateRef, params: &ProfileParams) -> Result<Profile, Error> {
        // Safe to repeat: the profile is keyed by the id header(s), so a repeat after a lost
        // response finds the profile the first attempt made instead of making a second one.
        self.write(&ops::PROFILES_CREATE, target.headers(), params, Replay::Idempotent).await
    }

    /// Changes the fields set in `params`; fields left [`crate::models::Field::Unset`] keep their value.
    pub async fn update(&self, profile: &ProfileRef, params: &ProfileParams) -> Result<Profile, Error> {
        // Safe to repeat: PATCH sets fields to given values, so twice is the same as once.
        self.write(&ops::PROFILES_UPDATE, profile.headers(), params, Replay::Idempotent).await
    }

    /// Deletes a profile and its data.
    pub async fn delete(&self, profile: &ProfileRef) -> Result<(), Error> {
        send_empty(self.transport, self.delete_request(profile)).await
    }

    fn delete_request(&self, profile: &ProfileRef) -> ApiRequest {
        // Safe to repeat: deleting twice leaves the same state; a 404 after an attempt with an
        // unknown outcome means that attempt deleted it.
        self.request(&ops::PROFILES_DELETE, profile.headers(), Replay::IdempotentDelete)
    }

    /// Deletes many profiles with at most `concurrency` requests in flight (clamped to
    /// 1..=[`MAX_DELETE_CONCURRENCY`]). The API has no bulk deletion; this is the concurrent loop
    /// its docs recommend. Returns one result per input, in input order; one failure does not
    /// stop the others.
    pub async fn delete_many<T: Into<BulkItem>>(&self, refs: impl IntoIterator<Item = T>, concurrency: usize) -> Vec<Result<(), Error>> {
        let jobs: Vec<Result<ApiRequest, Error>> =
            refs.into_iter().map(|r| r.into().0.map(|r| self.delete_request(&r)).map_err(Error::from)).collect();
        let n = jobs.len();
        let workers = concurrency.clamp(1, MAX_DELETE_CONCURRENCY).min(n.max(1));
        let transport = self.transport.clone();
        let run = runtime::spawn(async move {
            let jobs = Arc::new(jobs);
            let next = Arc::new(AtomicUsize::new(0));
            let mut tasks = tokio::task::JoinSet::new();
            for _ in 0..workers {
                let (jobs, next, transport) = (jobs.clone(), next.clone(), transport.clone());
                tasks.spawn(async move {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else { break };
                        let result = match job {
                            Ok(req) => transport.clone().send(req.clone()).await.map(drop),
                            Err(e) => Err(e.clone()),
                        };
                        done.push((i, result));
                    }
                    done
                });
            }
            let mut results: Vec<Option<Result<(), Error>>> = vec![None; n];
            while let Some(joined) = tasks.join_next().await {
                for (i, r) in joined.map_err(|_| Error::Internal { message: "a delete worker panicked".into() })? {
                    results[i] = Some(r);
                }
            }
            Ok(results.into_iter().map(|r| r.unwrap_or_else(|| Err(Error::Internal { message: "a delete was not run".into() }))).collect())
        });
        run.await.unwrap_or_else(|e| vec![Err(e); n])
    }
}
