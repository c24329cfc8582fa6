//! The events of `netlab fileio`: serde (the `event` tag names the kind) and
//! their text.

use crate::text::printable;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What `netlab fileio` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// An open(2), explained.
    Open {
        path: String,
        flags: String,
        flags_octal: String,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        mode: Option<String>,
        umask: String,
        /// `mode & ~umask`, when the call created the file
        #[serde(skip_serializing_if = "Option::is_none", default)]
        final_mode: Option<String>,
        created: bool,
        /// the file's permission bits after the call (fstat)
        file_mode: String,
        fd: i32,
    },
    /// Data written with write(2).
    /// `offset` is null for a descriptor with no file offset (a pipe, FIFO,
    /// socket or terminal: lseek fails with ESPIPE).
    Write { path: String, fd: i32, bytes: u64, calls: u64, partial_writes: u64, offset: Option<i64> },
    /// Data read with read(2); the content itself goes to stdout in text
    /// mode and into `data` (UTF-8) or `data_hex` in JSON mode.
    Read {
        path: String,
        fd: i32,
        bytes: u64,
        calls: u64,
        offset: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        data: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        data_hex: Option<String>,
    },
    /// One descriptor of the `fileio fds` demonstration.
    Fd { fd: i32, kind: String, detail: String },
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
