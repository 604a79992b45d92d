//! What an app's dashboard configures: access levels, products, virtual currencies, paywalls,
//! the virtual currency API's switches and the webhook integration, with their defaults
//! (docs/EMULATOR.md, "What the app has"). The domain's `catalog` reads it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use adapty_server::{Paywall, PaywallProduct, PaywallState, ProductOffer, ProductSet, RemoteConfig, Screenshot, Timestamp};
use chrono::{Duration, TimeZone, Utc};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use serde_json::{Map, json};
use uuid::Uuid;

/// A store product and the access level a purchase of it gives (`None`: none).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub store_product_id: String,
    #[serde(default)]
    pub access_level_id: Option<String>,
    #[serde(default)]
    pub consumable: bool,
    /// A subscription's period, what a renewal adds (`P1M`, `P1Y`, `P1W`, `P7D`, ...).
    #[serde(default)]
    pub period: Option<Period>,
    /// The price in USD a free trial converts at.
    #[serde(default)]
    pub price_usd: Option<f64>,
}

/// A subscription period in ISO 8601's form (`P1M`, `P3M`, `P1Y`, `P1W`, `P7D`): years, months,
/// weeks and days, added in calendar terms (a month from January 31 is February's last day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Period {
    years: u32,
    months: u32,
    days: u32,
}

impl Period {
    pub fn parse(text: &str) -> Option<Self> {
        let mut rest = text.strip_prefix('P')?;
        let mut period = Period::default();
        let mut any = false;
        while !rest.is_empty() {
            let digits = rest.find(|c: char| !c.is_ascii_digit())?;
            let n: u32 = rest[..digits].parse().ok()?;
            match rest[digits..].chars().next()? {
                'Y' => period.years = period.years.checked_add(n)?,
                'M' => period.months = period.months.checked_add(n)?,
                'W' => period.days = period.days.checked_add(n.checked_mul(7)?)?,
                'D' => period.days = period.days.checked_add(n)?,
                _ => return None,
            }
            rest = &rest[digits + 1..];
            any = true;
        }
        (any && period != Period::default()).then_some(period)
    }

    /// The moment one period after `t`.
    pub fn after(&self, t: chrono::DateTime<Utc>) -> Option<chrono::DateTime<Utc>> {
        t.checked_add_months(chrono::Months::new(self.years.checked_mul(12)?.checked_add(self.months)?))?
            .checked_add_days(chrono::Days::new(u64::from(self.days)))
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("P")?;
        for (n, unit) in [(self.years, 'Y'), (self.months, 'M'), (self.days, 'D')] {
            if n > 0 {
                write!(f, "{n}{unit}")?;
            }
        }
        Ok(())
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl JsonSchema for Period {
    fn schema_name() -> Cow<'static, str> {
        "Period".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^P([0-9]+[YMWD])+$",
            "description": "An ISO 8601 period of years, months, weeks and days: `P1W`, `P1M`, `P3M`, `P1Y`, `P7D`.",
        })
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Period::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a period like P1M, P1Y, P1W or P7D")))
    }
}

/// A placement: where an app shows a paywall, to an audience (the Web API's `placement_id`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    /// The placement's id, as the dashboard names it (`developer_id` in exports).
    pub developer_id: String,
    pub name: String,
    /// The paywall it shows (a catalog paywall's id).
    pub paywall_id: String,
    #[serde(default = "all_users")]
    pub audience_name: String,
    #[serde(default)]
    pub ab_test_name: Option<String>,
    /// The store products the paywall offers.
    pub store_product_ids: Vec<String>,
}

fn all_users() -> String {
    "All Users".into()
}

/// A virtual currency of the app.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Currency {
    pub code: String,
    pub name: String,
}

/// The part of the catalog `/__emulator/config` reads and writes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub access_levels: Vec<String>,
    pub products: Vec<Product>,
    pub currencies: Vec<Currency>,
    /// `false` answers every virtual currency request with 403 `feature_not_enabled`.
    pub vc_enabled: bool,
    /// Virtual currency requests allowed per minute (Adapty's default: 600 per app).
    pub vc_rate_limit_per_minute: u32,
    /// How long a virtual currency transaction takes, so a concurrent request with the same
    /// `Idempotency-Key` meets it in flight (409 `idempotency_in_flight`).
    pub vc_processing_delay_ms: u64,
    /// The webhook integration (the domain's `webhooks`): the production endpoint and the value
    /// of its `Authorization` header (none: no header), and the sandbox pair.
    #[serde(default)]
    pub webhook_url: Option<String>,
    #[serde(default)]
    pub webhook_authorization: Option<String>,
    #[serde(default)]
    pub sandbox_webhook_url: Option<String>,
    #[serde(default)]
    pub sandbox_webhook_authorization: Option<String>,
    /// Seconds from a change to its webhook (production: 5-60).
    #[serde(default)]
    pub webhook_delay_seconds: f64,
    /// Seconds before each retry of a failed delivery, in turn; when they run out the event fails.
    #[serde(default = "adapty_retry_schedule")]
    pub webhook_retry_schedule_seconds: Vec<f64>,
    /// Seconds an attempt waits for an answer.
    #[serde(default = "default_webhook_timeout")]
    pub webhook_timeout_seconds: f64,
    /// Events renamed in the integration's settings: Adapty's name to the name sent.
    #[serde(default)]
    pub webhook_event_names: BTreeMap<String, String>,
    /// Where paywalls are shown (the Web API's and the placements export's).
    #[serde(default = "default_placements")]
    pub placements: Vec<Placement>,
}

