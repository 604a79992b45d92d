//! Runs the shared cases of `tests/vectors/profiles.json` against the emulator, as every
//! language binding does.

mod common;

use adapty_server::{ApiVersion, Client, CreateRef, Error, ProfileParams, ProfileRef};
use common::{Env, json_eq};
use serde_json::{Value, json};

fn load() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/profiles.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn id_parts(input: &Value) -> (Option<&str>, Option<&str>) {
    (input["profile_id"].as_str(), input["customer_user_id"].as_str())
}

/// The outcome of one case, as the vectors describe outcomes.
fn outcome<T>(r: &Result<T, Error>) -> Value {
    match r {
        Ok(_) => json!("ok"),
        Err(Error::Validation(v)) => json!({ "validation_error": { "field": v.field, "rule": v.rule.as_str() } }),
        Err(Error::Api(a)) => json!({ "status": a.status, "error_code": a.error_code }),
        Err(other) => json!({ "unexpected": other.to_string() }),
    }
}

async fn run(client: &Client, case: &Value) -> Value {
    let input = &case["input"];
    let (pid, cuid) = id_parts(input);
    let params = || ProfileParams::from_json(input.get("params").cloned().unwrap_or(json!({})));
    let profiles = client.profiles();
    match case["operation"].as_str().unwrap() {
        "get" => match ProfileRef::from_parts(pid, cuid) {
            Ok(r) => outcome(&profiles.get(&r).await),
            Err(e) => outcome::<()>(&Err(e.into())),
        },
        "delete" => match ProfileRef::from_parts(pid, cuid) {
            Ok(r) => outcome(&profiles.delete(&r).await),
            Err(e) => outcome::<()>(&Err(e.into())),
        },
        "create" => match CreateRef::from_parts(pid, cuid).and_then(|r| params().map(|p| (r, p))) {
            Ok((r, p)) => outcome(&profiles.create(&r, &p).await),
            Err(e) => outcome::<()>(&Err(e.into())),
        },
        "update" => match ProfileRef::from_parts(pid, cuid).and_then(|r| params().map(|p| (r, p))) {
            Ok((r, p)) => outcome(&profiles.update(&r, &p).await),
            Err(e) => outcome::<()>(&Err(e.into())),
        },
        "delete_many" => {
            let refs: Vec<_> = input["refs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    let (p, c) = id_parts(r);
                    ProfileRef::from_parts(p, c)
                })
                .collect();
            let results = profiles.delete_many(refs, input["concurrency"].as_u64().unwrap() as usize).await;
            json!({ "results": results.iter().map(outcome).collect::<Vec<_>>() })
        }
        other => panic!("unknown operation {other}"),
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
        return if got["results"] == *results { Vec::new() } else { vec![format!("{name}: got {got}, expected {results}")] };
    }
    let mut problems = Vec::new();
    if *got != expect["outcome"] {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_vectors() {
    let env = Env::start().await;
    let ctl = &env.control;
    let clients =
        [ApiVersion::V1, ApiVersion::V2].map(|v| Client::new(env.config().api_version(v).max_retries(0).build().unwrap()).unwrap());
    let mut problems = Vec::new();
    let cases = load();
    assert!(cases.len() >= 40, "the vectors file lost cases");
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        ctl.reset().await;
        if let Some(given) = case.get("given_profiles") {
            ctl.seed(json!({ "profiles": given })).await;
            ctl.clear_journal().await;
        }
        let client = &clients[if case["api_version"] == "v1" { 0 } else { 1 }];
        let got = run(client, case).await;
        problems.extend(check_case(name, &case["expect"], &got, &ctl.journal().await));
    }
    assert!(problems.is_empty(), "{} of {} vector cases failed:\n{}", problems.len(), cases.len(), problems.join("\n"));
}

fn load_operations() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/operations.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

/// The outcome of `ops::call`, as operations.json describes outcomes.
fn op_outcome(r: &Result<Value, Error>) -> Value {
    match r {
        Ok(_) => json!("ok"),
        Err(Error::Validation(v)) => json!({ "validation_error": { "field": v.field, "rule": v.rule.as_str() } }),
        Err(Error::Api(a)) => json!({ "status": a.status, "error_code": a.error_code }),
        Err(other) => json!({ "unexpected": other.to_string() }),
    }
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
async fn shared_operation_vectors() {
    let env = Env::start().await;
    let ctl = &env.control;
    let client = Client::new(env.config().max_retries(0).build().unwrap()).unwrap();
    let cases = load_operations();
    assert!(cases.len() >= 40, "the operations vectors lost cases");
    let mut covered = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let op = case["operation"].as_str().unwrap();
        covered.insert(op.to_owned());
        ctl.reset().await;
        if let Some(given) = case.get("given_profiles") {
            ctl.seed(json!({ "profiles": given })).await;
        }
        if let Some(config) = case.get("given_config") {
            ctl.config(config.clone()).await;
        }
        ctl.clear_journal().await;
        let got = op_outcome(&adapty_server::ops::call(&client, op, &case["input"]).await);
        problems.extend(check_case(name, &case["expect"], &got, &ctl.journal().await));
    }
    let missing: Vec<_> = adapty_server::ops::manifest::OPERATIONS.iter().map(|op| op.name).filter(|op| !covered.contains(*op)).collect();
    assert!(missing.is_empty(), "operations without vectors: {missing:?}");
    assert!(problems.is_empty(), "{} of {} operation vector cases failed:\n{}", problems.len(), cases.len(), problems.join("\n"));
}
