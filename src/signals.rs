//! Signals the way the course teaches them (sigaction, not signal), handed
//! to event loops with the self-pipe trick: the handler only sets a flag
//! and writes one byte to a pipe that every loop also waits on, so a
//! signal can never slip in between "check the flag" and "block".
//!
//! Handlers are installed without SA_RESTART, so a blocking call returns
//! EINTR and the caller looks at the flags.

use crate::error::Result;
use crate::sys::{self, Fd};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

static STOP: AtomicI32 = AtomicI32::new(0);
static USR1: AtomicBool = AtomicBool::new(false);
static CHLD: AtomicBool = AtomicBool::new(false);
static PIPE_W: AtomicI32 = AtomicI32::new(-1);

/// Exit status of a forked child stopped by SIGINT/SIGTERM.
pub const CHILD_STOPPED: i32 = 4;

extern "C" fn on_signal(sig: libc::c_int) {
    // Only async-signal-safe work here: atomics, getpid, write(2), _exit.
    // errno is saved and restored so the interrupted code sees its own.
    //
    // A forked child inherits the handlers but is not their owner: in a
    // child, SIGINT/SIGTERM end the child (exit status 4, "shutdown") and
    // the other signals are ignored, without the child having to reset
    // anything after fork() (each write to a page after fork is a
    // copy-on-write fault; each sigaction a system call).
    if nix::unistd::getpid().as_raw() != crate::logging::owner() {
        if sig == libc::SIGINT || sig == libc::SIGTERM {
            // SAFETY: _exit is async-signal-safe and ends the process at
            // once (nix has no wrapper for it).
            unsafe { libc::_exit(CHILD_STOPPED) };
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
        let b = sig as u8;
        // SAFETY: write(2) is async-signal-safe; the pipe is non-blocking,
        // so a full pipe (wake-up already pending) just returns EAGAIN. The
        // descriptor is the self-pipe's write end, open for the life of the
        // `Signals` that stored it (nix's write wants a BorrowedFd, which a
        // handler has no safe way to make from the stored number).
        unsafe { libc::write(fd, &b as *const u8 as *const libc::c_void, 1) };
    }
    nix::errno::Errno::set_raw(saved);
}

/// The installed handlers and the read end of the self-pipe.
pub struct Signals {
    read: Fd,
    _write: Fd,
}

impl Signals {
    /// Install handlers for SIGINT, SIGTERM, SIGUSR1 and, for `chld`, SIGCHLD.
    pub fn install(chld: bool) -> Result<Signals> {
        let (read, write) = sys::pipe()?;
        PIPE_W.store(write.raw(), Ordering::SeqCst);
        crate::logging::set_owner();
        let mut list = vec![Signal::SIGINT, Signal::SIGTERM, Signal::SIGUSR1];
        if chld {
            list.push(Signal::SIGCHLD);
        }
        for sig in list {
            let flags = if sig == Signal::SIGCHLD { SaFlags::SA_NOCLDSTOP } else { SaFlags::empty() };
            let act = SigAction::new(SigHandler::Handler(on_signal), flags, SigSet::empty());
            let shown = if sig == Signal::SIGCHLD {
                "{sa_handler=on_signal, sa_flags=SA_NOCLDSTOP}"
            } else {
                "{sa_handler=on_signal, sa_flags=0}"
            };
            sys::sigaction(sig, &act, shown)?;
        }
        Ok(Signals { read, _write: write })
    }

    /// The descriptor to wait on: readable when a signal arrived.
    pub fn fd(&self) -> &Fd {
        &self.read
    }

    /// Empty the pipe (after a wake-up).
    pub fn drain(&self) {
        let mut buf = [0u8; 64];
        while let Ok(n) = sys::read(&self.read, &mut buf) {
            if n == 0 {
                break;
            }
        }
    }
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
