//! Errors: what was being done, to what, and why, plus the one table that
//! turns an error into an exit code (SPEC §1). The `--help` line and the
//! man pages' EXIT STATUS section are generated from [`EXIT_CODES`].
//!
//! A failed system call is [`Error::Sys`]: the call as an [`Op`], what it
//! was done to as a [`Target`] (an address, a path, a name), and the errno.
//! Hints are chosen from those types, never from the text.

use nix::errno::Errno;
use std::fmt;
use std::io;
use std::net::SocketAddr;

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code for a runtime failure (OS error, resolve failure).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for bad usage or invalid input.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for a failed verification (echo mismatch, too much loss).
pub const EXIT_VERIFY: u8 = 3;

/// One exit code: its number, a few words for `--help`, and the sentence
/// of the man page.
pub struct ExitCode {
    pub code: u8,
    pub short: &'static str,
    pub long: &'static str,
}

/// The exit codes of SPEC §1, written once.
pub const EXIT_CODES: &[ExitCode] = &[
    ExitCode {
        code: EXIT_OK,
        short: "ok",
        long: "success; also a server stopped by SIGINT/SIGTERM after a clean shutdown",
    },
    ExitCode {
        code: EXIT_FAILURE,
        short: "runtime failure",
        long: "runtime failure: an OS call failed (connect refused, bind in use, I/O error, stdout on a full disk) \
               or a name did not resolve",
    },
    ExitCode {
        code: EXIT_USAGE,
        short: "bad usage or input",
        long: "usage or invalid input: bad flag, port, address, option name or number",
    },
    ExitCode {
        code: EXIT_VERIFY,
        short: "verification failed",
        long: "verification failed: echoed bytes differ from those sent, or UDP loss over --max-loss",
    },
];

/// The one line of `--help` that lists the exit codes.
pub fn exit_codes_line() -> String {
    let parts: Vec<String> = EXIT_CODES.iter().map(|e| format!("{} {}", e.code, e.short)).collect();
    format!("Exit status: {}.", parts.join(", "))
}

/// The system or library call that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Socket,
    Bind,
    Listen,
    Accept,
    Connect,
    Read,
    Write,
    Recvfrom,
    Sendto,
    Shutdown,
    Getsockname,
    Dup,
    Setsockopt,
    Getsockopt,
    Fcntl,
    Open,
    Close,
    Lseek,
    Fstat,
    Unlink,
    Mkdir,
    Poll,
    Select,
    EpollCreate,
    EpollCtl,
    EpollWait,
    Pipe,
    Sigaction,
    Fork,
    Wait,
    Kill,
    Mmap,
    Prctl,
    Exec,
    IoUringSetup,
    IoUringRegister,
    IoUringEnter,
}

impl Op {
    /// The call's name as a student writes it.
    pub fn name(self) -> &'static str {
        match self {
            Op::Socket => "socket",
            Op::Bind => "bind",
            Op::Listen => "listen",
            Op::Accept => "accept",
            Op::Connect => "connect",
            Op::Read => "read",
            Op::Write => "write",
            Op::Recvfrom => "recvfrom",
            Op::Sendto => "sendto",
            Op::Shutdown => "shutdown",
            Op::Getsockname => "getsockname",
            Op::Dup => "dup",
            Op::Setsockopt => "setsockopt",
            Op::Getsockopt => "getsockopt",
            Op::Fcntl => "fcntl",
            Op::Open => "open",
            Op::Close => "close",
            Op::Lseek => "lseek",
            Op::Fstat => "fstat",
            Op::Unlink => "unlink",
            Op::Mkdir => "mkdir",
            Op::Poll => "poll",
            Op::Select => "select",
            Op::EpollCreate => "epoll_create1",
            Op::EpollCtl => "epoll_ctl",
            Op::EpollWait => "epoll_wait",
            Op::Pipe => "pipe",
            Op::Sigaction => "sigaction",
            Op::Fork => "fork",
            Op::Wait => "waitpid",
            Op::Kill => "kill",
            Op::Mmap => "mmap",
            Op::Prctl => "prctl",
            Op::Exec => "exec",
            Op::IoUringSetup => "io_uring_setup",
            Op::IoUringRegister => "io_uring_register",
            Op::IoUringEnter => "io_uring_enter",
        }
    }
}

/// What a failed call was done to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// a socket address (`bind 0.0.0.0:9190`)
    Addr(SocketAddr),
    /// a file or socket path, as text (`open data.txt`)
    Path(String),
    /// anything else named: an option (`setsockopt SO_REUSEADDR`), a
    /// stream (`read stdin`), a socket's family and type
    Name(String),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Addr(a) => write!(f, "{a}"),
            Target::Path(p) | Target::Name(p) => f.write_str(p),
        }
    }
}

impl From<SocketAddr> for Target {
    fn from(a: SocketAddr) -> Target {
        Target::Addr(a)
    }
}

impl From<&str> for Target {
    fn from(s: &str) -> Target {
        Target::Name(s.to_string())
    }
}

impl From<String> for Target {
    fn from(s: String) -> Target {
        Target::Name(s)
    }
}

/// A failed call and what it was done to: `bind 0.0.0.0:9190`,
/// `socket(AF_INET, SOCK_STREAM)`, `poll`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub op: Op,
    pub target: Option<Target>,
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.op, &self.target) {
            (Op::Socket, Some(t)) => write!(f, "socket({t})"),
            (op, Some(t)) => write!(f, "{} {t}", op.name()),
            (op, None) => f.write_str(op.name()),
        }
    }
}

