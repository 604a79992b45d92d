//! `adapty-emulator exec -- CMD`: runs CMD against the emulator and reports CMD's exit code.

use std::ffi::OsString;
use std::process::ExitStatus;

use adapty_emulator::Emulator;

/// Exit code of a failure of the emulator itself (as `docker run` uses it).
pub const EMULATOR_FAILED: u8 = 125;
/// Exit codes of a command that cannot run or is not found (as a shell's).
const NOT_EXECUTABLE: u8 = 126;
const NOT_FOUND: u8 = 127;

/// The key a command gets when the emulator accepts any.
const ANY_KEY: &str = "secret_emulator_key";

/// Runs `command` with `ADAPTY_BASE_URL`, `ADAPTY_EMULATOR_URL` and `ADAPTY_API_KEY` set to the
/// emulator; returns the exit code to end with. `SIGTERM` and `SIGHUP` are passed on to the
/// command; `SIGINT` is not (a terminal's Ctrl-C reaches the command itself), and the emulator
/// keeps serving until the command ends.
pub async fn run(emulator: &Emulator, api_key: Option<&str>, command: &[OsString]) -> u8 {
    let (program, args) = command.split_first().expect("parse refuses an empty command");
    let key = api_key.map(str::to_owned).or_else(|| std::env::var("ADAPTY_API_KEY").ok().filter(|k| !k.is_empty()));
    let mut child = match tokio::process::Command::new(program)
        .args(args)
        .env("ADAPTY_BASE_URL", emulator.base_url())
        .env("ADAPTY_EMULATOR_URL", emulator.base_url())
        .env("ADAPTY_API_KEY", key.as_deref().unwrap_or(ANY_KEY))
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            eprintln!("adapty-emulator: cannot run {program:?}: {e}");
            return if e.kind() == std::io::ErrorKind::NotFound { NOT_FOUND } else { NOT_EXECUTABLE };
        }
    };
    let status = wait_passing_signals(&mut child).await;
    match status {
        Ok(status) => exit_code(status),
        Err(e) => {
            eprintln!("adapty-emulator: lost the command: {e}");
            EMULATOR_FAILED
        }
    }
}

#[cfg(unix)]
async fn wait_passing_signals(child: &mut tokio::process::Child) -> std::io::Result<ExitStatus> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    // Registered so a Ctrl-C does not stop the emulator under the command.
    let mut int = signal(SignalKind::interrupt())?;
    loop {
        let passed = tokio::select! {
            status = child.wait() => return status,
            _ = term.recv() => libc::SIGTERM,
            _ = hup.recv() => libc::SIGHUP,
            _ = int.recv() => continue,
        };
        if let Some(pid) = child.id() {
            // SAFETY: `kill` has no memory effects; `pid` is our running child's.
            unsafe { libc::kill(pid as libc::pid_t, passed) };
        }
    }
}

/// Windows delivers a Ctrl-C to every process of the console, the command's too: nothing to
/// pass on, only the emulator to keep up until the command has ended.
#[cfg(windows)]
async fn wait_passing_signals(child: &mut tokio::process::Child) -> std::io::Result<ExitStatus> {
    let mut ctrl_c = tokio::signal::windows::ctrl_c()?;
    loop {
        tokio::select! {
            status = child.wait() => return status,
            _ = ctrl_c.recv() => {}
        }
    }
}

/// The command's exit code, or 128+N when a signal N ended it (as a shell reports it).
fn exit_code(status: ExitStatus) -> u8 {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return (128 + signal).clamp(0, 255) as u8;
    }
    status.code().map_or(EMULATOR_FAILED, |c| (c & 0xff) as u8)
}
