//! Nothing panics on any input: random and mutated JSON through every public entry point that
//! takes outside data (what bindings and the emulator feed it).

use adapty_server::models::DataEnvelope;
use adapty_server::{ApiVersion, CreateRef, Profile, ProfileParams, ProfileRef, Timestamp, parse_error_body};
use serde_json::{Map, Value, json};

const FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "gender",
    "email",
    "phone_number",
    "birthday",
    "ip_country",
    "ip_v4_address",
    "store_country",
    "store",
    "store_account_token",
    "att_status",
    "analytics_disabled",
    "custom_attributes",
    "installation_meta",
    "platform",
    "device_id",
    "key",
    "value",
    "data",
    "errors",
    "error_code",
    "source",
    "access_levels",
    "subscriptions",
    "offer",
    "expires_at",
    "category",
];

fn random_string(rng: &mut fastrand::Rng) -> String {
    const PIECES: &[&str] = &[
        "",
        "f",
        "x",
        "iOS",
        "US",
        "2000-12-31",
        "2001-02-29",
        "2024-01-15T10:30:00Z",
        "+0000",
        "null",
        "\u{0}",
        "é",
        "💥",
        " ",
        "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "a.b-c_d",
        "\n",
        "9999999999999999999999",
        "-1",
        "NaN",
    ];
    (0..rng.usize(0..4)).map(|_| PIECES[rng.usize(..PIECES.len())]).collect::<String>() + &"z".repeat(rng.usize(0..3) * rng.usize(0..40))
}

fn random_value(rng: &mut fastrand::Rng, depth: u32) -> Value {
    match rng.u32(0..if depth == 0 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => json!(rng.i64(..)),
        3 => json!(rng.f64() * 1e12 - 5e11),
        4 => Value::String(random_string(rng)),
        5 => Value::Array((0..rng.usize(0..5)).map(|_| random_value(rng, depth - 1)).collect()),
        _ => {
            let mut m = Map::new();
            for _ in 0..rng.usize(0..6) {
                let key = if rng.bool() { FIELDS[rng.usize(..FIELDS.len())].to_owned() } else { random_string(rng) };
                m.insert(key, random_value(rng, depth - 1));
            }
            Value::Object(m)
        }
    }
}

/// Replaces one random node of `v` by a random value.
fn mutate(rng: &mut fastrand::Rng, v: &mut Value) {
    match v {
        Value::Object(m) if !m.is_empty() && rng.u8(0..4) != 0 => {
            let key = m.keys().nth(rng.usize(..m.len())).unwrap().clone();
            mutate(rng, m.get_mut(&key).unwrap());
        }
        Value::Array(a) if !a.is_empty() && rng.u8(0..4) != 0 => {
            let i = rng.usize(..a.len());
            mutate(rng, &mut a[i]);
        }
        other => *other = random_value(rng, 2),
    }
}

fn examples() -> Vec<Value> {
    let dir = format!("{}/../tests/vectors/examples", env!("CARGO_MANIFEST_DIR"));
    // The API's examples (the webhook examples under webhooks/ include invalid JSON on purpose).
    let files = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "json"));
    files.map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()).collect()
}

fn exercise(v: &Value) {
    if let Ok(p) = ProfileParams::from_json(v.clone()) {
        let _ = p.validate(ApiVersion::V1);
        let _ = p.validate(ApiVersion::V2);
        let _ = serde_json::to_string(&p).unwrap();
    }
    let _ = serde_json::from_value::<DataEnvelope<Profile>>(v.clone());
    let _ = parse_error_body(&v.to_string());
    if let Value::String(s) = v {
        let _ = Timestamp::parse(s);
        let _ = ProfileRef::from_parts(Some(s), None);
        let _ = CreateRef::from_parts(Some(s), Some(s));
    }
}

#[test]
fn random_and_mutated_inputs_never_panic() {
    let mut rng = fastrand::Rng::with_seed(0xADA97);
    let seeds = examples();
    for _ in 0..20_000 {
        exercise(&random_value(&mut rng, 4));
        let mut v = seeds[rng.usize(..seeds.len())].clone();
        for _ in 0..rng.usize(1..4) {
            mutate(&mut rng, &mut v);
        }
        exercise(&v);
        if let Some(data) = v.get_mut("data") {
            exercise(&data.take());
        }
    }
    for text in ["", "{", "[", "\"", "{\"errors\": [", "\u{0}", "{\"data\": {\"app_id\": 5}}"] {
        let _ = parse_error_body(text);
        let _ = serde_json::from_str::<DataEnvelope<Profile>>(text);
    }
}

/// Found by `fuzz/fuzz_targets/decode_models.rs` (input in fuzz/regressions/decode_models/): a
/// birthday with a signed year was accepted and then written as text that does not read back.
#[test]
fn birthday_with_a_signed_year_is_refused() {
    for birthday in ["-999-05-29", "+999-05-29", " 999-05-29", "2000-1-031"] {
        let e = ProfileParams::from_json(json!({ "birthday": birthday })).unwrap_err();
        assert_eq!((e.field.as_str(), e.rule.as_str()), ("birthday", "format"), "{birthday}");
    }
    for birthday in ["0000-01-01", "2000-12-31", "9999-12-31"] {
        let p = ProfileParams::from_json(json!({ "birthday": birthday })).unwrap();
        let body = serde_json::to_value(&p).unwrap();
        assert_eq!(body, json!({ "birthday": birthday }));
        assert_eq!(ProfileParams::from_json(body).unwrap(), p);
    }
}

/// Found by `fuzz/fuzz_targets/decode_models.rs` (input in fuzz/regressions/decode_models/):
/// serde_json's default float parsing read 109.88999999999999 (the legacy example's revenue) as
/// 109.89, one ulp off, so a value changed when read and again when its JSON was read back.
#[test]
fn numbers_decode_exactly_and_round_trip() {
    let exact = 109.88999999999999_f64;
    for text in ["109.88999999999999", "109.88999999999998"] {
        let body = format!(
            r#"{{"data": {{"app_id": "a", "profile_id": "p", "total_revenue_usd": {text}, "segment_hash": "s", "timestamp": 0,
                "custom_attributes": [{{"key": "score", "value": {text}}}]}}}}"#
        );
        let p = serde_json::from_str::<DataEnvelope<Profile>>(&body).unwrap().data;
        assert_eq!(p.total_revenue_usd, exact, "{text}");
        let json = serde_json::to_string(&DataEnvelope { data: p.clone() }).unwrap();
        assert_eq!(serde_json::from_str::<DataEnvelope<Profile>>(&json).unwrap().data, p, "{text}");
        let args = serde_json::from_str(&format!(r#"{{"custom_attributes": {{"score": {text}}}}}"#)).unwrap();
        let params = ProfileParams::from_json(args).unwrap();
        assert_eq!(serde_json::to_string(&params).unwrap(), r#"{"custom_attributes":[{"key":"score","value":109.88999999999999}]}"#);
    }
}
