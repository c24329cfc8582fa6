//! The runtime every model shares: signals, counters, the accept policy
//! (EMFILE back-off, `--max-conns`, `--max-clients`, FD_SETSIZE for
//! select), and the events that go with them. Models own only their
//! waiting and their connections, and depend only on this file and
//! `conn.rs`.

use super::conn::Conn;
use super::events::Event;
use super::loops::Group;
use super::{effective_backlog, Config, Model};
use crate::error::{Error, Op, Result};
use crate::events::Event as Shared;
use crate::logging::because;
use crate::output::Out;
use crate::signals::{self, Signals};
use crate::sys::Addr;
use crate::sys::{self, Fd};
use nix::errno::Errno;
use std::time::{Duration, Instant};

/// Counters every model keeps.
#[derive(Clone, Copy, Debug, Default)]
pub struct Totals {
    pub conns_now: u64,
    pub conns_total: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
}

/// What every model shares: signals, counters, the accept policy, and the
/// events that go with them. Models own only their waiting and their
/// connections.
pub struct Server<'a> {
    pub cfg: &'a Config,
    pub out: &'a Out,
    pub signals: Signals,
    pub totals: Totals,
    /// the last connection number handed out
    next_id: u64,
    /// connections handed to a handler (what --max-conns counts)
    served: u64,
    /// accepting is paused until then (EMFILE/ENFILE back-off)
    paused_until: Option<Instant>,
    /// the pause is for want of descriptors: a connection that closes
    /// ends it
    paused_for_fds: bool,
    /// a descriptor kept in reserve for the EMFILE case
    spare: Option<Fd>,
    last_emfile_log: Option<Instant>,
    /// --max-conns reached: the listener was shut, later clients are refused
    stopped_listening: bool,
    /// `rejected` events of the backlog refused when --max-conns was
    /// reached, held until that last connection's `accepted` is out (the
    /// events then read in the order things happened)
    held_rejects: Vec<Event>,
    /// select: descriptors from this number up are refused at accept, before
    /// they count (for --max-conns or anything else)
    pub fd_limit: Option<i32>,
    /// the listener is in blocking mode (the iterative and fork models
    /// block in accept(), as the course's servers do)
    blocking_listener: bool,
    /// the other loops of a `--threads N` server, when this one is a loop
    /// of it: connection numbers and --max-conns count across them
    group: Option<&'a Group>,
    /// --max-clients, or this loop's share of it with `--threads`
    client_cap: Option<u64>,
}

impl Drop for Server<'_> {
    fn drop(&mut self) {
        if let Some(spare) = self.spare.take() {
            because("the spare descriptor, no longer needed", || drop(spare));
        }
    }
}

/// How long accepting pauses after running out of descriptors.
const EMFILE_PAUSE: Duration = Duration::from_millis(100);

