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

pub mod load;

use crate::cli::Docs;
use crate::commands::echo_server::parse_secs;
use crate::commands::fileio::parse_buffer_size;
use crate::error::{Error, Result};
use crate::net::{self, Host};
use crate::output::{stderr_text, Event, Out, Summary};
use crate::sys::{self, Fd};
use nix::errno::Errno;
use nix::sys::socket::{Shutdown, SockType};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::net::SocketAddr;
use std::os::unix::ffi::OsStrExt;
use std::time::{Duration, Instant};

pub const DOCS: Docs = Docs {
    examples: &[
        ("netlab echo-client 127.0.0.1 9190", "interactive: type lines, Q quits"),
        ("netlab echo-client 127.0.0.1 9190 < big.bin | cmp - big.bin", "stream a file through and compare"),
        ("netlab echo-client --message hello --message world ::1 9190", "send each message, print each echo"),
        ("netlab --trace echo-client --split 127.0.0.1 9190 < f", "the I/O split: a child writes, the parent reads"),
        (
            "netlab --json echo-client --timeout 2 localhost 9190 < f | jq 'select(.event==\"summary\").verified'",
            "script-friendly verification",
        ),
        ("netlab echo-client --connections 50 --size 512 --duration 5 127.0.0.1 9190", "load: requests/s and latency percentiles"),
        ("netlab echo-client --connections 1 --idle 1000 --duration 5 127.0.0.1 9190", "the cost of 1000 idle clients (select vs epoll)"),
        ("netlab echo-client --connections 4 --reconnect --requests 20000 127.0.0.1 9190", "connections per second"),
    ],
    events: &[
        ("connected", "peer, local, connect_ms"),
        ("echo", "seq, bytes, rtt_us, data (message and prompt modes), data_hex (the exact bytes, when not UTF-8)"),
        (
            "summary",
            "kind=stream (stream, --split and --message): bytes_sent, bytes_received, verified, first_mismatch_at, \
             duration_ms; also when the echo came back wrong, before the error",
        ),
        (
            "summary",
            "kind=load: connections, idle, size, reconnect, requests, duration_s, rps, mbps, latency_p50_us, latency_p90_us, latency_p99_us, latency_max_us (null when no request completed), errors, mismatches, unfinished",
        ),
    ],
    exit_notes: &[
        "0 also for a load run ended early by SIGINT/SIGTERM (Ctrl-C): its summary is printed",
        "1 when the connection fails (refused, timed out, unreachable) or an echo stalls past --timeout",
        "3 when what came back differs from what was sent: different or extra bytes, or the server closed or reset the connection before echoing everything",
        "load mode: 3 when any echo differed (mismatches); 1 when connections failed, including ones the server closed or reset mid-request (errors: a load run measures a server, and the summary counts both)",
    ],
};

#[derive(Debug, clap::Args)]
#[command(about = "TCP echo client: prompt, stream, --message or --split mode; every byte verified")]
pub struct Args {
    #[command(flatten)]
    pub family: net::FamilyArgs,
    /// Send TEXT and print its echo (repeatable; any bytes, not only UTF-8)
    #[arg(long = "message", short = 'm', value_name = "TEXT")]
    pub messages: Vec<OsString>,
    /// The I/O split: a forked child writes, the parent reads
    #[arg(long)]
    pub split: bool,
    /// Give up on connect, or on an echo that stalls, after SECS seconds
    #[arg(long, value_name = "SECS", value_parser = parse_secs)]
    pub timeout: Option<Duration>,
    /// Bytes per read()/write()
    #[arg(long, value_name = "B", default_value = "16K", value_parser = parse_buffer_size)]
    pub buffer_size: usize,
    /// Load mode: C concurrent connections doing verified request/response
    #[arg(long, value_name = "C", value_parser = clap::value_parser!(u64).range(1..=100_000), help_heading = "Load mode")]
    pub connections: Option<u64>,
    /// Load mode: bytes per request [default: 64]
    #[arg(long, value_name = "S", value_parser = parse_request_size, help_heading = "Load mode")]
    pub size: Option<usize>,
    /// Load mode: stop after N requests in all
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..), conflicts_with = "duration", help_heading = "Load mode")]
    pub requests: Option<u64>,
    /// Load mode: run for SECS seconds (default 5 when --requests is not given)
    #[arg(long, value_name = "SECS", value_parser = parse_secs, help_heading = "Load mode")]
    pub duration: Option<Duration>,
    /// Load mode: every request is a fresh connect, echo, close (connections/s)
    #[arg(long, help_heading = "Load mode")]
    pub reconnect: bool,
    /// Load mode: hold N extra idle connections open during the run
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=100_000), help_heading = "Load mode")]
    pub idle: u64,
    /// Server name or address
    #[arg(value_name = "HOST", value_parser = net::parse_host)]
    pub host: Host,
    /// Server port
    #[arg(value_name = "PORT", value_parser = net::parse_port)]
    pub port: u16,
}

