//! `netlab echo-server`: the TCP echo server in every classic model.
//!
//! Course: TCP 기반 서버/클라이언트 (socket → bind → listen → accept →
//! read/write → close), 멀티프로세스 서버 (fork, SIGCHLD, waitpid),
//! 멀티플렉싱 (select), and beyond the course: poll, epoll, a thread per
//! connection, io_uring; epoll and uring also as N loops on N threads.
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
mod loops;
mod server;

mod epoll;
mod fork;
mod iterative;
mod poll;
mod select;
mod thread;
mod uring;

pub use conn::{echo_blocking, BlockingEnd, Conn, Next};
pub use events::Event;
pub use server::{batch_after, run_as_batch, Server, Totals};

use crate::docs::Docs;
use crate::error::{Error, Op, Result};
use crate::local;
use crate::net;
use crate::output::Out;
use crate::sys::{self, Addr, Fd};
use crate::values;
use nix::sys::socket::SockType;
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
        (
            "netlab echo-server --model epoll --unix echo.sock",
            "a Unix-domain socket file (PF_LOCAL) in this directory: a stale file is replaced, the file is \
             removed at stop; echo-client --unix echo.sock talks to it",
        ),
        ("netlab echo-server --model epoll --bind 127.0.0.1 9190", "one thread, epoll: readiness"),
        (
            "netlab --trace echo-server --model uring --bind 127.0.0.1 9190",
            "io_uring: completions instead of readiness; watch each operation queued and completed",
        ),
        (
            "netlab echo-server --model uring --threads 2 --bind 127.0.0.1 9190",
            "two io_uring loops on two threads, each with its own SO_REUSEPORT listener",
        ),
        (
            "pkill -USR1 -f 'netlab.* echo-server'",
            "every running echo server prints a stats event and carries on (flags before echo-server too)",
        ),
        (
            "netlab echo-server --nagle 9190",
            "Nagle's 40 ms stall: `netlab echo-client --connections 1 --size 70000 --requests 20 127.0.0.1 9190` \
             from another terminal shows p50 about 40000 us, a request above the loopback MSS (65483 bytes) leaving \
             a small tail that waits for the delayed ACK (20 us without --nagle; 100 or 3000 bytes do not show it)",
        ),
        (
            "netlab echo-server --idle-timeout 1 9190",
            "TIME_WAIT: a silent client (`sleep 2 | netlab echo-client 127.0.0.1 9190`) is closed by the server \
             first, so the server's side of that connection waits about 60 s; restarted within that minute with \
             --no-reuseaddr, the server fails with EADDRINUSE",
        ),
    ],
    events: &[
        (
            "listening",
            "addr (with --unix, the socket file's path), port (null with --unix), model, pid, \
             backlog (as the kernel caps it: net.core.somaxconn), threads (uring, and epoll with --threads)",
        ),
        (
            "accepted",
            "conn, peer (with --unix, the client's path, or \"unnamed\" for a client that bound none, as most do), \
             fd, pid (the process serving it); fd is the descriptor accept() returned, \
             in the uring model too (its accepts are ordinary descriptors, not io_uring direct descriptors)",
        ),
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
        ("rejected", "peer, reason (fd over FD_SETSIZE, out of descriptors, server stopping, --max-conns reached)"),
        (
            "stats",
            "conns_now, conns_total, bytes_in, bytes_out, model, pid (on SIGUSR1; with --threads, every loop's added up)",
        ),
        (
            "stopped",
            "signal (SIGINT|SIGTERM, or null after --max-conns), conns, bytes_in, bytes_out (with --threads, every loop's added up)",
        ),
    ],
    exit_notes: &[
        "1 when the kernel refuses io_uring (--model uring): the call, the errno and a hint naming the cause",
        "2 for --threads with a model other than epoll or uring",
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
    /// io_uring (Linux 6.1+): completions instead of readiness, multishot receives into provided buffers
    Uring,
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
            Model::Uring => "uring",
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
            Model::Uring => {
                "io_uring: accepts, multishot receives into a ring of provided buffers and sends that never wait, \
                 one io_uring_enter per loop turn"
            }
        }
    }

    /// Whether the model runs as N loops on N threads (`--threads`).
    pub fn takes_threads(self) -> bool {
        matches!(self, Model::Epoll | Model::Uring)
    }
}

