//! Stream mode: all of stdin through the server and back to stdout,
//! binary-safe, half-closed at stdin's end: `netlab echo-client H P < f |
//! cmp - f` holds for any file.

use super::verify::{ended_early, io_error, Verifier};
use super::Config;
use crate::error::{Error, Op, Result};
use crate::output::Out;
use crate::sys::{self, Fd};
use nix::errno::Errno;
use nix::sys::socket::Shutdown;
use std::time::Instant;

/// Unechoed bytes the stream mode lets pile up before it stops reading stdin.
const MAX_OUTSTANDING: usize = 64 << 20;

/// Stream mode: stdin to the socket and the socket to stdout at the same
/// time (writing everything first would deadlock once both socket buffers
/// fill), half-close at stdin's EOF, read to the server's EOF.
pub fn stream(fd: &Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    let t0 = Instant::now();
    sys::set_nonblocking(fd, true).map_err(|e| Error::sys(Op::Fcntl, e))?;
    let mut v = Verifier::default();
    let mut inbuf = vec![0u8; cfg.buffer_size];
    let mut sockbuf = vec![0u8; cfg.buffer_size];
    let mut to_send: Vec<u8> = Vec::new();
    let mut off = 0usize;
    let (mut stdin_eof, mut shut) = (false, false);
    loop {
        let mut fds = vec![sys::pollfd(fd.raw(), libc::POLLIN | if off < to_send.len() { libc::POLLOUT } else { 0 })];
        // Do not read more of stdin while this much is unechoed: a server
        // that swallows bytes must not make the client hold all of stdin.
        let want_stdin = !stdin_eof && off >= to_send.len() && v.expected.len() < MAX_OUTSTANDING;
        if want_stdin {
            fds.push(sys::pollfd(0, libc::POLLIN));
        }
        let waiting_for_echo = !v.expected.is_empty() || (stdin_eof && off >= to_send.len());
        let timeout = match cfg.timeout {
            Some(t) if waiting_for_echo || off < to_send.len() => sys::poll_ms(t),
            _ => -1,
        };
        match sys::poll(&mut fds, timeout) {
            Ok(0) => {
                return Err(Error::failed(format!(
                    "no progress for {} s ({} bytes sent, {} echoed)",
                    cfg.timeout.map_or(0.0, |t| t.as_secs_f64()),
                    v.sent,
                    v.received
                )))
            }
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(Error::sys(Op::Poll, e)),
        }
        if want_stdin && fds[1].revents != 0 {
            match sys::read_stdin(&mut inbuf) {
                Ok(0) => stdin_eof = true,
                Ok(n) => {
                    to_send.clear();
                    to_send.extend_from_slice(&inbuf[..n]);
                    off = 0;
                }
                Err(Errno::EINTR | Errno::EAGAIN) => {}
                Err(e) => return Err(Error::sys_at(Op::Read, "stdin", e)),
            }
        }
        if off < to_send.len() {
            match sys::write(fd, &to_send[off..]) {
                Ok(n) => {
                    v.sent(&to_send[off..off + n]);
                    off += n;
                }
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                Err(e) => return Err(io_error(Op::Write, e, v.received, v.sent + (to_send.len() - off) as u64)),
            }
        }
        if stdin_eof && off >= to_send.len() && !shut {
            sys::shutdown(fd, Shutdown::Write).map_err(|e| io_error(Op::Shutdown, e, v.received, v.sent))?;
            shut = true;
        }
        if fds[0].revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 {
            match sys::read(fd, &mut sockbuf) {
                Ok(0) => break,
                Ok(n) => {
                    v.received(&sockbuf[..n]);
                    if !out.is_json() {
                        out.data(&sockbuf[..n]);
                        if out.is_broken() {
                            return Ok(()); // stdout is gone (or failing): stop, as cat does
                        }
                    }
                }
                Err(Errno::EAGAIN | Errno::EINTR) => {}
                Err(e) if v.sent == 0 => return Err(Error::sys(Op::Read, e)),
                Err(e) => return Err(io_error(Op::Read, e, v.received, v.sent)),
            }
        }
    }
    if !stdin_eof || off < to_send.len() {
        // EOF from the server while stdin still had data to send
        if v.sent == 0 {
            return Err(Error::verify("the server closed the connection before any of stdin was sent"));
        }
        return Err(ended_early("closed", v.received, v.sent, None));
    }
    v.finish(out, t0)
}
