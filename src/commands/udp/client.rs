//! The UDP echo client: `--message` datagrams, or `--count` numbered ones
//! whose replies are matched by sequence number (loss, duplicates,
//! reordering, round trips).

use crate::error::{Error, Op, Result};
use crate::events::{Event as Shared, Summary};
use crate::local;
use crate::output::Out;
use crate::sys::Addr;
use crate::sys::{self, Fd};
use nix::errno::Errno;
use nix::sys::socket::SockType;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// The payload of numbered datagram `seq`: the number (big-endian), then
/// bytes derived from it and from a per-run token, so a reply can be
/// checked byte for byte.
pub fn payload(seq: u64, size: usize, token: u64) -> Vec<u8> {
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

fn udp_error(op: Op, e: Errno, target: &Addr) -> Error {
    match (e, target) {
        (Errno::ECONNREFUSED, Addr::Inet(_)) => Error::failed_errno(
            format!("no UDP listener at {target} (ICMP port unreachable)"),
            Some("start one with `netlab udp server PORT`".into()),
            e,
        ),
        // a Unix-domain datagram socket refuses at once: nobody is bound
        // to the path, or there is no file, or it is not a socket
        (_, Addr::Unix(Some(path))) => {
            let call = if op == Op::Connect { "connect" } else { "sendto" };
            crate::local::connect_failed(path, e, call, "netlab udp server --unix")
                .unwrap_or_else(|| Error::sys_at(op, target.target(), e))
        }
        _ => Error::sys_at(op, target.target(), e),
    }
}

struct Client {
    fd: Fd,
    target: Addr,
    connected: bool,
    /// connected only so that the kernel filters senders (a socket file):
    /// sendto and recvfrom as usual
    filtered: bool,
    ignored: u64,
}

impl Client {
    /// What to check when nothing came back, from what was seen;
    /// `repeated`: how many times in a row this very payload was sent.
    fn no_reply_hint(&self, repeated: u32) -> String {
        if repeated > super::storm::LOOP_HITS {
            format!(
                "this is the same payload {repeated} times in a row: a netlab udp server takes a peer that keeps \
                 sending back exactly what it was sent ({} times in a row) for an echo loop and stops answering it \
                 until it sends something else (its `dropped` events say echo-loop); vary the payload",
                super::storm::LOOP_HITS
            )
        } else if self.ignored > 0 {
            format!(
                "{} datagram(s) came from another address or port and were ignored: \
                 does the server reply from a different socket?",
                self.ignored
            )
        } else if self.target.path().is_some() {
            "a datagram socket is bound at that path, but no reply came back: is it a netlab udp server (it \
             answers only clients with a path of their own), with a --buffer-size that holds the datagram?"
                .into()
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
            Err(e) => Err(udp_error(if self.connected { Op::Write } else { Op::Sendto }, e, &self.target)),
        }
    }

    /// As [`Client::send`], waiting (at most `timeout`) while the datagram
    /// cannot be queued (EAGAIN: a socket file's server whose queue is full,
    /// net.unix.max_dgram_qlen datagrams, 10 by default) instead of failing
    /// at once; one message at a time, so nothing else is waiting.
    fn send_waiting(&self, data: &[u8], timeout: Duration) -> Result<()> {
        let t0 = Instant::now();
        loop {
            match self.send(data) {
                Err(e) if e.errno() == Some(Errno::EAGAIN) => {
                    let left = timeout.saturating_sub(t0.elapsed());
                    if left.is_zero() {
                        return Err(Error::failed_errno(
                            format!(
                                "{} did not take the datagram within {} ms: its queue stayed full (it does not read?)",
                                self.target,
                                timeout.as_millis()
                            ),
                            None,
                            Errno::EAGAIN,
                        ));
                    }
                    let mut p = [sys::pollfd(self.fd.raw(), libc::POLLOUT)];
                    match crate::logging::because("the receiver's queue is full: wait for room", || {
                        sys::poll(&mut p, sys::poll_ms(left))
                    }) {
                        Ok(_) | Err(Errno::EINTR) => {}
                        Err(e) => return Err(Error::sys(Op::Poll, e)),
                    }
                    if crate::signals::stop_requested().is_some() {
                        return Err(e);
                    }
                }
                other => return other,
            }
        }
    }

    /// One datagram from the server, or None when none is queued. Replies
    /// from any other address are ignored and counted.
    fn recv(&mut self, buf: &mut [u8]) -> Result<Option<usize>> {
        loop {
            let res = if self.connected {
                sys::read(&self.fd, buf).map(|n| (n, Some(self.target.clone())))
            } else {
                sys::recvfrom(&self.fd, buf, 0)
            };
            match res {
                Ok((n, Some(from))) if self.connected || self.filtered || same_peer(&from, &self.target) => {
                    return Ok(Some(n))
                }
                Ok(_) => {
                    self.ignored += 1;
                    continue;
                }
                Err(Errno::EAGAIN) => return Ok(None),
                Err(Errno::EINTR) => continue,
                Err(e) => return Err(udp_error(Op::Read, e, &self.target)),
            }
        }
    }

    /// Wait until a datagram is readable, at most `d`.
    fn wait(&self, d: Duration) -> Result<bool> {
        let mut p = [sys::pollfd(self.fd.raw(), libc::POLLIN)];
        match sys::poll(&mut p, sys::poll_ms(d)) {
            Ok(n) => Ok(n > 0),
            Err(Errno::EINTR) => Ok(false),
            Err(e) => Err(Error::sys(Op::Poll, e)),
        }
    }
}

/// Same address, treating IPv4 and IPv4-mapped IPv6 alike.
fn same_peer(a: &Addr, b: &Addr) -> bool {
    let (Addr::Inet(a), Addr::Inet(b)) = (a, b) else { return a == b };
    let norm = |s: &SocketAddr| match s.ip() {
        IpAddr::V6(v6) => (v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(IpAddr::V6(v6)), s.port()),
        ip => (ip, s.port()),
    };
    norm(a) == norm(b)
}

/// What the client sends.
pub enum Mode {
    /// each message as one datagram, each reply printed
    Messages(Vec<std::ffi::OsString>),
    /// numbered datagrams, every reply matched by sequence number
    Count { count: u64, size: usize, interval: Duration, max_loss: Option<f64> },
}

/// What the client runs with, validated.
pub struct Config {
    /// the server: an address and port, or a Unix-domain path
    pub target: Addr,
    /// a connected socket (connect, then write/read)
    pub connect: bool,
    /// how long a reply may take
    pub timeout: Duration,
    pub mode: Mode,
}

pub fn run(cfg: &Config, out: &mut Out) -> Result<()> {
    let target = cfg.target.clone();
    let fd = sys::socket(target.family(), SockType::Datagram, true)?;
    // A Unix-domain datagram client has no address until it binds one, and
    // the server's sendto() needs one to reply to: a path of its own,
    // removed when the client ends.
    let _own = match target {
        Addr::Unix(_) => {
            let path = local::client_path("udp");
            crate::logging::because("a path of its own, for the server to reply to", || {
                sys::bind(&fd, Addr::Unix(Some(path.clone())))
            })?;
            Some(local::SocketFile::client(&path))
        }
        Addr::Inet(_) => None,
    };
    if cfg.connect {
        let t0 = Instant::now();
        sys::connect(&fd, &target).map_err(|e| udp_error(Op::Connect, e, &target))?;
        let local = sys::getsockname_addr(&fd).map(|l| l.to_string()).unwrap_or_default();
        out.emit_note(&Shared::Connected {
            peer: target.to_string(),
            local,
            connect_ms: t0.elapsed().as_secs_f64() * 1000.0,
        });
    }
    // A socket file's path comes back as the server spelled it in bind()
    // (`udp.sock`, not `./udp.sock`): instead of comparing spellings, the
    // socket is connected to the server, so the kernel lets only its
    // datagrams in.
    let filtered = !cfg.connect && target.path().is_some();
    if filtered {
        crate::logging::because("only the server's datagrams reach this socket (the kernel filters by socket)", || {
            sys::connect(&fd, &target)
        })
        .map_err(|e| udp_error(Op::Connect, e, &target))?;
    }
    let mut c = Client { fd, target, connected: cfg.connect, filtered, ignored: 0 };
    match &cfg.mode {
        Mode::Count { count, size, interval, max_loss } => {
            count_mode(&mut c, *count, *size, *interval, cfg.timeout, *max_loss, out)
        }
        Mode::Messages(msgs) => messages(&mut c, msgs, cfg.timeout, out),
    }
}

fn messages(c: &mut Client, msgs: &[std::ffi::OsString], timeout: Duration, out: &Out) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let mut buf = vec![0u8; 65536];
    let mut repeated = 0;
    for (i, m) in msgs.iter().enumerate() {
        let t0 = Instant::now();
        repeated = if i > 0 && msgs[i - 1] == *m { repeated + 1 } else { 1 };
        c.send_waiting(m.as_bytes(), timeout)?;
        let n = loop {
            let left = timeout.saturating_sub(t0.elapsed());
            if left.is_zero() {
                return Err(Error::failed_hint(
                    format!("no reply from {} within {} ms", c.target, timeout.as_millis()),
                    c.no_reply_hint(repeated),
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
        crate::events::show_echo(out, i as u64 + 1, &buf[..n], rtt);
        if &buf[..n] != m.as_bytes() {
            return Err(Error::verify(format!("reply {} differs from the datagram sent", i + 1)));
        }
    }
    Ok(())
}

/// What became of each numbered datagram: the one parser that takes its
/// input from the network (a reply may be anything: short, long, spoofed,
/// repeated), fuzzed by `fuzz/fuzz_targets/udp_reply.rs`.
pub struct Tally {
    sent_at: Vec<Option<Instant>>,
    got: Vec<bool>,
    pub received: u64,
    pub duplicates: u64,
    pub reordered: u64,
    pub late: u64,
    pub corrupt: u64,
    pub send_failed: u64,
    highest: Option<u64>,
    pub rtts: hdrhistogram::Histogram<u64>,
}

impl Tally {
    /// A tally for `count` numbered datagrams, none sent yet.
    pub fn new(count: u64) -> Result<Tally> {
        Ok(Tally {
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
        })
    }

    /// Datagram `seq` went out at `at`.
    pub fn sent(&mut self, seq: u64, at: Instant) {
        if let Some(slot) = self.sent_at.get_mut(seq as usize) {
            *slot = Some(at);
        }
    }

    /// A reply came: match it to its datagram by the sequence number in its
    /// first 8 bytes, and check every byte.
    pub fn reply(&mut self, data: &[u8], size: usize, token: u64, timeout: Duration) {
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

fn count_mode(
    c: &mut Client,
    count: u64,
    size: usize,
    interval: Duration,
    timeout: Duration,
    max_loss: Option<f64>,
    out: &Out,
) -> Result<()> {
    // A per-run token in every payload: replies meant for another client
    // (or another run) do not verify.
    let clock = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let token = ((std::process::id() as u64) << 32) ^ clock;
    let mut t = Tally::new(count)?;
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
            t.sent(next, at);
            last_sent = at;
            next += 1;
        }
        // Take what has arrived after every send, so replies never pile up
        // in our own receive buffer (which would be loss of our making).
        while let Some(n) = c.recv(&mut buf)? {
            t.reply(&buf[..n], size, token, timeout);
        }
        let all_in = t.received == count;
        if next == count && (all_in || now >= last_sent + timeout) {
            break;
        }
        if next < count && Instant::now() >= start + interval * next as u32 {
            continue;
        }
        let wait = if next < count {
            (start + interval * next as u32).saturating_duration_since(now)
        } else {
            (last_sent + timeout).saturating_duration_since(now)
        };
        c.wait(wait.max(Duration::from_micros(100)))?;
    }
    // Replies already queued when the wait ended still count (as late or
    // duplicates); nothing more is waited for.
    while let Some(n) = c.recv(&mut buf)? {
        t.reply(&buf[..n], size, token, timeout);
    }
    if t.send_failed > 0 {
        tracing::warn!("{} datagrams could not be queued (EAGAIN/ENOBUFS): counted as lost", t.send_failed);
    }
    // after SIGINT/SIGTERM: what was sent so far
    let count = next;
    let lost = count - t.received;
    let loss_pct = if count == 0 { 0.0 } else { lost as f64 * 100.0 / count as f64 };
    let [rtt_min_us, rtt_p50_us, rtt_p90_us, rtt_p99_us, rtt_max_us] = crate::events::quantiles(&t.rtts);
    out.emit(&Shared::Summary(Summary::Udp {
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
    match max_loss {
        Some(max) if loss_pct > max => {
            Err(Error::verify(format!("{loss_pct:.1}% of {count} datagrams lost, over --max-loss {max}%")))
        }
        None if t.received == 0 && count > 0 => Err(Error::failed_hint(
            format!("no reply to any of {count} datagrams from {}", c.target),
            c.no_reply_hint(0),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_carries_the_sequence() {
        let d = payload(42, 100, 7);
        assert_eq!(d.len(), 100);
        assert_eq!(u64::from_be_bytes(d[..8].try_into().unwrap()), 42);
        assert_ne!(payload(42, 100, 8), d);
        assert_eq!(payload(3, 8, 1).len(), 8);
    }
}
