//! Results on stdout: a table for people, JSON for programs (the default off a terminal), JSON
//! lines and CSV for pipelines. Only data goes to stdout; messages go to stderr.

use std::io::{IsTerminal, Write};

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use serde_json::Value;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Csv,
}

impl Format {
    /// The `--output` flag's format; without it a table on a terminal, JSON otherwise.
    pub fn choose(flag: Option<&str>) -> Self {
        match flag {
            Some("table") => Self::Table,
            Some("jsonl") => Self::Jsonl,
            Some("csv") => Self::Csv,
            Some(_) => Self::Json,
            None if std::io::stdout().is_terminal() => Self::Table,
            None => Self::Json,
        }
    }
}

/// The longest cell a table shows of a nested value (the JSON formats show it whole).
const CELL: usize = 60;

/// Prints one result: a model, a page (`data` and `next_cursor`), a list, or nothing.
pub fn print(value: &Value, format: Format) -> std::io::Result<()> {
    if value.is_null() {
        return Ok(());
    }
    let page = value.get("data").and_then(Value::as_array);
    match (format, page) {
        (Format::Json, _) => print_json(value),
        (_, Some(items)) => {
            print_items(items, format)?;
            if let Some(cursor) = value.get("next_cursor").and_then(Value::as_str) {
                eprintln!("next page: --cursor {cursor}");
            }
            Ok(())
        }
        (_, None) => match value.as_array() {
            Some(items) => print_items(items, format),
            None => print_items(std::slice::from_ref(value), format),
        },
    }
}

/// Prints a list of models (every item of a walk, a page's items).
pub fn print_items(items: &[Value], format: Format) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => return print_json(&Value::Array(items.to_vec())),
        Format::Jsonl => {
            for item in items {
                writeln!(out, "{item}")?;
            }
        }
        Format::Csv => {
            let columns = columns(items);
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(&columns)?;
            for item in items {
                writer.write_record(columns.iter().map(|c| cell(item.get(c), usize::MAX)))?;
            }
            writer.flush()?;
        }
        Format::Table if items.len() == 1 && items[0].is_object() => {
            let mut table = table();
            table.set_header(["field", "value"]);
            for (key, value) in items[0].as_object().into_iter().flatten() {
                table.add_row([key.clone(), cell(Some(value), CELL)]);
            }
            writeln!(out, "{table}")?;
        }
        Format::Table => {
            let columns = columns(items);
            let mut table = table();
            table.set_header(&columns);
            for item in items {
                table.add_row(columns.iter().map(|c| cell(item.get(c), CELL)));
            }
            writeln!(out, "{table}")?;
        }
    }
    Ok(())
}

fn print_json(value: &Value) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)
}

fn table() -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table
}

/// The keys of the items, in first-seen order.
fn columns(items: &[Value]) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for key in items.iter().filter_map(Value::as_object).flat_map(|m| m.keys()) {
        if !columns.contains(key) {
            columns.push(key.clone());
        }
    }
    if columns.is_empty() {
        columns.push("value".into());
    }
    columns
}

/// A value as one cell: text as is, anything else as compact JSON, cut at `max` characters.
fn cell(value: Option<&Value>, max: usize) -> String {
    let text = match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    if text.chars().count() > max { format!("{}…", text.chars().take(max - 1).collect::<String>()) } else { text }
}
