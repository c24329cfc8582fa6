//! Per-connection echo logic, written once and shared by the models.
//!
//! [`Conn`] is a non-blocking connection for the multiplexing models: it
//! reads into the loop's shared scratch buffer and writes straight back;
//! only bytes the peer is not ready to take are copied into a per-connection
//! pending buffer, and while anything is pending the connection is not read
//! from (backpressure: bounded memory, no data dropped, the client's own
//! writes block). An idle connection owns no buffer at all.
//!
//! [`echo_blocking`] is the blocking loop of the iterative, fork and thread
//! models: read, write everything back, repeat until EOF.

use crate::sys::{self, Fd};
use nix::errno::Errno;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Reads per readiness wake-up before the loop moves on to other clients.
const READS_PER_WAKE: usize = 8;

/// Why a connection ended, as the `closed` event says it.
pub fn reason_for(e: Errno) -> &'static str {
    match e {
        Errno::ECONNRESET | Errno::EPIPE | Errno::ENOTCONN => "reset",
        Errno::ETIMEDOUT | Errno::EAGAIN => "timeout",
        _ => "error",
    }
}

/// What the loop should do with a connection after an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    Keep,
    Close(&'static str),
}

/// One non-blocking client connection.
pub struct Conn {
    pub fd: Fd,
    pub id: u64,
    pub peer: SocketAddr,
    pub started: Instant,
    pub last_active: Instant,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pending: Vec<u8>,
    sent: usize,
    eof: bool,
}

impl Conn {
    pub fn new(fd: Fd, id: u64, peer: SocketAddr) -> Conn {
        let now = Instant::now();
        Conn {
            fd,
            id,
            peer,
            started: now,
            last_active: now,
            bytes_in: 0,
            bytes_out: 0,
            pending: Vec::new(),
            sent: 0,
            eof: false,
        }
    }

    /// Read interest: not after EOF, and not while echoed bytes wait.
    pub fn wants_read(&self) -> bool {
        !self.eof && self.pending.is_empty()
    }

    /// Write interest: while echoed bytes wait for the peer.
    pub fn wants_write(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The socket is readable: read and echo until it would block.
    pub fn on_readable(&mut self, scratch: &mut [u8]) -> Next {
        for _ in 0..READS_PER_WAKE {
            match sys::read(&self.fd, scratch) {
                Ok(0) => {
                    self.eof = true;
                    return if self.pending.is_empty() { Next::Close("eof") } else { Next::Keep };
                }
                Ok(n) => {
                    self.bytes_in += n as u64;
                    self.last_active = Instant::now();
                    match self.write_some(&scratch[..n]) {
                        Ok(w) if w < n => {
                            // The peer is not reading fast enough: keep the
                            // rest and stop reading until it is flushed.
                            self.pending.clear();
                            self.pending.extend_from_slice(&scratch[w..n]);
                            self.sent = 0;
                            return Next::Keep;
                        }
                        Ok(_) => {}
                        Err(e) => return Next::Close(reason_for(e)),
                    }
                    if n < scratch.len() {
                        // A short read means the socket is (almost surely)
                        // drained; skip the read that would say EAGAIN.
                        return Next::Keep;
                    }
                }
                Err(Errno::EAGAIN) => return Next::Keep,
                Err(Errno::EINTR) => continue,
                Err(e) => {
                    tracing::debug!("read from {}: {}", self.peer, crate::error::describe_errno(e));
                    return Next::Close(reason_for(e));
                }
            }
        }
        Next::Keep
    }

    /// The socket is writable: flush what is pending.
    pub fn on_writable(&mut self) -> Next {
        let data = std::mem::take(&mut self.pending);
        let res = self.write_some(&data[self.sent..]);
        self.pending = data;
        match res {
            Ok(w) => {
                self.sent += w;
                if self.sent == self.pending.len() {
                    // Drained: give big buffers back, keep small ones.
                    if self.pending.capacity() > 64 * 1024 {
                        self.pending = Vec::new();
                    } else {
                        self.pending.clear();
                    }
                    self.sent = 0;
                    if self.eof {
                        return Next::Close("eof");
                    }
                }
                Next::Keep
            }
            Err(e) => Next::Close(reason_for(e)),
        }
    }

    /// Write as much as the socket takes now; EAGAIN is not an error.
    fn write_some(&mut self, mut data: &[u8]) -> Result<usize, Errno> {
        let mut total = 0;
        while !data.is_empty() {
            match sys::write(&self.fd, data) {
                Ok(n) => {
                    total += n;
                    self.bytes_out += n as u64;
                    data = &data[n..];
                }
                Err(Errno::EAGAIN) => break,
                Err(Errno::EINTR) => continue,
                Err(e) => {
                    tracing::debug!("write to {}: {}", self.peer, crate::error::describe_errno(e));
                    return Err(e);
                }
            }
        }
        Ok(total)
    }

    /// Whether the client has been silent for longer than `limit`.
    pub fn idle_for(&self, now: Instant, limit: Duration) -> bool {
        now.duration_since(self.last_active) >= limit
    }
}

/// How a blocking echo loop ended.
pub struct BlockingEnd {
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub reason: &'static str,
}

/// Counters shared across processes or threads, updated as bytes move.
pub struct SharedBytes<'a> {
    pub bytes_in: &'a AtomicU64,
    pub bytes_out: &'a AtomicU64,
}

