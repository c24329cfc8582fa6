//! What every mode shares: checking what comes back against what went out,
//! and telling how a connection that ended early ended.

use crate::error::{Error, Op, Result};
use crate::events::{Event as Shared, Summary};
use crate::output::Out;
use nix::errno::Errno;
use std::collections::VecDeque;
use std::time::Instant;

/// The server ended the connection (EOF, or a reset: which of the two
/// arrives first is a race in TCP) before echoing everything sent: the echo
/// is incomplete, a verification failure either way (with the errno of the
/// failed call that told, for the JSON error event).
pub fn ended_early(how: &str, echoed: u64, sent: u64, errno: Option<Errno>) -> Error {
    let msg = format!("the server {how} the connection after echoing {echoed} of {sent} bytes");
    match errno {
        Some(e) => Error::verify_errno(msg, e),
        None => Error::verify(msg),
    }
}

/// How a read or write error ends the connection: a reset or a broken pipe
/// is the server going away; anything else is an I/O error of its own.
pub fn gone(e: Errno) -> Option<&'static str> {
    match e {
        // ENOTCONN: shutdown(2) on a connection the peer already reset
        Errno::ECONNRESET | Errno::ENOTCONN => Some("reset"),
        Errno::EPIPE => Some("closed"),
        _ => None,
    }
}

/// A failed `op` on the connection: the incomplete echo if the server went
/// away, the I/O error otherwise.
pub fn io_error(op: Op, e: Errno, echoed: u64, sent: u64) -> Error {
    match gone(e) {
        Some(how) => ended_early(how, echoed, sent, Some(e)),
        None => Error::sys(op, e),
    }
}

/// Compares what comes back with what went out, byte by byte.
#[derive(Default)]
pub struct Verifier {
    pub expected: VecDeque<u8>,
    pub sent: u64,
    pub received: u64,
    pub mismatch_at: Option<u64>,
}

impl Verifier {
    pub fn sent(&mut self, data: &[u8]) {
        self.sent += data.len() as u64;
        self.expected.extend(data);
    }

    pub fn received(&mut self, data: &[u8]) {
        for &b in data {
            match self.expected.pop_front() {
                Some(e) if e == b => {}
                _ => {
                    if self.mismatch_at.is_none() {
                        self.mismatch_at = Some(self.received);
                    }
                }
            }
            self.received += 1;
        }
    }

    pub fn verified(&self) -> bool {
        self.mismatch_at.is_none() && self.sent == self.received
    }

    /// The `summary` event of the run so far.
    fn summary(&self, out: &Out, t0: Instant) {
        out.emit_note(&Shared::Summary(Summary::Stream {
            bytes_sent: self.sent,
            bytes_received: self.received,
            verified: self.verified(),
            first_mismatch_at: self.mismatch_at,
            duration_ms: t0.elapsed().as_secs_f64() * 1000.0,
        }));
    }

    /// The summary, then the verdict: Ok when every byte came back.
    pub fn finish(&self, out: &Out, t0: Instant) -> Result<()> {
        let verified = self.verified();
        self.summary(out, t0);
        if verified {
            return Ok(());
        }
        match self.mismatch_at {
            Some(at) => Err(Error::verify(format!("the echo differs from what was sent, first at byte {at}"))),
            // short, every byte right: the modes finish only at the
            // server's EOF, so it closed before echoing everything (said as
            // when its EOF comes before stdin is all sent: which of the two
            // happens is a race, the message must not depend on it)
            None => Err(ended_early("closed", self.received, self.sent, None)),
        }
    }
}
