//! echo-client load mode: C connections doing request/response with S
//! bytes each, every echoed byte verified, latencies in an HDR histogram.
//! One thread, one level-triggered epoll set (the same design as the epoll
//! server), so the client is not what limits a comparison of servers.
//!
//! `--reconnect` makes each request a full connect, echo, close cycle
//! (connections/s; the close is an RST via SO_LINGER {1, 0} so thousands of
//! TIME_WAIT sockets do not exhaust the ephemeral ports); `--idle N` opens N
//! more connections first, echoes once on each, and keeps them silent for
//! the whole run: the per-request cost of idle connections, which is where
//! select() and epoll part ways.
//!
//! Try it: `netlab echo-client --connections 50 --size 512 --duration 5 127.0.0.1 9190`

use crate::error::{Error, Op, Result};
use crate::events::{Event as Shared, Summary};
use crate::output::Out;
use crate::sys::{self, Fd};
use nix::errno::Errno;
use nix::sys::socket::SockType;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// What to run.
#[derive(Clone, Debug)]
pub struct LoadConfig {
    pub addr: SocketAddr,
    pub connections: usize,
    pub size: usize,
    pub requests: Option<u64>,
    pub duration: Option<Duration>,
    pub reconnect: bool,
    pub idle: usize,
    /// per-step timeout (connect, a stalled echo)
    pub timeout: Duration,
}

const IN: u32 = sys::EPOLLIN;
const OUT: u32 = sys::EPOLLOUT;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Connecting,
    Busy,
    Done,
}

struct Conn {
    fd: Option<Fd>,
    state: State,
    /// the request in flight (also what must come back)
    req: Vec<u8>,
    seq: u64,
    sent: usize,
    got: usize,
    t0: Instant,
    interest: u32,
    /// requests failed since this connection's last echo
    failed_in_a_row: u32,
}

/// A connection whose requests fail this many times in a row, with no
/// echo in between, is retired: a server that accepts and drops every
/// connection is not reconnected to at full speed for the whole run.
const GIVE_UP_AFTER: u32 = 3;

#[derive(Default)]
struct Counts {
    issued: u64,
    completed: u64,
    errors: u64,
    mismatches: u64,
    /// the first connection error, told in the final message
    first_error: Option<ConnError>,
}

/// A connection's error: the call that failed (for the hint), what failed
/// in words, and its errno (None when there is none: the server closed
/// mid-request).
#[derive(Clone, Debug)]
struct ConnError {
    op: Op,
    what: String,
    errno: Option<Errno>,
}

/// Why a connection is given up.
enum Failure {
    /// the echo differed from the request
    Mismatch,
    Error(ConnError),
}

/// The payload base of connection `id`: pseudo-random, distinct per
/// connection; each request stamps its sequence number into the front.
fn base_payload(id: usize, size: usize) -> Vec<u8> {
    let mut x = (id as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..size)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect()
}

fn stamp(req: &mut [u8], id: usize, seq: u64) {
    let tag = (seq << 20) ^ id as u64;
    let b = tag.to_le_bytes();
    let n = req.len().min(8);
    req[..n].copy_from_slice(&b[..n]);
}

/// Start a non-blocking connect; returns the socket.
fn start_connect(addr: &SocketAddr) -> std::result::Result<Fd, Errno> {
    let fd = sys::socket(sys::family_of(addr), SockType::Stream, true).map_err(|e| e.errno().unwrap_or(Errno::EIO))?;
    let _ = sys::setsockopt_int(&fd, &sys::TCP_NODELAY, 1);
    match sys::connect(&fd, addr) {
        Ok(()) | Err(Errno::EINPROGRESS) => Ok(fd),
        Err(e) => Err(e),
    }
}

