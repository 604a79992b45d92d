//! Forwards the core's `tracing` events to Python's `logging` logger `adapty_server`.
//!
//! Sending an event costs a GIL acquisition, so events below the logger's level are dropped in
//! Rust: the level is read from Python when a client is made (`sync_level`).

use std::fmt::Write as _;
use std::sync::Once;
use std::sync::atomic::{AtomicU8, Ordering};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Python's numeric level below which events are dropped (logging.WARNING by default).
static MIN_LEVEL: AtomicU8 = AtomicU8::new(30);
static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn python_level(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        Level::TRACE => 5,
    }
}

fn logger(py: Python<'_>) -> PyResult<&Py<PyAny>> {
    LOGGER.get_or_try_init(py, || Ok(py.import("logging")?.call_method1("getLogger", ("adapty_server",))?.unbind()))
}

/// Installs the forwarding subscriber once and reads the logger's effective level.
pub fn sync_level(py: Python<'_>) -> PyResult<()> {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Another subscriber (set by the host application) wins; then nothing is forwarded.
        let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(ToPython));
    });
    let level: u8 = logger(py)?.call_method0(py, "getEffectiveLevel")?.extract(py)?;
    MIN_LEVEL.store(level, Ordering::Relaxed);
    Ok(())
}

struct ToPython;

impl<S: Subscriber> Layer<S> for ToPython {
    /// "Sometimes": the level can change later, so tracing must not cache a verdict.
    fn register_callsite(&self, metadata: &'static tracing::Metadata<'static>) -> Interest {
        if metadata.target().starts_with("adapty_server") { Interest::sometimes() } else { Interest::never() }
    }

    fn enabled(&self, metadata: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        metadata.target().starts_with("adapty_server") && python_level(metadata.level()) >= MIN_LEVEL.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut text = Message::default();
        event.record(&mut text);
        let level = python_level(event.metadata().level());
        // Dropped once the interpreter is exiting (see `shutdown`).
        crate::shutdown::attach(|py| {
            if let Ok(logger) = logger(py) {
                let _ = logger.call_method1(py, "log", (level, text.0));
            }
        });
    }
}

/// `message key=value ...`, the message first.
#[derive(Default)]
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0.insert_str(0, &format!("{value:?}"));
        } else {
            let _ = write!(self.0, " {}={:?}", field.name(), value);
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.insert_str(0, value);
        } else {
            let _ = write!(self.0, " {}={}", field.name(), value);
        }
    }
}
