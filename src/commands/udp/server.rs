//! The UDP echo server: recvfrom, then sendto the same bytes back to the
//! sender, never larger and never to a source that could start an echo
//! storm (CERT CA-1996-01).

use super::events::Event;
use crate::error::{Error, Op, Result};
use crate::events::Event as Shared;
use crate::output::Out;
use crate::signals::{self, Signals};
use crate::sys;
use nix::errno::Errno;
use nix::sys::socket::SockType;
use std::net::{IpAddr, SocketAddr};

/// What the server runs with, validated.
pub struct Config {
    pub addr: SocketAddr,
    pub buffer_size: usize,
    pub max_datagrams: Option<u64>,
}

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

pub fn serve(cfg: &Config, out: &mut Out) -> Result<()> {
    let addr = cfg.addr;
    let fd = sys::socket(sys::family_of(&addr), SockType::Datagram, true)?;
    sys::bind(&fd, &addr)?;
    let local = sys::getsockname(&fd).map_err(|e| Error::sys(Op::Getsockname, e))?;
    let signals = Signals::install(false)?;
    out.set_serving();
    out.emit(&Shared::Listening {
        addr: local.ip().to_string(),
        port: local.port(),
        model: "udp".into(),
        pid: std::process::id(),
        backlog: None,
        threads: None,
    });
    out.flush();
    out.set_buffered(true);
    let broadcasts = sys::broadcast_addrs();
    let mut buf = vec![0u8; cfg.buffer_size];
    let (mut datagrams, mut bytes_in, mut bytes_out) = (0u64, 0u64, 0u64);
    let stop = 'outer: loop {
        let mut fds = [sys::pollfd(fd.raw(), libc::POLLIN), sys::pollfd(signals.wake_fd()?.raw(), libc::POLLIN)];
        out.flush();
        match sys::poll(&mut fds, -1) {
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
                Err(e) => return Err(Error::sys(Op::Recvfrom, e)),
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
            if cfg.max_datagrams.is_some_and(|m| datagrams >= m) {
                break 'outer None;
            }
        }
    };
    out.emit(&Shared::Stopped {
        signal: stop.map(str::to_string),
        conns: 0,
        bytes_in,
        bytes_out,
        datagrams: Some(datagrams),
    });
    out.flush();
    Ok(())
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
}
