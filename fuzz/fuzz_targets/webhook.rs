//! A webhook request's body never panics the SDK: `construct_event` either refuses it (a payload
//! error naming a field, never an internal one) or reads an event that serializes for the
//! bindings and whose properties match its type; a wrong header is refused whatever the body.
//!
//! Input: the request body.
#![no_main]

use adapty_server::webhooks::{EventNames, construct_event, parse_event};
use adapty_server::{ErrorKind, WebhookEventType, WebhookProperties};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let names = EventNames::default();
    match parse_event(data, &names) {
        Ok(event) => {
            serde_json::to_string(&event).expect("an event serializes");
            let typed = match (&event.properties, event.event_type) {
                (None, _) => true,
                (Some(WebhookProperties::AccessLevelUpdated(_)), t) => t == WebhookEventType::AccessLevelUpdated,
                (Some(WebhookProperties::Unknown(_)), t) => t == WebhookEventType::Unknown,
                (Some(WebhookProperties::Event(_)), t) => !matches!(t, WebhookEventType::AccessLevelUpdated | WebhookEventType::Unknown),
            };
            assert!(typed, "{:?} with {:?}", event.event_type, event.properties);
            assert_eq!(event.is_verification, event.event_type == WebhookEventType::Verification);
        }
        Err(e) => assert_eq!(e.kind(), ErrorKind::WebhookPayload, "{e}"),
    }
    let refused = construct_event(data, Some("not the secret"), "secret", &names).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::WebhookAuthorization);
});
