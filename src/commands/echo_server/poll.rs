//! The poll model: one process multiplexing with poll(2). Like select, the
//! kernel scans every watched descriptor on each call (so idle connections
//! still cost), but there is no FD_SETSIZE limit and the pollfd array is
//! kept between calls rather than rebuilt.
//!
//! Try it: `netlab --trace echo-server --model poll 9190`.

use super::conn::{live_bytes, Conn, Next};
use super::{Config, Server};
use crate::error::{Error, Op, Result};
use crate::output::Out;
use crate::sys::{self, Fd};
use nix::errno::Errno;

const ACCEPTS_PER_WAKE: usize = 64;

pub fn serve(listener: Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    let mut srv = Server::new(cfg, out, false, &listener)?;
    out.set_buffered(true);
    // pfds[0] is the signal pipe, pfds[1] the listener, pfds[2 + i] conns[i].
    let mut pfds = vec![sys::pollfd(srv.wake_fd()?.raw(), libc::POLLIN), sys::pollfd(listener.raw(), libc::POLLIN)];
    let mut conns: Vec<Option<Conn>> = Vec::new();
    let mut live: u64 = 0;
    let mut scratch = vec![0u8; cfg.buffer_size];
    let pid = std::process::id();
    let stop = loop {
        if srv.done(live) {
            break None;
        }
        let accepting = srv.may_accept(live);
        // A negative fd makes poll skip the entry: events 0 alone would
        // still report POLLHUP, which a listener shut down at --max-conns
        // has for good (a busy loop).
        pfds[1].fd = if accepting { listener.raw() } else { -1 };
        out.flush();
        let ready = match sys::poll(&mut pfds, srv.wait_ms(accepting).unwrap_or(-1)) {
            Ok(n) => n,
            Err(Errno::EINTR) => 0,
            Err(e) => return Err(Error::sys(Op::Poll, e)),
        };
        if ready == 0 || pfds[0].revents != 0 {
            if let Some(sig) = srv.check_signals_live(|| live_bytes(&conns)) {
                break Some(sig);
            }
        }
        if ready > 0 {
            for i in 0..conns.len() {
                let rev = pfds[2 + i].revents;
                if rev == 0 {
                    continue;
                }
                let Some(c) = conns[i].as_mut() else { continue };
                let mut next = Next::Keep;
                if rev & libc::POLLOUT != 0 && c.wants_write() {
                    next = c.on_writable();
                }
                if next == Next::Keep && rev & !libc::POLLOUT != 0 && c.wants_read() {
                    next = c.on_readable(&mut scratch);
                }
                match next {
                    Next::Close(reason) => srv.close_slot(&mut conns[i], &mut live, reason),
                    Next::Keep => pfds[2 + i].events = events(c),
                }
            }
        }
        srv.expire_idle(&mut conns, &mut live);
        // Compact when something closed: drop the empty slots (order does
        // not matter to poll).
        let mut i = 0;
        while conns.len() as u64 > live && i < conns.len() {
            if conns[i].is_none() {
                conns.swap_remove(i);
                pfds.swap_remove(2 + i);
            } else {
                i += 1;
            }
        }
        if accepting && pfds[1].revents != 0 {
            for _ in 0..ACCEPTS_PER_WAKE {
                if !srv.may_accept(live) {
                    break;
                }
                let Some((fd, peer, id)) = srv.accept(&listener, true)? else { break };
                srv.emit_accepted(id, &peer, &fd, pid);
                pfds.push(sys::pollfd(fd.raw(), libc::POLLIN));
                conns.push(Some(Conn::new(fd, id, peer, cfg.idle_timeout.is_some())));
                live += 1;
            }
        }
    };
    srv.shut_down(conns, &listener, stop);
    Ok(())
}

/// The poll events a connection waits for now.
fn events(c: &Conn) -> i16 {
    (if c.wants_read() { libc::POLLIN } else { 0 }) | (if c.wants_write() { libc::POLLOUT } else { 0 })
}
