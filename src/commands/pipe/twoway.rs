//! pipe2.c and pipe3.c: a message each way.
//!
//! With one pipe for both directions (`--pipes 1`, the textbook's pipe2.c
//! without its `sleep(2)`), whoever reads first takes whatever is in the
//! pipe: the child may read back its own "Who are you?", and the parent
//! then waits for a message that never comes (netlab bounds that wait).
//! With one pipe each way (`--pipes 2`, pipe3.c) the messages never cross.
//!
//! Each process makes one read(), as pipe2.c does. What happened is
//! reported, not assumed: each process tells what it read (the child
//! prints its own `transfer` line before it exits, and its exit code tells
//! the parent: 0 the parent's message, 1 its own, 2 nothing).

use super::{make_pipe, read_once, Event};
use crate::error::{Error, Op, Result};
use crate::events::{Event as Shared, Lesson};
use crate::output::Out;
use crate::sys::{self, Fd};
use nix::sys::wait::WaitStatus;
use nix::unistd::ForkResult;

const STR1: &str = "Who are you?";
const STR2: &str = "Thank you for your message";

/// What process `me` read, told as who wrote which part: its own
/// message (`mine`) from itself, the other's (`theirs`) or anything else
/// from the other process. One read() returns one message here (neither
/// writes its second before the first is read), but the split is by
/// content, so a read that held both would still be told as it was.
fn tell(out: &Out, me: i32, other: i32, got: &[u8], mine: &str, theirs: &str) {
    let mut rest = got;
    while !rest.is_empty() {
        let (from, n) = if rest.starts_with(mine.as_bytes()) {
            (me, mine.len())
        } else if rest.starts_with(theirs.as_bytes()) {
            (other, theirs.len())
        } else {
            (other, rest.len())
        };
        out.emit(&Event::Transfer {
            from_pid: from,
            to_pid: me,
            bytes: n as u64,
            data: String::from_utf8_lossy(&rest[..n]).into_owned(),
        });
        rest = &rest[n..];
    }
}

pub fn run(pipes: u8, out: &mut Out) -> Result<()> {
    // (child writes to, parent reads from) and (parent writes to, child reads from)
    let (to_parent, to_child): ((Fd, Fd), Option<(Fd, Fd)>) =
        if pipes == 1 { (make_pipe(out)?, None) } else { (make_pipe(out)?, Some(make_pipe(out)?)) };
    if to_child.is_none() {
        // Both processes read this one pipe: poll may say "readable" to
        // both, and a blocking read() of the one the other beat would wait
        // forever (its own write end keeps the pipe open).
        crate::logging::because("both processes read this pipe: a read must not wait for what the other took", || {
            sys::set_nonblocking(&to_parent.0, true)
        })
        .map_err(|e| Error::sys_at(Op::Fcntl, "O_NONBLOCK", e))?;
    }
    out.flush();
    let parent = sys::getpid();
    // SAFETY: single-threaded: the child may run any code.
    match unsafe { sys::fork() }.map_err(|e| Error::sys(Op::Fork, e))? {
        ForkResult::Child => {
            let me = sys::getpid();
            let (read_end, write_end) = match &to_child {
                Some((r, _)) => (r, &to_parent.1),
                None => (&to_parent.0, &to_parent.1),
            };
            let code = match sys::write_all(write_end, STR1.as_bytes()) {
                Err(_) => 3,
                Ok(_) => match read_once(read_end, STR2.len().max(STR1.len())) {
                    Ok(got) => {
                        tell(out, me, parent, &got, STR1, STR2);
                        out.flush();
                        if got.is_empty() {
                            2
                        } else if got.starts_with(STR1.as_bytes()) {
                            1
                        } else {
                            0
                        }
                    }
                    Err(_) => 3,
                },
            };
            sys::exit_now(code);
        }
        ForkResult::Parent { child } => {
            let (read_end, write_end) = match &to_child {
                Some((_, w)) => (&to_parent.0, w),
                None => (&to_parent.0, &to_parent.1),
            };
            let got = read_once(read_end, STR1.len())?;
            sys::write_all(write_end, STR2.as_bytes()).map_err(|e| Error::sys(Op::Write, e))?;
            // The child's line first: it prints before it exits.
            let status = sys::waitpid_child(child).map_err(|e| Error::sys(Op::Wait, e))?;
            tell(out, parent, child.as_raw(), &got, STR2, STR1);
            out.emit(&crate::events::reaped(status, "waitpid"));
            let child_read = match status {
                WaitStatus::Exited(_, c) => c,
                _ => 3,
            };
            let crossed = child_read == 1 || got.starts_with(STR2.as_bytes());
            let stuck = got.is_empty() || child_read == 2;
            out.emit(&Shared::Result(Lesson::Twoway { pipes: u64::from(pipes), crossed, stuck }));
            Ok(())
        }
    }
}
