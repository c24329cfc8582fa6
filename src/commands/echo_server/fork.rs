//! The fork model: a child process per connection, as the course builds
//! it. The parent installs a SIGCHLD handler with sigaction and reaps with
//! a `waitpid(-1, WNOHANG)` loop (signals coalesce: one wait per signal
//! would leak zombies). The child closes the listening socket, the parent
//! the client socket. Byte counts live in a shared anonymous mapping so the
//! parent's `stats` and `stopped` events include its children's traffic.
//!
//! Try it: `netlab --trace echo-server --model fork 9190`, connect twice,
//! and watch `fork() = …`, `[pid N] close(3) = 0`, `waitpid(-1, WNOHANG)`.

use super::conn::{echo_blocking, SharedBytes};
use super::{Config, Server};
use crate::error::{Error, Result};
use crate::output::{Event, Out};
use crate::signals;
use crate::sys::{self, Fd};
use nix::errno::Errno;
use nix::sys::signal::Signal;
use nix::unistd::ForkResult;
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Two counters in a MAP_SHARED anonymous page, visible to every child.
struct SharedCounters {
    ptr: std::ptr::NonNull<libc::c_void>,
}

impl SharedCounters {
    fn new() -> Result<SharedCounters> {
        use nix::sys::mman::{mmap_anonymous, MapFlags, ProtFlags};
        let len = std::num::NonZeroUsize::new(4096).ok_or_else(|| Error::failed("mmap length"))?;
        // SAFETY: a fresh anonymous mapping, zero-filled by the kernel,
        // aliased by nothing else in this process.
        let ptr =
            unsafe { mmap_anonymous(None, len, ProtFlags::PROT_READ | ProtFlags::PROT_WRITE, MapFlags::MAP_SHARED) }
                .map_err(|e| Error::sys("mmap", e))?;
        Ok(SharedCounters { ptr })
    }

    fn get(&self, i: usize) -> &AtomicU64 {
        // SAFETY: the page holds 512 u64 slots, zero-initialised (a valid
        // AtomicU64), page-aligned, and lives as long as self.
        unsafe { &*(self.ptr.as_ptr() as *const AtomicU64).add(i) }
    }
}

pub fn serve(listener: Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    sys::set_nonblocking(&listener, true).map_err(|e| Error::sys("fcntl O_NONBLOCK", e))?;
    let mut srv = Server::new(cfg, out, true)?;
    let shared = SharedCounters::new()?;
    let mut live: HashSet<i32> = HashSet::new();
    let stop = loop {
        reap(&mut live, out);
        srv.totals.conns_now = live.len() as u64;
        srv.totals.bytes_in = shared.get(0).load(Ordering::Relaxed);
        srv.totals.bytes_out = shared.get(1).load(Ordering::Relaxed);
        if srv.done(live.len() as u64) {
            break None;
        }
        let accepting = srv.may_accept(live.len() as u64);
        let mut fds = vec![sys::pollfd(srv.signals.fd().raw(), libc::POLLIN)];
        if accepting {
            fds.push(sys::pollfd(listener.raw(), libc::POLLIN));
        }
        match sys::poll(&mut fds, if accepting { -1 } else { srv.pause_ms().unwrap_or(-1) }) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(Error::sys("poll", e)),
        }
        signals::take_chld();
        if let Some(sig) = srv.check_signals() {
            break Some(sig);
        }
        if !accepting || fds[1].revents == 0 {
            continue;
        }
        let Some((fd, peer, id)) = srv.accept(&listener, false)? else { continue };
        let started = Instant::now();
        out.flush();
        // SAFETY: netlab is single-threaded here (no runtime, no threads
        // started), so the child may run any code.
        match unsafe { sys::fork() } {
            Ok(ForkResult::Child) => {
                signals::reset_in_child();
                crate::logging::mark_forked_child();
                drop(listener); // the child does not accept: close(listen_fd)
                let pid = std::process::id();
                out.emit(&Event::Accepted { conn: id, peer: peer.to_string(), fd: fd.raw(), pid });
                let mut buf = vec![0u8; cfg.buffer_size];
                let counters = SharedBytes { bytes_in: shared.get(0), bytes_out: shared.get(1) };
                let end = echo_blocking(&fd, &mut buf, cfg.idle_timeout, None, &mut || false, Some(&counters));
                drop(fd);
                out.emit(&super::closed_event(id, &peer, end.bytes_in, end.bytes_out, started, end.reason));
                out.flush();
                // SAFETY: _exit skips the parent's atexit handlers and
                // destructors, which belong to the parent.
                unsafe { libc::_exit(0) };
            }
            Ok(ForkResult::Parent { child }) => {
                live.insert(child.as_raw());
                drop(fd); // the parent does not serve: close(client_fd)
            }
            Err(e) => {
                tracing::warn!("fork: {}; refusing {peer}", crate::error::describe_errno(e));
                out.emit(&Event::Rejected { peer: peer.to_string(), reason: format!("fork failed ({e:?})") });
                srv.closed_quietly();
                drop(fd);
            }
        }
    };
    srv.reject_backlog(&listener);
    drop(listener);
    // Stop the children, then reap every one of them.
    for pid in &live {
        let _ = sys::kill(*pid, Signal::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    while !live.is_empty() && Instant::now() < deadline {
        reap(&mut live, out);
        if !live.is_empty() {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    for pid in &live {
        let _ = sys::kill(*pid, Signal::SIGKILL);
    }
    while !live.is_empty() && reap_blocking(&mut live, out) {}
    srv.totals.bytes_in = shared.get(0).load(Ordering::Relaxed);
    srv.totals.bytes_out = shared.get(1).load(Ordering::Relaxed);
    srv.stopped(stop);
    Ok(())
}

/// Reap every child that has exited: the waitpid(WNOHANG) loop.
fn reap(live: &mut HashSet<i32>, out: &Out) {
    while let Ok(Some((pid, status))) = sys::waitpid_any_nohang() {
        live.remove(&pid);
        out.emit(&Event::Reaped { pid, status });
    }
}

/// One blocking wait (at shutdown, after SIGKILL). False when no child is left.
fn reap_blocking(live: &mut HashSet<i32>, out: &Out) -> bool {
    use nix::sys::wait::{waitpid, WaitStatus};
    match waitpid(nix::unistd::Pid::from_raw(-1), None) {
        Ok(WaitStatus::Exited(pid, code)) => {
            live.remove(&pid.as_raw());
            out.emit(&Event::Reaped { pid: pid.as_raw(), status: format!("exited {code}") });
            true
        }
        Ok(WaitStatus::Signaled(pid, sig, _)) => {
            live.remove(&pid.as_raw());
            out.emit(&Event::Reaped { pid: pid.as_raw(), status: format!("killed by {}", sig.as_str()) });
            true
        }
        Ok(_) => true,
        Err(_) => {
            live.clear();
            false
        }
    }
}
