//! The thread model: one thread per connection, each running the blocking
//! echo loop (멀티쓰레딩 기반 서버). The main thread accepts; workers block
//! the server's signals so only the main thread sees them. `--max-clients`
//! caps the live threads (more connections wait in the backlog). On
//! SIGINT/SIGTERM the main thread shuts every client socket down, which
//! wakes its worker, and joins them all. Workers started once there are
//! as many as CPUs run under SCHED_BATCH (`sched_setscheduler`): see
//! `echo_server::run_as_batch`.
//!
//! Try it: `netlab --trace echo-server --model thread 9190` (trace lines of
//! a worker carry its name, `[conn N]`).

use super::conn::{echo_blocking, SharedBytes};
use super::server::closed_event;
use super::Event;
use super::{Config, Server};
use crate::error::{Error, Op, Result};
use crate::logging::because;
use crate::output::Out;
use crate::sys::{self, Fd};
use nix::errno::Errno;
use std::collections::HashMap;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Instant;

/// Worker stacks: the echo loop needs little (its buffer is on the heap).
const STACK: usize = 128 * 1024;

/// State the workers share with the main thread.
struct Shared {
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
    stopping: AtomicBool,
    /// live client descriptors, to shut them down at stop
    fds: Mutex<HashMap<u64, RawFd>>,
}

pub fn serve(listener: Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    let mut srv = Server::new(cfg, out, false, &listener)?;
    crate::logging::mark_threaded();
    let shared = Arc::new(Shared {
        bytes_in: AtomicU64::new(0),
        bytes_out: AtomicU64::new(0),
        stopping: AtomicBool::new(false),
        fds: Mutex::new(HashMap::new()),
    });
    // A finished worker sends its id and writes a byte to wake the loop.
    let (done_tx, done_rx) = mpsc::channel::<u64>();
    let (wake_r, wake_w) = sys::pipe("a worker that ends wakes the main thread through it")?;
    let wake_w = Arc::new(wake_w);
    let mut workers: HashMap<u64, std::thread::JoinHandle<()>> = HashMap::new();
    let pid = std::process::id();
    let batch_after = super::batch_after();
    let stop = loop {
        while let Ok(id) = done_rx.try_recv() {
            if let Some(h) = workers.remove(&id) {
                let _ = h.join();
            }
        }
        srv.totals.conns_now = workers.len() as u64;
        let live = workers.len() as u64;
        if srv.done(live) {
            break None;
        }
        let accepting = srv.may_accept(live);
        let mut fds = vec![sys::pollfd(srv.wake_fd()?.raw(), libc::POLLIN), sys::pollfd(wake_r.raw(), libc::POLLIN)];
        if accepting {
            fds.push(sys::pollfd(listener.raw(), libc::POLLIN));
        }
        let wait = if accepting { -1 } else { srv.pause_ms().unwrap_or(-1) };
        match because("one wait for a client, a worker's end or a signal", || sys::poll(&mut fds, wait)) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(Error::sys(Op::Poll, e)),
        }
        if fds[1].revents != 0 {
            let mut b = [0u8; 256];
            while matches!(sys::read(&wake_r, &mut b), Ok(n) if n > 0) {}
        }
        // the workers count every byte as it moves (totals are set at the end)
        let moved = || (shared.bytes_in.load(Ordering::Relaxed), shared.bytes_out.load(Ordering::Relaxed));
        if let Some(sig) = srv.check_signals_live(moved) {
            break Some(sig);
        }
        if !accepting || fds[2].revents == 0 {
            continue;
        }
        let Some((fd, peer, id)) = srv.accept(&listener, false)? else { continue };
        srv.emit_accepted(id, &peer, &fd, pid);
        shared.fds.lock().unwrap_or_else(|p| p.into_inner()).insert(id, fd.raw());
        let (out2, shared2, done2, wake2) = (out.clone(), shared.clone(), done_tx.clone(), wake_w.clone());
        let (buffer_size, idle) = (cfg.buffer_size, cfg.idle_timeout);
        let shown = peer.to_string();
        let batch = workers.len() >= batch_after;
        let spawned = sys::spawn_thread(format!("conn {id}"), STACK, move || {
            sys::block_server_signals();
            if batch {
                super::run_as_batch();
            }
            let started = Instant::now();
            let counters = SharedBytes { bytes_in: &shared2.bytes_in, bytes_out: &shared2.bytes_out };
            // Out of memory for this client's buffer: this client is
            // closed, the server and the other clients carry on.
            let end = match zeroed_buffer(buffer_size) {
                Some(mut buf) => echo_blocking(&fd, &mut buf, idle, None, Some(&counters)),
                None => {
                    tracing::warn!("conn {id} {peer}: no memory for a {buffer_size}-byte buffer; closing it");
                    super::conn::BlockingEnd { bytes_in: 0, bytes_out: 0, reason: "error" }
                }
            };
            // `closed` goes out before the socket is closed: a client that
            // saw its echo end and connects again sees this connection's
            // `closed` before the next one's `accepted`, in every run.
            let reason = if shared2.stopping.load(Ordering::SeqCst) { "shutdown" } else { end.reason };
            out2.emit(&closed_event(id, &peer, end.bytes_in, end.bytes_out, started, reason));
            shared2.fds.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
            drop(fd);
            let _ = done2.send(id);
            let _ = sys::write(&wake2, &[1]);
        });
        match spawned {
            Ok(h) => {
                workers.insert(id, h);
            }
            Err(e) => {
                // The closure (and with it the socket) is dropped: the
                // client sees the connection close.
                shared.fds.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
                tracing::warn!("cannot start a thread for {shown}: {e}");
                out.emit(&Event::Rejected { peer: shown, reason: format!("no thread: {e}") });
                srv.closed_quietly();
            }
        }
    };
    // Wake every worker: shutdown(SHUT_RDWR) makes its read() return 0.
    shared.stopping.store(true, Ordering::SeqCst);
    for (_, raw) in shared.fds.lock().unwrap_or_else(|p| p.into_inner()).iter() {
        // The worker owns the descriptor and removes it from this map
        // (under the lock held here) before closing it, so it is open.
        let _ = sys::shutdown_number(*raw, nix::sys::socket::Shutdown::Both);
    }
    for (_, h) in workers.drain() {
        let _ = h.join();
    }
    srv.totals.conns_now = 0;
    srv.totals.bytes_in = shared.bytes_in.load(Ordering::Relaxed);
    srv.totals.bytes_out = shared.bytes_out.load(Ordering::Relaxed);
    srv.reject_backlog(&listener);
    srv.stopped(stop);
    Ok(())
}

/// A zeroed buffer, or None when the allocation fails (vec! would abort the
/// whole process instead). Zeroed by the allocator, as vec! does, so the
/// pages are only touched as reads fill them.
fn zeroed_buffer(len: usize) -> Option<Vec<u8>> {
    if len == 0 {
        return Some(Vec::new());
    }
    let layout = std::alloc::Layout::array::<u8>(len).ok()?;
    // SAFETY: the layout has a non-zero size.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `ptr` comes from the global allocator with this layout (u8,
    // `len` bytes), and all `len` bytes are initialised (zero).
    Some(unsafe { Vec::from_raw_parts(ptr, len, len) })
}
