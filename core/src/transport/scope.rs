//! What a call installs for its task, its hook and its tracer, is task-local: a task the call
//! spawns (`delete_many`'s workers) would start without them, and its requests would go
//! unobserved and untraced. [`carried`] takes them along.

use std::future::Future;

use crate::transport::{hook, trace};

/// `fut` with the running task's hook and tracer installed, to run on a task of its own.
pub(crate) fn carried<F: Future + Send + 'static>(fut: F) -> impl Future<Output = F::Output> + Send + 'static
where
    F::Output: Send,
{
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
