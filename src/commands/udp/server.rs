//! The UDP echo server: recvfrom, then sendto the same bytes back to the
//! sender, never larger and never to a source that could start an echo
//! storm (CERT CA-1996-01).

use super::drops::{DropLog, Told};
use super::events::{DropReason, Event};
use super::storm::{refuse_reply, LoopDetector, Own};
use crate::error::{Error, Op, Result};
use crate::events::Event as Shared;
use crate::local;
use crate::output::Out;
use crate::signals::{self, Signals};
use crate::sys;
use crate::sys::Addr;
use nix::errno::Errno;
use nix::sys::socket::SockType;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// What the server runs with, validated.
pub struct Config {
    /// an address and port, or a Unix-domain path
    pub addr: Addr,
    pub buffer_size: usize,
    pub max_datagrams: Option<u64>,
}

/// How old the list of this host's addresses may be when the `self` rule
/// needs it (a server bound to every address, a datagram from its own
/// port): at most one getifaddrs a second, however many such datagrams come.
const IFADDRS_MAX_AGE: Duration = Duration::from_secs(1);

/// The server's own addresses, refreshed when the `self` rule needs them.
struct Me {
    own: Own,
    fetched: Instant,
}

impl Me {
    fn new(addr: SocketAddr) -> Me {
        let ifs = sys::interface_addrs();
        Me { own: Own { addr, local: ifs.local, broadcast: ifs.broadcast }, fetched: Instant::now() }
    }

    /// Why not to answer `peer`, if not (the rules before the loop
    /// detector), with this host's addresses fresh when they matter.
    fn refuse(&mut self, peer: &SocketAddr, now: Instant) -> Option<DropReason> {
        if self.own.needs_local(peer) && now.saturating_duration_since(self.fetched) > IFADDRS_MAX_AGE {
            let ifs = sys::interface_addrs();
            (self.own.local, self.own.broadcast, self.fetched) = (ifs.local, ifs.broadcast, now);
        }
        refuse_reply(peer, &self.own)
    }
}

fn dropped_event(t: Told) -> Event {
    Event::Dropped { peer: t.peer.to_string(), reason: t.reason, count: t.count, bytes: t.bytes }
}

