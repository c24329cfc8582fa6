//! What a connection's readiness means to its event loop: a connect
//! finished, output room for the requests due, echoes to read and check
//! byte for byte, each completed request's latency recorded.

use super::{Worker, READ_BUDGET};
use crate::commands::echo_client::load::conn::{ConnError, Failure, State};
use crate::error::{Op, Result};
use crate::sys;
use nix::errno::Errno;
use std::time::Instant;

impl Worker {
    /// Readiness on connection `i`.
    pub(super) fn step(&mut self, i: usize, flags: u32, now: Instant, scratch: &mut [u8]) -> Result<()> {
        let c = &mut self.conns[i];
        let Some(fd) = c.fd.as_ref() else { return Ok(()) };
        if c.state == State::Connecting {
            if flags & (sys::EPOLLOUT | sys::EPOLLHUP_ERR) == 0 {
                return Ok(());
            }
            let addr = &self.cfg.addr;
            match sys::getsockopt_int(fd, &sys::SO_ERROR) {
                Ok(0) => {
                    c.state = State::Open;
                    self.last_progress = now;
                    self.flush(i);
                }
                Ok(e) => {
                    let (what, errno) = (format!("connect {addr}"), Some(Errno::from_raw(e)));
                    self.fail(i, Failure::Error(ConnError { op: Op::Connect, what, errno }));
                    return Ok(());
                }
                Err(e) => {
                    let what = "getsockopt SO_ERROR".into();
                    self.fail(i, Failure::Error(ConnError { op: Op::Getsockopt, what, errno: Some(e) }));
                    return Ok(());
                }
            }
        } else if flags & sys::EPOLLOUT != 0 && c.unsent > 0 {
            self.flush(i);
        }
        if flags & !sys::EPOLLOUT == 0 {
            return Ok(());
        }
        let completed = match self.receive(i, flags, now, scratch) {
            Ok(n) => n,
            Err(why) => {
                self.fail(i, why);
                return Ok(());
            }
        };
        if completed > 0 && self.plan.is_none() {
            // closed loop: the next request, or the end of this connection
            // (it starts when the last echo was complete)
            let now = self.last_done;
            if self.cfg.reconnect {
                self.close(i);
            }
            if self.may_issue(now) {
                self.begin(i, now)?;
            } else {
                self.close(i);
            }
        }
        Ok(())
    }

    /// Read what the socket holds of the echoes due, check each byte, and
    /// record every request completed; returns how many. Only as many
    /// bytes are read as were written: more would be a mismatch.
    fn receive(
        &mut self,
        i: usize,
        flags: u32,
        now: Instant,
        scratch: &mut [u8],
    ) -> std::result::Result<usize, Failure> {
        let mut completed = 0;
        let mut reads = 0;
        loop {
            let c = &mut self.conns[i];
            let Some(fd) = c.fd.as_ref() else { return Ok(completed) };
            if reads == READ_BUDGET && self.plan.is_some() {
                // more may be waiting: read on the next turn
                self.serve_again(i);
                return Ok(completed);
            }
            reads += 1;
            let want = c.outstanding().min(scratch.len());
            if want == 0 {
                // Nothing is due back. Open loop, between requests: a FIN
                // or an error here ends the connection, and bytes nobody
                // sent are a mismatch. (A closed loop sends its next
                // request at once, and finds out from that one.)
                if self.plan.is_none() || flags & (sys::EPOLLRDHUP | sys::EPOLLHUP_ERR) == 0 {
                    return Ok(completed);
                }
            }
            match sys::recv(fd, &mut scratch[..want.max(1)]) {
                Ok(0) => {
                    let what = match c.queue.front() {
                        Some(_) => format!(
                            "the server closed a connection mid-request ({} of {} bytes back)",
                            c.got,
                            c.payload.len()
                        ),
                        None => "the server closed a connection between requests".to_string(),
                    };
                    return Err(Failure::Error(ConnError { op: Op::Read, what, errno: None }));
                }
                // a byte nobody sent
                Ok(_) if want == 0 => return Err(Failure::Mismatch),
                Ok(n) => {
                    self.last_progress = now;
                    completed += self.check(i, &scratch[..n])?;
                    if n < want || self.plan.is_none() && completed > 0 {
                        return Ok(completed);
                    }
                }
                Err(Errno::EAGAIN) => return Ok(completed),
                Err(Errno::EINTR) => {}
                Err(e) => {
                    return Err(Failure::Error(ConnError { op: Op::Read, what: "read".into(), errno: Some(e) }));
                }
            }
        }
    }

    /// Check `chunk`, the next bytes echoed on connection `i`, and record
    /// each request it completes.
    #[inline]
    fn check(&mut self, i: usize, mut chunk: &[u8]) -> std::result::Result<usize, Failure> {
        let mut completed = 0;
        let size = self.cfg.size;
        while !chunk.is_empty() {
            let c = &mut self.conns[i];
            let take = (size - c.got).min(chunk.len());
            if !c.echo_matches(&chunk[..take]) {
                return Err(Failure::Mismatch);
            }
            c.got += take;
            chunk = &chunk[take..];
            if c.got < size {
                continue;
            }
            c.got = 0;
            c.failed_in_a_row = 0;
            let Some(req) = c.queue.pop_front() else { return Err(Failure::Mismatch) };
            let done = Instant::now();
            self.last_done = done;
            self.in_flight -= 1;
            completed += 1;
            self.stats.completed += 1;
            let us = |since: Instant| done.saturating_duration_since(since).as_micros().max(1) as u64;
            let latency = us(req.intended);
            match self.interval.as_mut() {
                Some(iv) => {
                    iv.completed += 1;
                    let _ = iv.latency.record(latency);
                }
                None => {
                    let _ = self.stats.latency.record(latency);
                }
            }
            if let Some(h) = self.stats.service.as_mut() {
                let _ = h.record(us(req.sent_at));
            }
        }
        Ok(completed)
    }
}
