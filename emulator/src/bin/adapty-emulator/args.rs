//! The command line (clap): `adapty-emulator [OPTIONS]` serves, `adapty-emulator exec [OPTIONS]
//! -- CMD [ARGS...]` serves while CMD runs, `adapty-emulator --print-openapi` prints the control
//! plane's description.

use std::ffi::OsString;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use adapty_emulator::{DEFAULT_APP_ID, Settings, Snapshot, Tls};
use clap::{Args, Parser, Subcommand};
use uuid::Uuid;

use crate::exec::EMULATOR_FAILED;

/// Exit code of a wrong command line when serving (clap's and the shells' convention).
const USAGE: u8 = 2;

/// Serves a local, stateful Adapty server-side API; the first line of stdout is its base URL,
/// e.g. http://127.0.0.1:41234.
#[derive(Debug, Parser)]
#[command(
    name = "adapty-emulator",
    version,
    override_usage = "adapty-emulator [OPTIONS]\n       adapty-emulator exec [OPTIONS] -- CMD [ARGS...]",
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true,
    after_help = "The control plane (reset, seed, faults, the clock, snapshots, webhooks) is under /__emulator/, described at \
                  /__emulator/openapi.json; the web UI is at /__emulator/ui/. See docs/EMULATOR.md."
)]
struct Cli {
    #[command(flatten)]
    options: Options,
    /// Stop when standard input closes (for test harnesses; not with exec)
    #[arg(long)]
    exit_on_stdin_close: bool,
    /// Print the control plane's OpenAPI document (what /__emulator/openapi.json serves) and exit
    #[arg(long)]
    print_openapi: bool,
    #[command(subcommand)]
    exec: Option<Exec>,
}

#[derive(Debug, Subcommand)]
enum Exec {
    /// Run CMD with ADAPTY_BASE_URL, ADAPTY_EMULATOR_URL and ADAPTY_API_KEY set to the emulator,
    /// stop it when CMD ends, and exit with CMD's exit code
    #[command(
        override_usage = "adapty-emulator exec [OPTIONS] -- CMD [ARGS...]",
        after_help = "Exit code: CMD's; 128+N if a signal N ended CMD; 125 if the emulator itself failed (bad options, an \
                      unreadable --import, a port in use, an export that could not be written); 126/127 if CMD could not be \
                      run or was not found. SIGTERM and SIGHUP are passed on to CMD."
    )]
    Exec {
        #[command(flatten)]
        options: Options,
        /// The command and its arguments, after `--`
        #[arg(last = true, required = true, value_name = "CMD")]
        command: Vec<OsString>,
    },
}

