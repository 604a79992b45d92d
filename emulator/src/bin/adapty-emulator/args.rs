//! The command line: `adapty-emulator [OPTIONS]` serves, `adapty-emulator exec [OPTIONS] -- CMD
//! [ARGS...]` serves while CMD runs.

use std::ffi::OsString;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use adapty_emulator::{DEFAULT_APP_ID, Settings, Snapshot};

pub const USAGE: &str = "usage: adapty-emulator [OPTIONS]
       adapty-emulator exec [OPTIONS] -- CMD [ARGS...]

Serves a local, stateful Adapty server-side API; the first line of stdout is its base URL, e.g.
http://127.0.0.1:41234. `exec` runs CMD with ADAPTY_BASE_URL and ADAPTY_API_KEY set to it, stops
it when CMD ends, and exits with CMD's exit code (128+N if a signal N ended CMD; 125 if the
emulator itself failed; 126/127 if CMD could not be run or found).

options:
  --port N               port to listen on (default 0: a free port)
  --host ADDR            address to bind (default 127.0.0.1)
  --api-key KEY          the accepted secret key (default $ADAPTY_API_KEY; if neither, any key)
  --accept-any-key       accept any key, each distinct key an app of its own (its own profiles,
                         catalog, clock, faults and webhooks): parallel test workers share one
                         emulator by using different keys
  --app-id UUID          app id reported in profiles
  --import FILE          start every app from this snapshot (GET /__emulator/snapshot); a reset
                         returns to it
  --export-on-exit PATH  when stopping, write the app's snapshot to PATH (with --accept-any-key:
                         PATH is a directory, one ID.json per app)
  --webhook-url URL      send webhooks there (the production endpoint; POST /__emulator/config
                         sets it and the sandbox one too)
  --webhook-authorization VALUE  the Authorization header webhooks carry
  --exit-on-stdin-close  stop when standard input closes (for test harnesses; not with exec)";

/// What to do.
pub enum Command {
    /// Serve until stopped.
    Serve(Options),
    /// Serve while this command runs.
    Exec(Options, Vec<OsString>),
}

pub struct Options {
    pub addr: SocketAddr,
    pub settings: Settings,
    pub exit_on_stdin_close: bool,
    pub export_on_exit: Option<PathBuf>,
}

/// Reads the command line (without the program name). `Err("")`: `--help`.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut args = args.into_iter().peekable();
    let exec = args.next_if(|a| a == "exec").is_some();
    let mut host: IpAddr = [127, 0, 0, 1].into();
    let mut port = 0u16;
    let mut api_key = None;
    let mut app_id = DEFAULT_APP_ID;
    let mut exit_on_stdin_close = false;
    let mut tenant_per_key = false;
    let mut webhook_url = None;
    let mut webhook_authorization = None;
    let mut start = None;
    let mut export_on_exit = None;
    let mut command = Vec::new();
    while let Some(arg) = args.next() {
        let arg = arg.into_string().map_err(|a| format!("argument {a:?} is not UTF-8"))?;
        if arg == "--" && exec {
            command.extend(args.by_ref());
            break;
        }
        let mut value = |name: &str| args.next().and_then(|v| v.into_string().ok()).ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--port" => port = value("--port")?.parse().map_err(|_| "--port takes a number from 0 to 65535")?,
            "--host" => host = value("--host")?.parse().map_err(|_| "--host takes an IP address")?,
            "--api-key" => api_key = Some(value("--api-key")?),
            "--app-id" => app_id = value("--app-id")?.parse().map_err(|_| "--app-id takes a UUID")?,
            "--exit-on-stdin-close" if exec => return Err("--exit-on-stdin-close is not for exec: the command has the input".into()),
            "--exit-on-stdin-close" => exit_on_stdin_close = true,
            "--accept-any-key" => tenant_per_key = true,
            "--webhook-url" => webhook_url = Some(value("--webhook-url")?),
            "--webhook-authorization" => webhook_authorization = Some(value("--webhook-authorization")?),
            "--import" => {
                let path = value("--import")?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
                start = Some(Snapshot::from_json(&text).map_err(|e| format!("{path}: {e}"))?);
            }
            "--export-on-exit" => export_on_exit = Some(PathBuf::from(value("--export-on-exit")?)),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if webhook_authorization.is_some() && webhook_url.is_none() {
        return Err("--webhook-authorization needs --webhook-url".into());
    }
    if tenant_per_key && api_key.is_some() {
        return Err("--accept-any-key and --api-key exclude each other".into());
    }
    if !tenant_per_key {
        api_key = api_key.or_else(|| std::env::var("ADAPTY_API_KEY").ok().filter(|k| !k.is_empty()));
    }
    let webhook = webhook_url.map(|url| (url, webhook_authorization));
    let settings = Settings { api_key, tenant_per_key, app_id, webhook, start };
    let options = Options { addr: SocketAddr::new(host, port), settings, exit_on_stdin_close, export_on_exit };
    match (exec, command.is_empty()) {
        (false, _) => Ok(Command::Serve(options)),
        (true, true) => Err("exec needs a command: adapty-emulator exec [OPTIONS] -- CMD [ARGS...]".into()),
        (true, false) => Ok(Command::Exec(options, command)),
    }
}
