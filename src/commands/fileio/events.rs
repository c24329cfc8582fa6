//! The events of `netlab fileio`: serde (the `event` tag names the kind) and
//! their text.

use crate::text::printable;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What `netlab fileio` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// An open(2), explained.
    Open {
        /// the path opened
        path: String,
        /// the flags by name (O_WRONLY|O_CREAT|O_TRUNC)
        flags: String,
        /// the flags as the C octal constant (01101)
        flags_octal: String,
        /// the mode asked for, when O_CREAT is given (0644)
        #[serde(skip_serializing_if = "Option::is_none", default)]
        mode: Option<String>,
        /// the process umask (0022)
        umask: String,
        /// `mode & ~umask`, when the call created the file
        #[serde(skip_serializing_if = "Option::is_none", default)]
        final_mode: Option<String>,
        /// whether the call created the file
        created: bool,
        /// the file's permission bits after the call (fstat)
        file_mode: String,
        /// the descriptor open() returned
        fd: i32,
    },
    /// Data written with write(2).
    Write {
        /// the path written
        path: String,
        /// the descriptor written to
        fd: i32,
        /// bytes written in all
        bytes: u64,
        /// write(2) calls made
        calls: u64,
        /// calls that wrote less than asked (retried with the rest)
        partial_writes: u64,
        /// the file offset after the writes; null for a descriptor with no
        /// offset (a pipe, FIFO, socket or terminal: lseek fails with ESPIPE)
        offset: Option<i64>,
    },
    /// Data read with read(2); the content itself goes to stdout in text
    /// mode and into `data` (UTF-8) or `data_hex` in JSON mode.
    Read {
        /// the path read
        path: String,
        /// the descriptor read from
        fd: i32,
        /// bytes read in all
        bytes: u64,
        /// read(2) calls made (the last returns 0 at end of file)
        calls: u64,
        /// the file offset after the reads; null if not seekable
        offset: Option<i64>,
        /// the content, when it is UTF-8 (--json only)
        #[serde(skip_serializing_if = "Option::is_none", default)]
        data: Option<String>,
        /// the content in hex, when it is not UTF-8 (--json only)
        #[serde(skip_serializing_if = "Option::is_none", default)]
        data_hex: Option<String>,
    },
    /// One descriptor of the `fileio fds` demonstration.
    Fd {
        /// the descriptor number
        fd: i32,
        /// stdin, stdout, stderr, file, tcp socket or udp socket
        kind: String,
        /// what it refers to (from /proc/self/fd), or how it was made
        detail: String,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Open { path, flags, flags_octal, mode, umask, final_mode, created, file_mode, fd } => {
                writeln!(f, "open: {}", printable(path))?;
                writeln!(f, "flags: {flags} = {flags_octal}")?;
                match (mode, final_mode) {
                    (Some(m), Some(fm)) => writeln!(f, "mode: {m} & ~{umask} = {fm} (requested & ~umask)")?,
                    (Some(m), None) => writeln!(
                        f,
                        "mode: {m} not applied (the file already existed; O_CREAT sets the mode only when it creates the file)"
                    )?,
                    (None, _) => {}
                }
                writeln!(f, "created: {}", if *created { "yes" } else { "no" })?;
                writeln!(f, "file mode: {file_mode}")?;
                write!(f, "fd: {fd}")
            }
            Event::Write { fd, bytes, calls, partial_writes, offset, .. } => write!(
                f,
                "write: {bytes} bytes to fd {fd} in {calls} call(s) ({partial_writes} partial)\noffset: {}",
                offset_text(*offset)
            ),
            Event::Read { fd, bytes, calls, offset, .. } => {
                write!(f, "read: {bytes} bytes from fd {fd} in {calls} call(s)\noffset: {}", offset_text(*offset))
            }
            Event::Fd { fd, kind, detail } => write!(f, "fd {fd:<3} {kind:<12} {}", printable(detail)),
        }
    }
}

fn offset_text(offset: Option<i64>) -> String {
    offset.map_or_else(|| "none (not seekable: a pipe, FIFO, socket or terminal)".into(), |o| o.to_string())
}
