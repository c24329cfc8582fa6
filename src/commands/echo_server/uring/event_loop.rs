//! One io_uring loop: what each completion means, and what is submitted
//! in answer. A turn is: queue the sends the last completions asked for,
//! then one io_uring_enter that submits them (they complete at once: they
//! never wait) and waits for one completion more, then every completion
//! there is.

use super::conn::Conn;
use super::{GROUP, HOLD};
use crate::commands::echo_server::conn::reason_for;
use crate::commands::echo_server::loops::Member;
use crate::commands::echo_server::Server;
use crate::error::{Error, Op, Result};
use crate::logging::because;
use crate::sys::{self, Cqe, Fd, Ring, Sqe};
use io_uring::types::Timespec;
use nix::errno::Errno;
use std::time::{Duration, Instant};

/// Accepts in flight at once (each with its own address slot).
const ACCEPTS: usize = 16;
/// Pieces of one sendmsg.
const MAX_IOV: usize = 32;
/// sendmsg headers per turn (more: what is queued is submitted first).
const ARENA_MSGS: usize = 64;
/// A receive is re-armed once the unsent bytes are down to this.
const RESUME: usize = HOLD / 2;

// What a completion answers: the kind in the upper half of user_data, the
// connection's slot (or accept slot) in the lower half.
const ACCEPT: u64 = 1;
const RECV: u64 = 2;
const SEND: u64 = 3;
const POLL: u64 = 4;
const CANCEL: u64 = 5;
const CLOSE: u64 = 6;
const WAKE: u64 = 7;
const PAUSE: u64 = 8;
const IDLE: u64 = 9;

#[inline]
fn ud(kind: u64, slot: u32) -> u64 {
    kind << 32 | slot as u64
}

/// Where accept writes a peer's address.
#[derive(Clone, Copy)]
struct AddrSlot {
    addr: libc::sockaddr_storage,
    len: libc::socklen_t,
}

/// sendmsg headers and their iovecs for one turn: the kernel reads them
/// while the sends are submitted, so they are reused once the ring has
/// been entered.
struct Arena {
    msgs: Box<[libc::msghdr]>,
    iov: Box<[libc::iovec]>,
    used: usize,
}

struct Loop<'s, 'a, 'm> {
    ring: Ring,
    srv: &'s mut Server<'a>,
    listener: &'s Fd,
    member: Option<&'s Member<'m>>,
    conns: Vec<Option<Conn>>,
    free: Vec<u32>,
    live: u64,
    /// bytes moved so far by the connections still open (for `stats`)
    live_in: u64,
    live_out: u64,
    dirty: Vec<u32>,
    starved: Vec<u32>,
    addrs: Box<[AddrSlot]>,
    accept_free: Vec<u32>,
    pause_ts: Box<Timespec>,
    pause_armed: bool,
    idle_ts: Box<Timespec>,
    idle_every: Option<Duration>,
    arena: Arena,
    /// sends queued this turn that need no answer of the loop once they
    /// complete in full (see `send_one`)
    counted: u32,
    /// the completions of the last batch after the one that said stop:
    /// handled by `shut_down` (an accept among them is refused and closed)
    leftover: Vec<Cqe>,
    wake_fd: i32,
    pid: u32,
}

