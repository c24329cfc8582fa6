//! One event loop of a load run: its share of the connections in one
//! edge-triggered epoll set, on its own thread (`--threads N` runs N).
//!
//! Each socket is registered once for input, output and the peer's FIN,
//! edge-triggered, and never modified: a read that returns less than it
//! asked for has emptied the socket, and any later arrival is a new edge.
//! So a request costs one write and one read, and waits are shared by
//! every connection that became ready meanwhile.

mod echoes;

use super::conn::{Conn, ConnError, Failure, State};
use super::report::{Msg, Outcome, Slice, Stats};
use super::schedule::{self, Plan};
use super::tcp_info::{self, TcpSample};
use super::LoadConfig;
use crate::error::{Error, Op, Result};
use crate::sys::{self, Addr, Fd};
use nix::errno::Errno;
use nix::sys::socket::SockType;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Interest of every socket, set once.
const INTEREST: u32 = sys::EPOLLIN | sys::EPOLLOUT | sys::EPOLLRDHUP | sys::EPOLLET;

/// A connection whose requests fail this many times in a row, with no
/// echo in between, is retired: a server that accepts and drops every
/// connection is not reconnected to at full speed for the whole run.
const GIVE_UP_AFTER: u32 = 3;

/// After the end of --duration, the requests in flight are waited for as
/// long as echoes keep coming: the run ends once none has come for this
/// long (or --timeout, if shorter), and at the latest --timeout after the
/// end. (An overloaded open loop may have megabytes in flight in the
/// socket buffers: they drain at the server's pace.)
pub const END_GRACE: Duration = Duration::from_secs(1);

/// Open loop: a loop this many requests behind (issued, not yet echoed)
/// stops issuing. A rate no client or server can keep up with would
/// otherwise queue requests without bound (~40 bytes each).
const MAX_BEHIND: usize = 1 << 20;

/// Reads (64 KiB each) and writes (a request each) of one connection per
/// turn of the loop in an open loop: a backlog of megabytes, queued echoes
/// or requests behind the schedule, would otherwise keep the loop on one
/// connection, and the schedule, the intervals and the end of --duration
/// would wait for it. The rest goes on the next turn.
const READ_BUDGET: usize = 8;
const WRITE_BUDGET: usize = 256;

/// The longest wait: Ctrl-C is seen at least this often.
const MAX_WAIT: Duration = Duration::from_millis(250);

/// What the threads of a run share: an abort flag (the run failed
/// elsewhere) and each thread's counts, for the progress line.
#[derive(Default)]
pub struct Shared {
    pub abort: AtomicBool,
    pub completed: Vec<AtomicU64>,
    pub errors: Vec<AtomicU64>,
}

impl Shared {
    pub fn new(threads: usize) -> Shared {
        Shared {
            abort: AtomicBool::new(false),
            completed: (0..threads).map(|_| AtomicU64::new(0)).collect(),
            errors: (0..threads).map(|_| AtomicU64::new(0)).collect(),
        }
    }
}

/// The interval being counted (--interval).
struct Interval {
    every: Duration,
    /// the number of the interval under way, from 1
    index: u64,
    /// when it ends
    ends: Instant,
    completed: u64,
    errors: u64,
    mismatches: u64,
    latency: hdrhistogram::Histogram<u64>,
    /// TCP_INFO of the connections closed during it
    closed: TcpSample,
}

pub struct Worker {
    cfg: Arc<LoadConfig>,
    /// this thread's number
    index: usize,
    ep: sys::Epoll,
    conns: Vec<Conn>,
    /// open loop: the schedule
    plan: Option<Plan>,
    /// closed loop: requests this thread may still issue (None: no limit)
    quota: Option<u64>,
    start: Instant,
    deadline: Option<Instant>,
    stats: Stats,
    interval: Option<Interval>,
    /// TCP_INFO of every connection, read as it closed
    closed_tcp: TcpSample,
    /// requests issued and not finished
    in_flight: usize,
    /// closed loop: connections that failed, to start over on a new socket
    restart: Vec<usize>,
    /// open loop: connections left with echoes to read or requests to
    /// write when their budget ran out (edge-triggered: no new edge will
    /// say so); served on the next turn
    again: Vec<usize>,
    /// open loop: scratch list of the connections a turn's due requests
    /// went to
    to_write: Vec<usize>,
    /// connections given up on
    retired: usize,
    /// the last time an echo byte came or a connection was established
    last_progress: Instant,
    /// when the last request completed
    last_done: Instant,
    shared: Arc<Shared>,
    tx: mpsc::Sender<Msg>,
}

