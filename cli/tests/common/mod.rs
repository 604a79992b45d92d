//! What the CLI's test files share: an in-process emulator, its control plane, and `adapty-server`
//! run as a user runs it (its own process, the key and URL in its environment).

// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

use adapty_emulator::Emulator;
use serde_json::Value;

pub const KEY: &str = "secret_cli_test_key_1234";
/// The Web API's key and the Mail API's: the emulator accepts any, as it does the secret one
/// unless given one.
pub const PUBLIC_KEY: &str = "public_live_cli_test_5678";
pub const MAIL_KEY: &str = "secret_mail_cli_test_9012";

pub struct Emu {
    pub emulator: Emulator,
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Emu {
    pub fn start() -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let emulator = rt.block_on(Emulator::start_local(Some(KEY))).unwrap();
        Self { emulator, rt, http: reqwest::Client::new() }
    }

    /// A control-plane request; its JSON answer (`null` when empty).
    pub fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/__emulator/{path}", self.emulator.base_url());
        let mut req = self.http.request(method.parse().unwrap(), url);
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b.to_string());
        }
        self.rt.block_on(async {
            let resp = req.send().await.unwrap();
            assert!(resp.status().is_success(), "{method} {path}: {}", resp.status());
            let text = resp.text().await.unwrap();
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() }
        })
    }

    /// `adapty-server ARGS` against this emulator, with every API's key, not yet started.
    pub fn cli(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_adapty-server"));
        cmd.args(args)
            .env("ADAPTY_BASE_URL", self.emulator.base_url())
            .env("ADAPTY_API_KEY", KEY)
            .env("ADAPTY_PUBLIC_API_KEY", PUBLIC_KEY)
            .env("ADAPTY_MAIL_API_KEY", MAIL_KEY)
            .env_remove("ADAPTY_ANALYTICS_BASE_URL")
            .env_remove("ADAPTY_MAIL_BASE_URL")
            .env_remove("NO_COLOR");
        cmd
    }

    /// Runs `adapty-server ARGS` to its end.
    pub fn run(&self, args: &[&str]) -> Ran {
        Ran::from(self.cli(args).output().unwrap())
    }
}

/// A finished `adapty-server`.
#[derive(Debug)]
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Ran {
    fn from(o: Output) -> Self {
        Self {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Ran {
    /// Stdout as JSON, after checking the exit code.
    pub fn json(&self, code: i32) -> Value {
        assert_eq!(self.code, code, "exit code; stderr: {}", self.stderr);
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

/// A scratch directory for one test's files, empty.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("adapty-server-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
