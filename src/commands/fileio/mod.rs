//! `netlab fileio`: low-level file I/O (open/read/write/close) with every
//! open explained, and the course's file-descriptor demonstration.
//!
//! Course: 리눅스 기반 파일 조작하기 (file handling on Linux): file
//! descriptors 0/1/2, open(2) flags and modes, read(2), write(2), close(2).
//!
//! Try it:
//!   netlab fileio write data.txt --data 'Let's go!'
//!   netlab --trace fileio read data.txt
//!   netlab --trace fileio fds

pub mod events;
mod flags;

pub use events::Event;
pub use flags::{parse_flags, parse_mode, OpenFlags};

use crate::docs::Docs;
use crate::error::{Error, Op, Result};
use crate::output::Out;
use crate::sys::{self, write_all, Fd};
use crate::text::path_text;
use crate::values;
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::socket::{AddressFamily, SockType};
use nix::sys::stat::Mode;
use std::path::{Path, PathBuf};

pub const DOCS: Docs = Docs {
    examples: &[
        ("netlab fileio write data.txt --data 'hello'", "create (or truncate) and write, with the open explained"),
        (
            "netlab fileio write log.txt --flags 'O_WRONLY|O_APPEND|O_CREAT' --data 'one more line'",
            "C spelling of the flags",
        ),
        ("netlab fileio write secret.txt --mode u=rw --flags creat,excl,wronly --data x", "fails if the file exists"),
        ("netlab fileio read data.txt --offset 2 --count 3", "lseek, then read three bytes"),
        ("netlab --trace fileio fds", "descriptors 0, 1, 2 and the numbers handed to a file and two sockets"),
    ],
    events: &[
        ("open", "path, flags, flags_octal, mode, umask, final_mode, created, file_mode, fd"),
        ("write", "path, fd, bytes, calls, partial_writes, offset (null for a pipe, FIFO or socket)"),
        ("read", "path, fd, bytes, calls, offset (null if not seekable), data (UTF-8) or data_hex (16 MiB at most)"),
        ("fd", "fd, kind, detail"),
    ],
    exit_notes: &[
        "1 when open/read/write fails (the path and errno are named)",
        "2 for bad flags or modes, conflicting access modes, trunc with rdonly, or --json read of more than 16 MiB",
    ],
};

#[derive(Debug, clap::Args)]
#[command(about = "Low-level file I/O: open/read/write explained, and the fds the kernel hands out")]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// open(2) and write(2) data from --data or stdin; partial writes are retried
    Write(WriteArgs),
    /// open(2) and read(2) a file to stdout, binary-safe
    Read(ReadArgs),
    /// Show descriptors 0/1/2 and those handed to a file, a TCP and a UDP socket
    Fds,
}

#[derive(Debug, clap::Args)]
pub struct WriteArgs {
    /// File to write
    pub path: PathBuf,
    /// Open flags: a list (creat,wronly,trunc) or C spelling (O_CREAT|O_WRONLY)
    #[arg(long, default_value = "creat,wronly,trunc", value_name = "LIST")]
    pub flags: String,
    /// Mode for a created file: octal (0644), symbolic (u=rw,g=r,o=r) or S_IRUSR|S_IWUSR; the umask is applied
    #[arg(long, default_value = "0644", value_name = "MODE")]
    pub mode: String,
    /// Data to write (default: all of stdin)
    #[arg(long, value_name = "TEXT")]
    pub data: Option<String>,
    /// Add O_NOFOLLOW: refuse to open through a symbolic link
    #[arg(long)]
    pub nofollow: bool,
}

#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// File to read
    pub path: PathBuf,
    /// Read at most N bytes
    #[arg(long, value_name = "N", value_parser = values::size)]
    pub count: Option<u64>,
    /// lseek(2) to this offset before reading
    #[arg(long, value_name = "N", value_parser = values::size)]
    pub offset: Option<u64>,
    /// Bytes asked for in each read(2) call
    #[arg(long, default_value = "4096", value_name = "B", value_parser = values::buffer_size)]
    pub buffer_size: usize,
    /// Open flags (must include rdonly or rdwr)
    #[arg(long, default_value = "rdonly", value_name = "LIST")]
    pub flags: String,
    /// Add O_NOFOLLOW: refuse to open through a symbolic link
    #[arg(long)]
    pub nofollow: bool,
}

pub fn run(args: &Args, out: &mut Out) -> Result<()> {
    match &args.action {
        Action::Write(w) => write_file(w, out),
        Action::Read(r) => read_file(r, out),
        Action::Fds => fds(out),
    }
}