impl<'a> Server<'a> {
    /// For a model that waits with select, poll or epoll: install the
    /// signal handlers with a self-pipe, then print the `listening` event
    /// (the readiness line promises that SIGINT/SIGTERM/SIGUSR1 are
    /// handled).
    ///
    /// The listener is made non-blocking first: a client that vanished
    /// between the wake-up and accept() must not block the server.
    pub fn new(cfg: &'a Config, out: &'a Out, chld: bool, listener: &Fd) -> Result<Server<'a>> {
        because("non-blocking: a client gone before accept() must not stall the loop", || {
            sys::set_nonblocking(listener, true)
        })
        .map_err(|e| Error::sys_at(Op::Fcntl, "O_NONBLOCK", e))?;
        let signals = Signals::install(chld)?;
        Self::start(cfg, out, listener, signals, false)
    }

    /// For a model that blocks in accept() and read() as the course's
    /// servers do (iterative, fork): handlers without a self-pipe, whose
    /// signals interrupt the blocked call (EINTR).
    pub fn new_blocking(cfg: &'a Config, out: &'a Out, chld: bool, listener: &Fd) -> Result<Server<'a>> {
        let signals = Signals::install_eintr(chld)?;
        Self::start(cfg, out, listener, signals, true)
    }

    fn start(cfg: &'a Config, out: &'a Out, listener: &Fd, signals: Signals, blocking: bool) -> Result<Server<'a>> {
        let local = sys::getsockname_addr(listener).map_err(|e| Error::sys(Op::Getsockname, e))?;
        let (addr, port) = match &local {
            Addr::Inet(a) => (a.ip().to_string(), Some(a.port())),
            Addr::Unix(_) => (local.to_string(), None),
        };
        out.set_serving();
        out.emit(&Shared::Listening {
            addr,
            port,
            model: cfg.model.name().into(),
            pid: std::process::id(),
            backlog: Some(effective_backlog(cfg.backlog)),
            threads: cfg.threads_shown(),
        });
        out.flush();
        tracing::info!("model {}: {}", cfg.model.name(), cfg.model.how());
        let tcp = match local {
            Addr::Unix(_) => "a socket file: no TCP options".to_string(),
            Addr::Inet(_) => format!(
                "TCP_NODELAY (set on the listener, inherited by accepted sockets): {}; SO_REUSEADDR: {}",
                if cfg.nodelay { "on" } else { "off (--nagle)" },
                if cfg.reuseaddr { "on" } else { "off" }
            ),
        };
        tracing::info!(
            "buffer {} bytes; {tcp}; max clients: {}; idle timeout: {}",
            cfg.buffer_size,
            cfg.max_clients.map_or_else(|| "none".to_string(), |n| n.to_string()),
            cfg.idle_timeout.map_or_else(|| "none".to_string(), |d| format!("{} s", d.as_secs_f64())),
        );
        Ok(Self::fresh(cfg, out, signals, blocking, None, cfg.max_clients))
    }

    /// A server that has served nobody yet, with its spare descriptor.
    fn fresh(
        cfg: &'a Config,
        out: &'a Out,
        signals: Signals,
        blocking_listener: bool,
        group: Option<&'a Group>,
        client_cap: Option<u64>,
    ) -> Server<'a> {
        Server {
            cfg,
            out,
            signals,
            totals: Totals::default(),
            next_id: 0,
            served: 0,
            paused_until: None,
            paused_for_fds: false,
            spare: open_spare(),
            last_emfile_log: None,
            stopped_listening: false,
            held_rejects: Vec::new(),
            fd_limit: None,
            blocking_listener,
            group,
            client_cap,
        }
    }

    /// For event loop `index` of a `--threads N` server: its own listener
    /// (made non-blocking) and spare descriptor, its share of
    /// --max-clients, no signal handlers (the main thread has them) and no
    /// `listening` line (printed once).
    pub fn for_loop(
        cfg: &'a Config,
        out: &'a Out,
        listener: &Fd,
        group: &'a Group,
        index: usize,
    ) -> Result<Server<'a>> {
        let n = cfg.threads().max(1) as u64;
        let share = cfg.max_clients.map(|m| m / n + u64::from((index as u64) < m % n));
        because("non-blocking: a client gone before accept() must not stall the loop", || {
            sys::set_nonblocking(listener, true)
        })
        .map_err(|e| Error::sys_at(Op::Fcntl, "O_NONBLOCK", e))?;
        Ok(Self::fresh(cfg, out, Signals::none(), false, Some(group), share))
    }

    /// The self-pipe a readiness loop waits on (installed by [`Server::new`]).
    pub fn wake_fd(&self) -> Result<&Fd> {
        self.signals.wake_fd()
    }

    /// A blocking model's wait while accepting is paused (out of
    /// descriptors, or --max-clients reached in the fork model): a short
    /// sleep that any signal cuts short (SIGCHLD when a child exits).
    pub fn wait_while_paused(&self) {
        self.out.flush();
        let d = self.pause_ms().map_or(Duration::from_secs(1), |ms| Duration::from_millis(ms as u64));
        let _ = signals::blocking(|| {
            because("accepting is paused: wait (a signal cuts the wait short)", || sys::nanosleep(d))
        });
    }

    /// accept() without blocking on a listener the model blocks on: set
    /// O_NONBLOCK for the call and take it back after (`keep`: leave it
    /// non-blocking, the server is stopping). A listener that was
    /// non-blocking stays so.
    fn accept_now(&mut self, listener: &Fd, keep: bool) -> std::result::Result<(Fd, Addr), Errno> {
        let why = "so that taking what waits in the backlog never blocks";
        let was_blocking = self.blocking_listener;
        if was_blocking {
            because(why, || sys::set_nonblocking(listener, true))?;
            self.blocking_listener = false;
        }
        let res = because("take a waiting connection, only to refuse it", || sys::accept(listener, true));
        if was_blocking && !keep {
            because(why, || sys::set_nonblocking(listener, false))?;
            self.blocking_listener = true;
        }
        res
    }

    /// Whether another connection may be accepted now (--max-conns not
    /// reached, --max-clients not full, not backing off).
    pub fn may_accept(&mut self, live: u64) -> bool {
        if self.stopped_listening {
            return false;
        }
        if self.client_cap.is_some_and(|m| live >= m) {
            return false;
        }
        match self.paused_until {
            Some(t) if Instant::now() < t => false,
            Some(_) => {
                self.paused_until = None;
                true
            }
            None => true,
        }
    }

    /// --max-conns reached and every connection finished: time to stop.
    pub fn done(&self, live: u64) -> bool {
        self.stopped_listening && live == 0
    }

    /// --max-conns is reached: refuse what waits in the backlog (with
    /// `rejected` events) and shut the listener for reading, so that later
    /// clients are refused at once (ECONNREFUSED) instead of completing a
    /// handshake with a server that will never accept them.
    fn stop_listening(&mut self, listener: &Fd) {
        self.stopped_listening = true;
        self.held_rejects = self.refuse_waiting(listener, "--max-conns reached");
        let shut = because("--max-conns reached: later clients are refused at once", || {
            sys::shutdown(listener, nix::sys::socket::Shutdown::Read)
        });
        if let Err(e) = shut {
            tracing::debug!("shutdown of the listener: {}", crate::error::describe_errno(e));
        }
    }

    /// Milliseconds until the accept pause ends (for the wait timeout).
    pub fn pause_ms(&self) -> Option<i32> {
        self.paused_until
            .map(|t| t.saturating_duration_since(Instant::now()).as_millis().min(i32::MAX as u128) as i32 + 1)
    }

    /// accept(2) with the policy every model shares: an `accepted` event,
    /// and EMFILE/ENFILE handled by rejecting one pending connection
    /// through the spare descriptor and pausing accept briefly (no busy
    /// loop). `Ok(None)`: nothing to accept. (TCP_NODELAY comes with the
    /// socket, from the listener: see `listen`.)
    pub fn accept(&mut self, listener: &Fd, nonblock: bool) -> Result<Option<(Fd, Addr, u64)>> {
        if self.listening_stopped(listener) {
            return Ok(None); // --max-conns shut the listener: accept(2) would say EINVAL
        }
        let accepted = if nonblock {
            because("non-blocking, as every socket the loop watches", || sys::accept(listener, true))
        } else {
            sys::accept(listener, false)
        };
        match accepted {
            Ok((fd, peer)) => Ok(self.accepted(listener, fd, peer)),
            Err(e) => self.accept_failed(listener, e).map(|()| None),
        }
    }

    /// A connection accept(2) (or io_uring's) returned: count it, or refuse
    /// it before it counts (select's FD_SETSIZE; another loop of a
    /// `--threads` server took the last of --max-conns). Reaching
    /// --max-conns shuts the listener (and every loop's, with `--threads`).
    pub fn accepted(&mut self, listener: &Fd, fd: Fd, peer: Addr) -> Option<(Fd, Addr, u64)> {
        if let Some(limit) = self.fd_limit.filter(|limit| fd.raw() >= *limit) {
            // select() cannot watch it: refused before it counts
            self.out.emit(&Event::Rejected {
                peer: peer.to_string(),
                reason: format!("fd {} >= FD_SETSIZE ({limit}): select() cannot watch it", fd.raw()),
            });
            return None;
        }
        let served = match self.group {
            Some(g) => g.count_served(),
            None => self.served + 1,
        };
        self.served += 1;
        if self.cfg.max_conns.is_some_and(|m| served > m) {
            // another loop served the last one meanwhile
            self.served -= 1;
            if let Some(g) = self.group {
                g.uncount_served();
            }
            self.out.emit(&Event::Rejected { peer: peer.to_string(), reason: "--max-conns reached".into() });
            drop(fd);
            if !self.stopped_listening {
                self.stop_listening(listener);
            }
            return None;
        }
        self.next_id = match self.group {
            Some(g) => g.take_id(),
            None => self.next_id + 1,
        };
        self.totals.conns_total += 1;
        self.totals.conns_now += 1;
        if self.cfg.max_conns.is_some_and(|m| served >= m) {
            self.stop_listening(listener);
            if let Some(g) = self.group {
                g.max_conns_reached();
            }
        }
        Some((fd, peer, self.next_id))
    }

    /// accept(2) (or io_uring's) failed with `e`: what every model does
    /// about it. Ok: the server carries on (a connection that died in the
    /// queue; out of descriptors or memory, which pauses accepting).
    pub fn accept_failed(&mut self, listener: &Fd, e: Errno) -> Result<()> {
        match e {
            Errno::EAGAIN | Errno::EINTR => Ok(()),
            // A connection that died in the queue, or errors accept(2)
            // says are already pending on the network: that one connection
            // is lost, the server is not.
            Errno::ECONNABORTED
            | Errno::EPROTO
            | Errno::EPERM
            | Errno::ENETDOWN
            | Errno::ENETUNREACH
            | Errno::ENOPROTOOPT
            | Errno::EHOSTDOWN
            | Errno::EHOSTUNREACH
            | Errno::ENONET
            | Errno::EOPNOTSUPP => {
                tracing::info!("accept: {}; carrying on", crate::error::describe_errno(e));
                Ok(())
            }
            Errno::EMFILE | Errno::ENFILE => {
                self.out_of_descriptors(listener, e);
                Ok(())
            }
            Errno::ENOBUFS | Errno::ENOMEM => {
                // Out of memory, not of descriptors: nobody to refuse, just
                // give the kernel a moment.
                tracing::warn!("accept: {}; pausing accept", crate::error::describe_errno(e));
                self.paused_until = Some(Instant::now() + EMFILE_PAUSE);
                Ok(())
            }
            e => Err(Error::sys(Op::Accept, e)),
        }
    }

    /// Whether accepting is paused (out of descriptors or memory): the
    /// model waits [`Server::pause_ms`] before it tries again.
    pub fn paused(&self) -> bool {
        self.paused_until.is_some_and(|t| Instant::now() < t)
    }

    /// How many more clients this loop may take now (--max-clients, and
    /// --max-conns less those served): None when there is no limit.
    pub fn room(&self, live: u64) -> Option<u64> {
        let clients = self.client_cap.map(|m| m.saturating_sub(live));
        let conns = self.cfg.max_conns.map(|m| {
            let served = self.group.map_or(self.served, |g| g.served());
            m.saturating_sub(served)
        });
        match (clients, conns) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether this loop has stopped listening (--max-conns), catching up
    /// first with another loop of its group that reached it: with a
    /// socket file the loops share one listener, which that loop's
    /// shutdown has closed for this one too (accept would say EINVAL).
    pub fn listening_stopped(&mut self, listener: &Fd) -> bool {
        if !self.stopped_listening && self.group.is_some_and(|g| g.max_conns_was_reached()) {
            self.stop_listening(listener);
            for ev in self.held_rejects.drain(..) {
                self.out.emit(&ev);
            }
        }
        self.stopped_listening
    }

    /// A loop of a `--threads` server was woken: Some(signal) when the
    /// server is stopping (None inside: --max-conns ended it); reaching
    /// --max-conns in another loop shuts this loop's listener too.
    pub fn follow_group(&mut self, listener: &Fd) -> Option<Option<&'static str>> {
        let g = self.group?;
        // (the last connection's `accepted` came from another loop: the
        // refusals held for it are told now)
        self.listening_stopped(listener);
        g.stopping().then(signals::stop_requested)
    }

    fn out_of_descriptors(&mut self, listener: &Fd, e: Errno) {
        let now = Instant::now();
        if self.last_emfile_log.is_none_or(|t| now.duration_since(t) >= Duration::from_secs(1)) {
            let ms = EMFILE_PAUSE.as_millis();
            if self.spare.is_some() {
                tracing::warn!(
                    "accept: {}; refusing one waiting connection through the spare descriptor, then pausing accept for {ms} ms (the others wait in the backlog; one more is refused after each pause until descriptors free up)",
                    crate::error::describe_errno(e)
                );
            } else {
                tracing::warn!(
                    "accept: {}; pausing accept for {ms} ms (the others wait in the backlog)",
                    crate::error::describe_errno(e)
                );
            }
            self.last_emfile_log = Some(now);
        }
        // The spare-descriptor trick: free one fd, accept the connection
        // that is waiting, tell it no, take the spare back.
        if let Some(spare) = self.spare.take() {
            drop(spare);
            if let Ok((fd, peer)) = self.accept_now(listener, false) {
                self.out.emit(&Event::Rejected {
                    peer: peer.to_string(),
                    reason: format!("out of file descriptors ({})", crate::error::errno_name(e)),
                });
                drop(fd);
            }
            self.spare = open_spare();
        }
        self.paused_until = Some(now + EMFILE_PAUSE);
        self.paused_for_fds = true;
    }

    pub fn emit_accepted(&mut self, id: u64, peer: &Addr, fd: &Fd, pid: u32) {
        self.out.emit(&Event::Accepted { conn: id, peer: peer.to_string(), fd: fd.raw(), pid });
        if id == self.next_id {
            for ev in self.held_rejects.drain(..) {
                self.out.emit(&ev);
            }
        }
    }

    /// Close the connection in `slot` (if it is still there) and account
    /// for it: the one way a multiplexing loop ends a connection.
    pub fn close_slot(&mut self, slot: &mut Option<Conn>, live: &mut u64, reason: &str) {
        if let Some(c) = slot.take() {
            *live -= 1;
            self.finish(c, reason);
        }
    }

    /// The end of a multiplexing loop: close every client ("shutdown"),
    /// refuse what still waits in the backlog, print `stopped`.
    pub fn shut_down(&mut self, conns: Vec<Option<Conn>>, listener: &Fd, stop: Option<&str>) {
        for c in conns.into_iter().flatten() {
            self.finish(c, "shutdown");
        }
        self.reject_backlog(listener);
        self.stopped(stop);
    }

    /// Close a multiplexed connection and account for it: `closed` first,
    /// then close(2), so that a client that saw its end and connects again
    /// (to another loop of a `--threads` server, too) finds this `closed`
    /// before the next `accepted`.
    pub fn finish(&mut self, c: Conn, reason: &str) {
        self.closed(c.id, &c.peer, c.bytes_in, c.bytes_out, c.started, reason);
        drop(c);
    }

    /// How long a multiplexing loop may block: until the accept pause ends
    /// or the next idle-timeout check (milliseconds; None = forever).
    pub fn wait_ms(&self, accepting: bool) -> Option<i32> {
        let pause = if accepting { None } else { self.pause_ms() };
        let idle = self.cfg.idle_timeout.map(|t| (t.as_millis() / 4).clamp(10, 1000) as i32);
        match (pause, idle) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Close every connection silent for longer than --idle-timeout; the
    /// indexes of the slots it emptied (no allocation when none).
    pub fn expire_idle(&mut self, conns: &mut [Option<Conn>], live: &mut u64) -> Vec<usize> {
        let mut emptied = Vec::new();
        let Some(limit) = self.cfg.idle_timeout else { return emptied };
        let now = Instant::now();
        for (i, slot) in conns.iter_mut().enumerate() {
            if slot.as_ref().is_some_and(|c| c.idle_for(now, limit)) {
                self.close_slot(slot, live, "timeout");
                emptied.push(i);
            }
        }
        emptied
    }

    /// Account for and announce a finished connection.
    pub fn closed(&mut self, id: u64, peer: &Addr, bytes_in: u64, bytes_out: u64, started: Instant, reason: &str) {
        self.totals.conns_now = self.totals.conns_now.saturating_sub(1);
        self.totals.bytes_in += bytes_in;
        self.totals.bytes_out += bytes_out;
        self.out.emit(&closed_event(id, peer, bytes_in, bytes_out, started, reason));
        if self.paused_for_fds {
            // its descriptor is free (or about to be): accept again now
            // rather than at the end of the pause
            self.paused_for_fds = false;
            self.paused_until = None;
        }
    }

    /// After a wake-up on the signal pipe: SIGUSR1 prints stats; returns
    /// the stop signal's name if SIGINT/SIGTERM arrived.
    pub fn check_signals(&mut self) -> Option<&'static str> {
        self.check_signals_live(|| (0, 0))
    }

    /// As [`Server::check_signals`], with the bytes that live connections
    /// have moved so far (`live` runs only when SIGUSR1 did arrive).
    pub fn check_signals_live(&mut self, live: impl FnOnce() -> (u64, u64)) -> Option<&'static str> {
        self.signals.drain();
        if signals::take_usr1() {
            let (bytes_in, bytes_out) = live();
            let mut t = self.totals;
            t.bytes_in += bytes_in;
            t.bytes_out += bytes_out;
            self.emit_stats(t);
        }
        signals::stop_requested()
    }

    pub fn emit_stats(&self, t: Totals) {
        emit_stats(self.out, self.cfg.model, t);
    }

    /// A connection accepted only to be refused: it was never served, so
    /// it counts neither toward --max-conns nor in the totals.
    pub fn closed_quietly(&mut self) {
        self.totals.conns_now = self.totals.conns_now.saturating_sub(1);
        self.totals.conns_total = self.totals.conns_total.saturating_sub(1);
        self.served = self.served.saturating_sub(1);
        if let Some(g) = self.group {
            g.uncount_served();
        }
    }

    /// At shutdown (or --max-conns): accept what still waits in the backlog
    /// and refuse it with a `rejected` event, rather than letting the
    /// kernel reset it unseen when the listener closes.
    pub fn reject_backlog(&mut self, listener: &Fd) {
        let refused = self.refuse_waiting(listener, "server stopping");
        for ev in self.held_rejects.drain(..).chain(refused) {
            self.out.emit(&ev);
        }
    }

    /// Accept and close what waits in the backlog; its `rejected` events.
    fn refuse_waiting(&mut self, listener: &Fd, reason: &str) -> Vec<Event> {
        let mut refused = Vec::new();
        for _ in 0..4096 {
            match self.accept_now(listener, true) {
                Ok((fd, peer)) => {
                    refused.push(Event::Rejected { peer: peer.to_string(), reason: reason.into() });
                    drop(fd);
                }
                Err(Errno::EINTR | Errno::ECONNABORTED) => continue,
                Err(_) => break,
            }
        }
        refused
    }

    pub fn stopped(&self, signal: Option<&str>) {
        self.out.emit(&Shared::Stopped {
            signal: signal.map(str::to_string),
            conns: self.totals.conns_total,
            bytes_in: self.totals.bytes_in,
            bytes_out: self.totals.bytes_out,
            datagrams: None,
            dropped: None,
        });
        self.out.flush();
    }
}

