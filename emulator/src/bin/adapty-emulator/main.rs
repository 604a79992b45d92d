//! `adapty-emulator`: serves the emulator and prints its base URL as the first line of stdout, or
//! (`exec`) serves it while a command runs, or prints the control plane's OpenAPI document.

mod args;
mod exec;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use adapty_emulator::Emulator;
use args::{Command, Serve};

#[tokio::main]
async fn main() -> ExitCode {
    let command = match args::parse(std::env::args_os()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("ADAPTY_EMULATOR_LOG").unwrap_or_else(|_| "warn".into()))
        .init();
    match command {
        Command::PrintOpenApi => {
            print!("{}", adapty_emulator::openapi_document());
            ExitCode::SUCCESS
        }
        Command::Serve(options) => serve(options).await,
        Command::Exec(options, command) => {
            let Some(emulator) = start(&options).await else { return ExitCode::from(exec::EMULATOR_FAILED) };
            let code = exec::run(&emulator, options.settings.api_key.as_deref(), &command).await;
            let exported = stop(emulator, &options).await;
            ExitCode::from(if exported { code } else { exec::EMULATOR_FAILED })
        }
    }
}

/// Serves until Ctrl-C, SIGTERM or (if asked) the end of stdin.
async fn serve(options: Serve) -> ExitCode {
    if options.settings.api_key.is_none() && !options.settings.tenant_per_key {
        eprintln!("adapty-emulator: no --api-key given; accepting any key");
    }
    let Some(emulator) = start(&options).await else { return ExitCode::FAILURE };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{}", emulator.base_url());
    let _ = out.flush();
    let stdin_closed = async {
        if options.exit_on_stdin_close {
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
    if stop(emulator, &options).await { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

async fn start(options: &Serve) -> Option<Emulator> {
    let started = match &options.tls {
        Some(tls) => Emulator::start_tls(options.addr, options.settings.clone(), tls).await,
        None => Emulator::start(options.addr, options.settings.clone()).await,
    };
    match started {
        Ok(e) => Some(e),
        Err(e) => {
            eprintln!("adapty-emulator: cannot listen on {}: {e}", options.addr);
            None
        }
    }
}

/// Stops the emulator and writes its snapshots if asked; `false` if they could not be written.
async fn stop(mut emulator: Emulator, options: &Serve) -> bool {
    emulator.stop().await;
    let Some(path) = &options.export_on_exit else { return true };
    match write_snapshots(path, &emulator.snapshots(), options.settings.tenant_per_key) {
        Ok(()) => true,
        Err(e) => {
            eprintln!("adapty-emulator: cannot export to {}: {e}", path.display());
            false
        }
    }
}

/// One app: its snapshot at `path`. An app per key: `path` is a directory of `ID.json`.
fn write_snapshots(path: &Path, snapshots: &[(String, String)], per_key: bool) -> std::io::Result<()> {
    if !per_key {
        return snapshots.iter().try_for_each(|(_, text)| std::fs::write(path, text));
    }
    std::fs::create_dir_all(path)?;
    snapshots.iter().try_for_each(|(id, text)| std::fs::write(path.join(format!("{id}.json")), text))
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

/// Windows' nearest to SIGTERM: the console closing, which leaves a few seconds to export.
#[cfg(windows)]
async fn terminate() {
    match tokio::signal::windows::ctrl_close() {
        Ok(mut close) => {
            close.recv().await;
        }
        Err(_) => std::future::pending().await,
    }
}