/// --size when not given.
const DEFAULT_SIZE: usize = 64;

/// A load-mode request size: 1 byte .. 64 MiB (K/M suffixes).
fn parse_request_size(s: &str) -> std::result::Result<usize, String> {
    crate::commands::fileio::parse_bounded_size(s, "request size")
}

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
    pub addrs: Vec<SocketAddr>,
    pub mode: Mode,
    pub timeout: Option<Duration>,
    pub buffer_size: usize,
}

impl Config {
    pub fn from_args(a: &Args) -> Result<Config> {
        let family = a.family.family();
        if a.port == 0 {
            return Err(Error::usage("port 0 cannot be connected to; give the server's port"));
        }
        let addrs = net::resolve(&a.host, a.port, family, libc::SOCK_STREAM)?;
        let load_flags = a.connections.is_some()
            || a.size.is_some()
            || a.requests.is_some()
            || a.duration.is_some()
            || a.reconnect
            || a.idle > 0;
        let size = a.size.unwrap_or(DEFAULT_SIZE);
        if load_flags && (a.split || !a.messages.is_empty()) {
            return Err(Error::usage("load mode (--connections…) does not combine with --split or --message"));
        }
        if load_flags && (a.connections.unwrap_or(1) as u128) * (size as u128) > 1 << 30 {
            return Err(Error::usage(format!(
                "--connections {} x --size {size} needs more than 1 GiB of request buffers; lower one of them",
                a.connections.unwrap_or(1),
            )));
        }
        let mode = if load_flags {
            Mode::Load(load::LoadConfig {
                addr: addrs[0],
                connections: a.connections.unwrap_or(1) as usize,
                size,
                requests: a.requests,
                duration: if a.requests.is_none() { Some(a.duration.unwrap_or(Duration::from_secs(5))) } else { None },
                reconnect: a.reconnect,
                idle: a.idle as usize,
                timeout: a.timeout.unwrap_or(Duration::from_secs(10)),
            })
        } else if a.split {
            Mode::Split
        } else if !a.messages.is_empty() {
            Mode::Messages(a.messages.clone())
        } else if nix::unistd::isatty(std::io::stdin()).unwrap_or(false) {
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
        Mode::Prompt => prompt(&connect(&cfg, out)?, &cfg, out),
        Mode::Messages(m) => messages(&connect(&cfg, out)?, m, &cfg, out),
        // (a closed stdin is told before the server sees a connection)
        Mode::Stream => {
            crate::output::stdin_open()?;
            stream(&connect(&cfg, out)?, &cfg, out)
        }
        Mode::Split => {
            crate::output::stdin_open()?;
            split(&connect(&cfg, out)?, &cfg, out)
        }
    }
}

/// Connect to the first address that answers and announce it.
fn connect(cfg: &Config, out: &Out) -> Result<Fd> {
    let started = Instant::now();
    let (fd, peer) = connect_any(&cfg.addrs, cfg.timeout)?;
    let local = sys::getsockname(&fd).map(|a| a.to_string()).unwrap_or_default();
    out.emit_note(&Event::Connected {
        peer: peer.to_string(),
        local,
        connect_ms: started.elapsed().as_secs_f64() * 1000.0,
    });
    Ok(fd)
}

/// Try each address in turn (as nc does); the last error is reported.
pub fn connect_any(addrs: &[SocketAddr], timeout: Option<Duration>) -> Result<(Fd, SocketAddr)> {
    let mut last = Error::failed("no address to connect to");
    for (i, a) in addrs.iter().enumerate() {
        tracing::info!("connecting to {a} (address {} of {})", i + 1, addrs.len());
        match connect_one(a, timeout) {
            Ok(fd) => return Ok((fd, *a)),
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

/// socket + connect, bounded by `timeout` when given (non-blocking connect,
/// poll for POLLOUT, then SO_ERROR tells the outcome).
pub fn connect_one(addr: &SocketAddr, timeout: Option<Duration>) -> Result<Fd> {
    let fd = sys::socket(sys::family_of(addr), SockType::Stream, false)?;
    let op = format!("connect {addr}");
    let Some(t) = timeout else {
        loop {
            match sys::connect(&fd, addr) {
                Ok(()) => return Ok(fd),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(Error::sys(op, e)),
            }
        }
    };
    sys::set_nonblocking(&fd, true).map_err(|e| Error::sys("fcntl", e))?;
    match sys::connect(&fd, addr) {
        Ok(()) => {}
        Err(Errno::EINPROGRESS) => {
            let mut p = [sys::pollfd(fd.raw(), libc::POLLOUT)];
            let deadline = Instant::now() + t;
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match sys::poll(&mut p, sys::poll_ms(left)) {
                    Ok(0) => {
                        return Err(Error::failed_hint(
                            format!("{op}: timed out after {} s", t.as_secs_f64()),
                            "no answer (SYN unanswered): a firewall dropping packets, or the host is down",
                        ))
                    }
                    Ok(_) => break,
                    // a stop signal caught (load mode's Ctrl-C) ends the wait
                    Err(Errno::EINTR) if crate::signals::stop_requested().is_some() => {
                        return Err(Error::sys(op, Errno::EINTR))
                    }
                    Err(Errno::EINTR) => continue,
                    Err(e) => return Err(Error::sys(op, e)),
                }
            }
            match sys::getsockopt_int(&fd, &sys::SO_ERROR) {
                Ok(0) => {}
                Ok(err) => return Err(Error::sys(op, Errno::from_raw(err))),
                Err(e) => return Err(Error::sys(op, e)),
            }
        }
        Err(e) => return Err(Error::sys(op, e)),
    }
    sys::set_nonblocking(&fd, false).map_err(|e| Error::sys("fcntl", e))?;
    Ok(fd)
}

/// The server ended the connection (EOF, or a reset: which of the two
/// arrives first is a race in TCP) before echoing everything sent: the echo
/// is incomplete, a verification failure either way (with the errno of the
/// failed call that told, for the JSON error event).
fn ended_early(how: &str, echoed: u64, sent: u64, errno: Option<Errno>) -> Error {
    let msg = format!("the server {how} the connection after echoing {echoed} of {sent} bytes");
    match errno {
        Some(e) => Error::verify_errno(msg, e),
        None => Error::verify(msg),
    }
}

/// How a read or write error ends the connection: a reset or a broken pipe
/// is the server going away; anything else is an I/O error of its own.
fn gone(e: Errno) -> Option<&'static str> {
    match e {
        // ENOTCONN: shutdown(2) on a connection the peer already reset
        Errno::ECONNRESET | Errno::ENOTCONN => Some("reset"),
        Errno::EPIPE => Some("closed"),
        _ => None,
    }
}

/// A failed `op` on the connection: the incomplete echo if the server went
/// away, the I/O error otherwise.
fn io_error(op: &str, e: Errno, echoed: u64, sent: u64) -> Error {
    match gone(e) {
        Some(how) => ended_early(how, echoed, sent, Some(e)),
        None => Error::sys(op, e),
    }
}

/// Wait until `fd` is readable, or fail after the stall timeout.
fn wait_readable(fd: &Fd, timeout: Option<Duration>, outstanding: usize) -> Result<()> {
    let Some(t) = timeout else { return Ok(()) };
    let mut p = [sys::pollfd(fd.raw(), libc::POLLIN)];
    loop {
        match sys::poll(&mut p, sys::poll_ms(t)) {
            Ok(0) => {
                return Err(Error::failed(format!(
                    "no echo for {} s with {outstanding} bytes outstanding",
                    t.as_secs_f64()
                )))
            }
            Ok(_) => return Ok(()),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(Error::sys("poll", e)),
        }
    }
}

/// Send one message and read back exactly as many bytes (a TCP read may
/// return part of them).
fn round_trip(fd: &Fd, msg: &[u8], timeout: Option<Duration>) -> Result<(Vec<u8>, Duration)> {
    let t0 = Instant::now();
    crate::commands::fileio::write_all(fd, msg).map_err(|e| io_error("write", e, 0, msg.len() as u64))?;
    let mut got = vec![0u8; msg.len()];
    let mut have = 0;
    while have < msg.len() {
        wait_readable(fd, timeout, msg.len() - have)?;
        match sys::read(fd, &mut got[have..]) {
            Ok(0) => return Err(ended_early("closed", have as u64, msg.len() as u64, None)),
            Ok(n) => have += n,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(io_error("read", e, have as u64, msg.len() as u64)),
        }
    }
    Ok((got, t0.elapsed()))
}

/// How long, after the last echo and the half-close, the client waits for
/// bytes the server should not send (an echo server closes at once).
const EXTRA_GRACE: Duration = Duration::from_millis(250);

/// After the last message: how many bytes the server sent beyond the
/// echoes (any is a verification failure: `too_much`); its EOF, or silence
/// for EXTRA_GRACE, ends the wait.
fn extra_bytes(fd: &Fd) -> usize {
    let deadline = Instant::now() + EXTRA_GRACE;
    let mut buf = [0u8; 4096];
    let mut extra = 0usize;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut p = [sys::pollfd(fd.raw(), libc::POLLIN)];
        match sys::poll(&mut p, left.as_millis() as i32) {
            Ok(0) => break,
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(_) => break,
        }
        match sys::read(fd, &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => extra += n,
        }
    }
    extra
}

fn too_much(extra: usize) -> Error {
    Error::verify(format!("the server sent {extra} bytes more than its echoes"))
}

fn echo_event(seq: u64, got: &[u8], rtt: Duration) -> Event {
    let (data, data_hex) = crate::output::echo_data(got);
    Event::Echo { seq, bytes: got.len() as u64, rtt_us: rtt.as_micros() as u64, data, data_hex }
}

/// Where an echo first differs from its message (None: it is the same).
fn first_difference(sent: &[u8], got: &[u8]) -> Option<usize> {
    (sent != got).then(|| sent.iter().zip(got).position(|(a, b)| a != b).unwrap_or(0))
}

fn check(seq: u64, sent: &[u8], got: &[u8]) -> Result<()> {
    match first_difference(sent, got) {
        None => Ok(()),
        Some(at) => Err(differs(seq, at)),
    }
}

fn differs(seq: u64, at: usize) -> Error {
    Error::verify(format!("echo of message {seq} differs from what was sent, first at byte {at}"))
}

/// --message: each message, then its echo. Once every byte sent has come
/// back (the same or not), the run ends with its `summary`, as stream mode's
/// does; a connection that fails first ends with the error alone.
fn messages(fd: &Fd, msgs: &[OsString], cfg: &Config, out: &mut Out) -> Result<()> {
    let t0 = Instant::now();
    let (mut sent, mut received) = (0u64, 0u64);
    let mut verdict = Ok(());
    let mut mismatch_at = None;
    for (i, m) in msgs.iter().enumerate() {
        let seq = i as u64 + 1;
        let m = m.as_bytes();
        let (got, rtt) = round_trip(fd, m, cfg.timeout)?;
        out.emit(&echo_event(seq, &got, rtt));
        if let Some(at) = first_difference(m, &got) {
            mismatch_at = Some(sent + at as u64);
            verdict = Err(differs(seq, at));
        }
        sent += m.len() as u64;
        received += got.len() as u64;
        if verdict.is_err() {
            break;
        }
    }
    if verdict.is_ok() {
        let _ = sys::shutdown(fd, Shutdown::Write);
        let extra = extra_bytes(fd);
        received += extra as u64;
        if extra > 0 {
            verdict = Err(too_much(extra));
        }
    }
    out.emit_note(&Event::Summary(Summary::Stream {
        bytes_sent: sent,
        bytes_received: received,
        verified: verdict.is_ok(),
        first_mismatch_at: mismatch_at,
        duration_ms: t0.elapsed().as_secs_f64() * 1000.0,
    }));
    verdict
}

fn prompt(fd: &Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    use std::io::BufRead;
    let stdin = std::io::stdin();
    let mut lines = stdin.lock();
    let mut seq = 0u64;
    loop {
        stderr_text("Input message(Q to quit): ");
        // bytes, as typed: a line need not be UTF-8 to be echoed
        let mut line = Vec::new();
        match lines.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(Error::io("read stdin", &e)),
        }
        let typed = line.strip_suffix(b"\n").unwrap_or(&line);
        if matches!(typed.strip_suffix(b"\r").unwrap_or(typed), b"q" | b"Q") {
            break;
        }
        seq += 1;
        let (got, rtt) = round_trip(fd, &line, cfg.timeout)?;
        out.emit(&echo_event(seq, &got, rtt));
        check(seq, &line, &got)?;
    }
    let _ = sys::shutdown(fd, Shutdown::Write);
    // as with --message: nothing may follow the last echo
    match extra_bytes(fd) {
        0 => Ok(()),
        extra => Err(too_much(extra)),
    }
}

