//! The webhook delivery log: every webhook sent or to send, with its attempts. What is sent, and
//! when, is the domain's `webhooks`'.

use std::collections::VecDeque;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Most deliveries the log keeps; the oldest finished ones go first.
const LOG_CAPACITY: usize = 10_000;

/// Which of the integration's endpoints a delivery goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "WebhookEndpoint")]
pub enum Endpoint {
    Production,
    Sandbox,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "WebhookDeliveryState")]
pub enum DeliveryState {
    /// Not answered in 200-404 yet, with attempts left.
    Pending,
    /// Answered in 200-404.
    Delivered,
    /// No retries left.
    Failed,
}

/// One webhook request as the emulator sent (or will send) it, with every attempt.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "WebhookDelivery")]
pub struct Delivery {
    pub id: u64,
    /// `verification`, or the event's type as sent (its configured name, if renamed).
    pub event_type: String,
    pub profile_event_id: Option<String>,
    pub profile_id: Option<String>,
    /// Which endpoint it goes to.
    pub environment: Endpoint,
    pub url: String,
    pub created_at: String,
    pub state: DeliveryState,
    pub next_attempt_at: Option<String>,
    pub attempts: Vec<Attempt>,
    /// What is sent: the event in Adapty's envelope, or `{}` for the verification request.
    #[schemars(with = "Map<String, Value>")]
    pub body: Value,
    /// The `Authorization` header it is sent with: the integration's, never shown (a snapshot
    /// restores it from the integration's settings).
    #[serde(skip)]
    pub authorization: Option<String>,
}

/// One try at delivering a webhook.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "WebhookAttempt")]
pub struct Attempt {
    pub at: String,
    /// The answer's status, if one came.
    pub status: Option<u16>,
    /// Why no answer came (connection error, timeout).
    pub error: Option<String>,
    pub duration_ms: u64,
}

/// The delivery log.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Log {
    /// Oldest first.
    pub deliveries: VecDeque<Delivery>,
    /// The id of the latest delivery (ids count up from 1).
    pub next_id: u64,
}

impl Log {
    pub fn len(&self) -> usize {
        self.deliveries.len()
    }

    pub fn get_mut(&mut self, id: u64) -> Option<&mut Delivery> {
        self.deliveries.iter_mut().find(|d| d.id == id)
    }

    /// Logs `delivery` under the next id, which it returns; a full log drops its oldest finished
    /// delivery first.
    pub fn push(&mut self, mut delivery: Delivery) -> u64 {
        self.next_id += 1;
        delivery.id = self.next_id;
        if self.deliveries.len() >= LOG_CAPACITY {
            let finished = self.deliveries.iter().position(|d| d.state != DeliveryState::Pending).unwrap_or(0);
            self.deliveries.remove(finished);
        }
        self.deliveries.push_back(delivery);
        self.next_id
    }
}
