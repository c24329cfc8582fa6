//! The fork model: a child process per connection, as the course builds
//! it. The parent installs a SIGCHLD handler with sigaction and reaps with
//! a `waitpid(-1, WNOHANG)` loop (signals coalesce: one wait per signal
//! would leak zombies). The child closes the listening socket, the parent
//! the client socket.
//!
//! The child does nothing but echo: every page it writes after fork() is a
//! copy-on-write fault, so it formats no events and allocates nothing. Its
//! byte counts and its reason for ending go to its slot in a shared
//! anonymous mapping (the reason also to its exit status); the parent turns
//! them into the `closed` event. A child marks its end before it closes the
//! client's socket, and the parent looks for such marks before it announces
//! a new connection: a client that saw its echo end and connects again sees
//! `closed` of the old connection before `accepted` of the new one, in
//! every run (`reaped` follows whenever SIGCHLD is handled). Children
//! started while as many as there are CPUs already serve run under
//! SCHED_BATCH (see `echo_server::run_as_batch`).
//!
//! Try it: `netlab --trace echo-server --model fork 9190`, connect twice,
//! and watch `fork() = …`, `[pid N] close(3) = 0`, `waitpid(-1, WNOHANG)`.

use super::conn::{echo_blocking, SharedBytes};
use super::Event;
use super::{Config, Server};
use crate::error::{Error, Op, Result};
use crate::output::Out;
use crate::signals;
use crate::sys::Addr;
use crate::sys::{self, Fd};
use nix::sys::signal::Signal;
use nix::unistd::ForkResult;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Per-connection counters shared with the children: each live child owns
/// one slot (bytes_in, bytes_out, ended), handed out from a free list and
/// returned when the child is reaped. `ended` is 0 while the child serves,
/// then its exit code + 1. One more slot after them counts the ends, so the
/// parent looks through its children only when one has ended.
const SLOTS: usize = 1 << 16;

/// u64 words per slot.
const SLOT_WORDS: usize = 3;

/// Exit statuses of a child: why its connection ended (4, "shutdown", is
/// also what the inherited signal handler exits with on SIGINT/SIGTERM).
const REASONS: [&str; 5] = ["eof", "reset", "timeout", "error", "shutdown"];

struct SharedCounters {
    ptr: std::ptr::NonNull<libc::c_void>,
}

impl SharedCounters {
    fn new() -> Result<SharedCounters> {
        // a fresh mapping, zero-filled by the kernel (a valid AtomicU64
        // array); pages are touched only as slots are used
        let ptr = crate::logging::because(
            "shared with the children: each marks its client's end for the parent's `closed`",
            || sys::mmap_shared((SLOTS + 1) * SLOT_WORDS * 8),
        )
        .map_err(|e| Error::sys(Op::Mmap, e))?;
        Ok(SharedCounters { ptr })
    }

    /// (bytes_in, bytes_out) of slot `index` (< SLOTS).
    fn slot(&self, index: usize) -> (&AtomicU64, &AtomicU64) {
        (self.word(index % SLOTS, 0), self.word(index % SLOTS, 1))
    }

    /// How the child in slot `index` ended: 0 while it serves, else its
    /// exit code + 1.
    fn ended(&self, index: usize) -> &AtomicU64 {
        self.word(index % SLOTS, 2)
    }

    /// Why the child in slot `index` ended, once it has marked its end.
    fn end_reason(&self, index: usize) -> Option<&'static str> {
        match self.ended(index).load(Ordering::Acquire) {
            0 => None,
            mark => Some(REASONS.get(mark as usize - 1).copied().unwrap_or("error")),
        }
    }

    /// How many children have marked their end, ever.
    fn ends(&self) -> &AtomicU64 {
        self.word(SLOTS, 0)
    }

    fn word(&self, slot: usize, word: usize) -> &AtomicU64 {
        let i = slot * SLOT_WORDS + word;
        assert!(i < (SLOTS + 1) * SLOT_WORDS);
        // SAFETY: i is inside the mapping (checked above), which lives as
        // long as self.
        unsafe { &*(self.ptr.as_ptr() as *const AtomicU64).add(i) }
    }
}

/// What the parent remembers about a live child.
struct Child {
    id: u64,
    slot: usize,
    peer: Addr,
    started: Instant,
    /// its `closed` event is out (it marked its end; not reaped yet)
    announced: bool,
}

