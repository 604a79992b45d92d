//! Runs the shared cases of `tests/vectors/` (`profiles.json`, `operations.json`; one format,
//! described in each file's `description`) against the emulator through `ops::call`, as every
//! language binding does.

mod common;

use adapty_server::{ApiVersion, Client, Error};
use common::{Env, json_eq};
use serde_json::{Value, json};

fn load(file: &str) -> Vec<Value> {
    let path = format!("{}/../tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

/// The outcome of one call, as the vectors describe outcomes. An operation with one result per
/// input (`profiles.deleteMany`) gives the list of its inputs' outcomes.
fn outcome(r: &Result<Value, Error>, per_input: bool) -> Value {
    match r {
        Ok(Value::Array(results)) if per_input => Value::Array(results.iter().map(result_outcome).collect()),
        Ok(_) => json!("ok"),
        Err(Error::Validation(v)) => json!({ "validation_error": { "field": v.field, "rule": v.rule.as_str() } }),
        Err(Error::Api(a)) => json!({ "status": a.status, "error_code": a.error_code }),
        Err(other) => json!({ "unexpected": other.to_string() }),
    }
}

/// One input's result of a per-input operation: `null`, or the error's `Error::to_json`.
fn result_outcome(r: &Value) -> Value {
    match r {
        Value::Null => json!("ok"),
        e if e.get("rule").is_some() => json!({ "validation_error": { "field": e["field"], "rule": e["rule"] } }),
        e if e.get("status").is_some() => json!({ "status": e["status"], "error_code": e["error_code"] }),
        e => json!({ "unexpected": e }),
    }
}

/// What is wrong with a case's outcome `got` and the requests `sent`, against its `expect`.
fn check_case(name: &str, expect: &Value, got: &Value, sent: &[Value]) -> Vec<String> {
    if let Some(v) = expect.get("validation_error") {
        let mut problems = Vec::new();
        if *got != json!({ "validation_error": v }) {
            problems.push(format!("{name}: got {got}, expected validation error {v}"));
        }
        if !sent.is_empty() {
            problems.push(format!("{name}: {} request(s) sent despite a validation error", sent.len()));
        }
        return problems;
    }
    if let Some(results) = expect.get("results") {
        return if got == results { Vec::new() } else { vec![format!("{name}: got {got}, expected {results}")] };
    }
    let mut problems = Vec::new();
    // Per-input results: "ok" when every input succeeded.
    let got = match got.as_array() {
        Some(results) if results.iter().all(|r| r == "ok") => json!("ok"),
        _ => got.clone(),
    };
    if got != expect["outcome"] {
        problems.push(format!("{name}: outcome {got} != expected {}", expect["outcome"]));
    }
    match sent {
        [entry] => problems.extend(check_request(name, &expect["request"], entry)),
        other => problems.push(format!("{name}: expected one request, saw {}", other.len())),
    }
    problems
}

fn check_request(name: &str, expected: &Value, entry: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(query) = expected.get("query").and_then(Value::as_object) {
        let sent_query = query_map(entry["query"].as_str().unwrap_or_default());
        for (k, v) in query {
            if sent_query.get(k) != Some(v) {
                problems.push(format!("{name}: query {k} = {:?} != expected {v}", sent_query.get(k)));
            }
        }
    }
    for key in ["method", "path"] {
        if expected[key] != entry[key] {
            problems.push(format!("{name}: {key} {} != expected {}", entry[key], expected[key]));
        }
    }
    for (h, v) in expected["headers"].as_object().unwrap() {
        if entry["headers"][h] != *v {
            problems.push(format!("{name}: header {h} = {} != expected {v}", entry["headers"][h]));
        }
    }
    for h in expected["absent_headers"].as_array().unwrap() {
        if !entry["headers"][h.as_str().unwrap()].is_null() {
            problems.push(format!("{name}: header {h} must not be sent"));
        }
    }
    let body = entry["body"].as_str().unwrap();
    let sent: Value = if body.is_empty() { Value::Null } else { serde_json::from_str(body).unwrap() };
    if !json_eq(&sent, &expected["body"]) {
        problems.push(format!("{name}: body {sent} != expected {}", expected["body"]));
    }
    problems
}

/// The journal's raw query string as a map (percent-decoded, `+` as space).
fn query_map(raw: &str) -> serde_json::Map<String, Value> {
    let decode = |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default();
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .map(|(k, v)| (decode(k), Value::String(decode(v))))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_vectors() {
    let env = Env::start().await;
    let ctl = &env.control;
    let clients =
        [ApiVersion::V1, ApiVersion::V2].map(|v| Client::new(env.config().api_version(v).max_retries(0).build().unwrap()).unwrap());
    let files = [("profiles.json", 51), ("operations.json", 109)];
    let mut covered = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    let mut total = 0;
    for (file, at_least) in files {
        let cases = load(file);
        assert!(cases.len() >= at_least, "{file} lost cases: {} < {at_least}", cases.len());
        total += cases.len();
        for case in &cases {
            let name = case["name"].as_str().unwrap();
            let op = case["operation"].as_str().unwrap();
            let entry = adapty_server::ops::manifest::find(op).unwrap_or_else(|| panic!("{file}: {name}: unknown operation {op}"));
            covered.insert(op.to_owned());
            ctl.reset().await;
            if let Some(given) = case.get("given_profiles") {
                ctl.seed(json!({ "profiles": given })).await;
            }
            if let Some(config) = case.get("given_config") {
                ctl.config(config.clone()).await;
            }
            ctl.clear_journal().await;
            let client = match case.get("api_version").map_or(Some("v2"), Value::as_str) {
                Some("v1") => &clients[0],
                Some("v2") => &clients[1],
                other => panic!("{file}: {name}: api_version {other:?}"),
            };
            let per_input = entry.output == adapty_server::ops::manifest::Output::DeleteResults;
            let got = outcome(&common::call(client, op, &case["input"]).await, per_input);
            problems.extend(check_case(&format!("{file}: {name}"), &case["expect"], &got, &ctl.journal().await));
        }
    }
    let missing: Vec<_> = adapty_server::ops::manifest::OPERATIONS.iter().map(|op| op.name).filter(|op| !covered.contains(*op)).collect();
    assert!(missing.is_empty(), "operations without vectors: {missing:?}");
    assert!(problems.is_empty(), "{} of {total} vector cases failed:\n{}", problems.len(), problems.join("\n"));
}
