//! The shared webhook vectors (`tests/vectors/webhooks.json`, Adapty's documented examples among
//! them), run through the core's `construct_event`, as every language runs them through its own.

use std::path::Path;

use adapty_server::webhooks::{self, EventNames};
use adapty_server::{Error, ErrorKind, WebhookEventType, WebhookProperties};
use serde_json::Value;

fn vectors() -> (Vec<Value>, std::path::PathBuf) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let file: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("webhooks.json")).unwrap()).unwrap();
    (file["cases"].as_array().unwrap().clone(), dir.join("examples"))
}

fn body(case: &Value, examples: &Path) -> Vec<u8> {
    match case.get("body_file").and_then(Value::as_str) {
        Some(file) => std::fs::read(examples.join(file)).unwrap(),
        None => case["body"].as_str().unwrap().as_bytes().to_vec(),
    }
}

/// `expected` found in `actual`: objects on the keys `expected` lists, numbers numerically, lists
/// of the same length item by item.
fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e.iter().all(|(k, v)| matches(v, a.get(k).unwrap_or(&Value::Null))),
        (Value::Array(e), Value::Array(a)) => e.len() == a.len() && e.iter().zip(a).all(|(x, y)| matches(x, y)),
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        _ => expected == actual,
    }
}

#[test]
fn shared_vectors() {
    let (cases, examples) = vectors();
    assert!(cases.len() >= 29, "webhooks.json lost cases");
    let mut problems = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let got = webhooks::construct_event_json(
            &body(case, &examples),
            case["authorization"].as_str(),
            case["secret"].as_str(),
            case.get("event_names").unwrap_or(&Value::Null),
        );
        let expect = &case["expect"];
        let ok = match (&got, expect.get("event")) {
            (Ok(json), Some(subset)) => matches(subset, &serde_json::from_str(json.get()).unwrap()),
            (Err(e), None) => {
                let info = e.to_json();
                info["kind"] == expect["error"] && expect.get("field").is_none_or(|f| info["field"] == *f)
            }
            _ => false,
        };
        if !ok {
            let shown = got.map(|j| j.get().to_owned()).unwrap_or_else(|e| e.to_json().to_string());
            problems.push(format!("{name}: expected {expect}, got {shown}"));
        }
    }
    assert!(problems.is_empty(), "{} of {} webhook cases failed:\n{}", problems.len(), cases.len(), problems.join("\n"));
}

#[test]
fn typed_event_of_the_docs_example() {
    let (_, examples) = vectors();
    let body = std::fs::read(examples.join("webhooks/webhook-subscription-started.json")).unwrap();
    let event = webhooks::construct_event(&body, Some("s3cret"), "s3cret", &EventNames::default()).unwrap();
    assert_eq!(event.event_type, WebhookEventType::SubscriptionStarted);
    let Some(WebhookProperties::Event(props)) = &event.properties else { panic!("{:?}", event.properties) };
    assert_eq!((props.price_usd, props.paywall_revision.as_deref()), (Some(4.99), Some("1")));
    assert_eq!(event.event_datetime.unwrap().to_string(), "2000-01-31T00:00:00Z");
    let renamed = EventNames::default().rename("bought", WebhookEventType::NonSubscriptionPurchase);
    let event = webhooks::parse_event(br#"{"event_type": "bought"}"#, &renamed).unwrap();
    assert_eq!((event.event_type, event.raw_type.as_deref()), (WebhookEventType::NonSubscriptionPurchase, Some("bought")));
}

#[test]
fn authorization_is_checked_before_the_body_and_an_empty_secret_is_refused() {
    let names = EventNames::default();
    let wrong = webhooks::construct_event(b"\xff not even utf-8", Some("x"), "secret", &names).unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::WebhookAuthorization);
    assert!(!wrong.to_string().contains("secret\""), "the secret is never shown: {wrong}");
    let empty = webhooks::construct_event(b"{}", Some(""), "", &names).unwrap_err();
    assert!(matches!(empty, Error::Usage { .. }), "{empty}");
}
