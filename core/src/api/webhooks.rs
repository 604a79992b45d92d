//! Receiving Adapty's webhooks: check the `Authorization` header, then read the event.
//!
//! Adapty signs nothing: it sends the value configured for the webhook as the `Authorization`
//! header, exactly as configured. [`construct_event`] compares it with your secret in constant
//! time (a missing or different header is [`Error::WebhookAuthorization`], and the body is not
//! read at all), then parses the body into a [`WebhookEvent`] (a body that is not an event is
//! [`Error::WebhookPayload`], naming the field). Answer Adapty with any 2xx for an event you
//! accept and for the verification request (`{}`, sent when the webhook is saved), 401 for an
//! authorization error; Adapty retries an event only on a status outside 200-404, on a
//! connection error, or after 10 s without an answer. Redeliveries carry the same
//! `profile_event_id`: deduplicate by it.
//!
//! ```
//! use adapty_server::webhooks::{self, EventNames};
//! use adapty_server::WebhookEventType;
//!
//! let body = br#"{"event_type": "subscription_started", "profile_id": "p1",
//!                 "event_properties": {"profile_event_id": "e1", "price_usd": 4.99}}"#;
//! let event = webhooks::construct_event(body, Some("my-secret"), "my-secret", &EventNames::default()).unwrap();
//! assert_eq!(event.event_type, WebhookEventType::SubscriptionStarted);
//! assert!(webhooks::construct_event(body, Some("guess"), "my-secret", &EventNames::default()).is_err());
//! ```

use std::collections::HashMap;

use serde_json::Value;

use crate::models::error::Error;
use crate::models::json::Json;
use crate::models::{AccessLevelUpdatedProperties, EventProperties, WebhookEvent, WebhookEventType, WebhookProperties, webhooks::Envelope};

/// Names Adapty's older docs use for today's types; read as those types.
const LEGACY_NAMES: &[(&str, WebhookEventType)] = &[
    ("subscription_initial_purchase", WebhookEventType::SubscriptionStarted),
    ("subscription_cancelled", WebhookEventType::SubscriptionExpired),
    ("trial_cancelled", WebhookEventType::TrialExpired),
];

/// Which type each `event_type` name stands for. Adapty lets you rename every event in the
/// webhook's settings ("Events names"): map your names to Adapty's types here. Adapty's own names
/// (in any letter case) and the legacy ones always resolve; any other name reads as
/// [`WebhookEventType::Unknown`], with the name kept in `raw_type`.
#[derive(Debug, Clone, Default)]
pub struct EventNames {
    renamed: HashMap<String, WebhookEventType>,
}

impl EventNames {
    /// Reads `name` (as configured in Adapty) as the type `event_type`.
    pub fn rename(mut self, name: impl Into<String>, event_type: WebhookEventType) -> Self {
        self.renamed.insert(name.into(), event_type);
        self
    }

    /// From a JSON object of `{"your_name": "adapty_type_name"}` (as the bindings pass it);
    /// `null` is no renames. A value that is not one of Adapty's type names is refused, naming it.
    pub fn from_json(names: &Value) -> Result<Self, Error> {
        let usage = |message: String| Error::Usage { message };
        match names {
            Value::Null => Ok(Self::default()),
            Value::Object(map) => map.iter().try_fold(Self::default(), |names, (name, event_type)| {
                let known = event_type.as_str().and_then(WebhookEventType::from_name);
                let event_type =
                    known.ok_or_else(|| usage(format!("event_names.{name}: {event_type} is not one of Adapty's event types")))?;
                Ok(names.rename(name.clone(), event_type))
            }),
            other => Err(usage(format!("event_names must be an object of names to event types, got {other}"))),
        }
    }

    /// The type `name` stands for.
    pub fn resolve(&self, name: &str) -> WebhookEventType {
        let known = |name: &str| {
            WebhookEventType::from_name(name).or_else(|| LEGACY_NAMES.iter().find(|(legacy, _)| *legacy == name).map(|(_, t)| *t))
        };
        self.renamed
            .get(name)
            .copied()
            .or_else(|| known(name))
            .or_else(|| known(&name.to_ascii_lowercase()))
            .unwrap_or(WebhookEventType::Unknown)
    }
}

/// Checks `authorization` (the request's `Authorization` header, `None` if it had none) against
/// `secret` in constant time, then reads `body` as an event.
pub fn construct_event(body: &[u8], authorization: Option<&str>, secret: &str, names: &EventNames) -> Result<WebhookEvent, Error> {
    authorize(authorization, secret)?;
    parse_event(body, names)
}

/// Whether `authorization` is `secret`: compared in a time that depends only on their lengths.
/// An empty secret is refused (it would let every request through).
pub fn authorize(authorization: Option<&str>, secret: &str) -> Result<(), Error> {
    if secret.is_empty() {
        return Err(Error::Usage {
            message: "the webhook secret is empty: pass the value configured as the webhook's Authorization header".into(),
        });
    }
    let Some(given) = authorization else {
        return Err(Error::WebhookAuthorization { message: "the request has no Authorization header".into() });
    };
    if constant_time_eq(given.as_bytes(), secret.as_bytes()) {
        Ok(())
    } else {
        Err(Error::WebhookAuthorization { message: "the Authorization header is not the webhook's secret".into() })
    }
}

