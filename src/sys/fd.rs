//! File descriptors: the [`Fd`] type (whose drop is a narrated close(2)),
//! read(2), write(2) and the course's two fcntl(2) calls.

use super::traced;
use nix::errno::Errno;
use nix::fcntl::OFlag;
use std::mem;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};

/// An open file descriptor. Dropping it calls close(2), narrated like any
/// other call, so `--trace` shows every close a student would write; a
/// descriptor of netlab's own plumbing gives its close a reason
/// ([`Fd::closed_because`]).
#[derive(Debug)]
pub struct Fd(RawFd, Option<&'static str>);

impl Fd {
    pub fn raw(&self) -> RawFd {
        self.0
    }

    /// The reason the trace line of its close gives: a descriptor the
    /// course's program would not have (a self-pipe, a wake-up pipe).
    pub fn closed_because(mut self, why: &'static str) -> Fd {
        self.1 = Some(why);
        self
    }

    /// Run `f` (a call on this descriptor) with this descriptor's reason, if
    /// it has one: reads and writes on netlab's plumbing say why too.
    #[inline]
    fn explained<T>(&self, f: impl FnOnce() -> T) -> T {
        match self.1 {
            Some(why) => crate::logging::because(why, f),
            None => f(),
        }
    }

    /// Give up ownership without closing (the caller now owns the number).
    pub fn into_raw(self) -> RawFd {
        let fd = self.0;
        mem::forget(self);
        fd
    }

    pub(crate) fn from_owned(fd: OwnedFd) -> Fd {
        Fd(fd.into_raw_fd(), None)
    }

    /// Take ownership of a descriptor this process owns and nobody else
    /// will close (used for inherited descriptors in tests and pre-exec
    /// helpers).
    ///
    /// # Safety
    /// `fd` must be open and not owned by anything else.
    pub unsafe fn from_raw(fd: RawFd) -> Fd {
        Fd(fd, None)
    }

    /// Close now and report the result (drop does the same, silently).
    pub fn close(self) -> std::result::Result<(), Errno> {
        let why = self.1;
        let fd = self.into_raw();
        close_why(fd, why)
    }
}

/// close(2) of a descriptor number this process holds through something
/// it will never drop (a forked child closing its copies of the parent's
/// sockets before it leaves with _exit).
///
/// # Safety
/// The number must be open and must not be used again in this process.
pub unsafe fn close_number(fd: RawFd) -> std::result::Result<(), Errno> {
    close_raw(fd)
}

fn close_raw(fd: RawFd) -> std::result::Result<(), Errno> {
    // SAFETY: the descriptor is owned by the Fd being consumed or dropped
    // (or by a caller of close_number, who gives it up), so nothing else
    // closes it or uses it afterwards. nix::unistd::close takes the number
    // the same way; this is its call, made here so that it is narrated.
    let res = Errno::result(unsafe { libc::close(fd) }).map(drop);
    traced(res, || format!("close({fd})"), |_| "0".into())
}

fn close_why(fd: RawFd, why: Option<&'static str>) -> std::result::Result<(), Errno> {
    match why {
        Some(why) => crate::logging::because(why, || close_raw(fd)),
        None => close_raw(fd),
    }
}

impl Drop for Fd {
    fn drop(&mut self) {
        let _ = close_why(self.0, self.1);
    }
}

impl AsRawFd for Fd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

impl AsFd for Fd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: self.0 stays open for as long as &self lives.
        unsafe { BorrowedFd::borrow_raw(self.0) }
    }
}

/// read(2).
#[inline]
pub fn read(fd: &Fd, buf: &mut [u8]) -> std::result::Result<usize, Errno> {
    let res = nix::unistd::read(fd, buf);
    fd.explained(|| traced(res, || format!("read({}, {})", fd.0, buf.len()), |n| n.to_string()))
}

/// write(2).
#[inline]
pub fn write(fd: &Fd, buf: &[u8]) -> std::result::Result<usize, Errno> {
    let res = nix::unistd::write(fd, buf);
    fd.explained(|| traced(res, || format!("write({}, {})", fd.0, buf.len()), |n| n.to_string()))
}

/// read(2) from standard input (descriptor 0, which this process does not
/// own as an [`Fd`]).
pub fn read_stdin(buf: &mut [u8]) -> std::result::Result<usize, Errno> {
    let stdin = std::io::stdin();
    let res = nix::unistd::read(stdin.as_fd(), buf);
    traced(res, || format!("read(0, {})", buf.len()), |n| n.to_string())
}

/// write(2) to standard output (descriptor 1), not narrated: results are
/// netlab's output, not the lesson.
pub fn write_stdout(buf: &[u8]) -> std::result::Result<usize, Errno> {
    nix::unistd::write(std::io::stdout().as_fd(), buf)
}

