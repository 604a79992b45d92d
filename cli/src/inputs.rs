//! A bulk job's inputs (`--from FILE|-`): JSON lines, a CSV with a header, or one id per line;
//! each input keeps its line number, so every error names the line it came from.

use std::io::Read;

use serde_json::{Map, Value};

use crate::request::PROFILE_KEYS;

/// One input: its line in the file, and its keys (or why the line cannot be read).
#[derive(Debug, Clone)]
pub struct Input {
    pub line: usize,
    pub keys: Result<Map<String, Value>, String>,
}

/// The text of FILE, or of stdin for `-`.
pub fn read(source: &str) -> std::io::Result<String> {
    if source == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(source)
    }
}

/// The inputs of `text`; `id_key` is what a bare id is (`customer_user_id` or `profile_id`).
pub fn parse(text: &str, id_key: &str) -> Vec<Input> {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    if first.starts_with('{') {
        return lines(text).map(|(line, l)| Input { line, keys: json_line(l) }).collect();
    }
    let header: Vec<&str> = first.split(',').map(|c| c.trim().trim_matches('"')).collect();
    if header.iter().any(|c| PROFILE_KEYS.contains(c)) {
        return csv_inputs(text);
    }
    lines(text)
        .map(|(line, id)| {
            let mut keys = Map::new();
            keys.insert(id_key.to_owned(), Value::String(id.to_owned()));
            Input { line, keys: Ok(keys) }
        })
        .collect()
}

/// The non-empty lines, numbered from 1, trimmed.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(n, l)| (n + 1, l.trim())).filter(|(_, l)| !l.is_empty())
}

fn json_line(line: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str(line) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("must be a JSON object".into()),
        Err(e) => Err(format!("not JSON: {e}")),
    }
}

/// A CSV's records as inputs: each column by its header's name; empty cells left out.
fn csv_inputs(text: &str) -> Vec<Input> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return vec![Input { line: 1, keys: Err(format!("the CSV's header: {e}")) }],
    };
    // The line a record starts on, counted in the text (the reader's count skips blank lines).
    let bytes = text.as_bytes();
    let line_at = |p: Option<&csv::Position>| {
        p.map_or(0, |p| {
            let at = p.byte() as usize;
            let start = at + bytes[at..].iter().take_while(|b| matches!(b, b'\n' | b'\r')).count();
            bytes[..start].iter().filter(|b| **b == b'\n').count() + 1
        })
    };
    reader
        .records()
        .map(|record| match record {
            Ok(r) => {
                let line = line_at(r.position());
                let keys =
                    header.iter().zip(r.iter()).filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())));
                Input { line, keys: Ok(keys.collect()) }
            }
            Err(e) => Input { line: line_at(e.position()), keys: Err(e.to_string()) },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(inputs: &[Input]) -> Vec<(usize, String)> {
        inputs
            .iter()
            .map(|i| (i.line, i.keys.as_ref().map_or_else(|e| format!("error: {e}"), |k| Value::Object(k.clone()).to_string())))
            .collect()
    }

    #[test]
    fn reads_each_form_with_its_line_numbers() {
        let ids = parse("u1\n\nu2\n", "customer_user_id");
        assert_eq!(keys(&ids), [(1, r#"{"customer_user_id":"u1"}"#.into()), (3, r#"{"customer_user_id":"u2"}"#.into())]);
        let csv = parse("profile_id,note\na,x\n\nb,\n", "customer_user_id");
        assert_eq!(keys(&csv), [(2, r#"{"profile_id":"a","note":"x"}"#.into()), (4, r#"{"profile_id":"b"}"#.into())]);
        let jsonl = parse("{\"customer_user_id\": \"u1\"}\n[1]\n{oops\n", "customer_user_id");
        assert_eq!(jsonl[0].keys.as_ref().unwrap()["customer_user_id"], "u1");
        assert_eq!(jsonl[1].keys.as_ref().unwrap_err(), "must be a JSON object");
        assert!(jsonl[2].keys.as_ref().unwrap_err().starts_with("not JSON"));
        assert_eq!(jsonl[2].line, 3);
    }
}
