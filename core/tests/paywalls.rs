//! Paywalls through the async client against the emulator: list, get, update, page limits and the
//! walk over every page.

mod common;

use std::time::{Duration, Instant};

use adapty_server::{ApiErrorKind, Client, PageRequest, PaywallUpdateParams, RemoteConfig};
use common::{Env, api, validation};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paywalls_list_get_update_and_page_limits() {
    let env = Env::start().await;
    let client = env.client();
    let paywalls = client.paywalls();

    let page = paywalls.list(&PageRequest::default()).await.unwrap();
    assert_eq!((page.count, page.page, page.pages, page.data.len(), page.next_cursor.as_deref()), (3, 1, 1, 3, None));
    assert!(page.data.iter().all(|p| p.remote_configs.is_empty() && p.main_screenshot.is_none()), "the list leaves them out");
    let page = paywalls.list(&PageRequest { page: 1, page_size: 2 }).await.unwrap();
    assert_eq!((page.pages, page.data.len(), page.next_cursor.as_deref()), (2, 2, Some("2")));
    let page = paywalls.list(&PageRequest { page: 5, page_size: 2 }).await.unwrap();
    assert_eq!((page.page, page.data.len(), page.next_cursor), (5, 0, None), "past the end: an empty page");
    assert_eq!(paywalls.list(&PageRequest { page: 1, page_size: 100 }).await.unwrap().data.len(), 3);
    for (req, field) in [
        (PageRequest { page: 1, page_size: 101 }, "page_size"),
        (PageRequest { page: 1, page_size: 0 }, "page_size"),
        (PageRequest { page: 0, page_size: 20 }, "page"),
    ] {
        assert_eq!(validation(paywalls.list(&req).await.unwrap_err()), (field.into(), "range"));
    }

    let first = &paywalls.list(&PageRequest::default()).await.unwrap().data[0];
    let full = paywalls.get(&first.paywall_id).await.unwrap();
    assert_eq!(full.title, first.title);
    assert_eq!(full.remote_configs.len(), 1);
    assert!(full.main_screenshot.is_some());
    let configs = vec![
        RemoteConfig { locale: "en".into(), data: r#"{"title":"New"}"#.into() },
        RemoteConfig { locale: "fr".into(), data: r#"{"title":"Nouveau"}"#.into() },
    ];
    let updated = paywalls.update(&first.paywall_id, &PaywallUpdateParams { remote_configs: configs.clone() }).await.unwrap();
    assert_eq!(updated.remote_configs, configs);
    assert!(updated.updated_at > full.updated_at);
    assert_eq!(paywalls.get(&first.paywall_id).await.unwrap().remote_configs, configs);

    let missing = "00000000-0000-4000-8000-000000000000";
    assert_eq!(api(paywalls.get(missing).await.unwrap_err()), (404, "paywall_does_not_exist".into()));
    let err = paywalls.update(missing, &PaywallUpdateParams { remote_configs: configs.clone() }).await.unwrap_err();
    assert_eq!(api(err), (404, "paywall_does_not_exist".into()));
    env.control.clear_journal().await;
    assert_eq!(validation(paywalls.get("not-a-uuid").await.unwrap_err()), ("paywall_id".into(), "format"));
    let err = paywalls.update(&first.paywall_id, &PaywallUpdateParams { remote_configs: vec![] }).await.unwrap_err();
    assert_eq!(validation(err), ("remote_configs".into(), "count"));
    let twice = vec![configs[0].clone(), configs[0].clone()];
    let err = paywalls.update(&first.paywall_id, &PaywallUpdateParams { remote_configs: twice }).await.unwrap_err();
    assert_eq!(validation(err), ("remote_configs[1].locale".into(), "unique"));
    let bad = vec![RemoteConfig { locale: "en".into(), data: "{not json".into() }];
    let err = paywalls.update(&first.paywall_id, &PaywallUpdateParams { remote_configs: bad }).await.unwrap_err();
    assert_eq!(validation(err), ("remote_configs[0].data".into(), "format"));
    assert!(env.control.journal().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_all_walks_every_page_and_waits_out_a_429() {
    let env = Env::start().await;
    assert_eq!(env.control.seed_paywalls(7, false).await, 10);
    let client = env.client();
    let mut stream = Box::pin(client.paywalls().list_all(3));
    let mut titles = Vec::new();
    for _ in 0..3 {
        titles.push(stream.next().await.unwrap().unwrap().title);
    }
    // The next page's first attempt is throttled: the walk waits Retry-After and goes on.
    env.control
        .fault(json!({ "method": "GET", "path_prefix": "/api/v2/server-side-api/paywalls", "status": 429, "retry_after": "1",
            "body": { "errors": [{ "source": null, "errors": ["Request was throttled."] }], "error_code": "rate_limited", "status_code": 429 } }))
        .await;
    let started = Instant::now();
    let rest: Vec<_> = stream.try_collect().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(950), "Retry-After was not honoured: {:?}", started.elapsed());
    titles.extend(rest.into_iter().map(|p| p.title));
    assert_eq!(titles.len(), 10);
    assert_eq!(titles[3..], (4..=10).map(|n| format!("Paywall {n}")).collect::<Vec<_>>()[..]);
    let sent = env.control.journal().await;
    let pages: Vec<(String, u64, bool)> = sent
        .iter()
        .map(|e| (e["query"].as_str().unwrap_or_default().to_owned(), e["status"].as_u64().unwrap(), e["fault"].as_bool().unwrap()))
        .collect();
    assert_eq!(pages.len(), 5, "{pages:?}");
    assert_eq!((pages[1].1, pages[1].2), (429, true));
    assert_eq!(pages[1].0, pages[2].0, "the same page is asked again");
    assert!(pages[2].0.contains("page=2") && pages[4].0.contains("page=4"), "{pages:?}");

    // A 429 beyond the retries ends the walk with the error.
    let strict = Client::new(env.config().max_retries(0).build().unwrap()).unwrap();
    env.control
        .fault(json!({ "method": "GET", "path_prefix": "/api/v2/server-side-api/paywalls", "status": 429, "retry_after": "1" }))
        .await;
    let err = strict.paywalls().list_all(3).try_collect::<Vec<_>>().await.unwrap_err();
    assert_eq!(err.api().unwrap().kind(), ApiErrorKind::RateLimit);
    assert_eq!(err.api().unwrap().retry_after, Some(Duration::from_secs(1)));
}
