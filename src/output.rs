//! Where output is decided. Commands emit typed [`Event`]s; [`Out`] renders
//! each as one line of plain text or as one NDJSON object whose `"event"`
//! field names its kind (`--json`). stdout carries results only.
//!
//! A closed stdout (`| head -1`) is not an error: the first EPIPE marks the
//! sink broken, later events are dropped, and the command (or server) carries
//! on. Any other write failure (ENOSPC on a full disk, EIO) also stops the
//! output, but is kept: the command ends with `write stdout: …` and exit 1,
//! as `cat` does, so a script never takes truncated results for a success; a
//! server warns at once and carries on serving. A stdout closed before
//! netlab started (`>&-`) is such a failure too (EBADF), although Rust's
//! runtime has put /dev/null there (see main.rs).
//!
//! Servers switch to buffered mode and call [`Out::flush`] before they
//! block, so a busy server pays one write(2) per loop turn, not per event.
//!
//! This module decides nothing about what an event says: the event types
//! live with their commands (shared ones in [`crate::events`]), each with
//! its serde form and its text; `tests/cli` reads every line back into them.

use nix::errno::Errno;
use std::fmt;
use std::io::{self, Write};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Text for people or NDJSON for programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// What a command says: one NDJSON object (serde, with an `event` tag
/// naming its kind) or one line or block of text (Display). Each command
/// owns its event types; the shared ones are in [`crate::events`].
pub trait Event: serde::Serialize + fmt::Display {}

impl<T: serde::Serialize + fmt::Display> Event for T {}

/// Where events go. Cheap to clone: clones share one sink, so a server's
/// worker threads write through the same buffer.
#[derive(Clone)]
pub struct Out {
    format: Format,
    sink: Arc<Mutex<Sink>>,
    /// set when bytes are queued: lets flush() skip the lock when there is
    /// nothing to write (a server calls it on every loop turn)
    queued: Arc<AtomicBool>,
    /// `-q`: side notes on stderr (text mode) are left out; errors are not
    quiet: bool,
}

struct Sink {
    buf: Vec<u8>,
    buffered: bool,
    /// no more writes: the reader went away or a write failed
    broken: bool,
    /// the first failure that was not EPIPE
    failure: Option<Errno>,
    /// a server: a failure is worth a warning now, not only at the end
    serving: bool,
}

/// Flush a buffered sink once it holds this much.
const FLUSH_AT: usize = 32 * 1024;

impl Out {
    pub fn new(format: Format) -> Self {
        Out {
            format,
            sink: Arc::new(Mutex::new(Sink {
                buf: Vec::new(),
                buffered: false,
                broken: false,
                failure: None,
                serving: false,
            })),
            queued: Arc::new(AtomicBool::new(false)),
            quiet: false,
        }
    }

