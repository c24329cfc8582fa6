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
pub mod events;
mod server;

mod epoll;
mod fork;
mod iterative;
mod poll;
mod select;
mod thread;

pub use conn::{echo_blocking, BlockingEnd, Conn, Next};
pub use events::Event;
pub use server::{batch_after, run_as_batch, Server, Totals};

use crate::docs::Docs;
use crate::error::{Error, Op, Result};
use crate::net;
use crate::output::Out;
use crate::sys::{self, Fd};
use crate::values;
use nix::sys::socket::SockType;
use std::net::SocketAddr;
use std::time::Duration;

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
        (
            "netlab echo-server --nagle 9190 & netlab echo-client --connections 1 --size 70000 --requests 20 127.0.0.1 9190",
            "Nagle's 40 ms stall: a request above the loopback MSS (65483 bytes) leaves a small tail that waits for \
             the delayed ACK (p50 about 40000 us; 20 us without --nagle; 100 or 3000 bytes do not show it)",
        ),
        (
            "netlab echo-server --idle-timeout 1 9190 & sleep 2 | netlab echo-client 127.0.0.1 9190; kill %1; netlab echo-server --no-reuseaddr 9190",
            "TIME_WAIT: the client stays silent, the server closes first (idle timeout), so its side of the connection \
             waits about 60 s; a restart without SO_REUSEADDR fails with EADDRINUSE",
        ),
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
    #[arg(long, value_name = "B", default_value = "16K", value_parser = values::buffer_size)]
    pub buffer_size: usize,
    /// Do not set SO_REUSEADDR: after the server closed a connection first (--idle-timeout), a restart on the same port fails with EADDRINUSE while that connection waits in TIME_WAIT (about 60 s)
    #[arg(long)]
    pub no_reuseaddr: bool,
    /// Keep Nagle's algorithm (do not set TCP_NODELAY): with requests above the loopback MSS (echo-client --size 70000), each echo's tail waits about 40 ms for the delayed ACK; 100 or 3000 bytes do not show it
    #[arg(long)]
    pub nagle: bool,
    /// At most N clients served at once; more wait in the backlog (what ncat calls --max-conns)
    #[arg(long, value_name = "N", value_parser = values::max_clients)]
    pub max_clients: Option<u64>,
    /// Exit 0 after N connections were served; once the Nth is accepted, later clients are refused (ncat's --max-conns is netlab's --max-clients)
    #[arg(long, value_name = "N", value_parser = values::count)]
    pub max_conns: Option<u64>,
    /// Drop a client that sends nothing for SECS seconds
    #[arg(long, value_name = "SECS", value_parser = values::secs)]
    pub idle_timeout: Option<Duration>,
}

/// Seconds as a positive decimal (`1`, `0.5`, `1e3`), 1 ms at the least:
/// netlab's waits (poll) count in milliseconds.
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
            addr: match a.listen.addr(libc::SOCK_STREAM)? {
                crate::sys::Addr::Inet(addr) => addr,
                crate::sys::Addr::Unix(_) => return Err(Error::usage("echo-server --unix: not yet")),
            },
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
    if let Some(note) = args.listen.bind.as_ref().and_then(net::Host::note) {
        out.emit_note(&crate::events::Event::Note { message: note.to_string() });
    }
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
        sys::setsockopt_int(&fd, &sys::SO_REUSEADDR, 1)
            .map_err(|e| Error::sys_at(Op::Setsockopt, "SO_REUSEADDR", e))?;
    }
    if cfg.nodelay {
        crate::logging::because("netlab's default: echoes go out at once (--nagle keeps Nagle's algorithm)", || {
            sys::setsockopt_int(&fd, &sys::TCP_NODELAY, 1)
        })
        .map_err(|e| Error::sys_at(Op::Setsockopt, "TCP_NODELAY", e))?;
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
