//! zombie.c: the child exits at once; the parent does not wait, and while
//! it holds the child stays in the process table as a zombie (`ps au`:
//! `Z+`, `[netlab] <defunct>`). netlab reads its state from /proc, then
//! reaps it with the chosen call and shows that its /proc entry is gone.
//!
//! `--reap none`: the parent ends without waiting. The orphan zombie is
//! adopted by the nearest "child subreaper", or by init, which reaps it.
//! To show that (and to leave nothing behind), netlab makes itself a
//! subreaper (prctl PR_SET_CHILD_SUBREAPER) and plays the grandparent: it
//! forks the lesson's parent, which forks the child and ends; the orphan
//! comes back to netlab, which says who adopted it and reaps it.
//!
//! `--reap sigchld`: a SIGCHLD handler installed before fork() reaps the
//! child the moment it exits, so it never stays a zombie (remove_zombie.c).

use super::{procfs, reaped, state, Event, Reap};
use crate::error::{Error, Op, Result};
use crate::logging::because;
use crate::output::Out;
use crate::signals::{self, Signals};
use crate::sys;
use nix::errno::Errno;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal};
use nix::sys::wait::WaitStatus;
use nix::unistd::{ForkResult, Pid};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

/// What the lesson runs with.
pub struct Config {
    pub reap: Reap,
    pub hold: Duration,
    pub code: i32,
}

/// How long netlab looks for the zombie to appear before it reports what
/// it found (the child exits at once: it is there within milliseconds).
const LOOK_FOR: Duration = Duration::from_secs(2);

/// Pid and raw wait status of the child the SIGCHLD handler reaped
/// (`--reap sigchld`): 0 until it has.
static HANDLER_PID: AtomicI32 = AtomicI32::new(0);
static HANDLER_STATUS: AtomicI32 = AtomicI32::new(0);

/// remove_zombie.c's handler, with the loop: reap every exited child.
extern "C" fn on_sigchld(sig: libc::c_int) {
    let saved = nix::errno::Errno::last_raw();
    while let Some((pid, status)) = crate::sys::handler::waitpid_any_nohang(sig) {
        HANDLER_STATUS.store(status, Ordering::SeqCst);
        HANDLER_PID.store(pid, Ordering::SeqCst);
    }
    nix::errno::Errno::set_raw(saved);
}

pub fn run(cfg: &Config, out: &mut Out) -> Result<()> {
    let _signals = Signals::install_lesson()?;
    if cfg.reap == Reap::None {
        return orphan(cfg, out);
    }
    if cfg.reap == Reap::Sigchld {
        let act = SigAction::new(SigHandler::Handler(on_sigchld), SaFlags::SA_NOCLDSTOP, SigSet::empty());
        sys::sigaction(Signal::SIGCHLD, &act, "{sa_handler=read_childproc, sa_flags=SA_NOCLDSTOP}")?;
    }
    out.flush();
    let child = fork_exiting_child(cfg.code)?;
    let pid = child.as_raw();
    // What `ps au` shows now: a zombie (with the handler, it is gone
    // before it can be seen: the `reaped` line below tells by whom).
    if cfg.reap != Reap::Sigchld {
        out.emit(&look_for_zombie(pid));
        hold(pid, cfg.hold, out);
    }
    let status = match cfg.reap {
        Reap::Sigchld => {
            let deadline = Instant::now() + LOOK_FOR;
            while HANDLER_PID.load(Ordering::SeqCst) != pid && Instant::now() < deadline {
                let _ = signals::blocking(|| sys::nanosleep(Duration::from_millis(10)));
            }
            if HANDLER_PID.load(Ordering::SeqCst) != pid {
                return Err(Error::failed(format!("the SIGCHLD handler did not reap {pid} within 2 s")));
            }
            WaitStatus::from_raw(child, HANDLER_STATUS.load(Ordering::SeqCst)).map_err(|e| Error::sys(Op::Wait, e))?
        }
        Reap::Wait => sys::wait().map_err(|e| Error::sys(Op::Wait, e))?,
        _ => sys::waitpid_child(child).map_err(|e| Error::sys(Op::Wait, e))?,
    };
    out.emit(&match cfg.reap {
        Reap::Sigchld => crate::events::reaped_by(status, "waitpid", Some("handler")),
        Reap::Wait => reaped(status, "wait"),
        _ => reaped(status, "waitpid"),
    });
    out.emit(&state(pid));
    Ok(())
}

/// fork(); the child exits at once with `code`.
fn fork_exiting_child(code: i32) -> Result<Pid> {
    // SAFETY: single-threaded: the child runs only _exit.
    match unsafe { sys::fork() }.map_err(|e| Error::sys(Op::Fork, e))? {
        ForkResult::Child => sys::exit_now(code),
        ForkResult::Parent { child } => Ok(child),
    }
}