/// Two placements of the default paywalls: `premium` (paywall 1) and `onboarding` (paywall 2).
fn default_placements() -> Vec<Placement> {
    let placement = |id: &str, name: &str, paywall: u32, products: &[&str]| Placement {
        developer_id: id.into(),
        name: name.into(),
        paywall_id: make_paywall(paywall, "", PaywallState::Live, None).paywall_id,
        audience_name: all_users(),
        ab_test_name: None,
        store_product_ids: products.iter().map(|p| (*p).into()).collect(),
    };
    vec![
        placement("premium", "Premium", 1, &["premium_monthly", "premium_annual", "premium_lifetime"]),
        placement("onboarding", "Onboarding", 2, &["premium_monthly", "premium_annual"]),
    ]
}

fn default_webhook_timeout() -> f64 {
    10.0
}

/// Adapty's retry schedule: about a minute after the first failure, doubling, 9 retries.
fn adapty_retry_schedule() -> Vec<f64> {
    (0..9).map(|n| 60.0 * f64::from(1u32 << n)).collect()
}

impl Default for Config {
    fn default() -> Self {
        let product = |id: &str, level: Option<&str>, consumable, period: Option<&str>, price_usd: Option<f64>| Product {
            store_product_id: id.into(),
            access_level_id: level.map(Into::into),
            consumable,
            period: period.and_then(Period::parse),
            price_usd,
        };
        Self {
            access_levels: vec!["premium".into()],
            products: vec![
                product("premium_monthly", Some("premium"), false, Some("P1M"), Some(9.99)),
                product("premium_annual", Some("premium"), false, Some("P1Y"), Some(79.99)),
                product("1year.premium", Some("premium"), false, Some("P1Y"), Some(79.99)),
                product("premium_lifetime", Some("premium"), false, None, None),
                product("coins_100", None, true, None, None),
            ],
            currencies: vec![
                Currency { code: "COINS".into(), name: "Gold Coins".into() },
                Currency { code: "GEMS".into(), name: "Gems".into() },
            ],
            vc_enabled: true,
            vc_rate_limit_per_minute: 600,
            vc_processing_delay_ms: 0,
            webhook_url: None,
            webhook_authorization: None,
            sandbox_webhook_url: None,
            sandbox_webhook_authorization: None,
            webhook_delay_seconds: 0.0,
            webhook_retry_schedule_seconds: adapty_retry_schedule(),
            webhook_timeout_seconds: default_webhook_timeout(),
            webhook_event_names: BTreeMap::new(),
            placements: default_placements(),
        }
    }
}

/// Everything the dashboard configures: the settings and the paywalls.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub config: Config,
    pub paywalls: Vec<Paywall>,
}

impl Default for Catalog {
    fn default() -> Self {
        Self { config: Config::default(), paywalls: default_paywalls() }
    }
}

/// A paywall like the dashboard makes, numbered `n` (ids and dates derived from it).
pub fn make_paywall(n: u32, title: &str, state: PaywallState, remote_config: Option<&str>) -> Paywall {
    let created = Utc.with_ymd_and_hms(2025, 7, 8, 7, 27, 6).unwrap() + Duration::hours(i64::from(n));
    let id = |salt: u128| Uuid::from_u128((0xa1cf_7850_1bb8_4151_8336_0000_0000_0000 ^ salt) + u128::from(n)).to_string();
    Paywall {
        paywall_id: id(0),
        title: title.into(),
        use_paywall_builder: n.is_multiple_of(2),
        use_paywall_builder_legacy: false,
        created_at: Timestamp::from(created),
        updated_at: Timestamp::from(created + Duration::minutes(5)),
        state,
        is_deleted: false,
        web_purchase_url: n.is_multiple_of(3).then(|| format!("https://example.com/purchase/{n}")),
        products: vec![PaywallProduct {
            product_id: id(1 << 64),
            title: "Premium Monthly".into(),
            product_set: ProductSet::Monthly,
            offer: (n % 2 == 1).then(|| ProductOffer { product_offer_id: id(2 << 64), title: "Free Trial".into() }),
            extra: Map::new(),
        }],
        remote_configs: remote_config.map(|data| RemoteConfig { locale: "en".into(), data: data.into() }).into_iter().collect(),
        main_screenshot: Some(Screenshot {
            image_id: 123_456 + i64::from(n),
            url: format!("https://public-media.adapty.io/public/screenshot-{n}.jpg"),
        }),
        extra: Map::new(),
    }
}

fn default_paywalls() -> Vec<Paywall> {
    let config = json!({ "title": "Premium Features", "subtitle": "Unlock all premium content" }).to_string();
    vec![
        make_paywall(1, "Premium Subscription", PaywallState::Live, Some(&config)),
        make_paywall(2, "Onboarding Offer", PaywallState::Live, None),
        make_paywall(3, "Winback", PaywallState::Draft, None),
    ]
}
