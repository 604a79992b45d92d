//! One benchmark run of the Rust core, or of bare reqwest sending the same requests (the floor),
//! against an emulator running as its own process. `make bench` runs this and
//! every language's program, alternating them over several rounds, and prints one table.
//!
//! `throughput SCENARIO CLIENT`, with `ADAPTY_BASE_URL`, `ADAPTY_API_KEY` and `BENCH_USER` set:
//! - `get-c1` / `get-c64`: `profiles.get` with 1 or 64 calls in flight, for `BENCH_SECONDS`
//!   after `BENCH_WARMUP_SECONDS`; CLIENT `core` (tasks on the SDK's runtime, as the bindings
//!   drive it), `core-caller` (tasks on a runtime of the caller's own: each call hops to the
//!   SDK's runtime and back), `ops` (`ops::call` by name with JSON arguments, on the SDK's
//!   runtime: what every binding runs, its result serialized to JSON text) or `reqwest`;
//! - `delete-many`: `BENCH_DELETES` freshly seeded profiles deleted 64 at a time; CLIENT `core`
//!   (`delete_many`) or `reqwest` (a loop of 64 tasks).
//!
//! Prints one JSON line: `{"requests": N, "seconds": S, "cpu_seconds": C}` (the process's CPU
//! time over the measured part alone).
//!
//! `throughput hooks listener` times what a registered request listener adds to each call.
//!
//! `throughput codec profile` (for `make bench-breakdown`) times the two steps of a call that
//! are the core's own CPU work on the way back: reading the profile's response body into the model
//! (`decode_us`) and the model to the JSON text the bindings get (`encode_us`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use adapty_server::{Client, Config, ProfileRef};
use tokio::runtime::Handle;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set (run through `make bench`)"))
}

fn env_f64(name: &str, default: f64) -> f64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// CPU time this process has used (all threads).
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// What one measured part did.
struct Measured {
    requests: usize,
    seconds: f64,
    cpu_seconds: f64,
}

