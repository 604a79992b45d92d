//! Every rule of `TransactionParams::validate` (field rules and the cross-field rules of Adapty's
//! error table), each checked three ways: the validator names the field, rule and Adapty's code;
//! the client refuses before any request; the emulator answers the same body with that code.

mod common;

use adapty_server::{ProfileRef, TransactionParams};
use common::{Env, KEY};
use serde_json::{Value, json};

fn base_subscription() -> Value {
    json!({
        "purchase_type": "subscription", "store": "app_store", "store_product_id": "premium_monthly",
        "store_transaction_id": "1000000123456789", "store_original_transaction_id": "1000000123456789",
        "price": {"country": "US", "currency": "USD", "value": 4.99},
        "purchased_at": "2024-01-15T10:30:00Z", "originally_purchased_at": "2024-01-15T10:30:00Z",
        "expires_at": "2024-02-15T10:30:00Z", "renew_status": true,
    })
}

fn base_one_time() -> Value {
    json!({
        "purchase_type": "one_time_purchase", "store": "app_store", "store_product_id": "premium_lifetime",
        "store_transaction_id": "2000000123456789", "store_original_transaction_id": "2000000123456789",
        "price": {"country": "US", "currency": "USD", "value": 9.99}, "purchased_at": "2024-01-15T10:30:00Z",
    })
}

/// `base` with `changes` merged in (`null` removes a key).
fn with(base: Value, changes: Value) -> Value {
    let mut v = base;
    for (k, c) in changes.as_object().unwrap() {
        if c.is_null() {
            v.as_object_mut().unwrap().remove(k);
        } else {
            v[k] = c.clone();
        }
    }
    v
}

/// (name, body, field, rule, Adapty's error_code if it names one).
fn cases() -> Vec<(&'static str, Value, &'static str, &'static str, Option<&'static str>)> {
    let sub = base_subscription;
    let otp = base_one_time;
    vec![
        ("empty store", with(sub(), json!({"store": " "})), "store", "required", None),
        ("empty product", with(sub(), json!({"store_product_id": ""})), "store_product_id", "required", None),
        (
            "empty transaction id",
            with(otp(), json!({"store_transaction_id": "", "store_original_transaction_id": ""})),
            "store_transaction_id",
            "required",
            None,
        ),
        ("empty original id", with(sub(), json!({"store_original_transaction_id": ""})), "store_original_transaction_id", "required", None),
        (
            "transaction id over 50",
            with(sub(), json!({"store_transaction_id": "x".repeat(51)})),
            "store_transaction_id",
            "max_length",
            None,
        ),
        ("unknown environment", with(sub(), json!({"environment": "Staging"})), "environment", "enum", None),
        ("unknown cancellation reason", with(sub(), json!({"cancellation_reason": "bored"})), "cancellation_reason", "enum", None),
        (
            "a currency code that is not three letters",
            with(sub(), json!({"price": {"country": "US", "currency": "US$", "value": 1}})),
            "price.currency",
            "format",
            None,
        ),
        ("negative price", with(sub(), json!({"price": {"country": "US", "currency": "USD", "value": -1}})), "price.value", "range", None),
        (
            "family shared and paid",
            with(sub(), json!({"is_family_shared": true})),
            "is_family_shared",
            "conflict",
            Some("family_share_price_error"),
        ),
        (
            "unknown offer category",
            with(sub(), json!({"offer": {"category": "loyalty", "type": "pay_up_front", "id": "o"}})),
            "offer.category",
            "enum",
            None,
        ),
        (
            "unknown offer type",
            with(sub(), json!({"offer": {"category": "promotional", "type": "half_off", "id": "o"}})),
            "offer.type",
            "enum",
            None,
        ),
        (
            "paid free trial",
            with(sub(), json!({"offer": {"category": "introductory", "type": "free_trial"}})),
            "offer.type",
            "conflict",
            Some("free_trial_price_error"),
        ),
        (
            "offer without id",
            with(sub(), json!({"offer": {"category": "promotional", "type": "pay_up_front"}})),
            "offer.id",
            "conflict",
            Some("missing_offer_id"),
        ),
        (
            "offer with empty id",
            with(sub(), json!({"offer": {"category": "win_back", "type": "pay_as_you_go", "id": " "}})),
            "offer.id",
            "conflict",
            Some("missing_offer_id"),
        ),
        (
            "refund date without reason",
            with(sub(), json!({"refunded_at": "2024-01-20T00:00:00Z"})),
            "refunded_at",
            "conflict",
            Some("refund_fields_error"),
        ),
        (
            "refund reason without date",
            with(sub(), json!({"cancellation_reason": "refund"})),
            "refunded_at",
            "conflict",
            Some("refund_fields_error"),
        ),
        (
            "refund before purchase",
            with(sub(), json!({"refunded_at": "2024-01-15T10:30:00Z", "cancellation_reason": "refund"})),
            "refunded_at",
            "conflict",
            Some("refund_date_error"),
        ),
        (
            "one-time ids differ",
            with(otp(), json!({"store_original_transaction_id": "other"})),
            "store_transaction_id",
            "conflict",
            Some("store_transaction_id_error"),
        ),
        (
            "one-time trial",
            with(
                otp(),
                json!({"price": {"country": "US", "currency": "USD", "value": 0}, "offer": {"category": "introductory", "type": "free_trial"}}),
            ),
            "offer.type",
            "conflict",
            Some("one_time_purchase_trial_error"),
        ),
        ("one-time with expiry", with(otp(), json!({"expires_at": "2025-01-01T00:00:00Z"})), "expires_at", "conflict", None),
        ("one-time with renew status", with(otp(), json!({"renew_status": true})), "renew_status", "conflict", None),
        (
            "one-time with grace period",
            with(otp(), json!({"grace_period_expires_at": "2025-01-01T00:00:00Z"})),
            "grace_period_expires_at",
            "conflict",
            None,
        ),
        (
            "subscription without original date",
            with(sub(), json!({"originally_purchased_at": null})),
            "originally_purchased_at",
            "required",
            None,
        ),
        ("subscription without expiry", with(sub(), json!({"expires_at": null})), "expires_at", "required", None),
        ("subscription without renew status", with(sub(), json!({"renew_status": null})), "renew_status", "required", None),
        (
            "originally purchased later",
            with(sub(), json!({"originally_purchased_at": "2024-01-16T00:00:00Z"})),
            "originally_purchased_at",
            "conflict",
            Some("originally_purchased_date_error"),
        ),
        (
            "grace without billing issue",
            with(sub(), json!({"grace_period_expires_at": "2024-02-20T00:00:00Z"})),
            "billing_issue_detected_at",
            "conflict",
            Some("grace_period_billing_error"),
        ),
        (
            "grace ends before expiry",
            with(sub(), json!({"billing_issue_detected_at": "2024-02-01T00:00:00Z", "grace_period_expires_at": "2024-02-10T00:00:00Z"})),
            "grace_period_expires_at",
            "conflict",
            Some("grace_period_expires_date_error"),
        ),
        (
            "expires before purchase",
            with(sub(), json!({"expires_at": "2024-01-14T10:30:00Z"})),
            "expires_at",
            "conflict",
            Some("expires_date_error"),
        ),
        (
            "expires at purchase",
            with(sub(), json!({"expires_at": "2024-01-15T10:30:00Z"})),
            "expires_at",
            "conflict",
            Some("expires_date_error"),
        ),
        (
            "renew status changed before purchase",
            with(sub(), json!({"renew_status_changed_at": "2024-01-01T00:00:00Z"})),
            "renew_status_changed_at",
            "conflict",
            Some("renew_status_changed_date_error"),
        ),
        (
            "billing issue before purchase",
            with(sub(), json!({"billing_issue_detected_at": "2024-01-01T00:00:00Z"})),
            "billing_issue_detected_at",
            "conflict",
            Some("billing_issue_detected_at_date_comparison_error"),
        ),
    ]
}