    /// `-q`: only errors on stderr.
    pub fn set_quiet(&mut self, quiet: bool) {
        self.quiet = quiet;
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// Whether stdout takes no more output: its reader has gone (EPIPE), or
    /// a write failed (see [`Out::write_failure`]). A command whose output
    /// is unbounded (a stream, a device, stdin) stops, as `cat` would; it
    /// exits 0 if the reader went away, 1 if the write failed. A server
    /// carries on.
    pub fn is_broken(&self) -> bool {
        self.sink().broken
    }

    /// A write to stdout failed for a reason other than its reader going
    /// away (EPIPE, ECONNRESET): the results are incomplete, and the
    /// command must not exit 0.
    pub fn write_failure(&self) -> Option<Errno> {
        self.sink().failure
    }

    /// A server: a failed stdout is reported when it happens (the server
    /// keeps serving), not only when it stops.
    pub fn set_serving(&self) {
        self.sink().serving = true;
    }

    fn sink(&self) -> MutexGuard<'_, Sink> {
        // A panic while holding the lock cannot leave the buffer in a state
        // worse than "some bytes queued", so a poisoned lock is still usable.
        self.sink.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A result line on stdout, formatted straight into the queue: no line
    /// is allocated and copied per event (a forking server pays for every
    /// heap page it writes between two forks).
    pub fn emit(&self, ev: &impl Event) {
        let mut s = self.sink();
        let start = s.buf.len();
        let written = match self.format {
            Format::Text => write!(s.buf, "{ev}").is_ok(),
            Format::Json => serde_json::to_writer(&mut s.buf, ev).is_ok(),
        };
        if !written {
            // Not reached: a Vec takes every write, and no Display or
            // Serialize impl here fails. Were one to, no half line is left:
            // JSON gets json_line's error object, text nothing.
            s.buf.truncate(start);
            if self.format == Format::Text {
                return;
            }
            s.buf.extend_from_slice(json_line(ev).as_bytes());
        }
        s.buf.push(b'\n');
        if !s.buffered || s.buf.len() >= FLUSH_AT {
            s.flush();
        } else {
            self.queued.store(true, Ordering::Relaxed);
        }
    }

    /// A side note: on stderr in text mode (so stdout keeps only the data;
    /// left out under `-q`; a JSON line under `--log-format json`), an event
    /// on stdout in JSON mode.
    pub fn emit_note(&self, ev: &impl Event) {
        match self.format {
            Format::Json => self.emit(ev),
            Format::Text if self.quiet => {}
            Format::Text if crate::logging::json_logs() => crate::stderr::line(&json_line(ev)),
            Format::Text => crate::stderr::line(&ev.to_string()),
        }
    }

    /// Raw data (echoed bytes, file content) on stdout, text mode only.
    pub fn data(&self, bytes: &[u8]) {
        let mut s = self.sink();
        s.buf.extend_from_slice(bytes);
        if !s.buffered || s.buf.len() >= FLUSH_AT {
            s.flush();
        } else {
            self.queued.store(true, Ordering::Relaxed);
        }
    }

    /// Queue events until [`Out::flush`] (servers, between blocking waits).
    pub fn set_buffered(&self, on: bool) {
        let mut s = self.sink();
        s.buffered = on;
        if on {
            // room for a full queue from the start: growing it later would
            // move it to new heap pages
            let room = (FLUSH_AT + 1024).saturating_sub(s.buf.len());
            let _ = s.buf.try_reserve(room);
        } else {
            s.flush();
        }
    }

    /// Write out what is queued.
    pub fn flush(&self) {
        // Only the thread that queued can have set the flag it reads here
        // (multithreaded users emit unbuffered), so Relaxed is enough.
        if self.queued.swap(false, Ordering::Relaxed) {
            self.sink().flush();
        }
    }
}

impl Sink {
    fn flush(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        if !self.broken {
            if let Err(errno) = write_stdout(&self.buf) {
                // Stop writing results either way; only the reader going
                // away (EPIPE, or ECONNRESET for a socket) is not a failure.
                self.broken = true;
                if !matches!(errno, Errno::EPIPE | Errno::ECONNRESET) {
                    self.failure = Some(errno);
                    if self.serving {
                        tracing::warn!(
                            "write stdout: {}: results are no longer written; the server carries on",
                            crate::error::describe_errno(errno)
                        );
                    }
                }
            }
        }
        self.buf.clear();
    }
}

/// Descriptors 0, 1 and 2 that were closed when netlab started (bit n for
/// descriptor n; see main.rs): Rust's runtime put /dev/null there.
static CLOSED_AT_START: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Record which standard descriptors were closed at start (the binary's
/// `main` calls this first).
pub fn set_closed_at_start(mask: u8) {
    CLOSED_AT_START.store(mask & 0b111, Ordering::Relaxed);
}

/// Whether descriptor `fd` (0, 1 or 2) was closed when netlab started.
pub fn closed_at_start(fd: i32) -> bool {
    (0..3).contains(&fd) && CLOSED_AT_START.load(Ordering::Relaxed) & (1 << fd) != 0
}

/// Before reading stdin: one closed at start (`<&-`) fails as a read would
/// have (EBADF), instead of giving the runtime's /dev/null as empty input.
pub fn stdin_open() -> crate::error::Result<()> {
    if closed_at_start(0) {
        return Err(crate::error::Error::sys_at(crate::error::Op::Read, "stdin", Errno::EBADF));
    }
    Ok(())
}

/// write(2) all of `buf` to fd 1. A stdout that someone else made
/// non-blocking (EAGAIN) is waited for, as a blocking one would be. A
/// stdout closed at start (`>&-`) fails as it would have (EBADF), not into
/// the /dev/null the runtime put there: results that go nowhere are not a
/// success.
fn write_stdout(mut buf: &[u8]) -> std::result::Result<(), Errno> {
    if closed_at_start(1) {
        return Err(Errno::EBADF);
    }
    // std's lock: nothing else in the process writes fd 1 meanwhile
    let stdout = io::stdout();
    let _lock = stdout.lock();
    while !buf.is_empty() {
        match crate::sys::write_stdout(buf) {
            Ok(0) => return Err(Errno::EIO),
            Ok(n) => buf = &buf[n..],
            Err(Errno::EINTR) => {}
            Err(Errno::EAGAIN) => crate::sys::wait_stdout_writable(),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.flush();
    }
}

/// One NDJSON line (without the newline).
pub fn json_line(ev: &impl Event) -> String {
    // Serializing an event cannot fail: every field is a string, number,
    // bool, list or JSON value, and every map key is a string.
    serde_json::to_string(ev).unwrap_or_else(|e| format!("{{\"event\":\"error\",\"message\":\"json: {e}\"}}"))
}
