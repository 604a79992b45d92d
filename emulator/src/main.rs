//! `adapty-emulator`: serves the emulator and prints its base URL as the first line of stdout.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use adapty_emulator::{DEFAULT_APP_ID, Emulator, Settings};

const USAGE: &str = "usage: adapty-emulator [--port N] [--host ADDR] [--api-key KEY | --accept-any-key] [--app-id UUID]
                       [--exit-on-stdin-close] [--webhook-url URL [--webhook-authorization VALUE]]

  --port N               port to listen on (default 0: a free port)
  --host ADDR            address to bind (default 127.0.0.1)
  --api-key KEY          the accepted secret key (default $ADAPTY_API_KEY; if neither, any key)
  --accept-any-key       accept any key, each distinct key an app of its own (its own profiles,
                         catalog, clock, faults and webhooks): parallel test workers share one
                         emulator by using different keys
  --app-id UUID          app id reported in profiles
  --exit-on-stdin-close  stop when standard input closes (for test harnesses)
  --webhook-url URL      send webhooks there (the production endpoint; POST /__emulator/config
                         sets it and the sandbox one too)
  --webhook-authorization VALUE  the Authorization header webhooks carry

The first line of stdout is the base URL, e.g. http://127.0.0.1:41234";

struct Args {
    addr: SocketAddr,
    settings: Settings,
    exit_on_stdin_close: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut host: IpAddr = [127, 0, 0, 1].into();
    let mut port = 0u16;
    let mut api_key = std::env::var("ADAPTY_API_KEY").ok().filter(|k| !k.is_empty());
    let mut app_id = DEFAULT_APP_ID;
    let mut exit_on_stdin_close = false;
    let mut tenant_per_key = false;
    let mut webhook_url = None;
    let mut webhook_authorization = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--port" => port = value("--port")?.parse().map_err(|_| "--port takes a number from 0 to 65535")?,
            "--host" => host = value("--host")?.parse().map_err(|_| "--host takes an IP address")?,
            "--api-key" => api_key = Some(value("--api-key")?),
            "--app-id" => app_id = value("--app-id")?.parse().map_err(|_| "--app-id takes a UUID")?,
            "--exit-on-stdin-close" => exit_on_stdin_close = true,
            "--accept-any-key" => tenant_per_key = true,
            "--webhook-url" => webhook_url = Some(value("--webhook-url")?),
            "--webhook-authorization" => webhook_authorization = Some(value("--webhook-authorization")?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if webhook_authorization.is_some() && webhook_url.is_none() {
        return Err("--webhook-authorization needs --webhook-url".into());
    }
    if tenant_per_key {
        if std::env::args().any(|a| a == "--api-key") {
            return Err("--accept-any-key and --api-key exclude each other".into());
        }
        api_key = None;
    }
    let webhook = webhook_url.map(|url| (url, webhook_authorization));
    let settings = Settings { api_key, tenant_per_key, app_id, webhook };
    Ok(Args { addr: SocketAddr::new(host, port), settings, exit_on_stdin_close })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("adapty-emulator: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("ADAPTY_EMULATOR_LOG").unwrap_or_else(|_| "warn".into()))
        .init();
    if args.settings.api_key.is_none() && !args.settings.tenant_per_key {
        eprintln!("adapty-emulator: no --api-key given; accepting any key");
    }
    let emulator = match Emulator::start(args.addr, args.settings).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("adapty-emulator: cannot listen on {}: {e}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{}", emulator.base_url());
    let _ = out.flush();
    let stdin_closed = async {
        if args.exit_on_stdin_close {
            let _ = tokio::task::spawn_blocking(|| std::io::copy(&mut std::io::stdin(), &mut std::io::sink())).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate() => {}
        _ = stdin_closed => {}
    }
    emulator.stop().await;
    ExitCode::SUCCESS
}

#[cfg(unix)]
async fn terminate() {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut s) => {
            s.recv().await;
        }
        Err(_) => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn terminate() {
    std::future::pending().await
}