/// Run one loop until it stops: alone (it handles the signals and prints
/// `stopped`) or as one `member` of a `--threads` server.
pub fn run(mut ring: Ring, srv: &mut Server<'_>, listener: &Fd, member: Option<&Member<'_>>) -> Result<()> {
    ring.enable()?;
    because("io_uring_enter names the ring by index: no descriptor lookup per call", || ring.register_ring_fd());
    let wake_fd = match member {
        Some(m) => m.wake_fd().raw(),
        None => srv.wake_fd()?.raw(),
    };
    // SAFETY (zeroed): sockaddr_storage, msghdr and iovec are plain C
    // structs for which all-zero bytes are a valid value.
    let zero_addr = AddrSlot { addr: unsafe { std::mem::zeroed() }, len: 0 };
    let arena = Arena {
        msgs: vec![unsafe { std::mem::zeroed::<libc::msghdr>() }; ARENA_MSGS].into_boxed_slice(),
        iov: vec![libc::iovec { iov_base: std::ptr::null_mut(), iov_len: 0 }; ARENA_MSGS * MAX_IOV].into_boxed_slice(),
        used: 0,
    };
    let idle_every = srv.cfg.idle_timeout.map(|t| (t / 4).clamp(Duration::from_millis(10), Duration::from_secs(1)));
    let mut lp = Loop {
        ring,
        srv,
        listener,
        member,
        conns: Vec::new(),
        free: Vec::new(),
        live: 0,
        live_in: 0,
        live_out: 0,
        dirty: Vec::new(),
        starved: Vec::new(),
        addrs: vec![zero_addr; ACCEPTS].into_boxed_slice(),
        accept_free: (0..ACCEPTS as u32).rev().collect(),
        pause_ts: Box::new(Timespec::new()),
        pause_armed: false,
        idle_ts: Box::new(idle_every.map_or(Timespec::new(), Timespec::from)),
        idle_every,
        arena,
        counted: 0,
        leftover: Vec::new(),
        wake_fd,
        pid: std::process::id(),
    };
    lp.srv.out.set_buffered(true);
    match lp.serve() {
        Ok(stop) => {
            lp.shut_down(stop);
            Ok(())
        }
        Err(e) => {
            lp.ring.cancel_all();
            Err(e)
        }
    }
}

