//! Access levels through the async client against the emulator: grant and revoke, with every
//! documented error.

mod common;

use adapty_server::{CancellationReason, GrantAccessParams, ProfileRef, RevokeAccessParams};
use chrono::Utc;
use common::{Env, api, at, cuid, validation};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grant_and_revoke_with_every_documented_error() {
    let env = Env::start().await;
    let ctl = &env.control;
    let profile_id = ctl.seed_user("granted").await;
    ctl.seed_user("plain").await;
    ctl.config(json!({ "access_levels": ["premium", "vip"] })).await;
    let client = env.client();
    let levels = client.access_levels();
    let user = cuid("granted");
    let grant = |id: &str, expires: Option<String>| GrantAccessParams {
        access_level_id: id.into(),
        starts_at: None,
        expires_at: expires.map(|e| serde_json::from_value(json!(e)).unwrap()),
    };
    let revoke = |id: &str, at: Option<String>| RevokeAccessParams {
        access_level_id: id.into(),
        revoke_at: at.map(|e| serde_json::from_value(json!(e)).unwrap()),
    };

    let p = levels.grant(&user, &grant("premium", Some(at(30)))).await.unwrap();
    let premium = p.access_levels.iter().find(|a| a.access_level_id == "premium").unwrap();
    assert_eq!(premium.store.as_str(), "adapty");
    assert!(premium.expires_at.is_some());
    // By profile id too.
    levels.grant(&ProfileRef::profile_id(&profile_id).unwrap(), &grant("vip", None)).await.unwrap();

    let err = levels.grant(&user, &grant("gold", None)).await.unwrap_err();
    assert_eq!(api(err), (400, "paid_access_level_does_not_exist".into()));
    let err = levels.revoke(&user, &revoke("gold", None)).await.unwrap_err();
    assert_eq!(api(err), (400, "paid_access_level_does_not_exist".into()));
    let err = levels.grant(&cuid("ghost"), &grant("premium", None)).await.unwrap_err();
    assert_eq!(api(err), (400, "profile_does_not_exist".into()));
    let err = levels.revoke(&cuid("ghost"), &revoke("premium", None)).await.unwrap_err();
    assert_eq!(api(err), (400, "profile_does_not_exist".into()));
    let err = levels.revoke(&cuid("plain"), &revoke("premium", None)).await.unwrap_err();
    let api_err = err.api().unwrap().clone();
    assert_eq!(api(err), (400, "profile_paid_access_level_does_not_exist".into()));
    assert!(api_err.message().unwrap().contains("premium"), "{api_err:?}");
    let err = levels.revoke(&user, &revoke("premium", Some(at(60)))).await.unwrap_err();
    let body: Value = serde_json::from_str(&err.api().unwrap().body).unwrap();
    assert_eq!(api(err), (400, "revocation_date_more_than_expiration_date".into()));
    assert_eq!(body["errors"][0]["source"], "revoke_at");
    // revoke_at in the past is refused before any request (the API's value_error).
    ctl.clear_journal().await;
    let err = levels.revoke(&user, &revoke("premium", Some(at(-1)))).await.unwrap_err();
    assert_eq!(err.validation().unwrap().api_code, Some("value_error"));
    assert_eq!(validation(err), ("revoke_at".into(), "range"));
    let err = levels.grant(&user, &grant(" ", None)).await.unwrap_err();
    assert_eq!(validation(err), ("access_level_id".into(), "required"));
    assert!(ctl.journal().await.is_empty());

    // Shortening to a later date, then revoking now; revoking again keeps it revoked.
    let p = levels.revoke(&user, &revoke("premium", Some(at(10)))).await.unwrap();
    let premium = p.access_levels.iter().find(|a| a.access_level_id == "premium").unwrap();
    assert!(premium.expires_at.is_some_and(|e| *e < Utc::now() + chrono::Duration::days(11)));
    let p = levels.revoke(&user, &revoke("vip", None)).await.unwrap();
    let vip = p.access_levels.iter().find(|a| a.access_level_id == "vip").unwrap();
    assert!(vip.expires_at.is_some_and(|e| *e <= Utc::now()));
    assert_eq!(vip.cancellation_reason, Some(CancellationReason::AdaptyRevoked));
    let again = levels.revoke(&user, &revoke("vip", None)).await.unwrap();
    let vip2 = again.access_levels.iter().find(|a| a.access_level_id == "vip").unwrap();
    assert_eq!(vip2.expires_at, vip.expires_at);
}
