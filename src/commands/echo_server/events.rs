//! The events of `netlab echo-server` beyond the shared ones (listening,
//! stats, stopped): one per connection's life.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What an echo server says about its connections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A connection was accepted.
    Accepted {
        /// the connection's number, from 1
        conn: u64,
        /// the client's address
        peer: String,
        /// the descriptor accept() returned (the uring model's accepts
        /// return ordinary descriptors too, never io_uring direct ones)
        fd: i32,
        /// the process serving it (a child's in the fork model)
        pid: u32,
    },
    /// A connection ended: `reason` is eof, reset, timeout, error or
    /// shutdown (the server stopped).
    Closed {
        /// the connection's number
        conn: u64,
        /// the client's address
        peer: String,
        /// bytes received from the client
        bytes_in: u64,
        /// bytes echoed back
        bytes_out: u64,
        /// how long the connection lasted, in milliseconds
        duration_ms: u64,
        /// eof, reset, timeout, error, or shutdown (the server was stopping)
        reason: String,
    },
    /// A connection was refused or dropped before it was served.
    Rejected {
        /// the client's address
        peer: String,
        /// why: fd over FD_SETSIZE, out of descriptors, server stopping, --max-conns reached
        /// (with --threads, also a client another loop's last accept beat)
        reason: String,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Accepted { conn, peer, fd, pid } => write!(f, "accepted #{conn} from {peer} (fd {fd}, pid {pid})"),
            Event::Closed { conn, peer, bytes_in, bytes_out, duration_ms, reason } => write!(
                f,
                "closed #{conn} {peer}: {reason}, {bytes_in} bytes in, {bytes_out} bytes out, {duration_ms} ms"
            ),
            Event::Rejected { peer, reason } => write!(f, "rejected {peer}: {reason}"),
        }
    }
}
