//! The system calls netlab's signal handlers make: only async-signal-safe
//! ones (signal-safety(7)). Narrating is not async-signal-safe (it
//! formats, allocates and takes the stderr lock), so a handler only notes
//! each call it makes, its arguments and result, in a lock-free journal of
//! atomics; the next trace line written after the handler returned writes
//! those notes first, labelled with the handler (`[SIGCHLD handler]
//! waitpid(-1, WNOHANG) = 4242 (exited 0)`), in the order they were made.
//! strace shows the same calls between the signal's `--- SIGCHLD {…} ---`
//! line and `rt_sigreturn`. They are all here, so that the exception is
//! visible in one place.
//!
//! Used as `sys::handler::waitpid_any_nohang(sig)`, next to the narrated
//! calls of the same names.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use std::os::fd::RawFd;

/// getpid(2).
pub fn getpid() -> i32 {
    nix::unistd::getpid().as_raw()
}

/// _exit(2): end the process at once.
pub fn exit(code: i32) -> ! {
    // SAFETY: _exit is async-signal-safe and ends the process at once
    // (nix has no wrapper for it).
    unsafe { libc::_exit(code) }
}

/// alarm(2): SIGALRM in `secs` seconds. `why`: the reason on its trace
/// line, when the course's program would not make it.
pub fn alarm(sig: i32, secs: u32, why: Why) {
    let left = nix::unistd::alarm::set(secs).unwrap_or(0);
    note(Kind::Alarm, why, sig, secs as i32, left as i32);
}

/// write(2) of one byte (a wake-up): a full non-blocking pipe says EAGAIN,
/// which means a wake-up is pending already.
pub fn write_byte(sig: i32, fd: RawFd, byte: u8, why: Why) {
    // SAFETY: write(2) reads one byte from a valid local; the caller keeps
    // `fd` open while its handler is installed (nix's write wants a
    // BorrowedFd, which a handler has no safe way to make from a stored
    // number).
    let n = unsafe { libc::write(fd, &byte as *const u8 as *const libc::c_void, 1) };
    note(Kind::Write, why, sig, fd, result(n as i32));
}

/// shutdown(fd, SHUT_RD): a listener blocked in accept() wakes up.
pub fn shutdown_read(sig: i32, fd: RawFd, why: Why) {
    // SAFETY: shutdown(2) takes a number and touches no memory; the caller
    // keeps `fd` open while its handler is installed.
    let r = unsafe { libc::shutdown(fd, libc::SHUT_RD) };
    note(Kind::Shutdown, why, sig, fd, result(r));
}

/// waitpid(-1, &status, WNOHANG): the pid of one child that has ended and
/// its raw status, or None (no child has ended: 0; no children: ECHILD).
/// The raw status is what a handler can store in an atomic (nix's waitpid
/// decodes it into a WaitStatus).
pub fn waitpid_any_nohang(sig: i32) -> Option<(i32, i32)> {
    let mut status = 0;
    // SAFETY: waitpid is async-signal-safe; `status` is a valid int.
    let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
    note(Kind::Waitpid, Why::Course, sig, result(pid), if pid > 0 { status } else { 0 });
    (pid > 0).then_some((pid, status))
}

/// A call's result as the journal keeps it: the value, or -errno.
fn result(r: i32) -> i32 {
    if r < 0 {
        -nix::errno::Errno::last_raw()
    } else {
        r
    }
}

/// Which call a journal note is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Waitpid = 1,
    Write = 2,
    Shutdown = 3,
    Alarm = 4,
}

/// Why a handler makes a call, when the course's program would not: the
/// reason on its trace line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// the course's own call (remove_zombie.c's waitpid, alarm.c's alarm)
    Course = 0,
    /// the self-pipe: the handler wakes the loop
    SelfPipe = 1,
    /// the safety net of a wait that was about to block
    SafetyNet = 2,
    /// signal eintr --restart: the kernel restarts the call, a second
    /// alarm ends it
    Restarted = 3,
}

impl Why {
    fn from_bits(b: u64) -> Why {
        match b {
            1 => Why::SelfPipe,
            2 => Why::SafetyNet,
            3 => Why::Restarted,
            _ => Why::Course,
        }
    }

    fn text(self) -> Option<&'static str> {
        match self {
            Why::Course => None,
            Why::SelfPipe => Some("self-pipe: the handler wakes the loop"),
            Why::SafetyNet => {
                Some("safety net: a signal caught just before a call blocks re-interrupts it a second later")
            }
            Why::Restarted => Some("SA_RESTART restarts the call: the second alarm ends it"),
        }
    }
}

/// How many notes the journal holds between two trace lines; more are
/// counted and said as a number.
const JOURNAL: usize = 4096;

static NOTES: [AtomicU64; JOURNAL] = [const { AtomicU64::new(0) }; JOURNAL];
/// notes claimed by handlers, and notes narrated (or skipped)
static WRITTEN: AtomicUsize = AtomicUsize::new(0);
static READ: AtomicUsize = AtomicUsize::new(0);
static LOST: AtomicUsize = AtomicUsize::new(0);

/// A 24-bit field of a note (pids, descriptors, statuses and -errno all
/// fit).
fn pack24(v: i32) -> u64 {
    (v as u32 as u64) & 0xff_ffff
}

fn unpack24(v: u64) -> i32 {
    (((v & 0xff_ffff) as u32) << 8) as i32 >> 8
}

