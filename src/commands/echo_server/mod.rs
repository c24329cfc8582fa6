//! `netlab echo-server`: the TCP echo server in every classic model.
//!
//! Course: TCP 기반 서버/클라이언트 (socket → bind → listen → accept →
//! read/write → close), 멀티프로세스 서버 (fork, SIGCHLD, waitpid),
//! 멀티플렉싱 (select), and beyond the course: poll, epoll, a thread per
//! connection.
//!
//! This file resolves `--bind`/`-4`/`-6`, creates, binds and listens, prints
//! the `listening` event (only after listen() succeeded) and hands the
//! listener to the chosen model. The models are siblings with one
//! signature: `serve(listener, &Config, &mut Out) -> Result<()>`.
//!
//! Try it from two terminals:
//!   netlab --trace echo-server --model fork 9190
//!   netlab echo-client 127.0.0.1 9190

mod conn;
mod epoll;
mod fork;
mod iterative;
mod poll;
mod select;
mod thread;

pub use conn::{echo_blocking, BlockingEnd, Conn, Next};

use crate::cli::Docs;
use crate::commands::fileio::parse_buffer_size;
use crate::error::{Error, Result};
use crate::net;
use crate::output::{Event, Out};
use crate::signals::{self, Signals};
use crate::sys::{self, Fd};
use nix::errno::Errno;
use nix::sys::socket::SockType;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

pub const DOCS: Docs = Docs {
    examples: &[
        ("netlab echo-server 9190", "select model on 0.0.0.0:9190 (the course's INADDR_ANY)"),
        (
            "netlab --trace echo-server --model fork 9190",
            "watch fork(), close() of the listening fd in the child, waitpid()",
        ),
        (
            "netlab echo-server --model iterative --backlog 5 --buffer-size 30 9190",
            "the textbook server, textbook sizes",
        ),
        (
            "netlab --json echo-server --bind 127.0.0.1 0 | jq --unbuffered -r 'select(.event==\"listening\").port'",
            "a free port, printed as soon as the server listens (without --unbuffered, jq holds it until the server ends)",
        ),
        ("netlab echo-server -6 --bind ::1 9190", "IPv6 loopback"),
        ("netlab echo-server --model epoll --bind 127.0.0.1 9190", "the fastest model: one thread, epoll"),
        ("kill -USR1 $(pgrep -f 'netlab echo-server')", "print a stats event and carry on"),
    ],
    events: &[
        ("listening", "addr, port, model, pid, backlog (as the kernel caps it: net.core.somaxconn)"),
        ("accepted", "conn, peer, fd, pid (the process serving it)"),
        (
            "closed",
            "conn, peer, bytes_in, bytes_out, duration_ms, reason: eof|reset|timeout|error, or shutdown \
             (the server closed it because it was stopping); it comes before the accepted of any connection \
             made after this one ended, and in the fork model before the child's reaped",
        ),
        (
            "reaped",
            "pid, status (fork model): a child exits with its connection's end, \
             0 eof, 1 reset, 2 timeout, 3 error, 4 shutdown; \"killed by SIGKILL\" if it had to be killed",
        ),
        ("rejected", "peer, reason (fd over FD_SETSIZE, out of descriptors, server stopping)"),
        ("stats", "conns_now, conns_total, bytes_in, bytes_out, model, pid (on SIGUSR1)"),
        ("stopped", "signal (SIGINT|SIGTERM, or null after --max-conns), conns, bytes_in, bytes_out"),
    ],
    exit_notes: &[
        "0 after SIGINT/SIGTERM or --max-conns (a clean stop)",
        "1 also when stdout could not be written meanwhile (ENOSPC on a full disk; a closed pipe is not an error)",
        "1 when bind or listen fails (EADDRINUSE names the address and hints at SO_REUSEADDR)",
    ],
};

/// The server models.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Model {
    /// one client at a time; the rest wait in the listen backlog
    Iterative,
    /// a child process per connection (once there are as many as CPUs, new ones run under SCHED_BATCH)
    Fork,
    /// one process multiplexing with select(2)
    Select,
    /// one process multiplexing with poll(2): no FD_SETSIZE limit
    Poll,
    /// one thread with a level-triggered epoll(7) set: idle connections cost nothing
    Epoll,
    /// a thread per connection (once there are as many as CPUs, new ones run under SCHED_BATCH)
    Thread,
}