#[derive(Debug, clap::Args)]
#[command(about = "TCP (or Unix-domain) echo server: iterative, fork, select, poll, epoll, thread or uring model")]
pub struct Args {
    /// Server model
    #[arg(long, value_enum, default_value_t = Model::Select)]
    pub model: Model,
    #[command(flatten)]
    pub listen: net::ListenArgs,
    /// listen() backlog (default SOMAXCONN; the textbook's 5 shows queue overflow)
    #[arg(long, value_name = "N", value_parser = values::backlog)]
    pub backlog: Option<i32>,
    /// Bytes per read() (default 16K; the textbook uses 30)
    #[arg(long, value_name = "B", default_value = "16K", value_parser = values::buffer_size)]
    pub buffer_size: usize,
    /// Do not set SO_REUSEADDR: after the server closed a connection first (--idle-timeout), a restart on the same port fails with EADDRINUSE while that connection waits in TIME_WAIT (about 60 s)
    #[arg(long, conflicts_with = "unix")]
    pub no_reuseaddr: bool,
    /// Keep Nagle's algorithm (do not set TCP_NODELAY): with requests above the loopback MSS (echo-client --size 70000), each echo's tail waits about 40 ms for the delayed ACK; 100 or 3000 bytes do not show it
    #[arg(long, conflicts_with = "unix")]
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
    /// N event loops on N threads sharing the port, each with its own SO_REUSEPORT listener (with --unix, sharing the socket file's one listener; epoll and uring; default 1)
    #[arg(long, value_name = "N", value_parser = values::threads)]
    pub threads: Option<u64>,
}

/// Seconds as a positive decimal (`1`, `0.5`, `1e3`), 1 ms at the least:
/// netlab's waits (poll) count in milliseconds.
pub struct Config {
    /// a TCP address and port, or a Unix socket file (--unix)
    pub addr: Addr,
    pub model: Model,
    pub backlog: i32,
    pub buffer_size: usize,
    pub reuseaddr: bool,
    pub nodelay: bool,
    pub max_clients: Option<u64>,
    pub max_conns: Option<u64>,
    pub idle_timeout: Option<Duration>,
    /// --threads as given (None: not given, one loop)
    pub threads: Option<usize>,
}

impl Config {
    pub fn from_args(a: &Args) -> Result<Config> {
        if a.threads.is_some() && !a.model.takes_threads() {
            return Err(Error::usage(format!(
                "--threads works with --model epoll and --model uring, not --model {}",
                a.model.name()
            )));
        }
        if let (Some(t), Some(m)) = (a.threads, a.max_clients) {
            if m < t {
                return Err(Error::usage(format!(
                    "--max-clients {m} is less than --threads {t}: each loop serves its share of the clients"
                )));
            }
        }
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
            threads: a.threads.map(|n| n as usize),
        })
    }

    /// How many event loops serve (1 unless --threads).
    pub fn threads(&self) -> usize {
        self.threads.unwrap_or(1)
    }

    /// What `listening` says about threads: the uring model always, epoll
    /// when --threads was given, the others never (their line reads as it
    /// always has).
    pub fn threads_shown(&self) -> Option<u32> {
        match self.model {
            Model::Uring => Some(self.threads() as u32),
            Model::Epoll => self.threads.map(|n| n as u32),
            _ => None,
        }
    }
}