impl Measured {
    fn print(&self) {
        println!(r#"{{"requests": {}, "seconds": {:.6}, "cpu_seconds": {:.6}}}"#, self.requests, self.seconds, self.cpu_seconds);
    }
}

/// Runs `op` from `concurrency` tasks spawned on `rt`, each starting calls until `seconds` have
/// passed; every call must succeed.
async fn drive<F, Fut>(rt: &Handle, concurrency: usize, seconds: f64, op: Arc<F>) -> Measured
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let done = Arc::new(AtomicUsize::new(0));
    let (cpu, started) = (cpu_seconds(), Instant::now());
    let deadline = started + Duration::from_secs_f64(seconds);
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (op, done) = (op.clone(), done.clone());
            rt.spawn(async move {
                while Instant::now() < deadline {
                    let i = done.fetch_add(1, Ordering::Relaxed);
                    assert!(op(i).await, "request {i} failed");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    Measured { requests: done.load(Ordering::Relaxed), seconds: started.elapsed().as_secs_f64(), cpu_seconds: cpu_seconds() - cpu }
}

/// A reqwest client set up as a careful user would, with the core's timeouts and user agent.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(format!("adapty-server-rust/{}", adapty_server::VERSION))
        .tcp_nodelay(true)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// The same GET the core sends, with reqwest alone: send, check the status, read the body.
async fn bare_get(bare: &reqwest::Client, url: &str, auth: &str, user: &str) -> bool {
    let resp = bare
        .get(url)
        .header("authorization", auth)
        .header("accept", "application/json")
        .header("adapty-customer-user-id", user)
        .send()
        .await;
    match resp {
        Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
        Err(_) => false,
    }
}

/// Seeds `count` profiles through the emulator's control plane; returns their ids.
async fn seed(base: &str, count: usize) -> Vec<String> {
    let prefix = format!("bench-del-{}-", std::process::id());
    let body = format!(r#"{{"count": {count}, "customer_user_id_prefix": "{prefix}"}}"#);
    let resp = reqwest::Client::new()
        .post(format!("{base}/__emulator/profiles"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    v["profile_ids"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect()
}

async fn get(concurrency: usize, client: &str, caller: Handle) -> Measured {
    let (base, key, user) = (env("ADAPTY_BASE_URL"), env("ADAPTY_API_KEY"), env("BENCH_USER"));
    let (warmup, seconds) = (env_f64("BENCH_WARMUP_SECONDS", 0.5), env_f64("BENCH_SECONDS", 2.0));
    let sdk = adapty_server::runtime::handle().unwrap();
    match client {
        "core" | "core-caller" => {
            let rt = if client == "core" { sdk } else { caller };
            let core = Client::new(Config::builder().api_key(key).base_url(base).build().unwrap()).unwrap();
            let user = ProfileRef::customer_user_id(user).unwrap();
            let op = Arc::new(move |_| {
                let (core, user) = (core.clone(), user.clone());
                async move { core.profiles().get(&user).await.is_ok() }
            });
            drive(&rt, concurrency, warmup, op.clone()).await;
            drive(&rt, concurrency, seconds, op).await
        }
        "ops" => {
            let core = Client::new(Config::builder().api_key(key).base_url(base).build().unwrap()).unwrap();
            let args = serde_json::json!({ "customer_user_id": user });
            let op = Arc::new(move |_| {
                let (core, args) = (core.clone(), args.clone());
                async move { adapty_server::ops::call(&core, "profiles.get", &args).await.is_ok() }
            });
            drive(&sdk, concurrency, warmup, op.clone()).await;
            drive(&sdk, concurrency, seconds, op).await
        }
        "reqwest" => {
            let (bare, url, auth) = (bare_client(), format!("{base}/api/v2/server-side-api/profile/"), format!("Api-Key {key}"));
            let op = Arc::new(move |_| {
                let (bare, url, auth, user) = (bare.clone(), url.clone(), auth.clone(), user.clone());
                async move { bare_get(&bare, &url, &auth, &user).await }
            });
            drive(&caller, concurrency, warmup, op.clone()).await;
            drive(&caller, concurrency, seconds, op).await
        }
        other => panic!("unknown client {other:?} (core, core-caller, ops, reqwest)"),
    }
}

async fn delete_many(client: &str, caller: Handle) -> Measured {
    let (base, key) = (env("ADAPTY_BASE_URL"), env("ADAPTY_API_KEY"));
    let count = env_f64("BENCH_DELETES", 10_000.0) as usize;
    let ids = seed(&base, count).await;
    match client {
        "core" => {
            let core = Client::new(Config::builder().api_key(key).base_url(base).build().unwrap()).unwrap();
            let refs: Vec<ProfileRef> = ids.iter().map(|id| ProfileRef::profile_id(id).unwrap()).collect();
            let (cpu, started) = (cpu_seconds(), Instant::now());
            let results = core.profiles().delete_many(&refs, 64).await;
            let measured = Measured { requests: count, seconds: started.elapsed().as_secs_f64(), cpu_seconds: cpu_seconds() - cpu };
            assert!(results.iter().all(Result::is_ok), "some deletes failed");
            measured
        }
        "reqwest" => {
            let (bare, url, auth) = (bare_client(), format!("{base}/api/v2/server-side-api/profile/"), format!("Api-Key {key}"));
            let ids = Arc::new(ids);
            let next = Arc::new(AtomicUsize::new(0));
            let (cpu, started) = (cpu_seconds(), Instant::now());
            let tasks: Vec<_> = (0..64)
                .map(|_| {
                    let (bare, url, auth, ids, next) = (bare.clone(), url.clone(), auth.clone(), ids.clone(), next.clone());
                    caller.spawn(async move {
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(id) = ids.get(i) else { break };
                            let resp = bare.delete(&url).header("authorization", &auth).header("adapty-profile-id", id).send().await;
                            let deleted = match resp {
                                Ok(r) => r.status() == 204 && r.bytes().await.is_ok(),
                                Err(_) => false,
                            };
                            assert!(deleted, "delete {i} failed");
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
            Measured { requests: count, seconds: started.elapsed().as_secs_f64(), cpu_seconds: cpu_seconds() - cpu }
        }
        other => panic!("unknown client {other:?} (core, reqwest)"),
    }
}

/// Microseconds per decode and per encode of `BENCH_USER`'s profile response, over many rounds.
async fn codec() -> String {
    use adapty_server::models::DataEnvelope;
    let (base, key, user) = (env("ADAPTY_BASE_URL"), env("ADAPTY_API_KEY"), env("BENCH_USER"));
    let url = format!("{base}/api/v2/server-side-api/profile/");
    let req = bare_client().get(url).header("authorization", format!("Api-Key {key}")).header("adapty-customer-user-id", user);
    let body = req.send().await.unwrap().bytes().await.unwrap();
    let rounds = 100_000;
    let per_round = |started: Instant| started.elapsed().as_secs_f64() / rounds as f64 * 1e6;
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(serde_json::from_slice::<DataEnvelope<adapty_server::Profile>>(&body).unwrap());
    }
    let decode = per_round(started);
    let profile = serde_json::from_slice::<DataEnvelope<adapty_server::Profile>>(&body).unwrap().data;
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(serde_json::value::to_raw_value(&profile).unwrap());
    }
    format!(r#"{{"bytes": {}, "decode_us": {decode:.3}, "encode_us": {:.3}}}"#, body.len(), per_round(started))
}

/// Microseconds per call that a registered listener adds: what the transport does for it on each
/// attempt of a request (the listeners' list taken, a request and a response event built and
/// handed to a listener that does nothing), over many rounds.
fn hooks() -> String {
    use adapty_server::events::{Event, Listener, Outcome, Phase};
    let listeners: Vec<Arc<dyn Listener>> = vec![Arc::new(|e: &Event<'_>| {
        std::hint::black_box(e);
    })];
    let url = "https://api.adapty.io/api/v2/server-side-api/profile/";
    let rounds = 1_000_000;
    let started = Instant::now();
    for _ in 0..rounds {
        let current = std::hint::black_box(listeners.clone());
        let request = Event { phase: Phase::Request, operation: "profiles.get", method: "GET", url, attempt: 1, outcome: None };
        current.iter().for_each(|l| l.on_event(&request));
        let outcome = Outcome {
            status: Some(200),
            request_id: Some("0123456789abcdef"),
            elapsed: Duration::from_micros(250),
            error_kind: None,
            retry_in: None,
        };
        let response = Event { phase: Phase::Response, outcome: Some(outcome), ..request };
        current.iter().for_each(|l| l.on_event(&response));
    }
    format!(r#"{{"hook_us": {:.4}}}"#, started.elapsed().as_secs_f64() / rounds as f64 * 1e6)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [scenario, client] = args.as_slice() else {
        // `cargo bench` runs this with `--bench`: the benchmark is driven by `make bench`.
        eprintln!("usage: throughput get-c1|get-c64|delete-many CLIENT (run `make bench`)");
        return;
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    // The caller's runtime: what a Rust application would have, 2 threads like the SDK's.
    let caller = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let handle = caller.handle().clone();
    if scenario == "codec" {
        println!("{}", caller.block_on(codec()));
        return;
    }
    if scenario == "hooks" {
        println!("{}", hooks());
        return;
    }
    let measured = caller.block_on(async move {
        match scenario.as_str() {
            "get-c1" => get(1, client, handle).await,
            "get-c64" => get(64, client, handle).await,
            "delete-many" => delete_many(client, handle).await,
            other => panic!("unknown scenario {other:?}"),
        }
    });
    measured.print();
}
