//! The events of `netlab process` beyond the shared `reaped` and `result`:
//! serde (the `event` tag names the kind) and their text.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What `netlab process` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// One side of fork(): the course's fork.c line, and who it is.
    Forked {
        /// parent or child
        role: String,
        /// this process's id (getpid)
        pid: i32,
        /// its parent's id (getppid)
        ppid: i32,
        /// what fork() returned here: the child's pid in the parent, 0 in the child
        fork_returned: i32,
        /// the global variable after this process changed its own copy
        #[serde(default, skip_serializing_if = "Option::is_none")]
        global: Option<i64>,
        /// the local variable after this process changed its own copy
        #[serde(default, skip_serializing_if = "Option::is_none")]
        local: Option<i64>,
    },
    /// A process as `ps au` shows it, read from /proc/PID/stat; `state`
    /// is `gone` once it has been reaped (no /proc entry any more).
    State {
        /// the process id
        pid: i32,
        /// the state letter (Z for a zombie), or gone
        state: String,
        /// the STAT column of `ps au` (Z+: a zombie in the foreground group)
        stat: String,
        /// the COMMAND column of `ps au` ([netlab] <defunct> for a zombie)
        command: String,
        /// its parent's id, as /proc says it now
        ppid: i32,
    },
    /// The parent holds this long without waiting for its child.
    Hold {
        /// the child that stays a zombie meanwhile
        pid: i32,
        /// how long, in milliseconds
        ms: u64,
    },
    /// An orphan was adopted: its parent ended without waiting for it.
    Adopted {
        /// the orphan's process id
        pid: i32,
        /// the process that adopted it (init, or the nearest child subreaper)
        by: i32,
        /// that process's command name
        by_command: String,
    },
    /// One `waitpid(pid, &status, WNOHANG)` that found the child still
    /// running (the course's waitpid.c prints a line for each).
    Poll {
        /// the poll's number, from 1
        n: u64,
        /// the child waited for
        pid: i32,
        /// what waitpid returned: 0, the child is still running
        result: i32,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Forked { role, pid, ppid, fork_returned, global, local } => {
                let who = if role == "child" { "Child Proc" } else { "Parent Proc" };
                match (global, local) {
                    (Some(g), Some(l)) => write!(f, "{who}: [{g}, {l}]   ")?,
                    _ => write!(f, "{who}:   ")?,
                }
                write!(f, "pid {pid}, ppid {ppid}, fork() returned {fork_returned}")
            }
            Event::State { pid, state, stat, command, ppid } if state == "gone" => {
                let _ = (stat, command, ppid);
                write!(f, "/proc/{pid} is gone: once reaped, nothing of the child is left")
            }
            Event::State { pid, stat, command, ppid, state } => {
                write!(f, "{pid}: STAT {stat}  COMMAND {command}  (parent {ppid})")?;
                if state == "Z" {
                    write!(f, ": a zombie, it has exited and its parent has not waited for it")?;
                }
                Ok(())
            }
            Event::Hold { pid, ms } => write!(
                f,
                "holding {:.1} s without waiting: `ps au | grep defunct` in another terminal shows {pid}",
                *ms as f64 / 1000.0
            ),
            Event::Adopted { pid, by, by_command } => {
                write!(f, "{pid} is an orphan now, adopted by {by} ({by_command})")
            }
            Event::Poll { n, pid, result } => {
                write!(f, "waitpid({pid}, &status, WNOHANG) = {result}: still running (poll {n}); doing other work")
            }
        }
    }
}
