//! Signals and pipes: sigaction, kill, the signal mask, pipe2.

use super::{traced, Fd};
use crate::error::{Error, Op, Result};
use crate::logging::{because, trace_line, tracing_syscalls};
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::signal::{SigAction, SigHandler, SigSet, SigmaskHow, Signal};

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

/// kill(getpid(), sig) for a signal whose default action ends the
/// process (set by the caller), and die of it. The signal is blocked
/// first (sigprocmask), so that kill() returns, and its line is written,
/// before the signal is delivered; it is delivered as the unblocking
/// sigprocmask returns, which it never does to the program (narrated
/// beforehand as `= ?`, as strace writes a call that does not come back).
/// SIGKILL cannot be blocked: its kill() never returns either, and is
/// narrated beforehand the same way.
pub fn die_of(sig: Signal) -> ! {
    let pid = super::getpid();
    let mut set = SigSet::empty();
    set.add(sig);
    if sig == Signal::SIGKILL {
        if tracing_syscalls() {
            trace_line(&format!("kill({pid}, SIGKILL) = ?"));
        }
    } else {
        let res = nix::sys::signal::sigprocmask(SigmaskHow::SIG_BLOCK, Some(&set), None);
        let _ = because("held back until kill() has returned, so that its line is written", || {
            traced(res, || format!("sigprocmask(SIG_BLOCK, [{}], NULL)", sig.as_str()), |_| "0".into())
        });
    }
    let res = kill(pid, sig);
    if res.is_ok() && sig != Signal::SIGKILL {
        if tracing_syscalls() {
            because("the pending signal is delivered as it returns: its default action ends the process", || {
                trace_line(&format!("sigprocmask(SIG_UNBLOCK, [{}], NULL) = ?", sig.as_str()))
            });
        }
        let _ = nix::sys::signal::sigprocmask(SigmaskHow::SIG_UNBLOCK, Some(&set), None);
    }
    // not reached when the signal ended the process
    super::exit_now(1)
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
/// a wake-up pipe), whose creation and closes carry `why` on their trace
/// lines.
pub fn pipe(why: &'static str) -> Result<(Fd, Fd)> {
    let (r, w) = crate::logging::because(why, || pipe_with(OFlag::O_NONBLOCK | OFlag::O_CLOEXEC))?;
    Ok((r.closed_because(why), w.closed_because(why)))
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
    crate::logging::because("signals are the main thread's to handle", || {
        traced(res, || "pthread_sigmask(SIG_BLOCK, [SIGINT SIGTERM SIGUSR1 SIGCHLD], NULL)".into(), |_| "0".into())
    })
    .ok();
}

/// alarm(2): SIGALRM in `secs` seconds (0 cancels); returns the seconds
/// that were left of the previous alarm.
pub fn alarm(secs: u32) -> u32 {
    let left = match secs {
        0 => nix::unistd::alarm::cancel(),
        s => nix::unistd::alarm::set(s),
    }
    .unwrap_or(0);
    if tracing_syscalls() {
        trace_line(&format!("alarm({secs}) = {left}"));
    }
    left
}

/// signal(2), the C library's: glibc installs the handler with
/// SA_RESTART (BSD semantics), which `signal alarm --api signal` shows.
pub fn signal(sig: Signal, handler: extern "C" fn(libc::c_int), shown: &str) -> Result<()> {
    // SAFETY: the handlers netlab installs only touch atomics and call
    // async-signal-safe functions.
    let res = unsafe { nix::sys::signal::signal(sig, nix::sys::signal::SigHandler::Handler(handler)) };
    traced(res, || format!("signal({}, {shown})", sig.as_str()), |old| handler_name(*old).into())
        .map(drop)
        .map_err(|e| Error::sys_at(Op::Sigaction, sig.as_str(), e))
}

fn handler_name(h: nix::sys::signal::SigHandler) -> &'static str {
    match h {
        nix::sys::signal::SigHandler::SigDfl => "SIG_DFL",
        nix::sys::signal::SigHandler::SigIgn => "SIG_IGN",
        _ => "a handler",
    }
}

/// sigaction(sig, {SIG_DFL or SIG_IGN}): the default action back (a child
/// of netlab, whose runtime starts with SIGPIPE ignored), or ignore it.
pub fn set_disposition(sig: Signal, ignore: bool) -> Result<()> {
    let handler = if ignore { SigHandler::SigIgn } else { SigHandler::SigDfl };
    let act = SigAction::new(handler, nix::sys::signal::SaFlags::empty(), SigSet::empty());
    sigaction(sig, &act, if ignore { "{SIG_IGN}" } else { "{SIG_DFL}" })
}

/// sigprocmask(SIG_UNBLOCK, sigs): the signals a lesson waits for are
/// delivered even if netlab was started with them blocked.
pub fn unblock(sigs: &[Signal]) {
    let mut set = SigSet::empty();
    for s in sigs {
        set.add(*s);
    }
    let names: Vec<&str> = sigs.iter().map(|s| s.as_str()).collect();
    let res = nix::sys::signal::sigprocmask(SigmaskHow::SIG_UNBLOCK, Some(&set), None);
    let _ = traced(res, || format!("sigprocmask(SIG_UNBLOCK, [{}], NULL)", names.join(" ")), |_| "0".into());
}

/// sigprocmask(SIG_BLOCK or SIG_UNBLOCK, [SIGCHLD]): hold SIGCHLD back
/// while the children's table is updated, then let it in.
pub fn block_chld(block: bool) {
    let mut set = SigSet::empty();
    set.add(Signal::SIGCHLD);
    let how = if block { SigmaskHow::SIG_BLOCK } else { SigmaskHow::SIG_UNBLOCK };
    let res = nix::sys::signal::sigprocmask(how, Some(&set), None);
    let _ = traced(
        res,
        || format!("sigprocmask({}, [SIGCHLD], NULL)", if block { "SIG_BLOCK" } else { "SIG_UNBLOCK" }),
        |_| "0".into(),
    );
}