/// Open with everything explained (`shown`: the path as text, for messages
/// and the event); returns the fd and the `open` event.
fn open_explained(path: &Path, shown: &str, flags: OpenFlags, mode: Option<u32>) -> Result<(Fd, Event)> {
    let umask = sys::current_umask();
    // Did O_CREAT create it? Only if it was not there before (O_EXCL makes
    // this certain; without it the answer can race, which is fine here).
    // (open follows a symbolic link, so a dangling one is created through.)
    let existed = std::fs::metadata(path).is_ok();
    let mode_bits = mode.unwrap_or(0);
    let fd = sys::open(path, flags.bits(), Mode::from_bits_truncate(mode_bits), &flags.names())
        .map_err(|e| Error::sys_path(Op::Open, shown, e))?;
    let created = flags.other.contains(OFlag::O_CREAT) && !existed;
    let file_mode = sys::fstat_mode(&fd).map_err(|e| Error::sys_path(Op::Fstat, shown, e))?;
    let shown_mode = flags.other.contains(OFlag::O_CREAT).then(|| format!("{mode_bits:04o}"));
    let ev = Event::Open {
        path: shown.to_string(),
        flags: flags.names(),
        flags_octal: flags.octal(),
        mode: shown_mode,
        umask: format!("{umask:04o}"),
        final_mode: created.then(|| format!("{:04o}", mode_bits & !umask)),
        created,
        file_mode: format!("{file_mode:04o}"),
        fd: fd.raw(),
    };
    Ok((fd, ev))
}

fn write_file(a: &WriteArgs, out: &mut Out) -> Result<()> {
    // Config: everything validated before anything is opened.
    let mut flags = parse_flags(&a.flags).map_err(Error::usage)?;
    if flags.access == OFlag::O_RDONLY {
        return Err(Error::usage(
            "write needs wronly or rdwr in --flags (write(2) on an O_RDONLY fd fails with EBADF)",
        ));
    }
    if a.nofollow {
        flags.other |= OFlag::O_NOFOLLOW;
    }
    let mode = parse_mode(&a.mode).map_err(Error::usage)?;
    if a.data.is_none() {
        crate::output::stdin_open()?;
    }

    let path = path_text(&a.path);
    let (fd, open_ev) = open_explained(&a.path, &path, flags, Some(mode))?;
    out.emit(&open_ev);
    let write_err = |e| Error::sys_path(Op::Write, &path, e);
    let (mut bytes, mut calls, mut partial) = (0u64, 0u64, 0u64);
    match &a.data {
        Some(d) => {
            (calls, partial) = write_all(&fd, d.as_bytes()).map_err(write_err)?;
            bytes = d.len() as u64;
        }
        // stdin is streamed, chunk by chunk: it may be larger than memory
        None => {
            let mut stdin = std::io::stdin().lock();
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = match std::io::Read::read(&mut stdin, &mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Error::io(Op::Read, "stdin", &e)),
                };
                let (c, p) = write_all(&fd, &buf[..n]).map_err(write_err)?;
                (bytes, calls, partial) = (bytes + n as u64, calls + c, partial + p);
            }
        }
    }
    let offset = offset_of(&fd, &path)?;
    out.emit(&Event::Write { path: path.to_string(), fd: fd.raw(), bytes, calls, partial_writes: partial, offset });
    fd.close().map_err(|e| Error::sys_path(Op::Close, &path, e))
}

/// With `--json` the content travels in the `read` event, so it is held in
/// memory: this much at most.
const JSON_CONTENT_MAX: usize = 16 << 20;

/// The file offset after the I/O; None where there is none (ESPIPE: a pipe,
/// FIFO, socket or terminal), which is not an error.
fn offset_of(fd: &Fd, path: &str) -> Result<Option<i64>> {
    match sys::tell(fd) {
        Ok(o) => Ok(Some(o)),
        Err(Errno::ESPIPE) => Ok(None),
        Err(e) => Err(Error::sys_path(Op::Lseek, path, e)),
    }
}