fn parse(v: &Value) -> TransactionParams {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{v}: {e}"))
}

#[test]
fn the_validator_names_field_rule_and_code() {
    parse(&base_subscription()).validate().unwrap();
    parse(&base_one_time()).validate().unwrap();
    // Allowed edge values.
    let ok = [
        with(base_subscription(), json!({"originally_purchased_at": "2024-01-01T00:00:00Z"})),
        with(base_subscription(), json!({"is_family_shared": true, "price": {"country": "US", "currency": "USD", "value": 0}})),
        with(base_subscription(), json!({"offer": {"category": "introductory", "type": "pay_up_front"}})),
        with(
            base_subscription(),
            json!({"billing_issue_detected_at": "2024-02-01T00:00:00Z", "grace_period_expires_at": "2024-02-15T10:30:00Z"}),
        ),
        with(base_subscription(), json!({"refunded_at": "2024-01-20T00:00:00Z", "cancellation_reason": "refund"})),
        with(base_one_time(), json!({"store_transaction_id": "x".repeat(50), "store_original_transaction_id": "x".repeat(50)})),
        with(
            base_one_time(),
            json!({"environment": "Sandbox", "is_family_shared": false, "offer": {"category": "promotional", "type": "pay_up_front", "id": "p1"}}),
        ),
    ];
    for body in &ok {
        parse(body).validate().unwrap_or_else(|e| panic!("{body} refused: {e:?}"));
    }
    for (name, body, field, rule, code) in cases() {
        let err = parse(&body).validate().expect_err(name);
        assert_eq!((err.field.as_str(), err.rule.as_str(), err.api_code), (field, rule, code), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_sends_nothing_and_the_emulator_agrees() {
    let env = Env::start().await;
    env.control.seed_user("rules").await;
    env.control.clear_journal().await;
    let client = env.client();
    let user = ProfileRef::customer_user_id("rules").unwrap();
    for (name, body, field, _, _) in cases() {
        let err = client.purchases().set_transaction(&user, &parse(&body)).await.expect_err(name);
        assert_eq!(err.validation().map(|v| v.field.as_str()), Some(field), "{name}");
    }
    assert!(env.control.journal().await.is_empty(), "no request reaches the API");

    // The emulator applies the same rules to a raw request, answering with Adapty's codes.
    let http = reqwest::Client::new();
    for (name, body, field, _, code) in cases() {
        let resp = http
            .post(format!("{}/api/v2/server-side-api/purchase/set/transaction/", env.base_url()))
            .header("authorization", format!("Api-Key {KEY}"))
            .header("adapty-customer-user-id", "rules")
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{name}");
        let answer: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
        assert_eq!(answer["error_code"], code.unwrap_or("validation_error"), "{name}: {answer}");
        assert_eq!(answer["errors"][0]["source"], documented_source(code, field), "{name}: {answer}");
    }
}

/// The `source` Adapty's error bodies show for a rule (its docs, 7.4), where it differs from the
/// field the SDK names (the SDK points at the value to fix).
fn documented_source<'a>(code: Option<&str>, field: &'a str) -> &'a str {
    match code {
        Some("free_trial_price_error") => "offer_type",
        Some("missing_offer_id") => "offer_category",
        Some("grace_period_billing_error") => "grace_period_billing_error",
        _ => field,
    }
}