/// Note a call a handler made (only when --trace is on): lock-free, no
/// allocation, async-signal-safe.
fn note(kind: Kind, why: Why, sig: i32, a: i32, b: i32) {
    if !crate::logging::tracing_syscalls() {
        return;
    }
    // claim a slot only while the ring has room (a compare-and-swap, so
    // that two handlers, or one interrupted by another, cannot both take
    // the last one); full: counted, not noted
    let mut at = WRITTEN.load(Ordering::Acquire);
    loop {
        if at.wrapping_sub(READ.load(Ordering::Acquire)) >= JOURNAL {
            LOST.fetch_add(1, Ordering::Relaxed);
            return;
        }
        match WRITTEN.compare_exchange_weak(at, at + 1, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => break,
            Err(now) => at = now,
        }
    }
    let v = (kind as u64) << 61 | (why as u64) << 56 | ((sig as u64) & 0xff) << 48 | pack24(a) << 24 | pack24(b);
    NOTES[at % JOURNAL].store(v, Ordering::Release);
}

/// The calls handlers made since the last call, as trace lines (label,
/// call and result, reason), oldest first; called by the trace itself
/// before each line it writes.
pub fn take_notes() -> Vec<(String, Option<&'static str>)> {
    let mut lines = Vec::new();
    loop {
        let at = READ.load(Ordering::Acquire);
        if at == WRITTEN.load(Ordering::Acquire) {
            break;
        }
        // a handler claimed the slot but has not stored its note yet (it
        // runs on this very thread, or another one): next time
        let v = NOTES[at % JOURNAL].swap(0, Ordering::AcqRel);
        if v == 0 {
            break;
        }
        if READ.compare_exchange(at, at + 1, Ordering::AcqRel, Ordering::Acquire).is_err() {
            // another thread narrates: put it back for it
            NOTES[at % JOURNAL].store(v, Ordering::Release);
            continue;
        }
        lines.push(describe(v));
    }
    let lost = LOST.swap(0, Ordering::Relaxed);
    if lost > 0 {
        lines.push((format!("({lost} more calls made in signal handlers: the journal holds {JOURNAL})"), None));
    }
    lines
}

/// Forget every note (a forked child: they are its parent's).
pub fn forget_notes() {
    // (a slot at 0 means "not written yet": the parent's notes are cleared)
    for n in &NOTES {
        n.store(0, Ordering::Relaxed);
    }
    READ.store(WRITTEN.load(Ordering::Acquire), Ordering::Release);
    LOST.store(0, Ordering::Relaxed);
}

fn describe(v: u64) -> (String, Option<&'static str>) {
    let (kind, why, sig) = (v >> 61, Why::from_bits((v >> 56) & 0x1f), ((v >> 48) & 0xff) as i32);
    let (a, b) = (unpack24(v >> 24), unpack24(v));
    let name =
        nix::sys::signal::Signal::try_from(sig).map_or_else(|_| format!("signal {sig}"), |s| s.as_str().to_string());
    let failed = |r: i32| super::failed(nix::errno::Errno::from_raw(-r));
    let call = match kind {
        1 if a > 0 => {
            let how = super::describe_wait(
                nix::sys::wait::WaitStatus::from_raw(nix::unistd::Pid::from_raw(a), b)
                    .unwrap_or(nix::sys::wait::WaitStatus::StillAlive),
            )
            .map_or_else(|| format!("status {b:#x}"), |(_, how)| how);
            format!("waitpid(-1, WNOHANG) = {a} ({how})")
        }
        1 if a == 0 => "waitpid(-1, WNOHANG) = 0".to_string(),
        1 => format!("waitpid(-1, WNOHANG) = {}", failed(a)),
        2 if b >= 0 => format!("write({a}, 1) = {b}"),
        2 => format!("write({a}, 1) = {}", failed(b)),
        3 if b >= 0 => format!("shutdown({a}, SHUT_RD) = {b}"),
        3 => format!("shutdown({a}, SHUT_RD) = {}", failed(b)),
        _ => format!("alarm({a}) = {b}"),
    };
    (format!("[{name} handler] {call}"), why.text())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noted(kind: Kind, why: Why, sig: i32, a: i32, b: i32) -> u64 {
        (kind as u64) << 61 | (why as u64) << 56 | ((sig as u64) & 0xff) << 48 | pack24(a) << 24 | pack24(b)
    }

    #[test]
    fn a_note_holds_pids_descriptors_and_negative_errnos() {
        for v in [0, 1, 4_194_304, -1, -libc::ECHILD, 8_388_607, -8_388_608] {
            assert_eq!(unpack24(pack24(v)), v);
        }
        // status 7 << 8: exited 7
        let (line, why) = describe(noted(Kind::Waitpid, Why::Course, libc::SIGCHLD, 4242, 7 << 8));
        assert_eq!(line, "[SIGCHLD handler] waitpid(-1, WNOHANG) = 4242 (exited 7)");
        assert_eq!(why, None);
        let (line, _) = describe(noted(Kind::Waitpid, Why::Course, libc::SIGCHLD, -libc::ECHILD, 0));
        assert_eq!(line, "[SIGCHLD handler] waitpid(-1, WNOHANG) = -1 ECHILD (No child processes)");
        let (line, why) = describe(noted(Kind::Write, Why::SelfPipe, libc::SIGINT, 5, -libc::EAGAIN));
        assert!(line.starts_with("[SIGINT handler] write(5, 1) = -1 EAGAIN"), "{line}");
        assert_eq!(why, Why::SelfPipe.text());
        let (line, _) = describe(noted(Kind::Alarm, Why::Course, libc::SIGALRM, 2, 0));
        assert_eq!(line, "[SIGALRM handler] alarm(2) = 0");
    }
}
