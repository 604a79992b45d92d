//! How `adapty-server` ends: its exit codes, and the failures that end it early.

/// The exit codes, as `adapty-server --help` lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every request (every input) succeeded.
    Ok = 0,
    /// A request failed; in a bulk job, some inputs failed.
    Failed = 1,
    /// A flag, an input or the configuration is wrong (nothing was sent for it).
    Usage = 2,
    /// The API refused the key.
    Auth = 3,
    /// Ctrl-C.
    Interrupted = 130,
}

/// What ends a command before it has a result to print.
#[derive(Debug)]
pub enum Failure {
    Usage(String),
    Auth(String),
    Other(String),
}

impl Failure {
    /// Prints the message on stderr and gives the exit code.
    pub fn report(self) -> Exit {
        let (exit, message) = match self {
            Failure::Usage(m) => (Exit::Usage, m),
            Failure::Auth(m) => (Exit::Auth, m),
            Failure::Other(m) => (Exit::Failed, m),
        };
        eprintln!("{}: {message}", crate::commands::BIN);
        exit
    }
}

/// The failure an SDK error stands for: refused before sending (validation, usage) is a usage
/// error, a refused key an authentication failure, anything else a failed request.
impl From<adapty_server::Error> for Failure {
    fn from(e: adapty_server::Error) -> Self {
        use adapty_server::ErrorKind;
        let message = e.to_string();
        match (e.kind(), e.api().map(|a| a.status)) {
            (ErrorKind::Validation | ErrorKind::Usage, _) => Failure::Usage(message),
            (_, Some(401)) => Failure::Auth(message),
            _ => Failure::Other(message),
        }
    }
}