impl Worker {
    /// A loop for the connections `ids` (numbers in the run); `first`, if
    /// given, is an open connection for the first of them.
    pub fn new(
        cfg: Arc<LoadConfig>,
        index: usize,
        ids: Vec<u64>,
        start: Instant,
        shared: Arc<Shared>,
        tx: mpsc::Sender<Msg>,
    ) -> Result<Worker> {
        let deadline = cfg.duration.map(|d| start + d);
        let total = cfg.connections as u64;
        let plan = cfg.rate.map(|r| Plan::new(start, r, total, ids.clone(), cfg.requests, deadline));
        let quota = cfg.requests.map(|n| schedule::share(n, &ids, total));
        let interval = match cfg.interval {
            Some(every) => Some(Interval {
                every,
                index: 1,
                ends: start + every,
                completed: 0,
                errors: 0,
                mismatches: 0,
                latency: super::report::histogram()?,
                closed: TcpSample::default(),
            }),
            None => None,
        };
        Ok(Worker {
            conns: ids.iter().map(|&id| Conn::new(id, cfg.size)).collect(),
            stats: Stats::new(cfg.rate.is_some())?,
            ep: sys::Epoll::new()?,
            cfg,
            index,
            plan,
            quota,
            start,
            deadline,
            interval,
            closed_tcp: TcpSample::default(),
            in_flight: 0,
            restart: Vec::new(),
            again: Vec::new(),
            to_write: Vec::new(),
            retired: 0,
            last_progress: start,
            last_done: start,
            shared,
            tx,
        })
    }

    /// Run to the end; the outcome goes to the coordinator.
    pub fn run(mut self, first: Option<Fd>) {
        let out = self.serve(first);
        let _ = self.tx.send(Msg::Done(self.index, Box::new(out)));
    }

    fn stop_asked(&self) -> bool {
        crate::signals::stop_requested().is_some() || self.shared.abort.load(Ordering::Relaxed)
    }