/// Compares what comes back with what went out, byte by byte.
#[derive(Default)]
struct Verifier {
    expected: VecDeque<u8>,
    sent: u64,
    received: u64,
    mismatch_at: Option<u64>,
}

impl Verifier {
    fn sent(&mut self, data: &[u8]) {
        self.sent += data.len() as u64;
        self.expected.extend(data);
    }

    fn received(&mut self, data: &[u8]) {
        for &b in data {
            match self.expected.pop_front() {
                Some(e) if e == b => {}
                _ => {
                    if self.mismatch_at.is_none() {
                        self.mismatch_at = Some(self.received);
                    }
                }
            }
            self.received += 1;
        }
    }

    fn verified(&self) -> bool {
        self.mismatch_at.is_none() && self.sent == self.received
    }

    fn finish(&self, out: &Out, t0: Instant) -> Result<()> {
        let verified = self.verified();
        out.emit_note(&Event::Summary(Summary::Stream {
            bytes_sent: self.sent,
            bytes_received: self.received,
            verified,
            first_mismatch_at: self.mismatch_at,
            duration_ms: t0.elapsed().as_secs_f64() * 1000.0,
        }));
        if verified {
            return Ok(());
        }
        Err(Error::verify(match self.mismatch_at {
            Some(at) => format!("the echo differs from what was sent, first at byte {at}"),
            None => format!("sent {} bytes, {} came back", self.sent, self.received),
        }))
    }
}