/// Every way a command can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad flag, argument or value: exit 2; with the errno when it was
    /// the kernel that refused the value (setsockopt's EINVAL).
    #[error("{msg}")]
    Usage { msg: String, hint: Option<String>, errno: Option<Errno> },
    /// A system call failed: exit 1.
    #[error("{call}: {}", describe_errno(*errno))]
    Sys { call: Call, errno: Errno },
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

    /// `op` failed with `errno` (`poll: Interrupted system call (EINTR)`).
    pub fn sys(op: Op, errno: Errno) -> Self {
        Error::Sys { call: Call { op, target: None }, errno }
    }

    /// `op` on `target` failed (`bind 0.0.0.0:80: Permission denied`).
    pub fn sys_at(op: Op, target: impl Into<Target>, errno: Errno) -> Self {
        Error::Sys { call: Call { op, target: Some(target.into()) }, errno }
    }

    /// `op` on the file `path` failed (`open data.txt: No such file…`).
    pub fn sys_path(op: Op, path: &str, errno: Errno) -> Self {
        Error::sys_at(op, Target::Path(path.to_string()), errno)
    }

    /// An `io::Error` from std: kept as an errno when it has one.
    pub fn io(op: Op, target: impl Into<Target>, err: &io::Error) -> Self {
        let target = target.into();
        match err.raw_os_error() {
            Some(code) => Error::sys_at(op, target, Errno::from_raw(code)),
            None => Error::Failed { msg: format!("{} {target}: {err}", op.name()), hint: None, errno: None },
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
            // bind() of a socket file (--unix): no port, no TIME_WAIT
            Error::Sys { call: Call { op: Op::Bind, target: Some(Target::Path(_)) }, errno } => match *errno {
                Errno::EACCES => {
                    Some("bind creates the socket file: it needs write permission on its directory".into())
                }
                Errno::ENOENT => Some("the socket file's directory does not exist".into()),
                Errno::EADDRINUSE => Some("something was put at the path meanwhile; give another path".into()),
                _ => None,
            },
            Error::Sys { call, errno } => errno_hint(call.op, *errno),
        }
    }
}

/// Advice for the errors a student meets first, chosen by the call that
/// failed and its errno.
pub fn errno_hint(op: Op, errno: Errno) -> Option<String> {
    let hint = match (op, errno) {
        (_, Errno::EADDRINUSE) => {
            "another socket holds this address, or a recent connection is in TIME_WAIT \
             (SO_REUSEADDR allows the rebind when the old socket had it too; netlab sets it \
             unless --no-reuseaddr); `ss -tanp` shows who"
        }
        (Op::Bind, Errno::EACCES) => "ports below 1024 need root or CAP_NET_BIND_SERVICE; try a port above 1023",
        (_, Errno::ECONNREFUSED) => "nothing is listening there; start one with `netlab echo-server PORT`",
        (Op::Bind, Errno::EADDRNOTAVAIL) => {
            "that address is not configured on this host; use 0.0.0.0, 127.0.0.1 or an address from `ip addr`"
        }
        (_, Errno::EMFILE) => "the per-process file descriptor limit is reached (`ulimit -n`)",
        (_, Errno::ETIMEDOUT) => "no answer in time: is the host up and the port open?",
        (_, Errno::ENETUNREACH | Errno::EHOSTUNREACH) => "no route to that address (`ip route get ADDR`)",
        (_, Errno::EAFNOSUPPORT) => "this address family is not available here (is IPv6 disabled?)",
        (_, Errno::EMSGSIZE) => {
            "the largest UDP payload is 65507 bytes over IPv4 (65527 over IPv6), less any IP options"
        }
        _ => return None,
    };
    Some(hint.to_string())
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_call_names_the_call_and_its_target() {
        let e = Error::sys_at(Op::Bind, "0.0.0.0:9190".parse::<SocketAddr>().unwrap(), Errno::EADDRINUSE);
        assert_eq!(e.to_string(), "bind 0.0.0.0:9190: Address already in use (EADDRINUSE)");
        let e = Error::sys_at(Op::Socket, "AF_INET, SOCK_STREAM", Errno::EMFILE);
        assert_eq!(e.to_string(), "socket(AF_INET, SOCK_STREAM): Too many open files (EMFILE)");
        assert_eq!(Error::sys(Op::Poll, Errno::EINTR).to_string(), "poll: Interrupted system call (EINTR)");
    }

    #[test]
    fn hints_are_chosen_by_the_call_not_its_text() {
        let bind = Error::sys_at(Op::Bind, "0.0.0.0:80".parse::<SocketAddr>().unwrap(), Errno::EACCES);
        assert!(bind.hint().unwrap().contains("below 1024"));
        // a socket file's bind says nothing of ports or TIME_WAIT
        let file = Error::sys_at(Op::Bind, Target::Path("/srv/echo.sock".into()), Errno::EACCES);
        assert!(file.hint().unwrap().contains("write permission on its directory"));
        let file = Error::sys_at(Op::Bind, Target::Path("/srv/echo.sock".into()), Errno::EADDRINUSE);
        assert!(!file.hint().unwrap().contains("TIME_WAIT"));
        let open = Error::sys_path(Op::Open, "bind", Errno::EACCES);
        assert_eq!(open.hint(), None);
    }

    #[test]
    fn the_help_line_lists_every_exit_code() {
        assert_eq!(
            exit_codes_line(),
            "Exit status: 0 ok, 1 runtime failure, 2 bad usage or input, 3 verification failed."
        );
    }
}
