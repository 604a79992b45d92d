//! The Export Analytics API over the emulator's own data: purchases, renewals the clock makes and
//! refunds, reported by day in the `Adapty-Tz` zone, as JSON (read with the SDK's models) and CSV,
//! within Adapty's 2 requests per second per key.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use adapty_server::json::from_value_lenient;
use adapty_server::{AnalyticsChart, CohortReport, FunnelReport, LtvReport, MetricData, PlacementReport, RetentionReport};
use chrono::{DateTime, FixedOffset};
use common::hooks::{create_profile, set_transaction, subscription};
use common::{PipeJson, T};
use reqwest::Method;
use serde_json::{Value, json};

const METRICS: &str = "/api/v1/client-api/metrics";
const PLACEMENTS: &str = "/api/v1/client-api/exports/placements/";

/// A key no request has used yet: every key has its own rate window, so a test that is not about
/// the limit never meets it.
fn fresh_key() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("secret_analytics_{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn request(t: &T, key: &str, path: &str, body: &Value) -> reqwest::RequestBuilder {
    t.http.post(format!("{}{path}", t.emulator.base_url())).header("authorization", format!("Api-Key {key}")).pipe_json(body)
}

/// A report's status and JSON, with a fresh key and `Adapty-Tz: tz` if given.
async fn export(t: &T, path: &str, body: Value, tz: Option<&str>) -> (u16, Value) {
    let mut req = request(t, &fresh_key(), path, &body);
    if let Some(tz) = tz {
        req = req.header("adapty-tz", tz);
    }
    t.send(req).await
}

/// A report as CSV text, checking its media type.
async fn export_csv(req: reqwest::RequestBuilder) -> String {
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/csv");
    resp.text().await.unwrap()
}

async fn set_clock(t: &T, now: &str) {
    let (status, body) = t.control(Method::POST, "clock", Some(json!({ "now": now, "freeze": true }))).await;
    assert_eq!(status, 200, "{body}");
}

async fn buy(t: &T, user: &str, transaction: Value) {
    create_profile(t, user).await;
    set_transaction(t, user, transaction).await;
}

fn sub(id: &str, product: &str, purchased: &str, expires: &str, price: Value) -> Value {
    subscription(
        id,
        id,
        json!({ "store_product_id": product, "purchased_at": purchased, "originally_purchased_at": purchased, "expires_at": expires, "price": price }),
    )
}

fn usd(value: f64) -> Value {
    json!({ "country": "US", "currency": "USD", "value": value })
}

/// A revenue chart's request over `from`..`to` by day.
fn chart(chart_id: &str, from: &str, to: &str) -> Value {
    json!({ "chart_id": chart_id, "filters": { "date": [from, to] }, "period_unit": "day" })
}

/// The points of a chart's metric, `(date, segment) -> value`.
fn points(report: &Value, metric: &str) -> BTreeMap<(String, String), f64> {
    let chart: AnalyticsChart = from_value_lenient(report.clone()).unwrap();
    chart.data[metric]
        .data
        .iter()
        .map(|p| ((p["date"].as_str().unwrap().to_owned(), p["segment"].as_str().unwrap().to_owned()), p["value"].as_f64().unwrap()))
        .collect()
}

fn on(points: &BTreeMap<(String, String), f64>, date: &str) -> f64 {
    points[&(date.to_owned(), "All".to_owned())]
}