    fn serve(&mut self, first: Option<Fd>) -> Result<Outcome> {
        if let Some(fd) = first {
            sys::set_nonblocking(&fd, true).map_err(|e| Error::sys(Op::Fcntl, e))?;
            let _ = sys::setsockopt_int(&fd, &sys::TCP_NODELAY, 1);
            self.ep.add(&fd, INTEREST, 0).map_err(|e| Error::sys(Op::EpollCtl, e))?;
            self.conns[0].fd = Some(fd);
            self.conns[0].state = State::Open;
        }
        let now = Instant::now();
        if self.plan.is_some() {
            // Wake on the schedule, not up to 50 us late (the default
            // slack, which would add to every request's latency).
            let _ = crate::logging::because("wake on the schedule", || sys::set_timer_slack(1_000));
            // connect everything now: the first sends should not wait for it
            for i in 0..self.conns.len() {
                self.connect(i)?;
            }
        } else {
            for i in 0..self.conns.len() {
                if self.may_issue(now) {
                    self.begin(i, now)?;
                }
            }
        }
        let mut scratch = vec![0u8; 64 * 1024];
        let mut events = vec![sys::epoll_entry(); 1024];
        let quiet_limit = self.cfg.timeout.min(END_GRACE);
        let hard_stop = self.deadline.map(|d| d + self.cfg.timeout.max(quiet_limit));
        let (mut stalled, mut interrupted) = (false, false);
        loop {
            let mut now = Instant::now();
            if self.stop_asked() {
                interrupted = true;
                break;
            }
            // A failed request does not retire its connection: the next
            // one goes out on a fresh connection while the run may issue.
            while let Some(i) = self.restart.pop() {
                if self.may_issue(now) {
                    self.begin(i, now)?;
                }
            }
            if self.plan.is_some() {
                self.dispatch(now)?;
                if self.deadline.is_some_and(|d| now >= d) {
                    self.cut_unsent();
                }
            }
            let ends = self.deadline.or_else(|| self.plan.as_ref().and_then(Plan::window_end));
            if self.interval.as_ref().is_some_and(|iv| now >= iv.ends && ends.is_none_or(|d| iv.ends < d)) {
                if let Some(slice) = self.slice(now, false) {
                    let _ = self.tx.send(Msg::Slice(self.index, Box::new(slice)));
                }
            }
            self.shared.completed[self.index].store(self.stats.completed, Ordering::Relaxed);
            self.shared.errors[self.index].store(self.stats.errors + self.stats.mismatches, Ordering::Relaxed);
            let more = self.plan.as_ref().is_some_and(|p| p.peek().is_some());
            // an open loop lasts its schedule's span, even when every
            // echo is back before it ends
            let window = self.plan.as_ref().and_then(Plan::window_end).filter(|w| now < *w);
            if self.in_flight == 0 && self.restart.is_empty() && !more && window.is_none() {
                break;
            }
            if self.in_flight > 0 && now.duration_since(self.last_progress) > self.cfg.timeout {
                stalled = true;
                break;
            }
            if hard_stop.is_some_and(|h| now >= h) {
                break;
            }
            // past the end: the wait lasts while echoes keep coming
            let drain_quiet = self.deadline.filter(|d| now >= *d).map(|d| self.last_progress.max(d) + quiet_limit);
            if drain_quiet.is_some_and(|q| now >= q) {
                break;
            }
            let mut wait = MAX_WAIT;
            let mut until = |t: Instant| wait = wait.min(t.saturating_duration_since(now));
            if let Some((_, _, due)) = self.plan.as_ref().and_then(Plan::peek) {
                until(due);
            }
            if let Some(w) = window {
                until(w);
            }
            if let Some(iv) = self.interval.as_ref().filter(|iv| ends.is_none_or(|d| iv.ends < d)) {
                until(iv.ends);
            }
            // wake at the end of --duration (to stop issuing), then when
            // the wait for the last echoes is over
            if let Some(t) = self.deadline.filter(|d| now < *d).or(drain_quiet).or(hard_stop) {
                until(t);
            }
            if !self.again.is_empty() {
                wait = Duration::ZERO;
            }
            let n = if self.plan.is_some() {
                self.ep.wait_precise(&mut events, Some(wait))
            } else {
                self.ep.wait(&mut events, sys::poll_ms(wait))
            };
            let n = match n {
                Ok(n) => n,
                Err(Errno::EINTR) => 0,
                Err(e) => return Err(Error::sys(Op::EpollWait, e)),
            };
            if n > 0 {
                now = Instant::now();
            }
            for ev in &events[..n] {
                self.step(ev.data() as usize, ev.events().bits() as u32, now, &mut scratch)?;
            }
            for i in std::mem::take(&mut self.again) {
                if self.conns[i].again {
                    self.conns[i].again = false;
                    self.step(i, sys::EPOLLIN | sys::EPOLLOUT | sys::EPOLLRDHUP, now, &mut scratch)?;
                }
            }
        }
        let unfinished = self.in_flight as u64;
        // (the run ends here: the closes below are not part of it)
        let end = Instant::now();
        // Each connection's TCP_INFO is read as it closes, for the last
        // interval and the summary.
        for i in 0..self.conns.len() {
            self.conns[i].drop_requests();
            self.close(i);
        }
        let last = self.slice(end, true);
        let stats = std::mem::replace(&mut self.stats, Stats::new(false)?);
        let last_progress = self.last_progress;
        Ok(Outcome { stats, tcp: self.closed_tcp, unfinished, stalled, interrupted, last, end, last_progress })
    }

    /// Open loop, at the end of --duration: the requests that were due and
    /// never written are not sent (wrk2 does not send them either): only
    /// those written, wholly or in part, are waited for, so that an
    /// overloaded run ends with its rate below target, not with a backlog
    /// cut short by the grace period.
    fn cut_unsent(&mut self) {
        // (a connection that never opened keeps its requests: they count
        // as unfinished, a failure, not as a client that fell behind)
        for c in self.conns.iter_mut().filter(|c| c.state == State::Open) {
            // the one being written stays: its bytes are partly out
            let keep = usize::from(c.sent > 0);
            let cut = c.unsent.saturating_sub(keep);
            if cut == 0 {
                continue;
            }
            c.queue.truncate(c.queue.len() - cut);
            c.unsent -= cut;
            self.in_flight -= cut;
            self.stats.not_sent += cut as u64;
        }
    }

    /// Closed loop: another request may start: under --requests, before
    /// --duration, and no Ctrl-C.
    fn may_issue(&self, now: Instant) -> bool {
        self.quota != Some(0) && self.deadline.is_none_or(|d| now < d) && !self.stop_asked()
    }

