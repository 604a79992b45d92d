//! The Web, Mail and legacy APIs over raw HTTP: what each documents (bodies, statuses, error
//! envelopes), the choices where the docs are silent, and the JSON 404/405 of paths and methods
//! no API serves.

mod common;

use common::{KEY, PipeJson, T};
use reqwest::Method;
use serde_json::{Value, json};

const V2: &str = "/api/v2/server-side-api/profile/";
const WEB: &str = "/api/v2/web-api";
const MAIL: &str = "/api/v1/profile";
const LEGACY: &str = "/api/v1/sdk/profiles";

impl T {
    async fn create(&self, customer_user_id: &str) -> Value {
        let (status, body) = self.send(self.req(Method::POST, V2).header("adapty-customer-user-id", customer_user_id).body("{}")).await;
        assert_eq!(status, 200, "{body}");
        body["data"].clone()
    }

    async fn web(&self, path: &str, body: Value) -> (u16, Value) {
        let req = self.http.post(format!("{}{WEB}{path}", self.emulator.base_url())).header("authorization", "Api-Key public_live_x");
        self.send(req.pipe_json(&body)).await
    }

    async fn mail(&self, path: &str, body: Value) -> (u16, Value) {
        let req = self.http.post(format!("{}{MAIL}{path}", self.emulator.base_url())).header("authorization", "Bearer secret_live_mail");
        self.send(req.pipe_json(&body)).await
    }

    async fn state(&self) -> Value {
        self.control(Method::GET, "snapshot", None).await.1
    }
}

fn nested(status: u16, code: &str, source: Value, messages: &[&str]) -> Value {
    json!({ "errors": [{ "source": source, "errors": messages }], "error_code": code, "status_code": status })
}

fn mail_error(status: u16, code: &str, message: &str, field: Value) -> Value {
    json!({ "errors": [{ "message": message, "error_code": code, "status_code": status, "field_name": field }] })
}

#[tokio::test]
async fn the_web_api_serves_a_placements_paywall_and_records_views_and_attribution() {
    let t = T::start(Some(KEY)).await;
    t.create("web-user").await;
    let (status, paywall) = t
        .web("/paywall/", json!({ "store": "app_store", "placement_id": "premium", "locale": "en", "customer_user_id": "web-user" }))
        .await;
    assert_eq!(status, 200, "{paywall}");
    assert_eq!(paywall["placement_id"], "premium");
    assert_eq!(paywall["paywall_name"], "Premium Subscription");
    let products: Vec<&str> = paywall["products"].as_array().unwrap().iter().map(|p| p["vendor_product_id"].as_str().unwrap()).collect();
    assert_eq!(products, ["premium_monthly", "premium_annual", "premium_lifetime"]);
    assert_eq!(paywall["products"][0]["introductory_offer_eligibility"], true, "never bought");
    let config: Value = serde_json::from_str(paywall["remote_config"]["data"].as_str().unwrap()).unwrap();
    assert_eq!(config["title"], "Premium Features", "the remote config is JSON text");
    let (_, again) = t.web("/paywall/", json!({ "store": "app_store", "placement_id": "premium", "customer_user_id": "web-user" })).await;
    assert_eq!(again["variation_id"], paywall["variation_id"], "one variation per placement and paywall");

    let view = json!({ "store": "app_store", "variation_id": paywall["variation_id"], "visited_at": "2024-08-24T14:15:22Z", "customer_user_id": "web-user" });
    assert_eq!(t.web("/paywall/visit/", view).await, (201, Value::Null));
    let attribution = json!({ "status": "non_organic", "channel": "ads", "customer_user_id": "web-user" });
    assert_eq!(t.web("/attribution/", attribution).await, (201, Value::Null));
    let state = t.state().await;
    let profile = &state["profiles"][0];
    assert_eq!(profile["paywall_views"][0]["variation_id"], paywall["variation_id"]);
    assert_eq!(profile["attribution"], json!({ "status": "non_organic", "channel": "ads" }));
}

