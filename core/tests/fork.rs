//! A client created before `fork()` works in the child: the child gets its own runtime and
//! connection pool instead of the parent's threads (which it does not have) and sockets (which
//! it shares with the parent). Unix only: Windows has no `fork()`.
#![cfg(unix)]

mod common;

use adapty_server::ProfileRef;
use common::{ThreadEnv, control};

#[test]
fn client_survives_fork() {
    let env = ThreadEnv::start();
    let ctl = env.control.clone();
    control(async move { ctl.seed_user("forky").await });
    // A short timeout and no retries: a child that used the parent's pool would hang and fail.
    let client =
        adapty_server::BlockingClient::new(env.config().timeout(std::time::Duration::from_secs(3)).max_retries(0).build().unwrap())
            .unwrap();
    let user = ProfileRef::customer_user_id("forky").unwrap();
    // Warm the parent's runtime and pool (a keep-alive connection now exists).
    client.profiles().get(&user).unwrap();

    // SAFETY: the child only runs Rust code that builds fresh threads, then `_exit`s.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = (0..3).all(|_| client.profiles().get(&user).is_ok());
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let mut status = 0;
    // SAFETY: waiting for the child we just made.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(libc::WIFEXITED(status), "child did not exit normally: {status}");
    assert_eq!(libc::WEXITSTATUS(status), 0, "the client failed in the child");
    // The parent's client still works.
    client.profiles().get(&user).unwrap();
    let ctl = env.control.clone();
    assert_eq!(control(async move { ctl.journal().await.len() }), 5);
}