/// The `stats` event (SIGUSR1).
pub fn emit_stats(out: &Out, model: Model, t: Totals) {
    out.emit(&Shared::Stats {
        conns_now: t.conns_now,
        conns_total: t.conns_total,
        bytes_in: t.bytes_in,
        bytes_out: t.bytes_out,
        model: model.name().into(),
        pid: std::process::id(),
        datagrams: None,
        dropped: None,
    });
}

pub fn closed_event(id: u64, peer: &Addr, bytes_in: u64, bytes_out: u64, started: Instant, reason: &str) -> Event {
    Event::Closed {
        conn: id,
        peer: peer.to_string(),
        bytes_in,
        bytes_out,
        duration_ms: started.elapsed().as_millis() as u64,
        reason: reason.into(),
    }
}

fn open_spare() -> Option<Fd> {
    const WHY: &str = "a spare descriptor: lets accept() refuse a client when out of descriptors";
    because(WHY, || {
        sys::open(
            std::path::Path::new("/dev/null"),
            nix::fcntl::OFlag::O_RDONLY | nix::fcntl::OFlag::O_CLOEXEC,
            nix::sys::stat::Mode::empty(),
            "O_RDONLY|O_CLOEXEC",
        )
    })
    .ok()
    .map(|fd| fd.closed_because(WHY))
}

