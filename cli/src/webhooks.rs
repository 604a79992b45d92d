//! `adapty-server webhooks send|verify`: a receiver tested without Adapty, with the core's samples and
//! delivery (`adapty_server::webhook_testing`).

use std::time::Duration;

use adapty_server::WebhookEventType;
use adapty_server::webhook_testing::{ADAPTY_TIMEOUT, deliver, sample_event};
use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::{Value, json};

use crate::exit::{Exit, Failure};
use crate::output::{self, Format};

/// The `webhooks` command.
pub fn command() -> Command {
    let to = || Arg::new("to").long("to").value_name("URL").help("The receiver's URL.");
    let authorization = || {
        Arg::new("authorization")
            .long("authorization")
            .env("ADAPTY_WEBHOOK_AUTHORIZATION")
            .hide_env_values(true)
            .value_name("VALUE")
            .help("The Authorization header, as configured for the webhook in Adapty (never printed).")
    };
    let types: Vec<&'static str> = WebhookEventType::ALL.iter().map(|t| t.as_str()).collect();
    Command::new("webhooks")
        .about("Test a webhook receiver without Adapty: send it an event or the verification request, as Adapty does.")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("send")
                .about("Sends a realistic event of a type (Adapty's fields, fresh ids and times); without --to, prints it.")
                .arg(Arg::new("type").long("type").required(true).value_parser(types).help("The event's type."))
                .arg(to())
                .arg(authorization())
                .arg(Arg::new("set").long("set").value_name("PATH=VALUE").action(ArgAction::Append).help(
                    "Overrides a field, by its path: customer_user_id=u1, event_properties.price_usd=4.99 (JSON values, or text).",
                ))
                .after_help(
                    "Example:\n  adapty-server webhooks send --type subscription_renewed --to http://localhost:8000/adapty \\\n    --authorization \"$SECRET\" --set customer_user_id=user-1 --set event_properties.price_usd=4.99\n\nExit codes: 0 delivered (an answer in 200-404: Adapty would not retry), 1 not delivered, 2 usage.",
                ),
        )
        .subcommand(
            Command::new("verify")
                .about("Sends the verification request ({}) that saving a webhook in Adapty sends.")
                .arg(to().required(true))
                .arg(authorization()),
        )
}

/// Runs `webhooks send|verify`.
pub fn run(matches: &ArgMatches, timeout: Option<f64>, format: Format) -> Result<Exit, Failure> {
    let (name, m) = matches.subcommand().ok_or_else(|| Failure::Usage("webhooks needs send or verify".into()))?;
    let body = match name {
        "send" => {
            let kind = m.get_one::<String>("type").cloned().unwrap_or_default();
            let event_type = WebhookEventType::ALL
                .iter()
                .copied()
                .find(|t| t.as_str() == kind)
                .ok_or_else(|| Failure::Usage(format!("no event type {kind}")))?;
            let mut event = sample_event(event_type);
            for assignment in m.get_many::<String>("set").into_iter().flatten() {
                set(&mut event, assignment).map_err(Failure::Usage)?;
            }
            event
        }
        _ => json!({}),
    };
    let Some(url) = m.get_one::<String>("to") else {
        output::print(&body, Format::Json).map_err(|e| Failure::Other(e.to_string()))?;
        return Ok(Exit::Ok);
    };
    let timeout = timeout.map_or(ADAPTY_TIMEOUT, Duration::from_secs_f64);
    let authorization = m.get_one::<String>("authorization").map(String::as_str);
    let answer = adapty_server::runtime::block_on({
        let (url, authorization) = (url.clone(), authorization.map(str::to_owned));
        async move { deliver(&url, authorization.as_deref(), &body, timeout).await }
    })?;
    let shown = json!({
        "status": answer.status,
        "delivered": answer.delivered(),
        "elapsed_ms": (answer.elapsed.as_secs_f64() * 1000.0).round(),
        "body": serde_json::from_str::<Value>(&answer.body).unwrap_or(Value::String(answer.body.clone())),
    });
    output::print(&shown, format).map_err(|e| Failure::Other(e.to_string()))?;
    if !answer.delivered() {
        eprintln!("not delivered: Adapty would retry an answer outside 200-404");
    }
    Ok(if answer.delivered() { Exit::Ok } else { Exit::Failed })
}

/// Sets the field at a dotted `path` of `event` to `value` (JSON, or else text).
fn set(event: &mut Value, assignment: &str) -> Result<(), String> {
    let (path, text) = assignment.split_once('=').ok_or_else(|| format!("--set {assignment}: expected PATH=VALUE"))?;
    let value = serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()));
    let mut target = event;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        let map = target.as_object_mut().ok_or_else(|| format!("--set {path}: {key} is inside a value that is not an object"))?;
        if keys.peek().is_none() {
            map.insert(key.to_owned(), value);
            return Ok(());
        }
        target = map.entry(key.to_owned()).or_insert_with(|| json!({}));
    }
    Ok(())
}
