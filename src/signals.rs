//! Signals the way the course teaches them (sigaction, not signal). The
//! handler only sets a flag; how the waiting code learns of it depends on
//! how it waits:
//!
//! * a loop that waits with select/poll/epoll also waits on a self-pipe
//!   the handler writes one byte to ([`Signals::install`]), so a signal can
//!   never slip in between "check the flag" and "block";
//! * a server that blocks in accept(2) or read(2), as the course's
//!   iterative and fork servers do ([`Signals::install_eintr`]), is woken
//!   by the signal itself: handlers are installed without SA_RESTART, so
//!   the blocked call fails with EINTR and the caller looks at the flags.
//!   A signal caught just before the call blocks would not interrupt it;
//!   for that window, the handler arms alarm(1), whose SIGALRM interrupts
//!   the call a second later (see [`blocking`]).

use crate::error::Result;
use crate::logging::because;
use crate::sys::{self, Fd};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

static STOP: AtomicI32 = AtomicI32::new(0);
static USR1: AtomicBool = AtomicBool::new(false);
static CHLD: AtomicBool = AtomicBool::new(false);
static PIPE_W: AtomicI32 = AtomicI32::new(-1);
/// The main thread is about to block, or blocked, in a call a signal must
/// interrupt (see [`blocking`]).
static BLOCKING: AtomicBool = AtomicBool::new(false);
/// A handler armed the alarm safety net; the main thread cancels it.
static ALARM_ARMED: AtomicBool = AtomicBool::new(false);

/// Exit status of a forked child stopped by SIGINT/SIGTERM.
pub const CHILD_STOPPED: i32 = 4;

extern "C" fn on_signal(sig: libc::c_int) {
    // Only async-signal-safe work here: atomics, getpid, write(2), alarm(2),
    // _exit(2). errno is saved and restored so the interrupted code sees its
    // own.
    //
    // A forked child inherits the handlers but is not their owner: in a
    // child, SIGINT/SIGTERM end the child (exit status 4, "shutdown") and
    // the other signals are ignored, without the child having to reset
    // anything after fork() (each write to a page after fork is a
    // copy-on-write fault; each sigaction a system call).
    if sys::handler::getpid() != crate::logging::owner() {
        if sig == libc::SIGINT || sig == libc::SIGTERM {
            sys::handler::exit(CHILD_STOPPED);
        }
        return;
    }
    let saved = nix::errno::Errno::last_raw();
    match sig {
        libc::SIGINT | libc::SIGTERM => record_stop(&STOP, sig),
        libc::SIGUSR1 => USR1.store(true, Ordering::SeqCst),
        libc::SIGCHLD => CHLD.store(true, Ordering::SeqCst),
        _ => {}
    }
    let fd = PIPE_W.load(Ordering::SeqCst);
    if fd >= 0 {
        // the self-pipe's write end, open for the life of the `Signals`
        // that stored it; non-blocking, so a full pipe (wake-up already
        // pending) just says EAGAIN
        sys::handler::write_byte(sig, fd, sig as u8, sys::handler::Why::SelfPipe);
    } else if sig != libc::SIGALRM && BLOCKING.load(Ordering::SeqCst) {
        // The main thread may have checked the flags just before this
        // signal and be about to block: SIGALRM in a second interrupts it.
        sys::handler::alarm(sig, 1, sys::handler::Why::SafetyNet);
        ALARM_ARMED.store(true, Ordering::SeqCst);
    }
    nix::errno::Errno::set_raw(saved);
}

/// The installed handlers and, for readiness loops, the self-pipe.
pub struct Signals {
    pipe: Option<(Fd, Fd)>,
    /// a lesson's: every child killed and reaped when it ends, however
    _children: Option<sys::NoChildLeft>,
}

impl Signals {
    /// Install handlers for SIGINT, SIGTERM, SIGUSR1 and, for `chld`,
    /// SIGCHLD, with a self-pipe for a loop that waits with select, poll or
    /// epoll.
    pub fn install(chld: bool) -> Result<Signals> {
        let (read, write) = sys::pipe("self-pipe: a signal wakes the loop")?;
        PIPE_W.store(write.raw(), Ordering::SeqCst);
        install_handlers(chld, false)?;
        Ok(Signals { pipe: Some((read, write)), _children: None })
    }

    /// Install the same handlers for a server that blocks in accept() and
    /// read() as the course's do: a signal interrupts the call (EINTR).
    pub fn install_eintr(chld: bool) -> Result<Signals> {
        install_handlers(chld, true)?;
        Ok(Signals { pipe: None, _children: None })
    }

    /// No handlers of its own: one event loop of a `--threads` server,
    /// whose main thread has installed them and wakes the loop.
    pub fn none() -> Signals {
        Signals { pipe: None, _children: None }
    }