fn cents(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

const USERS: [&str; 4] = ["monthly", "weekly", "trial", "coins"];

/// Thirty emulated days of March 2031: a monthly subscription refunded on the 10th, a weekly one
/// in euros on Google Play renewing every week, a trial converting on the 6th, a one-time
/// purchase. The clock ends at March 31st, 00:00 UTC.
async fn thirty_days(t: &T) {
    set_clock(t, "2031-03-01T00:00:00Z").await;
    let monthly = sub("m1", "premium_monthly", "2031-02-20T10:00:00Z", "2031-03-20T10:00:00Z", usd(9.99));
    buy(t, "monthly", monthly.clone()).await;
    let mut weekly = sub(
        "w1",
        "pro_weekly",
        "2031-02-28T12:00:00Z",
        "2031-03-07T12:00:00Z",
        json!({ "country": "DE", "currency": "EUR", "value": 4.99 }),
    );
    weekly["store"] = json!("play_store");
    buy(t, "weekly", weekly).await;
    let mut trial = sub("t1", "premium_monthly", "2031-02-27T00:00:00Z", "2031-03-06T00:00:00Z", usd(0.0));
    trial["offer"] = json!({ "category": "introductory", "type": "free_trial" });
    buy(t, "trial", trial).await;
    let coins = json!({
        "purchase_type": "one_time_purchase", "store": "app_store", "store_product_id": "coins_100", "store_transaction_id": "c1",
        "store_original_transaction_id": "c1", "price": usd(1.99), "purchased_at": "2031-02-28T23:30:00Z",
    });
    buy(t, "coins", coins).await;

    set_clock(t, "2031-03-15T00:00:00Z").await;
    let mut refund = monthly;
    refund["refunded_at"] = json!("2031-03-10T12:00:00Z");
    refund["cancellation_reason"] = json!("refund");
    set_transaction(t, "monthly", refund).await;
    set_clock(t, "2031-03-31T00:00:00Z").await;
}

/// What each profile recorded: its `total_revenue_usd`, and by UTC day each transaction's USD on
/// its purchase day and each refund taken off on the refund's day.
async fn recorded(t: &T) -> (f64, BTreeMap<String, f64>) {
    let (mut total, mut by_day) = (0.0, BTreeMap::<String, f64>::new());
    let day = |v: &Value| DateTime::<FixedOffset>::parse_from_rfc3339(v.as_str().unwrap()).unwrap().to_utc().date_naive().to_string();
    for user in USERS {
        let (status, inspected) = t.control(Method::GET, &format!("profiles/{user}"), None).await;
        assert_eq!(status, 200);
        total += inspected["profile"]["total_revenue_usd"].as_f64().unwrap();
        let stored = &inspected["stored"];
        for transaction in stored["chains"].as_object().unwrap().values().flat_map(|c| c.as_array().unwrap()) {
            let price = &transaction["price"];
            let rate = if price["currency"] == "EUR" { 1.08 } else { 1.0 };
            let amount = price["value"].as_f64().unwrap() * rate;
            *by_day.entry(day(&transaction["purchased_at"])).or_default() += amount;
            if !transaction["refunded_at"].is_null() {
                *by_day.entry(day(&transaction["refunded_at"])).or_default() -= amount;
            }
        }
        for purchase in stored["non_subscriptions"].as_array().unwrap() {
            let id = purchase["store_transaction_id"].as_str().unwrap();
            *by_day.entry(day(&purchase["purchased_at"])).or_default() += stored["revenue"][id].as_f64().unwrap();
        }
    }
    (total, by_day)
}

#[tokio::test]
async fn thirty_days_of_revenue_match_what_was_recorded_to_the_cent() {
    let t = T::start(None).await;
    thirty_days(&t).await;
    let (total, by_day) = recorded(&t).await;
    // The clock made the renewals: four weekly ones and the trial's conversion.
    let (_, weekly) = t.control(Method::GET, "profiles/weekly", None).await;
    assert_eq!(weekly["stored"]["chains"]["w1"].as_array().unwrap().len(), 5);

    let (status, report) = export(&t, &format!("{METRICS}/analytics/"), chart("revenue", "2031-02-01", "2031-03-31"), None).await;
    assert_eq!(status, 200, "{report}");
    let revenue = &report["data"]["revenue"];
    assert_eq!(cents(revenue["value"].as_f64().unwrap()), cents(total), "the chart's total is the profiles' total_revenue_usd");
    let points = points(&report, "revenue");
    assert_eq!(points.len(), 59, "a point per day of February 1st to March 31st");
    for ((date, _), value) in &points {
        assert_eq!(cents(*value), cents(by_day.get(date).copied().unwrap_or(0.0)), "on {date}");
    }
    assert_eq!(on(&points, "2031-03-10"), -9.99, "the refund, on its own day");
    assert_eq!(on(&points, "2031-03-06"), 9.99, "the trial converted");
    assert_eq!(on(&points, "2031-03-21"), 5.39, "a weekly renewal, in USD");
    // Proceeds keep 85%.
    assert_eq!(cents(report["data"]["proceeds"]["value"].as_f64().unwrap()), cents(total * 0.85));
}

#[tokio::test]
async fn the_other_charts_on_the_same_data() {
    let t = T::start(None).await;
    thirty_days(&t).await;
    let get = |chart_id: &'static str| {
        let t = &t;
        async move {
            let (status, report) = export(t, &format!("{METRICS}/analytics/"), chart(chart_id, "2031-02-20", "2031-03-30"), None).await;
            assert_eq!(status, 200, "{report}");
            let key = if report["data"]["revenue"].is_null() { chart_id } else { "revenue" };
            points(&report, key)
        }
    };
    let active = get("subscriptions_active").await;
    assert_eq!(on(&active, "2031-02-20"), 0.0, "the refunded subscription never counts");
    assert_eq!(on(&active, "2031-03-01"), 1.0, "the weekly one");
    assert_eq!(on(&active, "2031-03-30"), 2.0, "the weekly and the converted trial");
    let trials = get("trials_active").await;
    assert_eq!((on(&trials, "2031-03-01"), on(&trials, "2031-03-06")), (1.0, 0.0));
    let new = get("subscriptions_new").await;
    let new_days: Vec<&str> = new.iter().filter(|(_, v)| **v > 0.0).map(|((d, _), _)| d.as_str()).collect();
    assert_eq!(new_days, ["2031-02-20", "2031-02-28", "2031-03-06"], "first payments, a refunded one and a conversion too");
    assert_eq!(get("trials_new").await.values().sum::<f64>(), 1.0);
    let refunds = get("refund_events").await;
    assert_eq!((on(&refunds, "2031-03-10"), refunds.values().sum::<f64>()), (1.0, 1.0));
    assert_eq!(on(&get("refund_money").await, "2031-03-10"), 9.99);
    assert_eq!(on(&get("non_subscriptions").await, "2031-02-28"), 1.0);
    let mrr = get("mrr").await;
    // The converted trial's month, and the weekly price over 7 / 30.4375 of a month.
    assert_eq!(cents(on(&mrr, "2031-03-30")), cents(9.99 + 4.99 * 1.08 * 30.4375 / 7.0));
}

