//! The APIs beside the server-side one, as commands against the emulator: each needs only its own
//! key (a variable, a flag or a file), each host its own flag; Export Analytics writes CSV to a
//! file and waits out Adapty's rate limit; the legacy API takes its user and access level by
//! position and Base64URL-encodes an id a path cannot carry.

mod common;

use std::process::Command;

use common::{Emu, MAIL_KEY, PUBLIC_KEY, Ran, scratch};
use serde_json::{Value, json};

/// `cmd` with no key in its environment.
fn keyless(cmd: &mut Command) -> &mut Command {
    cmd.env_remove("ADAPTY_API_KEY").env_remove("ADAPTY_PUBLIC_API_KEY").env_remove("ADAPTY_MAIL_API_KEY")
}

fn journal(emu: &Emu) -> Vec<Value> {
    emu.control("GET", "journal", None).as_array().unwrap().clone()
}

#[test]
fn each_api_needs_only_its_own_key() {
    let emu = Emu::start();
    emu.run(&["profiles", "create", "--customer-user-id", "keys-1", "-o", "json"]).json(0);
    let web = ["web", "get-paywall", "--customer-user-id", "keys-1", "--store", "app_store", "--placement-id", "premium", "-o", "json"];
    // The public key alone: the Web API answers; the server-side API is refused before sending,
    // the message naming the key it needs.
    let paywall = Ran::from(keyless(&mut emu.cli(&web)).env("ADAPTY_PUBLIC_API_KEY", PUBLIC_KEY).output().unwrap());
    assert_eq!(paywall.json(0)["placement_id"], "premium");
    let refused =
        keyless(&mut emu.cli(&["profiles", "get", "--customer-user-id", "keys-1"])).env("ADAPTY_PUBLIC_API_KEY", PUBLIC_KEY).output();
    let refused = Ran::from(refused.unwrap());
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(refused.stderr.contains("ADAPTY_API_KEY"), "{}", refused.stderr);
    // The public key as a flag does the same; the secret key alone does not open the Web API.
    let flag = Ran::from(keyless(&mut emu.cli(&[&web[..], &["--public-api-key", PUBLIC_KEY]].concat())).output().unwrap());
    assert_eq!(flag.code, 0, "{flag:?}");
    let secret_only = Ran::from(emu.cli(&web).env_remove("ADAPTY_PUBLIC_API_KEY").output().unwrap());
    assert_eq!(secret_only.code, 2, "{secret_only:?}");
    assert!(secret_only.stderr.contains("ADAPTY_PUBLIC_API_KEY"), "{}", secret_only.stderr);
    // The Mail key alone, from a file; --verbose shows its header redacted, and nothing prints it.
    let key_file = scratch("mail-key").join("key");
    std::fs::write(&key_file, format!("{MAIL_KEY}\n")).unwrap();
    let save =
        ["-v", "mail", "save-profile", "--external-profile-id", "keys-1", "--external-created-at", "now", "--email", "k@example.com"];
    let mail =
        Ran::from(keyless(&mut emu.cli(&[&save[..], &["--mail-api-key-file", key_file.to_str().unwrap()]].concat())).output().unwrap());
    assert_eq!(mail.code, 0, "{mail:?}");
    assert!(mail.stderr.contains("> authorization: <redacted>"), "{}", mail.stderr);
    assert!(!mail.stderr.contains(MAIL_KEY) && !mail.stdout.contains(MAIL_KEY));
    let help = emu.run(&["--help"]);
    assert!(!help.stdout.contains(PUBLIC_KEY) && !help.stdout.contains(MAIL_KEY), "the variables' values are hidden in --help");
    // What was sent: the create, the two Web API calls and the Mail call; nothing refused was.
    let sent: Vec<_> = journal(&emu).iter().map(|r| format!("{} {}", r["path"].as_str().unwrap(), r["status"])).collect();
    assert_eq!(
        sent,
        [
            "/api/v2/server-side-api/profile/ 200",
            "/api/v2/web-api/paywall/ 200",
            "/api/v2/web-api/paywall/ 200",
            "/api/v1/profile/save/ 200"
        ],
    );
}

#[test]
fn each_api_host_has_its_own_flag() {
    let emu = Emu::start();
    let url = emu.emulator.base_url();
    // The server-side API's host is closed; the Export Analytics and Mail APIs' are the emulator.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let elsewhere = format!("http://{closed}");
    let filters = r#"{"date": ["2026-01-01", "2026-01-02"]}"#;
    let chart =
        ["analytics", "chart", "--chart-id", "revenue", "--filters", filters, "--base-url", &elsewhere, "--analytics-base-url", &url];
    let ran = emu.run(&[&chart[..], &["-o", "json"]].concat());
    assert!(ran.json(0)["data"].is_object(), "{ran:?}");
    let mail = ["mail", "delete-profile", "--email", "nobody@example.com", "--base-url", &elsewhere];
    let ran = Ran::from(emu.cli(&mail).env("ADAPTY_MAIL_BASE_URL", &url).output().unwrap());
    // The Mail API's own 404: the request reached the emulator.
    assert_eq!(ran.code, 1, "{ran:?}");
    assert_eq!(journal(&emu).last().unwrap()["path"], "/api/v1/profile/delete/");
}

