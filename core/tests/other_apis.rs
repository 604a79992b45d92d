//! The Web, Export Analytics, Mail and legacy APIs through the typed Rust client against the
//! emulator: each API's key and host, Export Analytics spaced to Adapty's limit, CSV streamed to a
//! file, and each API's error envelope read into the one error type.

mod common;

use std::time::{Duration, Instant};

use adapty_server::{
    AnalyticsChartParams, Api, ChartId, Client, Config, Date, Error, KeyKind, MailProfileDeleteParams, MetricsFilters, PeriodUnit,
    PlacementFilters, PlacementType, PlacementsParams, ProfileParams, ProfileRef, WebPaywallParams,
};
use common::{Env, KEY, api, validation};

fn january() -> MetricsFilters {
    let day = |s: &str| Date::try_from(s).unwrap();
    MetricsFilters::between(day("2024-01-01"), day("2024-01-31"))
}

#[tokio::test]
async fn each_api_goes_to_its_host_with_its_key() {
    let given = Config::builder().api_key(KEY).base_url("http://127.0.0.1:1").build().unwrap();
    for api in [Api::ServerSide, Api::Web, Api::Analytics, Api::Mail] {
        assert_eq!(given.base_url_of(api).as_str(), "http://127.0.0.1:1/", "a given base URL is every API's");
    }
    let production =
        Config::builder().api_key(KEY).base_url("https://api.adapty.io").analytics_base_url("https://api-admin.adapty.io").build();
    let production = production.unwrap();
    assert_eq!(production.base_url_of(Api::Analytics).as_str(), "https://api-admin.adapty.io/");
    let mail_only = Config::builder().mail_api_key("secret_mail").build().unwrap();
    assert!(mail_only.has_key(KeyKind::Mail) && !mail_only.has_key(KeyKind::Secret), "one key of the three is enough");
    let none = Config::builder().build();
    assert!(std::env::var("ADAPTY_API_KEY").is_ok() || none.is_err(), "no key at all is refused");

    // A call to an API whose key the client lacks fails before any I/O, naming the option.
    let env = Env::start().await;
    let secret_only = Client::new(Config::builder().api_key(KEY).base_url(env.base_url()).build().unwrap()).unwrap();
    env.control.clear_journal().await;
    let params = WebPaywallParams { store: "app_store".into(), placement_id: "premium".into(), locale: None };
    let err = secret_only.web().get_paywall(&ProfileRef::customer_user_id("u").unwrap(), &params).await.unwrap_err();
    assert_eq!(validation(err), ("public_api_key".into(), "required"));
    let by_email = MailProfileDeleteParams { email: Some("a@example.com".into()), ..Default::default() };
    let err = secret_only.mail().delete_profile(&by_email).await.unwrap_err();
    assert_eq!(validation(err), ("mail_api_key".into(), "required"));
    assert!(env.control.journal().await.is_empty(), "nothing was sent");

    // With the keys, each request carries its API's scheme (the journal redacts the values).
    let client = env.client();
    let user = ProfileRef::customer_user_id("web-rust").unwrap();
    client.profiles().create(&user.clone().into(), &ProfileParams::default()).await.unwrap();
    let paywall = client.web().get_paywall(&user, &params).await.unwrap();
    assert_eq!((paywall.placement_id.as_str(), paywall.products.len()), ("premium", 3));
    let err = client.mail().delete_profile(&by_email).await.unwrap_err();
    assert_eq!(api(err), (404, "profile_not_found_error".into()), "the Mail API's envelope is read");
}

#[tokio::test]
async fn export_analytics_is_spaced_to_two_requests_a_second_and_csv_goes_to_a_file() {
    let env = Env::start().await;
    let client = env.client();
    let chart = AnalyticsChartParams {
        chart_id: ChartId::Revenue,
        filters: january(),
        period_unit: Some(PeriodUnit::Day),
        date_type: None,
        segmentation: None,
    };
    // The emulator answers a third request within a second 429, as Adapty does; retries are
    // off, so a 429 would fail the loop.
    let client = client.with_options(&adapty_server::RequestOptions { max_retries: Some(0), ..Default::default() }).unwrap();
    let started = Instant::now();
    for _ in 0..4 {
        let report = client.analytics().chart(&chart).await.unwrap();
        assert_eq!(report.data["revenue"].value, Some(0.0));
    }
    assert!(started.elapsed() >= Duration::from_millis(1500), "four turns 550 ms apart: {:?}", started.elapsed());

    let dir = std::env::temp_dir().join(format!("adapty-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("placements.csv");
    let placements = PlacementsParams { filters: PlacementFilters { placement_type: PlacementType::Paywall } };
    let export = client.analytics().placements_csv(&placements, path.to_str().unwrap()).await.unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!((export.bytes, export.lines), (written.len() as u64, written.lines().count() as u64));
    assert!(written.starts_with("developer_id,placement_name,audience_name,"), "{written}");
    assert!(!dir.join("placements.csv.partial").exists(), "the partial file was renamed");
    let err = client.analytics().chart_csv(&chart, dir.join("missing/dir.csv").to_str().unwrap()).await.unwrap_err();
    assert!(matches!(err, Error::Usage { .. }), "a file that cannot be written is the caller's to fix: {err:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn legacy_calls_reach_the_profiles_v2_made() {
    let env = Env::start().await;
    let client = env.client();
    let user = ProfileRef::customer_user_id("abc/def").unwrap();
    let created = client.profiles().create(&user.into(), &ProfileParams::default()).await.unwrap();
    let legacy = client.legacy().get_profile("abc/def").await.unwrap();
    assert_eq!(legacy.profile_id, created.profile_id);
    let journal = env.control.journal().await;
    let sent = journal.last().unwrap();
    assert_eq!(sent["path"], "/api/v1/sdk/profiles/YWJjL2RlZg==/", "Base64URL for a slash");
}
