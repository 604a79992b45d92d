//! Each request and response as text, the way `curl -v` shows them, on their own tracing target
//! (TRACE level; the key redacted): what the command line's `--verbose` prints.

/// The tracing target of the request and response texts.
pub const WIRE: &str = "adapty_server::wire";

/// A request or response as `curl -v` shows it: `> ` (or `< `) before the first line and each
/// header, then the body.
pub(crate) fn wire_text(direction: char, first: &str, headers: &[(&str, String)], body: Option<&[u8]>) -> String {
    let mut text = format!("{direction} {first}\n");
    for (name, value) in headers {
        text.push_str(&format!("{direction} {name}: {value}\n"));
    }
    text.push_str(&format!("{direction}\n"));
    if let Some(body) = body.filter(|b| !b.is_empty()) {
        text.push_str(&String::from_utf8_lossy(body));
        text.push('\n');
    }
    text
}
