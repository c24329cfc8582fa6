//! The epoll model: one thread, one epoll instance, level-triggered.
//!
//! Level-triggered because it is the simpler contract and, with bounded
//! reads per wake-up, costs nothing here: a connection is registered for
//! EPOLLIN while nothing is pending and for EPOLLOUT only while echoed
//! bytes wait for the peer (backpressure), so epoll_ctl runs only on those
//! transitions, never per request. Unlike select() and poll(), the cost of
//! a wake-up does not grow with the number of idle connections.
//!
//! `--threads N` runs N such loops on N threads, each with its own
//! listener on the port (SO_REUSEPORT) and its own epoll instance: see
//! `loops.rs` for how they share the port and why not EPOLLEXCLUSIVE.
//!
//! Try it: `netlab --trace echo-server --model epoll 9190`.

use super::conn::{live_bytes, Conn, Next};
use super::loops::{self, Member};
use super::{Config, Server};
use crate::error::{Error, Op, Result};
use crate::output::Out;
use crate::sys::{self, Fd};
use nix::errno::Errno;

const ACCEPTS_PER_WAKE: usize = 64;
const MAX_EVENTS: usize = 512;
const IN: u32 = sys::EPOLLIN;
const OUT: u32 = sys::EPOLLOUT;

/// The interest a connection needs now.
fn interest(c: &Conn) -> u32 {
    (if c.wants_read() { IN } else { 0 }) | (if c.wants_write() { OUT } else { 0 })
}

pub fn serve(listener: Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    if cfg.threads() > 1 {
        // each loop's epoll instance, made before `listening`
        let states = (0..cfg.threads()).map(|_| sys::Epoll::new()).collect::<Result<Vec<_>>>()?;
        return loops::serve(listener, cfg, out, states, |ep, srv, listener, member| {
            event_loop(ep, srv, listener, Some(member))
        });
    }
    let mut srv = Server::new(cfg, out, false, &listener)?;
    event_loop(sys::Epoll::new()?, &mut srv, &listener, None)
}

/// One loop: alone (it handles the signals and prints `stopped`), or one
/// `member` of a `--threads` server (woken through its pipe).
fn event_loop(ep: sys::Epoll, srv: &mut Server<'_>, listener: &Fd, member: Option<&Member<'_>>) -> Result<()> {
    let cfg = srv.cfg;
    let out = srv.out;
    // Every registration's data is its descriptor, as the course's
    // `event.data.fd = fd`: the signal pipe (a loop of a --threads server:
    // its wake-up pipe), the listener, and each client (whose descriptor
    // also indexes the connection table).
    let wake = match member {
        Some(m) => m.wake_fd(),
        None => srv.wake_fd()?,
    };
    let (signals, listening_fd) = (wake.raw(), listener.raw());
    ep.add(wake, IN, signals as u64).map_err(|e| Error::sys(Op::EpollCtl, e))?;
    ep.add(listener, IN, listening_fd as u64).map_err(|e| Error::sys(Op::EpollCtl, e))?;
    let mut listening = true;
    out.set_buffered(true);
    // Connections indexed by descriptor number (the kernel hands out the
    // lowest free one, so the table stays dense); `interest` mirrors what
    // epoll has registered for each.
    let mut conns: Vec<Option<Conn>> = Vec::new();
    let mut interests: Vec<u32> = Vec::new();
    let mut live: u64 = 0;
    let mut scratch = vec![0u8; cfg.buffer_size];
    let mut events = vec![sys::epoll_entry(); MAX_EVENTS];
    let pid = std::process::id();
    let stop = 'run: loop {
        if srv.done(live) {
            break None;
        }
        let accepting = srv.may_accept(live);
        if accepting != listening {
            // Out of the set while not accepting, not just interest 0: epoll
            // reports EPOLLHUP whatever the interest, and a listener shut
            // down at --max-conns has it for good (a busy loop).
            if accepting { ep.add(listener, IN, listening_fd as u64) } else { ep.delete(listener) }
                .map_err(|e| Error::sys(Op::EpollCtl, e))?;
            listening = accepting;
        }
        out.flush();
        let n = match ep.wait(&mut events, srv.wait_ms(accepting).unwrap_or(-1)) {
            Ok(n) => n,
            Err(Errno::EINTR) => 0,
            Err(e) => return Err(Error::sys(Op::EpollWait, e)),
        };
        if n == 0 && member.is_none() {
            if let Some(sig) = srv.check_signals_live(|| live_bytes(&conns)) {
                break Some(sig);
            }
        }
        for ev in &events[..n] {
            let (data, flags) = (ev.data(), ev.events().bits() as u32);
            match data as i32 {
                fd if fd == signals => {
                    let stop = match member {
                        Some(m) => m.on_wake(srv, listener, || live_bytes(&conns)),
                        None => srv.check_signals_live(|| live_bytes(&conns)).map(Some),
                    };
                    if let Some(sig) = stop {
                        break 'run sig;
                    }
                }
                fd if fd == listening_fd => {
                    for _ in 0..ACCEPTS_PER_WAKE {
                        if !srv.may_accept(live) {
                            break;
                        }
                        let Some((fd, peer, id)) = srv.accept(listener, true)? else { break };
                        let slot = fd.raw() as usize;
                        if let Err(e) = ep.add(&fd, IN, slot as u64) {
                            tracing::warn!("epoll_ctl ADD for {peer}: {}", crate::error::describe_errno(e));
                            srv.out.emit(&super::Event::Rejected {
                                peer: peer.to_string(),
                                reason: format!("epoll_ctl failed ({})", crate::error::errno_name(e)),
                            });
                            srv.closed_quietly();
                            continue;
                        }
                        if conns.len() <= slot {
                            conns.resize_with(slot + 1, || None);
                            interests.resize(slot + 1, 0);
                        }
                        srv.emit_accepted(id, &peer, &fd, pid);
                        conns[slot] = Some(Conn::new(fd, id, peer, cfg.idle_timeout.is_some()));
                        interests[slot] = IN;
                        live += 1;
                    }
                }
                fd => {
                    let slot = fd as usize;
                    let Some(c) = conns.get_mut(slot).and_then(|c| c.as_mut()) else { continue };
                    let mut next = Next::Keep;
                    if flags & OUT != 0 && c.wants_write() {
                        next = c.on_writable();
                    }
                    if next == Next::Keep && flags & !OUT != 0 && c.wants_read() {
                        next = c.on_readable(&mut scratch);
                    }
                    match next {
                        Next::Keep => {
                            let want = interest(c);
                            if want != interests[slot] {
                                if let Err(e) = ep.modify(&c.fd, want, slot as u64) {
                                    tracing::warn!("epoll_ctl MOD: {}", crate::error::describe_errno(e));
                                }
                                interests[slot] = want;
                            }
                        }
                        // close() also removes it from the epoll set.
                        Next::Close(reason) => srv.close_slot(&mut conns[slot], &mut live, reason),
                    }
                }
            }
        }
        srv.expire_idle(&mut conns, &mut live);
    };
    loops::finish(srv, conns, listener, stop, member.is_none());
    Ok(())
}