/// Open the idle connections (blocking, one echo each to prove the server
/// serves them), kept open until the run ends. Ctrl-C stops the opening
/// (the run then ends at once, with its summary).
fn open_idle(cfg: &LoadConfig, signals: &crate::signals::Signals) -> Result<Vec<Fd>> {
    let stopped = || crate::signals::stop_requested().is_some();
    let mut v = Vec::with_capacity(cfg.idle);
    for i in 0..cfg.idle {
        let fd = match super::connect_one(&cfg.addr, Some(cfg.timeout)) {
            Ok(fd) => fd,
            Err(_) if stopped() => break,
            Err(e) => {
                let msg = format!("idle connection {}: {e}", i + 1);
                return Err(match e.errno() {
                    Some(errno) => Error::failed_errno(msg, crate::error::errno_hint(Op::Connect, errno), errno),
                    None => Error::failed(msg),
                });
            }
        };
        let probe = [b'i'];
        sys::write_all(&fd, &probe).map_err(|e| Error::sys(Op::Write, e))?;
        let mut b = [0u8; 1];
        // the echo, or a signal (the pipe: one caught just before poll()
        // is not lost)
        let mut p = [sys::pollfd(fd.raw(), libc::POLLIN), sys::pollfd(signals.wake_fd()?.raw(), libc::POLLIN)];
        let deadline = Instant::now() + cfg.timeout;
        let ready = loop {
            match sys::poll(&mut p, sys::poll_ms(deadline.saturating_duration_since(Instant::now()))) {
                Ok(0) => break false,
                Ok(_) if p[0].revents != 0 => break true,
                Ok(_) | Err(Errno::EINTR) => {
                    signals.drain();
                    if stopped() {
                        return Ok(v);
                    }
                }
                Err(e) => return Err(Error::sys(Op::Poll, e)),
            }
        };
        let got = if ready { sys::read(&fd, &mut b) } else { Err(Errno::ETIMEDOUT) };
        match got {
            Ok(1) if b == probe => {}
            // closed (or reset) at once: the server took the connection
            // and dropped it, what a server does at a limit of its own
            Ok(0) | Err(Errno::ECONNRESET) => {
                return Err(Error::failed_hint(
                    format!(
                        "idle connection {}: the server closed it right after accepting it ({} connections were open)",
                        i + 1,
                        i + cfg.connections.min(1)
                    ),
                    "a server-side limit is the likely cause: select()'s FD_SETSIZE (1024 descriptors), \
                     --max-clients, or the server's descriptor limit (`ulimit -n`); the poll and epoll models have no FD_SETSIZE",
                ))
            }
            Ok(_) => return Err(Error::verify(format!("idle connection {}: the echo differs from what was sent", i + 1))),
            Err(Errno::ETIMEDOUT) => {
                return Err(Error::failed_hint(
                    format!("idle connection {} was not echoed within {} s", i + 1, cfg.timeout.as_secs_f64()),
                    "the server accepted it but never answered: is it serving one client at a time (--model iterative)?",
                ))
            }
            Err(e) => return Err(Error::sys_at(Op::Read, format!("idle connection {}", i + 1), e)),
        }
        v.push(fd);
        if stopped() {
            break;
        }
    }
    Ok(v)
}

/// One load run: the epoll set, the connections and what they counted.
struct Run<'a> {
    cfg: &'a LoadConfig,
    ep: sys::Epoll,
    conns: Vec<Conn>,
    counts: Counts,
    hist: hdrhistogram::Histogram<u64>,
    deadline: Option<Instant>,
    /// connections with a request in flight (not Done)
    active: usize,
    /// connections that failed once established, to start over on a new
    /// connection (after this round of events)
    restart: Vec<usize>,
}

/// How long requests in flight at the end of --duration may take to finish.
const END_GRACE: Duration = Duration::from_secs(1);

