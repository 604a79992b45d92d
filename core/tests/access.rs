//! The shared `has_active_access` vectors (`tests/vectors/access.json`), run through
//! `Profile::has_active_access` and through `ops::has_active_access` (what every binding calls),
//! as every language runs them through its own profile model.

use std::path::Path;

use adapty_server::{Profile, Timestamp, ops};
use serde_json::{Value, json};

fn cases() -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/access.json");
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    file["cases"].as_array().unwrap().clone()
}

#[test]
fn shared_vectors() {
    let cases = cases();
    assert!(cases.len() >= 20, "access.json lost cases");
    let mut problems = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let (levels, id, expect) = (&case["access_levels"], case["access_level_id"].as_str().unwrap(), case["expect"].as_bool().unwrap());
        let at = case.get("at").and_then(Value::as_str);
        let profile: Profile = serde_json::from_value(json!({"app_id": "app", "profile_id": "p", "access_levels": levels})).unwrap();
        let typed = profile.has_active_access(id, at.map(|t| Timestamp::parse(t).unwrap()));
        let by_json = ops::has_active_access(&levels.to_string(), id, at);
        if typed != expect || by_json.as_ref().ok() != Some(&expect) {
            problems.push(format!("{name}: expected {expect}, got {typed} (typed) and {by_json:?} (ops)"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A level as the API sends it (`+0000` offsets, fractions of seconds) reads as the core writes it.
#[test]
fn levels_as_adapty_sends_them() {
    let levels = r#"[{"access_level_id": "premium", "store": "app_store", "store_product_id": "weekly_8.99",
        "starts_at": "2022-10-12T09:42:50.000000+0000", "expires_at": "2022-10-19T09:42:50.000000+0000",
        "is_in_grace_period": false, "cancellation_reason": null, "environment": "Production"}]"#;
    assert!(ops::has_active_access(levels, "premium", Some("2022-10-19T09:42:49.999Z")).unwrap());
    assert!(!ops::has_active_access(levels, "premium", Some("2022-10-19T09:42:50Z")).unwrap());
}
