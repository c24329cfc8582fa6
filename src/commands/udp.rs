//! `netlab udp server|client`: UDP echo, as the course builds it
//! (socket → bind → recvfrom → sendto), with what real networks need.
//!
//! Course: UDP 기반 서버/클라이언트 (sendto/recvfrom, datagram
//! boundaries), connected vs unconnected UDP sockets.
//!
//! The server never amplifies: a reply is never longer than its request,
//! and nothing is sent to broadcast or multicast sources or to the
//! well-known reflection ports (echo 7, daytime 13, chargen 19, time 37).
//! A datagram longer than `--buffer-size` is reported as truncated and not
//! echoed (MSG_TRUNC tells its real length), never cut silently.
//!
//! The client's `--count` mode numbers its datagrams and matches replies by
//! sequence number: loss, duplicates, reordering and RTT percentiles.
//!
//! Try it from two terminals:
//!   netlab udp server 9190
//!   netlab udp client --count 100 --interval 10 127.0.0.1 9190

use crate::cli::Docs;
use crate::commands::fileio::parse_buffer_size;
use crate::error::{Error, Result};
use crate::net::{self, Host};
use crate::output::{Event, Out, Summary};
use crate::signals::{self, Signals};
use crate::sys::{self, Fd};
use nix::errno::Errno;
use nix::sys::socket::SockType;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

pub const DOCS: Docs = Docs {
    examples: &[
        ("netlab udp server 9190", "echo datagrams on 0.0.0.0:9190, one event per datagram"),
        ("netlab udp client -m hello 127.0.0.1 9190", "one datagram, one reply"),
        ("netlab udp client --count 1000 --size 512 --interval 1 127.0.0.1 9190", "loss, duplicates, reordering, RTT percentiles"),
        ("netlab udp client --connect -m x 127.0.0.1 9", "a connected socket hears ICMP port unreachable"),
        ("netlab udp client --count 100 --max-loss 1 H 9190 || echo lossy", "exit 3 above 1% loss"),
        ("netlab --json udp server --max-datagrams 1 0", "answer one datagram, then exit 0"),
    ],
    events: &[
        ("listening", "addr, port, model (udp), pid, backlog (null: UDP has no listen queue)"),
        ("datagram", "peer, bytes, truncated, replied, note (why not echoed)"),
        ("stats", "datagrams, bytes_in, bytes_out, model (udp), pid (on SIGUSR1; conns_now and conns_total are 0)"),
        ("stopped", "signal, datagrams, bytes_in, bytes_out (conns is 0)"),
        ("connected", "peer, local, connect_ms (--connect)"),
        ("echo", "seq, bytes, rtt_us, data (--message), data_hex (the exact bytes, when not UTF-8)"),
        (
            "summary",
            "kind=udp: sent, received, lost, loss_pct, duplicates, reordered, late, corrupt, ignored, rtt_min_us, rtt_p50_us, rtt_p90_us, rtt_p99_us, rtt_max_us (the rtt fields are null when no reply came)",
        ),
    ],
    exit_notes: &[
        "1 when no reply came at all, or --connect met ICMP port unreachable (\"no UDP listener at H:P\"), or a datagram is too big (EMSGSIZE)",
        "3 when a reply differs from its datagram, or loss exceeds --max-loss",
    ],
};

#[derive(Debug, clap::Args)]
#[command(about = "UDP echo: server and client (loss, duplicates, reordering, RTT)")]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// recvfrom, then sendto the same bytes back to the sender
    Server(ServerArgs),
    /// Send datagrams and match the replies
    Client(ClientArgs),
}

#[derive(Debug, clap::Args)]
pub struct ServerArgs {
    #[command(flatten)]
    pub listen: net::ListenArgs,
    /// Largest datagram echoed; longer ones are reported as truncated
    #[arg(long, value_name = "B", default_value = "65536", value_parser = parse_buffer_size)]
    pub buffer_size: usize,
    /// Exit 0 after N datagrams
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_datagrams: Option<u64>,
}

