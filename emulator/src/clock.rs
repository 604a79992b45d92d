//! The app's clock: the wall clock moved ahead by an offset that only grows, or frozen.
//!
//! Everything that reads "now" reads it here (answers, `timestamp`, expiry, webhook times, the
//! virtual currency rate limit and idempotency window). `POST /__emulator/clock` moves it forward
//! (`{"advance_seconds": N}` or `{"now": "<ISO 8601>"}`) or freezes it (`{"freeze": true}`), and
//! runs what the time passed brings, in order (`crate::lifecycle`).

use adapty_server::Timestamp;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::errors;
use crate::lifecycle;
use crate::state::App;

/// A clock that never goes backwards.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clock {
    /// How far ahead of the wall clock it is, in milliseconds.
    pub offset_ms: i64,
    /// When frozen, the instant it stands at.
    #[serde(default)]
    pub frozen_at: Option<DateTime<Utc>>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        self.frozen_at.unwrap_or_else(|| Utc::now() + TimeDelta::milliseconds(self.offset_ms))
    }

    /// Moves to `to`, which is not before [`Clock::now`].
    fn move_to(&mut self, to: DateTime<Utc>) {
        match &mut self.frozen_at {
            Some(at) => *at = to,
            // Rounded up: a whole number of milliseconds that never puts the clock before `to`.
            None => self.offset_ms = (to - Utc::now()).num_microseconds().map_or(i64::MAX / 1000, |us| us.div_euclid(1000) + 1),
        }
    }

    /// Moves it ahead by `by` (exactly: the offset grows by it).
    fn advance(&mut self, by: TimeDelta) {
        match &mut self.frozen_at {
            Some(at) => *at += by,
            None => self.offset_ms += by.num_milliseconds(),
        }
    }

    /// Stops it where it is, or starts it again from where it stands.
    fn freeze(&mut self, frozen: bool) {
        match (frozen, self.frozen_at) {
            (true, None) => self.frozen_at = Some(self.now()),
            (false, Some(at)) => {
                self.frozen_at = None;
                self.move_to(at);
            }
            _ => {}
        }
    }

    fn to_json(&self) -> Value {
        let now = self.now();
        json!({
            "now": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "offset_seconds": self.offset_ms as f64 / 1000.0,
            "frozen": self.frozen_at.is_some(),
        })
    }
}

/// What `POST /__emulator/clock` takes: at most one of `advance_seconds` and `now`, and
/// optionally `freeze`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Move {
    #[serde(default)]
    advance_seconds: Option<f64>,
    #[serde(default)]
    now: Option<String>,
    #[serde(default)]
    freeze: Option<bool>,
}

/// Where a move takes the clock.
enum Step {
    By(TimeDelta),
    To(DateTime<Utc>),
}

/// `GET /__emulator/clock`: `{"now", "offset_seconds", "frozen"}`.
pub async fn get(App(app): App) -> Json<Value> {
    Json(app.lock().clock.to_json())
}

/// `POST /__emulator/clock`: moves the clock forward and runs what happened meanwhile; answers
/// with the clock and `happened`, the events that time brought, in order.
pub async fn set(App(app): App, body: axum::body::Bytes) -> Response {
    let bad = |message: &str| errors::control(StatusCode::BAD_REQUEST, message);
    let m: Move = match serde_json::from_slice(&body) {
        Ok(m) => m,
        Err(e) => return bad(&format!("expected {{\"advance_seconds\": N}}, {{\"now\": \"<ISO 8601>\"}} or {{\"freeze\": bool}}: {e}")),
    };
    let mut state = app.lock();
    let now = state.clock.now();
    let step = match (m.advance_seconds, m.now.as_deref()) {
        (Some(_), Some(_)) => return bad("give advance_seconds or now, not both"),
        (Some(s), None) if !s.is_finite() || s < 0.0 => {
            return bad("advance_seconds must be a number of seconds, 0 or more: time never goes backwards");
        }
        (Some(s), None) => {
            match TimeDelta::try_milliseconds((s * 1000.0).round() as i64).filter(|d| now.checked_add_signed(*d).is_some()) {
                Some(by) => Step::By(by),
                None => return bad("advance_seconds is too far"),
            }
        }
        (None, Some(text)) => match Timestamp::parse(text) {
            Some(t) if t.0 >= now => Step::To(t.0.with_timezone(&Utc)),
            Some(_) => return bad("now is before the clock's time: time never goes backwards"),
            None => return bad("now must be an ISO 8601 date and time"),
        },
        (None, None) => Step::By(TimeDelta::zero()),
    };
    // Frozen first, so a frozen clock stands exactly where it is moved to.
    if let Some(frozen) = m.freeze {
        state.clock.freeze(frozen);
    }
    match step {
        Step::By(by) => state.clock.advance(by),
        Step::To(at) => state.clock.move_to(at),
    }
    let until = state.clock.now();
    let happened = lifecycle::run(&app, &mut state, until);
    let mut answer = state.clock.to_json();
    answer["happened"] = json!(happened);
    Json(answer).into_response()
}