/// The child's state once it has exited: read /proc until it is a zombie
/// (or gone), a bounded number of times.
fn look_for_zombie(pid: i32) -> Event {
    let deadline = Instant::now() + LOOK_FOR;
    loop {
        let seen = procfs::read(pid);
        let settled = seen.as_ref().is_none_or(|p| p.state == 'Z');
        if settled || Instant::now() >= deadline {
            return state(pid);
        }
        let _ = signals::blocking(|| sys::nanosleep(Duration::from_millis(1)));
    }
}

/// The parent holds without waiting (Ctrl-C cuts it short).
fn hold(pid: i32, d: Duration, out: &Out) {
    if d.is_zero() {
        return;
    }
    out.emit(&Event::Hold { pid, ms: d.as_millis() as u64 });
    out.flush();
    let until = Instant::now() + d;
    while signals::stop_requested().is_none() {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        let _ = signals::blocking(|| sys::nanosleep(left));
    }
}

/// `--reap none`: netlab (a subreaper) forks the lesson's parent, which
/// forks the child, holds, and ends without waiting.
fn orphan(cfg: &Config, out: &mut Out) -> Result<()> {
    because("so that the orphan comes back to netlab, which reaps it (otherwise init would)", || {
        sys::become_subreaper()
    })
    .map_err(|e| Error::sys_at(Op::Prctl, "PR_SET_CHILD_SUBREAPER", e))?;
    let netlab = sys::getpid();
    out.flush();
    let (pid_r, pid_w) = sys::pipe("the lesson's parent tells netlab its child's pid")?;
    // SAFETY: single-threaded: the child may run any code.
    let parent = match unsafe { sys::fork() }.map_err(|e| Error::sys(Op::Fork, e))? {
        ForkResult::Child => {
            // The lesson's parent: fork the child, watch it turn into a
            // zombie, hold, and end without waiting for it.
            let _ = sys::die_with_parent();
            let code = match fork_exiting_child(cfg.code) {
                Ok(child) => {
                    let pid = child.as_raw();
                    let _ = sys::write_all(&pid_w, &pid.to_ne_bytes());
                    out.emit(&look_for_zombie(pid));
                    hold(pid, cfg.hold, out);
                    0
                }
                Err(_) => 1,
            };
            out.flush();
            sys::exit_now(code);
        }
        ForkResult::Parent { child } => child,
    };
    drop(pid_w);
    // The lesson's parent ends without waiting; netlab reaps it (it is
    // netlab's own child), and then its orphan.
    let status = loop {
        match signals::blocking(|| sys::waitpid(parent, false)) {
            Some(Ok(st)) => break st,
            // Ctrl-C to netlab alone (not its group): the lesson's parent
            // is told too, so that its hold ends now
            None | Some(Err(Errno::EINTR)) if signals::stop_requested().is_some() => {
                let _ = because("Ctrl-C ends the lesson's parent's hold too", || {
                    sys::kill(parent.as_raw(), Signal::SIGINT)
                });
                // the parent ends at once (a forked child ends on SIGINT)
                break sys::waitpid_child(parent).map_err(|e| Error::sys(Op::Wait, e))?;
            }
            None | Some(Err(Errno::EINTR)) => {}
            Some(Err(e)) => return Err(Error::sys(Op::Wait, e)),
        }
    };
    let mut raw = [0u8; 4];
    let got = sys::read(&pid_r, &mut raw).unwrap_or(0);
    if signals::stop_requested().is_some() {
        return Err(signals::interrupted());
    }
    if got != 4 || !matches!(status, WaitStatus::Exited(_, 0)) {
        let how = sys::describe_wait(status).map_or_else(|| format!("{status:?}"), |(_, how)| how);
        let child = if got == 4 { "; its child was killed and reaped" } else { ", before it forked its child" };
        return Err(Error::failed(format!("the lesson's parent failed ({how}){child}")));
    }
    let pid = i32::from_ne_bytes(raw);
    let adopter = procfs::read(pid).map(|p| p.ppid).unwrap_or(0);
    let by_command = procfs::read(adopter).map_or_else(|| "?".to_string(), |p| p.comm);
    out.emit(&Event::Adopted { pid, by: adopter, by_command });
    out.emit(&state(pid));
    let status = if adopter == netlab {
        sys::waitpid(Pid::from_raw(pid), false).map_err(|e| Error::sys(Op::Wait, e))?
    } else {
        // someone above netlab took it (netlab could not become a
        // subreaper): it reaps it; wait until it has, briefly
        let deadline = Instant::now() + LOOK_FOR;
        while procfs::read(pid).is_some() && Instant::now() < deadline {
            let _ = signals::blocking(|| sys::nanosleep(Duration::from_millis(10)));
        }
        out.emit(&state(pid));
        return Ok(());
    };
    out.emit(&crate::events::reaped_by(status, "waitpid", Some("adopter")));
    out.emit(&state(pid));
    Ok(())
}
