//! The core client against the emulator: every operation on both API generations, every
//! documented error, and update semantics observed in the emulator's stored state.

mod common;

use adapty_server::{
    ApiErrorKind, ApiVersion, AttributeValue, Client, CreateRef, CustomAttributes, Error, Field, Gender, InstallationMeta, Platform,
    ProfileParams, ProfileRef,
};
use common::{Env, KEY, cuid};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_lifecycle_on_both_generations() {
    let env = Env::start().await;
    for version in [ApiVersion::V1, ApiVersion::V2] {
        let client = Client::new(env.config().api_version(version).build().unwrap()).unwrap();
        let p = client.profiles();
        let user = cuid(&format!("life-{}", version.as_str()));
        let params = ProfileParams {
            first_name: Field::Value("Jane".into()),
            gender: Field::Value(Gender::Female),
            custom_attributes: Field::Value(CustomAttributes::new().set("plan", Some("gold".into())).set("level", Some(3i64.into()))),
            installation_meta: Field::Value(InstallationMeta {
                device_id: "dev-1".into(),
                platform: Some(Platform::IOS),
                ..Default::default()
            }),
            platform: Some(Platform::IOS),
            ..Default::default()
        };
        let created = p.create(&user.clone().into(), &params).await.unwrap();
        assert_eq!(created.customer_user_id.as_deref(), Some(user_id(&user)));
        assert_eq!(created.custom_attributes.len(), 2);
        assert_eq!(created.custom_attributes[1].value, Some(AttributeValue::Number(3.0)));

        let by_id = ProfileRef::profile_id(&created.profile_id).unwrap();
        let fetched = p.get(&by_id).await.unwrap();
        assert_eq!(fetched.profile_id, created.profile_id);
        assert!(fetched.access_levels.is_empty());

        p.delete(&user).await.unwrap();
        let err = p.get(&user).await.unwrap_err();
        let api = err.api().expect("an API error");
        assert_eq!((api.status, api.kind(), api.error_code.as_deref()), (404, ApiErrorKind::NotFound, Some("profile_does_not_exist")));
        assert_eq!(api.message(), Some("Profile not found"));
        assert!(api.request_id.as_deref().is_some_and(|id| id.len() == 32), "{api:?}");
        let err = p.delete(&user).await.unwrap_err();
        assert_eq!(err.api().unwrap().status, 404);

        let paths: Vec<String> = env.control.journal().await.iter().map(|e| e["path"].as_str().unwrap().to_owned()).collect();
        assert!(paths.iter().rev().take(5).all(|p| p == version.profile_path()), "{paths:?}");
    }
}