/// The options of serving, with or without `exec`.
#[derive(Debug, Args)]
struct Options {
    /// Port to listen on (0: a free port)
    #[arg(long, value_name = "N", default_value_t = 0)]
    port: u16,
    /// Address to bind
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    host: IpAddr,
    /// The accepted secret key (default $ADAPTY_API_KEY; if neither, any key)
    #[arg(long, value_name = "KEY", conflicts_with = "accept_any_key")]
    api_key: Option<String>,
    /// Accept any key, each distinct key an app of its own (its own profiles, catalog, clock, faults and
    /// webhooks): parallel test workers share one emulator by using different keys
    #[arg(long)]
    accept_any_key: bool,
    /// App id reported in profiles
    #[arg(long, value_name = "UUID", default_value_t = DEFAULT_APP_ID)]
    app_id: Uuid,
    /// Start every app from this snapshot (GET /__emulator/snapshot); a reset returns to it
    #[arg(long = "import", value_name = "FILE")]
    import: Option<PathBuf>,
    /// When stopping, write the app's snapshot to PATH (with --accept-any-key: PATH is a directory, one ID.json
    /// per app)
    #[arg(long, value_name = "PATH")]
    export_on_exit: Option<PathBuf>,
    /// Send webhooks there (the production endpoint; POST /__emulator/config sets it and the sandbox one too)
    #[arg(long, value_name = "URL")]
    webhook_url: Option<String>,
    /// The Authorization header webhooks carry
    #[arg(long, value_name = "VALUE", requires = "webhook_url")]
    webhook_authorization: Option<String>,
    /// Serve HTTPS with a throwaway CA made at start, written to --tls-ca-out for clients to trust
    #[arg(long, conflicts_with = "tls_cert")]
    tls: bool,
    /// Where --tls writes its CA certificate (PEM) [default: adapty-emulator-ca.pem in the temporary directory]
    #[arg(long, value_name = "FILE", requires = "tls")]
    tls_ca_out: Option<PathBuf>,
    /// Serve HTTPS with this certificate chain (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

/// What to do.
pub enum Command {
    /// Serve until stopped.
    Serve(Serve),
    /// Serve while this command runs.
    Exec(Serve, Vec<OsString>),
    /// Print the control plane's OpenAPI document.
    PrintOpenApi,
}

/// How to serve.
pub struct Serve {
    pub addr: SocketAddr,
    /// HTTPS, if asked.
    pub tls: Option<Tls>,
    pub settings: Settings,
    pub exit_on_stdin_close: bool,
    pub export_on_exit: Option<PathBuf>,
}

/// Reads the command line (with the program's name first). A wrong one, and `--help`, are
/// printed here and come back as the code to exit with: 2 when serving, 125 for `exec` (the
/// emulator failed, not the command).
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, ExitCode> {
    let args: Vec<OsString> = args.into_iter().collect();
    let failed = ExitCode::from(if args.get(1).is_some_and(|a| a == "exec") { EMULATOR_FAILED } else { USAGE });
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return Err(if e.use_stderr() { failed } else { ExitCode::SUCCESS });
        }
    };
    let command = match cli.exec {
        _ if cli.print_openapi => return Ok(Command::PrintOpenApi),
        None => cli.options.serve(cli.exit_on_stdin_close).map(Command::Serve),
        Some(Exec::Exec { options, command }) => options.serve(false).map(|serve| Command::Exec(serve, command)),
    };
    command.map_err(|message| {
        eprintln!("adapty-emulator: {message}");
        failed
    })
}

impl Options {
    /// How to serve with these options; the error says what is wrong (an unreadable `--import`).
    fn serve(self, exit_on_stdin_close: bool) -> Result<Serve, String> {
        let start = match &self.import {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                Some(Snapshot::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?)
            }
            None => None,
        };
        // With an app per key there is no one key to accept.
        let api_key = match self.accept_any_key {
            true => None,
            false => self.api_key.or_else(|| std::env::var("ADAPTY_API_KEY").ok().filter(|k| !k.is_empty())),
        };
        let tls = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(Tls::from_pem_files(cert, key)?),
            _ if self.tls => {
                let ca_out = self.tls_ca_out.unwrap_or_else(|| std::env::temp_dir().join("adapty-emulator-ca.pem"));
                let tls = Tls::throwaway(&ca_out)?;
                eprintln!("adapty-emulator: serving HTTPS; trust {}", ca_out.display());
                Some(tls)
            }
            _ => None,
        };
        let webhook = self.webhook_url.map(|url| (url, self.webhook_authorization));
        let settings = Settings { api_key, tenant_per_key: self.accept_any_key, app_id: self.app_id, webhook, start };
        let addr = SocketAddr::new(self.host, self.port);
        Ok(Serve { addr, tls, settings, exit_on_stdin_close, export_on_exit: self.export_on_exit })
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    fn parse_ok(args: &[&str]) -> Command {
        let argv = std::iter::once("adapty-emulator").chain(args.iter().copied()).map(OsString::from);
        parse(argv).unwrap_or_else(|_| panic!("{args:?} did not parse"))
    }

    #[test]
    fn exec_takes_the_options_and_the_command_after_the_dashes() {
        let Command::Exec(serve, command) = parse_ok(&["exec", "--accept-any-key", "--port", "8080", "--", "pytest", "-n", "4"]) else {
            panic!("not exec")
        };
        assert_eq!(command, ["pytest", "-n", "4"]);
        assert_eq!(serve.addr.port(), 8080);
        assert!(serve.settings.tenant_per_key && serve.settings.api_key.is_none() && !serve.exit_on_stdin_close);
        let Command::Serve(serve) = parse_ok(&["--api-key", "k", "--exit-on-stdin-close", "--host", "0.0.0.0"]) else {
            panic!("not serve")
        };
        assert_eq!(
            (serve.settings.api_key.as_deref(), serve.exit_on_stdin_close, serve.addr.to_string().as_str()),
            (Some("k"), true, "0.0.0.0:0")
        );
    }
}