/// The blocking echo loop: read up to `buf.len()`, write it all back,
/// until EOF. With `idle`, a client silent that long is dropped. With
/// `wake` (the signal pipe), poll(2) waits on both and `on_wake` decides
/// whether to stop (it returns true). Without either, it is the textbook
/// read/write loop and nothing more.
pub fn echo_blocking(
    fd: &Fd,
    buf: &mut [u8],
    idle: Option<Duration>,
    wake: Option<&Fd>,
    on_wake: &mut dyn FnMut() -> bool,
    shared: Option<&SharedBytes<'_>>,
) -> BlockingEnd {
    let (mut bytes_in, mut bytes_out) = (0u64, 0u64);
    let end = |bi, bo, reason| BlockingEnd { bytes_in: bi, bytes_out: bo, reason };
    loop {
        if idle.is_some() || wake.is_some() {
            let mut fds = vec![sys::pollfd(fd.raw(), libc::POLLIN)];
            if let Some(w) = wake {
                fds.push(sys::pollfd(w.raw(), libc::POLLIN));
            }
            let timeout = idle.map_or(-1, |d| d.as_millis().clamp(1, i32::MAX as u128) as i32);
            match sys::poll(&mut fds, timeout) {
                Ok(0) => return end(bytes_in, bytes_out, "timeout"),
                Ok(_) => {}
                Err(Errno::EINTR) => {
                    if on_wake() {
                        return end(bytes_in, bytes_out, "shutdown");
                    }
                    continue;
                }
                Err(_) => return end(bytes_in, bytes_out, "error"),
            }
            if fds.len() > 1 && fds[1].revents != 0 && on_wake() {
                return end(bytes_in, bytes_out, "shutdown");
            }
            if fds[0].revents == 0 {
                continue;
            }
        }
        let n = match sys::read(fd, buf) {
            Ok(0) => return end(bytes_in, bytes_out, "eof"),
            Ok(n) => n,
            Err(Errno::EINTR) => {
                if on_wake() {
                    return end(bytes_in, bytes_out, "shutdown");
                }
                continue;
            }
            Err(e) => return end(bytes_in, bytes_out, reason_for(e)),
        };
        bytes_in += n as u64;
        let mut off = 0;
        while off < n {
            match sys::write(fd, &buf[off..n]) {
                Ok(w) => {
                    off += w;
                    bytes_out += w as u64;
                }
                Err(Errno::EINTR) => {
                    if on_wake() {
                        return end(bytes_in, bytes_out, "shutdown");
                    }
                }
                Err(e) => return end(bytes_in, bytes_out, reason_for(e)),
            }
        }
        if let Some(s) = shared {
            s.bytes_in.fetch_add(n as u64, Ordering::Relaxed);
            s.bytes_out.fetch_add(n as u64, Ordering::Relaxed);
        }
    }
}