#[tokio::test]
async fn the_web_api_answers_its_documented_errors_verbatim() {
    let t = T::start(Some(KEY)).await;
    t.create("web-user").await;
    let missing =
        t.web("/paywall/", json!({ "store": "app_store", "placement_id": "example_onboarding", "customer_user_id": "web-user" })).await;
    let body = nested(404, "VARIATION_DOES_NOT_EXIST_ERROR", Value::Null, &["Variation for example_onboarding does not exist."]);
    assert_eq!(missing, (404, body));
    let bad_time = t.web("/paywall/visit/", json!({ "store": "app_store", "variation_id": "00000000-0000-0000-0000-000000000000", "visited_at": "yesterday", "customer_user_id": "web-user" })).await;
    assert_eq!(bad_time, (400, nested(400, "datetime", json!("visited_at"), &["invalid datetime format", "invalid datetime format"])));
    let bad_status = t.web("/attribution/", json!({ "status": "non-organic", "customer_user_id": "web-user" })).await;
    let message = "value is not a valid enumeration member; permitted: 'organic', 'non_organic', 'unknown'";
    assert_eq!(bad_status, (400, nested(400, "enum", json!("status"), &[message])));
    let nobody = t.web("/attribution/", json!({ "status": "organic", "customer_user_id": "nobody" })).await;
    assert_eq!(nobody, (404, nested(404, "profile_does_not_exist", Value::Null, &["Profile not found"])));
    let (status, body) = t.send(t.http.post(format!("{}{WEB}/paywall/", t.emulator.base_url())).body("{\"store\": ")).await;
    assert_eq!((status, body["error_code"].as_str()), (401, Some("not_authenticated")), "the key is checked first");
}

#[tokio::test]
async fn the_mail_api_upserts_deletes_for_good_and_links_early_events() {
    let t = T::start(Some(KEY)).await;
    let event = json!({
        "event_type": "subscription_started", "event_id": "evt_1", "event_datetime": "2026-06-10T14:20:05Z",
        "external_profile_id": "u1", "store": "app_store", "store_product_id": "premium_monthly",
        "store_transaction_id": "t1", "store_original_transaction_id": "t1",
        "purchased_at": "2026-06-10T14:20:00Z", "originally_purchased_at": "2026-06-10T14:20:00Z",
    });
    assert_eq!(t.mail("/transaction-event/save/", event.clone()).await, (200, json!({})), "an event may come first");
    let profile = json!({ "external_profile_id": "u1", "external_created_at": "2026-06-01T10:30:00Z", "email": "jane@example.com", "customer_user_id": "cu1" });
    assert_eq!(t.mail("/save/", profile.clone()).await, (200, json!({})));
    let renamed = json!({ "external_profile_id": "u1", "external_created_at": "2026-06-01T10:30:00Z", "email": "other@example.com", "first_name": "Jane" });
    assert_eq!(t.mail("/save/", renamed).await.0, 200);
    let mail = &t.state().await["mail"];
    assert_eq!(mail["profiles"]["u1"]["saved"]["email"], "jane@example.com", "the email is written once");
    assert_eq!(mail["profiles"]["u1"]["saved"]["first_name"], "Jane");
    assert_eq!(mail["events"]["evt_1"]["external_profile_id"], "u1", "the early event is linked");

    assert_eq!(t.mail("/delete/", json!({ "customer_user_id": "cu1" })).await, (204, Value::Null));
    assert_eq!(t.mail("/delete/", json!({ "external_profile_id": "u1" })).await, (204, Value::Null), "a repeat by id succeeds");
    let by_email = t.mail("/delete/", json!({ "email": "jane@example.com" })).await;
    assert_eq!(by_email, (404, mail_error(404, "profile_not_found_error", "Profile not found", Value::Null)), "the address was erased");
    assert_eq!(t.mail("/save/", profile).await.0, 200);
    assert_eq!(t.state().await["mail"]["profiles"]["u1"]["saved"], Value::Null, "a deletion is final");
}

#[tokio::test]
async fn the_mail_api_answers_in_its_own_envelope() {
    let t = T::start(Some(KEY)).await;
    let no_key = t.send(t.http.post(format!("{}{MAIL}/save/", t.emulator.base_url())).pipe_json(&json!({}))).await;
    assert_eq!(no_key, (403, mail_error(403, "secret_key_does_not_exist_error", "Secret key doesn't exist", Value::Null)));
    let missing = t.mail("/save/", json!({ "external_profile_id": "u1", "external_created_at": "2026-06-01T10:30:00Z" })).await;
    assert_eq!(missing, (400, mail_error(400, "base_error", "Field required", json!("email"))));
    let nobody = t.mail("/delete/", json!({})).await;
    let message = "At least one of external_profile_id, customer_user_id or email must be provided";
    assert_eq!(nobody, (400, mail_error(400, "missing_identifier", message, Value::Null)));
}