impl Model {
    pub fn name(self) -> &'static str {
        match self {
            Model::Iterative => "iterative",
            Model::Fork => "fork",
            Model::Select => "select",
            Model::Poll => "poll",
            Model::Epoll => "epoll",
            Model::Thread => "thread",
        }
    }

    /// How the model waits and serves, for `-v`.
    fn how(self) -> &'static str {
        match self {
            Model::Iterative => "one client at a time; the others wait in the listen backlog",
            Model::Fork => {
                "a child process per connection, reaped on SIGCHLD with waitpid(-1, WNOHANG); children beyond the CPU count run under SCHED_BATCH"
            }
            Model::Select => "select(2) over non-blocking sockets; descriptors >= FD_SETSIZE (1024) are refused",
            Model::Poll => "poll(2) over non-blocking sockets, no descriptor limit but the process's",
            Model::Epoll => "epoll(7), level-triggered, over non-blocking sockets",
            Model::Thread => {
                "a thread per connection (128 KiB stack), blocking read/write; workers beyond the CPU count run under SCHED_BATCH"
            }
        }
    }
}

#[derive(Debug, clap::Args)]
#[command(about = "TCP echo server: iterative, fork, select, poll, epoll or thread model")]
pub struct Args {
    /// Server model
    #[arg(long, value_enum, default_value_t = Model::Select)]
    pub model: Model,
    #[command(flatten)]
    pub listen: net::ListenArgs,
    /// listen() backlog (default SOMAXCONN; the textbook's 5 shows queue overflow)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i32).range(1..=65535))]
    pub backlog: Option<i32>,
    /// Bytes per read() (default 16K; the textbook uses 30)
    #[arg(long, value_name = "B", default_value = "16K", value_parser = parse_buffer_size)]
    pub buffer_size: usize,
    /// Do not set SO_REUSEADDR (shows the TIME_WAIT bind failure)
    #[arg(long)]
    pub no_reuseaddr: bool,
    /// Keep Nagle's algorithm (do not set TCP_NODELAY; shows the 40 ms delayed-ACK stall)
    #[arg(long)]
    pub nagle: bool,
    /// At most N clients served at once; more wait in the backlog
    #[arg(long, value_name = "N", value_parser = parse_max_clients)]
    pub max_clients: Option<u64>,
    /// Exit 0 after N connections were served; once the Nth is accepted, later clients are refused
    #[arg(long, value_name = "N", value_parser = parse_count)]
    pub max_conns: Option<u64>,
    /// Drop a client that sends nothing for SECS seconds
    #[arg(long, value_name = "SECS", value_parser = parse_secs)]
    pub idle_timeout: Option<Duration>,
}

/// Seconds as a positive decimal (`1`, `0.5`, `1e3`), 1 ms at the least:
/// netlab's waits (poll) count in milliseconds.
pub fn parse_secs(s: &str) -> std::result::Result<Duration, String> {
    match plain_number(s) {
        Some(v) if v > 1e7 => Err(format!("'{s}' seconds is over the limit of 10000000 (about 115 days)")),
        Some(v) if v >= 1e-3 => Ok(Duration::from_secs_f64(v)),
        Some(v) if v > 0.0 => {
            Err(format!("'{s}' seconds is under 1 millisecond, the smallest wait (poll counts in milliseconds)"))
        }
        Some(_) => Err(format!("'{s}': the number of seconds must be above 0")),
        None => Err(format!("'{s}' is not a number of seconds (like 5, 0.5 or 1e3)")),
    }
}

/// The number syntax of the duration options (`5`, `0.5`, `1e3`, `-2`):
/// digits, point, sign and exponent only, so no "inf", "nan" or hex floats.
/// Range checks are the caller's.
pub fn plain_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let numeric =
        !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    t.parse::<f64>().ok().filter(|_| numeric)
}

/// A count that must be at least 1 (`--max-conns`).
fn parse_count(s: &str) -> std::result::Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("'{s}' is not a whole number")),
    }
}