#[tokio::test]
async fn segments_and_filters() {
    let t = T::start(None).await;
    thirty_days(&t).await;
    let mut body = chart("revenue", "2031-02-01", "2031-03-31");
    body["segmentation"] = json!("store");
    body["period_unit"] = json!("month");
    let (_, report) = export(&t, &format!("{METRICS}/analytics/"), body.clone(), None).await;
    let points = points(&report, "revenue");
    let march = |store: &str| points[&("2031-03-01".to_owned(), store.to_owned())];
    assert_eq!(march("play_store"), 21.56, "four weekly renewals of 5.3892");
    assert_eq!(march("app_store"), 0.0, "the trial's conversion, less the refund");
    assert_eq!(points[&("2031-02-01".to_owned(), "app_store".to_owned())], 11.98, "the monthly subscription and the coins");
    body["segmentation"] = json!(null);
    body["filters"]["store"] = json!(["play_store"]);
    body["filters"]["country"] = json!(["de"]);
    let (_, filtered) = export(&t, &format!("{METRICS}/analytics/"), body, None).await;
    assert_eq!(filtered["data"]["revenue"]["value"], 26.95, "the first week and four renewals, 5 x 5.3892");
}

#[tokio::test]
async fn the_time_zone_moves_a_purchase_near_midnight_to_another_day() {
    let t = T::start(None).await;
    set_clock(&t, "2031-03-01T00:00:00Z").await;
    let coins = json!({
        "purchase_type": "one_time_purchase", "store": "app_store", "store_product_id": "coins_100", "store_transaction_id": "late",
        "store_original_transaction_id": "late", "price": usd(1.99), "purchased_at": "2031-02-28T23:30:00Z",
    });
    buy(&t, "night-owl", coins).await;
    let body = chart("revenue", "2031-02-27", "2031-03-02");
    for (tz, day) in [(None, "2031-02-28"), (Some("Asia/Tokyo"), "2031-03-01"), (Some("America/Los_Angeles"), "2031-02-28")] {
        let (status, report) = export(&t, &format!("{METRICS}/analytics/"), body.clone(), tz).await;
        assert_eq!(status, 200, "{report}");
        let points = points(&report, "revenue");
        let paid: Vec<&str> = points.iter().filter(|(_, v)| **v != 0.0).map(|((d, _), _)| d.as_str()).collect();
        assert_eq!(paid, [day], "in {tz:?}");
    }
    let (status, error) = export(&t, &format!("{METRICS}/analytics/"), body, Some("Mars/Olympus")).await;
    assert_eq!((status, &error["errors"][0]["source"]), (400, &json!("Adapty-Tz")), "{error}");
}

