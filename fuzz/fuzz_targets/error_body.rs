//! `parse_error_body` and `ApiError::from_response` never panic on any status and body, and the
//! error's summary, `Display` and `Error::to_json` work on what they give.
//!
//! Input: bytes 0-1 are the status (big-endian u16), the rest is the body (lossy UTF-8, as the
//! transport reads it).
#![no_main]

use adapty_server::{ApiError, Error, parse_error_body};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [hi, lo, rest @ ..] => (u16::from_be_bytes([*hi, *lo]), rest),
        _ => return,
    };
    let body = String::from_utf8_lossy(body).into_owned();
    let (code, errors) = parse_error_body(&body);
    let e = ApiError::from_response(status, body.clone(), Some("req-1".into()), None);
    assert_eq!((e.error_code.as_ref(), &e.errors), (code.as_ref(), &errors), "from_response parses the body as parse_error_body does");
    assert_eq!(e.body, body);
    let _ = (e.kind().as_str(), e.message(), e.to_string());
    let json = Error::Api(e).to_json();
    assert_eq!(json["status"], status);
});
