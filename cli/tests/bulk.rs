//! Bulk jobs as users run them: killed half way under injected faults and resumed, interrupted
//! with Ctrl-C, dry runs, confirmations, a 429 that pauses every worker, the progress display.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{Emu, Ran, scratch};
use serde_json::{Value, json};

/// `count` profiles seeded as `{prefix}0`, `{prefix}1`, ..., and a file of their ids, one per line.
fn seeded(emu: &Emu, dir: &std::path::Path, prefix: &str, count: usize) -> PathBuf {
    emu.control("POST", "profiles", Some(json!({ "count": count, "customer_user_id_prefix": prefix })));
    let input = dir.join(format!("{prefix}ids.txt"));
    std::fs::write(&input, (0..count).map(|n| format!("{prefix}{n}\n")).collect::<String>()).unwrap();
    input
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

/// The report's lines, by customer user id.
fn report(file: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(file).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The inputs the checkpoint records as finished.
fn finished(checkpoint: &std::path::Path) -> BTreeSet<u64> {
    let text = std::fs::read_to_string(checkpoint).unwrap_or_default();
    text.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()).filter_map(|r| r["finished"].as_u64()).collect()
}

fn customer(entry: &Value) -> &str {
    entry["headers"]["adapty-customer-user-id"].as_str().unwrap_or_default()
}

/// 5,000 deletes with 10% of requests faulted (lost answers, 5xx, 429, deletes applied then
/// failed), killed with SIGKILL half way, then run again: every input is reported exactly once,
/// in order; what finished before the kill is never sent again; no profile is deleted twice; the
/// ids that never existed are reported not found.
#[test]
fn a_killed_job_resumes_with_nothing_sent_twice() {
    const PROFILES: usize = 5_000;
    let emu = Emu::start();
    let dir = scratch("resume");
    emu.control("POST", "profiles", Some(json!({ "count": PROFILES, "customer_user_id_prefix": "gdpr-" })));
    let mut ids: Vec<String> = (0..PROFILES).map(|n| format!("gdpr-{n}")).collect();
    ids.extend((0..10).map(|n| format!("never-{n}")));
    let input = dir.join("ids.txt");
    std::fs::write(&input, ids.join("\n")).unwrap();
    let rates = json!({ "dropped": 0.02, "status_500": 0.02, "status_503": 0.01, "status_429": 0.01, "applied_then_500": 0.02, "applied_then_dropped": 0.02 });
    emu.control("POST", "chaos", Some(json!({ "seed": 7, "rates": rates, "retry_after": "0.05" })));
    let (checkpoint, report_file) = (dir.join("job.ckpt"), dir.join("report.jsonl"));
    let args = [
        "profiles",
        "delete-many",
        "--from",
        path(&input),
        "--checkpoint",
        path(&checkpoint),
        "--report",
        path(&report_file),
        "--yes",
        "--max-retries",
        "4",
    ];

    let mut first = emu.cli(&args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while finished(&checkpoint).len() < PROFILES / 2 {
        assert!(Instant::now() < deadline && first.try_wait().unwrap().is_none(), "the job ended before half way");
        std::thread::sleep(Duration::from_millis(5));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let done_before = finished(&checkpoint);
    let sent_before = emu.control("GET", "journal", None).as_array().unwrap().len();
    assert!(done_before.len() >= PROFILES / 2 && done_before.len() < ids.len(), "killed half way: {}", done_before.len());

    let resumed = emu.run(&args);
    assert!(resumed.code == 0 || resumed.code == 1, "{resumed:?}");
    assert!(resumed.stderr.contains(&format!("continuing: {} of {} inputs finished", done_before.len(), ids.len())), "{}", resumed.stderr);

    // Every input once, in input order.
    let lines = report(&report_file);
    let reported: Vec<_> = lines.iter().map(|l| l["input"]["customer_user_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(reported, ids);
    // Nothing that had finished was sent again.
    let journal = emu.control("GET", "journal", None);
    let journal = journal.as_array().unwrap();
    for entry in &journal[sent_before..] {
        let n = ids.iter().position(|id| id == customer(entry)).unwrap() as u64;
        assert!(!done_before.contains(&n), "{} finished before the kill and was sent again", customer(entry));
    }
    // No profile deleted twice; ok only when the profile is gone.
    let mut deleted: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in journal.iter().filter(|e| e["method"] == "DELETE" && e["status"] == 204) {
        *deleted.entry(customer(entry)).or_default() += 1;
    }
    assert!(deleted.values().all(|n| *n == 1), "a profile deleted twice");
    let left: BTreeSet<String> = emu.control("GET", "profiles", None)["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["customer_user_id"].as_str().unwrap().to_owned())
        .collect();
    // Each id's requests, as (status, faulted).
    let sent = |id: &str| -> Vec<(u64, bool)> {
        journal.iter().filter(|e| customer(e) == id).map(|e| (e["status"].as_u64().unwrap(), e["fault"] == true)).collect()
    };
    // Whether an attempt's outcome was unknown to the client: a 5xx or a lost answer (the
    // emulator's injected faults other than 429), after which the delete may have been made.
    let unknown = |attempts: &[(u64, bool)]| attempts.iter().any(|&(status, fault)| fault && status != 429);
    for line in &lines[..PROFILES] {
        let id = line["input"]["customer_user_id"].as_str().unwrap();
        let attempts = sent(id);
        if line["ok"] == true {
            assert!(!left.contains(id), "{line}\nsent: {attempts:?}");
        } else {
            // Given up only after a fault on each of its 5 attempts (a delete made before one
            // of them is possible: the profile may be gone or not).
            let last = &attempts[attempts.len().saturating_sub(5)..];
            assert!(last.len() == 5 && last.iter().all(|&(_, fault)| fault), "{line}\nsent: {attempts:?}");
        }
    }
    for line in &lines[PROFILES..] {
        let id = line["input"]["customer_user_id"].as_str().unwrap();
        let attempts = sent(id);
        // A 404 after an attempt of unknown outcome reads as that attempt's delete: neither the
        // SDK nor Adapty can tell it from a profile that never existed.
        let expected = if unknown(&attempts) {
            (json!(true), json!(204), Value::Null)
        } else {
            (json!(false), json!(404), json!("profile_does_not_exist"))
        };
        assert_eq!((line["ok"].clone(), line["status"].clone(), line["error_code"].clone()), expected, "{line}\nsent: {attempts:?}");
    }
    let failed = lines.iter().filter(|l| l["ok"] == false).count();
    assert_eq!(resumed.code, i32::from(failed > 0));
    // The emulator did fault the job.
    let chaos = emu.control("GET", "chaos", None);
    assert!(chaos["injected"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum::<u64>() > 200, "{chaos}");
}

/// Ctrl-C lets the requests in flight finish, exits 130, and the same command continues.
#[test]
fn ctrl_c_stops_and_the_same_command_continues() {
    let emu = Emu::start();
    let dir = scratch("sigint");
    let input = seeded(&emu, &dir, "i-", 400);
    // Slow enough to interrupt half way.
    emu.control("POST", "faults", Some(json!({ "method": "DELETE", "delay_ms": 20, "times": 400 })));
    let checkpoint = dir.join("job.ckpt");
    let args = ["profiles", "delete-many", "--from", path(&input), "--checkpoint", path(&checkpoint), "--yes", "--concurrency", "4"];
    let child = emu.cli(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    while finished(&checkpoint).len() < 100 {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let first = Ran::from(child.wait_with_output().unwrap());
    assert_eq!(first.code, 130, "{first:?}");
    assert!(first.stderr.contains("run the same command again"), "{}", first.stderr);
    let stopped_at = finished(&checkpoint).len();
    assert!(stopped_at < 400);
    let second = emu.run(&args);
    assert_eq!(second.code, 0, "{second:?}");
    assert_eq!(finished(&checkpoint).len(), 400);
    assert_eq!(emu.control("GET", "profiles", None)["total"], 0);
}

/// Grants from a CSV, the flag giving what every line lacks, and from JSON lines; a dry run
/// checks every line as the SDK would and sends nothing.
#[test]
fn grants_from_csv_and_json_lines_and_dry_runs() {
    let emu = Emu::start();
    let dir = scratch("grant");
    emu.control("POST", "profiles", Some(json!({ "count": 3, "customer_user_id_prefix": "g-" })));
    let csv = dir.join("users.csv");
    std::fs::write(&csv, "customer_user_id\ng-0\ng-1\n").unwrap();
    let ran = emu.run(&["access-levels", "grant", "--from", path(&csv), "--access-level-id", "premium"]);
    assert_eq!(ran.code, 0, "{ran:?}");
    let jsonl = dir.join("grants.jsonl");
    std::fs::write(&jsonl, "{\"customer_user_id\": \"g-2\", \"access_level_id\": \"premium\", \"expires_at\": \"2030-01-01T00:00:00Z\"}\n")
        .unwrap();
    assert_eq!(emu.run(&["access-levels", "grant", "--from", path(&jsonl)]).code, 0);
    for n in 0..3 {
        let profile = emu.run(&["profiles", "get", "--customer-user-id", &format!("g-{n}"), "-o", "json"]).json(0);
        assert_eq!(profile["access_levels"][0]["access_level_id"], "premium", "g-{n}");
    }
    assert_eq!(
        emu.run(&["profiles", "get", "--customer-user-id", "g-2", "-o", "json"]).json(0)["access_levels"][0]["expires_at"],
        "2030-01-01T00:00:00Z"
    );

    emu.control("DELETE", "journal", None);
    let bad = dir.join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"customer_user_id\": \"g-0\", \"access_level_id\": \"premium\"}\n{oops\n{\"customer_user_id\": \"g-1\"}\n\n{\"customer_user_id\": \"g-1\", \"access_level_id\": \"premium\", \"expires_at\": \"soon\"}\n{\"customer_user_id\": \"g-1\", \"access_level_id\": \"premium\", \"colour\": \"red\"}\n",
    )
    .unwrap();
    let report_file = dir.join("dry.jsonl");
    let dry = emu.run(&["access-levels", "grant", "--from", path(&bad), "--dry-run", "--report", path(&report_file)]);
    assert_eq!(dry.code, 1, "{dry:?}");
    for expected in ["line 2: not JSON", "line 3: ", "access_level_id", "line 5: --expires-at", "line 6: invalid colour: unknown field"] {
        assert!(dry.stderr.contains(expected), "{expected:?} not in: {}", dry.stderr);
    }
    assert!(dry.stderr.contains("dry run: 5 inputs, 1 would be sent, 4 invalid; nothing sent"), "{}", dry.stderr);
    assert_eq!(report(&report_file).iter().map(|l| l["line"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 3, 5, 6]);
    assert_eq!(emu.control("GET", "journal", None), json!([]), "a dry run sends nothing");
}

/// A destructive job asks first; with nobody to ask (stdin not a terminal) it refuses and
/// sends nothing.
#[test]
fn a_destructive_job_needs_yes_off_a_terminal() {
    let emu = Emu::start();
    let dir = scratch("confirm");
    emu.control("POST", "profiles", Some(json!({ "profiles": [{ "customer_user_id": "keep" }] })));
    let input = dir.join("ids.txt");
    std::fs::write(&input, "keep\n").unwrap();
    let ran = Ran::from(emu.cli(&["profiles", "delete-many", "--from", path(&input)]).stdin(Stdio::null()).output().unwrap());
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(ran.stderr.contains("--yes"), "{}", ran.stderr);
    assert_eq!(emu.control("GET", "profiles", None)["total"], 1);
    assert_eq!(emu.control("GET", "journal", None), json!([]));
}

/// A 429's Retry-After holds back every worker of the job, not only the one that met it.
#[test]
fn a_429_pauses_every_worker() {
    let emu = Emu::start();
    let dir = scratch("429");
    let input = seeded(&emu, &dir, "r-", 600);
    // The first delete meets the 429; the others take 20 ms each, so without the pause the job
    // would keep sending all through the second the 429 asked for.
    emu.control(
        "POST",
        "faults",
        Some(json!([
            { "method": "DELETE", "status": 429, "retry_after": "1", "times": 1 },
            { "method": "DELETE", "delay_ms": 20, "times": 600 },
        ])),
    );
    let ran = emu.run(&["profiles", "delete-many", "--from", path(&input), "--yes", "--concurrency", "16"]);
    assert_eq!(ran.code, 0, "{ran:?}");
    let journal = emu.control("GET", "journal", None);
    let at = |e: &Value| chrono::DateTime::parse_from_rfc3339(e["received_at"].as_str().unwrap()).unwrap();
    let entries = journal.as_array().unwrap();
    let limited = entries.iter().find(|e| e["status"] == 429).unwrap();
    let (from, to) = (at(limited) + chrono::TimeDelta::milliseconds(100), at(limited) + chrono::TimeDelta::milliseconds(900));
    let during: Vec<_> = entries.iter().filter(|e| at(e) > from && at(e) < to).collect();
    assert!(during.is_empty(), "{} requests went out during the pause", during.len());
    assert_eq!(emu.control("GET", "profiles", None)["total"], 0);
}

/// On a terminal the progress is a bar (escape codes on stderr); in a pipe, plain lines only.
#[test]
fn progress_is_a_bar_on_a_terminal_and_plain_in_a_pipe() {
    let emu = Emu::start();
    let dir = scratch("progress");
    let input = seeded(&emu, &dir, "p-", 200);
    emu.control("POST", "faults", Some(json!({ "method": "DELETE", "delay_ms": 5, "times": 200 })));
    let piped = emu.run(&["profiles", "delete-many", "--from", path(&input), "--yes", "--concurrency", "4"]);
    assert_eq!(piped.code, 0, "{piped:?}");
    assert!(!piped.stderr.contains('\u{1b}'), "an escape code in a pipe: {:?}", piped.stderr);
    assert!(piped.stderr.contains("done: 200/200 finished, 0 failed"), "{}", piped.stderr);

    // The same job under a pseudo-terminal (util-linux `script`), on profiles seeded again.
    seeded(&emu, &dir, "p-", 200);
    emu.control("POST", "faults", Some(json!({ "method": "DELETE", "delay_ms": 5, "times": 200 })));
    let command = format!("{} profiles delete-many --from {} --yes --concurrency 4", env!("CARGO_BIN_EXE_adapty-server"), path(&input));
    let tty = emu.cli(&[]).get_envs().map(|(k, v)| (k.to_owned(), v.map(|v| v.to_owned()))).collect::<Vec<_>>();
    let mut script = std::process::Command::new("script");
    script.args(["-qfec", &command, "/dev/null"]);
    for (k, v) in tty {
        match v {
            Some(v) => script.env(k, v),
            None => script.env_remove(k),
        };
    }
    let ran = Ran::from(script.output().unwrap());
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(ran.stdout.contains("\u{1b}[") && ran.stdout.contains("200/200"), "no bar on a terminal: {:?}", ran.stdout);
}
