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
use super::Event;
use super::{Config, Server};
use crate::error::{Error, Op, Result};
use crate::output::Out;
use crate::sys::{self, Fd};
use nix::errno::Errno;
use nix::sys::select::FdSet;
use std::os::fd::{BorrowedFd, RawFd};
use std::time::Duration;

/// select(2)'s limit: fd_set is a bitmap of this many bits.
pub const FD_SETSIZE: i32 = libc::FD_SETSIZE as i32;

/// How many connections one wake-up of the listener accepts at most.
const ACCEPTS_PER_WAKE: usize = 64;

pub fn serve(listener: Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    let mut srv = Server::new(cfg, out, false, &listener)?;
    srv.fd_limit = Some(FD_SETSIZE);
    if listener.raw() >= FD_SETSIZE || srv.wake_fd()?.raw() >= FD_SETSIZE {
        return refuse_all(listener, srv, out);
    }
    out.set_buffered(true);
    // Connections indexed by descriptor number, no trailing empty slots, so
    // `conns.len()` bounds the descriptors select() must look at.
    let mut conns: Vec<Option<Conn>> = Vec::new();
    let mut live: u64 = 0;
    let mut scratch = vec![0u8; cfg.buffer_size];
    let pid = std::process::id();
    let (sig_fd, lis_fd) = (srv.wake_fd()?.raw(), listener.raw());
    // What each descriptor waits for, kept up to date as it changes (as the
    // course's `reads = allfds` copy does), so a wake-up costs the ready
    // descriptors, not a walk over every connection.
    let mut want = Interest::default();
    want.set(sig_fd, true, false);
    let stop = loop {
        if srv.done(live) {
            break None;
        }
        let accepting = srv.may_accept(live);
        want.set(lis_fd, accepting, false);
        let nfds = (conns.len() as i32).max(sig_fd + 1).max(lis_fd + 1);
        let (mut rset, mut wset) = (want.read, want.write);
        let timeout = srv.wait_ms(accepting).map(|ms| Duration::from_millis(ms as u64));
        out.flush();
        let ready = match sys::select(nfds, &mut rset, &mut wset, timeout) {
            Ok(n) => n,
            Err(Errno::EINTR) => 0,
            Err(e) => return Err(Error::sys(Op::Select, e)),
        };
        if ready == 0 || rset.contains(borrow(sig_fd)) {
            if let Some(sig) = srv.check_signals_live(|| live_bytes(&conns)) {
                break Some(sig);
            }
        }
        if accepting && rset.contains(borrow(lis_fd)) {
            for _ in 0..ACCEPTS_PER_WAKE {
                // (a descriptor over FD_SETSIZE is refused inside: fd_limit)
                let Some((fd, peer, id)) = srv.accept(&listener, true)? else { break };
                srv.emit_accepted(id, &peer, &fd, pid);
                let slot = fd.raw() as usize;
                if conns.len() <= slot {
                    conns.resize_with(slot + 1, || None);
                }
                want.set(fd.raw(), true, false);
                conns[slot] = Some(Conn::new(fd, id, peer, cfg.idle_timeout.is_some()));
                live += 1;
                if !srv.may_accept(live) {
                    break;
                }
            }
        }
        // One pass over the descriptors select() looked at, ending once
        // every ready bit is seen (the listener's and the signal pipe's
        // have no slot).
        let writes = wset != FdSet::new();
        let mut left = ready;
        for fd in 0..nfds {
            if left == 0 {
                break;
            }
            let readable = rset.contains(borrow(fd));
            let writable = writes && wset.contains(borrow(fd));
            if !readable && !writable {
                continue;
            }
            left = left.saturating_sub(usize::from(readable) + usize::from(writable));
            let Some(slot) = conns.get_mut(fd as usize) else { continue };
            let Some(c) = slot.as_mut() else { continue };
            let mut next = Next::Keep;
            if writable {
                next = c.on_writable();
            }
            if next == Next::Keep && readable {
                next = c.on_readable(&mut scratch);
            }
            match next {
                Next::Close(reason) => {
                    srv.close_slot(slot, &mut live, reason);
                    want.set(fd, false, false);
                }
                Next::Keep => want.set(fd, c.wants_read(), c.wants_write()),
            }
        }
        // (slots are descriptor numbers)
        for fd in srv.expire_idle(&mut conns, &mut live) {
            want.set(fd as RawFd, false, false);
        }
        while conns.last().is_some_and(Option::is_none) {
            conns.pop();
        }
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
        let mut fds = [sys::pollfd(srv.wake_fd()?.raw(), libc::POLLIN), sys::pollfd(listener.raw(), libc::POLLIN)];
        match sys::poll(&mut fds, srv.pause_ms().unwrap_or(-1)) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(Error::sys(Op::Poll, e)),
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

/// What select() watches, one bit per descriptor and direction.
#[derive(Default)]
struct Interest {
    read: FdSet<'static>,
    write: FdSet<'static>,
}

impl Interest {
    /// Watch `fd` for reading and/or writing (both false: not at all).
    fn set(&mut self, fd: RawFd, read: bool, write: bool) {
        for (set, on) in [(&mut self.read, read), (&mut self.write, write)] {
            if on {
                set.insert(borrow(fd));
            } else {
                set.remove(borrow(fd));
            }
        }
    }
}

/// A descriptor number as nix's FdSet takes it.
fn borrow(fd: RawFd) -> BorrowedFd<'static> {
    // SAFETY: the FdSet methods use the number only as a bit index and never
    // read, write or close through it, so it need not be open when a bit is
    // tested (nix's own FdSet::fds iterator borrows every number of its
    // range the same way). Every descriptor put into a set is owned by the
    // listener, the signal pipe or a Conn, and taken out of the sets when
    // the Conn is closed, so select() itself only ever sees open ones.
    unsafe { BorrowedFd::borrow_raw(fd) }
}
