//! The Profile API: get, create, update and delete an end user's profile, and delete many.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::future;
use serde::ser::{Serialize, SerializeSeq, Serializer};

use super::args::{Args, text};
use super::client::Client;
use super::declare::{Call, operations};
use super::manifest::{Addressing, Operation, Output, Param, ParamKind, Returns, count};
use crate::models::config::{ApiVersion, Config};
use crate::models::error::{Error, Rule, ValidationError};
use crate::models::reference::{CreateRef, Headers, PLATFORM_HEADER, ProfileRef};
use crate::models::{Profile, ProfileParams};
use crate::transport::request::{ApiRequest, Replay, method};
use crate::transport::{carry, runtime};

/// The Profile API's path, as the manifest gives it (the client's API generation picks its own).
const PROFILE_PATH: &str = ApiVersion::V2.profile_path();

operations! {
    /// The Profile API. Address a profile by Adapty's `profile_id` or your `customer_user_id`.
    profiles => profiles: Profiles, BlockingProfiles, ProfilesOp;

    /// Reads a profile.
    PROFILES_GET get {
        endpoint: Get PROFILE_PATH,
        call: fn get(profile: &ProfileRef) -> Profile = get,
    }

    /// Creates a profile; with both ids, attaches `customer_user_id` to the existing profile
    /// `profile_id`.
    PROFILES_CREATE create {
        endpoint: Post PROFILE_PATH,
        call: fn create(target: &CreateRef, params: &ProfileParams) -> Profile = create,
    }

    /// Changes the fields given and leaves the others; a field given as null is cleared (a
    /// custom attribute deleted).
    PROFILES_UPDATE update {
        endpoint: Patch PROFILE_PATH,
        call: fn update(profile: &ProfileRef, params: &ProfileParams) -> Profile = update,
    }

    /// Deletes a profile and everything Adapty holds about it.
    PROFILES_DELETE delete {
        endpoint: Delete PROFILE_PATH,
        call: fn delete(profile: &ProfileRef) -> () = delete,
    }

    /// Deletes many profiles, `concurrency` at a time (the API has no bulk delete); one result
    /// per input, in order.
    PROFILES_DELETE_MANY deleteMany {
        endpoint: Delete PROFILE_PATH,
        params: [
            Param { name: "refs", kind: ParamKind::ProfileRefs, required: true, default: None, in_walk: true, doc: "The profiles to delete." },
            count("concurrency", Some(DEFAULT_DELETE_CONCURRENCY as u32), "Deletes in flight at once."),
        ],
        call: custom BulkDelete,
    }
}

/// A request to `op` at the Profile API path of the client's API generation.
fn request(op: &Operation, config: &Config, headers: Headers, replay: Replay) -> ApiRequest {
    ApiRequest::new(method(op.http.method), config.api_version().profile_path(), replay).headers(headers)
}

/// A create or update: `params` (validated first) as the body, with `headers` plus
/// `adapty-platform`.
fn write(op: &Operation, config: &Config, mut headers: Headers, params: &ProfileParams, replay: Replay) -> Result<ApiRequest, Error> {
    params.validate(config.api_version())?;
    headers.extend(params.platform.iter().map(|p| (PLATFORM_HEADER, p.as_str().to_owned())));
    request(op, config, headers, replay).body(params)
}

fn get(op: &Operation, config: &Config, profile: &ProfileRef) -> Result<ApiRequest, Error> {
    // A read: safe to repeat.
    Ok(request(op, config, profile.headers(), Replay::Idempotent))
}

fn create(op: &Operation, config: &Config, target: &CreateRef, params: &ProfileParams) -> Result<ApiRequest, Error> {
    // Safe to repeat: the profile is keyed by the id header(s), so a repeat after a lost
    // response finds the profile the first attempt made instead of making a second one.
    write(op, config, target.headers(), params, Replay::Idempotent)
}

fn update(op: &Operation, config: &Config, profile: &ProfileRef, params: &ProfileParams) -> Result<ApiRequest, Error> {
    // Safe to repeat: PATCH sets fields to given values, so twice is the same as once.
    write(op, config, profile.headers(), params, Replay::Idempotent)
}

