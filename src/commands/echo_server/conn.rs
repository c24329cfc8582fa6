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

use crate::logging::because;
use crate::signals;
use crate::sys::Addr;
use crate::sys::{self, Fd};
use nix::errno::Errno;
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
    pub peer: Addr,
    pub started: Instant,
    pub last_active: Instant,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pending: Vec<u8>,
    sent: usize,
    eof: bool,
    /// keep `last_active` current (only with --idle-timeout: it costs a
    /// clock read per read and per write)
    track_idle: bool,
}

impl Conn {
    pub fn new(fd: Fd, id: u64, peer: Addr, track_idle: bool) -> Conn {
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
            track_idle,
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
                    if self.track_idle {
                        self.last_active = Instant::now();
                    }
                    match self.write_some(&scratch[..n]) {
                        Ok(w) if w < n => {
                            // The peer is not reading fast enough: keep the
                            // rest and stop reading until it is flushed.
                            self.pending.clear();
                            if self.pending.try_reserve_exact(n - w).is_err() {
                                // out of memory: this client goes, the
                                // server and the others carry on
                                tracing::warn!(
                                    "conn {} {}: no memory to hold {} bytes; closing it",
                                    self.id,
                                    self.peer,
                                    n - w
                                );
                                return Next::Close("error");
                            }
                            self.pending.extend_from_slice(&scratch[w..n]);
                            self.sent = 0;
                            tracing::debug!(
                                "conn {} {}: the client is not reading; {} bytes held, reads paused",
                                self.id,
                                self.peer,
                                n - w
                            );
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
                    tracing::debug!("conn {} {}: held bytes flushed, reading again", self.id, self.peer);
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
                    // a client taking its echo is not idle
                    if self.track_idle {
                        self.last_active = Instant::now();
                    }
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

/// Bytes moved so far by the connections still open (for `stats`).
pub fn live_bytes(conns: &[Option<Conn>]) -> (u64, u64) {
    conns.iter().flatten().fold((0, 0), |(i, o), c| (i + c.bytes_in, o + c.bytes_out))
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

/// The blocking echo loop of the iterative, fork and thread models, the
/// course's `while ((n = read(clnt, buf, BUF_SIZE)) != 0) write(clnt, buf,
/// n);`: read up to `buf.len()`, write it all back, until EOF.
///
/// * `idle` (--idle-timeout): SO_RCVTIMEO and SO_SNDTIMEO on the socket, so
///   a client silent (or not reading) that long makes the call fail with
///   EAGAIN, and the connection ends with `timeout`;
/// * `on_wake`: the server's own process, where a signal interrupts the
///   call (EINTR; see `signals::blocking`): it returns true to stop. Without
///   it (a fork child, a worker thread) an interrupted call is retried.
pub fn echo_blocking(
    fd: &Fd,
    buf: &mut [u8],
    idle: Option<Duration>,
    mut on_wake: Option<&mut dyn FnMut() -> bool>,
    shared: Option<&SharedBytes<'_>>,
) -> BlockingEnd {
    let mut end = BlockingEnd { bytes_in: 0, bytes_out: 0, reason: "eof" };
    let mut clock = IdleClock { fd, limit: idle, deadline: None, shortened: false };
    if clock.set(idle, "--idle-timeout: a read or write that waits this long fails (EAGAIN)").is_err() {
        end.reason = "error";
        return end;
    }
    // One call: `Err(EINTR)` also when a signal was waiting to be handled
    // before the call was made. Ok(None): interrupted, call again.
    let woken = on_wake.is_some();
    let call = |f: &mut dyn FnMut() -> Result<usize, Errno>,
                on_wake: &mut Option<&mut dyn FnMut() -> bool>,
                clock: &mut IdleClock<'_>|
     -> Result<Option<usize>, &'static str> {
        clock.begin();
        let res = if woken { signals::blocking(&mut *f).unwrap_or(Err(Errno::EINTR)) } else { f() };
        match res {
            Ok(n) => {
                clock.progress();
                Ok(Some(n))
            }
            Err(Errno::EINTR) => {
                if let Some(wake) = on_wake {
                    if wake() {
                        return Err("shutdown");
                    }
                }
                // a signal does not restart the client's idle time
                clock.interrupted().map(|()| None)
            }
            Err(Errno::EAGAIN) => Err("timeout"),
            Err(e) => Err(reason_for(e)),
        }
    };
    loop {
        let n = match call(&mut || sys::read(fd, buf), &mut on_wake, &mut clock) {
            Ok(Some(0)) => return end,
            Ok(Some(n)) => n,
            Ok(None) => continue,
            Err(reason) => {
                end.reason = reason;
                return end;
            }
        };
        end.bytes_in += n as u64;
        if let Some(s) = shared {
            s.bytes_in.fetch_add(n as u64, Ordering::Relaxed);
        }
        let mut off = 0;
        while off < n {
            // The shared count is raised before write(2) and lowered by what
            // it did not take: the client may see its echo (and ask for
            // `stats`) before this thread runs again, and the figure must
            // already include it.
            let attempt = (n - off) as u64;
            if let Some(s) = shared {
                s.bytes_out.fetch_add(attempt, Ordering::Relaxed);
            }
            let result = call(&mut || sys::write(fd, &buf[off..n]), &mut on_wake, &mut clock);
            let taken = match result {
                Ok(Some(w)) => w as u64,
                _ => 0,
            };
            if let Some(s) = shared {
                if taken < attempt {
                    s.bytes_out.fetch_sub(attempt - taken, Ordering::Relaxed);
                }
            }
            match result {
                Ok(Some(w)) => {
                    off += w;
                    end.bytes_out += w as u64;
                }
                Ok(None) => {}
                Err(reason) => {
                    end.reason = reason;
                    return end;
                }
            }
        }
    }
}

/// --idle-timeout on a blocking socket: SO_RCVTIMEO and SO_SNDTIMEO, with
/// one deadline per wait, so that a signal (which interrupts the call, and
/// would restart its full timeout) does not keep an idle client alive.
struct IdleClock<'a> {
    fd: &'a Fd,
    limit: Option<Duration>,
    /// when the current wait ends
    deadline: Option<Instant>,
    /// the socket timeouts are set shorter than `limit` (the rest of a wait)
    shortened: bool,
}

impl IdleClock<'_> {
    fn set(&self, t: Option<Duration>, why: &'static str) -> Result<(), Errno> {
        let Some(t) = t else { return Ok(()) };
        let tv = libc::timeval { tv_sec: t.as_secs() as libc::time_t, tv_usec: t.subsec_micros() as libc::suseconds_t };
        because(why, || {
            sys::set_timeval(self.fd, &sys::SO_RCVTIMEO, tv)
                .and_then(|()| sys::set_timeval(self.fd, &sys::SO_SNDTIMEO, tv))
        })
    }

    /// A call is about to wait.
    fn begin(&mut self) {
        if let (None, Some(limit)) = (self.deadline, self.limit) {
            self.deadline = Some(Instant::now() + limit);
        }
    }

    /// The call made progress: the next wait starts afresh.
    fn progress(&mut self) {
        self.deadline = None;
        if self.shortened {
            self.shortened = false;
            let _ = self.set(self.limit, "progress: the full --idle-timeout again");
        }
    }

    /// A signal interrupted the wait: Err("timeout") if it is over, or
    /// the socket timeouts cut to what is left of it.
    fn interrupted(&mut self) -> Result<(), &'static str> {
        let Some(deadline) = self.deadline else { return Ok(()) };
        let left = deadline.saturating_duration_since(Instant::now());
        if left < Duration::from_millis(1) {
            return Err("timeout");
        }
        self.shortened = true;
        self.set(Some(left), "what is left of --idle-timeout: a signal does not restart it").map_err(|_| "error")
    }
}