#[derive(Debug, clap::Args)]
pub struct ClientArgs {
    #[command(flatten)]
    pub family: net::FamilyArgs,
    /// Connected UDP socket: connect(), then write/read (hears ICMP errors)
    #[arg(long)]
    pub connect: bool,
    /// Send TEXT as one datagram and print the reply (repeatable; any bytes, not only UTF-8)
    #[arg(long = "message", short = 'm', value_name = "TEXT", conflicts_with_all = ["count", "size", "interval", "max_loss"])]
    pub messages: Vec<std::ffi::OsString>,
    /// Send N numbered datagrams and match the replies
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub count: Option<u64>,
    /// Bytes per numbered datagram (at least 8: the sequence number) [default: 64]
    #[arg(long, value_name = "S", value_parser = parse_dgram_size, requires = "count")]
    pub size: Option<usize>,
    /// Milliseconds between numbered datagrams [default: 10]
    #[arg(long, value_name = "MS", value_parser = parse_ms, requires = "count")]
    pub interval: Option<Duration>,
    /// Milliseconds to wait for a reply before the datagram counts as lost
    #[arg(long, value_name = "MS", default_value = "1000", value_parser = parse_timeout_ms)]
    pub timeout: Duration,
    /// Exit 3 when more than PCT percent are lost
    #[arg(long, value_name = "PCT", value_parser = parse_pct, requires = "count")]
    pub max_loss: Option<f64>,
    /// Server name or address
    #[arg(value_name = "HOST", value_parser = net::parse_host)]
    pub host: Host,
    /// Server port
    #[arg(value_name = "PORT", value_parser = net::parse_port)]
    pub port: u16,
}

fn parse_dgram_size(s: &str) -> std::result::Result<usize, String> {
    let n = crate::commands::fileio::parse_size(s)?;
    if !(8..=65535).contains(&n) {
        return Err(format!("datagram size {s} is outside 8..65535 (8 bytes carry the sequence number)"));
    }
    Ok(n as usize)
}

/// Milliseconds: a non-negative number (`0`, `10`, `2.5`, `1e3`).
fn parse_ms(s: &str) -> std::result::Result<Duration, String> {
    match crate::commands::echo_server::plain_number(s) {
        Some(0.0) => Ok(Duration::ZERO),
        Some(v) if v < 0.0 => Err(format!("'{s}': milliseconds cannot be negative")),
        Some(v) if v <= 86_400_000.0 => Ok(Duration::from_secs_f64(v / 1000.0)),
        Some(_) => Err(format!("'{s}' ms is over the limit of 86400000 (one day)")),
        None => Err(format!("'{s}' is not a number of milliseconds (like 100, 0.5 or 1e3)")),
    }
}

/// A timeout: milliseconds, more than zero (with 0 every reply would be late).
fn parse_timeout_ms(s: &str) -> std::result::Result<Duration, String> {
    match parse_ms(s)? {
        d if d.is_zero() => Err(format!("'{s}': a timeout must be more than 0 ms")),
        d => Ok(d),
    }
}

fn parse_pct(s: &str) -> std::result::Result<f64, String> {
    match s.trim().trim_end_matches('%').parse::<f64>() {
        Ok(v) if (0.0..=100.0).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not a percentage 0..100")),
    }
}

pub fn run(args: &Args, out: &mut Out) -> Result<()> {
    match &args.action {
        Action::Server(a) => server(a, out),
        Action::Client(a) => client(a, out),
    }
}

// ---------------------------------------------------------------- server

/// Why a datagram from `peer` must not be answered, if it must not.
pub fn refuse_reply(peer: &SocketAddr, broadcasts: &[IpAddr]) -> Option<String> {
    match peer.port() {
        0 => return Some("source port 0".into()),
        p @ (7 | 13 | 19 | 37) => {
            let name = match p {
                7 => "echo",
                13 => "daytime",
                19 => "chargen",
                _ => "time",
            };
            return Some(format!("source port {p} ({name}) is a well-known reflection port: no reply, no loop"));
        }
        _ => {}
    }
    let ip = match peer.ip() {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    };
    let bad = match ip {
        IpAddr::V4(v4) => v4.is_broadcast() || v4.is_multicast() || v4.is_unspecified(),
        IpAddr::V6(v6) => v6.is_multicast() || v6.is_unspecified(),
    };
    if bad || broadcasts.contains(&ip) {
        return Some(format!("source {ip} is a broadcast, multicast or unspecified address: no reply"));
    }
    None
}

/// The broadcast addresses of this host's interfaces.
fn local_broadcasts() -> Vec<IpAddr> {
    let mut v = Vec::new();
    if let Ok(addrs) = nix::ifaddrs::getifaddrs() {
        for ifa in addrs {
            if let Some(b) = ifa.broadcast.as_ref().and_then(|b| b.as_sockaddr_in()) {
                v.push(IpAddr::V4(b.ip()));
            }
        }
    }
    v
}

