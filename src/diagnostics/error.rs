use std::path::PathBuf;

use super::{Code, Diagnostic, SourceMap};

/// The program's one error type. Script problems carry diagnostics and the
/// sources to render them against; the rest are the operator's set-up.
#[derive(Debug)]
pub enum Error {
    /// The script has errors: exit code 1.
    Script { diagnostics: Vec<Diagnostic>, sources: SourceMap },
    /// A file could not be read or written: exit code 2.
    Io { path: PathBuf, action: &'static str, source: std::io::Error },
    /// A bad command line or configuration: exit code 2.
    Usage(String),
    /// The output folder refused the write (a file tsdsl did not write in
    /// the way, another run writing there...): exit code 2. Diagnostics
    /// without a location, so each can carry its fix as help.
    Output(Vec<Diagnostic>),
    /// The machine's set-up cannot serve the command (credentials, profile,
    /// endpoint): exit code 2, each diagnostic with its code and fix.
    Setup(Vec<Diagnostic>),
    /// A defect of tsdsl itself, not of the script or the set-up: exit code
    /// 70 (`EX_SOFTWARE` of sysexits.h; 3 is `diff`'s "something changes").
    Internal(String),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Script { diagnostics, .. }
                if diagnostics.iter().any(|d| d.code.is_internal()) =>
            {
                70
            }
            Error::Script { .. } => 1,
            Error::Io { .. } | Error::Usage(_) | Error::Output(_) | Error::Setup(_) => 2,
            Error::Internal(_) => 70,
        }
    }

    /// Stable code for the machine formats (`--message-format json|short`).
    pub fn code(&self) -> Code {
        match self {
            Error::Script { .. } => Code::RunScript,
            Error::Io { .. } => Code::CliIo,
            Error::Usage(_) | Error::Setup(_) => Code::CliUsage,
            Error::Output(_) => Code::RunOutput,
            Error::Internal(_) => Code::RunInternal,
        }
    }

    pub fn io(path: impl Into<PathBuf>, action: &'static str, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), action, source }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Script { diagnostics, .. } => {
                let n = diagnostics.iter().filter(|d| d.is_error()).count();
                write!(f, "the script has {n} error(s)")
            }
            Error::Io { path, action, source } => {
                write!(f, "cannot {action} `{}`: {source}", path.display())
            }
            Error::Usage(msg) => f.write_str(msg),
            Error::Internal(msg) => write!(f, "internal error: {msg}"),
            Error::Output(diagnostics) | Error::Setup(diagnostics) => {
                let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
                f.write_str(&messages.join("; "))
            }
        }
    }
}

impl std::error::Error for Error {}
