//! The command tree, built from the core's operation manifest: a subcommand per namespace
//! (`access-levels`), a subcommand per operation (`grant`), a flag per argument and per field
//! of its request body (`--access-level-id`). A new operation in the manifest is a new command
//! here with no code of its own.

use adapty_server::ops::manifest::{Addressing, CLIENT_OPTIONS, NAMESPACES, OPERATIONS, Operation, Param, ParamKind};
use clap::{Arg, ArgAction, Command, value_parser};

use crate::bodies;
use crate::fields::Kind;

/// `accessLevels` → `access-levels`.
pub fn kebab(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(if c == '_' { '-' } else { c });
        }
    }
    out
}

/// The operation a command names.
pub fn operation(namespace: &str, command: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().copied().find(|op| kebab(op.namespace) == namespace && kebab(op.method) == command)
}

/// The one-profile operation a list of profiles runs: `profiles.deleteMany` runs
/// `profiles.delete` per input (same endpoint), so each input is its own recorded request.
pub fn single(op: &'static Operation) -> &'static Operation {
    let takes_list = op.params.iter().any(|p| p.kind == ParamKind::ProfileRefs);
    let same_endpoint =
        |o: &&&Operation| o.http.path == op.http.path && o.http.method == op.http.method && o.profile == Addressing::Profile;
    if takes_list { OPERATIONS.iter().find(same_endpoint).copied().unwrap_or(op) } else { op }
}

/// Whether `op` can run as a bulk job (`--from`): it acts on one profile, or is a list operation.
pub fn bulk(op: &Operation) -> bool {
    op.profile == Addressing::Profile || op.params.iter().any(|p| p.kind == ParamKind::ProfileRefs)
}

/// Whether a bulk job of `op` destroys something (and so asks first unless `--yes`).
pub fn destructive(op: &'static Operation) -> bool {
    matches!(single(op).name, "profiles.delete" | "accessLevels.revoke")
}

/// The command's name, as Cargo builds it (the `[[bin]]` of Cargo.toml): `adapty-server`, beside
/// Adapty's own Developer CLI, `adapty`.
pub const BIN: &str = env!("CARGO_BIN_NAME");

const EXIT_CODES: &str = "\
Exit codes:
  0  every request (every input of a bulk job) succeeded
  1  a request failed (some inputs of a bulk job failed; see --report)
  2  usage or configuration error (a flag, an input line, the key missing)
  3  the API refused the key (401)
  130  interrupted (Ctrl-C); a bulk job with --checkpoint continues where it stopped";

/// The whole command line.
pub fn build() -> Command {
    let mut root = Command::new(BIN)
        .version(env!("CARGO_PKG_VERSION"))
        .about("Adapty's server-side API from the command line: every operation, resumable bulk jobs.")
        .long_about(
            "Adapty's server-side API from the command line: every operation of the SDK, bulk jobs over files of \
             profiles that resume after a crash, output as a table, JSON, JSON lines or CSV.",
        )
        .after_help(format!(
            "Examples:\n  {BIN} profiles get --customer-user-id user-1\n  {BIN} access-levels grant --customer-user-id user-1 \
             --access-level-id premium --expires-at 2027-01-01T00:00:00Z\n  {BIN} paywalls list --all --output jsonl\n  \
             {BIN} profiles delete-many --from ids.csv --checkpoint gdpr.ckpt --report gdpr.jsonl\n\n{EXIT_CODES}"
        ))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_args());
    for (namespace, doc) in NAMESPACES {
        let mut group = Command::new(kebab(namespace)).about(*doc).subcommand_required(true).arg_required_else_help(true);
        for op in OPERATIONS.iter().filter(|op| op.namespace == *namespace) {
            group = group.subcommand(command(op));
        }
        root = root.subcommand(group);
    }
    root.subcommand(crate::webhooks::command())
        .subcommand(
            Command::new("completion")
                .about(format!("Prints a shell completion script: {BIN} completion bash > /etc/bash_completion.d/{BIN}"))
                .arg(Arg::new("shell").required(true).value_parser(["bash", "zsh", "fish", "elvish", "powershell"])),
        )
        .subcommand(Command::new("man").about(format!("Prints the manual page (roff): {BIN} man > {BIN}.1")))
}

/// The client options given as flags (`--api-key`, by the core's names in kebab case, which are
/// also their ids): each API's key (also read from a file) and each API's host. Their
/// environment variables and docs are the core's (`CLIENT_OPTIONS`), so a key or host the core
/// adds needs only its name here.
pub const KEYS: [&str; 3] = ["api_key", "public_api_key", "mail_api_key"];
pub const URLS: [&str; 3] = ["base_url", "analytics_base_url", "mail_base_url"];