fn server(a: &ServerArgs, out: &mut Out) -> Result<()> {
    let addr = a.listen.addr(libc::SOCK_DGRAM)?;
    let fd = sys::socket(sys::family_of(&addr), SockType::Datagram, true)?;
    sys::bind(&fd, &addr)?;
    let local = sys::getsockname(&fd).map_err(|e| Error::sys("getsockname", e))?;
    let signals = Signals::install(false)?;
    out.set_serving();
    out.emit(&Event::Listening {
        addr: local.ip().to_string(),
        port: local.port(),
        model: "udp".into(),
        pid: std::process::id(),
        backlog: None,
    });
    out.flush();
    out.set_buffered(true);
    let broadcasts = local_broadcasts();
    let mut buf = vec![0u8; a.buffer_size];
    let (mut datagrams, mut bytes_in, mut bytes_out) = (0u64, 0u64, 0u64);
    let stop = 'outer: loop {
        let mut fds = [sys::pollfd(fd.raw(), libc::POLLIN), sys::pollfd(signals.fd().raw(), libc::POLLIN)];
        out.flush();
        match sys::poll(&mut fds, -1) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(Error::sys("poll", e)),
        }
        signals.drain();
        if signals::take_usr1() {
            out.emit(&Event::Stats {
                conns_now: 0,
                conns_total: 0,
                bytes_in,
                bytes_out,
                model: "udp".into(),
                pid: std::process::id(),
                datagrams: Some(datagrams),
            });
        }
        if let Some(sig) = signals::stop_requested() {
            break Some(sig);
        }
        // Drain what is queued, a bounded batch per wake-up.
        for _ in 0..256 {
            let (n, peer) = match sys::recvfrom(&fd, &mut buf, libc::MSG_TRUNC) {
                Ok((n, Some(peer))) => (n, peer),
                Ok((_, None)) => continue,
                Err(Errno::EAGAIN) => break,
                Err(Errno::EINTR) => continue,
                Err(e @ (Errno::ECONNREFUSED | Errno::EHOSTUNREACH | Errno::ENETUNREACH)) => {
                    tracing::debug!("recvfrom: {}", crate::error::describe_errno(e));
                    continue;
                }
                Err(e) => return Err(Error::sys("recvfrom", e)),
            };
            datagrams += 1;
            bytes_in += n as u64;
            let truncated = n > buf.len();
            let refusal = if truncated {
                Some(format!("longer than --buffer-size {}: the kernel cut it, so it is not echoed", buf.len()))
            } else {
                refuse_reply(&peer, &broadcasts)
            };
            let mut replied = false;
            let mut note = refusal.clone();
            if refusal.is_none() {
                // The reply is exactly the request: never larger.
                match sys::sendto(&fd, &buf[..n], &peer) {
                    Ok(w) => {
                        bytes_out += w as u64;
                        replied = true;
                    }
                    Err(e) => note = Some(format!("sendto failed: {}", crate::error::describe_errno(e))),
                }
            }
            out.emit(&Event::Datagram { peer: peer.to_string(), bytes: n as u64, truncated, replied, note });
            if a.max_datagrams.is_some_and(|m| datagrams >= m) {
                break 'outer None;
            }
        }
    };
    out.emit(&Event::Stopped {
        signal: stop.map(str::to_string),
        conns: 0,
        bytes_in,
        bytes_out,
        datagrams: Some(datagrams),
    });
    out.flush();
    Ok(())
}

// ---------------------------------------------------------------- client

/// The payload of numbered datagram `seq`: the number (big-endian), then
/// bytes derived from it and from a per-run token, so a reply can be
/// checked byte for byte.
fn payload(seq: u64, size: usize, token: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(size);
    v.extend_from_slice(&seq.to_be_bytes());
    let mut x = seq.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ token;
    while v.len() < size {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.push(x as u8);
    }
    v.truncate(size);
    v
}

fn udp_error(op: &str, e: Errno, target: &SocketAddr) -> Error {
    match e {
        Errno::ECONNREFUSED => Error::failed_errno(
            format!("no UDP listener at {target} (ICMP port unreachable)"),
            Some("start one with `netlab udp server PORT`".into()),
            e,
        ),
        _ => Error::sys(format!("{op} {target}"), e),
    }
}

struct Client {
    fd: Fd,
    target: SocketAddr,
    connected: bool,
    ignored: u64,
}