    /// Closed loop: start the next request on connection `i`, connecting
    /// first if it has no socket (the first request, or every one with
    /// --reconnect).
    fn begin(&mut self, i: usize, now: Instant) -> Result<()> {
        if let Some(q) = self.quota.as_mut() {
            *q -= 1;
        }
        self.in_flight += 1;
        self.conns[i].push(now);
        match self.conns[i].state {
            State::Open => self.flush(i),
            State::Connecting => {}
            State::Closed => self.connect(i)?,
        }
        Ok(())
    }

    /// Open loop: issue every request that is due by `now`.
    fn dispatch(&mut self, now: Instant) -> Result<()> {
        let over = self.retired == self.conns.len() || self.stop_asked();
        let Some(plan) = self.plan.as_mut() else { return Ok(()) };
        if over {
            plan.end();
        }
        // the connections to write to once every due request is queued
        let mut to_write = std::mem::take(&mut self.to_write);
        while let Some((i, _, due)) = self.plan.as_ref().and_then(Plan::peek) {
            if due > now {
                break;
            }
            if self.in_flight >= MAX_BEHIND {
                tracing::warn!("{MAX_BEHIND} requests behind the --rate schedule: no more are issued");
                if let Some(p) = self.plan.as_mut() {
                    p.end();
                }
                break;
            }
            if let Some(p) = self.plan.as_mut() {
                p.advance();
            }
            if self.conns[i].retired {
                continue;
            }
            if self.in_flight == 0 {
                // nothing was out: a wait for progress starts now
                self.last_progress = now;
            }
            self.in_flight += 1;
            self.conns[i].push(due);
            match self.conns[i].state {
                // written below, with the others due on this connection
                // (a write per request here would keep the loop, with a
                // backlog, for seconds); a request already waiting means
                // the socket was full: the next output edge writes this
                // one too
                State::Open if self.conns[i].unsent == 1 => to_write.push(i),
                State::Open | State::Connecting => {}
                State::Closed => self.connect(i)?,
            }
        }
        for &i in &to_write {
            self.flush(i);
        }
        to_write.clear();
        self.to_write = to_write;
        Ok(())
    }

    /// Start a non-blocking connect for connection `i` (in the epoll set
    /// from the start; its first output edge says the connect finished).
    fn connect(&mut self, i: usize) -> Result<()> {
        let addr = &self.cfg.addr;
        match start_connect(addr) {
            Ok(fd) => {
                self.ep.add(&fd, INTEREST, i as u64).map_err(|e| Error::sys(Op::EpollCtl, e))?;
                let c = &mut self.conns[i];
                c.fd = Some(fd);
                c.state = State::Connecting;
            }
            Err(e) => {
                let what = format!("connect {addr}");
                self.fail(i, Failure::Error(ConnError { op: Op::Connect, what, errno: Some(e) }));
            }
        }
        Ok(())
    }

    /// Write what is due on connection `i`, as much as the socket takes;
    /// the rest goes at the next output edge.
    fn flush(&mut self, i: usize) {
        let open_loop = self.plan.is_some();
        let c = &mut self.conns[i];
        let mut writes = 0;
        while c.unsent > 0 {
            if open_loop && writes == WRITE_BUDGET {
                return self.serve_again(i);
            }
            writes += 1;
            if c.sent == 0 {
                c.stamp_next();
                if open_loop {
                    let at = c.queue.len() - c.unsent;
                    c.queue[at].sent_at = Instant::now();
                }
            }
            let Some(fd) = c.fd.as_ref() else { return };
            match sys::send(fd, &c.payload[c.sent..]) {
                Ok(n) => {
                    c.sent += n;
                    if c.sent == c.payload.len() {
                        c.sent = 0;
                        c.unsent -= 1;
                    }
                }
                Err(Errno::EAGAIN) => return,
                Err(Errno::EINTR) => {}
                Err(e) => {
                    let err = ConnError { op: Op::Write, what: "write".into(), errno: Some(e) };
                    return self.fail(i, Failure::Error(err));
                }
            }
        }
    }

    /// Serve connection `i` (write what is due, read what came) again at
    /// the end of this turn of the loop, without waiting for an edge.
    fn serve_again(&mut self, i: usize) {
        if !self.conns[i].again {
            self.conns[i].again = true;
            self.again.push(i);
        }
    }

    /// Count a connection error, log it (`-v`) and keep the first for the
    /// final message.
    fn count_error(&mut self, e: ConnError) {
        match e.errno {
            Some(errno) => tracing::info!("{}: {}", e.what, crate::error::describe_errno(errno)),
            None => tracing::info!("{}", e.what),
        }
        self.stats.errors += 1;
        if let Some(iv) = self.interval.as_mut() {
            iv.errors += 1;
        }
        self.stats.first_error.get_or_insert(e);
    }