/// Reads `body` as an event without checking who sent it: for webhooks configured without an
/// `Authorization` value, and for tests. An empty body or `{}` is the verification request.
pub fn parse_event(body: &[u8], names: &EventNames) -> Result<WebhookEvent, Error> {
    let payload = |field: &str, message: String| Error::WebhookPayload { field: field.to_owned(), message };
    let text = std::str::from_utf8(body).map_err(|e| payload("body", format!("is not UTF-8: {e}")))?;
    if text.trim().is_empty() {
        return Ok(verification());
    }
    let value: Value = serde_json::from_str(text).map_err(|e| payload("body", format!("is not JSON: {e}")))?;
    let Value::Object(object) = value else {
        return Err(payload("body", format!("is not a JSON object: {value}")));
    };
    if object.is_empty() {
        return Ok(verification());
    }
    let envelope: Envelope = crate::models::json::from_value_lenient(Value::Object(object)).map_err(|e| payload(&e.field, e.message))?;
    let Some(raw_type) = envelope.event_type else {
        return Err(payload("event_type", "is missing: every event names its type (only the verification request, `{}`, has none)".into()));
    };
    let event_type = names.resolve(&raw_type);
    let profile_event_id = envelope.event_properties.as_ref().and_then(|p| match p.get("profile_event_id") {
        Some(Value::String(id)) => Some(id.clone()),
        Some(Value::Number(id)) => Some(id.to_string()),
        _ => None,
    });
    let properties = envelope.event_properties.map(|props| read_properties(event_type, props)).transpose()?;
    Ok(WebhookEvent {
        event_type,
        raw_type: Some(raw_type),
        is_verification: false,
        profile_event_id,
        profile_id: envelope.profile_id,
        customer_user_id: envelope.customer_user_id,
        idfv: envelope.idfv,
        idfa: envelope.idfa,
        advertising_id: envelope.advertising_id,
        profile_install_datetime: envelope.profile_install_datetime,
        user_agent: envelope.user_agent,
        email: envelope.email,
        event_datetime: envelope.event_datetime,
        event_api_version: envelope.event_api_version,
        properties,
        profiles_sharing_access_level: envelope.profiles_sharing_access_level,
        attributions: envelope.attributions,
        user_attributes: envelope.user_attributes,
        integration_ids: envelope.integration_ids,
        play_store_purchase_token: envelope.play_store_purchase_token,
        extra: envelope.extra,
    })
}

/// `event_properties` read as `event_type`'s properties; errors name `event_properties.<field>`.
fn read_properties(event_type: WebhookEventType, props: serde_json::Map<String, Value>) -> Result<WebhookProperties, Error> {
    let named = |e: crate::models::error::ValidationError| Error::WebhookPayload {
        field: format!("event_properties.{}", e.field),
        message: e.message,
    };
    Ok(match event_type {
        WebhookEventType::AccessLevelUpdated => WebhookProperties::AccessLevelUpdated(Box::new(
            crate::models::json::from_value_lenient::<AccessLevelUpdatedProperties>(Value::Object(props)).map_err(named)?,
        )),
        WebhookEventType::Unknown | WebhookEventType::Verification => WebhookProperties::Unknown(props),
        _ => WebhookProperties::Event(Box::new(
            crate::models::json::from_value_lenient::<EventProperties>(Value::Object(props)).map_err(named)?,
        )),
    })
}

fn verification() -> WebhookEvent {
    WebhookEvent {
        event_type: WebhookEventType::Verification,
        raw_type: None,
        is_verification: true,
        profile_event_id: None,
        profile_id: None,
        customer_user_id: None,
        idfv: None,
        idfa: None,
        advertising_id: None,
        profile_install_datetime: None,
        user_agent: None,
        email: None,
        event_datetime: None,
        event_api_version: None,
        properties: None,
        profiles_sharing_access_level: Vec::new(),
        attributions: Default::default(),
        user_attributes: Default::default(),
        integration_ids: Default::default(),
        play_store_purchase_token: None,
        extra: Default::default(),
    }
}

/// [`construct_event`] (or, without a `secret`, [`parse_event`]) for the bindings: the event
/// names as JSON in, the event's JSON text out.
pub fn construct_event_json(body: &[u8], authorization: Option<&str>, secret: Option<&str>, event_names: &Value) -> Result<Json, Error> {
    let names = EventNames::from_json(event_names)?;
    if let Some(secret) = secret {
        authorize(authorization, secret)?;
    }
    let event = parse_event(body, &names)?;
    serde_json::value::to_raw_value(&event).map_err(|e| Error::Internal { message: format!("cannot convert the event: {e}") })
}

/// Byte equality whose time depends only on the lengths, not on where the values differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    // Keeps the compiler from turning the loop into an early exit.
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_only_when_every_byte_and_the_length_match() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
        assert!(!constant_time_eq(b"", b"x"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn names_resolve_renamed_then_adapty_then_legacy_in_any_case() {
        let names = EventNames::default().rename("started!", WebhookEventType::SubscriptionStarted);
        assert_eq!(names.resolve("started!"), WebhookEventType::SubscriptionStarted);
        assert_eq!(names.resolve("trial_converted"), WebhookEventType::TrialConverted);
        assert_eq!(names.resolve("SUBSCRIPTION_RENEWED"), WebhookEventType::SubscriptionRenewed);
        assert_eq!(names.resolve("subscription_initial_purchase"), WebhookEventType::SubscriptionStarted);
        assert_eq!(names.resolve("something_new"), WebhookEventType::Unknown);
        let err = EventNames::from_json(&serde_json::json!({ "mine": "not_a_type" })).unwrap_err();
        assert!(err.to_string().contains("event_names.mine"), "{err}");
    }
}
