//! Prompt and `--message` modes: one message at a time, each read back
//! exactly (a TCP read may return part of it) and checked.

use super::verify::{ended_early, io_error};
use super::Config;
use crate::error::{Error, Op, Result};
use crate::events::{Event as Shared, Summary};
use crate::output::Out;
use crate::sys::{self, Fd};
use nix::errno::Errno;
use nix::sys::socket::Shutdown;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::time::{Duration, Instant};

/// Wait until `fd` is readable, or fail after the stall timeout.
fn wait_readable(fd: &Fd, timeout: Option<Duration>, outstanding: usize) -> Result<()> {
    let Some(t) = timeout else { return Ok(()) };
    let mut p = [sys::pollfd(fd.raw(), libc::POLLIN)];
    loop {
        match sys::poll(&mut p, sys::poll_ms(t)) {
            Ok(0) => {
                return Err(Error::failed(format!(
                    "no echo for {} s with {outstanding} bytes outstanding",
                    t.as_secs_f64()
                )))
            }
            Ok(_) => return Ok(()),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(Error::sys(Op::Poll, e)),
        }
    }
}

/// Send one message and read back exactly as many bytes (a TCP read may
/// return part of them).
fn round_trip(fd: &Fd, msg: &[u8], timeout: Option<Duration>) -> Result<(Vec<u8>, Duration)> {
    let t0 = Instant::now();
    sys::write_all(fd, msg).map_err(|e| io_error(Op::Write, e, 0, msg.len() as u64))?;
    let mut got = vec![0u8; msg.len()];
    let mut have = 0;
    while have < msg.len() {
        wait_readable(fd, timeout, msg.len() - have)?;
        match sys::read(fd, &mut got[have..]) {
            Ok(0) => return Err(ended_early("closed", have as u64, msg.len() as u64, None)),
            Ok(n) => have += n,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(io_error(Op::Read, e, have as u64, msg.len() as u64)),
        }
    }
    Ok((got, t0.elapsed()))
}

/// How long, after the last echo and the half-close, the client waits for
/// bytes the server should not send (an echo server closes at once).
const EXTRA_GRACE: Duration = Duration::from_millis(250);

/// After the last message: how many bytes the server sent beyond the
/// echoes (any is a verification failure: `too_much`); its EOF, or silence
/// for EXTRA_GRACE, ends the wait.
fn extra_bytes(fd: &Fd) -> usize {
    let deadline = Instant::now() + EXTRA_GRACE;
    let mut buf = [0u8; 4096];
    let mut extra = 0usize;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut p = [sys::pollfd(fd.raw(), libc::POLLIN)];
        match sys::poll(&mut p, left.as_millis() as i32) {
            Ok(0) => break,
            Ok(_) => {}
            Err(Errno::EINTR) => continue,
            Err(_) => break,
        }
        match sys::read(fd, &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => extra += n,
        }
    }
    extra
}

fn too_much(extra: usize) -> Error {
    Error::verify(format!("the server sent {extra} bytes more than its echoes"))
}

/// Where an echo first differs from its message (None: it is the same).
fn first_difference(sent: &[u8], got: &[u8]) -> Option<usize> {
    (sent != got).then(|| sent.iter().zip(got).position(|(a, b)| a != b).unwrap_or(0))
}

fn check(seq: u64, sent: &[u8], got: &[u8]) -> Result<()> {
    match first_difference(sent, got) {
        None => Ok(()),
        Some(at) => Err(differs(seq, at)),
    }
}

fn differs(seq: u64, at: usize) -> Error {
    Error::verify(format!("echo of message {seq} differs from what was sent, first at byte {at}"))
}

/// --message: each message, then its echo. Once every byte sent has come
/// back (the same or not), the run ends with its `summary`, as stream mode's
/// does; a connection that fails first ends with the error alone.
pub fn messages(fd: &Fd, msgs: &[OsString], cfg: &Config, out: &mut Out) -> Result<()> {
    let t0 = Instant::now();
    let (mut sent, mut received) = (0u64, 0u64);
    let mut verdict = Ok(());
    let mut mismatch_at = None;
    for (i, m) in msgs.iter().enumerate() {
        let seq = i as u64 + 1;
        let m = m.as_bytes();
        let (got, rtt) = round_trip(fd, m, cfg.timeout)?;
        crate::events::show_echo(out, seq, &got, rtt);
        if let Some(at) = first_difference(m, &got) {
            mismatch_at = Some(sent + at as u64);
            verdict = Err(differs(seq, at));
        }
        sent += m.len() as u64;
        received += got.len() as u64;
        if verdict.is_err() {
            break;
        }
    }
    if verdict.is_ok() {
        let _ = sys::shutdown(fd, Shutdown::Write);
        let extra = extra_bytes(fd);
        received += extra as u64;
        if extra > 0 {
            verdict = Err(too_much(extra));
        }
    }
    out.emit_note(&Shared::Summary(Summary::Stream {
        bytes_sent: sent,
        bytes_received: received,
        verified: verdict.is_ok(),
        first_mismatch_at: mismatch_at,
        duration_ms: t0.elapsed().as_secs_f64() * 1000.0,
    }));
    verdict
}

pub fn prompt(fd: &Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    use std::io::BufRead;
    let stdin = std::io::stdin();
    let mut lines = stdin.lock();
    let mut seq = 0u64;
    loop {
        crate::stderr::text("Input message(Q to quit): ");
        // bytes, as typed: a line need not be UTF-8 to be echoed
        let mut line = Vec::new();
        match lines.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(Error::io(Op::Read, "stdin", &e)),
        }
        let typed = line.strip_suffix(b"\n").unwrap_or(&line);
        if matches!(typed.strip_suffix(b"\r").unwrap_or(typed), b"q" | b"Q") {
            break;
        }
        seq += 1;
        let (got, rtt) = round_trip(fd, &line, cfg.timeout)?;
        crate::events::show_echo(out, seq, &got, rtt);
        check(seq, &line, &got)?;
    }
    let _ = sys::shutdown(fd, Shutdown::Write);
    // as with --message: nothing may follow the last echo
    match extra_bytes(fd) {
        0 => Ok(()),
        extra => Err(too_much(extra)),
    }
}
