//! `netlab echo-client`: the course's TCP echo client, in the modes a user
//! of `nc` expects, with the promise `nc` does not make: every byte that
//! comes back is checked against what was sent (exit 3 if not).
//!
//! Course: TCP 기반 서버/클라이언트 (socket → connect → write/read →
//! close), half-close with shutdown(SHUT_WR), and 입출력 루틴 분할 (the
//! I/O routine split: a forked child writes while the parent reads).
//!
//! Modes:
//! * stdin is a TTY: prompt, send a line, read back exactly as many bytes;
//! * stdin is a pipe or file: stream everything, half-close at EOF, read to
//!   the server's EOF; `netlab echo-client H P < f | cmp - f` holds;
//! * `--message TEXT` (repeatable): send each and print its echo;
//! * `--split`: a forked child writes, the parent reads;
//! * load mode (`--connections`, [`load`]): C connections of verified
//!   request/response, latency percentiles, requests/s.
//!
//! Try it: `netlab echo-server 9190 &` then `netlab echo-client 127.0.0.1 9190`.

pub mod events;
pub mod load;
mod messages;
mod split;
mod stream;
mod verify;

use crate::docs::Docs;
use crate::error::{Error, Op, Result};
use crate::events::Event as Shared;
use crate::net::{self, Host};
use crate::output::Out;
use crate::sys::{self, Addr, Fd};
use crate::values;
pub use events::Event;
use nix::errno::Errno;
use nix::sys::socket::SockType;
use std::ffi::OsString;
use std::time::{Duration, Instant};

pub const DOCS: Docs = Docs {
    examples: &[
        ("netlab echo-client 127.0.0.1 9190", "interactive: type lines, Q quits"),
        ("netlab echo-client 127.0.0.1 9190 < big.bin | cmp - big.bin", "stream a file through and compare"),
        ("netlab echo-client --message hello --message world ::1 9190", "send each message, print each echo"),
        ("netlab echo-client --unix echo.sock -m hello", "a server's Unix-domain socket file instead of HOST and PORT"),
        ("netlab --trace echo-client --split 127.0.0.1 9190 < f", "the I/O split: a child writes, the parent reads"),
        (
            "netlab --json echo-client --timeout 2 localhost 9190 < f | jq 'select(.event==\"summary\").verified'",
            "script-friendly verification",
        ),
        ("netlab echo-client --connections 50 --size 512 --duration 5 127.0.0.1 9190", "load: requests/s and latency percentiles"),
        ("netlab echo-client --connections 1 --idle 1000 --duration 5 127.0.0.1 9190", "the cost of 1000 idle clients (select vs epoll)"),
        ("netlab echo-client --connections 4 --reconnect --requests 20000 127.0.0.1 9190", "connections per second"),
        (
            "netlab echo-client --connections 10 --rate 2000 --duration 10 --interval 1 127.0.0.1 9190",
            "open loop: 2000 requests/s on schedule, latency from each request's intended send, a line per second",
        ),
        (
            "netlab echo-client --connections 500 --size 64 --threads 2 --percentiles 50,99,99.99 127.0.0.1 9190",
            "two event loops; the percentiles asked for",
        ),
        (
            "netlab --json echo-client --rate 1000 --interval 1 10.0.0.2 9190 | jq 'select(.event==\"interval\").retransmits'",
            "the kernel's retransmissions per second (TCP_INFO)",
        ),
    ],
    events: &[
        ("connected", "peer, local (with --unix: the socket file's path, and \"unnamed\"), connect_ms"),
        ("echo", "seq, bytes, rtt_us, data (message and prompt modes), data_hex (the exact bytes, when not UTF-8)"),
        (
            "summary",
            "kind=stream (stream, --split and --message): bytes_sent, bytes_received, verified, first_mismatch_at, \
             duration_ms (printed also when the echo came back wrong, before the error)",
        ),
        (
            "summary",
            "kind=load: connections, idle, size, reconnect, requests, duration_s, rps (the achieved rate), mbps, \
             latency_p50_us, latency_p90_us, latency_p99_us, latency_max_us (null when no request completed), errors, \
             mismatches, unfinished, abandoned (--rate: requests queued on a connection that failed, besides the one \
             counted), not_sent (--rate: requests due before the end of --duration that were never written, the \
             client or the server having fallen behind), threads, target_rps and rate_met (--rate; null in a closed loop), latency_us and service_us \
             (objects of the --percentiles and max in microseconds, in that order: {\"p50\":210,\"p90\":300,\"p99\":450,\
             \"p99.9\":800,\"max\":1200}; null when none completed; service_us only with --rate), rtt_us, rttvar_us, \
             snd_cwnd (TCP_INFO means over the connections, each read as it closed; null when none was), retransmits \
             (TCP_INFO total over every connection), cpu_pct (the client's CPU over the run's wall time)",
        ),
        (
            "interval",
            "--interval: start_s, end_s (seconds since the run began; the last may be shorter), requests, rps, \
             latency_p50_us, latency_p99_us, latency_max_us, latency_us (as the summary's), errors, mismatches, \
             connections (read with TCP_INFO: live at the interval's end or closed during it), rtt_us, rttvar_us, \
             snd_cwnd (TCP_INFO means over them; null when none), \
             retransmits (in the interval: tcpi_total_retrans growth, closed connections included), cpu_pct",
        ),
    ],
    exit_notes: &[
        "0 also for a load run ended early by SIGINT/SIGTERM (Ctrl-C): its summary is printed",
        "1 when the connection fails (refused, timed out, unreachable) or an echo stalls past --timeout",
        "3 when what came back differs from what was sent: different or extra bytes, or the server closed or reset the connection before echoing everything",
        "load mode: 3 when any echo differed (mismatches); 1 when connections failed, including ones the server closed or reset mid-request (errors: a load run measures a server, and the summary counts both)",
        "--rate below 95 % of its target is still 0: the summary says rate_met false and a warning line says so on stderr",
    ],
};