/// `first`: an open connection to `cfg.addr` (the one that chose among a
/// name's addresses), used as connection 0's socket.
pub fn run(cfg: &LoadConfig, out: &Out, first: Option<Fd>) -> Result<()> {
    // Ctrl-C ends the run early with its summary, as iperf3 does. The
    // handler only sets a flag; epoll_wait returns EINTR, or at the latest
    // after its 250 ms. Installed before the run's connections are opened
    // (`first`, if given, carries nothing until the run starts).
    let signals = crate::signals::Signals::install(false)?;
    let idle = open_idle(cfg, &signals)?;
    let start = Instant::now();
    let mut r = Run {
        cfg,
        ep: sys::Epoll::new()?,
        conns: (0..cfg.connections)
            .map(|id| Conn {
                fd: None,
                state: State::Done,
                req: base_payload(id, cfg.size),
                seq: 0,
                sent: 0,
                got: 0,
                t0: start,
                interest: 0,
                failed_in_a_row: 0,
            })
            .collect(),
        counts: Counts::default(),
        hist: hdrhistogram::Histogram::new_with_bounds(1, 60_000_000, 3)
            .map_err(|e| Error::failed(format!("histogram: {e}")))?,
        deadline: cfg.duration.map(|d| start + d),
        active: 0,
        restart: Vec::new(),
    };
    // a latency beyond the first minute grows the histogram, not lost
    r.hist.auto(true);
    if let Some(fd) = first {
        sys::set_nonblocking(&fd, true).map_err(|e| Error::sys(Op::Fcntl, e))?;
        let _ = sys::setsockopt_int(&fd, &sys::TCP_NODELAY, 1);
        r.ep.add(&fd, IN, 0).map_err(|e| Error::sys(Op::EpollCtl, e))?;
        r.conns[0].fd = Some(fd);
        r.conns[0].interest = IN;
    }
    for id in 0..r.conns.len() {
        if r.may_issue() {
            r.begin(id)?;
        }
    }
    let mut scratch = vec![0u8; 64 * 1024];
    let mut events = vec![sys::epoll_entry(); 1024];
    let progress = !out.is_quiet() && crate::stderr::is_tty();
    let mut next_progress = start + Duration::from_secs(1);
    let mut last_activity = Instant::now();
    // After --duration, requests in flight get this long to finish.
    let hard_stop = r.deadline.map(|d| d + cfg.timeout.min(END_GRACE));
    let (mut stalled, mut interrupted) = (false, false);
    while r.active > 0 || !r.restart.is_empty() {
        if crate::signals::stop_requested().is_some() {
            interrupted = true;
            break;
        }
        // A failed request does not retire its connection: the next one
        // goes out on a fresh connection while the run may still issue.
        while let Some(id) = r.restart.pop() {
            if r.may_issue() {
                r.begin(id)?;
            }
        }
        if r.active == 0 {
            break;
        }
        let now = Instant::now();
        if now.duration_since(last_activity) > cfg.timeout {
            stalled = true;
            break;
        }
        if hard_stop.is_some_and(|h| now >= h) {
            break;
        }
        let mut wait_ms = 250;
        // wake at the end of --duration (to stop issuing), then at the hard stop
        if let Some(t) = r.deadline.filter(|d| now < *d).or(hard_stop) {
            wait_ms = wait_ms.min(t.saturating_duration_since(now).as_millis().min(250) as i32 + 1);
        }
        let n = match r.ep.wait(&mut events, wait_ms) {
            Ok(n) => n,
            Err(Errno::EINTR) => 0,
            Err(e) => return Err(Error::sys(Op::EpollWait, e)),
        };
        if n > 0 {
            last_activity = Instant::now();
        }
        for ev in &events[..n] {
            let (id, flags) = (ev.data() as usize, ev.events().bits() as u32);
            r.step(id, flags, &mut scratch)?;
        }
        if progress && Instant::now() >= next_progress {
            let el = start.elapsed().as_secs_f64();
            crate::stderr::text(&format!(
                "\r{el:5.1} s  {} requests  {:.0} req/s  p50 {} us  errors {}  mismatches {}   ",
                r.counts.completed,
                r.counts.completed as f64 / el,
                r.hist.value_at_quantile(0.5),
                r.counts.errors,
                r.counts.mismatches
            ));
            next_progress += Duration::from_secs(1);
        }
    }
    if progress {
        crate::stderr::text("\n");
    }
    let unfinished = r.conns.iter().filter(|c| c.state != State::Done).count() as u64;
    let elapsed = start.elapsed().as_secs_f64();
    drop(idle);
    let (counts, hist) = (&r.counts, &r.hist);
    let [_, latency_p50_us, latency_p90_us, latency_p99_us, latency_max_us] = crate::events::quantiles(hist);
    out.emit(&Shared::Summary(Summary::Load {
        connections: cfg.connections as u64,
        idle: cfg.idle as u64,
        size: cfg.size as u64,
        reconnect: cfg.reconnect,
        requests: counts.completed,
        duration_s: (elapsed * 1000.0).round() / 1000.0,
        rps: (counts.completed as f64 / elapsed).round(),
        mbps: ((counts.completed as f64 * cfg.size as f64 / elapsed / 1e6) * 100.0).round() / 100.0,
        latency_p50_us,
        latency_p90_us,
        latency_p99_us,
        latency_max_us,
        errors: counts.errors,
        mismatches: counts.mismatches,
        unfinished,
    }));
    if counts.mismatches > 0 {
        return Err(Error::verify(format!("{} echoes differed from what was sent", counts.mismatches)));
    }
    if stalled {
        return Err(Error::failed(format!(
            "no progress for {} s with {unfinished} requests outstanding",
            cfg.timeout.as_secs_f64()
        )));
    }
    if unfinished > 0 && !interrupted {
        return Err(Error::failed(format!(
            "{unfinished} requests still had no echo {} s after the end of --duration",
            cfg.timeout.min(END_GRACE).as_secs_f64()
        )));
    }
    if counts.errors > 0 {
        let plural = |n: u64, what: &str| if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") };
        let mut msg = format!(
            "{} failed ({} completed)",
            plural(counts.errors, "connection"),
            plural(counts.completed, "request")
        );
        let ConnError { op, what, errno } =
            counts.first_error.clone().unwrap_or(ConnError { op: Op::Read, what: String::new(), errno: None });
        msg.push_str(&format!("; the first: {what}"));
        if let Some(e) = errno {
            msg.push_str(&format!(": {}", crate::error::describe_errno(e)));
        }
        if counts.errors > 1 {
            msg.push_str("; -v shows each");
        }
        return Err(match errno {
            Some(e) => Error::failed_errno(msg, crate::error::errno_hint(op, e), e),
            None => Error::failed(msg),
        });
    }
    Ok(())
}