/// Unechoed bytes the stream mode lets pile up before it stops reading stdin.
const MAX_OUTSTANDING: usize = 64 << 20;

/// Stream mode: stdin to the socket and the socket to stdout at the same
/// time (writing everything first would deadlock once both socket buffers
/// fill), half-close at stdin's EOF, read to the server's EOF.
fn stream(fd: &Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    let t0 = Instant::now();
    sys::set_nonblocking(fd, true).map_err(|e| Error::sys("fcntl", e))?;
    let mut v = Verifier::default();
    let mut inbuf = vec![0u8; cfg.buffer_size];
    let mut sockbuf = vec![0u8; cfg.buffer_size];
    let mut to_send: Vec<u8> = Vec::new();
    let mut off = 0usize;
    let (mut stdin_eof, mut shut) = (false, false);
    loop {
        let mut fds = vec![sys::pollfd(fd.raw(), libc::POLLIN | if off < to_send.len() { libc::POLLOUT } else { 0 })];
        // Do not read more of stdin while this much is unechoed: a server
        // that swallows bytes must not make the client hold all of stdin.
        let want_stdin = !stdin_eof && off >= to_send.len() && v.expected.len() < MAX_OUTSTANDING;
        if want_stdin {
            fds.push(sys::pollfd(0, libc::POLLIN));
        }
        let waiting_for_echo = !v.expected.is_empty() || (stdin_eof && off >= to_send.len());
        let timeout = match cfg.timeout {
            Some(t) if waiting_for_echo || off < to_send.len() => sys::poll_ms(t),
            _ => -1,
        };
        match sys::poll(&mut fds, timeout) {
            Ok(0) => {
                return Err(Error::failed(format!(
                    "no progress for {} s ({} bytes sent, {} echoed)",
                    cfg.timeout.map_or(0.0, |t| t.as_secs_f64()),
                    v.sent,
                    v.received
                )))
            }
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(Error::sys("poll", e)),
        }
        if want_stdin && fds[1].revents != 0 {
            match sys::read_raw(0, &mut inbuf) {
                Ok(0) => stdin_eof = true,
                Ok(n) => {
                    to_send.clear();
                    to_send.extend_from_slice(&inbuf[..n]);
                    off = 0;
                }
                Err(Errno::EINTR | Errno::EAGAIN) => {}
                Err(e) => return Err(Error::sys("read stdin", e)),
            }
        }
        if off < to_send.len() {
            match sys::write(fd, &to_send[off..]) {
                Ok(n) => {
                    v.sent(&to_send[off..off + n]);
                    off += n;
                }
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                Err(e) => return Err(io_error("write", e, v.received, v.sent + (to_send.len() - off) as u64)),
            }
        }
        if stdin_eof && off >= to_send.len() && !shut {
            sys::shutdown(fd, Shutdown::Write).map_err(|e| io_error("shutdown", e, v.received, v.sent))?;
            shut = true;
        }
        if fds[0].revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 {
            match sys::read(fd, &mut sockbuf) {
                Ok(0) => break,
                Ok(n) => {
                    v.received(&sockbuf[..n]);
                    if !out.is_json() {
                        out.data(&sockbuf[..n]);
                        if out.is_broken() {
                            return Ok(()); // stdout is gone (or failing): stop, as cat does
                        }
                    }
                }
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                Err(e) if v.sent == 0 => return Err(Error::sys("read", e)),
                Err(e) => return Err(io_error("read", e, v.received, v.sent)),
            }
        }
    }
    if !stdin_eof || off < to_send.len() {
        // EOF from the server while stdin still had data to send
        if v.sent == 0 {
            return Err(Error::verify("the server closed the connection before any of stdin was sent"));
        }
        return Err(ended_early("closed", v.received, v.sent, None));
    }
    v.finish(out, t0)
}

