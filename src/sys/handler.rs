//! The system calls netlab's signal handlers make: only async-signal-safe
//! ones (signal-safety(7)), and never narrated, because narrating is not
//! async-signal-safe (it formats, allocates and takes the stderr lock). The
//! handlers are the one place where a call netlab makes has no trace line;
//! they are all here, so that the exception is visible in one place.
//! (strace shows a handler's run between the signal's `--- SIGCHLD {…} ---`
//! line and `rt_sigreturn`.)
//!
//! Used as `sys::handler::waitpid_any_nohang()`, next to the narrated
//! calls of the same names.

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

/// alarm(2): SIGALRM in `secs` seconds.
pub fn alarm(secs: u32) {
    let _ = nix::unistd::alarm::set(secs);
}

/// write(2) of one byte (a wake-up): a full non-blocking pipe says EAGAIN,
/// which means a wake-up is pending already.
pub fn write_byte(fd: RawFd, byte: u8) {
    // SAFETY: write(2) reads one byte from a valid local; the caller keeps
    // `fd` open while its handler is installed (nix's write wants a
    // BorrowedFd, which a handler has no safe way to make from a stored
    // number).
    unsafe { libc::write(fd, &byte as *const u8 as *const libc::c_void, 1) };
}

/// shutdown(fd, SHUT_RD): a listener blocked in accept() wakes up.
pub fn shutdown_read(fd: RawFd) {
    // SAFETY: shutdown(2) takes a number and touches no memory; the caller
    // keeps `fd` open while its handler is installed.
    unsafe { libc::shutdown(fd, libc::SHUT_RD) };
}

/// waitpid(-1, &status, WNOHANG): the pid of one child that has ended and
/// its raw status, or None (no child has ended: 0; no children: ECHILD).
/// The raw status is what a handler can store in an atomic (nix's waitpid
/// decodes it into a WaitStatus).
pub fn waitpid_any_nohang() -> Option<(i32, i32)> {
    let mut status = 0;
    // SAFETY: waitpid is async-signal-safe; `status` is a valid int.
    let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
    (pid > 0).then_some((pid, status))
}