/// `--max-clients`: 1 .. 1,000,000 live clients.
fn parse_max_clients(s: &str) -> std::result::Result<u64, String> {
    match parse_count(s)? {
        n if n > 1_000_000 => Err(format!("{n} is over the limit of 1000000 clients at once")),
        n => Ok(n),
    }
}

/// Everything a model needs, validated.
#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    pub model: Model,
    pub backlog: i32,
    pub buffer_size: usize,
    pub reuseaddr: bool,
    pub nodelay: bool,
    pub max_clients: Option<u64>,
    pub max_conns: Option<u64>,
    pub idle_timeout: Option<Duration>,
}

impl Config {
    pub fn from_args(a: &Args) -> Result<Config> {
        Ok(Config {
            addr: a.listen.addr(libc::SOCK_STREAM)?,
            model: a.model,
            backlog: a.backlog.unwrap_or(libc::SOMAXCONN),
            buffer_size: a.buffer_size,
            reuseaddr: !a.no_reuseaddr,
            nodelay: !a.nagle,
            max_clients: a.max_clients,
            max_conns: a.max_conns,
            idle_timeout: a.idle_timeout,
        })
    }
}

pub fn run(args: &Args, out: &mut Out) -> Result<()> {
    let cfg = Config::from_args(args)?;
    let listener = listen(&cfg)?;
    // The model prints `listening` (Server::new) once its signal handlers
    // are in place, so a script may signal it as soon as it reads the line.
    match cfg.model {
        Model::Iterative => iterative::serve(listener, &cfg, out),
        Model::Fork => fork::serve(listener, &cfg, out),
        Model::Select => select::serve(listener, &cfg, out),
        Model::Poll => poll::serve(listener, &cfg, out),
        Model::Epoll => epoll::serve(listener, &cfg, out),
        Model::Thread => thread::serve(listener, &cfg, out),
    }
}

/// socket → SO_REUSEADDR → TCP_NODELAY → bind → listen, each narrated by
/// --trace. TCP_NODELAY is set once, on the listening socket: Linux copies
/// it to every socket accept() returns, which saves a setsockopt per
/// connection (the test `accepted_sockets_have_tcp_nodelay_unless_nagle`
/// reads it back from the accepted sockets themselves).
pub fn listen(cfg: &Config) -> Result<Fd> {
    let fd = sys::socket(sys::family_of(&cfg.addr), SockType::Stream, false)?;
    if cfg.reuseaddr {
        sys::setsockopt_int(&fd, &sys::SO_REUSEADDR, 1).map_err(|e| Error::sys("setsockopt SO_REUSEADDR", e))?;
    }
    if cfg.nodelay {
        sys::setsockopt_int(&fd, &sys::TCP_NODELAY, 1).map_err(|e| Error::sys("setsockopt TCP_NODELAY", e))?;
    }
    sys::bind(&fd, &cfg.addr)?;
    sys::listen(&fd, cfg.backlog)?;
    let granted = effective_backlog(cfg.backlog);
    if granted < cfg.backlog {
        tracing::warn!("--backlog {} is capped by the kernel at net.core.somaxconn = {granted}", cfg.backlog);
    }
    Ok(fd)
}

/// The queue length listen(2) really gets: the kernel silently caps the
/// request at net.core.somaxconn.
pub fn effective_backlog(requested: i32) -> i32 {
    let cap = std::fs::read_to_string("/proc/sys/net/core/somaxconn").ok().and_then(|s| s.trim().parse::<i32>().ok());
    cap.map_or(requested, |c| requested.min(c))
}

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
}

/// How long accepting pauses after running out of descriptors.
const EMFILE_PAUSE: Duration = Duration::from_millis(100);