fn read_file(a: &ReadArgs, out: &mut Out) -> Result<()> {
    let mut flags = parse_flags(&a.flags).map_err(Error::usage)?;
    if flags.access == OFlag::O_WRONLY {
        return Err(Error::usage("read needs rdonly or rdwr in --flags (read(2) on an O_WRONLY fd fails with EBADF)"));
    }
    if flags.other.intersects(OFlag::O_CREAT | OFlag::O_TRUNC | OFlag::O_EXCL) {
        return Err(Error::usage("read takes no creat, trunc or excl (it would create or empty the file it reads)"));
    }
    if a.nofollow {
        flags.other |= OFlag::O_NOFOLLOW;
    }
    let path = path_text(&a.path);
    let (fd, open_ev) = open_explained(&a.path, &path, flags, None)?;
    out.emit_note(&open_ev);
    if let Some(off) = a.offset {
        let off = i64::try_from(off).map_err(|_| Error::usage("offset too large"))?;
        sys::seek(&fd, off).map_err(|e| Error::sys_path(Op::Lseek, &path, e))?;
    }
    let mut buf = vec![0u8; a.buffer_size];
    let mut content: Vec<u8> = Vec::new();
    let (mut total, mut calls) = (0u64, 0u64);
    let limit = a.count.unwrap_or(u64::MAX);
    while total < limit {
        let want = (limit - total).min(buf.len() as u64) as usize;
        calls += 1;
        let n = match sys::read(&fd, &mut buf[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(Error::sys_path(Op::Read, &path, e)),
        };
        total += n as u64;
        if out.is_json() {
            if content.len() + n > JSON_CONTENT_MAX {
                return Err(Error::usage_hint(
                    format!("{path}: more than {} MiB to put in one JSON event", JSON_CONTENT_MAX >> 20),
                    "--json carries the content in the read event: bound it with --count, or read without --json",
                ));
            }
            content.extend_from_slice(&buf[..n]);
        } else {
            out.data(&buf[..n]);
            if out.is_broken() {
                break; // stdout is gone (or failing): stop, as cat does
            }
        }
    }
    let offset = offset_of(&fd, &path)?;
    let (data, data_hex) = match String::from_utf8(content) {
        _ if !out.is_json() => (None, None),
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(crate::text::hex(e.as_bytes()))),
    };
    out.emit_note(&Event::Read { path: path.to_string(), fd: fd.raw(), bytes: total, calls, offset, data, data_hex });
    fd.close().map_err(|e| Error::sys_path(Op::Close, &path, e))
}

/// What a descriptor refers to, from /proc/self/fd.
fn describe_fd(fd: i32) -> String {
    match std::fs::read_link(format!("/proc/self/fd/{fd}")) {
        Ok(p) => p.display().to_string(),
        Err(_) if sys::is_open(fd) => "open".into(),
        Err(_) => "closed".into(),
    }
}

/// The course's fd demo: 0/1/2, then a file, a TCP socket and a UDP
/// socket get the lowest free numbers, in turn; a closed number is reused.
fn fds(out: &mut Out) -> Result<()> {
    // `<&-`: close again the /dev/null Rust's runtime put on descriptor 0,
    // so the demo shows the state the user made (the file below then takes
    // the lowest free number: 0). Not 2: a file there would receive the
    // trace and every error message.
    if crate::output::closed_at_start(0) {
        // SAFETY: nothing in this process holds descriptor 0 as its own,
        // and this command does not read stdin.
        unsafe {
            let _ = sys::close_number(0);
        }
    }
    for (fd, kind) in [(0, "stdin"), (1, "stdout"), (2, "stderr")] {
        let detail = if fd != 0 && crate::output::closed_at_start(fd) {
            "closed when netlab started (Rust's runtime keeps /dev/null on it)".into()
        } else {
            describe_fd(fd)
        };
        out.emit(&Event::Fd { fd, kind: kind.into(), detail });
    }
    let dir = std::env::temp_dir();
    let path = dir.join(format!("netlab-fds-{}.txt", std::process::id()));
    let path_s = path_text(&path);
    let flags = OFlag::O_CREAT | OFlag::O_RDWR | OFlag::O_EXCL;
    let file = sys::open(&path, flags, Mode::from_bits_truncate(0o600), "O_RDWR|O_CREAT|O_EXCL")
        .map_err(|e| Error::sys_path(Op::Open, &path_s, e))?;
    // The name is not needed once the file is open: unlink now so that an
    // error below leaves nothing behind.
    let _ = sys::unlink(&path);
    out.emit(&Event::Fd { fd: file.raw(), kind: "file".into(), detail: format!("open(\"{path_s}\") (unlinked)") });
    let tcp = sys::socket(AddressFamily::Inet, SockType::Stream, false)?;
    out.emit(&Event::Fd { fd: tcp.raw(), kind: "tcp socket".into(), detail: "socket(AF_INET, SOCK_STREAM, 0)".into() });
    let udp = sys::socket(AddressFamily::Inet, SockType::Datagram, false)?;
    out.emit(&Event::Fd { fd: udp.raw(), kind: "udp socket".into(), detail: "socket(AF_INET, SOCK_DGRAM, 0)".into() });
    let first = file.raw();
    file.close().map_err(|e| Error::sys(Op::Close, e))?;
    let again = sys::socket(AddressFamily::Inet, SockType::Stream, false)?;
    out.emit(&Event::Fd {
        fd: again.raw(),
        kind: "tcp socket".into(),
        detail: format!(
            "after close({first}): the kernel hands out the lowest free number{}",
            if again.raw() == first { ", so it is reused" } else { "" }
        ),
    });
    drop(again);
    drop(udp);
    drop(tcp);
    Ok(())
}
