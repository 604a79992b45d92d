//! Quickstart: create, read, update and delete profiles, delete many at once; then record a
//! subscription purchase, see the access level it gives, revoke it, page through paywalls and
//! move virtual currency.
//!
//! Reads `ADAPTY_API_KEY` and `ADAPTY_BASE_URL` (`make demo` points them at a local emulator).
//! Run: `cargo run -p adapty-server --example quickstart`

use adapty_server::{
    AttributeValue, Client, CustomAttributes, Error, Field, Gender, InstallationMeta, Platform, Price, ProfileParams, ProfileRef,
    RevokeAccessParams, Timestamp, TransactionParams, VirtualCurrencyItem, VirtualCurrencyTransactionParams,
};
use chrono::{Duration, Utc};
use futures_util::TryStreamExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let client = Client::from_env()?;
    println!("Talking to {} (API {})", client.config().base_url(), client.config().api_version().as_str());
    let profiles = client.profiles();

    // Create a profile for one of your users.
    let user = ProfileRef::customer_user_id("quickstart-user-1")?;
    let params = ProfileParams {
        first_name: Field::Value("Jane".into()),
        gender: Field::Value(Gender::Female),
        custom_attributes: Field::Value(CustomAttributes::new().set("plan", Some("gold".into())).set("logins", Some(3i64.into()))),
        installation_meta: Field::Value(InstallationMeta {
            device_id: "device-1".into(),
            platform: Some(Platform::IOS),
            ..Default::default()
        }),
        platform: Some(Platform::IOS),
        ..Default::default()
    };
    let created = profiles.create(&user.clone().into(), &params).await?;
    println!("created  profile {} for {:?}", created.profile_id, created.customer_user_id.as_deref().unwrap_or("-"));

    // Read it back, by your id or by Adapty's.
    let fetched = profiles.get(&ProfileRef::profile_id(&created.profile_id)?).await?;
    let attrs: Vec<String> = fetched.custom_attributes.iter().map(|a| format!("{}={:?}", a.key, show(&a.value))).collect();
    println!("fetched  profile {}: attributes [{}], {} access levels", fetched.profile_id, attrs.join(", "), fetched.access_levels.len());

    // Update: only what you set is sent; `Field::Null` clears a value.
    let change = ProfileParams {
        first_name: Field::Null,
        custom_attributes: Field::Value(CustomAttributes::new().set("plan", None).set("beta", Some(true.into()))),
        ..Default::default()
    };
    let updated = profiles.update(&user, &change).await?;
    let attrs: Vec<String> = updated.custom_attributes.iter().map(|a| format!("{}={:?}", a.key, show(&a.value))).collect();
    println!("updated  profile {}: attributes now [{}]", updated.profile_id, attrs.join(", "));

    // Bad input never reaches the network: the error names the field and the rule.
    let bad = ProfileParams::from_json(serde_json::json!({ "birthday": "2001-02-29" }));
    if let Err(e) = bad {
        println!("refused  before sending: {e}");
    }

    // Delete one, and see the API's 404 afterwards.
    profiles.delete(&user).await?;
    match profiles.get(&user).await {
        Err(Error::Api(e)) => println!("deleted  profile; a new get answers HTTP {} {}", e.status, e.error_code.unwrap_or_default()),
        other => println!("unexpected: {other:?}"),
    }

    // Delete many: bounded concurrency, one result per input, in order.
    let mut refs = Vec::new();
    for i in 0..5 {
        let r = ProfileRef::customer_user_id(format!("quickstart-bulk-{i}"))?;
        profiles.create(&r.clone().into(), &ProfileParams::default()).await?;
        refs.push(r);
    }
    refs.push(ProfileRef::customer_user_id("quickstart-never-existed")?);
    let results = profiles.delete_many(&refs, 4).await;
    for (r, result) in refs.iter().zip(&results) {
        match result {
            Ok(()) => println!("bulk     deleted {r}"),
            Err(e) => println!("bulk     failed  {r}: {e}"),
        }
    }
    println!("done: {} of {} deleted", results.iter().filter(|r| r.is_ok()).count(), results.len());
    purchases(&client).await
}

/// Purchases, access levels, paywalls and virtual currency.
async fn purchases(client: &Client) -> Result<(), Error> {
    let buyer = ProfileRef::customer_user_id("quickstart-buyer")?;
    client.profiles().create(&buyer.clone().into(), &ProfileParams::default()).await?;

    // Record a monthly subscription bought a minute ago: it gives the `premium` access level.
    let bought = Utc::now() - Duration::minutes(1);
    let price = Price::new("US", "USD", 9.99)?;
    let purchase = TransactionParams::subscription(
        "app_store",
        "premium_monthly",
        "quickstart-txn-1",
        price,
        Timestamp::from(bought),
        Timestamp::from(bought + Duration::days(30)),
    );
    let profile = client.purchases().set_transaction(&buyer, &purchase).await?;
    for level in &profile.access_levels {
        println!("purchase {} gives {} until {}", level.store_product_id, level.access_level_id, show_time(level.expires_at));
    }
    println!("revenue  {:.2} USD", profile.total_revenue_usd);

    // Revoke it now.
    let revoked = client.access_levels().revoke(&buyer, &RevokeAccessParams { access_level_id: "premium".into(), revoke_at: None }).await?;
    for level in &revoked.access_levels {
        println!("revoked  {}: now ends {}", level.access_level_id, show_time(level.expires_at));
    }

    // Page through every paywall, 2 per request.
    let paywalls: Vec<_> = client.paywalls().list_all(2).try_collect().await?;
    for p in &paywalls {
        println!("paywall  {} ({}, {} remote configs)", p.title, p.state, p.remote_configs.len());
    }

    // Virtual currency: credit 100 coins, then try to spend more than the balance.
    let credit = VirtualCurrencyTransactionParams {
        items: vec![VirtualCurrencyItem { currency_code: "COINS".into(), amount: 100 }],
        metadata: None,
    };
    let result = client.virtual_currency().create_transaction(&buyer, &credit, None).await?;
    println!("coins    balance {}", result.balances[0].balance);
    let spend = VirtualCurrencyTransactionParams {
        items: vec![VirtualCurrencyItem { currency_code: "COINS".into(), amount: -500 }],
        metadata: None,
    };
    if let Err(Error::Api(e)) = client.virtual_currency().create_transaction(&buyer, &spend, None).await {
        println!("coins    refused: HTTP {} {}", e.status, e.error_code.unwrap_or_default());
    }
    client.profiles().delete(&buyer).await
}

fn show_time(t: Option<Timestamp>) -> String {
    t.map_or("forever".into(), |t| t.to_string())
}

fn show(value: &Option<AttributeValue>) -> String {
    value.as_ref().map_or("null".into(), AttributeValue::to_string)
}
