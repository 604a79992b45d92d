//! The binary as users run it: `exec` and its exit codes, `--import` and `--export-on-exit`.

#[cfg(unix)]
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_adapty-emulator");

fn emulator(args: &[&str]) -> Output {
    Command::new(BIN).args(args).stdin(Stdio::null()).output().unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("adapty-emulator-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A Python one-liner run against the emulator, with `u` (request), `b` (base URL) and `k` (key).
#[cfg(unix)]
fn python(body: &str) -> String {
    format!(
        "import os, json, urllib.request as u\nb = os.environ['ADAPTY_BASE_URL']\nk = os.environ['ADAPTY_API_KEY']\n\
         def call(method, path, body=None, user=None):\n    \
             h = {{'authorization': 'Api-Key ' + k, 'content-type': 'application/json'}}\n    \
             if user: h['adapty-customer-user-id'] = user\n    \
             r = u.Request(b + path, data=None if body is None else json.dumps(body).encode(), method=method, headers=h)\n    \
             return u.urlopen(r).status\n{body}"
    )
}

#[cfg(unix)] // python3 and sh: see the Windows counterpart below
#[test]
fn exec_runs_the_command_against_it_and_exits_with_its_code() {
    let script = python("assert call('GET', '/__emulator/health') == 200\nprint(b, k)\nraise SystemExit(7)");
    let out = emulator(&["exec", "--api-key", "secret_cli_key", "--", "python3", "-c", &script]);
    assert_eq!(code(&out), 7, "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.starts_with("http://127.0.0.1:") && printed.trim_end().ends_with(" secret_cli_key"), "{printed}");

    assert_eq!(code(&emulator(&["exec", "--", "true"])), 0);
    assert_eq!(code(&emulator(&["exec", "--", "sh", "-c", "kill -KILL $$"])), 128 + 9, "killed by a signal: 128+N");
    assert_eq!(code(&emulator(&["exec", "--", "/no/such/command"])), 127);
    assert_eq!(code(&emulator(&["exec", "--", "/"])), 126, "not executable");
}

/// Windows' counterpart of the tests that run Unix programs (python3, sh): cmd.exe is given the
/// emulator's address and key, and its exit code is exec's.
#[cfg(windows)]
#[test]
fn exec_runs_a_windows_command_and_exits_with_its_code() {
    let echo = ["cmd", "/c", "echo", "%ADAPTY_BASE_URL%", "%ADAPTY_API_KEY%&", "exit", "7"];
    let out = emulator(&[&["exec", "--api-key", "secret_cli_key", "--"][..], &echo].concat());
    assert_eq!(code(&out), 7, "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.starts_with("http://127.0.0.1:") && printed.trim_end().ends_with(" secret_cli_key"), "{printed}");
    assert_eq!(code(&emulator(&["exec", "--", "C:\\no\\such\\command.exe"])), 127);
}

#[test]
fn the_emulators_own_failures_exit_125() {
    let dir = temp("failures");
    let garbage = dir.join("garbage.json");
    std::fs::write(&garbage, "{}").unwrap();
    for args in [
        vec!["exec", "--frobnicate", "--", "true"],
        vec!["exec", "--port", "nope", "--", "true"],
        vec!["exec", "--import", garbage.to_str().unwrap(), "--", "true"],
        vec!["exec", "--export-on-exit", "/proc/no/such/dir/x.json", "--", "true"],
        vec!["exec", "--exit-on-stdin-close", "--", "true"],
    ] {
        let out = emulator(&args);
        assert_eq!(code(&out), 125, "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    assert_eq!(code(&emulator(&["exec", "--port", &port, "--", "true"])), 125, "cannot listen");
}

#[cfg(unix)]
#[test]
fn sigterm_is_passed_on_to_the_command() {
    let mut child = Command::new(BIN).args(["exec", "--", "sleep", "30"]).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(128 + 15), "the command ended by SIGTERM, and exec with it");
}

#[cfg(unix)] // python3 and sh: see the Windows counterpart below
#[test]
fn export_on_exit_then_import_starts_from_the_same_state() {
    let dir = temp("roundtrip");
    let (first, second) = (dir.join("first.json"), dir.join("second.json"));
    let create = python("assert call('POST', '/api/v2/server-side-api/profile/', {'first_name': 'Ada'}, user='kept') == 200");
    let out = emulator(&["exec", "--export-on-exit", first.to_str().unwrap(), "--", "python3", "-c", &create]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read_to_string(&first).unwrap().contains("\"kept\""));

    // The imported profile is there, and a reset returns to it.
    let check = python(
        "assert call('GET', '/api/v2/server-side-api/profile/', user='kept') == 200\n\
         assert call('POST', '/__emulator/reset') == 204\n\
         assert call('GET', '/api/v2/server-side-api/profile/', user='kept') == 200",
    );
    let args = ["exec", "--import", first.to_str().unwrap(), "--", "python3", "-c", &check];
    assert_eq!(code(&emulator(&args)), 0);

    let args = ["exec", "--import", first.to_str().unwrap(), "--export-on-exit", second.to_str().unwrap(), "--", "true"];
    assert_eq!(code(&emulator(&args)), 0);
    assert_eq!(std::fs::read_to_string(&second).unwrap(), std::fs::read_to_string(&first).unwrap(), "import, export: identical");
}

#[cfg(unix)] // python3 and sh: see the Windows counterpart below
#[test]
fn with_an_app_per_key_export_on_exit_writes_one_file_per_app() {
    let dir = temp("per-key").join("out");
    let script = python("k = 'secret_worker_0001'\nassert call('POST', '/api/v2/server-side-api/profile/', {}, user='w1') == 200");
    let out = emulator(&["exec", "--accept-any-key", "--export-on-exit", dir.to_str().unwrap(), "--", "python3", "-c", &script]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let read = |name: &str| std::fs::read_to_string(Path::new(&dir).join(name)).unwrap();
    assert!(!read("default.json").contains("\"w1\""));
    assert!(read("1.json").contains("\"w1\""));
}
