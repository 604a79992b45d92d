//! Every operation beyond the Profile API through the blocking client, from a plain thread, with
//! the blocking page iterators.

mod common;

use adapty_server::{
    GrantAccessParams, HistoryRequest, IntegrationIdentifiers, PaddleValidationParams, PageRequest, PaywallUpdateParams, ProfileRef,
    RefundPreference, RefundSaverParams, RemoteConfig, RevokeAccessParams, StripeValidationParams, TransactionParams,
    VirtualCurrencyTransactionParams,
};
use common::{ThreadEnv, at, control};
use serde_json::json;

#[test]
fn every_operation_from_a_plain_thread() {
    let env = ThreadEnv::start();
    let ctl = env.control.clone();
    control(async move {
        ctl.seed_user("blocking-buyer").await;
        ctl.seed_paywalls(4, false).await;
    });
    let client = env.client();
    let user = ProfileRef::customer_user_id("blocking-buyer").unwrap();

    let bought = at(-1);
    let sub: TransactionParams = serde_json::from_value(json!({
        "purchase_type": "subscription", "store": "app_store", "store_product_id": "premium_annual",
        "store_transaction_id": "b-1", "store_original_transaction_id": "b-1",
        "price": {"country": "US", "currency": "USD", "value": 59.99},
        "purchased_at": bought, "originally_purchased_at": bought, "expires_at": at(364), "renew_status": true,
    }))
    .unwrap();
    let p = client.purchases().set_transaction(&user, &sub).unwrap();
    assert!(p.access_levels.iter().any(|a| a.access_level_id == "premium"));
    assert_eq!((p.subscriptions.len(), p.total_revenue_usd), (1, 59.99));
    assert_eq!(client.purchases().set_transaction(&user, &sub).unwrap().subscriptions.len(), 1);

    let grant = GrantAccessParams { access_level_id: "premium".into(), starts_at: None, expires_at: None };
    assert!(client.access_levels().grant(&user, &grant).unwrap().access_levels[0].expires_at.is_none());
    let revoke = RevokeAccessParams { access_level_id: "premium".into(), revoke_at: None };
    assert!(client.access_levels().revoke(&user, &revoke).unwrap().access_levels[0].expires_at.is_some());
    let err = client.access_levels().grant(&ProfileRef::customer_user_id("ghost").unwrap(), &grant).unwrap_err();
    assert_eq!(err.api().unwrap().error_code.as_deref(), Some("profile_does_not_exist"));

    let rs = client.refund_saver();
    let set = RefundSaverParams { custom_preference: Some(RefundPreference::Decline), consent: None };
    assert_eq!(rs.set(&user, &set).unwrap().settings.custom_preference, Some(RefundPreference::Decline));
    assert_eq!(rs.get(&user).unwrap().settings.custom_preference, Some(RefundPreference::Decline));

    let ids = IntegrationIdentifiers { branch_id: Some("br-1".into()), ..Default::default() };
    client.integrations().set(&user, &ids).unwrap();
    assert_eq!(client.integrations().get(&user).unwrap().branch_id.as_deref(), Some("br-1"));

    let stripe = StripeValidationParams { customer_user_id: "blocking-stripe".into(), stripe_token: "pi_3MtwBwLkdIwHu7ix28a3tqPa".into() };
    client.purchases().validate_stripe(&stripe).unwrap();
    let stripe_user = client.profiles().get(&ProfileRef::customer_user_id("blocking-stripe").unwrap()).unwrap();
    assert_eq!(stripe_user.non_subscriptions.len(), 1);
    let paddle = PaddleValidationParams { customer_user_id: "blocking-buyer".into(), paddle_token: "sub_01hv8x".into() };
    assert_eq!(client.purchases().validate_paddle(&paddle).unwrap().subscriptions.len(), 2);

    let paywalls = client.paywalls();
    let page = paywalls.list(&PageRequest { page: 2, page_size: 3 }).unwrap();
    assert_eq!((page.count, page.page, page.pages, page.data.len()), (7, 2, 3, 3));
    let all: Vec<_> = paywalls.list_all(2).collect::<Result<_, _>>().unwrap();
    assert_eq!(all.len(), 7);
    let id = all[6].paywall_id.clone();
    assert_eq!(paywalls.get(&id).unwrap().title, "Paywall 7");
    let configs = vec![RemoteConfig { locale: "de".into(), data: "{}".into() }];
    assert_eq!(paywalls.update(&id, &PaywallUpdateParams { remote_configs: configs.clone() }).unwrap().remote_configs, configs);
    assert_eq!(paywalls.list(&PageRequest { page: 1, page_size: 101 }).unwrap_err().validation().unwrap().field, "page_size");

    let vc = client.virtual_currency();
    for n in 1..=5 {
        let params: VirtualCurrencyTransactionParams =
            serde_json::from_value(json!({ "items": [{ "currency_code": "COINS", "amount": n * 10 }] })).unwrap();
        vc.create_transaction(&user, &params, None).unwrap();
    }
    let debit: VirtualCurrencyTransactionParams =
        serde_json::from_value(json!({ "items": [{ "currency_code": "COINS", "amount": -1000 }] })).unwrap();
    assert_eq!(vc.create_transaction(&user, &debit, None).unwrap_err().api().unwrap().error_code.as_deref(), Some("insufficient_balance"));
    assert_eq!(vc.balances(&user).unwrap().data[0].balance, 150);
    let page = vc.list_transactions(&user, &HistoryRequest { limit: Some(2), ..Default::default() }).unwrap();
    assert_eq!(page.data.len(), 2);
    assert!(page.next_cursor.is_some());
    let walked: Vec<_> = vc.list_all_transactions(&user, Some("COINS"), Some(2)).collect::<Result<_, _>>().unwrap();
    assert_eq!(walked.iter().map(|t| t.items[0].amount).collect::<Vec<_>>(), [50, 40, 30, 20, 10]);

    // Page requests of the two walks, as the journal saw them.
    let ctl = env.control.clone();
    let sent = control(async move { ctl.journal().await });
    let walk_pages = sent.iter().filter(|e| e["method"] == "GET" && e["path"] == "/api/v2/server-side-api/vc/transactions/").count();
    assert_eq!(walk_pages, 1 + 3);
}

#[test]
fn a_failed_page_ends_the_blocking_walk_with_its_error() {
    let env = ThreadEnv::start();
    let ctl = env.control.clone();
    control(async move {
        ctl.seed_paywalls(5, true).await;
        ctl.fault(json!({ "method": "GET", "path_prefix": "/api/v2/server-side-api/paywalls", "status": 500, "times": 10 })).await;
    });
    let mut walk = env.client().paywalls().list_all(2);
    let err = walk.next().unwrap().unwrap_err();
    assert_eq!(err.api().unwrap().status, 500);
    assert!(walk.next().is_none(), "the walk stops after an error");
}
