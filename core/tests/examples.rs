//! Every JSON example for the Profile API in Adapty's docs and OpenAPI spec (copied verbatim to
//! `tests/vectors/examples/`) parses into the models, and requests serialize back to the
//! documented shape.

mod common;

use adapty_server::models::DataEnvelope;
use adapty_server::{ApiError, CancellationReason, Environment, OfferCategory, OfferType, Profile, ProfileParams, Store, parse_error_body};
use common::json_eq;
use serde_json::Value;

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../tests/vectors/examples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn examples(prefix: &str, contains: &str) -> Vec<String> {
    let dir = format!("{}/../tests/vectors/examples", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(prefix) && n.contains(contains))
        .collect();
    names.sort();
    names
}

fn profile(name: &str) -> Profile {
    serde_json::from_str::<DataEnvelope<Profile>>(&example(name)).unwrap_or_else(|e| panic!("{name}: {e}")).data
}

#[test]
fn every_profile_response_example_parses_and_round_trips() {
    let mut names = examples("profile-response", "");
    names.extend(examples("openapi-", "-200"));
    assert!(names.len() >= 6, "{names:?}");
    for name in names {
        let p = profile(&name);
        let again: DataEnvelope<Profile> =
            serde_json::from_str(&serde_json::to_string(&DataEnvelope { data: p.clone() }).unwrap()).unwrap();
        assert_eq!(again.data, p, "{name} does not round-trip");
    }
}

#[test]
fn get_example_reads_every_field() {
    let p = profile("profile-response-get.json");
    assert_eq!(p.profile_id, "d8533a10-bcce-4e33-8c9d-88b05ac56559");
    assert_eq!(p.customer_user_id.as_deref(), Some("77B14FB4-FD2A-4D38-AA3A-4C433F79863C"));
    assert_eq!(p.total_revenue_usd, 9.99);
    assert_eq!(p.timestamp, 1733324566777);
    assert_eq!(p.custom_attributes[0].key, "favourite_sport");
    let al = &p.access_levels[0];
    assert_eq!(al.access_level_id, "premium");
    assert_eq!(al.store, Store::AppStore);
    assert_eq!(al.expires_at, None);
    assert_eq!(al.renewal_cancelled_at.unwrap().to_rfc3339(), "2025-01-05T13:27:47.461425+00:00");
    assert_eq!(p.subscriptions.len(), 2);
    assert_eq!(p.subscriptions[1].environment, Some(Environment::Sandbox));
    assert_eq!(p.subscriptions[1].expires_at.unwrap().to_rfc3339(), "2025-01-10T11:34:40+00:00");
    let ns = &p.non_subscriptions[0];
    assert_eq!(ns.purchase_id.as_deref(), Some("7a5f9a7d-e236-33e6-96d8-53a3c59c5562"));
    assert_eq!(ns.environment, Some(Environment::Production));
    assert!(!ns.is_consumable);
    assert!(p.extra.is_empty());
}

#[test]
fn legacy_example_reads_old_offer_keys_and_access_level_environment() {
    let p = profile("profile-response-legacy-offer-keys.json");
    let sub_offer = p.subscriptions[0].offer.as_ref().unwrap();
    assert_eq!(sub_offer.category, OfferCategory::Introductory);
    assert_eq!(sub_offer.offer_type, OfferType::FreeTrial);
    assert_eq!(sub_offer.id.as_deref(), Some("offer12"));
    let al = &p.access_levels[0];
    assert_eq!(al.offer.as_ref().unwrap().id.as_deref(), Some("offer12"));
    assert_eq!(al.environment, Some(Environment::Production));
    assert_eq!(al.store_base_plan_id.as_deref(), Some(""));
    assert_eq!(al.cancellation_reason, Some(CancellationReason::VoluntarilyCancelled));
    assert_eq!(al.starts_at.unwrap().to_rfc3339(), "2022-10-12T09:42:50+00:00");
}

#[test]
fn set_transaction_example_with_a_purchase_shaped_subscription_still_parses() {
    // Adapty's example puts a non-subscription object into `subscriptions`; its extra fields
    // stay reachable instead of failing the parse.
    let p = profile("profile-response-set-transaction.json");
    assert_eq!(p.subscriptions[0].extra["purchase_id"], "5a7ab471-2299-45f7-ad69-1d395c1256e3");
}

