//! The iterative model: one client at a time, the rest wait in the listen
//! backlog. The course's first echo server, with the edges filed off:
//! `--idle-timeout` drops a silent client (and SO_SNDTIMEO one that stops
//! reading), and signals are seen even while a client is being served.
//!
//! Try it: `netlab echo-server --model iterative --backlog 5 9190`, then
//! two `netlab echo-client 127.0.0.1 9190` at once: the second waits.

use super::conn::{echo_blocking, SharedBytes};
use super::{Config, Server};
use crate::error::{Error, Op, Result};
use crate::output::Out;
use crate::signals;
use crate::sys::{self, Fd};
use nix::errno::Errno;
use std::sync::atomic::{AtomicU64, Ordering};

pub fn serve(listener: Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    let mut srv = Server::new(cfg, out, false, &listener)?;
    let mut buf = vec![0u8; cfg.buffer_size];
    let pid = std::process::id();
    let stop = loop {
        if srv.done(0) {
            break None;
        }
        let accepting = srv.may_accept(0);
        let mut fds = vec![sys::pollfd(srv.signals.fd().raw(), libc::POLLIN)];
        if accepting {
            fds.push(sys::pollfd(listener.raw(), libc::POLLIN));
        }
        match sys::poll(&mut fds, if accepting { -1 } else { srv.pause_ms().unwrap_or(-1) }) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(Error::sys(Op::Poll, e)),
        }
        if let Some(sig) = srv.check_signals() {
            break Some(sig);
        }
        if !accepting || fds[1].revents == 0 {
            continue;
        }
        let Some((fd, peer, id)) = srv.accept(&listener, false)? else { continue };
        srv.emit_accepted(id, &peer, &fd, pid);
        let started = std::time::Instant::now();
        let (totals, model) = (srv.totals, cfg.model);
        let out_ref: &Out = out;
        // this connection's bytes, counted as they move (for `stats`)
        let (now_in, now_out) = (AtomicU64::new(0), AtomicU64::new(0));
        let counters = SharedBytes { bytes_in: &now_in, bytes_out: &now_out };
        let mut on_wake = || {
            let mut sig_buf = [0u8; 16];
            while matches!(sys::read(srv.signals.fd(), &mut sig_buf), Ok(n) if n > 0) {}
            if signals::take_usr1() {
                let mut t = totals;
                t.bytes_in += now_in.load(Ordering::Relaxed);
                t.bytes_out += now_out.load(Ordering::Relaxed);
                super::server::emit_stats(out_ref, model, t);
            }
            signals::stop_requested().is_some()
        };
        let end = echo_blocking(&fd, &mut buf, cfg.idle_timeout, Some(srv.signals.fd()), &mut on_wake, Some(&counters));
        drop(fd);
        srv.closed(id, &peer, end.bytes_in, end.bytes_out, started, end.reason);
        if end.reason == "shutdown" {
            break signals::stop_requested();
        }
    };
    srv.reject_backlog(&listener);
    srv.stopped(stop);
    Ok(())
}