/// How many clients are served before new ones run under SCHED_BATCH
/// (see [`run_as_batch`]): one per CPU this process may run on.
pub fn batch_after() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Put the calling thread (a thread-model worker, a fork-model child) under
/// SCHED_BATCH, if it runs under the default policy (a server started with
/// `chrt` keeps what it was given). The models do it for the clients served
/// while as many as there are CPUs already are: from then on they queue for
/// a CPU anyway, and a SCHED_BATCH thread woken by its client's data does
/// not preempt the one running but waits for it to block, so each CPU goes
/// from one ready client to the next and a peer on the same CPU is not
/// interrupted mid-batch (BENCHMARKS.md). The first clients keep the
/// default: a lone ping-pong client is answered sooner when its server
/// preempts.
pub fn run_as_batch() {
    because("clients beyond the CPU count run under SCHED_BATCH: they do not preempt the running ones", || {
        match sys::sched_getscheduler() {
            Ok(p) if p & !libc::SCHED_RESET_ON_FORK == libc::SCHED_OTHER => {
                if let Err(e) = sys::sched_setscheduler(libc::SCHED_BATCH) {
                    tracing::debug!("sched_setscheduler SCHED_BATCH: {}", crate::error::describe_errno(e));
                }
            }
            Ok(_) => {}
            Err(e) => tracing::debug!("sched_getscheduler: {}", crate::error::describe_errno(e)),
        }
    })
}