#[derive(Debug, clap::Args)]
#[command(
    about = "TCP (or Unix-domain) echo client: prompt, stream, --message or --split; every byte verified",
    override_usage = "netlab echo-client [OPTIONS] <HOST> <PORT>\n       netlab echo-client [OPTIONS] --unix <PATH>"
)]
pub struct Args {
    #[command(flatten)]
    pub family: net::FamilyArgs,
    /// Send TEXT and print its echo as it came back, byte for byte (on a terminal with control characters escaped; repeatable; any bytes, not only UTF-8)
    #[arg(long = "message", short = 'm', value_name = "TEXT")]
    pub messages: Vec<OsString>,
    /// The I/O split: a forked child writes, the parent reads
    #[arg(long)]
    pub split: bool,
    /// Give up on connect, or on an echo that stalls, after SECS seconds
    #[arg(long, value_name = "SECS", value_parser = values::secs)]
    pub timeout: Option<Duration>,
    /// Bytes per read()/write()
    #[arg(long, value_name = "B", default_value = "16K", value_parser = values::buffer_size)]
    pub buffer_size: usize,
    /// Load mode: C concurrent connections doing verified request/response
    #[arg(long, value_name = "C", value_parser = clap::value_parser!(u64).range(1..=100_000), help_heading = "Load mode")]
    pub connections: Option<u64>,
    /// Load mode: bytes per request [default: 64]
    #[arg(long, value_name = "S", value_parser = values::request_size, help_heading = "Load mode")]
    pub size: Option<usize>,
    /// Load mode: stop after N requests in all
    #[arg(long, value_name = "N", value_parser = values::count, conflicts_with = "duration", help_heading = "Load mode")]
    pub requests: Option<u64>,
    /// Load mode: run for SECS seconds (default 5 when --requests is not given)
    ///
    /// Then the echoes of what was written are awaited while they keep coming (at most --timeout);
    /// under --rate, requests due and not yet written are not sent (not_sent), as wrk2 does.
    #[arg(long, value_name = "SECS", value_parser = values::secs, help_heading = "Load mode")]
    pub duration: Option<Duration>,
    /// Load mode: every request is a fresh connect, echo, close (connections/s)
    #[arg(long, help_heading = "Load mode")]
    pub reconnect: bool,
    /// Load mode: hold N extra idle connections open during the run
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = values::idle, help_heading = "Load mode")]
    pub idle: u64,
    /// Load mode, open loop: R requests/s in all, sent on schedule; service time from the actual send
    ///
    /// Coordinated omission: a client that waits for each echo stops sending while the server
    /// stalls, hiding the stall in a few samples; here latency counts from each request's due time.
    #[arg(long, value_name = "R", value_parser = values::rate, help_heading = "Load mode")]
    pub rate: Option<f64>,
    /// Load mode: N event loops (threads) share the connections [default: 1]
    #[arg(long, value_name = "N", value_parser = values::threads, help_heading = "Load mode")]
    pub threads: Option<u64>,
    /// Load mode: a line every SECS: requests, latency, errors, TCP_INFO (rtt, cwnd, retransmits), CPU
    #[arg(long, value_name = "SECS", value_parser = values::secs, help_heading = "Load mode")]
    pub interval: Option<Duration>,
    /// Load mode: latency percentiles to report, max besides [default: 50,90,99,99.9]
    #[arg(long, value_name = "LIST", value_parser = values::percentiles, help_heading = "Load mode")]
    pub percentiles: Option<values::PercentileList>,
    /// The server's Unix-domain socket file (PF_LOCAL) instead of HOST and PORT
    #[arg(long, value_name = "PATH", value_parser = values::unix_path, conflicts_with_all = ["host", "port"])]
    pub unix: Option<std::path::PathBuf>,
    /// Server name or address
    #[arg(value_name = "HOST", value_parser = net::parse_host, required_unless_present = "unix")]
    pub host: Option<Host>,
    /// Server port
    #[arg(value_name = "PORT", value_parser = net::parse_port, required_unless_present = "unix")]
    pub port: Option<u16>,
}