fn delete(op: &Operation, config: &Config, profile: &ProfileRef) -> Result<ApiRequest, Error> {
    // Safe to repeat: deleting twice leaves the same state; a 404 after an attempt with an
    // unknown outcome means that attempt deleted it.
    Ok(request(op, config, profile.headers(), Replay::IdempotentDelete))
}

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

impl Profiles<'_> {
    /// Deletes many profiles with at most `concurrency` requests in flight (clamped to
    /// 1..=[`MAX_DELETE_CONCURRENCY`]). The API has no bulk deletion; this is the concurrent loop
    /// its docs recommend. Returns one result per input, in input order; one failure does not
    /// stop the others.
    pub async fn delete_many<T: Into<BulkItem>>(&self, refs: impl IntoIterator<Item = T>, concurrency: usize) -> Vec<Result<(), Error>> {
        let config = self.transport.config();
        let jobs: Vec<Result<ApiRequest, Error>> = refs
            .into_iter()
            .map(|r| r.into().0.map_err(Error::from).and_then(|r| delete(&profiles::PROFILES_DELETE, config, &r)))
            .map(|r| r.map(|req| req.operation(profiles::PROFILES_DELETE_MANY.name)))
            .collect();
        let n = jobs.len();
        let workers = concurrency.clamp(1, MAX_DELETE_CONCURRENCY).min(n.max(1));
        let transport = self.transport.clone();
        let run = runtime::spawn(async move {
            let (jobs, next) = (Arc::new(jobs), Arc::new(AtomicUsize::new(0)));
            // Each worker a task of its own (in parallel where there are threads: a task per
            // request, or one task for all, measured slower), carrying the call's hook and tracer.
            let workers = (0..workers).map(|_| {
                let (jobs, next, transport) = (jobs.clone(), next.clone(), transport.clone());
                runtime::task(carry::carried(async move {
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
                }))
            });
            let mut results: Vec<Option<Result<(), Error>>> = vec![None; n];
            for worker in future::join_all(workers).await {
                for (i, r) in worker? {
                    results[i] = Some(r);
                }
            }
            Ok(results.into_iter().map(|r| r.unwrap_or_else(|| Err(Error::Internal { message: "a delete was not run".into() }))).collect())
        });
        run.await.unwrap_or_else(|e| vec![Err(e); n])
    }
}

impl BlockingProfiles {
    /// See [`Profiles::delete_many`].
    pub fn delete_many<T: Into<BulkItem>>(&self, refs: impl IntoIterator<Item = T>, concurrency: usize) -> Vec<Result<(), Error>> {
        let c = self.client.clone();
        let items: Vec<BulkItem> = refs.into_iter().map(Into::into).collect();
        let n = items.len();
        runtime::block_on(async move { Ok(c.profiles().delete_many(items, concurrency).await) }).unwrap_or_else(|e| vec![Err(e); n])
    }
}

/// `profiles.deleteMany` for the dispatcher: `refs` (each `{profile_id, customer_user_id}`; a
/// wrong one is that input's error, not the call's) and `concurrency`.
pub(crate) enum BulkDelete {}

impl Call for BulkDelete {
    const ADDRESSING: Addressing = Addressing::None;
    const BODY: Option<&'static str> = None;
    type Output = DeleteResults;

    async fn call(client: &Client, args: Args<'_>) -> Result<DeleteResults, Error> {
        let refs: Vec<_> = args
            .list("refs")?
            .unwrap_or_default()
            .iter()
            .map(|r| ProfileRef::from_parts(text(r, "profile_id")?, text(r, "customer_user_id")?))
            .collect();
        let concurrency = match args.count("concurrency")? {
            None => DEFAULT_DELETE_CONCURRENCY,
            Some(0) => return Err(ValidationError::new("concurrency", Rule::Range, "must be a whole number >= 1, got 0").into()),
            Some(n) => n as usize,
        };
        Ok(DeleteResults(client.profiles().delete_many(refs, concurrency).await))
    }
}

/// One result per input of a bulk operation, as JSON: `null`, or the error's description.
pub(crate) struct DeleteResults(Vec<Result<(), Error>>);

impl Returns for DeleteResults {
    const OUTPUT: Output = Output::DeleteResults;
}

impl Serialize for DeleteResults {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for result in &self.0 {
            seq.serialize_element(&result.as_ref().err().map(Error::to_json))?;
        }
        seq.end()
    }
}
