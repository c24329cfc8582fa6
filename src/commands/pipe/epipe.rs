//! Writing to a pipe whose every read end is closed: the kernel sends the
//! writer SIGPIPE, whose default action kills it; a writer that ignores
//! SIGPIPE gets -1 EPIPE from write() instead, and must check it.
//!
//! The parent closes the read end before fork(), so no process holds one;
//! the child writes. (A Rust program starts with SIGPIPE ignored, so the
//! child sets the default action back first, as a C program has it.)

use super::reap;
use crate::error::{Error, Op, Result};
use crate::events::{Event as Shared, Lesson};
use crate::logging::because;
use crate::output::Out;
use crate::sys;
use nix::errno::Errno;
use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;
use nix::unistd::ForkResult;

pub fn run(ignore: bool, out: &mut Out) -> Result<()> {
    let (r, w) = super::make_pipe(out)?;
    because("every read end closed: nobody will ever read", || drop(r));
    out.flush();
    // SAFETY: single-threaded: the child may run any code.
    match unsafe { sys::fork() }.map_err(|e| Error::sys(Op::Fork, e))? {
        ForkResult::Child => {
            let why = if ignore {
                "--ignore-sigpipe: write() fails with EPIPE instead"
            } else {
                "a Rust program starts with SIGPIPE ignored; a C program has the default, which kills"
            };
            let _ = because(why, || sys::set_disposition(Signal::SIGPIPE, ignore));
            const MSG: &[u8] = b"anyone there?";
            if !ignore && crate::logging::tracing_syscalls() {
                // the write never returns to be narrated: said beforehand,
                // as strace writes a call the process died in
                because("SIGPIPE kills the writer inside write(): it never returns", || {
                    crate::logging::trace_line(&format!("write({}, {}) = ?", w.raw(), MSG.len()))
                });
            }
            let code = match sys::write(&w, MSG) {
                Ok(_) => 0,
                Err(e) => e as i32, // EPIPE, when the writer survives
            };
            sys::exit_now(code);
        }
        ForkResult::Parent { child } => {
            drop(w);
            let st = reap(child, out)?;
            let (killed, signal, errno) = match st {
                WaitStatus::Signaled(_, s, _) => (true, Some(s.as_str().to_string()), None),
                WaitStatus::Exited(_, 0) => (false, None, None),
                WaitStatus::Exited(_, code) => (false, None, Some(format!("{:?}", Errno::from_raw(code)))),
                _ => (false, None, None),
            };
            out.emit(&Shared::Result(Lesson::Epipe { ignored: ignore, killed, signal, errno }));
            Ok(())
        }
    }
}