#[tokio::test]
async fn the_legacy_api_reads_and_writes_the_same_profiles_in_v1s_shape() {
    let t = T::start(Some(KEY)).await;
    let created = t.create("abc/def").await;
    // Adapty's own example: `abc/def` is `YWJjL2RlZg==` in Base64URL.
    let (status, body) = t.send(t.req(Method::GET, &format!("{LEGACY}/YWJjL2RlZg==/?is_user_id_base64url_encoded=1&extended"))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["profile_id"], created["profile_id"]);
    assert_eq!(body["data"]["paid_access_levels"], json!({}));
    assert!(body["data"].get("email").is_some(), "extended adds the personal fields");
    let (status, _) = t.send(t.req(Method::GET, &format!("{LEGACY}/YWJjL2RlZg/?is_user_id_base64url_encoded=1"))).await;
    assert_eq!(status, 200, "unpadded Base64URL is read too");
    let (status, body) = t.send(t.req(Method::GET, &format!("{LEGACY}/a+b/?is_user_id_base64url_encoded=1"))).await;
    assert_eq!((status, body["errors"][0]["source"].as_str()), (400, Some("is_user_id_base64url_encoded")));

    let id = created["profile_id"].as_str().unwrap();
    let grant = json!({ "duration_days": 30 });
    let (status, body) = t.send(t.req(Method::POST, &format!("{LEGACY}/{id}/paid-access-levels/premium/grant/")).pipe_json(&grant)).await;
    assert_eq!(status, 200, "{body}");
    let level = &body["data"]["paid_access_levels"]["premium"];
    assert_eq!((level["id"].as_str(), level["is_active"].as_bool()), (Some("premium"), Some(true)));
    let expires = level["expires_at"].as_str().unwrap();
    assert!(expires.ends_with("+0000") && expires.contains('.'), "v1's timestamps: {expires}");
    let (_, again) = t.send(t.req(Method::POST, &format!("{LEGACY}/{id}/paid-access-levels/premium/grant/")).pipe_json(&grant)).await;
    let later = again["data"]["paid_access_levels"]["premium"]["expires_at"].as_str().unwrap();
    assert!(later > expires, "days add to an active access: {later} after {expires}");

    let revoke = json!({ "is_refund": false });
    let (status, body) = t.send(t.req(Method::POST, &format!("{LEGACY}/{id}/paid-access-levels/premium/revoke/")).pipe_json(&revoke)).await;
    assert_eq!((status, &body["data"]["paid_access_levels"]["premium"]["is_active"]), (200, &json!(false)));

    let attributes = json!({ "custom_attributes": { "grade": 10, "favorite_topic": "sports" } });
    let (status, body) = t.send(t.req(Method::PATCH, &format!("{LEGACY}/{id}/")).pipe_json(&attributes)).await;
    assert_eq!((status, &body["data"]["custom_attributes"]), (200, &json!({ "favorite_topic": "sports", "grade": 10.0 })));
    let (status, _) = t.send(t.req(Method::DELETE, &format!("{LEGACY}/{id}/delete"))).await;
    assert_eq!(status, 204);
    let (status, body) = t.send(t.req(Method::GET, &format!("{LEGACY}/{id}/"))).await;
    assert_eq!((status, body["error_code"].as_str()), (404, Some("profile_does_not_exist")));
}

#[tokio::test]
async fn a_path_or_method_no_api_serves_is_a_json_404_or_405() {
    let t = T::start(Some(KEY)).await;
    let (status, body) = t.send(t.req(Method::GET, "/api/v3/nothing/")).await;
    assert_eq!((status, body), (404, nested(404, "not_found", Value::Null, &["Not found."])));
    let (status, body) = t.send(t.req(Method::DELETE, "/api/v2/web-api/paywall/")).await;
    assert_eq!((status, body), (405, nested(405, "method_not_allowed", Value::Null, &["Method \"DELETE\" not allowed."])));
}

#[tokio::test]
async fn map_form_attributes_are_the_legacy_apis_and_refused_on_v2() {
    let t = T::start(Some(KEY)).await;
    let map_form = json!({ "custom_attributes": { "grade": 10 } });
    let (status, body) = t.send(t.req(Method::POST, V2).header("adapty-customer-user-id", "m").pipe_json(&map_form)).await;
    let message = "Expected a list of items but got type \"dict\".";
    assert_eq!((status, body), (400, nested(400, "validation_error", json!("custom_attributes"), &[message])));
    let founding = "/api/v1/server-side-api/profiles/";
    let (status, body) = t.send(t.req(Method::POST, founding).header("adapty-customer-user-id", "m").pipe_json(&map_form)).await;
    assert_eq!(
        (status, &body["data"]["custom_attributes"]),
        (200, &json!([{ "key": "grade", "value": 10.0 }])),
        "the founding document's table says dictionary"
    );
    let list_form = json!({ "custom_attributes": [{ "key": "grade", "value": 11 }] });
    let (status, _) = t.send(t.req(Method::PATCH, V2).header("adapty-customer-user-id", "m").pipe_json(&list_form)).await;
    assert_eq!(status, 200);
}
