//! The `result` event of `process` and `pipe`: one variant per lesson,
//! with the text a student reads.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The `result` event of a lesson: its `kind` names the lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Lesson {
    /// process sigchld: N children exit at once; what the handler caught.
    Sigchld {
        /// once (one waitpid per signal, the course's handler) or loop
        handler: String,
        /// children forked
        children: u64,
        /// times the SIGCHLD handler ran
        signals_handled: u64,
        /// children the handler reaped
        reaped_by_handler: u64,
        /// children still zombies when the handler had run its last (netlab reaps them afterwards)
        zombies_left: u64,
    },
    /// pipe oneway: the child wrote, the parent read.
    Oneway {
        /// bytes that went through the pipe
        bytes: u64,
        /// whether the parent read exactly what the child wrote
        intact: bool,
    },
    /// pipe twoway: who read whose message.
    Twoway {
        /// pipes used: 1 (both directions in one) or 2 (one each way)
        pipes: u64,
        /// whether a process read back its own message
        crossed: bool,
        /// whether a read was left waiting for a message that never came (bounded by netlab)
        stuck: bool,
    },
    /// pipe eof: when the reader saw end of file.
    Eof {
        /// whether the reader saw read() = 0
        eof: bool,
        /// the descriptor that kept the pipe open, when EOF never came
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kept_open_by: Option<i32>,
        /// how long the read waited, in milliseconds
        waited_ms: u64,
    },
    /// pipe epipe: writing with every read end closed.
    Epipe {
        /// whether SIGPIPE was ignored (--ignore-sigpipe)
        ignored: bool,
        /// whether a signal killed the writer
        killed: bool,
        /// the signal that killed it (SIGPIPE)
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signal: Option<String>,
        /// the errno write() failed with (EPIPE), when the writer survived
        #[serde(default, skip_serializing_if = "Option::is_none")]
        errno: Option<String>,
    },
    /// pipe capacity: how much a pipe holds, and what is atomic.
    Capacity {
        /// bytes written before write() said EAGAIN
        bytes: u64,
        /// fcntl(F_GETPIPE_SZ)
        pipe_size: u64,
        /// PIPE_BUF: writes up to this size are atomic
        pipe_buf: u64,
        /// what a write of PIPE_BUF + 1 bytes did once only part of it fit
        big_write: String,
        /// what a write of PIPE_BUF bytes did once only part of it fit
        small_write: String,
    },
}

impl fmt::Display for Lesson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lesson::Sigchld { handler, children, signals_handled, reaped_by_handler, zombies_left } => write!(
                f,
                "result: {children} children exited; the handler ({handler}) ran {signals_handled} time{} and reaped {reaped_by_handler}; {zombies_left} left as zombies{}",
                if *signals_handled == 1 { "" } else { "s" },
                if *zombies_left > 0 { " (signals coalesce: one pending SIGCHLD stands for every child that exited)" } else { "" }
            ),
            Lesson::Oneway { bytes, intact } => {
                write!(f, "result: {bytes} bytes through the pipe, {}", if *intact { "intact" } else { "DIFFERENT" })
            }
            Lesson::Twoway { pipes, crossed, stuck } => write!(
                f,
                "result: {pipes} pipe(s): {}{}",
                if *crossed { "crossed: a process read back its own message" } else { "each read the other's message" },
                if *stuck { "; a read waited for a message that never came" } else { "" }
            ),
            Lesson::Eof { eof, kept_open_by, waited_ms } => match (eof, kept_open_by) {
                (true, _) => write!(f, "result: read() = 0 (EOF) after {waited_ms} ms: every write end was closed"),
                (false, Some(fd)) => write!(
                    f,
                    "result: no EOF after {waited_ms} ms: fd {fd}, a write end, is still open in this process"
                ),
                (false, None) => write!(f, "result: no EOF after {waited_ms} ms"),
            },
            Lesson::Epipe { ignored, killed, signal, errno } => match (killed, signal, errno) {
                (true, Some(s), _) => write!(f, "result: the writer was killed by {s}"),
                (false, _, Some(e)) => write!(
                    f,
                    "result: write() failed with {e}{}",
                    if *ignored { " (SIGPIPE ignored)" } else { "" }
                ),
                _ => write!(f, "result: the writer survived"),
            },
            Lesson::Capacity { bytes, pipe_size, pipe_buf, big_write, small_write } => write!(
                f,
                "result: the pipe held {bytes} bytes (F_GETPIPE_SZ {pipe_size}); PIPE_BUF {pipe_buf}\n  write of {} bytes: {big_write}\n  write of {pipe_buf} bytes: {small_write}",
                pipe_buf + 1
            ),
        }
    }
}