impl Client {
    /// What to check when nothing came back, from what was seen.
    fn no_reply_hint(&self) -> String {
        if self.ignored > 0 {
            format!(
                "{} datagram(s) came from another address or port and were ignored: \
                 does the server reply from a different socket?",
                self.ignored
            )
        } else if self.connected {
            "no ICMP port unreachable came back either: something may be bound there that does not reply, \
             or drops the datagrams (a datagram larger than its buffer)"
                .into()
        } else {
            "is a UDP server listening there, with a --buffer-size that holds the datagram? \
             --connect makes ICMP port-unreachable visible"
                .into()
        }
    }

    fn send(&self, data: &[u8]) -> Result<()> {
        let res = if self.connected { sys::write(&self.fd, data) } else { sys::sendto(&self.fd, data, &self.target) };
        match res {
            Ok(_) => Ok(()),
            Err(e) => Err(udp_error(if self.connected { "write" } else { "sendto" }, e, &self.target)),
        }
    }

    /// One datagram from the server, or None when none is queued. Replies
    /// from any other address are ignored and counted.
    fn recv(&mut self, buf: &mut [u8]) -> Result<Option<usize>> {
        loop {
            let res = if self.connected {
                sys::read(&self.fd, buf).map(|n| (n, Some(self.target)))
            } else {
                sys::recvfrom(&self.fd, buf, 0)
            };
            match res {
                Ok((n, Some(from))) if self.connected || same_peer(&from, &self.target) => return Ok(Some(n)),
                Ok(_) => {
                    self.ignored += 1;
                    continue;
                }
                Err(Errno::EAGAIN) => return Ok(None),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(udp_error("read", e, &self.target)),
            }
        }
    }

    /// Wait until a datagram is readable, at most `d`.
    fn wait(&self, d: Duration) -> Result<bool> {
        let mut p = [sys::pollfd(self.fd.raw(), libc::POLLIN)];
        match sys::poll(&mut p, sys::poll_ms(d)) {
            Ok(n) => Ok(n > 0),
            Err(Errno::EINTR) => Ok(false),
            Err(e) => Err(Error::sys("poll", e)),
        }
    }
}

/// Same address, treating IPv4 and IPv4-mapped IPv6 alike.
fn same_peer(a: &SocketAddr, b: &SocketAddr) -> bool {
    let norm = |s: &SocketAddr| match s.ip() {
        IpAddr::V6(v6) => (v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(IpAddr::V6(v6)), s.port()),
        ip => (ip, s.port()),
    };
    norm(a) == norm(b)
}

fn client(a: &ClientArgs, out: &mut Out) -> Result<()> {
    if a.port == 0 {
        return Err(Error::usage("port 0 cannot be sent to; give the server's port"));
    }
    let target = net::resolve(&a.host, a.port, a.family.family(), libc::SOCK_DGRAM)?[0];
    let fd = sys::socket(sys::family_of(&target), SockType::Datagram, true)?;
    if a.connect {
        let t0 = Instant::now();
        sys::connect(&fd, &target).map_err(|e| Error::sys(format!("connect {target}"), e))?;
        let local = sys::getsockname(&fd).map(|l| l.to_string()).unwrap_or_default();
        out.emit_note(&Event::Connected {
            peer: target.to_string(),
            local,
            connect_ms: t0.elapsed().as_secs_f64() * 1000.0,
        });
    }
    let mut c = Client { fd, target, connected: a.connect, ignored: 0 };
    match a.count {
        Some(n) => count_mode(&mut c, a, n, out),
        None => {
            let msgs = if a.messages.is_empty() { vec!["hello".into()] } else { a.messages.clone() };
            messages(&mut c, &msgs, a.timeout, out)
        }
    }
}

fn messages(c: &mut Client, msgs: &[std::ffi::OsString], timeout: Duration, out: &Out) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let mut buf = vec![0u8; 65536];
    for (i, m) in msgs.iter().enumerate() {
        let t0 = Instant::now();
        c.send(m.as_bytes())?;
        let n = loop {
            let left = timeout.saturating_sub(t0.elapsed());
            if left.is_zero() {
                return Err(Error::failed_hint(
                    format!("no reply from {} within {} ms", c.target, timeout.as_millis()),
                    c.no_reply_hint(),
                ));
            }
            c.wait(left)?;
            if let Some(n) = c.recv(&mut buf)? {
                // UDP may duplicate or delay: a copy of an earlier reply is
                // not this message's reply
                let got = &buf[..n];
                if got != m.as_bytes() && msgs[..i].iter().any(|p| p.as_bytes() == got) {
                    tracing::info!("a late or duplicated reply to an earlier message; ignored");
                    continue;
                }
                break n;
            }
        };
        let rtt = t0.elapsed();
        let (data, data_hex) = crate::output::echo_data(&buf[..n]);
        out.emit(&Event::Echo { seq: i as u64 + 1, bytes: n as u64, rtt_us: rtt.as_micros() as u64, data, data_hex });
        if &buf[..n] != m.as_bytes() {
            return Err(Error::verify(format!("reply {} differs from the datagram sent", i + 1)));
        }
    }
    Ok(())
}