/// --size when not given.
const DEFAULT_SIZE: usize = 64;

/// --percentiles when not given.
const DEFAULT_PERCENTILES: [f64; 4] = [50.0, 90.0, 99.0, 99.9];

/// Which way the client talks.
#[derive(Clone, Debug)]
pub enum Mode {
    Prompt,
    Stream,
    Messages(Vec<OsString>),
    Split,
    Load(load::LoadConfig),
}

pub struct Config {
    /// where to connect: a name's addresses in order, or one socket file
    pub addrs: Vec<Addr>,
    pub mode: Mode,
    pub timeout: Option<Duration>,
    pub buffer_size: usize,
}

impl Config {
    pub fn from_args(a: &Args) -> Result<Config> {
        let addrs =
            net::client_target(a.unix.as_ref(), a.host.as_ref(), a.port, &a.family, libc::SOCK_STREAM, "connected to")?;
        let given: Vec<&str> = [
            (a.connections.is_some(), "--connections"),
            (a.size.is_some(), "--size"),
            (a.requests.is_some(), "--requests"),
            (a.duration.is_some(), "--duration"),
            (a.reconnect, "--reconnect"),
            (a.idle > 0, "--idle"),
            (a.rate.is_some(), "--rate"),
            (a.threads.is_some(), "--threads"),
            (a.interval.is_some(), "--interval"),
            (a.percentiles.is_some(), "--percentiles"),
        ]
        .into_iter()
        .filter_map(|(on, flag)| on.then_some(flag))
        .collect();
        let load_flags = !given.is_empty();
        let size = a.size.unwrap_or(DEFAULT_SIZE);
        if load_flags && (a.split || !a.messages.is_empty()) {
            let other = if a.split { "--split" } else { "--message" };
            return Err(Error::usage(format!(
                "{} {} load mode, which does not combine with {other}",
                given.join(", "),
                if given.len() == 1 { "is a flag of" } else { "are flags of" }
            )));
        }
        if load_flags && (a.connections.unwrap_or(1) as u128) * (size as u128) > 1 << 30 {
            return Err(Error::usage(format!(
                "--connections {} x --size {size} needs more than 1 GiB of request buffers; lower one of them",
                a.connections.unwrap_or(1),
            )));
        }
        let connections = a.connections.unwrap_or(1);
        let threads = a.threads.unwrap_or(1);
        if a.rate.is_some() && a.reconnect {
            return Err(Error::usage(
                "--rate does not combine with --reconnect: an open loop sends on persistent connections, several requests in flight on each",
            ));
        }
        if threads > connections {
            return Err(Error::usage(format!(
                "--threads {threads} is more than --connections {connections}: each event loop needs a connection of its own"
            )));
        }
        let mode = if load_flags {
            Mode::Load(load::LoadConfig {
                addr: addrs[0].clone(),
                connections: connections as usize,
                size,
                requests: a.requests,
                duration: if a.requests.is_none() { Some(a.duration.unwrap_or(Duration::from_secs(5))) } else { None },
                reconnect: a.reconnect,
                idle: a.idle as usize,
                timeout: a.timeout.unwrap_or(Duration::from_secs(10)),
                rate: a.rate,
                threads: threads as usize,
                interval: a.interval,
                percentiles: a.percentiles.as_ref().map_or(DEFAULT_PERCENTILES.to_vec(), |p| p.0.clone()),
            })
        } else if a.split {
            Mode::Split
        } else if !a.messages.is_empty() {
            Mode::Messages(a.messages.clone())
        } else if sys::stdin_is_tty() {
            Mode::Prompt
        } else {
            Mode::Stream
        };
        if a.split && !a.messages.is_empty() {
            return Err(Error::usage("--split streams stdin; it does not combine with --message"));
        }
        Ok(Config { addrs, mode, timeout: a.timeout, buffer_size: a.buffer_size })
    }
}

