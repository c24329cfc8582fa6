//! How much a pipe holds, and which writes are atomic.
//!
//! A non-blocking pipe is filled until write() says EAGAIN: the bytes it
//! held, next to fcntl(F_GETPIPE_SZ). Then, with part of a page free, two
//! writes that do not fit: one of PIPE_BUF bytes, which POSIX makes atomic
//! (all of it or nothing: EAGAIN), and one of PIPE_BUF + 1, which may be
//! written in part. What each did is measured and shown.

use crate::error::{Error, Op, Result};
use crate::events::{Event as Shared, Lesson};
use crate::logging::because;
use crate::output::Out;
use crate::sys;
use nix::errno::Errno;

/// Writes up to this size are atomic (POSIX PIPE_BUF; 4096 on Linux).
const PIPE_BUF: usize = libc::PIPE_BUF;

pub fn run(out: &mut Out) -> Result<()> {
    let (r, w) = because("non-blocking: a full pipe says EAGAIN instead of blocking", || {
        sys::pipe_with(nix::fcntl::OFlag::O_NONBLOCK | nix::fcntl::OFlag::O_CLOEXEC)
    })?;
    out.emit(&super::Event::Pipe { read_fd: r.raw(), write_fd: w.raw() });
    let size = sys::pipe_size(&w).map_err(|e| Error::sys_at(Op::Fcntl, "F_GETPIPE_SZ", e))?;
    let chunk = vec![b'x'; PIPE_BUF];
    let mut held = 0u64;
    // bounded: a pipe holds at most 1 MiB unless root raised /proc/sys/fs/pipe-max-size
    for _ in 0..(1 << 20) {
        match sys::write(&w, &chunk) {
            Ok(n) => held += n as u64,
            Err(Errno::EAGAIN) => break,
            Err(Errno::EINTR) => {}
            Err(e) => return Err(Error::sys(Op::Write, e)),
        }
    }
    // Free one page, and fill half of it: some room, but less than PIPE_BUF.
    let mut page = vec![0u8; PIPE_BUF];
    sys::read(&r, &mut page).map_err(|e| Error::sys(Op::Read, e))?;
    sys::write(&w, &chunk[..PIPE_BUF / 2]).map_err(|e| Error::sys(Op::Write, e))?;
    let small_write = describe(sys::write(&w, &chunk), PIPE_BUF);
    let big = vec![b'y'; PIPE_BUF + 1];
    let big_write = describe(sys::write(&w, &big), PIPE_BUF + 1);
    out.emit(&Shared::Result(Lesson::Capacity {
        bytes: held,
        pipe_size: size as u64,
        pipe_buf: PIPE_BUF as u64,
        big_write,
        small_write,
    }));
    drop((r, w));
    Ok(())
}

/// What a write of `len` bytes did: all, part, or nothing.
fn describe(res: std::result::Result<usize, Errno>, len: usize) -> String {
    match res {
        Ok(n) if n == len => format!("all {n} bytes written"),
        Ok(n) => format!("{n} of {len} bytes written: a partial write, not atomic"),
        Err(Errno::EAGAIN) => "-1 EAGAIN, nothing written: all or nothing (atomic)".to_string(),
        Err(e) => format!("-1 {e:?}"),
    }
}