/// What became of each numbered datagram.
struct Tally {
    sent_at: Vec<Option<Instant>>,
    got: Vec<bool>,
    received: u64,
    duplicates: u64,
    reordered: u64,
    late: u64,
    corrupt: u64,
    send_failed: u64,
    highest: Option<u64>,
    rtts: hdrhistogram::Histogram<u64>,
}

impl Tally {
    fn reply(&mut self, data: &[u8], size: usize, token: u64, timeout: Duration) {
        if data.len() < 8 {
            self.corrupt += 1;
            return;
        }
        let seq = u64::from_be_bytes(data[..8].try_into().unwrap_or([0xff; 8]));
        let Some(Some(sent)) = self.sent_at.get(seq as usize).copied() else {
            self.corrupt += 1;
            return;
        };
        if data != payload(seq, size, token).as_slice() {
            self.corrupt += 1;
            return;
        }
        if self.got[seq as usize] {
            self.duplicates += 1;
            return;
        }
        let rtt = sent.elapsed();
        if rtt > timeout {
            self.late += 1;
            return;
        }
        self.got[seq as usize] = true;
        self.received += 1;
        let _ = self.rtts.record(rtt.as_micros().max(1) as u64);
        match self.highest {
            Some(h) if seq < h => self.reordered += 1,
            _ => self.highest = Some(seq),
        }
    }
}

/// --size and --interval when not given (they need --count; clap's
/// `requires` does not hold for an argument with a default value).
const DEFAULT_SIZE: usize = 64;
const DEFAULT_INTERVAL: Duration = Duration::from_millis(10);

