//! signal.c and sigaction.c:
//!
//! ```c
//! void timeout(int sig) { if (sig == SIGALRM) puts("Time out!"); alarm(2); }
//! void keycontrol(int sig) { if (sig == SIGINT) puts("CTRL+C pressed"); }
//! int main(void) {
//!     signal(SIGALRM, timeout); signal(SIGINT, keycontrol);
//!     alarm(2);
//!     for (int i = 0; i < 3; i++) { puts("wait..."); sleep(100); }
//! }
//! ```
//!
//! Each SIGALRM cuts a sleep(100) short (sleep returns the seconds left)
//! and the handler re-arms the alarm, so the three rounds take 6 s, not
//! 300. Ctrl-C runs keycontrol and also cuts the sleep short. The handlers
//! only count (printing from a handler is not async-signal-safe); the main
//! loop prints `Time out!` for them when sleep returns. `--api signal`
//! installs them with the C library's signal(), which glibc implements as
//! sigaction with SA_RESTART; `--api sigaction` with sa_flags 0, as the
//! course's sigaction.c. For sleep() the two behave alike: sleep is never
//! restarted (see `signal eintr` for the calls where they differ).

use super::{Api, Event};
use crate::error::Result;
use crate::logging::because;
use crate::output::Out;
use crate::sys;
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What the lesson runs with.
pub struct Config {
    pub secs: u32,
    pub api: Api,
    pub loops: u64,
}

/// sleep(100), as the course's loop.
const SLEEP: u32 = 100;

static SECS: AtomicU32 = AtomicU32::new(2);
static ALARMS: AtomicU64 = AtomicU64::new(0);
static INTERRUPTS: AtomicU64 = AtomicU64::new(0);

extern "C" fn timeout(sig: libc::c_int) {
    if sig == libc::SIGALRM {
        ALARMS.fetch_add(1, Ordering::SeqCst);
        // alarm(2) is async-signal-safe: re-armed here, as the course does
        crate::sys::handler::alarm(sig, SECS.load(Ordering::SeqCst).max(1), crate::sys::handler::Why::Course);
    }
}

extern "C" fn keycontrol(sig: libc::c_int) {
    if sig == libc::SIGINT {
        INTERRUPTS.fetch_add(1, Ordering::SeqCst);
    }
}

pub fn run(cfg: &Config, out: &mut Out) -> Result<()> {
    SECS.store(cfg.secs, Ordering::SeqCst);
    let handlers: [(Signal, &str, extern "C" fn(libc::c_int)); 2] =
        [(Signal::SIGALRM, "timeout", timeout), (Signal::SIGINT, "keycontrol", keycontrol)];
    for (sig, name, f) in handlers {
        match cfg.api {
            Api::Signal => sys::signal(sig, f, name)?,
            Api::Sigaction => {
                let act = SigAction::new(SigHandler::Handler(f), SaFlags::empty(), SigSet::empty());
                sys::sigaction(sig, &act, &format!("{{sa_handler={name}, sa_mask=[], sa_flags=0}}"))?;
            }
        }
        out.emit(&Event::Handler {
            signal: sig.as_str().into(),
            function: name.into(),
            api: if cfg.api == Api::Signal { "signal" } else { "sigaction" }.into(),
            flags: if cfg.api == Api::Signal { "SA_RESTART" } else { "0" }.into(),
        });
    }
    because("the lesson's signals are delivered even if netlab was started with them blocked", || {
        sys::unblock(&[Signal::SIGALRM, Signal::SIGINT])
    });
    let t0 = Instant::now();
    // What the handlers have counted and this loop has told: a signal that
    // comes between the `wait...` line and sleep() does not cut the sleep
    // short, but it is told with the next one that does (a snapshot taken
    // after the line would swallow it).
    let (mut alarms, mut ints) = (ALARMS.load(Ordering::SeqCst), INTERRUPTS.load(Ordering::SeqCst));
    sys::alarm(cfg.secs);
    for n in 1..=cfg.loops {
        out.emit(&Event::Waiting { n });
        out.flush();
        let slept = Instant::now();
        let left = sys::sleep(SLEEP);
        let elapsed = slept.elapsed();
        let at_ms = t0.elapsed().as_millis() as u64;
        let (alarms_now, ints_now) = (ALARMS.load(Ordering::SeqCst), INTERRUPTS.load(Ordering::SeqCst));
        for _ in alarms..alarms_now {
            // (the handler's alarm() is narrated from its journal)
            out.emit(&Event::Delivered { signal: "SIGALRM".into(), at_ms });
        }
        for _ in ints..ints_now {
            out.emit(&Event::Delivered { signal: "SIGINT".into(), at_ms });
        }
        (alarms, ints) = (alarms_now, ints_now);
        if left > 0 {
            let remaining = Duration::from_secs(u64::from(SLEEP)).saturating_sub(elapsed);
            out.emit(&Event::Interrupted {
                call: format!("sleep({SLEEP})"),
                errno: None,
                remaining_ms: Some(remaining.as_millis() as u64),
                note: String::new(),
            });
        }
    }
    because("the lesson is over: no alarm is left pending", || sys::alarm(0));
    Ok(())
}
