//! The blocking client: same operations from plain threads, shared across threads, and a clear
//! error (not a deadlock) inside an async runtime.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use adapty_server::{Error, Field, ProfileParams, ProfileRef};
use common::{ThreadEnv, control};

#[test]
fn lifecycle_from_a_plain_thread() {
    let env = ThreadEnv::start();
    let p = env.client().profiles();
    let user = ProfileRef::customer_user_id("blocky").unwrap();
    let params = ProfileParams { first_name: Field::Value("Bo".into()), ..Default::default() };
    let created = p.create(&user.clone().into(), &params).unwrap();
    assert_eq!(p.get(&user).unwrap().profile_id, created.profile_id);
    p.update(&user, &ProfileParams { first_name: Field::Null, ..Default::default() }).unwrap();
    p.delete(&user).unwrap();
    assert_eq!(p.get(&user).unwrap_err().api().unwrap().status, 404);
    let results = p.delete_many([user.clone(), ProfileRef::profile_id(&created.profile_id).unwrap()], 2);
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r.as_ref().unwrap_err().api().unwrap().status == 404));
}

#[test]
fn one_client_shared_by_many_threads() {
    let env = ThreadEnv::start();
    let ctl = env.control.clone();
    let ids = control(async move { ctl.seed(serde_json::json!({ "count": 16 })).await });
    let client = Arc::new(env.client());
    let threads: Vec<_> = ids
        .into_iter()
        .map(|id| {
            let client = client.clone();
            std::thread::spawn(move || {
                let r = ProfileRef::profile_id(&id).unwrap();
                (0..25).all(|_| client.profiles().get(&r).map(|p| p.profile_id == id).unwrap_or(false))
            })
        })
        .collect();
    assert!(threads.into_iter().all(|t| t.join().unwrap()));
    let ctl = env.control.clone();
    assert_eq!(control(async move { ctl.journal().await.len() }), 16 * 25);
}

#[tokio::test(flavor = "current_thread")]
async fn inside_an_async_runtime_it_refuses_instead_of_deadlocking() {
    // The emulator runs on this very thread: blocking here would deadlock if it were allowed.
    let env = common::Env::start().await;
    let blocking = env.client().blocking();
    let started = Instant::now();
    let err = blocking.profiles().get(&ProfileRef::customer_user_id("x").unwrap()).unwrap_err();
    assert!(matches!(err, Error::Usage { .. }), "{err:?}");
    assert!(err.to_string().contains("async"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(env.control.journal().await.is_empty());
}
