//! The lenient date-time parser (`Timestamp::parse`) never panics, and what it parses formats,
//! serializes and parses again to the same instant and offset.
//!
//! Input: the text (lossy UTF-8).
#![no_main]

use adapty_server::Timestamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Some(t) = Timestamp::parse(&text) else { return };
    let shown = t.to_string();
    let json = serde_json::to_string(&t).expect("a timestamp serializes");
    assert_eq!(json, serde_json::to_string(&shown).unwrap(), "serializing writes the Display form");
    let again = Timestamp::parse(&shown).unwrap_or_else(|| panic!("{text:?} formats as {shown:?}, which does not parse"));
    assert_eq!(again, t, "{text:?} -> {shown:?} changes");
    let _ = (t.to_rfc3339(), t.timestamp_millis());
});
