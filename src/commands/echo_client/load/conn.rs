//! One load connection: its socket, the requests it has out (one in a
//! closed loop, a queue under `--rate`), and the bytes it sends and checks.
//!
//! Every request of a connection is the same pseudo-random payload with
//! the request's sequence number stamped into its first 8 bytes, so what
//! must come back is known without keeping a copy of each request: echoes
//! are checked in order, byte for byte, as they arrive.

use crate::error::Op;
use crate::sys::Fd;
use nix::errno::Errno;
use std::collections::VecDeque;
use std::time::Instant;

/// Where a connection is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// no socket (not yet opened, or closed after a failure or a cycle)
    Closed,
    /// a non-blocking connect() under way
    Connecting,
    /// connected: requests go out as they come
    Open,
}

/// One request issued and not yet echoed.
#[derive(Clone, Copy, Debug)]
pub struct Req {
    pub seq: u64,
    /// when it was due: the open loop's schedule; in a closed loop, when it started
    pub intended: Instant,
    /// when its first byte was written (open loop)
    pub sent_at: Instant,
}

pub struct Conn {
    /// the connection's number in the run (chooses its payload)
    pub id: u64,
    pub fd: Option<Fd>,
    pub state: State,
    /// the payload; its first bytes carry the stamp of the request being written
    pub payload: Vec<u8>,
    /// requests out, oldest first; the last `unsent` of them are not yet
    /// completely written
    pub queue: VecDeque<Req>,
    pub unsent: usize,
    /// bytes written of the first unsent request
    pub sent: usize,
    /// bytes echoed of the oldest request
    pub got: usize,
    pub next_seq: u64,
    /// requests failed since this connection's last echo
    pub failed_in_a_row: u32,
    /// no more requests on this connection (it kept failing)
    pub retired: bool,
    /// open loop: echoes may be left to read, or requests to write (its
    /// budget ran out)
    pub again: bool,
    /// tcpi_total_retrans at its last reading
    pub last_retrans: u32,
}

impl Conn {
    pub fn new(id: u64, size: usize) -> Conn {
        Conn {
            id,
            fd: None,
            state: State::Closed,
            payload: base_payload(id, size),
            queue: VecDeque::with_capacity(1),
            unsent: 0,
            sent: 0,
            got: 0,
            next_seq: 0,
            failed_in_a_row: 0,
            retired: false,
            again: false,
            last_retrans: 0,
        }
    }

    /// Bytes written and not yet echoed: what may come back now.
    #[inline]
    pub fn outstanding(&self) -> usize {
        (self.queue.len() - self.unsent) * self.payload.len() + self.sent - self.got
    }

    /// Queue a new request.
    #[inline]
    pub fn push(&mut self, intended: Instant) {
        self.next_seq += 1;
        self.queue.push_back(Req { seq: self.next_seq, intended, sent_at: intended });
        self.unsent += 1;
    }

    /// Whether `chunk`, received at offset `got` of the oldest request, is
    /// what that request sent.
    #[inline]
    pub fn echo_matches(&self, chunk: &[u8]) -> bool {
        let (off, size) = (self.got, self.payload.len());
        let Some(head) = self.queue.front() else { return false };
        if off + chunk.len() > size {
            return false;
        }
        // the stamp (the payload's own first bytes may be stamped for a
        // later request by now)
        let stamp = stamp_of(self.id, head.seq);
        let in_stamp = STAMP.min(size).saturating_sub(off).min(chunk.len());
        (in_stamp == 0 || chunk[..in_stamp] == stamp[off..off + in_stamp])
            && chunk[in_stamp..] == self.payload[off + in_stamp..off + chunk.len()]
    }

    /// Stamp the payload for the first unsent request (about to be written).
    #[inline]
    pub fn stamp_next(&mut self) {
        let seq = self.queue[self.queue.len() - self.unsent].seq;
        let n = self.payload.len().min(STAMP);
        self.payload[..n].copy_from_slice(&stamp_of(self.id, seq)[..n]);
    }

    /// Forget every request (the connection failed or the run ends);
    /// returns how many there were.
    pub fn drop_requests(&mut self) -> usize {
        let n = self.queue.len();
        self.queue.clear();
        (self.unsent, self.sent, self.got) = (0, 0, 0);
        n
    }
}

/// Bytes of the sequence stamp.
const STAMP: usize = 8;

/// The payload base of connection `id`: pseudo-random, distinct per
/// connection.
fn base_payload(id: u64, size: usize) -> Vec<u8> {
    let mut x = (id + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..size)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect()
}

fn stamp_of(id: u64, seq: u64) -> [u8; STAMP] {
    ((seq << 20) ^ id).to_le_bytes()
}

/// A connection's error: the call that failed (for the hint), what failed
/// in words, and its errno (None when there is none: the server closed
/// mid-request).
#[derive(Clone, Debug)]
pub struct ConnError {
    pub op: Op,
    pub what: String,
    pub errno: Option<Errno>,
}

/// Why a connection is given up.
pub enum Failure {
    /// the echo differed from the request
    Mismatch,
    Error(ConnError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_are_checked_against_the_request_they_belong_to() {
        let t = Instant::now();
        let mut c = Conn::new(3, 20);
        c.push(t);
        c.push(t);
        // request 2 is being written: the payload carries its stamp
        c.unsent = 1;
        c.stamp_next();
        let mut first = c.payload.clone();
        first[..8].copy_from_slice(&stamp_of(3, 1));
        assert!(c.echo_matches(&first[..5]));
        assert!(!c.echo_matches(&c.payload[..5]), "request 2's stamp is not request 1's");
        c.got = 5;
        assert!(c.echo_matches(&first[5..20]));
        let mut bad = first.clone();
        bad[15] ^= 1;
        assert!(!c.echo_matches(&bad[5..20]));
        assert!(!c.echo_matches(&first[5..20].repeat(2)), "more than the request");
        c.got = 12;
        assert!(c.echo_matches(&first[12..20]), "past the stamp");
        c.sent = 7;
        assert_eq!(c.outstanding(), 20 + 7 - 12);
    }
}
