//! The control plane as its OpenAPI document describes it: every described route is served and
//! answers with a status it documents, and nothing else under `/__emulator/` is served.

mod common;

use common::T;
use reqwest::Method;
use serde_json::Value;

/// Statuses with which a route that takes a JSON body refuses one it cannot read (the document's
/// `info.description` says so).
const UNREADABLE_BODY: [u16; 3] = [400, 415, 422];

#[tokio::test]
async fn every_described_route_answers_as_described() {
    let t = T::start(None).await;
    let (status, doc) = t.control(Method::GET, "openapi.json", None).await;
    assert_eq!(status, 200);
    assert_eq!(doc, serde_json::from_str::<Value>(adapty_emulator::openapi_document()).unwrap(), "served as printed");
    // A redirect is an answer here, not a step.
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut seen = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let documented: Vec<u16> = op["responses"].as_object().unwrap().keys().map(|s| s.parse().unwrap()).collect();
            let takes_body = op.get("requestBody").is_some();
            // No body, and `1` for a path parameter: the request as a caller that forgot them sends it.
            let url = format!("{}{}", t.emulator.base_url(), path.replace("{id}", "1"));
            let req = http.request(method.to_uppercase().parse().unwrap(), url);
            let status = req.send().await.unwrap().status().as_u16();
            assert!(
                documented.contains(&status) || (takes_body && UNREADABLE_BODY.contains(&status)),
                "{method} {path} answered {status}, not one of {documented:?}"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, adapty_emulator::control_routes().count());
    for (method, path) in [(Method::GET, "nonexistent"), (Method::PATCH, "config"), (Method::PUT, "reset")] {
        let (status, _) = t.control(method.clone(), path, None).await;
        assert!([404, 405].contains(&status), "{method} /__emulator/{path} is not described, yet answered {status}");
    }
}
