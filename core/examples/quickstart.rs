//! Quickstart: create, read, update and delete profiles, then delete many at once.
//!
//! Reads `ADAPTY_API_KEY` and `ADAPTY_BASE_URL` (`make demo` points them at a local emulator).
//! Run: `cargo run -p adapty-server --example quickstart`

use adapty_server::{
    AttributeValue, Client, CustomAttributes, Error, Field, Gender, InstallationMeta, Platform, ProfileParams, ProfileRef,
};

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
    Ok(())
}

fn show(value: &Option<AttributeValue>) -> String {
    value.as_ref().map_or("null".into(), AttributeValue::to_string)
}
