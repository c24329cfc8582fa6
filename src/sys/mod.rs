//! The system-call layer. Every system call netlab makes goes through
//! here, one file per family (as nix's and mio's `sys/unix/` do): a thin
//! wrapper over nix (libc where nix has no safe call, each marked
//! `SAFETY:`) that, with `--trace`, narrates the call in C notation with its
//! result: `bind(3, 0.0.0.0:9190) = 0`, `accept(3) = 4 (127.0.0.1:51000)`,
//! `connect(3, 127.0.0.1:1) = -1 ECONNREFUSED (Connection refused)`.
//!
//! | file | calls |
//! |---|---|
//! | `addr.rs` | the [`Addr`] type: an internet address or a Unix-domain path, to and from `struct sockaddr` |
//! | `fd.rs` | the [`Fd`] type and close, read, write, fcntl |
//! | `socket.rs` | socket, bind, listen, accept, connect, send/recv, shutdown, getsockname, getifaddrs |
//! | `sockopt.rs` | setsockopt, getsockopt (TCP_INFO too) |
//! | `file.rs` | open, unlink, lstat, lseek, fstat, the umask |
//! | `process.rs` | fork, waitpid, _exit, posix_spawn, pidfd_open, threads, scheduling, prctl, getrusage |
//! | `signal.rs` | sigaction, kill (and dying of a signal), pipe2, signal masks |
//! | `readiness.rs` | poll, select, epoll (epoll_pwait2 for sub-millisecond waits) |
//! | `uring/` | io_uring: setup, the registrations, enter, each operation and completion |
//! | `resolve.rs` | getaddrinfo, getnameinfo, gethostbyname2_r (library calls, narrated the same way) |
//! | `handler.rs` | the calls signal handlers make (async-signal-safe; noted in a lock-free journal and narrated after the handler ran) |
//!
//! Calls made once per command (socket, bind, listen, open) return
//! [`Error`](crate::error::Error) with the call and its target. Calls on the
//! hot path (read, write, accept, the readiness waits) return the bare
//! [`Errno`]: EAGAIN and EINTR are normal there, and the caller knows the
//! peer to name.

mod addr;
mod fd;
mod file;
pub mod handler;
mod process;
mod readiness;
mod resolve;
mod signal;
mod socket;
mod sockopt;
mod uring;

pub use addr::*;
pub use fd::*;
pub use file::*;
pub use process::*;
pub use readiness::*;
pub use resolve::*;
pub use signal::*;
pub use socket::*;
pub use sockopt::*;
pub use uring::*;

use crate::logging::{trace_line, tracing_syscalls};
use nix::errno::Errno;

/// Narrate a call when `--trace` is on; pass its result through.
#[inline]
fn traced<T>(
    res: std::result::Result<T, Errno>,
    call: impl FnOnce() -> String,
    show: impl FnOnce(&T) -> String,
) -> std::result::Result<T, Errno> {
    if tracing_syscalls() {
        let line = match &res {
            Ok(v) => format!("{} = {}", call(), show(v)),
            Err(e) => format!("{} = {}", call(), failed(*e)),
        };
        trace_line(&line);
    }
    res
}

/// A failed call's result as strace shows it: `-1 EAGAIN (Resource
/// temporarily unavailable)`.
fn failed(e: Errno) -> String {
    format!("-1 {e:?} ({})", crate::error::strerror(e))
}

/// Names of the set bits of `bits`, `|`-joined (`POLLIN|POLLOUT`), or `0`.
fn flag_names<T: Copy + std::ops::BitAnd<Output = T> + PartialEq + Default>(bits: T, table: &[(T, &str)]) -> String {
    let names: Vec<&str> = table.iter().filter(|(bit, _)| bits & *bit != T::default()).map(|(_, n)| *n).collect();
    if names.is_empty() {
        "0".into()
    } else {
        names.join("|")
    }
}
