//! wait.c and waitpid.c: a child that works a moment, then exits with a
//! code (or dies of a signal); the parent waits for it and decodes the
//! status with the W* macros (WIFEXITED/WEXITSTATUS, WIFSIGNALED/WTERMSIG).
//!
//! * `--call wait` blocks in wait(&status) until any child ends;
//! * `--call waitpid` blocks in waitpid(pid, &status, 0) for that child;
//! * `--call waitpid --nohang` polls waitpid(pid, &status, WNOHANG), which
//!   returns 0 while the child runs, and does other work between polls
//!   (the course's waitpid.c prints `sleep 3sec` each time; netlab prints a
//!   `poll` event).
//!
//! Every wait is bounded: a child that has not ended after BOUND (stopped,
//! say) is killed and reaped, and the run fails.

use super::{reaped, Call, Event};
use crate::error::{Error, Op, Result};
use crate::logging::because;
use crate::output::Out;
use crate::signals::{self, Signals};
use crate::sys;
use nix::errno::Errno;
use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;
use nix::unistd::{ForkResult, Pid};
use std::time::{Duration, Instant};

/// How the child ends.
#[derive(Clone, Copy, Debug)]
pub enum End {
    Exit(i32),
    Signal(Signal),
}

/// What the lesson runs with.
pub struct Config {
    pub call: Call,
    pub end: End,
    pub nohang: bool,
}

/// How long the child works before it ends.
const WORK: Duration = Duration::from_millis(500);
/// How often --nohang polls.
const POLL_EVERY: Duration = Duration::from_millis(100);
/// The longest the parent waits.
const BOUND: Duration = Duration::from_secs(5);

pub fn run(cfg: &Config, out: &mut Out) -> Result<()> {
    let _signals = Signals::install_lesson()?;
    out.flush();
    let child = fork_child(cfg.end)?;
    let status = if cfg.nohang { poll(child, out) } else { block(child, cfg.call) };
    let status = match status {
        Ok(s) => s,
        Err(e) => {
            // the child must not outlive the lesson
            let _ = sys::kill(child.as_raw(), Signal::SIGKILL);
            let _ = sys::waitpid_child(child);
            return Err(e);
        }
    };
    // (with --nohang, the `poll` events said WNOHANG, one per miss)
    let call = match cfg.call {
        Call::Wait => "wait",
        Call::Waitpid => "waitpid",
    };
    out.emit(&reaped(status, call));
    Ok(())
}

/// fork(); the child works for WORK, then exits or dies of its signal.
fn fork_child(end: End) -> Result<Pid> {
    // SAFETY: single-threaded: the child may run any code.
    match unsafe { sys::fork() }.map_err(|e| Error::sys(Op::Fork, e))? {
        ForkResult::Child => {
            let _ = because("the child dies with netlab: it can never be left behind", sys::die_with_parent);
            if let End::Signal(sig) = end {
                if !matches!(sig, Signal::SIGKILL | Signal::SIGSTOP) {
                    // netlab's handler (inherited) would catch it
                    let _ = because("the default action, which ends the process", || sys::set_disposition(sig, false));
                }
            }
            let _ = because("the child's work", || sys::nanosleep(WORK));
            match end {
                End::Exit(code) => sys::exit_now(code),
                End::Signal(sig) => sys::die_of(sig),
            }
        }
        ForkResult::Parent { child } => Ok(child),
    }
}

/// wait() or waitpid(pid, 0), bounded by an alarm.
fn block(child: Pid, call: Call) -> Result<WaitStatus> {
    let secs = BOUND.as_secs() as u32;
    because("bounds the wait: a child that never ends cannot hang netlab", || sys::alarm(secs));
    let deadline = Instant::now() + BOUND;
    let status = loop {
        let res = signals::blocking(|| match call {
            Call::Wait => sys::wait(),
            Call::Waitpid => sys::waitpid(child, false),
        });
        match res {
            Some(Ok(st)) => break st,
            Some(Err(Errno::EINTR)) | None => {
                if signals::stop_requested().is_some() {
                    return Err(signals::interrupted());
                }
                if Instant::now() >= deadline {
                    return Err(bounded());
                }
            }
            Some(Err(e)) => return Err(Error::sys(Op::Wait, e)),
        }
    };
    because("the bound is not needed any more", || sys::alarm(0));
    Ok(status)
}

/// waitpid(pid, WNOHANG) until the child has ended, a `poll` per miss.
fn poll(child: Pid, out: &Out) -> Result<WaitStatus> {
    let deadline = Instant::now() + BOUND;
    for n in 1.. {
        match sys::waitpid(child, true) {
            Ok(WaitStatus::StillAlive) => {}
            Ok(st) => return Ok(st),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(Error::sys(Op::Wait, e)),
        }
        out.emit(&Event::Poll { n, pid: child.as_raw(), result: 0 });
        if signals::stop_requested().is_some() {
            return Err(signals::interrupted());
        }
        if Instant::now() >= deadline {
            return Err(bounded());
        }
        let _ = signals::blocking(|| because("other work between two polls", || sys::nanosleep(POLL_EVERY)));
    }
    Err(bounded())
}

fn bounded() -> Error {
    Error::failed(format!("the child had not ended after {} s (stopped?): it was killed and reaped", BOUND.as_secs()))
}
