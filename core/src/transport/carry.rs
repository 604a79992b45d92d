//! What a call installs for its future, its hook and its tracer, is not seen by a task the call
//! spawns (`delete_many`'s requests): [`carried`] takes them along.

use std::future::Future;

use crate::transport::{hook, trace};

/// `fut` with the running call's hook and tracer installed, to run as a task of its own.
pub(crate) fn carried<F: Future>(fut: F) -> impl Future<Output = F::Output> {
    let (hook, tracer) = (hook::current(), trace::current());
    async move {
        let traced = async move {
            match tracer {
                Some(tracer) => trace::within(tracer, fut).await,
                None => fut.await,
            }
        };
        match hook {
            Some(hook) => hook::scope(hook, traced).await,
            None => traced.await,
        }
    }
}