/// `--api-key-file` for `api_key`.
pub fn file_flag(key: &str) -> String {
    format!("{}-file", kebab(key))
}

fn global_args() -> Vec<Arg> {
    let global = |arg: Arg| arg.global(true).help_heading("Connection and output");
    let mut args = Vec::new();
    for option in CLIENT_OPTIONS.iter().filter(|o| KEYS.contains(&o.name)) {
        let (flag, file) = (kebab(option.name), file_flag(option.name));
        let mut key = Arg::new(flag.clone())
            .long(flag.clone())
            .value_name("KEY")
            .hide_env_values(true)
            .help(format!("{} Prefer the variable or --{file} (a flag shows in the process list). Never printed.", option.doc));
        if let Some(env) = option.env {
            key = key.env(env);
        }
        args.push(global(key));
        args.push(global(Arg::new(file.clone()).long(file).value_name("FILE").help(format!("Read --{flag} from FILE (its first line)."))));
    }
    for option in CLIENT_OPTIONS.iter().filter(|o| URLS.contains(&o.name)) {
        let mut url = Arg::new(kebab(option.name)).long(kebab(option.name)).value_name("URL").help(option.doc);
        if let Some(env) = option.env {
            url = url.env(env);
        }
        args.push(global(url));
    }
    args.extend([
        global(Arg::new("api-version").long("api-version").value_parser(["v1", "v2"]).help("The Profile API's generation (default v2).")),
        global(
            Arg::new("timeout")
                .long("timeout")
                .value_name("SECONDS")
                .value_parser(value_parser!(f64))
                .help("Time for one attempt (default 30)."),
        ),
        global(
            Arg::new("max-retries")
                .long("max-retries")
                .value_name("N")
                .value_parser(value_parser!(u32))
                .help("Retries of connection errors, timeouts, 429 and 5xx (default 2)."),
        ),
        global(
            Arg::new("output")
                .long("output")
                .short('o')
                .value_parser(["table", "json", "jsonl", "csv"])
                .help("How results are printed (default: table on a terminal, json otherwise)."),
        ),
        global(
            Arg::new("verbose")
                .long("verbose")
                .short('v')
                .action(ArgAction::SetTrue)
                .help("Print each request and response on stderr, as curl -v does (the key redacted)."),
        ),
    ]);
    args
}

fn command(op: &'static Operation) -> Command {
    let summary = op.doc.split(". ").next().unwrap_or(op.doc).trim_end_matches('.');
    let mut cmd = Command::new(kebab(op.method)).about(summary.to_owned()).long_about(op.doc).after_help(examples(op));
    let takes_list = op.params.iter().any(|p| p.kind == ParamKind::ProfileRefs);
    if op.profile != Addressing::None {
        cmd = cmd
            .arg(Arg::new("profile_id").long("profile-id").value_name("UUID").help("Adapty's id of the profile."))
            .arg(Arg::new("customer_user_id").long("customer-user-id").value_name("ID").help("Your id of the profile."));
    }
    for p in positional(op) {
        let name = p.name.to_uppercase();
        cmd = cmd.arg(Arg::new(p.name).value_name(name.clone()).required_unless_present(flag_id(p)).help(p.doc)).arg(
            Arg::new(flag_id(p)).long(kebab(p.name)).value_name(name.clone()).conflicts_with(p.name).help(format!("{name}, as a flag.")),
        );
    }
    let rest = |p: &&Param| !(p.required && p.kind == ParamKind::Text) && p.kind != ParamKind::ProfileRefs && p.name != "concurrency";
    for p in op.params.iter().filter(rest) {
        let arg = Arg::new(p.name).long(kebab(p.name)).required(p.required).help(p.doc);
        cmd = cmd.arg(match p.kind {
            ParamKind::Count => arg.value_name("N").value_parser(value_parser!(u32)),
            _ => arg.value_name("TEXT"),
        });
    }
    if op.walk.is_some() {
        let help = "Every item of every page (one request per page), instead of one page.";
        cmd = cmd.arg(Arg::new("all").long("all").action(ArgAction::SetTrue).help(help).conflicts_with("cursor"));
    }
    if let Some(model) = op.body {
        cmd = cmd.arg(
            Arg::new("json")
                .long("json")
                .value_name("FILE|-")
                .help_heading("Request body")
                .help("The request body as a JSON object from FILE (or - for stdin); the flags below override its keys."),
        );
        for field in bodies::fields(model) {
            let values = match field.kind {
                Kind::Bool => "BOOL",
                Kind::Integer | Kind::Number => "NUMBER",
                Kind::DateTime => "TIME",
                Kind::Json => "JSON",
                _ => "TEXT",
            };
            cmd = cmd.arg(Arg::new(field.name).long(field.flag()).value_name(values).help_heading("Request body").help(field.help()));
        }
    }
    if bulk(op) {
        cmd = cmd.args(bulk_args(takes_list));
    }
    cmd
}

