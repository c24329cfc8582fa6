//! Errors: what was being done, to what, and why, plus the one table that
//! turns an error into an exit code (SPEC §1).
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success (a server stopped by SIGINT/SIGTERM included) |
//! | 1 | runtime failure: an OS call failed, a name did not resolve |
//! | 2 | usage or invalid input |
//! | 3 | verification failed: echoed bytes differ, UDP loss over the limit |

use nix::errno::Errno;
use std::io;

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code for a runtime failure (OS error, resolve failure).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for bad usage or invalid input.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for a failed verification (echo mismatch, too much loss).
pub const EXIT_VERIFY: u8 = 3;

/// Every way a command can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad flag, argument or value: exit 2; with the errno when it was
    /// the kernel that refused the value (setsockopt's EINVAL).
    #[error("{msg}")]
    Usage { msg: String, hint: Option<String>, errno: Option<Errno> },
    /// A system call failed: `op` names the call and its target
    /// (`bind 0.0.0.0:9190`); exit 1.
    #[error("{op}: {}", describe_errno(*errno))]
    Sys { op: String, errno: Errno },
    /// A runtime failure told in its own words (resolver errors, protocol
    /// surprises, a summary of many failures), with the errno behind it
    /// when there is one: exit 1.
    #[error("{msg}")]
    Failed { msg: String, hint: Option<String>, errno: Option<Errno> },
    /// A name lookup failed: exit 1. `code` names why for the JSON error
    /// event: getaddrinfo's EAI_* constant, or resolve's `timeout`.
    #[error("{msg}")]
    Lookup { msg: String, code: Option<String> },
    /// What came back is not what was sent: exit 3; with the errno when a
    /// failed read cut the echo short (ECONNRESET).
    #[error("{msg}")]
    Verify { msg: String, errno: Option<Errno> },
}

/// `Address already in use (EADDRINUSE)`: the text and the name, as a
/// student would search for it.
pub fn describe_errno(errno: Errno) -> String {
    format!("{} ({})", strerror(errno), errno_name(errno))
}

/// The C library's words for an errno value (strerror), as perror(3) in a
/// student's C program and strace print them: EAGAIN is "Resource
/// temporarily unavailable", not nix's "Try again".
pub fn strerror(errno: Errno) -> String {
    // std adds " (os error N)", dropped here
    let text = std::io::Error::from_raw_os_error(errno as i32).to_string();
    text.split(" (os error").next().unwrap_or(errno.desc()).to_string()
}

/// The symbolic name of an errno value (`EADDRINUSE`).
pub fn errno_name(errno: Errno) -> String {
    format!("{errno:?}")
}

impl Error {
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage { msg: msg.into(), hint: None, errno: None }
    }

    /// Input the kernel refused (`setsockopt` said EINVAL): exit 2, with
    /// the errno for the JSON error event.
    pub fn usage_errno(msg: impl Into<String>, errno: Errno) -> Self {
        Error::Usage { msg: msg.into(), hint: None, errno: Some(errno) }
    }

    pub fn usage_hint(msg: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Usage { msg: msg.into(), hint: Some(hint.into()), errno: None }
    }

    pub fn sys(op: impl Into<String>, errno: Errno) -> Self {
        Error::Sys { op: op.into(), errno }
    }

    /// An `io::Error` from std: kept as an errno when it has one.
    pub fn io(op: impl Into<String>, err: &io::Error) -> Self {
        match err.raw_os_error() {
            Some(code) => Error::Sys { op: op.into(), errno: Errno::from_raw(code) },
            None => Error::Failed { msg: format!("{}: {err}", op.into()), hint: None, errno: None },
        }
    }

    pub fn failed(msg: impl Into<String>) -> Self {
        Error::Failed { msg: msg.into(), hint: None, errno: None }
    }

    pub fn failed_hint(msg: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Failed { msg: msg.into(), hint: Some(hint.into()), errno: None }
    }

    /// A failure in its own words that still carries its errno (for the
    /// `errno` and `code` fields of the JSON error event).
    pub fn failed_errno(msg: impl Into<String>, hint: Option<String>, errno: Errno) -> Self {
        Error::Failed { msg: msg.into(), hint, errno: Some(errno) }
    }

    pub fn verify(msg: impl Into<String>) -> Self {
        Error::Verify { msg: msg.into(), errno: None }
    }

    /// An echo cut short by a failed read (the server reset the
    /// connection): exit 3, with the errno for the JSON error event.
    pub fn verify_errno(msg: impl Into<String>, errno: Errno) -> Self {
        Error::Verify { msg: msg.into(), errno: Some(errno) }
    }

    /// The one place where an error becomes an exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage { .. } => EXIT_USAGE,
            Error::Sys { .. } | Error::Failed { .. } | Error::Lookup { .. } => EXIT_FAILURE,
            Error::Verify { .. } => EXIT_VERIFY,
        }
    }

    /// The errno behind the error, if an OS call failed.
    pub fn errno(&self) -> Option<Errno> {
        match self {
            Error::Sys { errno, .. } => Some(*errno),
            Error::Failed { errno, .. } | Error::Usage { errno, .. } | Error::Verify { errno, .. } => *errno,
            Error::Lookup { .. } => None,
        }
    }

    /// The symbolic name of what failed, for the JSON error event: the
    /// errno's (`EADDRINUSE`) or the resolver's (`EAI_NONAME`).
    pub fn code(&self) -> Option<String> {
        match self {
            Error::Lookup { code, .. } => code.clone(),
            _ => self.errno().map(errno_name),
        }
    }

    /// One line of advice printed under the error, when there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Usage { hint, .. } | Error::Failed { hint, .. } => hint.clone(),
            Error::Verify { .. } | Error::Lookup { .. } => None,
            Error::Sys { op, errno } => errno_hint(op, *errno),
        }
    }
}

/// Advice for the errors a student meets first (`op` is the failed call and
/// its target, `bind 0.0.0.0:80`).
pub fn errno_hint(op: &str, errno: Errno) -> Option<String> {
    let hint = match errno {
        Errno::EADDRINUSE => {
            "another socket holds this address, or a recent connection is in TIME_WAIT \
             (SO_REUSEADDR allows the rebind when the old socket had it too; netlab sets it \
             unless --no-reuseaddr); `ss -tanp` shows who"
        }
        Errno::EACCES if op.starts_with("bind") => {
            "ports below 1024 need root or CAP_NET_BIND_SERVICE; try a port above 1023"
        }
        Errno::ECONNREFUSED => "nothing is listening there; start one with `netlab echo-server PORT`",
        Errno::EADDRNOTAVAIL if op.starts_with("bind") => {
            "that address is not configured on this host; use 0.0.0.0, 127.0.0.1 or an address from `ip addr`"
        }
        Errno::EMFILE => "the per-process file descriptor limit is reached (`ulimit -n`)",
        Errno::ETIMEDOUT => "no answer in time: is the host up and the port open?",
        Errno::ENETUNREACH | Errno::EHOSTUNREACH => "no route to that address (`ip route get ADDR`)",
        Errno::EAFNOSUPPORT => "this address family is not available here (is IPv6 disabled?)",
        Errno::EMSGSIZE => "the largest UDP payload is 65507 bytes over IPv4 (65527 over IPv6), less any IP options",
        _ => return None,
    };
    Some(hint.to_string())
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