pub fn run(args: &Args, out: &mut Out) -> Result<()> {
    if let Some(note) = args.listen.bind.as_ref().and_then(net::Host::note) {
        out.emit_note(&crate::events::Event::Note { message: note.to_string() });
    }
    let cfg = Config::from_args(args)?;
    if let Some(path) = cfg.addr.path() {
        if let Some(note) = local::prepare(path, SockType::Stream)?.note(path) {
            tracing::warn!("{note}"); // on stderr, in --json mode too (SPEC §1)
        }
    }
    // (with --unix, `_file` removes the socket file when the server stops,
    // however it stops; not a forked child: the file is the parent's)
    let (listener, _file) = listen(&cfg)?;
    // The model prints `listening` (Server::new) once its signal handlers
    // are in place, so a script may signal it as soon as it reads the line.
    match cfg.model {
        Model::Iterative => iterative::serve(listener, &cfg, out),
        Model::Fork => fork::serve(listener, &cfg, out),
        Model::Select => select::serve(listener, &cfg, out),
        Model::Poll => poll::serve(listener, &cfg, out),
        Model::Epoll => epoll::serve(listener, &cfg, out),
        Model::Thread => thread::serve(listener, &cfg, out),
        Model::Uring => uring::serve(listener, &cfg, out),
    }
}

/// socket → SO_REUSEADDR → TCP_NODELAY → bind → listen, each narrated by
/// --trace. TCP_NODELAY is set once, on the listening socket: Linux copies
/// it to every socket accept() returns, which saves a setsockopt per
/// connection (the test `accepted_sockets_have_tcp_nodelay_unless_nagle`
/// reads it back from the accepted sockets themselves. With --unix:
/// socket → bind → listen, and the socket file's guard.
pub fn listen(cfg: &Config) -> Result<(Fd, Option<local::SocketFile>)> {
    let (fd, file) = match &cfg.addr {
        Addr::Unix(Some(path)) => {
            // no port to share or reuse, no Nagle (AF_UNIX has no TCP
            // layer); bind creates the file, removed from then on whatever
            // fails next
            let fd = sys::socket(cfg.addr.family(), SockType::Stream, false)?;
            sys::bind(&fd, &cfg.addr)?;
            let file = local::SocketFile::server(path);
            sys::listen(&fd, cfg.backlog)?;
            (fd, Some(file))
        }
        _ => (listen_on(cfg, &cfg.addr, false)?, None),
    };
    let granted = effective_backlog(cfg.backlog);
    if granted < cfg.backlog {
        tracing::warn!("--backlog {} is capped by the kernel at net.core.somaxconn = {granted}", cfg.backlog);
    }
    Ok((fd, file))
}

/// The listener of one more loop of a `--threads` server: as [`listen`],
/// on the port the first one got, joining its SO_REUSEPORT group.
pub fn listen_again(cfg: &Config, port: u16) -> Result<Fd> {
    let Addr::Inet(mut addr) = cfg.addr.clone() else {
        return Err(Error::failed("a socket file has one listener: its loops share it (loops.rs)"));
    };
    addr.set_port(port);
    listen_on(cfg, &addr.into(), true)
}

/// With --threads, the first listener binds without SO_REUSEPORT (a port
/// that something else holds is EADDRINUSE, as for one loop, even when the
/// holder set SO_REUSEPORT too) and sets it between bind and listen, so
/// that the other loops' listeners (`again`, set before their bind) can
/// join it.
fn listen_on(cfg: &Config, addr: &Addr, again: bool) -> Result<Fd> {
    let reuseport = |fd: &Fd| {
        crate::logging::because("--threads: one listener per loop on the same port, the kernel spreads clients", || {
            sys::setsockopt_int(fd, &sys::SO_REUSEPORT, 1)
        })
        .map_err(|e| Error::sys_at(Op::Setsockopt, "SO_REUSEPORT", e))
    };
    let fd = sys::socket(addr.family(), SockType::Stream, false)?;
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
    if again {
        reuseport(&fd)?;
    }
    sys::bind(&fd, addr)?;
    if cfg.threads() > 1 && !again {
        reuseport(&fd)?;
    }
    sys::listen(&fd, cfg.backlog)?;
    Ok(fd)
}

/// The queue length listen(2) really gets: the kernel silently caps the
/// request at net.core.somaxconn.
pub fn effective_backlog(requested: i32) -> i32 {
    let cap = std::fs::read_to_string("/proc/sys/net/core/somaxconn").ok().and_then(|s| s.trim().parse::<i32>().ok());
    cap.map_or(requested, |c| requested.min(c))
}
