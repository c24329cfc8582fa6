//! The events of `netlab pipe` beyond the shared `reaped` and `result`:
//! serde (the `event` tag names the kind) and their text.

use crate::text::printable;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What `netlab pipe` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// pipe() made a pipe: fds[0] is its exit (read end), fds[1] its entrance (write end).
    Pipe {
        /// fds[0]: the read end
        read_fd: i32,
        /// fds[1]: the write end
        write_fd: i32,
    },
    /// A message went through a pipe, as its reader read it.
    Transfer {
        /// the process that wrote it
        from_pid: i32,
        /// the process that read it
        to_pid: i32,
        /// bytes read
        bytes: u64,
        /// what was read, as text
        data: String,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Pipe { read_fd, write_fd } => {
                write!(f, "pipe: fds[0] = {read_fd} (read end), fds[1] = {write_fd} (write end)")
            }
            Event::Transfer { from_pid, to_pid, bytes, data } => {
                let own = if from_pid == to_pid { "  <- its own message" } else { "" };
                write!(f, "{to_pid} read {bytes} bytes written by {from_pid}: \"{}\"{own}", printable(data))
            }
        }
    }
}