fn count_mode(c: &mut Client, a: &ClientArgs, count: u64, out: &Out) -> Result<()> {
    let (size, interval) = (a.size.unwrap_or(DEFAULT_SIZE), a.interval.unwrap_or(DEFAULT_INTERVAL));
    // A per-run token in every payload: replies meant for another client
    // (or another run) do not verify.
    let clock = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let token = ((std::process::id() as u64) << 32) ^ clock;
    let mut t = Tally {
        sent_at: vec![None; count as usize],
        got: vec![false; count as usize],
        received: 0,
        duplicates: 0,
        reordered: 0,
        late: 0,
        corrupt: 0,
        send_failed: 0,
        highest: None,
        rtts: hdrhistogram::Histogram::new_with_bounds(1, 3_600_000_000, 3)
            .map_err(|e| Error::failed(format!("histogram: {e}")))?,
    };
    let mut buf = vec![0u8; 65536];
    // SIGINT/SIGTERM end the run early with its summary, as ping does.
    let _signals = crate::signals::Signals::install(false)?;
    let start = Instant::now();
    let mut next = 0u64;
    let mut last_sent = start;
    loop {
        if crate::signals::stop_requested().is_some() {
            break;
        }
        let now = Instant::now();
        if next < count && now >= start + interval * next as u32 {
            // the round trip starts before sendto: on loopback the reply
            // can be queued before the call returns
            let at = Instant::now();
            match c.send(&payload(next, size, token)) {
                Ok(()) => {}
                // The local queue is full: this datagram is lost here.
                Err(e) if matches!(e.errno(), Some(Errno::EAGAIN | Errno::ENOBUFS)) => t.send_failed += 1,
                Err(e) => return Err(e),
            }
            t.sent_at[next as usize] = Some(at);
            last_sent = at;
            next += 1;
        }
        // Take what has arrived after every send, so replies never pile up
        // in our own receive buffer (which would be loss of our making).
        while let Some(n) = c.recv(&mut buf)? {
            t.reply(&buf[..n], size, token, a.timeout);
        }
        let all_in = t.received == count;
        if next == count && (all_in || now >= last_sent + a.timeout) {
            break;
        }
        if next < count && Instant::now() >= start + interval * next as u32 {
            continue;
        }
        let wait = if next < count {
            (start + interval * next as u32).saturating_duration_since(now)
        } else {
            (last_sent + a.timeout).saturating_duration_since(now)
        };
        c.wait(wait.max(Duration::from_micros(100)))?;
    }
    // Replies already queued when the wait ended still count (as late or
    // duplicates); nothing more is waited for.
    while let Some(n) = c.recv(&mut buf)? {
        t.reply(&buf[..n], size, token, a.timeout);
    }
    if t.send_failed > 0 {
        tracing::warn!("{} datagrams could not be queued (EAGAIN/ENOBUFS): counted as lost", t.send_failed);
    }
    // after SIGINT/SIGTERM: what was sent so far
    let count = next;
    let lost = count - t.received;
    let loss_pct = if count == 0 { 0.0 } else { lost as f64 * 100.0 / count as f64 };
    let [rtt_min_us, rtt_p50_us, rtt_p90_us, rtt_p99_us, rtt_max_us] = crate::output::quantiles(&t.rtts);
    out.emit(&Event::Summary(Summary::Udp {
        sent: count,
        received: t.received,
        lost,
        loss_pct: (loss_pct * 1000.0).round() / 1000.0,
        duplicates: t.duplicates,
        reordered: t.reordered,
        late: t.late,
        corrupt: t.corrupt,
        ignored: c.ignored,
        rtt_min_us,
        rtt_p50_us,
        rtt_p90_us,
        rtt_p99_us,
        rtt_max_us,
    }));
    if t.corrupt > 0 {
        let replies = if t.corrupt == 1 { "reply" } else { "replies" };
        return Err(Error::verify(format!("{} {replies} did not match any datagram as it was sent", t.corrupt)));
    }
    match a.max_loss {
        Some(max) if loss_pct > max => {
            Err(Error::verify(format!("{loss_pct:.1}% of {count} datagrams lost, over --max-loss {max}%")))
        }
        None if t.received == 0 && count > 0 => Err(Error::failed_hint(
            format!("no reply to any of {count} datagrams from {}", c.target),
            c.no_reply_hint(),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflection_ports_and_broadcast_are_refused() {
        let p = |s: &str| s.parse::<SocketAddr>().unwrap();
        for bad in [
            "127.0.0.1:7",
            "127.0.0.1:13",
            "127.0.0.1:19",
            "127.0.0.1:37",
            "127.0.0.1:0",
            "255.255.255.255:5000",
            "224.0.0.1:5000",
            "[ff02::1]:5000",
            "[::ffff:255.255.255.255]:5000",
            "0.0.0.0:5000",
        ] {
            assert!(refuse_reply(&p(bad), &[]).is_some(), "{bad}");
        }
        assert!(refuse_reply(&p("192.168.1.255:5000"), &["192.168.1.255".parse().unwrap()]).is_some());
        for ok in ["127.0.0.1:5000", "[::1]:5000", "10.0.0.255:5000"] {
            assert!(refuse_reply(&p(ok), &[]).is_none(), "{ok}");
        }
    }

    #[test]
    fn milliseconds_take_the_seconds_options_number_syntax() {
        assert_eq!(parse_ms("100"), Ok(Duration::from_millis(100)));
        assert_eq!(parse_ms("1e3"), Ok(Duration::from_secs(1)));
        assert_eq!(parse_ms("2.5E+1"), Ok(Duration::from_micros(25_000)));
        assert_eq!(parse_ms("0"), Ok(Duration::ZERO));
        assert_eq!(parse_ms("-0"), Ok(Duration::ZERO));
        assert!(parse_ms("-5").unwrap_err().contains("cannot be negative"));
        assert!(parse_ms("-1e-9").unwrap_err().contains("cannot be negative"));
        assert!(parse_ms("1e400").unwrap_err().contains("over the limit"));
        assert!(parse_ms("86400001").unwrap_err().contains("over the limit"));
        for bad in ["", "inf", "nan", "0x10", "1.2.3", "5ms", "e", "-"] {
            assert!(parse_ms(bad).unwrap_err().contains("not a number of milliseconds"), "{bad}");
        }
        assert!(parse_timeout_ms("0").unwrap_err().contains("more than 0 ms"));
    }

    #[test]
    fn payload_carries_the_sequence() {
        let d = payload(42, 100, 7);
        assert_eq!(d.len(), 100);
        assert_eq!(u64::from_be_bytes(d[..8].try_into().unwrap()), 42);
        assert_ne!(payload(42, 100, 8), d);
        assert_eq!(payload(3, 8, 1).len(), 8);
    }
}
