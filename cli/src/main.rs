//! `adapty-server`: Adapty's server-side APIs from the command line, on the SDK's core (its client,
//! validation, retries and errors; no HTTP code here). Every operation of the core's manifest is
//! a command (`commands`), each profile operation also a resumable bulk job (`bulk`).

#[path = "generated/bodies.rs"]
mod bodies;
mod bulk;
mod checkpoint;
mod commands;
mod exit;
mod fields;
mod inputs;
mod output;
mod progress;
mod request;
mod webhooks;

use std::process::ExitCode;

use adapty_server::ops::{self, manifest::Operation};
use adapty_server::{Client, Config};
use clap::ArgMatches;
use serde_json::{Map, Value, json};

use exit::{Exit, Failure};
use output::Format;
use request::Template;

fn main() -> ExitCode {
    let matches = commands::build().get_matches();
    let exit = match run(&matches) {
        Ok(exit) => exit,
        Err(failure) => failure.report(),
    };
    ExitCode::from(exit as u8)
}

fn run(matches: &ArgMatches) -> Result<Exit, Failure> {
    let (group, sub) = matches.subcommand().ok_or_else(|| Failure::Usage("a command is required".into()))?;
    match group {
        "completion" => {
            let shell: clap_complete::Shell =
                sub.get_one::<String>("shell").and_then(|s| s.parse().ok()).unwrap_or(clap_complete::Shell::Bash);
            clap_complete::generate(shell, &mut commands::build(), commands::BIN, &mut std::io::stdout());
            return Ok(Exit::Ok);
        }
        "man" => {
            clap_mangen::Man::new(commands::build()).render(&mut std::io::stdout()).or_else(written)?;
            return Ok(Exit::Ok);
        }
        "webhooks" => {
            let format = Format::choose(matches.get_one::<String>("output").map(String::as_str));
            return webhooks::run(sub, matches.get_one::<f64>("timeout").copied(), format);
        }
        _ => {}
    }
    let (name, m) = sub.subcommand().ok_or_else(|| Failure::Usage(format!("{group} needs a command")))?;
    let op = commands::operation(group, name).ok_or_else(|| Failure::Usage(format!("no command {group} {name}")))?;
    if matches.get_flag("verbose") {
        verbose();
    }
    let client = client(matches)?;
    let format = Format::choose(matches.get_one::<String>("output").map(String::as_str));
    let bulk = commands::bulk(op) && m.get_one::<String>("from").is_some();
    if bulk {
        return bulk_job(op, m, &client);
    }
    let template = Template::from_matches(op, m).map_err(Failure::Usage)?;
    let args = template.call();
    if op.walk.is_some() && m.get_flag("all") {
        let items = walk(&client, op, args)?;
        output::print_items(&items, format).or_else(written)?;
        return Ok(Exit::Ok);
    }
    let result = adapty_server::runtime::block_on({
        let (client, args) = (client.clone(), args.clone());
        async move { ops::call(&client, op.name, &args).await }
    })?;
    let value: Value = serde_json::from_str(result.get()).map_err(|e| Failure::Other(e.to_string()))?;
    output::print(&value, format).or_else(written)?;
    Ok(Exit::Ok)
}

/// A write to stdout that failed: a reader that stopped reading (`adapty-server ... | head`) is no
/// failure of ours.
fn written(e: std::io::Error) -> Result<(), Failure> {
    if e.kind() == std::io::ErrorKind::BrokenPipe { Ok(()) } else { Err(Failure::Other(e.to_string())) }
}

/// The client the global flags (and environment) configure: any of the three keys is enough
/// (the core refuses a call whose API's key is missing, naming it).
fn client(matches: &ArgMatches) -> Result<Client, Failure> {
    let mut options = Map::new();
    for name in commands::KEYS {
        if let Some(key) = key(matches, name)? {
            options.insert(name.into(), Value::String(key));
        }
    }
    if options.is_empty() {
        return Err(Failure::Usage(
            "no API key: set ADAPTY_API_KEY (ADAPTY_PUBLIC_API_KEY for the Web API, ADAPTY_MAIL_API_KEY for the Mail API), \
             or give --api-key-file FILE"
                .into(),
        ));
    }
    for name in commands::URLS {
        if let Some(v) = matches.get_one::<String>(&commands::kebab(name)) {
            options.insert(name.into(), Value::String(v.clone()));
        }
    }
    if let Some(v) = matches.get_one::<String>("api-version") {
        options.insert("api_version".into(), Value::String(v.clone()));
    }
    if let Some(t) = matches.get_one::<f64>("timeout") {
        options.insert("timeout".into(), json!(t));
    }
    if let Some(n) = matches.get_one::<u32>("max-retries") {
        options.insert("max_retries".into(), json!(n));
    }
    options.insert("language".into(), json!(["cli", env!("CARGO_PKG_VERSION")]));
    let config = Config::from_json(&Value::Object(options)).map_err(|e| Failure::Usage(e.to_string()))?;
    Client::new(config).map_err(Failure::from)
}

/// The key `name` (a client option): the first line of its `--*-file` if given, else its flag or
/// environment variable.
fn key(matches: &ArgMatches, name: &str) -> Result<Option<String>, Failure> {
    let file_flag = commands::file_flag(name);
    match matches.get_one::<String>(&file_flag) {
        Some(file) => {
            let text = std::fs::read_to_string(file).map_err(|e| Failure::Usage(format!("--{file_flag} {file}: {e}")))?;
            Ok(Some(text.lines().next().unwrap_or_default().trim().to_owned()))
        }
        None => Ok(matches.get_one::<String>(&commands::kebab(name)).cloned()),
    }
}

/// Every item of every page of a list operation.
fn walk(client: &Client, op: &'static Operation, args: Value) -> Result<Vec<Value>, Failure> {
    let walk = ops::Walk::new(client, op.name, args)?;
    let items = adapty_server::runtime::block_on(async move {
        let mut items = Vec::new();
        while let Some(page) = walk.next().await? {
            let page: Vec<Value> =
                serde_json::from_str(page.get()).map_err(|e| adapty_server::Error::Internal { message: e.to_string() })?;
            items.extend(page);
        }
        Ok(items)
    })?;
    Ok(items)
}

/// Runs `op` once per input of `--from`.
fn bulk_job(op: &'static Operation, m: &ArgMatches, client: &Client) -> Result<Exit, Failure> {
    let single = commands::single(op);
    let template = Template::from_matches(single, m).map_err(Failure::Usage)?;
    let from = m.get_one::<String>("from").cloned().unwrap_or_default();
    let text = inputs::read(&from).map_err(|e| Failure::Usage(format!("--from {from}: {e}")))?;
    let id_key = if m.get_one::<String>("ids").map(String::as_str) == Some("profile-id") { "profile_id" } else { "customer_user_id" };
    let job = bulk::Job {
        template,
        inputs: inputs::parse(&text, id_key),
        text,
        concurrency: usize::from(m.get_one::<u16>("concurrency").copied().unwrap_or(16)),
        checkpoint: m.get_one::<String>("checkpoint").cloned(),
        report: m.get_one::<String>("report").cloned(),
        dry_run: m.get_flag("dry-run"),
        yes: m.get_flag("yes"),
        destructive: commands::destructive(op),
        from_stdin: from == "-",
    };
    job.run(client)
}

/// `--verbose`: each request and response on stderr (the core's `adapty_server::wire` texts,
/// the key redacted), and its retries.
fn verbose() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::new(format!("adapty_server=info,{}=trace", ops::observe::WIRE));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .with_target(false)
        .with_level(false)
        .with_ansi(false)
        .init();
}