#[tokio::test]
async fn every_report_reads_as_the_sdks_model_and_as_csv() {
    let t = T::start(None).await;
    thirty_days(&t).await;
    // The trial's user saw the paywall (the Web API) before starting it.
    let view = json!({
        "store": "app_store", "variation_id": "00000000-0000-0000-0000-000000000000",
        "visited_at": "2031-02-26T23:00:00Z", "customer_user_id": "trial",
    });
    let seen = t.http.post(format!("{}/api/v2/web-api/paywall/visit/", t.emulator.base_url())).header("authorization", "Api-Key public_x");
    assert_eq!(t.send(seen.pipe_json(&view)).await.0, 201);
    let filters = json!({ "date": ["2031-02-01", "2031-03-31"] });
    let reports = [
        ("cohort", json!({ "filters": filters, "value_field": "subscriptions" })),
        ("conversion", json!({ "filters": filters, "from_period": 0, "to_period": "1" })),
        ("funnel", json!({ "filters": filters })),
        ("ltv", json!({ "filters": filters, "period_type": "renewals" })),
        ("retention", json!({ "filters": filters, "use_trial": true })),
    ];
    for (name, body) in &reports {
        let (status, report) = export(&t, &format!("{METRICS}/{name}/"), body.clone(), None).await;
        assert_eq!(status, 200, "{name}: {report}");
        match *name {
            "cohort" => drop(from_value_lenient::<CohortReport>(report).unwrap()),
            "conversion" => {
                let rate: MetricData = from_value_lenient(report).unwrap();
                assert_eq!((rate.value, rate.value_from, rate.value_to), (Some(100.0), Some(1.0), Some(1.0)), "the one trial converted");
            }
            "funnel" => {
                let funnel: FunnelReport = from_value_lenient(report).unwrap();
                let stages: Vec<(i64, Option<f64>)> = funnel.data[0].values.iter().map(|s| (s.period, s.value)).collect();
                let expected = [(-2, Some(4.0)), (-1, Some(1.0)), (0, Some(1.0)), (1, Some(3.0))];
                assert_eq!(stages[..4], expected, "users, those who saw a paywall, trials, payers");
            }
            "ltv" => drop(from_value_lenient::<LtvReport>(report).unwrap()),
            _ => drop(from_value_lenient::<RetentionReport>(report).unwrap()),
        }
        let mut csv_body = body.clone();
        csv_body["format"] = json!("csv");
        let text = export_csv(request(&t, &fresh_key(), &format!("{METRICS}/{name}/"), &csv_body)).await;
        assert!(text.lines().count() > 1, "{name}: a header and rows: {text}");
    }
    let csv = export_csv(request(
        &t,
        &fresh_key(),
        &format!("{METRICS}/analytics/"),
        &json!({
            "chart_id": "revenue", "filters": { "date": ["2031-03-01", "2031-03-03"] }, "period_unit": "day", "format": "csv",
        }),
    ))
    .await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "metric,date,segment,value");
    assert_eq!(lines.len(), 1 + 3 * 3, "a row per day and accounting type");
    assert!(lines.contains(&"revenue,2031-03-01,All,0"), "{csv}");
}