pub fn serve(cfg: &Config, out: &mut Out) -> Result<()> {
    let addr = cfg.addr.clone();
    if let Some(path) = addr.path() {
        if let Some(note) = local::prepare(path, SockType::Datagram)?.note(path) {
            tracing::warn!("{note}"); // on stderr, in --json mode too (SPEC §1)
        }
    }
    let fd = sys::socket(addr.family(), SockType::Datagram, true)?;
    sys::bind(&fd, &addr)?;
    // removed when the server stops, however it stops
    let _file = addr.path().map(local::SocketFile::server);
    let (shown, port, mut me) = match &addr {
        Addr::Inet(_) => {
            let local = sys::getsockname(&fd).map_err(|e| Error::sys(Op::Getsockname, e))?;
            (local.ip().to_string(), Some(local.port()), Some(Me::new(local)))
        }
        Addr::Unix(_) => (addr.to_string(), None, None),
    };
    let signals = Signals::install(false)?;
    out.set_serving();
    out.emit(&Shared::Listening {
        addr: shown,
        port,
        model: "udp".into(),
        pid: std::process::id(),
        backlog: None,
        threads: None,
    });
    out.flush();
    out.set_buffered(true);
    let mut loops = LoopDetector::new();
    let mut log = DropLog::new();
    let mut tell = |t: Told| out.emit(&dropped_event(t));
    let mut buf = vec![0u8; cfg.buffer_size];
    let (mut datagrams, mut bytes_in, mut bytes_out, mut dropped) = (0u64, 0u64, 0u64, 0u64);
    let stop = 'outer: loop {
        let mut fds = [sys::pollfd(fd.raw(), libc::POLLIN), sys::pollfd(signals.wake_fd()?.raw(), libc::POLLIN)];
        out.flush();
        // wake for a count of drops that is due, else only for a datagram or a signal
        let timeout = log.next_due().map_or(-1, |due| sys::poll_ms(due.saturating_duration_since(Instant::now())));
        match sys::poll(&mut fds, timeout) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(Error::sys(Op::Poll, e)),
        }
        signals.drain();
        if signals::take_usr1() {
            out.emit(&Shared::Stats {
                conns_now: 0,
                conns_total: 0,
                bytes_in,
                bytes_out,
                model: "udp".into(),
                pid: std::process::id(),
                datagrams: Some(datagrams),
                dropped: (dropped > 0).then_some(dropped),
            });
        }
        if let Some(sig) = signals::stop_requested() {
            break Some(sig);
        }
        // Drain what is queued, a bounded batch per wake-up.
        for _ in 0..256 {
            let (n, peer) = match sys::recvfrom(&fd, &mut buf, libc::MSG_TRUNC) {
                Ok((n, Some(peer))) => (n, peer),
                // an unbound Unix-domain sender: the kernel gives no
                // address at all (length 0), and there is none to reply to
                Ok((n, None)) if addr.path().is_some() => (n, Addr::Unix(None)),
                Ok((_, None)) => continue,
                Err(Errno::EAGAIN) => break,
                Err(Errno::EINTR) => continue,
                Err(e @ (Errno::ECONNREFUSED | Errno::EHOSTUNREACH | Errno::ENETUNREACH)) => {
                    tracing::debug!("recvfrom: {}", crate::error::describe_errno(e));
                    continue;
                }
                Err(e) => return Err(Error::sys(Op::Recvfrom, e)),
            };
            datagrams += 1;
            bytes_in += n as u64;
            let now = Instant::now();
            let truncated = n > buf.len();
            // The storm rules first, then the loop detector (a truncated
            // datagram is not echoed, so it is no part of a loop).
            let mut refusal = match (&peer, me.as_mut()) {
                (Addr::Inet(p), Some(me)) => me.refuse(p, now),
                _ => None,
            };
            let hash = (refusal.is_none() && !truncated).then(|| loops.hash(&buf[..n]));
            if hash.is_some_and(|h| loops.is_looping(&peer, h, now)) {
                refusal = Some(DropReason::EchoLoop);
            }
            if let Some(reason) = refusal {
                dropped += 1;
                log.dropped(&peer, reason, n as u64, now, &mut tell);
            } else {
                let mut replied = false;
                let mut note = None;
                if truncated {
                    note = Some(format!(
                        "longer than --buffer-size {}: the kernel cut it, so it is not echoed",
                        buf.len()
                    ));
                } else if peer == Addr::Unix(None) {
                    note = Some(
                        "the sender's socket is unnamed: there is no path to reply to (a datagram client binds one)"
                            .into(),
                    );
                } else {
                    // The reply is exactly the request: never larger.
                    match sys::sendto(&fd, &buf[..n], &peer) {
                        Ok(w) => {
                            bytes_out += w as u64;
                            replied = true;
                            if let Some(h) = hash {
                                loops.replied(&peer, h, now);
                            }
                        }
                        Err(e) => note = Some(format!("sendto failed: {}", crate::error::describe_errno(e))),
                    }
                }
                out.emit(&Event::Datagram { peer: peer.to_string(), bytes: n as u64, truncated, replied, note });
            }
            if cfg.max_datagrams.is_some_and(|m| datagrams >= m) {
                break 'outer None;
            }
        }
        log.tell_due(Instant::now(), &mut tell);
    };
    log.tell_all(&mut tell);
    out.emit(&Shared::Stopped {
        signal: stop.map(str::to_string),
        conns: 0,
        bytes_in,
        bytes_out,
        datagrams: Some(datagrams),
        dropped: (dropped > 0).then_some(dropped),
    });
    out.flush();
    Ok(())
}
