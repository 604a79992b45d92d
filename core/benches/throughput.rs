//! Throughput of the core client against the emulator on loopback, next to a bare reqwest loop
//! sending the same requests (the floor). Prints figures and ratios; asserts nothing.
//!
//! `make bench` (or `cargo bench -p adapty-server --bench throughput`). Environment:
//! `BENCH_REQUESTS` (default 5000 per get run), `BENCH_DELETES` (default 10000).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use adapty_emulator::Emulator;
use adapty_server::{Client, Config, ProfileRef};
use tokio::runtime::Handle;

const KEY: &str = "secret_bench_key";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Runs `total` calls of `op(i)` with `concurrency` tasks spawned on `rt`; returns requests per
/// second.
async fn drive<F, Fut>(rt: &Handle, total: usize, concurrency: usize, op: F) -> f64
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let op = Arc::new(op);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (op, next) = (op.clone(), next.clone());
            rt.spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    assert!(op(i).await, "request {i} failed");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    total as f64 / started.elapsed().as_secs_f64()
}

struct Bench {
    base: String,
    control: reqwest::Client,
    bare: reqwest::Client,
    core: Client,
}

impl Bench {
    async fn seed(&self, count: usize, prefix: &str) -> Vec<String> {
        let body = format!(r#"{{"count": {count}, "customer_user_id_prefix": "{prefix}"}}"#);
        let resp = self
            .control
            .post(format!("{}/__emulator/profiles", self.base))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
        v["profile_ids"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect()
    }

    async fn clear_journal(&self) {
        self.control.delete(format!("{}/__emulator/journal", self.base)).send().await.unwrap();
    }

    /// The same GET the core sends, with reqwest alone: send, read the body.
    async fn bare_get(bare: reqwest::Client, url: Arc<String>, user: &str) -> bool {
        let resp = bare
            .get(url.as_str())
            .header("authorization", format!("Api-Key {KEY}"))
            .header("accept", "application/json")
            .header("adapty-customer-user-id", user)
            .send()
            .await;
        match resp {
            Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
            Err(_) => false,
        }
    }
}

const ROUNDS: usize = 7;

fn median(mut runs: Vec<f64>) -> f64 {
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

/// Prints one comparison; `goal` is `None` where none is set (calls that include the hop from a
/// foreign runtime, shown for information).
fn report(label: &str, core: f64, bare: f64, goal: Option<f64>) {
    let ratio = core / bare;
    let verdict = match goal {
        Some(g) if ratio >= g => format!("meets goal {g:.1}x"),
        Some(g) => format!("BELOW goal {g:.1}x"),
        None => "includes the runtime hop; no goal".to_owned(),
    };
    println!("{label:<48} core {core:>9.0} req/s   bare reqwest {bare:>9.0} req/s   ratio {ratio:.2}x  ({verdict})");
}

fn main() {
    let requests = env_usize("BENCH_REQUESTS", 5000);
    let deletes = env_usize("BENCH_DELETES", 10_000);
    // The emulator gets its own runtime, like a separate server process would.
    let server_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let emulator = server_rt.block_on(Emulator::start_local(Some(KEY))).unwrap();
    let base = emulator.base_url();
    let driver = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    driver.block_on(async move {
        let config = Config::builder().api_key(KEY).base_url(base.clone()).build().unwrap();
        let core = Client::new(config).unwrap();
        let _ = rustls::crypto::ring::default_provider().install_default();
        // Set up as a careful reqwest user would, with the same total timeout as the core's.
        let bare = reqwest::Client::builder()
            .tcp_nodelay(true)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let b = Arc::new(Bench { base: base.clone(), control: reqwest::Client::new(), bare, core });
        b.seed(1, "bench-user-").await;
        let url = Arc::new(format!("{base}/api/v2/server-side-api/profile/"));
        println!(
            "adapty-server throughput against the emulator on loopback ({} cores)",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );

        // Two placements of the calling tasks: on the SDK's runtime (as the language bindings
        // drive it), and on a runtime of the caller's own, where each call hops to the SDK's
        // runtime and back. The bare loop runs where the calling tasks run.
        let sdk = adapty_server::runtime::handle().unwrap();
        let own = Handle::current();
        for (placement, rt, goal) in [("on the SDK runtime", &sdk, Some(0.9)), ("on the caller's runtime", &own, None)] {
            for concurrency in [1usize, 64] {
                let mut core_runs = Vec::new();
                let mut bare_runs = Vec::new();
                // Alternate the two sides over several rounds and compare medians: a 2-core
                // machine shared with the emulator is noisy.
                for _ in 0..ROUNDS {
                    b.clear_journal().await;
                    let bb = b.clone();
                    let u = url.clone();
                    bare_runs
                        .push(drive(rt, requests, concurrency, move |_| Bench::bare_get(bb.bare.clone(), u.clone(), "bench-user-0")).await);
                    b.clear_journal().await;
                    let bb = b.clone();
                    let user = ProfileRef::customer_user_id("bench-user-0").unwrap();
                    core_runs.push(
                        drive(rt, requests, concurrency, move |_| {
                            let (c, user) = (bb.core.clone(), user.clone());
                            async move { c.profiles().get(&user).await.is_ok() }
                        })
                        .await,
                    );
                }
                report(&format!("get, concurrency {concurrency:>2}, {placement}"), median(core_runs), median(bare_runs), goal);
            }
        }

        // delete_many of `deletes` profiles at concurrency 64, against a bare loop deleting as many.
        b.clear_journal().await;
        let ids = b.seed(deletes, "bare-del-").await;
        let bb = b.clone();
        let u = url.clone();
        let ids = Arc::new(ids);
        let bare_rate = drive(&Handle::current(), deletes, 64, move |i| {
            let (bare, u, id) = (bb.bare.clone(), u.clone(), ids[i].clone());
            async move {
                match bare.delete(u.as_str()).header("authorization", format!("Api-Key {KEY}")).header("adapty-profile-id", id).send().await
                {
                    Ok(r) => r.status() == 204 && r.bytes().await.is_ok(),
                    Err(_) => false,
                }
            }
        })
        .await;
        b.clear_journal().await;
        let ids = b.seed(deletes, "core-del-").await;
        let refs: Vec<ProfileRef> = ids.iter().map(|id| ProfileRef::profile_id(id).unwrap()).collect();
        let started = Instant::now();
        let results = b.core.profiles().delete_many(&refs, 64).await;
        let core_rate = deletes as f64 / started.elapsed().as_secs_f64();
        assert!(results.iter().all(Result::is_ok), "some deletes failed");
        report(&format!("delete_many({deletes}), concurrency 64"), core_rate, bare_rate, Some(0.8));
    });
    server_rt.block_on(emulator.stop());
}
