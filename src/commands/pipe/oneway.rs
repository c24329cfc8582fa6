//! pipe1.c, and when the reader sees end of file.
//!
//! ```c
//! pipe(fds);
//! pid = fork();
//! if (pid == 0) write(fds[1], str, sizeof(str));
//! else { read(fds[0], buf, BUF_SIZE); puts(buf); }
//! ```
//!
//! netlab also closes the end each process does not use (the course's
//! programs do not): the reader sees EOF (read = 0) only once every copy
//! of the write end is closed, its own included. `eof --leak` keeps the
//! parent's copy open, and the read would wait forever: netlab bounds it
//! and names the descriptor that kept the pipe open.

use super::{make_pipe, read_bounded, reap, Event};
use crate::error::{Error, Op, Result};
use crate::events::{Event as Shared, Lesson};
use crate::logging::because;
use crate::output::Out;
use crate::sys;
use nix::unistd::ForkResult;
use std::time::Instant;

/// The child writes `data`, the parent reads it.
pub fn run(data: &str, out: &mut Out) -> Result<()> {
    let (r, w) = make_pipe(out)?;
    out.flush();
    let parent = sys::getpid();
    // SAFETY: single-threaded: the child may run any code.
    match unsafe { sys::fork() }.map_err(|e| Error::sys(Op::Fork, e))? {
        ForkResult::Child => {
            because("the child only writes: it closes the read end", || drop(r));
            let ok = sys::write_all(&w, data.as_bytes()).is_ok();
            sys::exit_now(if ok { 0 } else { 1 });
        }
        ForkResult::Parent { child } => {
            because("the parent only reads: it closes the write end", || drop(w));
            let (got, _) = read_bounded(&r, usize::MAX)?;
            out.emit(&Event::Transfer {
                from_pid: child.as_raw(),
                to_pid: parent,
                bytes: got.len() as u64,
                data: String::from_utf8_lossy(&got).into_owned(),
            });
            reap(child, out)?;
            out.emit(&Shared::Result(Lesson::Oneway { bytes: got.len() as u64, intact: got == data.as_bytes() }));
            Ok(())
        }
    }
}

/// The child writes and closes; the parent reads until EOF, with its own
/// write end closed first, or (`leak`) kept open.
pub fn eof(leak: bool, out: &mut Out) -> Result<()> {
    let (r, w) = make_pipe(out)?;
    out.flush();
    let parent = sys::getpid();
    // SAFETY: single-threaded: the child may run any code.
    match unsafe { sys::fork() }.map_err(|e| Error::sys(Op::Fork, e))? {
        ForkResult::Child => {
            drop(r);
            let ok = sys::write_all(&w, b"last words").is_ok();
            because("the writer is done: it closes its write end", || drop(w));
            sys::exit_now(if ok { 0 } else { 1 });
        }
        ForkResult::Parent { child } => {
            let kept = if leak {
                Some(w)
            } else {
                because("the reader closes its own copy of the write end: only then can EOF come", || drop(w));
                None
            };
            let t0 = Instant::now();
            let (got, eof) = read_bounded(&r, usize::MAX)?;
            let waited_ms = t0.elapsed().as_millis() as u64;
            out.emit(&Event::Transfer {
                from_pid: child.as_raw(),
                to_pid: parent,
                bytes: got.len() as u64,
                data: String::from_utf8_lossy(&got).into_owned(),
            });
            reap(child, out)?;
            let kept_open_by = if eof { None } else { kept.as_ref().map(|w| w.raw()) };
            out.emit(&Shared::Result(Lesson::Eof { eof, kept_open_by, waited_ms }));
            drop(kept);
            Ok(())
        }
    }
}