pub fn run(args: &Args, out: &mut Out) -> Result<()> {
    if let Some(note) = args.host.as_ref().and_then(Host::note) {
        out.emit_note(&Shared::Note { message: note.to_string() });
    }
    let cfg = Config::from_args(args)?;
    match &cfg.mode {
        Mode::Load(l) if cfg.addrs.len() > 1 => {
            // The name has several addresses: the run goes to the first that
            // answers, as every other mode's connection does; the connection
            // that found it is the run's first.
            let (first, addr) = connect_any(&cfg.addrs, Some(l.timeout))?;
            load::run(&load::LoadConfig { addr, ..l.clone() }, out, Some(first))
        }
        Mode::Load(l) => load::run(l, out, None),
        Mode::Prompt => messages::prompt(&connect(&cfg, out)?, &cfg, out),
        Mode::Messages(m) => messages::messages(&connect(&cfg, out)?, m, &cfg, out),
        // (a closed stdin is told before the server sees a connection)
        Mode::Stream => {
            crate::output::stdin_open()?;
            stream::stream(&connect(&cfg, out)?, &cfg, out)
        }
        Mode::Split => {
            crate::output::stdin_open()?;
            split::split(&connect(&cfg, out)?, &cfg, out)
        }
    }
}

/// Connect to the first address that answers and announce it.
fn connect(cfg: &Config, out: &Out) -> Result<Fd> {
    let started = Instant::now();
    let (fd, peer) = connect_any(&cfg.addrs, cfg.timeout)?;
    let local = sys::getsockname_addr(&fd).map(|a| a.to_string()).unwrap_or_default();
    out.emit_note(&Shared::Connected {
        peer: peer.to_string(),
        local,
        connect_ms: started.elapsed().as_secs_f64() * 1000.0,
    });
    Ok(fd)
}

/// Try each address in turn (as nc does); the last error is reported.
pub fn connect_any(addrs: &[Addr], timeout: Option<Duration>) -> Result<(Fd, Addr)> {
    let mut last = Error::failed("no address to connect to");
    for (i, a) in addrs.iter().enumerate() {
        tracing::info!("connecting to {a} (address {} of {})", i + 1, addrs.len());
        match connect_one(a, timeout) {
            Ok(fd) => return Ok((fd, a.clone())),
            Err(e) => {
                if i + 1 < addrs.len() {
                    tracing::info!("{e}; trying the next address");
                }
                last = e;
            }
        }
    }
    Err(last)
}

/// A failed connect(2): for a socket file, what the errno means there
/// (no file; a file nobody listens on) and how to start a server on it.
pub fn connect_error(addr: &Addr, e: Errno) -> Error {
    addr.path()
        .and_then(|path| crate::local::connect_failed(path, e, "connect", "netlab echo-server --unix"))
        .unwrap_or_else(|| Error::sys_at(Op::Connect, addr.target(), e))
}

/// socket + connect, bounded by `timeout` when given (non-blocking connect,
/// poll for POLLOUT, then SO_ERROR tells the outcome).
pub fn connect_one(addr: &Addr, timeout: Option<Duration>) -> Result<Fd> {
    let fd = sys::socket(addr.family(), SockType::Stream, false)?;

    let Some(t) = timeout else {
        loop {
            match sys::connect(&fd, addr) {
                Ok(()) => return Ok(fd),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(connect_error(addr, e)),
            }
        }
    };
    sys::set_nonblocking(&fd, true).map_err(|e| Error::sys(Op::Fcntl, e))?;
    let deadline = Instant::now() + t;
    let mut res = sys::connect(&fd, addr);
    // A socket file's server with a full listen queue: EAGAIN, and nothing
    // to poll for; try again until the deadline, as a blocking connect
    // would wait.
    while res == Err(Errno::EAGAIN) && addr.path().is_some() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
        res = sys::connect(&fd, addr);
    }
    match res {
        Ok(()) => {}
        Err(Errno::EINPROGRESS) => {
            let mut p = [sys::pollfd(fd.raw(), libc::POLLOUT)];
            let deadline = Instant::now() + t;
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match sys::poll(&mut p, sys::poll_ms(left)) {
                    Ok(0) => {
                        return Err(Error::failed_hint(
                            format!("connect {addr}: timed out after {} s", t.as_secs_f64()),
                            "no answer (SYN unanswered): a firewall dropping packets, or the host is down",
                        ))
                    }
                    Ok(_) => break,
                    // a stop signal caught (load mode's Ctrl-C) ends the wait
                    Err(Errno::EINTR) if crate::signals::stop_requested().is_some() => {
                        return Err(connect_error(addr, Errno::EINTR))
                    }
                    Err(Errno::EINTR) => continue,
                    Err(e) => return Err(connect_error(addr, e)),
                }
            }
            match sys::getsockopt_int(&fd, &sys::SO_ERROR) {
                Ok(0) => {}
                Ok(err) => return Err(connect_error(addr, Errno::from_raw(err))),
                Err(e) => return Err(connect_error(addr, e)),
            }
        }
        Err(e) => return Err(connect_error(addr, e)),
    }
    sys::set_nonblocking(&fd, false).map_err(|e| Error::sys(Op::Fcntl, e))?;
    Ok(fd)
}
