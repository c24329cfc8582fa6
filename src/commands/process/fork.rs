//! fork.c: a global and a local variable; after fork() the parent and the
//! child each change their own copy: memory is copied, not shared.
//!
//! ```c
//! int gval = 10;
//! int main(void) {
//!     int lval = 20;
//!     gval++, lval += 5;                      /* 11, 25 */
//!     pid_t pid = fork();
//!     if (pid == 0) gval += 2, lval += 2;     /* child:  13, 27 */
//!     else          gval -= 2, lval -= 2;     /* parent:  9, 23 */
//! }
//! ```
//!
//! The child prints its line and exits; the parent waits for it (so that
//! the lines always come in the same order, and no zombie is left), then
//! prints its own.

use super::Event;
use crate::error::{Error, Op, Result};
use crate::output::Out;
use crate::signals::Signals;
use crate::sys;
use nix::unistd::ForkResult;
use std::sync::atomic::{AtomicI64, Ordering};

/// The course's global variable (each process has its own copy after fork).
static GVAL: AtomicI64 = AtomicI64::new(10);

pub fn run(out: &mut Out) -> Result<()> {
    let _signals = Signals::install_lesson()?;
    let mut lval: i64 = 20;
    GVAL.fetch_add(1, Ordering::SeqCst);
    lval += 5;
    out.flush(); // nothing queued may be written twice, by both processes
                 // SAFETY: single-threaded: the child may run any code.
    match unsafe { sys::fork() }.map_err(|e| Error::sys(Op::Fork, e))? {
        ForkResult::Child => {
            GVAL.fetch_add(2, Ordering::SeqCst);
            lval += 2;
            out.emit(&Event::Forked {
                role: "child".into(),
                pid: sys::getpid(),
                ppid: sys::getppid(),
                fork_returned: 0,
                global: Some(GVAL.load(Ordering::SeqCst)),
                local: Some(lval),
            });
            out.flush();
            sys::exit_now(0);
        }
        ForkResult::Parent { child } => {
            // the child's line first, and no zombie: wait before printing
            let status = sys::waitpid_child(child).map_err(|e| Error::sys(Op::Wait, e))?;
            GVAL.fetch_sub(2, Ordering::SeqCst);
            lval -= 2;
            out.emit(&Event::Forked {
                role: "parent".into(),
                pid: sys::getpid(),
                ppid: sys::getppid(),
                fork_returned: child.as_raw(),
                global: Some(GVAL.load(Ordering::SeqCst)),
                local: Some(lval),
            });
            out.emit(&super::reaped(status, "waitpid"));
            Ok(())
        }
    }
}