fn user_id(r: &ProfileRef) -> &str {
    match r {
        ProfileRef::CustomerUserId(id) => id,
        ProfileRef::ProfileId(_) => unreachable!(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_sends_only_what_was_set_and_null_clears() {
    let env = Env::start().await;
    let ctl = &env.control;
    let client = env.client();
    let p = client.profiles();
    let user = cuid("patchy");
    let first = ProfileParams {
        first_name: Field::Value("Jane".into()),
        last_name: Field::Value("Doe".into()),
        email: Field::Value("jane@example.com".into()),
        custom_attributes: Field::Value(
            CustomAttributes::new().set("a", Some("1".into())).set("b", Some("2".into())).set("c", Some(true.into())),
        ),
        ..Default::default()
    };
    p.create(&user.clone().into(), &first).await.unwrap();

    let second = ProfileParams {
        last_name: Field::Null,
        custom_attributes: Field::Value(CustomAttributes::new().set("a", None).set("b", Some("".into())).set("d", Some(1.5.into()))),
        ..Default::default()
    };
    let updated = p.update(&user, &second).await.unwrap();
    let keys: Vec<&str> = updated.custom_attributes.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["c", "d"], "null and empty string delete; others stay");

    let stored = ctl.inspect("patchy").await.unwrap()["stored"].clone();
    assert_eq!(stored["fields"]["first_name"], "Jane", "unset field kept");
    assert_eq!(stored["fields"]["email"], "jane@example.com");
    assert!(stored["fields"].get("last_name").is_none(), "null cleared it: {stored}");
    let last = ctl.journal().await.pop().unwrap();
    assert_eq!(
        last["body"],
        r#"{"last_name":null,"custom_attributes":[{"key":"a","value":null},{"key":"b","value":""},{"key":"d","value":1.5}]}"#
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_attaches_a_customer_user_id_and_repeats_harmlessly() {
    let env = Env::start().await;
    let ctl = &env.control;
    let p = env.client();
    let p = p.profiles();
    let anon = ctl.seed(serde_json::json!({ "count": 1 })).await.remove(0);
    let attached = p.create(&CreateRef::attach(&anon, "known-user").unwrap(), &ProfileParams::default()).await.unwrap();
    assert_eq!(attached.profile_id, anon);
    assert_eq!(attached.customer_user_id.as_deref(), Some("known-user"));
    // A repeated create (as a retry after a lost response would send) returns the same profile.
    let again = p.create(&cuid("known-user").into(), &ProfileParams::default()).await.unwrap();
    assert_eq!(again.profile_id, anon);
    // A customer user id owned by another profile cannot be attached.
    let other = ctl.seed(serde_json::json!({ "count": 1 })).await.remove(0);
    let err = p.create(&CreateRef::attach(&other, "known-user").unwrap(), &ProfileParams::default()).await.unwrap_err();
    assert_eq!(err.api().unwrap().kind(), ApiErrorKind::Conflict);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authentication_errors_in_both_documented_shapes() {
    let env = Env::start().await;
    let wrong = Client::new(env.config().api_key("secret_wrong").build().unwrap()).unwrap();
    let err = wrong.profiles().get(&cuid("x")).await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(
        (api.status, api.kind(), api.error_code.as_deref(), api.message()),
        (401, ApiErrorKind::Authentication, Some("unauthorized"), Some("Invalid API key"))
    );
    assert!(!err.to_string().contains("secret_wrong"));
    // A missing key is refused before any request.
    let err = adapty_server::Config::builder().api_key("  ").base_url(env.base_url()).build().unwrap_err();
    assert_eq!(err.field, "api_key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_errors_name_the_field_and_send_nothing() {
    let env = Env::start().await;
    let client = env.client();
    let too_many = (0..31).fold(CustomAttributes::new(), |a, i| a.set(format!("k{i}"), Some("v".into())));
    let params = ProfileParams { custom_attributes: Field::Value(too_many), ..Default::default() };
    let err = client.profiles().update(&cuid("u"), &params).await.unwrap_err();
    let v = err.validation().expect("a validation error");
    assert_eq!((v.field.as_str(), v.rule.as_str()), ("custom_attributes", "count"));
    assert!(err.to_string().contains("custom_attributes"), "{err}");
    assert!(env.control.journal().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_many_returns_every_result_in_order() {
    let env = Env::start().await;
    let ctl = &env.control;
    let ids = ctl.seed(serde_json::json!({ "count": 300, "customer_user_id_prefix": "bulk-" })).await;
    let mut refs: Vec<Result<ProfileRef, adapty_server::ValidationError>> = ids.iter().map(|id| ProfileRef::profile_id(id)).collect();
    refs.insert(10, ProfileRef::customer_user_id("missing-user"));
    refs.insert(20, ProfileRef::profile_id("not-a-uuid"));
    // The injected 400 meets one chosen profile's delete, whichever request comes first.
    let chosen = &ids[100];
    let fault = serde_json::json!({ "method": "DELETE", "status": 400, "times": 1, "headers": { "adapty-profile-id": chosen },
        "body": {"errors": ["nope"], "error_code": "injected", "status_code": 400} });
    ctl.fault(fault).await;
    let results = env.client().profiles().delete_many(refs, 16).await;
    assert_eq!(results.len(), 302);
    let failures: Vec<usize> = results.iter().enumerate().filter(|(_, r)| r.is_err()).map(|(i, _)| i).collect();
    assert_eq!(failures.len(), 3, "{failures:?}");
    assert_eq!(results[10].as_ref().unwrap_err().api().unwrap().error_code.as_deref(), Some("profile_does_not_exist"));
    assert_eq!(results[20].as_ref().unwrap_err().validation().unwrap().field, "profile_id");
    assert_eq!(
        results[102].as_ref().unwrap_err().api().unwrap().error_code.as_deref(),
        Some("injected"),
        "ids[100], after the two inserted"
    );
    // Every seeded profile is gone except the one whose delete met the injected 400.
    let mut left = 0;
    for id in &ids {
        if ctl.inspect(id).await.is_some() {
            left += 1;
        }
    }
    assert_eq!(left, 1);
    // Empty input and zero concurrency are fine.
    assert!(env.client().profiles().delete_many(Vec::<ProfileRef>::new(), 0).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_headers_name_the_sdk_and_carry_the_key() {
    let env = Env::start().await;
    let client = env.client();
    env.control.seed_user("hdr").await;
    client.profiles().get(&cuid("hdr")).await.unwrap();
    let entry = env.control.journal().await.pop().unwrap();
    assert_eq!(entry["headers"]["authorization"], "<redacted>");
    assert!(entry["headers"]["user-agent"].as_str().unwrap().starts_with("adapty-server-rust/"));
    assert!(!entry.to_string().contains(KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_appear_in_debug_or_errors() {
    let env = Env::start().await;
    let config = env.config().build().unwrap();
    let client = Client::new(config.clone()).unwrap();
    for text in [format!("{config:?}"), format!("{client:?}"), format!("{:?}", client.blocking())] {
        assert!(!text.contains(KEY), "{text}");
        assert!(text.contains("redacted"), "{text}");
    }
    let dead =
        Client::new(adapty_server::Config::builder().api_key(KEY).base_url("http://127.0.0.1:9").max_retries(0).build().unwrap()).unwrap();
    let err = dead.profiles().get(&cuid("x")).await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains(KEY));
}

#[test]
fn config_refuses_plain_http_to_remote_hosts() {
    let build = |url: &str, allow: bool| adapty_server::Config::builder().api_key("k").base_url(url).allow_insecure_http(allow).build();
    assert_eq!(build("http://api.example.com", false).unwrap_err().field, "base_url");
    assert!(build("http://api.example.com", true).is_ok());
    assert!(build("http://localhost:8080", false).is_ok());
    assert!(build("http://[::1]:8080", false).is_ok());
    assert!(build("https://api.adapty.io", false).is_ok());
    assert_eq!(build("ftp://x", false).unwrap_err().field, "base_url");
    assert_eq!(build("https://api.adapty.io/api/v2", false).unwrap_err().field, "base_url");
    assert_eq!("v3".parse::<ApiVersion>().unwrap_err().field, "api_version");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_by_name_for_the_bindings() {
    use common::{call, outcome};
    use serde_json::json;
    let env = Env::start().await;
    let client = env.client();
    env.control.seed_user("by-name").await;
    let got = call(&client, "profiles.get", &json!({ "customer_user_id": "by-name" })).await.unwrap();
    assert_eq!(got["customer_user_id"], "by-name");
    assert_eq!(got["custom_attributes"], json!([]));
    let created =
        call(&client, "profiles.create", &json!({ "customer_user_id": "by-name-2", "fields": { "custom_attributes": { "a": true } } }))
            .await;
    assert_eq!(created.unwrap()["custom_attributes"], json!([{ "key": "a", "value": 1.0 }]));
    let wrong_type = call(&client, "profiles.get", &json!({ "profile_id": 5 })).await.unwrap_err();
    assert_eq!(wrong_type.validation().map(|v| (v.field.as_str(), v.rule.as_str())), Some(("profile_id", "type")));
    let unknown = call(&client, "profiles.teleport", &json!({})).await.unwrap_err();
    assert!(matches!(unknown, Error::Usage { .. }));
    let many =
        call(&client, "profiles.deleteMany", &json!({ "refs": [{ "customer_user_id": "by-name" }, { "customer_user_id": "ghost" }] }))
            .await;
    let many = many.unwrap();
    assert!(many[0].is_null());
    assert_eq!(many[1]["api_kind"], "not_found");
    assert_eq!(outcome(Err(unknown))["error"]["kind"], "usage");
    let zero = call(&client, "profiles.deleteMany", &json!({ "refs": [], "concurrency": 0 })).await.unwrap_err();
    assert_eq!(zero.validation().map(|v| v.field.as_str()), Some("concurrency"));
}

#[test]
fn config_from_json_as_the_bindings_pass_it() {
    use adapty_server::Config;
    use serde_json::json;
    let built = |v: serde_json::Value| Config::builder().json(&v).and_then(|b| b.build());
    let c =
        built(json!({ "api_key": "k", "base_url": "http://127.0.0.1:1", "api_version": "v1", "timeout_ms": 1500, "connect_timeout": 2.5,
        "max_retries": 5, "language": ["python", "3.11.7"], "unknown_key": 1 }))
        .unwrap();
    assert_eq!(
        (c.api_version(), c.timeout(), c.connect_timeout(), c.retry().max_retries),
        (ApiVersion::V1, std::time::Duration::from_millis(1500), std::time::Duration::from_millis(2500), 5)
    );
    assert!(c.user_agent().starts_with("adapty-server-python/") && c.user_agent().contains("python 3.11.7"));
    for (options, field, rule) in [
        (json!({ "api_key": "k", "timeout": "soon" }), "timeout", "type"),
        (json!({ "api_key": "k", "timeout_ms": -5 }), "timeout_ms", "range"),
        (json!({ "api_key": "k", "max_retries": -1 }), "max_retries", "range"),
        (json!({ "api_key": 7 }), "api_key", "type"),
        (json!({ "api_key": "k", "api_version": "v9" }), "api_version", "enum"),
    ] {
        let e = built(options).unwrap_err();
        assert_eq!((e.field.as_str(), e.rule.as_str()), (field, rule));
    }
}
