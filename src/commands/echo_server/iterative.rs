//! The iterative model: one client at a time, the rest wait in the listen
//! backlog. The course's first echo server (echo_server.c), call for call:
//!
//! ```c
//! while (1) {
//!     clnt_sock = accept(serv_sock, ...);            /* blocks */
//!     while ((str_len = read(clnt_sock, message, BUF_SIZE)) != 0)
//!         write(clnt_sock, message, str_len);
//!     close(clnt_sock);
//! }
//! ```
//!
//! What netlab adds is narrated with its reason: signal handlers (SIGINT
//! and SIGTERM interrupt the blocked accept or read with EINTR and stop the
//! server cleanly; SIGUSR1 prints stats), a spare descriptor for EMFILE,
//! and with `--idle-timeout` SO_RCVTIMEO/SO_SNDTIMEO on the client.
//!
//! Try it: `netlab --trace echo-server --model iterative --backlog 5 9190`,
//! then two `netlab echo-client 127.0.0.1 9190` at once: the second waits.

use super::conn::{echo_blocking, SharedBytes};
use super::{Config, Server};
use crate::error::Result;
use crate::output::Out;
use crate::signals;
use crate::sys::Fd;
use std::sync::atomic::{AtomicU64, Ordering};

pub fn serve(listener: Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    let mut srv = Server::new_blocking(cfg, out, false, &listener)?;
    let mut buf = vec![0u8; cfg.buffer_size];
    let pid = std::process::id();
    let stop = loop {
        if let Some(sig) = srv.check_signals() {
            break Some(sig);
        }
        if srv.done(0) {
            break None;
        }
        if !srv.may_accept(0) {
            srv.wait_while_paused();
            continue;
        }
        // accept() blocks until a client comes or a signal interrupts it
        let Some(accepted) = signals::blocking(|| srv.accept(&listener, false)) else { continue };
        let Some((fd, peer, id)) = accepted? else { continue };
        srv.emit_accepted(id, &peer, &fd, pid);
        let started = std::time::Instant::now();
        // this connection's bytes, counted as they move (for `stats`)
        let (now_in, now_out) = (AtomicU64::new(0), AtomicU64::new(0));
        let counters = SharedBytes { bytes_in: &now_in, bytes_out: &now_out };
        let (totals, model, out_ref) = (srv.totals, cfg.model, srv.out);
        // A signal interrupted read() or write(): stats go out, and a stop
        // ends the connection.
        let mut on_wake = || {
            if signals::take_usr1() {
                let mut t = totals;
                t.bytes_in += now_in.load(Ordering::Relaxed);
                t.bytes_out += now_out.load(Ordering::Relaxed);
                super::server::emit_stats(out_ref, model, t);
            }
            signals::stop_requested().is_some()
        };
        let end = echo_blocking(&fd, &mut buf, cfg.idle_timeout, Some(&mut on_wake), Some(&counters));
        drop(fd); // close(clnt_sock)
        srv.closed(id, &peer, end.bytes_in, end.bytes_out, started, end.reason);
    };
    srv.reject_backlog(&listener);
    srv.stopped(stop);
    Ok(())
}
