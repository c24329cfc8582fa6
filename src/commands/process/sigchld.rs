//! remove_zombie.c: a SIGCHLD handler reaps exited children. N children
//! exit at nearly the same moment (they wait at a gate, a pipe the parent
//! closes); their signals coalesce, since a signal already pending is not
//! queued twice.
//!
//! * `--handler once`, the course's handler, calls waitpid once per signal:
//!   fewer signals than children arrive, so some children stay zombies;
//! * `--handler loop` calls `waitpid(-1, &status, WNOHANG)` until it
//!   returns 0: one signal reaps every child that has exited, none is left.
//!
//! What happened is measured, not assumed: the times the handler ran and
//! what it reaped (counted by the handler itself), and the zombies left,
//! counted from /proc once every child has exited. netlab then reaps the
//! ones left itself, so that none outlives the lesson.

use super::{procfs, Handler};
use crate::error::{Error, Op, Result};
use crate::events::{Event as Shared, Lesson};
use crate::logging::because;
use crate::output::Out;
use crate::signals::{self, Signals};
use crate::sys;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal};
use nix::unistd::ForkResult;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What the lesson runs with.
pub struct Config {
    pub children: u64,
    pub handler: Handler,
}

/// The longest the children take to exit once the gate opens.
const BOUND: Duration = Duration::from_secs(5);

static HANDLED: AtomicU64 = AtomicU64::new(0);
static REAPED: AtomicU64 = AtomicU64::new(0);
static LOOP: AtomicBool = AtomicBool::new(true);

/// The SIGCHLD handler: once (remove_zombie.c) or in a loop (the fix).
extern "C" fn read_childproc(sig: libc::c_int) {
    let saved = nix::errno::Errno::last_raw();
    HANDLED.fetch_add(1, Ordering::SeqCst);
    while sys::handler::waitpid_any_nohang(sig).is_some() {
        REAPED.fetch_add(1, Ordering::SeqCst);
        if !LOOP.load(Ordering::SeqCst) {
            break;
        }
    }
    nix::errno::Errno::set_raw(saved);
}

pub fn run(cfg: &Config, out: &mut Out) -> Result<()> {
    let _signals = Signals::install_lesson()?;
    LOOP.store(cfg.handler == Handler::Loop, Ordering::SeqCst);
    let act = SigAction::new(SigHandler::Handler(read_childproc), SaFlags::empty(), SigSet::empty());
    sys::sigaction(Signal::SIGCHLD, &act, "{sa_handler=read_childproc, sa_flags=0}")?;
    let (gate_r, gate_w) = because("the gate: every child waits on it, to exit at the same moment", || {
        sys::pipe_with(nix::fcntl::OFlag::O_CLOEXEC)
    })?;
    out.flush();
    let mut pids = Vec::with_capacity(cfg.children as usize);
    for i in 0..cfg.children {
        // SAFETY: single-threaded: the child only reads the gate and exits.
        match unsafe { sys::fork() } {
            Ok(ForkResult::Child) => {
                let _ = because("the child dies with netlab: it can never be left behind", sys::die_with_parent);
                drop(gate_w);
                let mut b = [0u8; 1];
                // EOF when the parent closes the gate
                while matches!(sys::read(&gate_r, &mut b), Err(nix::errno::Errno::EINTR)) {}
                sys::exit_now((i % 256) as i32);
            }
            Ok(ForkResult::Parent { child }) => pids.push(child.as_raw()),
            Err(e) => {
                drop(gate_w); // let the ones forked so far go
                reap_rest(out);
                return Err(Error::sys(Op::Fork, e));
            }
        }
    }
    drop(gate_r);
    // Open the gate: every child reads EOF and exits.
    drop(gate_w);
    // Wait (bounded) until every child has exited: a zombie, or already
    // reaped by the handler. A signal sent by a child that became a
    // zombie before /proc said so was delivered before the read returned,
    // so the handler has run for it when this loop ends.
    let deadline = Instant::now() + BOUND;
    loop {
        let running = pids.iter().filter(|&&p| procfs::read(p).is_some_and(|s| s.state != 'Z')).count();
        if running == 0 || Instant::now() >= deadline || signals::stop_requested().is_some() {
            break;
        }
        let _ = signals::blocking(|| sys::nanosleep(Duration::from_millis(5)));
    }
    let zombies = pids.iter().filter(|&&p| procfs::read(p).is_some_and(|s| s.state == 'Z')).count() as u64;
    out.emit(&Shared::Result(Lesson::Sigchld {
        handler: cfg.handler.name().into(),
        children: cfg.children,
        signals_handled: HANDLED.load(Ordering::SeqCst),
        reaped_by_handler: REAPED.load(Ordering::SeqCst),
        zombies_left: zombies,
    }));
    reap_rest(out);
    Ok(())
}

/// Reap every child the handler left: SIGCHLD is set back to its default
/// first (the handler would race this loop), then waitpid until none is
/// left, bounded.
fn reap_rest(out: &Out) {
    let _ =
        because("the lesson is over: netlab reaps the rest itself", || sys::set_disposition(Signal::SIGCHLD, false));
    let deadline = Instant::now() + BOUND;
    while Instant::now() < deadline {
        match sys::waitpid(nix::unistd::Pid::from_raw(-1), true) {
            Ok(nix::sys::wait::WaitStatus::StillAlive) => {
                let _ = signals::blocking(|| sys::nanosleep(Duration::from_millis(5)));
            }
            Ok(st) => out.emit(&crate::events::reaped_by(st, "waitpid", Some("netlab"))),
            Err(nix::errno::Errno::EINTR) => {}
            Err(_) => break, // ECHILD: none left
        }
    }
}