/// Whether descriptor number `fd` is open (fcntl F_GETFD), not narrated:
/// it looks, it does not act.
pub fn is_open(fd: RawFd) -> bool {
    // SAFETY: F_GETFD only asks the kernel about the number; nothing is
    // read, written or closed through it.
    unsafe { libc::fcntl(fd, libc::F_GETFD) != -1 }
}

/// dup(2): a second descriptor for the same open socket or file.
pub fn dup(fd: &Fd) -> std::result::Result<Fd, Errno> {
    // SAFETY: dup takes any descriptor number and returns a new one or -1.
    let res = Errno::result(unsafe { libc::dup(fd.0) }).map(|raw| {
        // SAFETY: dup just returned this descriptor: it is open and ours.
        unsafe { Fd::from_raw(raw) }
    });
    traced(res, || format!("dup({})", fd.0), |d| d.0.to_string())
}

/// The course's two calls: `flag = fcntl(fd, F_GETFL, 0)`, then
/// `fcntl(fd, F_SETFL, flag | O_NONBLOCK)` (or without it), each narrated.
pub fn set_nonblocking(fd: &Fd, on: bool) -> std::result::Result<(), Errno> {
    use nix::fcntl::{fcntl, FcntlArg};
    let bits = traced(
        fcntl(fd, FcntlArg::F_GETFL),
        || format!("fcntl({}, F_GETFL)", fd.0),
        |b| format!("{b:#x} (flags {})", status_flags(*b)),
    )?;
    let mut fl = OFlag::from_bits_retain(bits);
    fl.set(OFlag::O_NONBLOCK, on);
    traced(
        fcntl(fd, FcntlArg::F_SETFL(fl)).map(drop),
        || format!("fcntl({}, F_SETFL, {})", fd.0, status_flags(fl.bits())),
        |_| "0".into(),
    )
}

/// File status flags as C names (`O_RDWR|O_NONBLOCK`), any bit without a
/// name here in octal.
fn status_flags(bits: i32) -> String {
    let mut names = vec![match bits & libc::O_ACCMODE {
        libc::O_RDONLY => "O_RDONLY".to_string(),
        libc::O_WRONLY => "O_WRONLY".to_string(),
        libc::O_RDWR => "O_RDWR".to_string(),
        other => format!("{other:#o}"),
    }];
    let mut rest = bits & !libc::O_ACCMODE;
    for (name, bit) in [
        ("O_APPEND", libc::O_APPEND),
        ("O_NONBLOCK", libc::O_NONBLOCK),
        ("O_ASYNC", libc::O_ASYNC),
        ("O_DIRECT", libc::O_DIRECT),
        ("O_NOATIME", libc::O_NOATIME),
        ("O_LARGEFILE", libc::O_LARGEFILE),
    ] {
        if rest & bit != 0 {
            names.push(name.to_string());
            rest &= !bit;
        }
    }
    if rest != 0 {
        names.push(format!("{rest:#o}"));
    }
    names.join("|")
}

/// Wait until standard output takes more (someone made it non-blocking
/// and it said EAGAIN), not narrated, as [`write_stdout`].
pub fn wait_stdout_writable() {
    let stdout = std::io::stdout();
    let mut p = [nix::poll::PollFd::new(stdout.as_fd(), nix::poll::PollFlags::POLLOUT)];
    let _ = nix::poll::poll(&mut p, nix::poll::PollTimeout::NONE);
}

/// write(2) until everything is written: a short write is retried with the
/// rest, EINTR is retried. Returns (calls, partial writes).
pub fn write_all(fd: &Fd, mut data: &[u8]) -> std::result::Result<(u64, u64), Errno> {
    let (mut calls, mut partial) = (0u64, 0u64);
    while !data.is_empty() {
        calls += 1;
        match write(fd, data) {
            Ok(n) => {
                if n < data.len() {
                    partial += 1;
                }
                data = &data[n..];
            }
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok((calls, partial))
}

/// Whether standard input is a terminal (isatty: ioctl TCGETS), not
/// narrated: it decides the mode, it is not the lesson.
pub fn stdin_is_tty() -> bool {
    nix::unistd::isatty(std::io::stdin()).unwrap_or(false)
}

/// fcntl(fd, F_GETPIPE_SZ): a pipe's capacity in bytes.
pub fn pipe_size(fd: &Fd) -> std::result::Result<i32, Errno> {
    let res = nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_GETPIPE_SZ);
    traced(res, || format!("fcntl({}, F_GETPIPE_SZ)", fd.0), |n| n.to_string())
}

/// Whether standard output is a terminal (isatty), not narrated.
pub fn stdout_is_tty() -> bool {
    nix::unistd::isatty(std::io::stdout()).unwrap_or(false)
}