impl<'a> Server<'a> {
    /// Install the signal handlers, then print the `listening` event: the
    /// readiness line promises that SIGINT/SIGTERM/SIGUSR1 are handled.
    ///
    /// The listener is made non-blocking first: every model waits for it
    /// with select/poll/epoll, and a client that vanished between the wake-up
    /// and accept() must not block the server.
    pub fn new(cfg: &'a Config, out: &'a Out, chld: bool, listener: &Fd) -> Result<Server<'a>> {
        sys::set_nonblocking(listener, true).map_err(|e| Error::sys("fcntl O_NONBLOCK", e))?;
        let signals = Signals::install(chld)?;
        let local = sys::getsockname(listener).map_err(|e| Error::sys("getsockname", e))?;
        out.set_serving();
        out.emit(&Event::Listening {
            addr: local.ip().to_string(),
            port: local.port(),
            model: cfg.model.name().into(),
            pid: std::process::id(),
            backlog: Some(effective_backlog(cfg.backlog)),
        });
        out.flush();
        tracing::info!("model {}: {}", cfg.model.name(), cfg.model.how());
        tracing::info!(
            "buffer {} bytes; TCP_NODELAY (set on the listener, inherited by accepted sockets): {}; SO_REUSEADDR: {}; max clients: {}; idle timeout: {}",
            cfg.buffer_size,
            if cfg.nodelay { "on" } else { "off (--nagle)" },
            if cfg.reuseaddr { "on" } else { "off" },
            cfg.max_clients.map_or_else(|| "none".to_string(), |n| n.to_string()),
            cfg.idle_timeout.map_or_else(|| "none".to_string(), |d| format!("{} s", d.as_secs_f64())),
        );
        Ok(Server {
            cfg,
            out,
            signals,
            totals: Totals::default(),
            next_id: 0,
            served: 0,
            paused_until: None,
            spare: open_spare(),
            last_emfile_log: None,
            stopped_listening: false,
            held_rejects: Vec::new(),
            fd_limit: None,
        })
    }

    /// Whether another connection may be accepted now (--max-conns not
    /// reached, --max-clients not full, not backing off).
    pub fn may_accept(&mut self, live: u64) -> bool {
        if self.stopped_listening {
            return false;
        }
        if self.cfg.max_clients.is_some_and(|m| live >= m) {
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
        self.held_rejects = Self::refuse_waiting(listener, "--max-conns reached");
        if let Err(e) = sys::shutdown(listener, nix::sys::socket::Shutdown::Read) {
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
    pub fn accept(&mut self, listener: &Fd, nonblock: bool) -> Result<Option<(Fd, SocketAddr, u64)>> {
        if self.stopped_listening {
            return Ok(None); // --max-conns shut the listener: accept(2) would say EINVAL
        }
        match sys::accept(listener, nonblock) {
            Ok((fd, peer)) => {
                if let Some(limit) = self.fd_limit.filter(|limit| fd.raw() >= *limit) {
                    // select() cannot watch it: refused before it counts
                    self.out.emit(&Event::Rejected {
                        peer: peer.to_string(),
                        reason: format!("fd {} >= FD_SETSIZE ({limit}): select() cannot watch it", fd.raw()),
                    });
                    return Ok(None);
                }
                self.next_id += 1;
                self.served += 1;
                self.totals.conns_total += 1;
                self.totals.conns_now += 1;
                if self.cfg.max_conns.is_some_and(|m| self.served >= m) {
                    self.stop_listening(listener);
                }
                Ok(Some((fd, peer, self.next_id)))
            }
            Err(Errno::EAGAIN | Errno::EINTR) => Ok(None),
            // A connection that died in the queue, or errors accept(2)
            // says are already pending on the network: that one connection
            // is lost, the server is not.
            Err(
                e @ (Errno::ECONNABORTED
                | Errno::EPROTO
                | Errno::EPERM
                | Errno::ENETDOWN
                | Errno::ENETUNREACH
                | Errno::ENOPROTOOPT
                | Errno::EHOSTDOWN
                | Errno::EHOSTUNREACH
                | Errno::ENONET
                | Errno::EOPNOTSUPP),
            ) => {
                tracing::info!("accept: {}; carrying on", crate::error::describe_errno(e));
                Ok(None)
            }
            Err(e @ (Errno::EMFILE | Errno::ENFILE)) => {
                self.out_of_descriptors(listener, e);
                Ok(None)
            }
            Err(e @ (Errno::ENOBUFS | Errno::ENOMEM)) => {
                // Out of memory, not of descriptors: nobody to refuse, just
                // give the kernel a moment.
                tracing::warn!("accept: {}; pausing accept", crate::error::describe_errno(e));
                self.paused_until = Some(Instant::now() + EMFILE_PAUSE);
                Ok(None)
            }
            Err(e) => Err(Error::sys("accept", e)),
        }
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
            if let Ok((fd, peer)) = sys::accept(listener, true) {
                self.out.emit(&Event::Rejected {
                    peer: peer.to_string(),
                    reason: format!("out of file descriptors ({})", crate::error::errno_name(e)),
                });
                drop(fd);
            }
            self.spare = open_spare();
        }
        self.paused_until = Some(now + EMFILE_PAUSE);
    }

    pub fn emit_accepted(&mut self, id: u64, peer: &SocketAddr, fd: &Fd, pid: u32) {
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

    /// Close a multiplexed connection and account for it.
    pub fn finish(&mut self, c: Conn, reason: &str) {
        let (id, peer, bi, bo, started) = (c.id, c.peer, c.bytes_in, c.bytes_out, c.started);
        drop(c);
        self.closed(id, &peer, bi, bo, started, reason);
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
    pub fn closed(
        &mut self,
        id: u64,
        peer: &SocketAddr,
        bytes_in: u64,
        bytes_out: u64,
        started: Instant,
        reason: &str,
    ) {
        self.totals.conns_now = self.totals.conns_now.saturating_sub(1);
        self.totals.bytes_in += bytes_in;
        self.totals.bytes_out += bytes_out;
        self.out.emit(&closed_event(id, peer, bytes_in, bytes_out, started, reason));
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
    }

    /// At shutdown (or --max-conns): accept what still waits in the backlog
    /// and refuse it with a `rejected` event, rather than letting the
    /// kernel reset it unseen when the listener closes.
    pub fn reject_backlog(&mut self, listener: &Fd) {
        for ev in self.held_rejects.drain(..).chain(Self::refuse_waiting(listener, "server stopping")) {
            self.out.emit(&ev);
        }
    }

    /// Accept and close what waits in the backlog; its `rejected` events.
    fn refuse_waiting(listener: &Fd, reason: &str) -> Vec<Event> {
        let mut refused = Vec::new();
        for _ in 0..4096 {
            match sys::accept(listener, true) {
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
        self.out.emit(&Event::Stopped {
            signal: signal.map(str::to_string),
            conns: self.totals.conns_total,
            bytes_in: self.totals.bytes_in,
            bytes_out: self.totals.bytes_out,
            datagrams: None,
        });
        self.out.flush();
    }
}

/// The `stats` event (SIGUSR1).
pub fn emit_stats(out: &Out, model: Model, t: Totals) {
    out.emit(&Event::Stats {
        conns_now: t.conns_now,
        conns_total: t.conns_total,
        bytes_in: t.bytes_in,
        bytes_out: t.bytes_out,
        model: model.name().into(),
        pid: std::process::id(),
        datagrams: None,
    });
}

pub fn closed_event(
    id: u64,
    peer: &SocketAddr,
    bytes_in: u64,
    bytes_out: u64,
    started: Instant,
    reason: &str,
) -> Event {
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
    sys::open(
        std::path::Path::new("/dev/null"),
        nix::fcntl::OFlag::O_RDONLY | nix::fcntl::OFlag::O_CLOEXEC,
        nix::sys::stat::Mode::empty(),
        "O_RDONLY|O_CLOEXEC",
    )
    .ok()
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
    match sys::sched_getscheduler() {
        Ok(p) if p & !libc::SCHED_RESET_ON_FORK == libc::SCHED_OTHER => {
            if let Err(e) = sys::sched_setscheduler(libc::SCHED_BATCH) {
                tracing::debug!("sched_setscheduler SCHED_BATCH: {}", crate::error::describe_errno(e));
            }
        }
        Ok(_) => {}
        Err(e) => tracing::debug!("sched_getscheduler: {}", crate::error::describe_errno(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_take_decimals_and_exponents_within_limits() {
        assert_eq!(parse_secs("1e3"), Ok(Duration::from_secs(1000)));
        assert_eq!(parse_secs("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_secs("1e-3"), Ok(Duration::from_millis(1)));
        for bad in ["0", "-0", "-1", "1e-4", "1e400", "inf", "nan", "0x10", "", "1.2.3", "5s"] {
            assert!(parse_secs(bad).is_err(), "{bad}");
        }
        assert!(parse_secs("1e400").unwrap_err().contains("over the limit"));
    }
}