/// The text arguments `op` cannot run without, in the order of the endpoint's path: the path
/// parameter, then the required ones. Each is given by position (`legacy grant USER premium`,
/// `paywalls get ID`) or by its flag (`--user-id USER --access-level premium`).
pub fn positional(op: &Operation) -> impl Iterator<Item = &Param> {
    op.path_param.iter().chain(op.params.iter().filter(|p| p.required && p.kind == ParamKind::Text))
}

/// The id of a positional argument's flag: its spelling (`--user-id`), which no other argument's
/// id (snake case) can be.
pub fn flag_id(p: &Param) -> String {
    format!("--{}", kebab(p.name))
}

/// The flags of a bulk job; `--from` is required when the command only takes a list.
fn bulk_args(list_only: bool) -> Vec<Arg> {
    let bulk = |arg: Arg| arg.help_heading("Bulk job");
    vec![
        bulk(Arg::new("from").long("from").value_name("FILE|-").required(list_only).help(
            "Run once per input: a CSV whose header names customer_user_id or profile_id, JSON lines (the ids and any flag's \
             field), or one id per line.",
        )),
        bulk(
            Arg::new("ids")
                .long("ids")
                .value_parser(["customer-user-id", "profile-id"])
                .default_value("customer-user-id")
                .help("What the ids of a one-id-per-line input are."),
        ),
        bulk(
            Arg::new("concurrency")
                .long("concurrency")
                .value_name("N")
                .value_parser(value_parser!(u16).range(1..=256))
                .default_value("16")
                .help("Requests in flight at once. A 429 pauses them all for its Retry-After."),
        ),
        bulk(Arg::new("checkpoint").long("checkpoint").value_name("FILE").help(
            "Record every input started and finished in FILE, durably; the same command with the same FILE continues where \
             an interrupted run stopped, sending nothing again that had finished.",
        )),
        bulk(
            Arg::new("report")
                .long("report")
                .value_name("FILE")
                .help("Write one JSON line per input, in input order: the input, ok, status, error_code, request_id, error."),
        ),
        bulk(Arg::new("dry-run").long("dry-run").action(ArgAction::SetTrue).help("Check every input as the SDK does; send nothing.")),
        bulk(Arg::new("yes").long("yes").short('y').action(ArgAction::SetTrue).help("Do not ask before a destructive job.")),
    ]
}

/// Examples for a command's help, made from its description.
fn examples(op: &Operation) -> String {
    let mut line = format!("{BIN} {} {}", kebab(op.namespace), kebab(op.method));
    let takes_list = op.params.iter().any(|p| p.kind == ParamKind::ProfileRefs);
    if op.profile != Addressing::None && !takes_list {
        line.push_str(" --customer-user-id user-1");
    }
    for p in positional(op) {
        line.push_str(&format!(" {}", p.name.to_uppercase()));
    }
    for field in op.body.map(bodies::fields).unwrap_or_default().iter().filter(|f| f.required) {
        let sample = match field.kind {
            Kind::Text([first, ..]) | Kind::OneOf([first, ..]) => (*first).to_owned(),
            Kind::Text(_) | Kind::OneOf(_) => "TEXT".into(),
            Kind::DateTime => "2026-01-31T10:00:00Z".into(),
            Kind::Integer => "1".into(),
            Kind::Number => "9.99".into(),
            Kind::Bool => "true".into(),
            Kind::Json => "'{...}'".into(),
        };
        line.push_str(&format!(" --{} {sample}", field.flag()));
    }
    let mut text = format!("Example:\n  {line}");
    if takes_list {
        text = format!("Example:\n  {line} --from ids.csv --checkpoint job.ckpt --report report.jsonl");
    } else if bulk(op) {
        let ns = kebab(op.namespace);
        let cmd = kebab(op.method);
        text.push_str(&format!(
            "\n  {BIN} {ns} {cmd} --from inputs.jsonl --checkpoint job.ckpt --report report.jsonl   # one request per line"
        ));
    }
    if op.walk.is_some() {
        text.push_str(&format!("\n  {BIN} {} {} --all --output jsonl", kebab(op.namespace), kebab(op.method)));
    }
    format!("{text}\n\n{EXIT_CODES}")
}
