//! A blocking call with an alarm pending.
//!
//! Without SA_RESTART (the course's sa_flags 0), the SIGALRM handler runs
//! and the call fails: `read(3, 64) = -1 EINTR`. A program must expect it:
//! call again (`while (n == -1 && errno == EINTR)`), or take it as the
//! signal to stop, as netlab's servers do.
//!
//! With SA_RESTART, the kernel restarts read() and accept() after the
//! handler, and the program never sees EINTR. To end the demonstration a
//! second alarm comes a second later; its handler ends the wait (it writes
//! a byte into the pipe, or shuts the listener down), both async-signal-safe.
//! sleep() is never restarted: it fails either way (signal(7) lists the
//! calls that SA_RESTART restarts).
//!
//! The whole run takes 1 s without SA_RESTART and 2 s with it.

use super::{During, Event};
use crate::error::Result;
use crate::logging::because;
use crate::output::Out;
use crate::sys::{self, Fd};
use nix::errno::Errno;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal};
use nix::sys::socket::{AddressFamily, SockType};
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::time::Instant;

/// What the lesson runs with.
pub struct Config {
    pub restart: bool,
    pub during: During,
}

/// The alarms this lesson sets, one second apart.
const ALARM_SECS: u32 = 1;

static ALARMS: AtomicU64 = AtomicU64::new(0);
/// When each of the first two alarms was handled (CLOCK_MONOTONIC, ns).
static AT_NS: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];
/// With SA_RESTART: the descriptor the second handler uses to end the
/// wait (the pipe's write end, or the listener), and which.
static END_FD: AtomicI32 = AtomicI32::new(-1);
static END_BY_WRITE: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_alarm(sig: libc::c_int) {
    let saved = nix::errno::Errno::last_raw();
    let n = ALARMS.fetch_add(1, Ordering::SeqCst) + 1;
    if let Some(at) = AT_NS.get(n as usize - 1) {
        at.store(monotonic_ns(), Ordering::SeqCst);
    }
    let fd = END_FD.load(Ordering::SeqCst);
    if fd >= 0 {
        if n == 1 {
            // the kernel will restart the call: a second alarm ends it
            sys::handler::alarm(sig, ALARM_SECS, sys::handler::Why::Restarted);
        } else if END_BY_WRITE.load(Ordering::SeqCst) == 1 {
            // the pipe's write end, open until the lesson ends
            sys::handler::write_byte(sig, fd, b'!', sys::handler::Why::Restarted);
        } else {
            // the listener, open until the lesson ends
            sys::handler::shutdown_read(sig, fd, sys::handler::Why::Restarted);
        }
    }
    nix::errno::Errno::set_raw(saved);
}

/// CLOCK_MONOTONIC in nanoseconds (clock_gettime is async-signal-safe).
fn monotonic_ns() -> u64 {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .map_or(0, |t| t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64)
}

pub fn run(cfg: &Config, out: &mut Out) -> Result<()> {
    let flags = if cfg.restart { SaFlags::SA_RESTART } else { SaFlags::empty() };
    let shown_flags = if cfg.restart { "SA_RESTART" } else { "0" };
    let act = SigAction::new(SigHandler::Handler(on_alarm), flags, SigSet::empty());
    sys::sigaction(Signal::SIGALRM, &act, &format!("{{sa_handler=timeout, sa_mask=[], sa_flags={shown_flags}}}"))?;
    out.emit(&Event::Handler {
        signal: "SIGALRM".into(),
        function: "timeout".into(),
        api: "sigaction".into(),
        flags: shown_flags.into(),
    });
    because("the lesson's signal is delivered even if netlab was started with it blocked", || {
        sys::unblock(&[Signal::SIGALRM])
    });
    // What blocks: an empty pipe, a listener, or nothing (sleep).
    let mut keep: Vec<Fd> = Vec::new();
    let (call, blocked_on) = match cfg.during {
        During::Read => {
            let (r, w) = sys::pipe_with(nix::fcntl::OFlag::O_CLOEXEC)?;
            END_FD.store(if cfg.restart { w.raw() } else { -1 }, Ordering::SeqCst);
            END_BY_WRITE.store(1, Ordering::SeqCst);
            let call = format!("read({}, 64)", r.raw());
            keep.push(w);
            (call, Some(r))
        }
        During::Accept => {
            let fd = sys::socket(AddressFamily::Inet, SockType::Stream, false)?;
            sys::bind(&fd, std::net::SocketAddr::from(([127, 0, 0, 1], 0)))?;
            sys::listen(&fd, 5)?;
            END_FD.store(if cfg.restart { fd.raw() } else { -1 }, Ordering::SeqCst);
            END_BY_WRITE.store(0, Ordering::SeqCst);
            (format!("accept({})", fd.raw()), Some(fd))
        }
        During::Sleep => ("sleep(10)".to_string(), None),
    };
    let t0 = Instant::now();
    let t0_ns = monotonic_ns();
    sys::alarm(ALARM_SECS);
    let result: std::result::Result<String, Errno> = match (&cfg.during, &blocked_on) {
        (During::Read, Some(r)) => sys::read(r, &mut [0u8; 64]).map(|n| n.to_string()),
        (During::Accept, Some(l)) => sys::accept(l, false).map(|(c, peer)| format!("{} ({peer})", c.raw())),
        _ => match sys::sleep(10) {
            0 => Ok("0".into()),
            _ => Err(Errno::EINTR),
        },
    };
    let elapsed_ms = t0.elapsed().as_millis() as u64;
    because("the lesson is over: no alarm is left pending", || sys::alarm(0));
    END_FD.store(-1, Ordering::SeqCst);
    let alarms = ALARMS.load(Ordering::SeqCst);
    for at in AT_NS.iter().take(alarms as usize) {
        let at_ms = at.load(Ordering::SeqCst).saturating_sub(t0_ns) / 1_000_000;
        out.emit(&Event::Delivered { signal: "SIGALRM".into(), at_ms });
    }
    match result {
        Err(Errno::EINTR) => {
            let (errno, remaining_ms) = match cfg.during {
                During::Sleep => (None, Some(10_000u64.saturating_sub(elapsed_ms))),
                _ => (Some("EINTR".to_string()), None),
            };
            let note = match (cfg.during, cfg.restart) {
                (During::Sleep, true) => {
                    "sleep() is never restarted, SA_RESTART or not (signal(7)): it returns the seconds left"
                }
                (During::Sleep, false) => "sleep() returns the seconds it did not sleep",
                _ => {
                    "without SA_RESTART a blocked call fails with EINTR: a program checks errno and calls it \
                     again (or takes it as the signal to stop)"
                }
            };
            out.emit(&Event::Interrupted { call, errno, remaining_ms, note: note.into() });
        }
        other => out.emit(&Event::Returned {
            call,
            result: match other {
                Ok(r) => r,
                Err(e) => format!("-1 {e:?}"),
            },
            elapsed_ms,
            signals_during: alarms,
            note: if cfg.restart && alarms > 0 {
                "SA_RESTART: the kernel restarted the call after each handler; the program never saw EINTR \
                 (the second handler ended the wait)"
                    .into()
            } else {
                String::new()
            },
        }),
    }
    drop(keep);
    Ok(())
}
