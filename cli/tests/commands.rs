//! Every command of `adapty-server` against the emulator, run as a process; exit codes, output formats,
//! the key never printed, completions and the manual page.

mod common;

use std::path::Path;

use adapty_server::ops::manifest::OPERATIONS;
use common::{Emu, KEY, scratch};
use serde_json::{Value, json};

/// One invocation per operation (by the manifest's name), in an order where each finds what the
/// previous made; a new operation without one here fails `every_operation_runs`. CSV exports go
/// to `dir`.
fn invocations(paywall_id: &str, dir: &Path) -> Vec<(&'static str, Vec<String>)> {
    let v = |args: &[&str]| args.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let csv = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let filters = r#"{"date": ["2026-01-01", "2026-01-31"]}"#;
    vec![
        (
            "profiles.create",
            v(&[
                "profiles",
                "create",
                "--customer-user-id",
                "cli-1",
                "--email",
                "a@example.com",
                "--custom-attributes",
                r#"{"plan": "gold"}"#,
            ]),
        ),
        ("profiles.get", v(&["profiles", "get", "--customer-user-id", "cli-1"])),
        (
            "profiles.update",
            v(&["profiles", "update", "--customer-user-id", "cli-1", "--first-name", "Ada", "--analytics-disabled", "true"]),
        ),
        (
            "purchases.setTransaction",
            v(&[
                "purchases",
                "set-transaction",
                "--customer-user-id",
                "cli-1",
                "--purchase-type",
                "subscription",
                "--store",
                "app_store",
                "--store-product-id",
                "premium_monthly",
                "--store-transaction-id",
                "t-1",
                "--store-original-transaction-id",
                "t-1",
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
            ]),
        ),
        ("purchases.validateStripe", v(&["purchases", "validate-stripe", "--customer-user-id", "cli-stripe", "--stripe-token", "sub_cli"])),
        (
            "purchases.validatePaddle",
            v(&["purchases", "validate-paddle", "--customer-user-id", "cli-paddle", "--paddle-token", "sub_01cli"]),
        ),
        ("accessLevels.grant", v(&["access-levels", "grant", "--customer-user-id", "cli-1", "--access-level-id", "premium"])),
        ("accessLevels.revoke", v(&["access-levels", "revoke", "--customer-user-id", "cli-1", "--access-level-id", "premium"])),
        ("refundSaver.set", v(&["refund-saver", "set", "--customer-user-id", "cli-1", "--consent", "true"])),
        ("refundSaver.get", v(&["refund-saver", "get", "--customer-user-id", "cli-1"])),
        ("integrations.set", v(&["integrations", "set", "--customer-user-id", "cli-1", "--appsflyer-id", "af-1"])),
        ("integrations.get", v(&["integrations", "get", "--customer-user-id", "cli-1"])),
        ("paywalls.list", v(&["paywalls", "list", "--page-size", "2"])),
        ("paywalls.get", v(&["paywalls", "get", "--paywall-id", paywall_id])),
        (
            "paywalls.update",
            v(&[
                "paywalls",
                "update",
                "--paywall-id",
                paywall_id,
                "--remote-configs",
                r#"[{"locale": "en", "data": "{\"title\": \"Hi\"}"}]"#,
            ]),
        ),
        (
            "virtualCurrency.createTransaction",
            v(&[
                "virtual-currency",
                "create-transaction",
                "--customer-user-id",
                "cli-1",
                "--items",
                r#"[{"currency_code": "COINS", "amount": 50}]"#,
            ]),
        ),
        ("virtualCurrency.listTransactions", v(&["virtual-currency", "list-transactions", "--customer-user-id", "cli-1"])),
        ("virtualCurrency.balances", v(&["virtual-currency", "balances", "--customer-user-id", "cli-1"])),
        ("web.getPaywall", v(&["web", "get-paywall", "--customer-user-id", "cli-1", "--store", "app_store", "--placement-id", "premium"])),
        (
            "web.recordPaywallView",
            v(&[
                "web",
                "record-paywall-view",
                "--customer-user-id",
                "cli-1",
                "--store",
                "app_store",
                "--variation-id",
                "00000000-0000-0000-0000-000000000000",
            ]),
        ),
        ("web.addAttribution", v(&["web", "add-attribution", "--customer-user-id", "cli-1", "--status", "organic", "--channel", "ads"])),
        ("analytics.chart", v(&["analytics", "chart", "--chart-id", "revenue", "--filters", filters, "--period-unit", "day"])),
        ("analytics.chartCsv", v(&["analytics", "chart-csv", &csv("chart.csv"), "--chart-id", "mrr", "--filters", filters])),
        ("analytics.cohorts", v(&["analytics", "cohorts", "--filters", filters])),
        ("analytics.cohortsCsv", v(&["analytics", "cohorts-csv", &csv("cohorts.csv"), "--filters", filters])),
        ("analytics.conversion", v(&["analytics", "conversion", "--filters", filters, "--to-period", "1"])),
        ("analytics.conversionCsv", v(&["analytics", "conversion-csv", &csv("conversion.csv"), "--filters", filters, "--to-period", "1"])),
        ("analytics.funnel", v(&["analytics", "funnel", "--filters", filters])),
        ("analytics.funnelCsv", v(&["analytics", "funnel-csv", &csv("funnel.csv"), "--filters", filters])),
        ("analytics.ltv", v(&["analytics", "ltv", "--filters", filters])),
        ("analytics.ltvCsv", v(&["analytics", "ltv-csv", &csv("ltv.csv"), "--filters", filters])),
        ("analytics.retention", v(&["analytics", "retention", "--filters", filters])),
        ("analytics.retentionCsv", v(&["analytics", "retention-csv", &csv("retention.csv"), "--filters", filters])),
        ("analytics.placements", v(&["analytics", "placements", "--filters", r#"{"placement_type": "paywall"}"#])),
        (
            "analytics.placementsCsv",
            v(&["analytics", "placements-csv", "--path", &csv("placements.csv"), "--filters", r#"{"placement_type": "paywall"}"#]),
        ),
        (
            "mail.saveProfile",
            v(&["mail", "save-profile", "--external-profile-id", "cli-mail", "--external-created-at", "now", "--email", "m@example.com"]),
        ),
        (
            "mail.saveTransactionEvent",
            v(&[
                "mail",
                "save-transaction-event",
                "--event-type",
                "subscription_started",
                "--event-id",
                "evt-cli-1",
                "--event-datetime",
                "now",
                "--external-profile-id",
                "cli-mail",
                "--store",
                "app_store",
                "--store-product-id",
                "premium_monthly",
                "--store-transaction-id",
                "t-mail",
                "--store-original-transaction-id",
                "t-mail",
                "--purchased-at",
                "now",
                "--originally-purchased-at",
                "now",
            ]),
        ),
        ("mail.deleteProfile", v(&["mail", "delete-profile", "--external-profile-id", "cli-mail"])),
        (
            "legacy.createProfile",
            v(&["legacy", "create-profile", "--customer-user-id", "cli-legacy", "--custom-attributes", r#"{"grade": 10}"#]),
        ),
        ("legacy.getProfile", v(&["legacy", "get-profile", "cli-legacy"])),
        ("legacy.updateProfile", v(&["legacy", "update-profile", "cli-legacy", "--first-name", "Ada"])),
        ("legacy.grant", v(&["legacy", "grant", "cli-legacy", "premium", "--duration-days", "30"])),
        ("legacy.revoke", v(&["legacy", "revoke", "--user-id", "cli-legacy", "--access-level", "premium", "--is-refund", "false"])),
        ("legacy.deleteProfile", v(&["legacy", "delete-profile", "cli-legacy"])),
        ("profiles.delete", v(&["profiles", "delete", "--customer-user-id", "cli-stripe"])),
        ("profiles.deleteMany", v(&["profiles", "delete-many", "--from", "-", "--yes"])),
    ]
}

#[test]
fn every_operation_runs() {
    let emu = Emu::start();
    emu.control("POST", "paywalls", Some(json!({ "count": 3 })));
    let page = emu.run(&["paywalls", "list", "-o", "json"]).json(0);
    let paywall_id = page["data"][0]["paywall_id"].as_str().unwrap().to_owned();
    let dir = scratch("every");
    let calls = invocations(&paywall_id, &dir);
    let covered: Vec<_> = calls.iter().map(|(name, _)| *name).collect();
    for op in OPERATIONS {
        assert!(covered.contains(&op.name), "{} has no invocation in this test", op.name);
    }
    for (name, args) in &calls {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend(["-o", "json"]);
        let mut cmd = emu.cli(&args);
        let ran = if *name == "profiles.deleteMany" {
            use std::io::Write;
            let mut child = cmd
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            child.stdin.take().unwrap().write_all(b"cli-paddle\ncli-1\n").unwrap();
            common::Ran::from(child.wait_with_output().unwrap())
        } else {
            common::Ran::from(cmd.output().unwrap())
        };
        assert_eq!(ran.code, 0, "{name}: {ran:?}");
        if !ran.stdout.is_empty() {
            let _: Value = serde_json::from_str(&ran.stdout).unwrap_or_else(|e| panic!("{name}: stdout is not JSON ({e}): {}", ran.stdout));
        }
    }
    // What the commands did is what the emulator holds.
    assert_eq!(emu.control("GET", "profiles", None)["total"], 0, "delete-many removed the last two profiles");
    let journal = emu.control("GET", "journal", None);
    // Each command is a process of its own, so a run of analytics commands meets Adapty's limit of
    // 2 requests per second per key: the 429 names its Retry-After, and the retry succeeds.
    let answered = |r: &&Value| !(r["status"] == 429 && r["path"].as_str().unwrap().starts_with("/api/v1/client-api/"));
    let methods: Vec<_> = journal.as_array().unwrap().iter().filter(answered).map(|r| format!("{} {}", r["method"], r["status"])).collect();
    assert!(methods.iter().all(|m| m.ends_with(" 200") || m.ends_with(" 201") || m.ends_with(" 204")), "{methods:?}");
    // Each CSV export is the file the command reported.
    for (name, args) in calls.iter().filter(|(name, _)| name.ends_with("Csv")) {
        let path = args.iter().find(|a| a.ends_with(".csv")).unwrap();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {path}: {e}"));
        assert!(text.lines().count() >= 1 && text.contains(','), "{name}: {text}");
    }
    // Every `now` of one command is the same instant.
    let set = journal.as_array().unwrap().iter().find(|r| r["path"].as_str().unwrap().ends_with("/purchase/set/transaction/")).unwrap();
    let body: Value = serde_json::from_str(set["body"].as_str().unwrap()).unwrap();
    assert!(body["purchased_at"].is_string() && body["purchased_at"] == body["originally_purchased_at"], "{body}");
}

#[test]
fn flags_become_the_request_body() {
    let emu = Emu::start();
    let created = emu.run(&["profiles", "create", "--customer-user-id", "body-1", "--gender", "f", "-o", "json"]).json(0);
    assert_eq!(created["customer_user_id"], "body-1");
    let granted = emu
        .run(&[
            "access-levels",
            "grant",
            "--customer-user-id",
            "body-1",
            "--access-level-id",
            "premium",
            "--expires-at",
            "2031-05-01T00:00:00Z",
            "-o",
            "json",
        ])
        .json(0);
    assert_eq!(granted["access_levels"][0]["expires_at"], "2031-05-01T00:00:00Z");
    // --json gives the body; a flag overrides its key.
    let body = scratch("body").join("body.json");
    std::fs::write(&body, r#"{"first_name": "From file", "last_name": "Kept"}"#).unwrap();
    let updated = emu.run(&[
        "profiles",
        "update",
        "--customer-user-id",
        "body-1",
        "--json",
        body.to_str().unwrap(),
        "--first-name",
        "Flag",
        "-o",
        "json",
    ]);
    assert_eq!(updated.code, 0, "{updated:?}");
    let sent = emu.control("GET", "journal", None);
    let last = sent.as_array().unwrap().last().unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(last["body"].as_str().unwrap()).unwrap(),
        json!({ "first_name": "Flag", "last_name": "Kept" })
    );
}

#[test]
fn exit_codes_say_what_went_wrong() {
    let emu = Emu::start();
    // 1: the API answered with an error (the message names it, with its request id).
    let missing = emu.run(&["profiles", "get", "--customer-user-id", "nobody"]);
    assert_eq!(missing.code, 1, "{missing:?}");
    assert!(missing.stderr.contains("profile_does_not_exist") && missing.stderr.contains("request id"), "{}", missing.stderr);
    // 2: refused before sending: a flag clap rejects, a value the core rejects, no key.
    assert_eq!(emu.run(&["profiles", "get", "--no-such-flag"]).code, 2);
    let both = emu.run(&["profiles", "get", "--customer-user-id", "a", "--profile-id", "b"]);
    assert_eq!(both.code, 2, "{both:?}");
    assert!(both.stderr.contains("profile_id"), "the error names the field: {}", both.stderr);
    let bad_time = emu.run(&["access-levels", "grant", "--customer-user-id", "a", "--access-level-id", "p", "--expires-at", "tomorrow"]);
    assert_eq!(bad_time.code, 2);
    assert!(bad_time.stderr.contains("--expires-at"), "{}", bad_time.stderr);
    let no_key = common::Ran::from(
        emu.cli(&["profiles", "get", "--customer-user-id", "a"])
            .env_remove("ADAPTY_API_KEY")
            .env_remove("ADAPTY_PUBLIC_API_KEY")
            .env_remove("ADAPTY_MAIL_API_KEY")
            .output()
            .unwrap(),
    );
    assert_eq!(no_key.code, 2);
    assert!(no_key.stderr.contains("no API key: set ADAPTY_API_KEY"), "{}", no_key.stderr);
    // 3: the key refused.
    let refused = emu.cli(&["profiles", "get", "--customer-user-id", "a"]).env("ADAPTY_API_KEY", "secret_wrong_key").output().unwrap();
    assert_eq!(refused.status.code(), Some(3));
    assert!(emu.control("GET", "journal", None).as_array().unwrap().len() == 2, "only the 404 and the 401 were sent");
}

#[test]
fn the_key_is_never_printed() {
    let emu = Emu::start();
    let key_file = scratch("key").join("key");
    std::fs::write(&key_file, format!("{KEY}\n")).unwrap();
    let ran = emu
        .cli(&["-v", "profiles", "create", "--customer-user-id", "v-1", "--api-key-file", key_file.to_str().unwrap()])
        .env_remove("ADAPTY_API_KEY")
        .output()
        .unwrap();
    let ran = common::Ran::from(ran);
    assert_eq!(ran.code, 0, "{ran:?}");
    // --verbose shows the exchange as curl -v does, with the key redacted.
    assert!(
        ran.stderr.contains("> POST ") && ran.stderr.contains("< 200") && ran.stderr.contains("> authorization: <redacted>"),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains(KEY) && !ran.stdout.contains(KEY));
    let help = emu.run(&["--help"]);
    assert!(!help.stdout.contains(KEY), "the env value is hidden in --help");
    let failed = emu.run(&["-v", "profiles", "get", "--customer-user-id", "nobody"]);
    assert!(!failed.stderr.contains(KEY));
}

#[test]
fn output_formats() {
    let emu = Emu::start();
    emu.control("POST", "paywalls", Some(json!({ "count": 5, "replace": true })));
    // --all walks every page.
    let all = emu.run(&["paywalls", "list", "--all", "--page-size", "2", "-o", "jsonl"]);
    assert_eq!(all.code, 0, "{all:?}");
    let lines: Vec<Value> = all.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 5);
    let csv = emu.run(&["paywalls", "list", "--all", "-o", "csv"]);
    let mut rows = csv.stdout.lines();
    assert!(rows.next().unwrap().starts_with("paywall_id,"), "{}", csv.stdout);
    assert_eq!(rows.count(), 5);
    let table = emu.run(&["paywalls", "list", "--page-size", "2", "-o", "table"]);
    assert!(table.stdout.contains("paywall_id") && table.stdout.contains('│'), "{}", table.stdout);
    assert!(table.stderr.contains("next page: --cursor "), "{}", table.stderr);
    // Off a terminal the default is JSON.
    let default = emu.run(&["paywalls", "list"]);
    assert!(serde_json::from_str::<Value>(&default.stdout).unwrap()["data"].is_array());
}

#[test]
fn completions_and_the_manual_come_from_the_same_commands() {
    let emu = Emu::start();
    let bash = emu.run(&["completion", "bash"]);
    assert!(bash.code == 0 && bash.stdout.contains("access-levels") && bash.stdout.contains("--customer-user-id"));
    for shell in ["zsh", "fish"] {
        let out = emu.run(&["completion", shell]);
        assert!(out.code == 0 && out.stdout.contains("delete-many"), "{shell}");
    }
    let man = emu.run(&["man"]);
    assert!(man.stdout.starts_with(".ie") || man.stdout.contains(".TH adapty-server"), "{}", &man.stdout[..200.min(man.stdout.len())]);
    let help = emu.run(&["access-levels", "grant", "--help"]);
    assert!(help.stdout.contains("Example:") && help.stdout.contains("--access-level-id") && help.stdout.contains("Exit codes:"));
}
