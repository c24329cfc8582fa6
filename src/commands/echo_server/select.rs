//! The select model: one process multiplexing every client with select(2),
//! as the course teaches it, but with non-blocking sockets and a bounded
//! pending buffer per connection, so a client that stops reading cannot
//! stall the others. select() cannot watch a descriptor >= FD_SETSIZE
//! (1024): such a connection is refused with a `rejected` event, never
//! passed to select.
//!
//! Try it: `netlab --trace echo-server --model select 9190` and watch the
//! read and write sets change as clients come and go.

use super::conn::{live_bytes, Conn, Next};
use super::{Config, Server};
use crate::error::{Error, Result};
use crate::output::{Event, Out};
use crate::sys::{self, Fd};
use nix::errno::Errno;
use nix::sys::select::FdSet;
use std::os::fd::BorrowedFd;
use std::time::Duration;

/// select(2)'s limit: fd_set is a bitmap of this many bits.
pub const FD_SETSIZE: i32 = libc::FD_SETSIZE as i32;

/// How many connections one wake-up of the listener accepts at most.
const ACCEPTS_PER_WAKE: usize = 64;

pub fn serve(listener: Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    let mut srv = Server::new(cfg, out, false, &listener)?;
    if listener.raw() >= FD_SETSIZE || srv.signals.fd().raw() >= FD_SETSIZE {
        return refuse_all(listener, srv, out);
    }
    out.set_buffered(true);
    let mut conns: Vec<Option<Conn>> = Vec::new();
    let mut live: u64 = 0;
    let mut scratch = vec![0u8; cfg.buffer_size];
    let pid = std::process::id();
    let stop = loop {
        if srv.done(live) {
            break None;
        }
        let accepting = srv.may_accept(live);
        // SAFETY (all borrow_raw below): each descriptor is owned by the
        // listener, the signal pipe or a Conn, all alive across select().
        let mut rset = FdSet::new();
        let mut wset = FdSet::new();
        let mut maxfd = srv.signals.fd().raw();
        rset.insert(unsafe { BorrowedFd::borrow_raw(srv.signals.fd().raw()) });
        if accepting {
            rset.insert(unsafe { BorrowedFd::borrow_raw(listener.raw()) });
            maxfd = maxfd.max(listener.raw());
        }
        for c in conns.iter().flatten() {
            let raw = c.fd.raw();
            if c.wants_read() {
                rset.insert(unsafe { BorrowedFd::borrow_raw(raw) });
            }
            if c.wants_write() {
                wset.insert(unsafe { BorrowedFd::borrow_raw(raw) });
            }
            maxfd = maxfd.max(raw);
        }
        let timeout = srv.wait_ms(accepting).map(|ms| Duration::from_millis(ms as u64));
        out.flush();
        let ready = match sys::select(maxfd + 1, &mut rset, &mut wset, timeout) {
            Ok(n) => n,
            Err(Errno::EINTR) => 0,
            Err(e) => return Err(Error::sys("select", e)),
        };
        if ready > 0 && rset.contains(unsafe { BorrowedFd::borrow_raw(srv.signals.fd().raw()) }) || ready == 0 {
            if let Some(sig) = srv.check_signals_live(|| live_bytes(&conns)) {
                break Some(sig);
            }
        }
        if accepting && rset.contains(unsafe { BorrowedFd::borrow_raw(listener.raw()) }) {
            for _ in 0..ACCEPTS_PER_WAKE {
                let Some((fd, peer, id)) = srv.accept(&listener, true)? else { break };
                if fd.raw() >= FD_SETSIZE {
                    out.emit(&Event::Rejected {
                        peer: peer.to_string(),
                        reason: format!("fd {} >= FD_SETSIZE ({FD_SETSIZE}): select() cannot watch it", fd.raw()),
                    });
                    drop(fd);
                    srv.closed_quietly();
                    continue;
                }
                srv.emit_accepted(id, &peer, &fd, pid);
                let slot = fd.raw() as usize;
                if conns.len() <= slot {
                    conns.resize_with(slot + 1, || None);
                }
                conns[slot] = Some(Conn::new(fd, id, peer, cfg.idle_timeout.is_some()));
                live += 1;
                if !srv.may_accept(live) {
                    break;
                }
            }
        }
        if ready > 0 {
            for slot in conns.iter_mut() {
                let Some(c) = slot.as_mut() else { continue };
                // SAFETY: c owns the descriptor.
                let b = unsafe { BorrowedFd::borrow_raw(c.fd.raw()) };
                let mut next = Next::Keep;
                if wset.contains(b) {
                    next = c.on_writable();
                }
                if next == Next::Keep && rset.contains(b) {
                    next = c.on_readable(&mut scratch);
                }
                if let Next::Close(reason) = next {
                    srv.close_slot(slot, &mut live, reason);
                }
            }
        }
        srv.expire_idle(&mut conns, &mut live);
    };
    srv.shut_down(conns, &listener, stop);
    Ok(())
}

/// The listener itself is above FD_SETSIZE (the process inherited that many
/// descriptors): select() can watch nothing, and every client would be
/// above it too. Accept and refuse each one, waiting with poll(2).
fn refuse_all(listener: Fd, mut srv: Server<'_>, out: &Out) -> Result<()> {
    tracing::warn!(
        "listening socket is fd {} >= FD_SETSIZE ({FD_SETSIZE}): select() cannot watch it; every connection will be refused (use --model poll or epoll)",
        listener.raw()
    );
    let stop = loop {
        let mut fds = [sys::pollfd(srv.signals.fd().raw(), libc::POLLIN), sys::pollfd(listener.raw(), libc::POLLIN)];
        match sys::poll(&mut fds, srv.pause_ms().unwrap_or(-1)) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(Error::sys("poll", e)),
        }
        if let Some(sig) = srv.check_signals() {
            break Some(sig);
        }
        if srv.done(0) {
            break None;
        }
        while srv.may_accept(0) {
            let Some((fd, peer, _)) = srv.accept(&listener, true)? else { break };
            out.emit(&Event::Rejected {
                peer: peer.to_string(),
                reason: format!("fd {} >= FD_SETSIZE ({FD_SETSIZE}): select() cannot watch it", fd.raw()),
            });
            drop(fd);
            srv.closed_quietly();
        }
    };
    srv.reject_backlog(&listener);
    srv.stopped(stop);
    Ok(())
}
