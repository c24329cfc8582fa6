//! One connection of the uring model: what it received and has not yet
//! echoed, and which of its operations are in flight.
//!
//! Received bytes stay where the kernel put them, in provided buffers
//! ([`Seg`]ments of the ring), until a send takes them: no copy on the way
//! through. Sends never wait (MSG_DONTWAIT); a client that does not take
//! its echo leaves the rest queued, the loop waits for POLLOUT, and above
//! [`super::HOLD`] unsent bytes it stops receiving from it (the client's
//! own writes then block). When the shared buffers run low, such stalled
//! connections copy their segments into their own `spill` and give the
//! buffers back, so a client that never reads can hold the pool only
//! until others need it.

use crate::sys::Addr;
use crate::sys::{Fd, Ring};
use std::collections::VecDeque;
use std::time::Instant;

/// Bytes `off..off + len` of provided buffer `bid`, not yet echoed.
#[derive(Clone, Copy, Debug)]
pub struct Seg {
    pub bid: u16,
    pub off: u32,
    pub len: u32,
}

pub struct Conn {
    pub fd: Fd,
    pub id: u64,
    pub peer: Addr,
    pub started: Instant,
    pub last_active: Instant,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// bytes copied out of the ring (older than any segment)
    pub spill: Vec<u8>,
    pub spill_sent: usize,
    pub segs: VecDeque<Seg>,
    /// bytes received and not yet echoed
    pub queued: usize,
    /// the multishot receive is armed; a cancel of it is on its way
    pub recv: bool,
    pub recv_cancelled: bool,
    /// a multishot poll for POLLOUT is armed: it completes only when a
    /// send could not finish and the socket has room again
    pub pollout: bool,
    pub pollout_cancelled: bool,
    /// the last send could not finish: wait for POLLOUT
    pub stalled: bool,
    /// a send is in flight (until the ring is next entered), of this many bytes
    pub sending: Option<usize>,
    /// the client half-closed (recv said 0)
    pub eof: bool,
    /// the connection ends, with this reason, once nothing is in flight
    pub closing: Option<&'static str>,
    /// its receive ended for want of buffers; re-armed when some are back
    pub starved: bool,
    /// has bytes to send this turn
    pub dirty: bool,
}

impl Conn {
    pub fn new(fd: Fd, id: u64, peer: Addr) -> Conn {
        let now = Instant::now();
        Conn {
            fd,
            id,
            peer,
            started: now,
            last_active: now,
            bytes_in: 0,
            bytes_out: 0,
            spill: Vec::new(),
            spill_sent: 0,
            segs: VecDeque::new(),
            queued: 0,
            recv: false,
            recv_cancelled: false,
            pollout: false,
            pollout_cancelled: false,
            stalled: false,
            sending: None,
            eof: false,
            closing: None,
            starved: false,
            dirty: false,
        }
    }

    /// Nothing of this connection is in flight in the ring.
    pub fn idle_in_ring(&self) -> bool {
        !self.recv && !self.pollout && self.sending.is_none()
    }

    /// A receive completed with `len` bytes in buffer `bid`.
    pub fn received(&mut self, bid: u16, len: u32) {
        self.segs.push_back(Seg { bid, off: 0, len });
        self.queued += len as usize;
        self.bytes_in += len as u64;
    }

    /// The unsent part of the spill.
    pub fn spill_rest(&self) -> &[u8] {
        &self.spill[self.spill_sent..]
    }

    /// The send in flight took `n` bytes: advance past them, giving every
    /// buffer fully sent back to the ring.
    pub fn sent(&mut self, ring: &mut Ring, mut n: usize) {
        self.queued -= n;
        self.bytes_out += n as u64;
        let from_spill = n.min(self.spill.len() - self.spill_sent);
        self.spill_sent += from_spill;
        n -= from_spill;
        if self.spill_sent == self.spill.len() && !self.spill.is_empty() {
            // drained: give big buffers back, keep small ones
            if self.spill.capacity() > 64 * 1024 {
                self.spill = Vec::new();
            } else {
                self.spill.clear();
            }
            self.spill_sent = 0;
        }
        while n > 0 {
            let Some(s) = self.segs.front_mut() else { break };
            let k = (s.len as usize).min(n);
            s.off += k as u32;
            s.len -= k as u32;
            n -= k;
            if s.len == 0 {
                let bid = s.bid;
                self.segs.pop_front();
                ring.give_back(bid);
            }
        }
    }

    /// Copy every queued segment into the spill and give its buffer back
    /// (the pool runs low and this client is not taking its echo).
    /// Returns the buffers given back.
    pub fn spill_segments(&mut self, ring: &mut Ring) -> usize {
        let n = self.segs.len();
        if self.spill.try_reserve(self.segs.iter().map(|s| s.len as usize).sum()).is_err() {
            return 0; // out of memory: keep the buffers
        }
        while let Some(s) = self.segs.pop_front() {
            self.spill.extend_from_slice(ring.buffer(s.bid, s.off, s.len));
            ring.give_back(s.bid);
        }
        n
    }

    /// Give back every buffer still queued (the connection ends).
    pub fn release(&mut self, ring: &mut Ring) {
        while let Some(s) = self.segs.pop_front() {
            ring.give_back(s.bid);
        }
        self.queued = 0;
    }
}
