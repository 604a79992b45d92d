//! Per-profile settings through the async client against the emulator: Refund Saver and
//! integration identifiers.

mod common;

use adapty_server::{IntegrationIdentifiers, RefundPreference, RefundSaverParams};
use common::{Env, api, cuid, validation};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refund_saver_and_integration_identifiers() {
    let env = Env::start().await;
    let profile_id = env.control.seed_user("settings").await;
    let client = env.client();
    let user = cuid("settings");

    let rs = client.refund_saver();
    let s = rs.get(&user).await.unwrap();
    assert_eq!(s.profile_id, profile_id);
    assert_eq!((s.settings.consent, s.settings.custom_preference.as_ref().map(|p| p.as_str())), (Some(false), Some("no_preference")));
    let set = RefundSaverParams { custom_preference: Some(RefundPreference::Grant), consent: Some(true) };
    let s = rs.set(&user, &set).await.unwrap();
    assert_eq!(s.settings.custom_preference, Some(RefundPreference::Grant));
    let s = rs.set(&user, &RefundSaverParams { consent: Some(false), ..Default::default() }).await.unwrap();
    assert_eq!(
        (s.settings.consent, s.settings.custom_preference.clone()),
        (Some(false), Some(RefundPreference::Grant)),
        "the other value stays"
    );
    assert_eq!(rs.get(&user).await.unwrap(), s);
    let err = rs.get(&cuid("ghost")).await.unwrap_err();
    assert_eq!(api(err), (400, "profile_does_not_exist".into()));
    let err = rs.set(&user, &RefundSaverParams::default()).await.unwrap_err();
    assert_eq!(validation(err), ("custom_preference".into(), "required"));

    let ints = client.integrations();
    let ids = ints.get(&user).await.unwrap();
    assert_eq!(ids, IntegrationIdentifiers::default(), "every identifier starts null");
    let set = IntegrationIdentifiers { appsflyer_id: Some("af-1".into()), mixpanel_user_id: Some("mp-1".into()), ..Default::default() };
    ints.set(&user, &set).await.unwrap();
    ints.set(&user, &IntegrationIdentifiers { mixpanel_user_id: Some("mp-2".into()), ..Default::default() }).await.unwrap();
    let ids = ints.get(&user).await.unwrap();
    assert_eq!(
        (ids.appsflyer_id.as_deref(), ids.mixpanel_user_id.as_deref(), ids.branch_id.as_deref()),
        (Some("af-1"), Some("mp-2"), None)
    );
    let err = ints.get(&cuid("ghost")).await.unwrap_err();
    assert_eq!(api(err), (404, "profile_not_found".into()));
    let err = ints.set(&cuid("ghost"), &set).await.unwrap_err();
    assert_eq!(api(err), (404, "profile_not_found".into()));
    let err = ints.set(&user, &IntegrationIdentifiers::default()).await.unwrap_err();
    assert_eq!(validation(err), ("integration_identifiers".into(), "required"));
    let unknown: IntegrationIdentifiers = serde_json::from_value(json!({ "appsflyer_idd": "x" })).unwrap();
    assert_eq!(validation(ints.set(&user, &unknown).await.unwrap_err()), ("appsflyer_idd".into(), "enum"));
}