/// The course's I/O split: the child writes stdin to the socket, then
/// shutdown(SHUT_WR); the parent reads the echo. The child also copies
/// what it sent into a pipe, so the parent can verify every byte.
fn split(fd: &Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    use nix::unistd::ForkResult;
    let t0 = Instant::now();
    let (copy_r, copy_w) = sys::pipe()?;
    out.flush();
    let parent = nix::unistd::getpid();
    // SAFETY: single-threaded here; the child only does read/write/_exit.
    match unsafe { sys::fork() }.map_err(|e| Error::sys("fork", e))? {
        ForkResult::Child => {
            crate::logging::mark_forked_child();
            // The writer ends with the command, however the command ends
            // (otherwise a child blocked on stdin outlives a killed parent).
            if sys::die_with_parent().is_err() || nix::unistd::getppid() != parent {
                // SAFETY: leave at once, without the parent's destructors.
                unsafe { libc::_exit(1) };
            }
            drop(copy_r);
            let _ = sys::set_nonblocking(&copy_w, false);
            let mut buf = vec![0u8; cfg.buffer_size];
            let code = loop {
                match sys::read_raw(0, &mut buf) {
                    Ok(0) => break 0,
                    Ok(n) => {
                        // The copy goes first, so the reader always knows
                        // what to expect before the echo of it can arrive.
                        if crate::commands::fileio::write_all(&copy_w, &buf[..n]).is_err()
                            || crate::commands::fileio::write_all(fd, &buf[..n]).is_err()
                        {
                            break 1;
                        }
                    }
                    Err(Errno::EINTR) => continue,
                    Err(_) => break 1,
                }
            };
            // The copy closes first: when the reader sees the echo end, a
            // copy still open means stdin had not ended (the server closed
            // early), a closed one that everything was sent.
            drop(copy_w);
            let _ = sys::shutdown(fd, Shutdown::Write);
            // SAFETY: the child's copy of the socket is closed here and
            // never used again (the parent's `Fd` is not dropped in the
            // child, which leaves with _exit).
            unsafe {
                let _ = sys::close_number(fd.raw());
            }
            // SAFETY: leave without running the parent's destructors.
            unsafe { libc::_exit(code) };
        }
        ForkResult::Parent { child } => {
            drop(copy_w);
            let res = split_reader(fd, &copy_r, cfg, out, t0);
            if !matches!(res, Ok(false)) {
                // Stopped early (an error, or stdout's reader gone): the
                // writer may be blocked on the socket or on stdin.
                let _ = sys::kill(child.as_raw(), nix::sys::signal::Signal::SIGTERM);
            }
            let res = res.map(|_| ());
            let status = sys::waitpid_child(child);
            if let Ok(nix::sys::wait::WaitStatus::Exited(_, code)) = status {
                if code != 0 && res.is_ok() {
                    return Err(Error::failed("the writer process failed (stdin or socket write error)"));
                }
            }
            res
        }
    }
}

