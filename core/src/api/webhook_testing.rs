//! Testing a webhook receiver without Adapty: a realistic event of any type ([`sample_event`]:
//! Adapty's envelope and the docs' fields for that type, with fresh ids and times) and a delivery
//! as Adapty makes it ([`deliver`]: a JSON POST with the configured `Authorization` value, a
//! 10-second timeout). The `adapty-server webhooks send` and `verify` commands are these two.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use crate::models::WebhookEventType;
use crate::models::error::Error;
use crate::transport::runtime::Instant;

/// How long Adapty waits for a receiver's answer before it counts the attempt as failed.
pub const ADAPTY_TIMEOUT: Duration = Duration::from_secs(10);

/// Times as Adapty's webhooks write them: `2024-01-31T10:00:00.000000+0000`.
fn wire(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f%z").to_string()
}

fn id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// An event of `event_type` as Adapty sends it, for a made-up profile and a monthly subscription
/// (or, for the non-subscription types, a one-time purchase) bought a moment ago.
pub fn sample_event(event_type: WebhookEventType) -> Value {
    let now = Utc::now();
    let profile_id = id();
    let kind = event_type.as_str();
    let trial = kind.starts_with("trial_");
    let one_time = kind.starts_with("non_subscription");
    let ended = kind.ends_with("expired") || kind.ends_with("refunded");
    let price: f64 = if trial && kind != "trial_converted" { 0.0 } else { 9.99 };
    let proceeds = (price * 0.7 * 100.0).round() / 100.0;
    let transaction = format!("2000000{}", now.timestamp_millis());
    let expires = if one_time { Value::Null } else { json!(wire(now + TimeDelta::days(if trial { 7 } else { 30 }))) };
    let properties = if event_type == WebhookEventType::AccessLevelUpdated {
        json!({
            "profile_event_id": id(),
            "profile_id": profile_id,
            "access_level_id": "premium",
            "is_active": true,
            "is_lifetime": false,
            "will_renew": true,
            "is_in_grace_period": false,
            "is_refund": false,
            "starts_at": null,
            "activated_at": wire(now),
            "renewed_at": wire(now),
            "expires_at": expires,
            "subscription_expires_at": expires,
            "billing_issue_detected_at": null,
            "cancellation_reason": null,
            "store": "app_store",
            "environment": "Production",
            "vendor_product_id": "premium_monthly",
            "transaction_id": transaction,
            "original_transaction_id": transaction,
            "purchase_date": wire(now),
            "original_purchase_date": wire(now),
            "event_datetime": wire(now),
            "profile_has_access_level": true,
            "profile_total_revenue_usd": 9.99,
            "active_introductory_offer_type": null,
            "active_promotional_offer_type": null,
            "active_promotional_offer_id": null,
        })
    } else {
        json!({
            "profile_event_id": id(),
            "profile_id": profile_id,
            "store": "app_store",
            "environment": "Production",
            "vendor_product_id": if one_time { "coins_100" } else { "premium_monthly" },
            "transaction_id": transaction,
            "original_transaction_id": transaction,
            "purchase_date": wire(now),
            "original_purchase_date": wire(now),
            "subscription_expires_at": expires,
            "event_datetime": wire(now),
            "currency": "USD",
            "price_local": price,
            "price_usd": price,
            "proceeds_local": proceeds,
            "proceeds_usd": proceeds,
            "net_revenue_local": proceeds,
            "net_revenue_usd": proceeds,
            "tax_amount_local": 0,
            "tax_amount_usd": 0,
            "store_country": "US",
            "profile_country": "US",
            "profile_ip_address": null,
            "profile_has_access_level": !ended,
            "profile_total_revenue_usd": price,
            "consecutive_payments": 1,
            "rate_after_first_year": false,
            "cancellation_reason": if ended { json!(if kind.ends_with("refunded") { "refund" } else { "voluntarily_cancelled" }) } else { Value::Null },
            "trial_duration": if trial { json!("7 days") } else { Value::Null },
            "variation_id": null,
            "store_offer_category": if trial { json!("introductory") } else { Value::Null },
            "store_offer_discount_type": if trial { json!("free_trial") } else { Value::Null },
        })
    };
    json!({
        "profile_id": profile_id,
        "customer_user_id": "webhook-test-user",
        "idfv": null,
        "idfa": null,
        "advertising_id": null,
        "profile_install_datetime": wire(now - TimeDelta::days(1)),
        "user_agent": null,
        "email": null,
        "event_type": kind,
        "event_datetime": wire(now),
        "event_properties": properties,
        "event_api_version": 1,
        "profiles_sharing_access_level": null,
        "attributions": {},
        "user_attributes": {},
        "integration_ids": null,
    })
}

/// The receiver's answer to one delivery.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub elapsed: Duration,
}

impl Answer {
    /// Whether Adapty would count it delivered (any status in 200-404) and not retry.
    pub fn delivered(&self) -> bool {
        (200..=404).contains(&self.status)
    }
}

/// POSTs `body` to `url` as Adapty does: JSON, `authorization` as the `Authorization` header
/// (the value as configured; never logged), within `timeout`. A receiver that does not answer in
/// time or cannot be reached is an error ([`Error::Timeout`], [`Error::Connection`]).
pub async fn deliver(url: &str, authorization: Option<&str>, body: &Value, timeout: Duration) -> Result<Answer, Error> {
    let (url, authorization, body) = (url.to_owned(), authorization.map(str::to_owned), body.to_string());
    crate::transport::runtime::spawn(async move {
        let http = crate::transport::runtime::http_client(&crate::models::config::Network::with_connect_timeout(timeout))?;
        let mut request = http.post(&url).timeout(timeout).header("content-type", "application/json").body(body);
        if let Some(value) = authorization {
            let mut value = reqwest::header::HeaderValue::from_str(&value).map_err(|_| {
                crate::models::error::ValidationError::new(
                    "authorization",
                    crate::models::error::Rule::Format,
                    "cannot be sent in a header",
                )
            })?;
            value.set_sensitive(true);
            request = request.header("authorization", value);
        }
        let started = Instant::now();
        let (status, body) = crate::transport::runtime::local(async move {
            let response = request.send().await?;
            Ok::<_, reqwest::Error>((response.status().as_u16(), response.text().await?))
        })
        .await
        .map_err(crate::transport::http::transport_error)?;
        Ok(Answer { status, body, elapsed: started.elapsed() })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::webhooks::{EventNames, parse_event};

    #[test]
    fn every_sample_reads_as_its_type() {
        for event_type in WebhookEventType::ALL {
            let body = sample_event(*event_type).to_string();
            let event = parse_event(body.as_bytes(), &EventNames::default()).unwrap();
            assert_eq!(event.event_type, *event_type);
            assert!(event.profile_event_id.is_some(), "{event_type:?}");
        }
    }
}