impl Loop<'_, '_, '_> {
    /// # Safety
    /// As [`Ring::push`]: the operation's pointers stay valid.
    unsafe fn push(&mut self, sqe: Sqe, user_data: u64) -> Result<()> {
        // SAFETY: forwarded to the caller's contract.
        unsafe { self.ring.push(sqe, user_data) }.map_err(|e| Error::sys(Op::IoUringEnter, e))
    }

    fn arm_wake(&mut self) -> Result<()> {
        let why = if self.member.is_some() {
            "--threads: the main thread wakes this loop through its pipe"
        } else {
            "self-pipe: a signal wakes the loop"
        };
        let sqe = Sqe::Poll { fd: self.wake_fd, events: libc::POLLIN as u32 };
        // SAFETY: a poll carries no pointer.
        because(why, || unsafe { self.push(sqe, ud(WAKE, 0)) })
    }

    fn arm_idle_timer(&mut self) -> Result<()> {
        let Some(every) = self.idle_every else { return Ok(()) };
        let sqe = Sqe::Timeout { ts: &*self.idle_ts, ms: every.as_millis() as u64 };
        // SAFETY: the timespec is boxed in the loop, which outlives the ring's use of it.
        because("--idle-timeout: look for silent clients this often", || unsafe { self.push(sqe, ud(IDLE, 0)) })
    }

    /// Serve until a signal (Some) or --max-conns (None) ends it.
    fn serve(&mut self) -> Result<Option<&'static str>> {
        self.arm_wake()?;
        self.arm_idle_timer()?;
        let mut cqes: Vec<Cqe> = Vec::with_capacity(1024);
        loop {
            if self.srv.done(self.live) {
                return Ok(None);
            }
            self.arm_accepts()?;
            self.send_dirty()?;
            self.ring.publish();
            self.srv.out.flush();
            // Every send completes while it is submitted, so waiting for
            // one completion more than the counted sends sleeps until
            // something new happens; an uncounted send's completion alone
            // ends the wait (its connection needs the loop again at once).
            let want = if self.starved.is_empty() { self.counted + 1 } else { 1 };
            match self.ring.enter(want) {
                Ok(_) | Err(Errno::EINTR | Errno::EAGAIN | Errno::EBUSY) => {}
                Err(e) => return Err(Error::sys(Op::IoUringEnter, e)),
            }
            self.ring.reap(&mut cqes);
            self.counted = 0;
            // the arena's msghdrs are free once the kernel has taken every
            // queued send (enter may take none: EAGAIN, EBUSY)
            if self.ring.queued() == 0 {
                self.arena.used = 0;
            }
            for (i, c) in cqes.iter().enumerate() {
                if let Some(stop) = self.complete(c)? {
                    self.leftover.extend_from_slice(&cqes[i + 1..]);
                    return Ok(stop);
                }
            }
            self.after_turn()?;
        }
    }

    /// One completion; Some(stop) when the loop must stop.
    fn complete(&mut self, c: &Cqe) -> Result<Option<Option<&'static str>>> {
        let slot = c.user_data as u32;
        match c.user_data >> 32 {
            RECV => self.on_recv(slot, c)?,
            SEND => self.on_send(slot, c)?,
            ACCEPT => self.on_accept(slot, c)?,
            POLL => self.on_pollout(slot, c)?,
            WAKE => {
                let (bytes_in, bytes_out) = (self.live_in, self.live_out);
                let stop = match self.member {
                    Some(m) => m.on_wake(self.srv, self.listener, || (bytes_in, bytes_out)),
                    None => self.srv.check_signals_live(|| (bytes_in, bytes_out)).map(Some),
                };
                if stop.is_some() {
                    return Ok(stop);
                }
                self.arm_wake()?;
            }
            PAUSE => self.pause_armed = false,
            IDLE => {
                self.expire_idle()?;
                self.arm_idle_timer()?;
            }
            // only failures come back (success is skipped)
            CANCEL | CLOSE => {
                tracing::debug!("io_uring cancel/close: {}", crate::error::describe_errno(Errno::from_raw(-c.res)))
            }
            _ => {}
        }
        Ok(None)
    }

    #[inline]
    fn conn(&mut self, slot: u32) -> Option<&mut Conn> {
        self.conns.get_mut(slot as usize).and_then(|c| c.as_mut())
    }

    fn on_accept(&mut self, k: u32, c: &Cqe) -> Result<()> {
        self.accept_free.push(k);
        let fd = match c.errno() {
            None => {
                // SAFETY: the accept just returned this descriptor: open and ours.
                unsafe { Fd::from_raw(c.res) }
            }
            // ours (stopping), or the listener was shut (--max-conns)
            Some(Errno::ECANCELED) => return Ok(()),
            Some(_) if self.srv.listening_stopped(self.listener) => return Ok(()),
            // already pausing: the one refusal was made
            Some(Errno::EMFILE | Errno::ENFILE) if self.srv.paused() => return Ok(()),
            Some(e) => return self.srv.accept_failed(self.listener, e),
        };
        let slot = &self.addrs[k as usize];
        let peer = sys::raw_storage_to_addr(&slot.addr, slot.len)
            .unwrap_or_else(|| sys::Addr::Inet(std::net::SocketAddr::from(([0, 0, 0, 0], 0))));
        let Some((fd, peer, id)) = self.srv.accepted(self.listener, fd, peer) else { return Ok(()) };
        self.srv.emit_accepted(id, &peer, &fd, self.pid);
        let conn = Conn::new(fd, id, peer);
        let slot = match self.free.pop() {
            Some(s) => {
                self.conns[s as usize] = Some(conn);
                s
            }
            None => {
                self.conns.push(Some(conn));
                (self.conns.len() - 1) as u32
            }
        };
        self.live += 1;
        self.arm_recv(slot)
    }

    fn arm_recv(&mut self, slot: u32) -> Result<()> {
        let Some(conn) = self.conn(slot) else { return Ok(()) };
        conn.recv = true;
        conn.recv_cancelled = false;
        let sqe = Sqe::RecvMulti { fd: conn.fd.raw(), group: GROUP };
        // SAFETY: a receive into provided buffers carries no pointer of ours.
        unsafe { self.push(sqe, ud(RECV, slot)) }
    }

    fn on_recv(&mut self, slot: u32, c: &Cqe) -> Result<()> {
        if let Some(bid) = c.buffer() {
            self.ring.buffer_taken();
            let len = c.res.max(0) as u32;
            let hold = match self.conns.get_mut(slot as usize).and_then(|x| x.as_mut()) {
                Some(conn) if len > 0 && conn.closing.is_none() => {
                    conn.received(bid, len);
                    if self.srv.cfg.idle_timeout.is_some() {
                        conn.last_active = Instant::now();
                    }
                    if !conn.dirty {
                        conn.dirty = true;
                        self.dirty.push(slot);
                    }
                    self.live_in += len as u64;
                    conn.queued > HOLD && conn.recv && !conn.recv_cancelled && c.more()
                }
                _ => {
                    self.ring.give_back(bid);
                    false
                }
            };
            if hold {
                self.cancel_recv(slot, "the client is not taking its echo: stop reading it until it does")?;
            }
        }
        let Some(conn) = self.conns.get_mut(slot as usize).and_then(|x| x.as_mut()) else { return Ok(()) };
        match c.errno() {
            None if c.res == 0 => conn.eof = true,
            // out of buffers: armed again when some come back
            Some(Errno::ENOBUFS) if !c.more() && !conn.starved => {
                conn.starved = true;
                self.starved.push(slot);
            }
            Some(e) if e != Errno::ENOBUFS && e != Errno::ECANCELED && conn.closing.is_none() => {
                tracing::debug!("recv from {}: {}", conn.peer, crate::error::describe_errno(e));
                conn.closing = Some(reason_for(e));
            }
            _ => {}
        }
        if !c.more() {
            conn.recv = false;
            conn.recv_cancelled = false;
            self.progress(slot)?;
        }
        Ok(())
    }

    fn cancel_recv(&mut self, slot: u32, why: &'static str) -> Result<()> {
        let Some(conn) = self.conn(slot) else { return Ok(()) };
        if !conn.recv || conn.recv_cancelled {
            return Ok(());
        }
        conn.recv_cancelled = true;
        // SAFETY: a cancel carries no pointer.
        because(why, || unsafe { self.push(Sqe::Cancel { target: ud(RECV, slot) }, ud(CANCEL, slot)) })
    }

    fn on_send(&mut self, slot: u32, c: &Cqe) -> Result<()> {
        let track_idle = self.srv.cfg.idle_timeout.is_some();
        let Some(conn) = self.conns.get_mut(slot as usize).and_then(|x| x.as_mut()) else { return Ok(()) };
        let Some(len) = conn.sending.take() else { return Ok(()) };
        let echoed_before = conn.bytes_out > 0;
        let mut arm = false;
        match c.errno() {
            None => {
                let n = c.res as usize;
                conn.sent(&mut self.ring, n);
                self.live_out += n as u64;
                if track_idle && n > 0 {
                    conn.last_active = Instant::now();
                }
                if n < len {
                    conn.stalled = true;
                    arm = !conn.pollout;
                } else {
                    if conn.queued > 0 && !conn.dirty {
                        // more than one send's worth was queued
                        conn.dirty = true;
                        self.dirty.push(slot);
                    }
                    // A client that keeps its connection for more requests
                    // gets its POLLOUT poll now: with it, a send that cannot
                    // finish wakes the loop by itself, and the loop may
                    // sleep as it submits this client's echoes.
                    arm = echoed_before && !conn.pollout && conn.recv && !conn.eof;
                }
            }
            Some(Errno::EAGAIN) => {
                conn.stalled = true;
                arm = !conn.pollout;
            }
            Some(e) => {
                if conn.closing.is_none() {
                    tracing::debug!("send to {}: {}", conn.peer, crate::error::describe_errno(e));
                    conn.closing = Some(reason_for(e));
                }
            }
        }
        if arm && conn.closing.is_none() {
            conn.pollout = true;
            conn.pollout_cancelled = false;
            let sqe = Sqe::PollMulti { fd: conn.fd.raw(), events: libc::POLLOUT as u32 };
            // SAFETY: a poll carries no pointer.
            because("wake the loop when a send could not finish and the socket has room again", || unsafe {
                self.push(sqe, ud(POLL, slot))
            })?;
        }
        self.progress(slot)
    }

    fn on_pollout(&mut self, slot: u32, c: &Cqe) -> Result<()> {
        let Some(conn) = self.conns.get_mut(slot as usize).and_then(|x| x.as_mut()) else { return Ok(()) };
        if !c.more() {
            conn.pollout = false;
            conn.pollout_cancelled = false;
        }
        // writable, or an error the next send will tell
        if conn.stalled && c.errno() != Some(Errno::ECANCELED) {
            conn.stalled = false;
            if !conn.dirty {
                conn.dirty = true;
                self.dirty.push(slot);
            }
        }
        self.progress(slot)
    }

    /// What a connection needs next: its end (once nothing of it is in
    /// flight), or its receive armed again.
    fn progress(&mut self, slot: u32) -> Result<()> {
        let Some(conn) = self.conns.get_mut(slot as usize).and_then(|x| x.as_mut()) else { return Ok(()) };
        if conn.closing.is_none() && conn.eof && conn.queued == 0 && conn.sending.is_none() {
            conn.closing = Some("eof");
        }
        if conn.closing.is_some() {
            let (recv, poll) = (conn.recv && !conn.recv_cancelled, conn.pollout && !conn.pollout_cancelled);
            if recv {
                self.cancel_recv(slot, "the connection ends: its receive first")?;
            }
            if poll {
                if let Some(conn) = self.conn(slot) {
                    conn.pollout_cancelled = true;
                }
                // SAFETY: a cancel carries no pointer.
                because("the connection ends: its POLLOUT poll first", || unsafe {
                    self.push(Sqe::Cancel { target: ud(POLL, slot) }, ud(CANCEL, slot))
                })?;
            }
            return self.end(slot);
        }
        if !conn.recv && !conn.eof && !conn.starved && conn.queued <= RESUME {
            if self.ring.buffers_free().0 == 0 {
                conn.starved = true;
                self.starved.push(slot);
                return Ok(());
            }
            return self.arm_recv(slot);
        }
        Ok(())
    }

    /// Close a connection whose operations have all ended: `closed`, then
    /// IORING_OP_CLOSE (the client sees the end after the event).
    fn end(&mut self, slot: u32) -> Result<()> {
        let Some(conn) = self.conn(slot) else { return Ok(()) };
        if !conn.idle_in_ring() {
            return Ok(());
        }
        let Some(mut conn) = self.conns[slot as usize].take() else { return Ok(()) };
        conn.release(&mut self.ring);
        self.free.push(slot);
        self.live -= 1;
        self.live_in -= conn.bytes_in;
        self.live_out -= conn.bytes_out;
        let reason = conn.closing.unwrap_or("eof");
        self.srv.closed(conn.id, &conn.peer, conn.bytes_in, conn.bytes_out, conn.started, reason);
        let fd = conn.fd.into_raw();
        // SAFETY: a close carries no pointer.
        unsafe { self.push(Sqe::Close { fd }, ud(CLOSE, slot)) }
    }

    /// Accepts in flight: as many as [`ACCEPTS`], no more than the clients
    /// this loop may still take, none while paused or stopped.
    fn arm_accepts(&mut self) -> Result<()> {
        if !self.srv.may_accept(self.live) {
            if self.srv.paused() && !self.pause_armed {
                let ms = self.srv.pause_ms().unwrap_or(100).max(1) as u64;
                *self.pause_ts = Timespec::from(Duration::from_millis(ms));
                self.pause_armed = true;
                let sqe = Sqe::Timeout { ts: &*self.pause_ts, ms };
                // SAFETY: the timespec is boxed in the loop and not changed while armed.
                because("accepting is paused: try again then", || unsafe { self.push(sqe, ud(PAUSE, 0)) })?;
            }
            return Ok(());
        }
        let in_flight = ACCEPTS - self.accept_free.len();
        let want = self.srv.room(self.live).map_or(ACCEPTS, |r| (r as usize).min(ACCEPTS));
        for _ in in_flight..want {
            let Some(k) = self.accept_free.pop() else { break };
            let a = &mut self.addrs[k as usize];
            a.len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            let sqe = Sqe::Accept { listener: self.listener.raw(), addr: &mut a.addr, len: &mut a.len };
            // SAFETY: the address slot is boxed in the loop and not reused
            // until this accept's completion gives it back.
            unsafe { self.push(sqe, ud(ACCEPT, k)) }?;
        }
        Ok(())
    }

    /// Queue a send for each connection with bytes to echo and none in
    /// flight.
    fn send_dirty(&mut self) -> Result<()> {
        let mut dirty = std::mem::take(&mut self.dirty);
        for &slot in &dirty {
            self.send_one(slot)?;
        }
        dirty.clear();
        if self.dirty.is_empty() {
            self.dirty = dirty;
        }
        Ok(())
    }

    fn send_one(&mut self, slot: u32) -> Result<()> {
        if self.arena.used == ARENA_MSGS {
            // every queued send completes as it is submitted: the arena is
            // free after, unless the kernel took nothing (EAGAIN, EBUSY):
            // then its msghdrs are still to be read, and this send waits
            // for the next turn
            match self.ring.submit() {
                Ok(_) | Err(Errno::EAGAIN | Errno::EBUSY | Errno::EINTR) => {}
                Err(e) => return Err(Error::sys(Op::IoUringEnter, e)),
            }
            if self.ring.queued() > 0 {
                self.dirty.push(slot);
                return Ok(());
            }
            self.arena.used = 0;
        }
        let Some(conn) = self.conns.get_mut(slot as usize).and_then(|c| c.as_mut()) else { return Ok(()) };
        if !conn.dirty || conn.closing.is_some() || conn.stalled || conn.sending.is_some() || conn.queued == 0 {
            conn.dirty = false;
            return Ok(());
        }
        conn.dirty = false;
        let fd = conn.fd.raw();
        let spill = conn.spill_rest().len();
        let sqe = if spill == 0 && conn.segs.len() == 1 {
            let s = conn.segs[0];
            conn.sending = Some(s.len as usize);
            Sqe::Send { fd, buf: self.ring.buffer_ptr(s.bid, s.off), len: s.len }
        } else {
            let m = self.arena.used;
            let iov = &mut self.arena.iov[m * MAX_IOV..(m + 1) * MAX_IOV];
            let mut n = 0;
            let mut len = 0;
            if spill > 0 {
                let rest = conn.spill_rest();
                iov[0] = libc::iovec { iov_base: rest.as_ptr() as *mut _, iov_len: rest.len() };
                n = 1;
                len = rest.len();
            }
            for s in conn.segs.iter().take(MAX_IOV - n) {
                iov[n] =
                    libc::iovec { iov_base: self.ring.buffer_ptr(s.bid, s.off) as *mut _, iov_len: s.len as usize };
                n += 1;
                len += s.len as usize;
            }
            let msg = &mut self.arena.msgs[m];
            msg.msg_iov = iov.as_mut_ptr();
            msg.msg_iovlen = n;
            self.arena.used += 1;
            conn.sending = Some(len);
            Sqe::SendMsg { fd, msg: msg as *const libc::msghdr, iovs: n, len }
        };
        // Counted: a send whose full completion leaves nothing for the loop
        // to do (all that was queued, the receive still armed), and whose
        // short completion wakes the loop anyway (the POLLOUT poll).
        let conn = self.conns[slot as usize].as_ref().filter(|c| {
            c.pollout && !c.pollout_cancelled && c.recv && !c.recv_cancelled && !c.eof && c.sending == Some(c.queued)
        });
        self.counted += u32::from(conn.is_some());
        // SAFETY: the bytes are in provided buffers the connection holds
        // (given back only after this send's completion) or in its spill
        // (not touched until then), the msghdr and iovecs in the arena,
        // reused only after the ring has been entered.
        unsafe { self.push(sqe, ud(SEND, slot)) }
    }

    /// After a turn's completions: re-arm the receives that ran out of
    /// buffers, and when buffers run low, copy stalled clients' bytes out
    /// of the pool.
    fn after_turn(&mut self) -> Result<()> {
        let (free, all) = self.ring.buffers_free();
        if free < all / 4 {
            for slot in 0..self.conns.len() {
                if let Some(conn) = self.conns[slot].as_mut() {
                    if conn.stalled && !conn.segs.is_empty() {
                        conn.spill_segments(&mut self.ring);
                    }
                }
                if self.ring.buffers_free().0 >= all / 2 {
                    break;
                }
            }
        }
        // At most one receive per free buffer, the longest starved first:
        // re-arming them all at once would see most fail with ENOBUFS
        // again (with 500 clients and 256 buffers, more than two failed
        // receives per request were measured: BENCHMARKS.md).
        // Entries whose connection ended (or whose slot a new connection
        // took) are dropped without using up the quota.
        let mut free = self.ring.buffers_free().0;
        if !self.starved.is_empty() && free > 0 {
            let mut waiting = Vec::new();
            for slot in std::mem::take(&mut self.starved) {
                let Some(conn) = self.conn(slot).filter(|c| c.starved) else { continue };
                if free == 0 {
                    waiting.push(slot);
                    continue;
                }
                free -= 1;
                conn.starved = false;
                self.progress(slot)?;
            }
            // the ones still waiting go first next time
            waiting.append(&mut self.starved);
            self.starved = waiting;
        }
        Ok(())
    }

    fn expire_idle(&mut self) -> Result<()> {
        let Some(limit) = self.srv.cfg.idle_timeout else { return Ok(()) };
        let now = Instant::now();
        for slot in 0..self.conns.len() as u32 {
            let Some(conn) = self.conn(slot) else { continue };
            if conn.closing.is_none() && now.duration_since(conn.last_active) >= limit {
                conn.closing = Some("timeout");
                self.progress(slot)?;
            }
        }
        Ok(())
    }

    /// The end of the loop: cancel everything in flight, close every
    /// client ("shutdown"), refuse the backlog, and (alone) say `stopped`.
    fn shut_down(&mut self, stop: Option<&'static str>) {
        self.ring.cancel_all();
        let mut cqes = std::mem::take(&mut self.leftover);
        let _ = self.ring.run_completions();
        let mut more = Vec::new();
        self.ring.reap(&mut more);
        cqes.extend(more);
        for c in &cqes {
            if c.user_data >> 32 == ACCEPT && c.res >= 0 {
                // accepted just before the cancel: refused as the backlog is
                // SAFETY: the accept returned this descriptor: open and ours.
                let fd = unsafe { Fd::from_raw(c.res) };
                let slot = &self.addrs[(c.user_data as u32) as usize];
                let peer = sys::raw_storage_to_addr(&slot.addr, slot.len);
                self.srv.out.emit(&crate::commands::echo_server::Event::Rejected {
                    peer: peer.map_or_else(|| "?".into(), |p| p.to_string()),
                    reason: "server stopping".into(),
                });
                drop(fd);
            } else if let Some(bid) = c.buffer() {
                self.ring.give_back(bid);
            }
        }
        for slot in 0..self.conns.len() {
            if let Some(mut conn) = self.conns[slot].take() {
                conn.release(&mut self.ring);
                let reason = conn.closing.unwrap_or("shutdown");
                self.srv.closed(conn.id, &conn.peer, conn.bytes_in, conn.bytes_out, conn.started, reason);
                drop(conn);
            }
        }
        if self.member.is_some() {
            self.srv.reject_backlog(self.listener);
        } else {
            self.srv.shut_down(Vec::new(), self.listener, stop);
        }
        self.srv.out.flush();
    }
}
