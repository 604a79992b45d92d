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

#[test]
fn a_blocking_task_is_waited_for_in_slices_and_aborted_when_dropped() {
    use adapty_server::runtime::start_blocking;
    use std::sync::atomic::{AtomicBool, Ordering};

    let slow = || async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        Ok::<_, Error>(7)
    };
    let mut task = start_blocking(slow()).unwrap();
    let mut slices = 0;
    let outcome = loop {
        match task.wait_for(Duration::from_millis(20)) {
            Ok(outcome) => break outcome,
            Err(running) => {
                slices += 1;
                task = running;
            }
        }
    };
    assert_eq!(outcome.unwrap(), 7);
    assert!(slices >= 3, "{slices} slices of 20 ms for a 150 ms task");

    // A caller that stops waiting (Ctrl-C) aborts the request: its effect never happens.
    let done = Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    let task = start_blocking(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        flag.store(true, Ordering::SeqCst);
        Ok::<_, Error>(())
    })
    .unwrap();
    assert!(task.wait_for(Duration::from_millis(10)).is_err());
    std::thread::sleep(Duration::from_millis(250));
    assert!(!done.load(Ordering::SeqCst), "the dropped task ran to the end");

    // A panicking task is an internal error, not a hang or a panic in the caller.
    let err = start_blocking(async { panic!("boom") as Result<(), Error> }).unwrap().wait().unwrap_err();
    assert!(matches!(err, Error::Internal { .. }), "{err:?}");
}
