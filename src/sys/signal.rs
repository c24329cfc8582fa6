//! Signals and pipes: sigaction, kill, the signal mask, pipe2.

use super::{traced, Fd};
use crate::error::{Error, Op, Result};
use crate::logging::{trace_line, tracing_syscalls};
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::signal::{SigAction, SigSet, SigmaskHow, Signal};

/// sigaction(2); `shown` describes the handler for the trace.
pub fn sigaction(sig: Signal, action: &SigAction, shown: &str) -> Result<()> {
    // SAFETY: the handlers netlab installs only touch atomics and call
    // async-signal-safe functions (write(2), _exit(2)).
    let res = unsafe { nix::sys::signal::sigaction(sig, action) }.map(drop);
    traced(res, || format!("sigaction({}, {shown})", sig.as_str()), |_| "0".into())
        .map_err(|e| Error::sys_at(Op::Sigaction, sig.as_str(), e))
}

/// kill(2).
pub fn kill(pid: i32, sig: Signal) -> std::result::Result<(), Errno> {
    let res = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), sig);
    traced(res, || format!("kill({pid}, {})", sig.as_str()), |_| "0".into())
}

/// pipe2(2) with `flags` (O_NONBLOCK, O_CLOEXEC or none): (read end, write
/// end), narrated as strace shows it, the array the kernel filled in, then
/// the result.
pub fn pipe_with(flags: OFlag) -> Result<(Fd, Fd)> {
    let res = nix::unistd::pipe2(flags).map(|(r, w)| (Fd::from_owned(r), Fd::from_owned(w)));
    if tracing_syscalls() {
        let shown = open_flags(flags);
        let call = if flags.is_empty() { "pipe".to_string() } else { "pipe2".to_string() };
        let args = |fds: String| if flags.is_empty() { fds } else { format!("{fds}, {shown}") };
        trace_line(&match &res {
            Ok((r, w)) => format!("{call}({}) = 0", args(format!("[{}, {}]", r.raw(), w.raw()))),
            Err(e) => format!("{call}({}) = {}", args("fds".into()), super::failed(*e)),
        });
    }
    res.map_err(|e| Error::sys(Op::Pipe, e))
}

/// pipe2(2) with O_NONBLOCK|O_CLOEXEC: netlab's own plumbing (a self-pipe,
/// a wake-up pipe).
pub fn pipe() -> Result<(Fd, Fd)> {
    pipe_with(OFlag::O_NONBLOCK | OFlag::O_CLOEXEC)
}

fn open_flags(flags: OFlag) -> String {
    let mut v = Vec::new();
    for (f, name) in [(OFlag::O_NONBLOCK, "O_NONBLOCK"), (OFlag::O_CLOEXEC, "O_CLOEXEC"), (OFlag::O_DIRECT, "O_DIRECT")]
    {
        if flags.contains(f) {
            v.push(name);
        }
    }
    v.join("|")
}

/// pthread_sigmask(SIG_BLOCK) for the signals the servers handle: worker
/// threads leave them to the main thread.
pub fn block_server_signals() {
    let mut set = SigSet::empty();
    for s in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGUSR1, Signal::SIGCHLD] {
        set.add(s);
    }
    let res = nix::sys::signal::pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), None);
    let _ = traced(res, || "pthread_sigmask(SIG_BLOCK, [SIGINT SIGTERM SIGUSR1 SIGCHLD], NULL)".into(), |_| "0".into());
}