pub fn serve(listener: Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    let mut srv = Server::new_blocking(cfg, out, true, &listener)?;
    let shared = SharedCounters::new()?;
    let mut live: HashMap<i32, Child> = HashMap::new();
    // Slots come back here when their child is reaped; slots never used
    // yet are handed out by the counter (no 65,536-entry list in memory:
    // every page the parent holds is a page fork() has to map).
    let mut free_slots: Vec<usize> = Vec::new();
    let mut never_used = 0usize;
    // Allocated once, before any fork: a child writes into it (its own
    // copy-on-write pages) instead of allocating.
    let mut buf = vec![0u8; cfg.buffer_size];
    out.set_buffered(true);
    let batch_after = super::batch_after();
    // ends the parent has announced (see `announce_ended`)
    let mut ends_seen = 0u64;
    let stop = loop {
        // The SIGCHLD path: the handler only noted it; the exited children
        // are reaped here with the waitpid(-1, WNOHANG) loop.
        if signals::take_chld() {
            reap(&mut live, &mut free_slots, &shared, &mut srv);
        }
        srv.totals.conns_now = live.len() as u64;
        if signals::take_usr1() {
            // totals so far, plus what live children have moved (those
            // whose `closed` is out are in the totals already)
            let mut t = srv.totals;
            t.conns_now = live.values().filter(|c| !c.announced).count() as u64;
            for c in live.values().filter(|c| !c.announced) {
                let (bi, bo) = shared.slot(c.slot);
                t.bytes_in += bi.load(Ordering::Relaxed);
                t.bytes_out += bo.load(Ordering::Relaxed);
            }
            srv.emit_stats(t);
        }
        if let Some(sig) = signals::stop_requested() {
            break Some(sig);
        }
        if srv.done(live.len() as u64) {
            break None;
        }
        let Some(slot) = free_slots.pop().or_else(|| {
            (never_used < SLOTS).then(|| {
                never_used += 1;
                never_used - 1
            })
        }) else {
            // every counter slot is taken: wait for a child to end
            srv.wait_while_paused();
            continue;
        };
        if !srv.may_accept(live.len() as u64) {
            free_slots.push(slot);
            srv.wait_while_paused();
            continue;
        }
        out.flush();
        // accept() blocks until a client comes or a signal (SIGCHLD among
        // them) interrupts it
        let accepted = signals::blocking(|| srv.accept(&listener, false)).transpose()?.flatten();
        let Some((fd, peer, id)) = accepted else {
            free_slots.push(slot);
            continue;
        };
        let (bytes_in, bytes_out) = shared.slot(slot);
        bytes_in.store(0, Ordering::Relaxed);
        bytes_out.store(0, Ordering::Relaxed);
        shared.ended(slot).store(0, Ordering::Relaxed);
        // Before this child exists (it could end, and count its end, before
        // it is in `live`): a client whose earlier connection has ended, and
        // who made this one, finds its mark.
        announce_ended(&mut live, &shared, &mut ends_seen, &mut srv);
        let run_as_batch = live.len() >= batch_after;
        // No flush before fork(): the child never writes to stdout (it
        // leaves with _exit, so its copy of the buffer is never written).
        // SAFETY: netlab is single-threaded here (no runtime, no threads
        // started), so the child may run any code.
        match unsafe { sys::fork() } {
            Ok(ForkResult::Child) => {
                // The child serves this one connection: close the listening
                // socket (the course's close(serv_sock)).
                // SAFETY: the child's copy of the listener is owned by a
                // structure it never drops (it leaves with _exit) and is
                // never used again.
                unsafe {
                    let _ = sys::close_number(listener.raw());
                }
                if run_as_batch {
                    super::run_as_batch();
                }
                let counters = SharedBytes { bytes_in, bytes_out };
                let end = echo_blocking(&fd, &mut buf, cfg.idle_timeout, None, Some(&counters));
                let code = REASONS.iter().position(|r| *r == end.reason).unwrap_or(3) as i32;
                // The end is marked before the client can see it (the close
                // below), so the parent finds it before it announces any
                // connection the client makes next.
                shared.ended(slot).store(code as u64 + 1, Ordering::Release);
                shared.ends().fetch_add(1, Ordering::Release);
                // The course's close(clnt_sock) before the child returns
                // (exit would close it too, but --trace shows this one).
                // SAFETY: as above, `fd` is never dropped in the child.
                unsafe {
                    let _ = sys::close_number(fd.raw());
                }
                // _exit skips the parent's destructors, which belong to the
                // parent; the kernel closes the child's remaining
                // descriptors.
                sys::exit_now(code);
            }
            Ok(ForkResult::Parent { child }) => {
                let pid = child.as_raw();
                srv.emit_accepted(id, &peer, &fd, pid as u32);
                live.insert(pid, Child { id, slot, peer, started: Instant::now(), announced: false });
            }
            Err(e) => {
                free_slots.push(slot);
                tracing::warn!("fork: {}; refusing {peer}", crate::error::describe_errno(e));
                out.emit(&Event::Rejected { peer: peer.to_string(), reason: format!("fork failed ({e:?})") });
                srv.closed_quietly();
            }
        }
        drop(fd); // the parent does not serve: close(clnt_sock)
    };
    // Stop the children, then reap every one of them.
    for pid in live.keys() {
        let _ = sys::kill(*pid, Signal::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    while !live.is_empty() && Instant::now() < deadline {
        reap(&mut live, &mut free_slots, &shared, &mut srv);
        if !live.is_empty() {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    for pid in live.keys() {
        let _ = sys::kill(*pid, Signal::SIGKILL);
    }
    while !live.is_empty() {
        match sys::waitpid_any_blocking() {
            Ok(Some((pid, status))) => finish(pid, &status, "shutdown", &mut live, &mut free_slots, &shared, &mut srv),
            Ok(None) | Err(_) => break,
        }
    }
    // then refuse who still waits, as every model does: the served
    // connections' `closed` come before the waiting ones' `rejected`
    srv.reject_backlog(&listener);
    drop(listener);
    srv.stopped(stop);
    Ok(())
}

/// The `closed` event of every child that has marked its end and is not
/// reaped yet (its connection is over: its client may already have
/// connected again).
fn announce_ended(live: &mut HashMap<i32, Child>, shared: &SharedCounters, seen: &mut u64, srv: &mut Server<'_>) {
    let ends = shared.ends().load(Ordering::Acquire);
    if ends == *seen {
        return;
    }
    *seen = ends;
    for c in live.values_mut().filter(|c| !c.announced) {
        if let Some(reason) = shared.end_reason(c.slot) {
            let (bi, bo) = shared.slot(c.slot);
            srv.closed(c.id, &c.peer, bi.load(Ordering::Relaxed), bo.load(Ordering::Relaxed), c.started, reason);
            c.announced = true;
        }
    }
}

/// Reap every child that has exited (the waitpid(WNOHANG) loop) and
/// announce its connection's end (unless `announce_ended` has).
fn reap(live: &mut HashMap<i32, Child>, free: &mut Vec<usize>, shared: &SharedCounters, srv: &mut Server<'_>) {
    if live.is_empty() {
        return; // no children: waitpid would only say ECHILD
    }
    while let Ok(Some((pid, status))) = sys::waitpid_any_nohang() {
        let reason = match status.strip_prefix("exited ").and_then(|c| c.parse::<usize>().ok()) {
            Some(code) => REASONS.get(code).copied().unwrap_or("error"),
            None if signals::stop_requested().is_some() => "shutdown",
            None => "error",
        };
        finish(pid, &status, reason, live, free, shared, srv);
    }
}

fn finish(
    pid: i32,
    status: &str,
    reason: &str,
    live: &mut HashMap<i32, Child>,
    free: &mut Vec<usize>,
    shared: &SharedCounters,
    srv: &mut Server<'_>,
) {
    if let Some(c) = live.remove(&pid) {
        // a child that marked its end and was then stopped ended as it said
        let reason = shared.end_reason(c.slot).unwrap_or(reason);
        if !c.announced {
            let (bi, bo) = shared.slot(c.slot);
            srv.closed(c.id, &c.peer, bi.load(Ordering::Relaxed), bo.load(Ordering::Relaxed), c.started, reason);
        }
        free.push(c.slot);
    }
    srv.out.emit(&crate::events::Event::Reaped {
        pid,
        status: status.to_string(),
        call: None,
        by: None,
        exited: None,
        code: None,
        signaled: None,
        signal: None,
    });
}
