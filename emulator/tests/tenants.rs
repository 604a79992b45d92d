//! `--accept-any-key`: every key is an app of its own, and the control plane addresses one by
//! the same `Authorization` header (or by its id, as the web UI does).

mod common;

use common::{PipeJson, T};
use reqwest::Method;
use serde_json::{Value, json};

const PROFILE: &str = "/api/v2/server-side-api/profile/";

impl T {
    /// An API request as the app of `key` makes it.
    fn as_key(&self, key: &str, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, format!("{}{path}", self.emulator.base_url())).header("authorization", format!("Api-Key {key}"))
    }

    /// A control-plane request for the app of `key`.
    async fn control_as(&self, key: &str, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.as_key(key, method, &format!("/__emulator/{path}"));
        if let Some(b) = body {
            req = req.pipe_json(&b);
        }
        self.send(req).await
    }

    async fn create(&self, key: &str, user: &str) -> u16 {
        self.send(self.as_key(key, Method::POST, PROFILE).header("adapty-customer-user-id", user).pipe_json(&json!({}))).await.0
    }

    async fn get(&self, key: &str, user: &str) -> u16 {
        self.send(self.as_key(key, Method::GET, PROFILE).header("adapty-customer-user-id", user)).await.0
    }
}

fn customer_ids(profiles: &Value) -> Vec<&str> {
    profiles["profiles"].as_array().unwrap().iter().map(|p| p["customer_user_id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn each_key_is_an_app_with_its_own_profiles_and_control_plane() {
    let t = T::start_tenants().await;
    assert_eq!(t.create("key_alpha_0001", "alice").await, 200);
    assert_eq!(t.create("key_bravo_0002", "bob").await, 200);

    assert_eq!(t.get("key_alpha_0001", "alice").await, 200);
    assert_eq!(t.get("key_bravo_0002", "alice").await, 404, "another key's profile is not visible");

    let (_, alpha) = t.control_as("key_alpha_0001", Method::GET, "profiles", None).await;
    let (_, bravo) = t.control_as("key_bravo_0002", Method::GET, "profiles", None).await;
    let (_, default) = t.control(Method::GET, "profiles", None).await;
    assert_eq!(customer_ids(&alpha), ["alice"]);
    assert_eq!(customer_ids(&bravo), ["bob"]);
    assert!(customer_ids(&default).is_empty(), "no header: the default app, which no key used");

    // A reset addresses one app only.
    assert_eq!(t.control_as("key_alpha_0001", Method::POST, "reset", None).await.0, 204);
    assert_eq!(t.get("key_alpha_0001", "alice").await, 404);
    assert_eq!(t.get("key_bravo_0002", "bob").await, 200);
}

#[tokio::test]
async fn faults_catalog_and_journal_belong_to_one_app() {
    let t = T::start_tenants().await;
    let fault = json!({ "status": 503, "times": 5 });
    assert_eq!(t.control_as("key_alpha", Method::POST, "faults", Some(fault)).await.0, 204);
    let config = json!({ "access_levels": ["premium", "gold"] });
    assert_eq!(t.control_as("key_alpha", Method::POST, "config", Some(config)).await.0, 200);

    assert_eq!(t.create("key_alpha", "a").await, 503);
    assert_eq!(t.create("key_bravo", "b").await, 200, "the other app has no fault");
    let (_, bravo_config) = t.control_as("key_bravo", Method::GET, "config", None).await;
    assert_eq!(bravo_config["access_levels"], json!(["premium"]));

    let (_, journal) = t.control_as("key_bravo", Method::GET, "journal", None).await;
    let journal = journal.as_array().unwrap();
    assert_eq!(journal.len(), 1, "{journal:?}");
    assert_eq!(journal[0]["status"], 200);
    assert!(!journal[0].to_string().contains("key_bravo"), "the key is redacted: {journal:?}");
}

#[tokio::test]
async fn tenants_are_listed_by_id_and_key_hint_and_addressed_by_id() {
    let t = T::start_tenants().await;
    t.create("secret_one_AAAA", "x").await;
    t.create("secret_two_BBBB", "y").await;
    t.create("secret_two_BBBB", "z").await;

    let (status, listed) = t.control(Method::GET, "tenants", None).await;
    assert_eq!(status, 200);
    assert_eq!(listed["tenant_per_key"], true);
    assert!(!listed.to_string().contains("secret_"), "keys are never shown: {listed}");
    let tenants = listed["tenants"].as_array().unwrap();
    let summary: Vec<(&str, &str, u64)> =
        tenants.iter().map(|t| (t["id"].as_str().unwrap(), t["key_hint"].as_str().unwrap(), t["profiles"].as_u64().unwrap())).collect();
    assert_eq!(summary, [("default", "", 0), ("1", "AAAA", 1), ("2", "BBBB", 2)]);

    let by_id = t.http.get(format!("{}/__emulator/profiles", t.emulator.base_url())).header("x-emulator-tenant", "2");
    let (status, profiles) = t.send(by_id).await;
    assert_eq!(status, 200);
    assert_eq!(customer_ids(&profiles), ["y", "z"]);

    let unknown = t.http.get(format!("{}/__emulator/profiles", t.emulator.base_url())).header("x-emulator-tenant", "9");
    let (status, body) = t.send(unknown).await;
    assert_eq!(status, 404);
    assert!(body["error"].as_str().unwrap().contains("/__emulator/tenants"), "{body}");
}

#[tokio::test]
async fn without_accept_any_key_every_key_shares_one_app() {
    let t = T::start(None).await;
    assert_eq!(t.create("key_alpha", "shared").await, 200);
    assert_eq!(t.get("key_bravo", "shared").await, 200);
    let (_, listed) = t.control(Method::GET, "tenants", None).await;
    assert_eq!(listed["tenant_per_key"], false);
    assert_eq!(listed["tenants"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn each_app_has_its_own_clock() {
    let t = T::start_tenants().await;
    let (status, moved) = t.control_as("key_alpha", Method::POST, "clock", Some(json!({ "advance_seconds": 86400 }))).await;
    assert_eq!((status, &moved["offset_seconds"]), (200, &json!(86400.0)));
    let (_, other) = t.control_as("key_bravo", Method::GET, "clock", None).await;
    assert_eq!(other["offset_seconds"], 0.0);
}
