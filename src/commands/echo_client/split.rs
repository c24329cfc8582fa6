//! `--split`: the course's I/O routine split (입출력 루틴 분할): a forked
//! child writes stdin to the socket while the parent reads the echo.

use super::verify::{ended_early, gone, Verifier};
use super::Config;
use crate::error::{Error, Op, Result};
use crate::output::Out;
use crate::sys::{self, Fd};
use nix::errno::Errno;
use nix::sys::socket::Shutdown;
use std::time::Instant;

/// The course's I/O split: the child writes stdin to the socket, then
/// shutdown(SHUT_WR); the parent reads the echo. The child also copies
/// what it sent into a pipe, so the parent can verify every byte.
pub fn split(fd: &Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    use nix::unistd::ForkResult;
    let t0 = Instant::now();
    let (copy_r, copy_w) = sys::pipe("the writer tells the reader what it sent: every byte is verified")?;
    out.flush();
    let parent = sys::getpid();
    // SAFETY: single-threaded here; the child only does read/write/_exit.
    match unsafe { sys::fork() }.map_err(|e| Error::sys(Op::Fork, e))? {
        ForkResult::Child => {
            crate::logging::mark_forked_child();
            // The writer ends with the command, however the command ends
            // (otherwise a child blocked on stdin outlives a killed parent).
            if sys::die_with_parent().is_err() || sys::getppid() != parent {
                sys::exit_now(1);
            }
            drop(copy_r);
            let _ = sys::set_nonblocking(&copy_w, false);
            let mut buf = vec![0u8; cfg.buffer_size];
            let code = loop {
                match sys::read_stdin(&mut buf) {
                    Ok(0) => break 0,
                    Ok(n) => {
                        // The copy goes first, so the reader always knows
                        // what to expect before the echo of it can arrive.
                        if sys::write_all(&copy_w, &buf[..n]).is_err() || sys::write_all(fd, &buf[..n]).is_err() {
                            break 1;
                        }
                    }
                    Err(Errno::EINTR) => continue,
                    Err(_) => break 1,
                }
            };
            // The copy closes first: when the reader sees the echo end, a
            // copy still open means stdin had not ended (the server closed
            // early), a closed one that everything was sent.
            drop(copy_w);
            let _ = sys::shutdown(fd, Shutdown::Write);
            // SAFETY: the child's copy of the socket is closed here and
            // never used again (the parent's `Fd` is not dropped in the
            // child, which leaves with _exit).
            unsafe {
                let _ = sys::close_number(fd.raw());
            }
            sys::exit_now(code);
        }
        ForkResult::Parent { child } => {
            drop(copy_w);
            let res = split_reader(fd, &copy_r, cfg, out, t0);
            if !matches!(res, Ok(false)) {
                // Stopped early (an error, or stdout's reader gone): the
                // writer may be blocked on the socket or on stdin.
                let _ = sys::kill(child.as_raw(), nix::sys::signal::Signal::SIGTERM);
            }
            let res = res.map(|_| ());
            let status = sys::waitpid_child(child);
            if let Ok(nix::sys::wait::WaitStatus::Exited(_, code)) = status {
                if code != 0 && res.is_ok() {
                    return Err(Error::failed("the writer process failed (stdin or socket write error)"));
                }
            }
            res
        }
    }
}

/// The reading parent of --split. Ok(true): stopped early because stdout's
/// reader has gone.
fn split_reader(fd: &Fd, copy: &Fd, cfg: &Config, out: &Out, t0: Instant) -> Result<bool> {
    let mut v = Verifier::default();
    let mut buf = vec![0u8; cfg.buffer_size];
    let (mut copy_open, mut sock_open) = (true, true);
    let mut ended: Option<(&str, Errno)> = None;
    // --timeout bounds the waits on the server (an echo, or its close once
    // stdin has ended), not a slow stdin: since when the server owes us
    // something without having sent a byte (more stdin does not reset it)
    let mut owed_since: Option<Instant> = None;
    while sock_open {
        let mut fds = vec![sys::pollfd(fd.raw(), libc::POLLIN)];
        if copy_open {
            fds.push(sys::pollfd(copy.raw(), libc::POLLIN));
        }
        let owed = v.received < v.sent || !copy_open;
        owed_since = if owed { owed_since.or_else(|| Some(Instant::now())) } else { None };
        let left = cfg.timeout.zip(owed_since).map(|(t, since)| t.saturating_sub(since.elapsed()));
        let timeout = left.map_or(-1, sys::poll_ms);
        match sys::poll(&mut fds, timeout) {
            // (woken a hair early: the wait is not over)
            Ok(0) if owed_since.zip(cfg.timeout).is_some_and(|(since, t)| since.elapsed() < t) => continue,
            Ok(0) => {
                let secs = cfg.timeout.map_or(0.0, |t| t.as_secs_f64());
                return Err(Error::failed(if v.received < v.sent {
                    format!("no echo for {secs} s")
                } else {
                    format!("the server echoed everything but had not closed the connection {secs} s after stdin ended")
                }));
            }
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(Error::sys(Op::Poll, e)),
        }
        // Take the copy first, so the verifier knows what to expect.
        if copy_open && fds[1].revents != 0 {
            match sys::read(copy, &mut buf) {
                Ok(0) => copy_open = false,
                Ok(n) => v.sent(&buf[..n]),
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                Err(e) => return Err(Error::sys_at(Op::Read, "pipe", e)),
            }
            continue;
        }
        if fds[0].revents != 0 {
            match sys::read(fd, &mut buf) {
                Ok(0) => sock_open = false,
                Ok(n) => {
                    owed_since = None; // the server is alive: a new wait starts
                    v.received(&buf[..n]);
                    if !out.is_json() {
                        out.data(&buf[..n]);
                        if out.is_broken() {
                            return Ok(true); // stdout is gone (or failing): stop, as cat does
                        }
                    }
                }
                Err(Errno::EINTR) => {}
                Err(e) => match gone(e) {
                    // the server went away: learn all that was sent, then say so
                    Some(how) => (ended, sock_open) = (Some((how, e)), false),
                    None => return Err(Error::sys(Op::Read, e)),
                },
            }
        }
    }
    // The echo has ended: take what the writer has copied so far, without
    // waiting for it (it may be blocked on a stdin that has not ended).
    while copy_open {
        match sys::read(copy, &mut buf) {
            Ok(0) => copy_open = false,
            Ok(n) => v.sent(&buf[..n]),
            Err(Errno::EINTR) => {}
            Err(Errno::EAGAIN) => break,
            Err(e) => return Err(Error::sys_at(Op::Read, "pipe", e)),
        }
    }
    if copy_open {
        // stdin has not ended: the server closed while there was more to send
        if v.sent == 0 {
            return Err(Error::verify("the server closed the connection before any of stdin was sent"));
        }
        let how = ended.map_or("closed", |(how, _)| how);
        if v.received == v.sent {
            return Err(Error::verify(format!(
                "the server {how} the connection before stdin ended ({} bytes sent, all echoed)",
                v.sent
            )));
        }
        return Err(ended_early(how, v.received, v.sent, ended.map(|(_, e)| e)));
    }
    if let Some((how, e)) = ended.filter(|_| v.received < v.sent) {
        return Err(ended_early(how, v.received, v.sent, Some(e)));
    }
    v.finish(out, t0).map(|_| false)
}