#[test]
fn an_analytics_export_is_written_to_a_file() {
    let emu = Emu::start();
    emu.run(&["profiles", "create", "--customer-user-id", "csv-1", "-o", "json"]).json(0);
    let bought = emu.run(&[
        "purchases",
        "set-transaction",
        "--customer-user-id",
        "csv-1",
        "--purchase-type",
        "subscription",
        "--store",
        "app_store",
        "--store-product-id",
        "premium_monthly",
        "--store-transaction-id",
        "t-csv",
        "--store-original-transaction-id",
        "t-csv",
        "--price",
        r#"{"country": "US", "currency": "USD", "value": 9.99}"#,
        "--purchased-at",
        "now",
        "--originally-purchased-at",
        "now",
        "--expires-at",
        "2099-01-01T00:00:00Z",
        "--renew-status",
        "true",
        "-o",
        "json",
    ]);
    bought.json(0);
    let today = chrono::Utc::now().date_naive();
    let days = [today.pred_opt().unwrap(), today.succ_opt().unwrap()].map(|d| d.to_string());
    let filters = json!({ "date": days }).to_string();
    let path = scratch("csv").join("revenue.csv");
    let path_text = path.to_str().unwrap();
    let report = emu.run(&[
        "analytics",
        "chart-csv",
        path_text,
        "--chart-id",
        "revenue",
        "--filters",
        &filters,
        "--period-unit",
        "day",
        "-o",
        "json",
    ]);
    let report = report.json(0);
    // The command reports the file it wrote, which holds the whole body.
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(report, json!({ "path": path_text, "bytes": text.len(), "lines": text.lines().count() }));
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header = rows.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no {name} column: {header:?}"));
    let (metric, value) = (column("metric"), column("value"));
    let revenue: f64 =
        rows.records().map(Result::unwrap).filter(|r| &r[metric] == "revenue").map(|r| r[value].parse::<f64>().unwrap()).sum();
    assert!((revenue - 9.99).abs() < 1e-9, "the purchase's price over the three days: {text}");
    // The JSON report says the same.
    let chart =
        emu.run(&["analytics", "chart", "--chart-id", "revenue", "--filters", &filters, "--period-unit", "day", "-o", "json"]).json(0);
    let points = chart["data"]["revenue"]["data"].as_array().unwrap();
    assert!((points.iter().map(|p| p["value"].as_f64().unwrap()).sum::<f64>() - 9.99).abs() < 1e-9, "{chart}");
}

#[test]
fn a_run_of_analytics_commands_waits_out_the_rate_limit() {
    let emu = Emu::start();
    let filters = r#"{"date": ["2026-01-01", "2026-01-07"]}"#;
    // Each command is a process of its own: the third within a second meets Adapty's limit of 2
    // requests per second per key, and the core waits for the 429's Retry-After.
    for _ in 0..5 {
        let ran = emu.run(&["analytics", "funnel", "--filters", filters, "-o", "json"]);
        assert!(ran.json(0).is_object());
    }
    let statuses: Vec<_> = journal(&emu).iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 5, "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[test]
fn legacy_commands_take_the_user_and_access_level_by_position() {
    let emu = Emu::start();
    emu.run(&["legacy", "create-profile", "--customer-user-id", "a/b", "-o", "json"]).json(0);
    let granted = emu.run(&["legacy", "grant", "a/b", "premium", "--duration-days", "30", "-o", "json"]).json(0);
    assert_eq!(granted["paid_access_levels"]["premium"]["is_active"], true, "{granted}");
    // A slash cannot be in a path segment: the id went Base64URL-encoded, as Adapty's rule says.
    let last = journal(&emu).last().unwrap().clone();
    assert_eq!(last["path"], "/api/v1/sdk/profiles/YS9i/paid-access-levels/premium/grant/");
    assert_eq!(last["query"], "is_user_id_base64url_encoded=1");
    // The flags name the same arguments.
    let revoked = emu.run(&["legacy", "revoke", "--user-id", "a/b", "--access-level", "premium", "--is-refund", "false", "-o", "json"]);
    assert_eq!(revoked.json(0)["paid_access_levels"]["premium"]["is_active"], false, "{revoked:?}");
    // Without the access level nothing is sent.
    let before = journal(&emu).len();
    let missing = emu.run(&["legacy", "grant", "a/b", "--duration-days", "30"]);
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(missing.stderr.contains("ACCESS_LEVEL"), "{}", missing.stderr);
    assert_eq!(journal(&emu).len(), before);
}