impl Run<'_> {
    /// Another request may start: under --requests, before --duration, and
    /// no Ctrl-C.
    fn may_issue(&self) -> bool {
        self.cfg.requests.is_none_or(|n| self.counts.issued < n)
            && self.deadline.is_none_or(|d| Instant::now() < d)
            && crate::signals::stop_requested().is_none()
    }

    /// Start the next request on connection `id`, connecting first if it
    /// has no socket (the first request, or every one with --reconnect).
    fn begin(&mut self, id: usize) -> Result<()> {
        self.counts.issued += 1;
        self.active += 1;
        let c = &mut self.conns[id];
        c.seq += 1;
        stamp(&mut c.req, id, c.seq);
        c.sent = 0;
        c.got = 0;
        c.t0 = Instant::now();
        if c.fd.is_some() {
            c.state = State::Busy;
            self.send_some(id);
            return Ok(());
        }
        match start_connect(&self.cfg.addr) {
            Ok(fd) => {
                self.ep.add(&fd, OUT, id as u64).map_err(|e| Error::sys(Op::EpollCtl, e))?;
                c.interest = OUT;
                c.fd = Some(fd);
                c.state = State::Connecting;
            }
            Err(e) => {
                self.count_error(ConnError {
                    op: Op::Connect,
                    what: format!("connect {}", self.cfg.addr),
                    errno: Some(e),
                });
                self.conns[id].state = State::Done;
                self.active -= 1;
            }
        }
        Ok(())
    }

    /// Count a connection error, log it (`-v`) and keep the first for the
    /// final message.
    fn count_error(&mut self, e: ConnError) {
        match e.errno {
            Some(errno) => tracing::info!("{}: {}", e.what, crate::error::describe_errno(errno)),
            None => tracing::info!("{}", e.what),
        }
        self.counts.errors += 1;
        self.counts.first_error.get_or_insert(e);
    }

    /// Give up on a connection's request: count it and close the socket.
    /// One that had connected starts over on a new connection, unless its
    /// last GIVE_UP_AFTER requests all failed; one whose connect failed is
    /// retired (no server there to retry against).
    fn fail(&mut self, id: usize, why: Failure) {
        match why {
            Failure::Mismatch => self.counts.mismatches += 1,
            Failure::Error(e) => self.count_error(e),
        }
        let c = &mut self.conns[id];
        c.fd = None; // close(): also leaves the epoll set
        c.failed_in_a_row += 1;
        if c.state != State::Done {
            self.active -= 1;
        }
        if c.state == State::Busy && c.failed_in_a_row < GIVE_UP_AFTER {
            self.restart.push(id);
        }
        c.state = State::Done;
    }

    /// Write as much of the request as the socket takes; EPOLLOUT stays
    /// registered only while some is left.
    fn send_some(&mut self, id: usize) {
        let c = &mut self.conns[id];
        let Some(fd) = c.fd.as_ref() else { return };
        while c.sent < c.req.len() {
            match sys::write(fd, &c.req[c.sent..]) {
                Ok(n) => c.sent += n,
                Err(Errno::EAGAIN) => break,
                Err(Errno::EINTR) => continue,
                Err(e) => {
                    return self
                        .fail(id, Failure::Error(ConnError { op: Op::Write, what: "write".into(), errno: Some(e) }))
                }
            }
        }
        let want = IN | if c.sent < c.req.len() { OUT } else { 0 };
        if want != c.interest {
            let _ = self.ep.modify(fd, want, id as u64);
            c.interest = want;
        }
    }

    /// Readiness on connection `id`.
    fn step(&mut self, id: usize, flags: u32, scratch: &mut [u8]) -> Result<()> {
        let c = &mut self.conns[id];
        let Some(fd) = c.fd.as_ref() else { return Ok(()) };
        if c.state == State::Connecting {
            match sys::getsockopt_int(fd, &sys::SO_ERROR) {
                Ok(0) => {
                    c.state = State::Busy;
                    self.send_some(id);
                }
                Ok(e) => {
                    let what = format!("connect {}", self.cfg.addr);
                    let errno = Some(Errno::from_raw(e));
                    self.fail(id, Failure::Error(ConnError { op: Op::Connect, what, errno }));
                }
                Err(e) => {
                    let what = "getsockopt SO_ERROR".into();
                    self.fail(id, Failure::Error(ConnError { op: Op::Getsockopt, what, errno: Some(e) }));
                }
            }
            return Ok(());
        }
        if flags & OUT != 0 && c.sent < c.req.len() {
            self.send_some(id);
        }
        let c = &mut self.conns[id];
        if flags & !OUT == 0 || c.state != State::Busy {
            return Ok(());
        }
        let Some(fd) = c.fd.as_ref() else { return Ok(()) };
        // Ok(true): the echo is complete; Ok(false): wait for more;
        // Err: give the connection up.
        let outcome: std::result::Result<bool, Failure> = loop {
            let want = (c.req.len() - c.got).min(scratch.len());
            match sys::read(fd, &mut scratch[..want.max(1)]) {
                Ok(0) => {
                    let what =
                        format!("the server closed a connection mid-request ({} of {} bytes back)", c.got, c.req.len());
                    break Err(Failure::Error(ConnError { op: Op::Read, what, errno: None }));
                }
                // more bytes than were sent, or different ones
                Ok(n) if want == 0 || scratch[..n] != c.req[c.got..c.got + n] => break Err(Failure::Mismatch),
                Ok(n) => {
                    c.got += n;
                    if c.got == c.req.len() {
                        break Ok(true);
                    }
                    if n < want {
                        break Ok(false);
                    }
                }
                Err(Errno::EAGAIN) => break Ok(false),
                Err(Errno::EINTR) => continue,
                Err(e) => break Err(Failure::Error(ConnError { op: Op::Read, what: "read".into(), errno: Some(e) })),
            }
        };
        match outcome {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(why) => {
                self.fail(id, why);
                return Ok(());
            }
        }
        let c = &mut self.conns[id];
        // Complete and verified.
        let _ = self.hist.record(c.t0.elapsed().as_micros().max(1) as u64);
        self.counts.completed += 1;
        c.failed_in_a_row = 0;
        c.state = State::Done;
        self.active -= 1;
        if self.cfg.reconnect {
            if let Some(fd) = c.fd.take() {
                // RST on close: no TIME_WAIT left behind per cycle.
                let _ = sys::set_linger(&fd, true, 0);
            }
        }
        if self.may_issue() {
            self.begin(id)?;
        } else {
            self.conns[id].fd = None;
        }
        Ok(())
    }
}