    /// For a lesson of `process` or `pipe`: Ctrl-C (SIGINT) and SIGTERM cut
    /// its waits short, and it ends with every child reaped (when these
    /// are dropped, the children still there are killed and reaped,
    /// whatever path the lesson took to its end).
    pub fn install_lesson() -> Result<Signals> {
        crate::logging::set_owner();
        for sig in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGALRM] {
            let act = SigAction::new(SigHandler::Handler(on_signal), SaFlags::empty(), SigSet::empty());
            let why = if sig == Signal::SIGALRM {
                "safety net: a signal caught just before a wait blocks re-interrupts it a second later"
            } else {
                "Ctrl-C ends the lesson early, every child reaped"
            };
            because(why, || sys::sigaction(sig, &act, "{sa_handler=on_signal, sa_flags=0}"))?;
        }
        Ok(Signals { pipe: None, _children: Some(sys::NoChildLeft::new()) })
    }

    /// The descriptor to wait on (readable when a signal arrived), for the
    /// handlers [`Signals::install`] installs.
    pub fn fd(&self) -> Option<&Fd> {
        self.pipe.as_ref().map(|(r, _)| r)
    }

    /// As [`Signals::fd`], for a loop that cannot run without it.
    pub fn wake_fd(&self) -> Result<&Fd> {
        self.fd().ok_or_else(|| crate::error::Error::failed("internal: these handlers have no self-pipe"))
    }

    /// Empty the pipe (after a wake-up).
    pub fn drain(&self) {
        let Some((read, _)) = &self.pipe else { return };
        let mut buf = [0u8; 64];
        while let Ok(n) = sys::read(read, &mut buf) {
            if n == 0 {
                break;
            }
        }
    }
}

fn install_handlers(chld: bool, eintr: bool) -> Result<()> {
    crate::logging::set_owner();
    let mut list = vec![Signal::SIGINT, Signal::SIGTERM, Signal::SIGUSR1];
    if chld {
        list.push(Signal::SIGCHLD);
    }
    if eintr {
        list.push(Signal::SIGALRM);
    }
    for sig in list {
        let flags = if sig == Signal::SIGCHLD { SaFlags::SA_NOCLDSTOP } else { SaFlags::empty() };
        let act = SigAction::new(SigHandler::Handler(on_signal), flags, SigSet::empty());
        let (shown, why) = match sig {
            Signal::SIGCHLD => (
                "{sa_handler=on_signal, sa_flags=SA_NOCLDSTOP}",
                "SIGCHLD: an exited child interrupts accept(), and is reaped",
            ),
            Signal::SIGALRM => (
                "{sa_handler=on_signal, sa_flags=0}",
                "safety net: a signal caught just before a call blocks re-interrupts it a second later",
            ),
            Signal::SIGUSR1 => ("{sa_handler=on_signal, sa_flags=0}", "SIGUSR1 prints a stats event"),
            _ => ("{sa_handler=on_signal, sa_flags=0}", "SIGINT/SIGTERM stop the server cleanly"),
        };
        // SIGCHLD's handler is the fork server's own lesson; the others are
        // netlab's additions
        if sig == Signal::SIGCHLD {
            sys::sigaction(sig, &act, shown)?;
        } else {
            because(why, || sys::sigaction(sig, &act, shown))?;
        }
    }
    Ok(())
}

/// Run a call that blocks until a signal interrupts it (accept, read,
/// write, sleep) on a server installed with [`Signals::install_eintr`]:
/// `None` without making it when a signal is already waiting to be handled
/// (the caller handles it, then calls again). While it runs, a signal arms
/// the alarm safety net (the call may have been just about to block);
/// afterwards the net is taken down.
pub fn blocking<T>(call: impl FnOnce() -> T) -> Option<T> {
    BLOCKING.store(true, Ordering::SeqCst);
    let pending = stop_requested().is_some() || USR1.load(Ordering::SeqCst) || CHLD.load(Ordering::SeqCst);
    let out = if pending { None } else { Some(call()) };
    BLOCKING.store(false, Ordering::SeqCst);
    if ALARM_ARMED.swap(false, Ordering::SeqCst) {
        because("the safety net is not needed any more", || sys::alarm(0));
    }
    out
}

/// Remember the signal that asked to stop: the first one, which is what
/// `stopped` reports, however many follow before the loop notices.
/// Lock-free, so safe in a handler.
fn record_stop(stop: &AtomicI32, sig: libc::c_int) {
    let _ = stop.compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst);
}

/// SIGINT or SIGTERM was received: the name of the first.
pub fn stop_requested() -> Option<&'static str> {
    match STOP.load(Ordering::SeqCst) {
        0 => None,
        libc::SIGINT => Some("SIGINT"),
        _ => Some("SIGTERM"),
    }
}

/// The error a lesson ends with when SIGINT or SIGTERM cut it short (exit
/// 1: it did not run to its end); its children are killed and reaped as
/// its [`Signals`] are dropped.
pub fn interrupted() -> crate::error::Error {
    crate::error::Error::failed(format!(
        "interrupted by {}: every child was killed and reaped",
        stop_requested().unwrap_or("a signal")
    ))
}

/// SIGUSR1 arrived since the last call.
pub fn take_usr1() -> bool {
    USR1.swap(false, Ordering::SeqCst)
}

/// SIGCHLD arrived since the last call.
pub fn take_chld() -> bool {
    CHLD.swap(false, Ordering::SeqCst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_stop_signal_is_the_one_reported() {
        let stop = AtomicI32::new(0);
        record_stop(&stop, libc::SIGTERM);
        record_stop(&stop, libc::SIGINT);
        record_stop(&stop, libc::SIGTERM);
        assert_eq!(stop.load(Ordering::SeqCst), libc::SIGTERM);
        let stop = AtomicI32::new(0);
        record_stop(&stop, libc::SIGINT);
        record_stop(&stop, libc::SIGTERM);
        assert_eq!(stop.load(Ordering::SeqCst), libc::SIGINT);
    }
}