    /// Give up on a connection's requests: count the failure, close the
    /// socket. The requests queued behind the failed one are abandoned. In
    /// a closed loop, one that had connected starts over on a new
    /// connection, unless its last GIVE_UP_AFTER requests all failed; one
    /// whose connect failed is retired (no server there to retry against).
    /// Open loop: the next request due on it opens a new connection.
    fn fail(&mut self, i: usize, why: Failure) {
        match why {
            Failure::Mismatch => {
                self.stats.mismatches += 1;
                if let Some(iv) = self.interval.as_mut() {
                    iv.mismatches += 1;
                }
            }
            Failure::Error(e) => self.count_error(e),
        }
        let was = self.conns[i].state;
        let lost = self.conns[i].drop_requests();
        self.in_flight -= lost;
        self.stats.abandoned += lost.saturating_sub(1) as u64;
        self.close(i);
        let c = &mut self.conns[i];
        c.failed_in_a_row += 1;
        if was != State::Open || c.failed_in_a_row >= GIVE_UP_AFTER {
            if !c.retired {
                c.retired = true;
                self.retired += 1;
            }
        } else if self.plan.is_none() && lost > 0 {
            self.restart.push(i);
        }
    }

    /// Close connection `i`'s socket (an RST with --reconnect, so no
    /// TIME_WAIT is left per cycle); an established one's TCP_INFO is read
    /// first, for the interval and the summary.
    fn close(&mut self, i: usize) {
        let c = &mut self.conns[i];
        let Some(fd) = c.fd.take() else { return };
        let was_open = c.state == State::Open;
        c.state = State::Closed;
        c.again = false;
        // (a socket file's connection has no TCP to ask, nor to reset)
        let tcp = self.cfg.addr.inet().is_some();
        let reading = if was_open && tcp { tcp_info::read(&fd, &mut c.last_retrans) } else { None };
        c.last_retrans = 0;
        if self.cfg.reconnect && tcp {
            let _ = sys::set_linger(&fd, true, 0);
        }
        drop(fd); // close(): also leaves the epoll set
        let Some((t, grew)) = reading else { return };
        // the summary counts each connection's whole life; an interval,
        // what it grew since the interval before
        self.closed_tcp.add_gauges(&t);
        self.closed_tcp.retrans += u64::from(t.total_retrans);
        if let Some(iv) = self.interval.as_mut() {
            iv.closed.add_gauges(&t);
            iv.closed.retrans += grew;
        }
    }

    /// The interval that ends now (`last`: the run's end, its connections
    /// all closed), with TCP_INFO of the connections live at its end and of
    /// those that closed during it; the next one starts.
    fn slice(&mut self, now: Instant, last: bool) -> Option<Slice> {
        let iv = self.interval.as_mut()?;
        let mut tcp = std::mem::take(&mut iv.closed);
        let over_tcp = self.cfg.addr.inet().is_some();
        for c in self.conns.iter_mut().filter(|c| over_tcp && c.state == State::Open) {
            if let Some((t, grew)) = c.fd.as_ref().and_then(|fd| tcp_info::read(fd, &mut c.last_retrans)) {
                tcp.add_gauges(&t);
                tcp.retrans += grew;
            }
        }
        let _ = self.stats.latency.add(&iv.latency);
        let slice = Slice {
            index: iv.index,
            end: if last { now - self.start } else { iv.ends - self.start },
            completed: std::mem::take(&mut iv.completed),
            errors: std::mem::take(&mut iv.errors),
            mismatches: std::mem::take(&mut iv.mismatches),
            latency: iv.latency.clone(),
            tcp,
        };
        iv.latency.reset();
        iv.index += 1;
        iv.ends += iv.every;
        Some(slice)
    }
}

/// Start a non-blocking connect; returns the socket.
fn start_connect(addr: &Addr) -> std::result::Result<Fd, Errno> {
    let fd = sys::socket(addr.family(), SockType::Stream, true).map_err(|e| e.errno().unwrap_or(Errno::EIO))?;
    if addr.inet().is_some() {
        let _ = sys::setsockopt_int(&fd, &sys::TCP_NODELAY, 1);
    }
    match sys::connect(&fd, addr) {
        Ok(()) | Err(Errno::EINPROGRESS) => Ok(fd),
        Err(e) => Err(e),
    }
}