/// The reading parent of --split. Ok(true): stopped early because stdout's
/// reader has gone.
fn split_reader(fd: &Fd, copy: &Fd, cfg: &Config, out: &Out, t0: Instant) -> Result<bool> {
    let mut v = Verifier::default();
    let mut buf = vec![0u8; cfg.buffer_size];
    let (mut copy_open, mut sock_open) = (true, true);
    let mut ended: Option<(&str, Errno)> = None;
    // --timeout bounds the waits on the server (an echo, or its close once
    // stdin has ended), not a slow stdin: since when the server owes us
    // something without having sent a byte (more stdin does not reset it)
    let mut owed_since: Option<Instant> = None;
    while sock_open {
        let mut fds = vec![sys::pollfd(fd.raw(), libc::POLLIN)];
        if copy_open {
            fds.push(sys::pollfd(copy.raw(), libc::POLLIN));
        }
        let owed = v.received < v.sent || !copy_open;
        owed_since = if owed { owed_since.or_else(|| Some(Instant::now())) } else { None };
        let left = cfg.timeout.zip(owed_since).map(|(t, since)| t.saturating_sub(since.elapsed()));
        let timeout = left.map_or(-1, sys::poll_ms);
        match sys::poll(&mut fds, timeout) {
            // (woken a hair early: the wait is not over)
            Ok(0) if owed_since.zip(cfg.timeout).is_some_and(|(since, t)| since.elapsed() < t) => continue,
            Ok(0) => {
                let secs = cfg.timeout.map_or(0.0, |t| t.as_secs_f64());
                return Err(Error::failed(if v.received < v.sent {
                    format!("no echo for {secs} s")
                } else {
                    format!("the server echoed everything but had not closed the connection {secs} s after stdin ended")
                }));
            }
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(Error::sys("poll", e)),
        }
        // Take the copy first, so the verifier knows what to expect.
        if copy_open && fds[1].revents != 0 {
            match sys::read(copy, &mut buf) {
                Ok(0) => copy_open = false,
                Ok(n) => v.sent(&buf[..n]),
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                Err(e) => return Err(Error::sys("read pipe", e)),
            }
            continue;
        }
        if fds[0].revents != 0 {
            match sys::read(fd, &mut buf) {
                Ok(0) => sock_open = false,
                Ok(n) => {
                    owed_since = None; // the server is alive: a new wait starts
                    v.received(&buf[..n]);
                    if !out.is_json() {
                        out.data(&buf[..n]);
                        if out.is_broken() {
                            return Ok(true); // stdout is gone (or failing): stop, as cat does
                        }
                    }
                }
                Err(Errno::EINTR) => {}
                Err(e) => match gone(e) {
                    // the server went away: learn all that was sent, then say so
                    Some(how) => (ended, sock_open) = (Some((how, e)), false),
                    None => return Err(Error::sys("read", e)),
                },
            }
        }
    }
    // The echo has ended: take what the writer has copied so far, without
    // waiting for it (it may be blocked on a stdin that has not ended).
    while copy_open {
        match sys::read(copy, &mut buf) {
            Ok(0) => copy_open = false,
            Ok(n) => v.sent(&buf[..n]),
            Err(Errno::EINTR) => {}
            Err(Errno::EAGAIN) => break,
            Err(e) => return Err(Error::sys("read pipe", e)),
        }
    }
    if copy_open {
        // stdin has not ended: the server closed while there was more to send
        if v.sent == 0 {
            return Err(Error::verify("the server closed the connection before any of stdin was sent"));
        }
        let how = ended.map_or("closed", |(how, _)| how);
        if v.received == v.sent {
            return Err(Error::verify(format!(
                "the server {how} the connection before stdin ended ({} bytes sent, all echoed)",
                v.sent
            )));
        }
        return Err(ended_early(how, v.received, v.sent, ended.map(|(_, e)| e)));
    }
    if let Some((how, e)) = ended.filter(|_| v.received < v.sent) {
        return Err(ended_early(how, v.received, v.sent, Some(e)));
    }
    v.finish(out, t0).map(|_| false)
}