#[test]
fn unknown_fields_enum_values_and_null_lists_never_break_parsing() {
    let body = r#"{"data": {"app_id": "a", "profile_id": "p", "customer_user_id": null, "total_revenue_usd": 1,
        "segment_hash": "s", "timestamp": 1, "custom_attributes": null, "access_levels": [{"access_level_id": "vip",
        "store": "my_custom_store", "store_product_id": "x", "purchased_at": "2024-01-01T00:00:00Z",
        "cancellation_reason": "gremlins", "offer": {"category": "loyalty", "type": "mystery", "id": null}, "new_flag": true}],
        "subscriptions": null, "non_subscriptions": null, "brand_new_field": {"nested": [1, 2]}}}"#;
    let p: DataEnvelope<Profile> = serde_json::from_str(body).unwrap();
    let p = p.data;
    assert!(p.custom_attributes.is_empty() && p.subscriptions.is_empty() && p.non_subscriptions.is_empty());
    let al = &p.access_levels[0];
    assert_eq!(al.store, Store::Other("my_custom_store".into()));
    assert_eq!(al.cancellation_reason, Some(CancellationReason::Other("gremlins".into())));
    assert_eq!(al.offer.as_ref().unwrap().category, OfferCategory::Other("loyalty".into()));
    assert_eq!(al.extra["new_flag"], true);
    assert_eq!(p.extra["brand_new_field"]["nested"][1], 2);
}

#[test]
fn request_examples_serialize_back_to_the_documented_shape() {
    let mut names = examples("openapi-", "request");
    names.push("openapi-ProfileRequest-schema.json".into());
    names.push("profile-request-create.json".into());
    for name in names {
        let original: Value = serde_json::from_str(&example(&name)).unwrap();
        let params = ProfileParams::from_json(original.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        params.validate(adapty_server::ApiVersion::V2).unwrap_or_else(|e| panic!("{name}: {e}"));
        let sent = serde_json::to_value(&params).unwrap();
        assert!(json_eq(&sent, &original), "{name}:\n sent {sent}\n  doc {original}");
    }
}

#[test]
fn the_founding_documents_example_is_refused_only_for_its_country_lists() {
    // The seed example has "ip_country": "FR, US", which the OpenAPI spec defines as one
    // two-letter code.
    let mut doc: Value = serde_json::from_str(&example("profile-request-seed.json")).unwrap();
    let err = ProfileParams::from_json(doc.clone()).unwrap_err();
    assert_eq!(err.field, "ip_country");
    doc["ip_country"] = "FR".into();
    doc["store_country"] = "US".into();
    let params = ProfileParams::from_json(doc).unwrap();
    params.validate(adapty_server::ApiVersion::V1).unwrap();
}

#[test]
fn every_documented_error_body_parses() {
    let cases = [
        ("error-400-generic.json", Some("string"), Some("string"), "string"),
        (
            "error-401-not-authenticated.json",
            Some("not_authenticated"),
            Some("non_field_errors"),
            "Authentication credentials were not provided.",
        ),
        ("error-401-flat.json", Some("unauthorized"), None, "Invalid API key"),
        ("error-404-profile.json", Some("profile_does_not_exist"), None, "Profile not found"),
        ("error-404-paywall.json", Some("paywall_does_not_exist"), None, "Paywall not found"),
        (
            "error-400-page-size.json",
            Some("validation_error"),
            Some("page_size"),
            "Invalid page_size parameter. Must be between 1 and 100.",
        ),
        ("error-400-flat.json", Some("profile_does_not_exist"), None, "Profile does not exist"),
        ("error-400-dict.json", Some("base_error"), Some("property1"), "string"),
        ("error-400-jsonapi.json", None, Some("/data/attributes/stripe_token"), "none is not an allowed value"),
        ("openapi-getProfile-404.json", Some("profile_does_not_exist"), None, "Profile not found"),
        (
            "openapi-createProfile-401.json",
            Some("not_authenticated"),
            Some("non_field_errors"),
            "Authentication credentials were not provided.",
        ),
    ];
    for (name, code, source, message) in cases {
        let (c, errors) = parse_error_body(&example(name));
        assert_eq!(c.as_deref(), code, "{name}");
        assert_eq!(errors[0].source.as_deref(), source, "{name}");
        assert_eq!(errors[0].errors[0], message, "{name}");
        let e = ApiError::from_response(400, example(name), None, None);
        assert_eq!(e.message(), Some(message));
    }
}