#[tokio::test]
async fn placements_from_the_catalog_in_the_documented_columns() {
    let t = T::start(None).await;
    let body = json!({ "filters": { "placement_type": "paywall" } });
    let csv = export_csv(request(&t, &fresh_key(), PLACEMENTS, &body).header("accept", "text/csv")).await;
    assert_eq!(
        csv,
        "developer_id,placement_name,audience_name,segment_name,cross_placement_ab_test_name,ab_test_name,paywall_name\n\
         premium,Premium,All Users,All Users,,,Premium Subscription\n\
         onboarding,Onboarding,All Users,All Users,,,Onboarding Offer\n"
    );
    let (status, json) = t.send(request(&t, &fresh_key(), PLACEMENTS, &body).header("accept", "application/json")).await;
    assert_eq!(status, 200);
    let report: PlacementReport = from_value_lenient(json.clone()).unwrap();
    assert_eq!(report.data.len(), 2, "the catalog's two placements");
    assert_eq!(json["data"][0]["ab_test_name"], Value::Null);
    let (_, onboardings) = export(&t, PLACEMENTS, json!({ "filters": { "placement_type": "onboarding" } }), None).await;
    assert_eq!(onboardings, json!({ "data": [] }));
}

#[tokio::test]
async fn a_third_request_within_a_second_is_refused_and_spaced_ones_are_not() {
    let t = T::start(None).await;
    let body = chart("installs", "2031-03-01", "2031-03-02");
    let key = fresh_key();
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let resp = request(&t, &key, &format!("{METRICS}/analytics/"), &body).send().await.unwrap();
        statuses.push(resp.status().as_u16());
        if resp.status() == 429 {
            assert_eq!(resp.headers()["retry-after"], "1");
            let error: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
            assert_eq!(error["error_code"], "rate_limit_exceeded");
            assert_eq!(error["errors"][0]["errors"][0], "Rate limit exceeded. Maximum 2 requests per second per API key.");
        }
    }
    assert_eq!(statuses, [200, 200, 429]);
    // Another key has its own window.
    assert_eq!(t.send(request(&t, &fresh_key(), &format!("{METRICS}/analytics/"), &body)).await.0, 200);

    // The SDK's spacing, 550 ms, never meets the limit.
    let key = fresh_key();
    for i in 0..5 {
        if i > 0 {
            tokio::time::sleep(Duration::from_millis(550)).await;
        }
        let (status, body) = t.send(request(&t, &key, &format!("{METRICS}/analytics/"), &body)).await;
        assert_eq!(status, 200, "request {i}: {body}");
    }
}

#[tokio::test]
async fn wrong_requests_are_answered_as_adapty_does() {
    let t = T::start(None).await;
    let analytics = format!("{METRICS}/analytics/");
    let no_key = t.http.post(format!("{}{analytics}", t.emulator.base_url())).pipe_json(&chart("revenue", "2031-03-01", "2031-03-02"));
    let (status, error) = t.send(no_key).await;
    assert_eq!((status, &error["error_code"]), (401, &json!("not_authenticated")));

    let cases = [
        (&analytics, json!({ "chart_id": "revenue" }), "filters"),
        (&analytics, json!({ "chart_id": "revenue", "filters": { "date": ["2031-03-01"] } }), "filters.date"),
        (&analytics, json!({ "chart_id": "revenue", "filters": { "date": ["2031-03-02", "2031-03-01"] } }), "filters.date"),
        (&analytics, json!({ "chart_id": "profit", "filters": { "date": ["2031-03-01", "2031-03-02"] } }), "chart_id"),
        (&analytics, json!({ "chart_id": "revenue", "filters": { "date": ["2031-03-01", "2031-03-02"] }, "format": "xml" }), "format"),
    ];
    for (path, body, source) in cases {
        let (status, error) = export(&t, path, body, None).await;
        assert_eq!(
            (status, &error["error_code"], &error["errors"][0]["source"]),
            (400, &json!("validation_error"), &json!(source)),
            "{error}"
        );
    }
    let conversion = format!("{METRICS}/conversion/");
    let (status, error) =
        export(&t, &conversion, json!({ "filters": { "date": ["2031-03-01", "2031-03-02"] }, "from_period": 2, "to_period": "6+" }), None)
            .await;
    assert_eq!((status, &error["errors"][0]["source"]), (400, &json!("to_period")), "{error}");
    let not_json = request(&t, &fresh_key(), &analytics, &json!(null)).body("{");
    assert_eq!(t.send(not_json).await.1["error_code"], "parse_error");
    // Without the slash too, as Adapty's paths are often written.
    let (status, _) = export(&t, analytics.trim_end_matches('/'), chart("revenue", "2031-03-01", "2031-03-02"), None).await;
    assert_eq!(status, 200);
}
