//! Moving an app's clock: forward by a time or to a date, frozen or running again, never
//! backwards; what the time passed brings runs at once, in order (`domain/lifecycle`).

use std::sync::Arc;

use adapty_server::Timestamp;
use chrono::{DateTime, TimeDelta, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::domain::lifecycle::{self, Happened};
use crate::state::clock::Clock;
use crate::state::tenants::Tenant;

/// Where an app's clock stands.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ClockView {
    /// The app's time (ISO 8601, milliseconds, UTC).
    #[schemars(extend("format" = "date-time"))]
    pub now: String,
    /// How far ahead of the wall clock it is.
    pub offset_seconds: f64,
    pub frozen: bool,
}

impl ClockView {
    pub fn of(clock: &Clock) -> Self {
        Self {
            now: clock.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            offset_seconds: clock.offset_ms as f64 / 1000.0,
            frozen: clock.frozen_at.is_some(),
        }
    }
}

/// A move of the clock (`POST /__emulator/clock`): at most one of `advance_seconds` and `now`,
/// and optionally `freeze`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ClockMove")]
pub struct Move {
    /// Seconds to move forward (0 or more).
    #[serde(default)]
    pub advance_seconds: Option<f64>,
    /// The date and time to move forward to (ISO 8601, not before the clock's time).
    #[serde(default)]
    #[schemars(extend("format" = "date-time"))]
    pub now: Option<String>,
    /// Stop the clock where the move leaves it (`false`: run it again from there).
    #[serde(default)]
    pub freeze: Option<bool>,
}

/// Where a move takes the clock.
enum Step {
    By(TimeDelta),
    To(DateTime<Utc>),
}

/// Moves the app's clock and runs what happened meanwhile; returns where the clock stands and
/// the events that time brought, in order. The error says why the move is refused.
pub fn apply(app: &Arc<Tenant>, m: Move) -> Result<(ClockView, Vec<Happened>), String> {
    let mut state = app.lock();
    let now = state.clock.now();
    let step = match (m.advance_seconds, m.now.as_deref()) {
        (Some(_), Some(_)) => return Err("give advance_seconds or now, not both".into()),
        (Some(s), None) if !s.is_finite() || s < 0.0 => {
            return Err("advance_seconds must be a number of seconds, 0 or more: time never goes backwards".into());
        }
        (Some(s), None) => {
            match TimeDelta::try_milliseconds((s * 1000.0).round() as i64).filter(|d| now.checked_add_signed(*d).is_some()) {
                Some(by) => Step::By(by),
                None => return Err("advance_seconds is too far".into()),
            }
        }
        (None, Some(text)) => match Timestamp::parse(text) {
            Some(t) if t.0 >= now => Step::To(t.0.with_timezone(&Utc)),
            Some(_) => return Err("now is before the clock's time: time never goes backwards".into()),
            None => return Err("now must be an ISO 8601 date and time".into()),
        },
        (None, None) => Step::By(TimeDelta::zero()),
    };
    // Frozen first, so a frozen clock stands exactly where it is moved to.
    if let Some(frozen) = m.freeze {
        freeze(&mut state.clock, frozen);
    }
    match step {
        Step::By(by) => advance(&mut state.clock, by),
        Step::To(at) => move_to(&mut state.clock, at),
    }
    let until = state.clock.now();
    let happened = lifecycle::run(app, &mut state, until);
    Ok((ClockView::of(&state.clock), happened))
}

/// Moves the clock to `to`, which is not before its time.
fn move_to(clock: &mut Clock, to: DateTime<Utc>) {
    match &mut clock.frozen_at {
        Some(at) => *at = to,
        // Rounded up: a whole number of milliseconds that never puts the clock before `to`.
        None => clock.offset_ms = (to - Utc::now()).num_microseconds().map_or(i64::MAX / 1000, |us| us.div_euclid(1000) + 1),
    }
}

/// Moves the clock ahead by `by` (exactly: the offset grows by it).
fn advance(clock: &mut Clock, by: TimeDelta) {
    match &mut clock.frozen_at {
        Some(at) => *at += by,
        None => clock.offset_ms += by.num_milliseconds(),
    }
}

/// Stops the clock where it is, or starts it again from where it stands.
fn freeze(clock: &mut Clock, frozen: bool) {
    match (frozen, clock.frozen_at) {
        (true, None) => clock.frozen_at = Some(clock.now()),
        (false, Some(at)) => {
            clock.frozen_at = None;
            move_to(clock, at);
        }
        _ => {}
    }
}
