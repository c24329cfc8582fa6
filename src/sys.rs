//! The system-call layer. Every socket and file call netlab makes goes
//! through here: a thin wrapper over nix (libc where nix has no wrapper,
//! each marked `SAFETY:`) that, with `--trace`, narrates the call in C
//! notation with its result: `bind(3, 0.0.0.0:9190) = 0`,
//! `accept(3) = 4 (127.0.0.1:51000)`,
//! `connect(3, 127.0.0.1:1) = -1 ECONNREFUSED (Connection refused)`.
//!
//! Calls made once per command (socket, bind, listen, open) return
//! [`Error`] with the call and its target. Calls on the hot path (read,
//! write, accept, the readiness waits) return the bare [`Errno`]: EAGAIN and
//! EINTR are normal there, and the caller knows the peer to name.

use crate::error::{Error, Result};
use crate::logging::{trace_line, tracing_syscalls};
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::socket::{AddressFamily, Shutdown, SockFlag, SockType, SockaddrStorage};
use nix::sys::stat::Mode;
use std::mem;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::path::Path;

/// An open file descriptor. Dropping it calls close(2), narrated like any
/// other call, so `--trace` shows every close a student would write.
#[derive(Debug)]
pub struct Fd(RawFd);

impl Fd {
    pub fn raw(&self) -> RawFd {
        self.0
    }

    /// Give up ownership without closing (the caller now owns the number).
    pub fn into_raw(self) -> RawFd {
        let fd = self.0;
        mem::forget(self);
        fd
    }

    fn from_owned(fd: OwnedFd) -> Fd {
        Fd(fd.into_raw_fd())
    }

    /// Take ownership of a descriptor this process owns and nobody else
    /// will close (used for inherited descriptors in tests and pre-exec
    /// helpers).
    ///
    /// # Safety
    /// `fd` must be open and not owned by anything else.
    pub unsafe fn from_raw(fd: RawFd) -> Fd {
        Fd(fd)
    }

    /// Close now and report the result (drop does the same, silently).
    pub fn close(self) -> std::result::Result<(), Errno> {
        let fd = self.into_raw();
        close_raw(fd)
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
    // SAFETY: the descriptor is owned by the Fd being consumed or dropped,
    // so nothing else closes it or uses it afterwards.
    let res = Errno::result(unsafe { libc::close(fd) }).map(drop);
    traced(res, || format!("close({fd})"), |_| "0".into())
}

impl Drop for Fd {
    fn drop(&mut self) {
        let _ = close_raw(self.0);
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

/// Narrate a call when `--trace` is on; pass its result through.
#[inline]
fn traced<T>(
    res: std::result::Result<T, Errno>,
    call: impl FnOnce() -> String,
    show: impl FnOnce(&T) -> String,
) -> std::result::Result<T, Errno> {
    if tracing_syscalls() {
        let line = match &res {
            Ok(v) => format!("{} = {}", call(), show(v)),
            Err(e) => format!("{} = -1 {:?} ({})", call(), e, crate::error::strerror(*e)),
        };
        trace_line(&line);
    }
    res
}

// ---------------------------------------------------------------- names

pub fn family_name(f: AddressFamily) -> &'static str {
    match f {
        AddressFamily::Inet => "AF_INET",
        AddressFamily::Inet6 => "AF_INET6",
        AddressFamily::Unix => "AF_UNIX",
        _ => "AF_?",
    }
}

pub fn socktype_name(t: SockType) -> &'static str {
    match t {
        SockType::Stream => "SOCK_STREAM",
        SockType::Datagram => "SOCK_DGRAM",
        SockType::Raw => "SOCK_RAW",
        _ => "SOCK_?",
    }
}

/// The family of an address, as socket(2) wants it.
pub fn family_of(addr: &SocketAddr) -> AddressFamily {
    match addr {
        SocketAddr::V4(_) => AddressFamily::Inet,
        SocketAddr::V6(_) => AddressFamily::Inet6,
    }
}

/// `127.0.0.1:9190`, `[::1]:9190`.
pub fn fmt_addr(a: &SocketAddr) -> String {
    a.to_string()
}

fn sockaddr_to_std(ss: &SockaddrStorage) -> Option<SocketAddr> {
    if let Some(v4) = ss.as_sockaddr_in() {
        return Some(SocketAddr::V4(SocketAddrV4::new(v4.ip(), v4.port())));
    }
    if let Some(v6) = ss.as_sockaddr_in6() {
        return Some(SocketAddr::V6(SocketAddrV6::new(v6.ip(), v6.port(), v6.flowinfo(), v6.scope_id())));
    }
    None
}

fn raw_storage_to_std(ss: &libc::sockaddr_storage) -> Option<SocketAddr> {
    match ss.ss_family as libc::c_int {
        libc::AF_INET => {
            // SAFETY: ss_family says the storage holds a sockaddr_in, and
            // sockaddr_storage is large and aligned enough for it.
            let sin = unsafe { &*(ss as *const _ as *const libc::sockaddr_in) };
            let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
            Some(SocketAddr::V4(SocketAddrV4::new(ip, u16::from_be(sin.sin_port))))
        }
        libc::AF_INET6 => {
            // SAFETY: as above, for sockaddr_in6.
            let sin6 = unsafe { &*(ss as *const _ as *const libc::sockaddr_in6) };
            let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
            Some(SocketAddr::V6(SocketAddrV6::new(
                ip,
                u16::from_be(sin6.sin6_port),
                sin6.sin6_flowinfo,
                sin6.sin6_scope_id,
            )))
        }
        _ => None,
    }
}

// ---------------------------------------------------------------- sockets

/// socket(2). `nonblock` adds SOCK_NONBLOCK (shown in the trace).
pub fn socket(family: AddressFamily, ty: SockType, nonblock: bool) -> Result<Fd> {
    let flags = if nonblock { SockFlag::SOCK_NONBLOCK } else { SockFlag::empty() };
    let res = nix::sys::socket::socket(family, ty, flags, None).map(Fd::from_owned);
    let call = || {
        format!(
            "socket({}, {}{}, 0)",
            family_name(family),
            socktype_name(ty),
            if nonblock { "|SOCK_NONBLOCK" } else { "" }
        )
    };
    traced(res, call, |fd| fd.0.to_string())
        .map_err(|e| Error::sys(format!("socket({}, {})", family_name(family), socktype_name(ty)), e))
}

/// bind(2); the error names the address (`bind 0.0.0.0:9190`).
pub fn bind(fd: &Fd, addr: &SocketAddr) -> Result<()> {
    let ss = SockaddrStorage::from(*addr);
    let res = nix::sys::socket::bind(fd.0, &ss);
    traced(res, || format!("bind({}, {})", fd.0, fmt_addr(addr)), |_| "0".into())
        .map_err(|e| Error::sys(format!("bind {}", fmt_addr(addr)), e))
}

/// listen(2) with the backlog as given (the kernel caps it at somaxconn).
pub fn listen(fd: &Fd, backlog: i32) -> Result<()> {
    // SAFETY: plain syscall on a descriptor we own.
    let res = Errno::result(unsafe { libc::listen(fd.0, backlog) }).map(drop);
    traced(res, || format!("listen({}, {backlog})", fd.0), |_| "0".into()).map_err(|e| Error::sys("listen", e))
}

/// accept(2) (or accept4(2) with SOCK_NONBLOCK), returning the peer.
pub fn accept(fd: &Fd, nonblock: bool) -> std::result::Result<(Fd, SocketAddr), Errno> {
    // SAFETY: sockaddr_storage is plain data; all-zero is a valid value.
    let mut ss: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let mut len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    let flags = if nonblock { libc::SOCK_NONBLOCK } else { 0 };
    // SAFETY: ss and len describe a writable buffer of the right size; the
    // kernel writes at most len bytes of address into it.
    let res = Errno::result(unsafe { libc::accept4(fd.0, &mut ss as *mut _ as *mut libc::sockaddr, &mut len, flags) });
    let res = res.map(|raw| {
        let peer = raw_storage_to_std(&ss).unwrap_or(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0)));
        (Fd(raw), peer)
    });
    traced(
        res,
        || {
            if nonblock {
                format!("accept4({}, SOCK_NONBLOCK)", fd.0)
            } else {
                format!("accept({})", fd.0)
            }
        },
        |(c, p)| format!("{} ({})", c.0, fmt_addr(p)),
    )
}

/// connect(2). On a non-blocking socket EINPROGRESS comes back as the error.
pub fn connect(fd: &Fd, addr: &SocketAddr) -> std::result::Result<(), Errno> {
    let ss = SockaddrStorage::from(*addr);
    let res = nix::sys::socket::connect(fd.0, &ss);
    traced(res, || format!("connect({}, {})", fd.0, fmt_addr(addr)), |_| "0".into())
}

/// read(2).
#[inline]
pub fn read(fd: &Fd, buf: &mut [u8]) -> std::result::Result<usize, Errno> {
    let res = nix::unistd::read(fd, buf);
    traced(res, || format!("read({}, {})", fd.0, buf.len()), |n| n.to_string())
}

/// write(2).
#[inline]
pub fn write(fd: &Fd, buf: &[u8]) -> std::result::Result<usize, Errno> {
    let res = nix::unistd::write(fd, buf);
    traced(res, || format!("write({}, {})", fd.0, buf.len()), |n| n.to_string())
}

/// read(2) from a descriptor we do not own (stdin).
pub fn read_raw(fd: RawFd, buf: &mut [u8]) -> std::result::Result<usize, Errno> {
    // SAFETY: the caller guarantees fd is open for the duration of the call.
    let b = unsafe { BorrowedFd::borrow_raw(fd) };
    let res = nix::unistd::read(b, buf);
    traced(res, || format!("read({fd}, {})", buf.len()), |n| n.to_string())
}

/// recvfrom(2): the byte count, the sender, and whether the datagram was
/// longer than the buffer (MSG_TRUNC: the count is then the real length).
pub fn recvfrom(
    fd: &Fd,
    buf: &mut [u8],
    flags: libc::c_int,
) -> std::result::Result<(usize, Option<SocketAddr>), Errno> {
    // SAFETY: as in accept(): a zeroed storage and its true size.
    let mut ss: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let mut len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: buf is writable for buf.len() bytes; ss/len as above.
    let res = Errno::result(unsafe {
        libc::recvfrom(
            fd.0,
            buf.as_mut_ptr() as *mut libc::c_void,
            buf.len(),
            flags,
            &mut ss as *mut _ as *mut libc::sockaddr,
            &mut len,
        )
    })
    .map(|n| (n as usize, if len > 0 { raw_storage_to_std(&ss) } else { None }));
    traced(
        res,
        || {
            let f = if flags & libc::MSG_TRUNC != 0 { "MSG_TRUNC" } else { "0" };
            format!("recvfrom({}, {}, {f})", fd.0, buf.len())
        },
        |(n, a)| match a {
            Some(a) => format!("{n} ({})", fmt_addr(a)),
            None => n.to_string(),
        },
    )
}

/// sendto(2).
pub fn sendto(fd: &Fd, buf: &[u8], addr: &SocketAddr) -> std::result::Result<usize, Errno> {
    let ss = SockaddrStorage::from(*addr);
    let res = nix::sys::socket::sendto(fd.0, buf, &ss, nix::sys::socket::MsgFlags::empty());
    traced(res, || format!("sendto({}, {}, 0, {})", fd.0, buf.len(), fmt_addr(addr)), |n| n.to_string())
}

/// shutdown(2).
pub fn shutdown(fd: &Fd, how: Shutdown) -> std::result::Result<(), Errno> {
    let name = match how {
        Shutdown::Read => "SHUT_RD",
        Shutdown::Write => "SHUT_WR",
        Shutdown::Both => "SHUT_RDWR",
    };
    let res = nix::sys::socket::shutdown(fd.0, how);
    traced(res, || format!("shutdown({}, {name})", fd.0), |_| "0".into())
}

/// getsockname(2): the address the kernel gave us (the real port after
/// binding port 0).
pub fn getsockname(fd: &Fd) -> std::result::Result<SocketAddr, Errno> {
    let res = nix::sys::socket::getsockname::<SockaddrStorage>(fd.0)
        .and_then(|ss| sockaddr_to_std(&ss).ok_or(Errno::EAFNOSUPPORT));
    traced(res, || format!("getsockname({})", fd.0), |a| format!("0 ({})", fmt_addr(a)))
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

// ---------------------------------------------------------------- socket options

/// A socket option: level and name as numbers and as the C constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptName {
    pub level: libc::c_int,
    pub name: libc::c_int,
    pub level_name: &'static str,
    pub opt_name: &'static str,
}

pub const SO_REUSEADDR: OptName =
    OptName { level: libc::SOL_SOCKET, name: libc::SO_REUSEADDR, level_name: "SOL_SOCKET", opt_name: "SO_REUSEADDR" };
pub const SO_LINGER: OptName =
    OptName { level: libc::SOL_SOCKET, name: libc::SO_LINGER, level_name: "SOL_SOCKET", opt_name: "SO_LINGER" };
pub const SO_RCVBUF: OptName =
    OptName { level: libc::SOL_SOCKET, name: libc::SO_RCVBUF, level_name: "SOL_SOCKET", opt_name: "SO_RCVBUF" };
pub const SO_SNDBUF: OptName =
    OptName { level: libc::SOL_SOCKET, name: libc::SO_SNDBUF, level_name: "SOL_SOCKET", opt_name: "SO_SNDBUF" };
pub const SO_ERROR: OptName =
    OptName { level: libc::SOL_SOCKET, name: libc::SO_ERROR, level_name: "SOL_SOCKET", opt_name: "SO_ERROR" };
pub const TCP_NODELAY: OptName =
    OptName { level: libc::IPPROTO_TCP, name: libc::TCP_NODELAY, level_name: "IPPROTO_TCP", opt_name: "TCP_NODELAY" };
pub const IPV6_V6ONLY: OptName =
    OptName { level: libc::IPPROTO_IPV6, name: libc::IPV6_V6ONLY, level_name: "IPPROTO_IPV6", opt_name: "IPV6_V6ONLY" };

/// setsockopt(2) with raw bytes; `shown` is the value as the trace prints it.
pub fn setsockopt_bytes(fd: &Fd, opt: &OptName, val: &[u8], shown: &str) -> std::result::Result<(), Errno> {
    // SAFETY: val points to val.len() readable bytes; the kernel copies them.
    let res = Errno::result(unsafe {
        libc::setsockopt(fd.0, opt.level, opt.name, val.as_ptr() as *const libc::c_void, val.len() as libc::socklen_t)
    })
    .map(drop);
    traced(res, || format!("setsockopt({}, {}, {}, {shown})", fd.0, opt.level_name, opt.opt_name), |_| "0".into())
}

/// getsockopt(2) into raw bytes; returns the length the kernel wrote.
pub fn getsockopt_bytes(fd: &Fd, opt: &OptName, buf: &mut [u8]) -> std::result::Result<usize, Errno> {
    let mut len = buf.len() as libc::socklen_t;
    // SAFETY: buf is writable for len bytes and len is updated by the kernel.
    let res = Errno::result(unsafe {
        libc::getsockopt(fd.0, opt.level, opt.name, buf.as_mut_ptr() as *mut libc::c_void, &mut len)
    })
    .map(|_| len as usize);
    traced(res, || format!("getsockopt({}, {}, {})", fd.0, opt.level_name, opt.opt_name), |n| format!("0 ({n} bytes)"))
}

/// setsockopt(2) with an int value.
pub fn setsockopt_int(fd: &Fd, opt: &OptName, v: i32) -> std::result::Result<(), Errno> {
    setsockopt_bytes(fd, opt, &v.to_ne_bytes(), &v.to_string())
}

/// getsockopt(2) of an int value.
pub fn getsockopt_int(fd: &Fd, opt: &OptName) -> std::result::Result<i32, Errno> {
    let mut b = [0u8; 4];
    getsockopt_bytes(fd, opt, &mut b)?;
    Ok(i32::from_ne_bytes(b))
}

/// SO_LINGER {on, secs}.
pub fn set_linger(fd: &Fd, on: bool, secs: i32) -> std::result::Result<(), Errno> {
    let l = libc::linger { l_onoff: i32::from(on), l_linger: secs };
    // SAFETY: linger is plain data; viewing it as bytes is sound.
    let bytes =
        unsafe { std::slice::from_raw_parts(&l as *const libc::linger as *const u8, mem::size_of::<libc::linger>()) };
    setsockopt_bytes(fd, &SO_LINGER, bytes, &format!("{{l_onoff={}, l_linger={secs}}}", i32::from(on)))
}

// ---------------------------------------------------------------- files

/// open(2); `shown_flags` is the flag list as the trace prints it.
pub fn open(path: &Path, flags: OFlag, mode: Mode, shown_flags: &str) -> std::result::Result<Fd, Errno> {
    let res = nix::fcntl::open(path, flags, mode).map(Fd::from_owned);
    traced(
        res,
        || {
            let path = crate::output::path_text(path);
            let path = crate::output::printable(&path);
            if flags.contains(OFlag::O_CREAT) {
                format!("open(\"{path}\", {shown_flags}, {:04o})", mode.bits())
            } else {
                format!("open(\"{path}\", {shown_flags})")
            }
        },
        |fd| fd.0.to_string(),
    )
}

/// unlink(2).
pub fn unlink(path: &Path) -> std::result::Result<(), Errno> {
    let res = nix::unistd::unlink(path);
    traced(res, || format!("unlink(\"{}\")", crate::output::printable(&crate::output::path_text(path))), |_| "0".into())
}

/// lseek(fd, 0, SEEK_CUR): where the file offset is now.
pub fn tell(fd: &Fd) -> std::result::Result<i64, Errno> {
    let res = nix::unistd::lseek(fd, 0, nix::unistd::Whence::SeekCur);
    traced(res, || format!("lseek({}, 0, SEEK_CUR)", fd.0), |o| o.to_string())
}

/// lseek(fd, off, SEEK_SET).
pub fn seek(fd: &Fd, off: i64) -> std::result::Result<i64, Errno> {
    let res = nix::unistd::lseek(fd, off, nix::unistd::Whence::SeekSet);
    traced(res, || format!("lseek({}, {off}, SEEK_SET)", fd.0), |o| o.to_string())
}

/// fstat(2): the permission bits of an open file.
pub fn fstat_mode(fd: &Fd) -> std::result::Result<u32, Errno> {
    let res = nix::sys::stat::fstat(fd).map(|st| st.st_mode & 0o7777);
    traced(res, || format!("fstat({})", fd.0), |m| format!("0 (st_mode & 07777 = {m:04o})"))
}

/// The process umask, read without changing it (Linux /proc), or by
/// umask(2) set-and-restore where /proc is not mounted.
pub fn current_umask() -> u32 {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        for line in status.lines() {
            if let Some(v) = line.strip_prefix("Umask:") {
                if let Ok(m) = u32::from_str_radix(v.trim(), 8) {
                    return m;
                }
            }
        }
    }
    let old = nix::sys::stat::umask(Mode::from_bits_truncate(0o022));
    nix::sys::stat::umask(old);
    old.bits()
}

// ---------------------------------------------------------------- processes

/// A named thread with its own stack size: std's spawn, which is
/// pthread_create(3), narrated as such (it returns the error number itself
/// instead of -1 and errno).
pub fn spawn_thread<F: FnOnce() + Send + 'static>(
    name: String,
    stack: usize,
    f: F,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    let call = tracing_syscalls().then(|| format!("pthread_create(\"{name}\", stack {stack})"));
    let res = std::thread::Builder::new().name(name).stack_size(stack).spawn(f);
    if let Some(call) = call {
        trace_line(&match &res {
            Ok(_) => format!("{call} = 0"),
            Err(e) => {
                let errno = Errno::from_raw(e.raw_os_error().unwrap_or(libc::EAGAIN));
                format!("{call} = {errno:?} ({})", crate::error::strerror(errno))
            }
        });
    }
    res
}

/// fork(2).
///
/// # Safety
/// The caller must be single-threaded at this point (no other thread may
/// hold a lock the child would need).
pub unsafe fn fork() -> std::result::Result<nix::unistd::ForkResult, Errno> {
    use nix::unistd::ForkResult;
    // SAFETY: forwarded to the caller's contract.
    let res = unsafe { nix::unistd::fork() };
    // Only the parent narrates; the child starts with a clean slate.
    if let Ok(ForkResult::Parent { child }) = &res {
        if tracing_syscalls() {
            trace_line(&format!("fork() = {child}"));
        }
    } else if let Err(e) = &res {
        if tracing_syscalls() {
            trace_line(&format!("fork() = -1 {e:?} ({})", crate::error::strerror(*e)));
        }
    }
    res
}

fn describe_wait(st: nix::sys::wait::WaitStatus) -> Option<(i32, String)> {
    use nix::sys::wait::WaitStatus;
    match st {
        WaitStatus::StillAlive => None,
        WaitStatus::Exited(pid, code) => Some((pid.as_raw(), format!("exited {code}"))),
        WaitStatus::Signaled(pid, sig, _) => Some((pid.as_raw(), format!("killed by {}", sig.as_str()))),
        other => other.pid().map(|p| (p.as_raw(), format!("{other:?}"))),
    }
}

/// waitpid(-1, &status, WNOHANG): one exited child, or None when no child
/// has exited (or there are no children).
pub fn waitpid_any_nohang() -> std::result::Result<Option<(i32, String)>, Errno> {
    waitpid_any(true)
}

/// waitpid(-1, &status, 0): the next child to exit (EINTR retried), or
/// None when there are no children left.
pub fn waitpid_any_blocking() -> std::result::Result<Option<(i32, String)>, Errno> {
    loop {
        match waitpid_any(false) {
            Err(Errno::EINTR) => continue,
            other => return other,
        }
    }
}

/// waitpid(pid, &status, 0): wait for that child to end (EINTR retried).
pub fn waitpid_child(pid: nix::unistd::Pid) -> std::result::Result<nix::sys::wait::WaitStatus, Errno> {
    loop {
        match waitpid(pid, false) {
            Err(Errno::EINTR) => continue,
            other => return other,
        }
    }
}

fn waitpid_any(nohang: bool) -> std::result::Result<Option<(i32, String)>, Errno> {
    match waitpid(nix::unistd::Pid::from_raw(-1), nohang) {
        Ok(st) => Ok(describe_wait(st)),
        Err(Errno::ECHILD) => Ok(None),
        Err(e) => Err(e),
    }
}

/// waitpid(2), traced as the kernel answered: `= 0` (children, none exited
/// yet) and `= -1 ECHILD` (no children at all) are different answers.
fn waitpid(pid: nix::unistd::Pid, nohang: bool) -> std::result::Result<nix::sys::wait::WaitStatus, Errno> {
    let flags = nohang.then_some(nix::sys::wait::WaitPidFlag::WNOHANG);
    traced(
        nix::sys::wait::waitpid(pid, flags),
        || format!("waitpid({pid}, {})", if nohang { "WNOHANG" } else { "0" }),
        |st| describe_wait(*st).map_or_else(|| "0".into(), |(p, how)| format!("{p} ({how})")),
    )
}

// ---------------------------------------------------------------- signals, pipes, waiting

/// sigaction(2); `shown` describes the handler for the trace.
pub fn sigaction(sig: nix::sys::signal::Signal, action: &nix::sys::signal::SigAction, shown: &str) -> Result<()> {
    // SAFETY: the handlers netlab installs only touch atomics and write(2)
    // to a pipe, both async-signal-safe.
    let res = unsafe { nix::sys::signal::sigaction(sig, action) }.map(drop);
    traced(res, || format!("sigaction({}, {shown})", sig.as_str()), |_| "0".into())
        .map_err(|e| Error::sys(format!("sigaction {}", sig.as_str()), e))
}

/// pipe2(2) with O_NONBLOCK|O_CLOEXEC: (read end, write end).
pub fn pipe() -> Result<(Fd, Fd)> {
    let res =
        nix::unistd::pipe2(OFlag::O_NONBLOCK | OFlag::O_CLOEXEC).map(|(r, w)| (Fd::from_owned(r), Fd::from_owned(w)));
    if tracing_syscalls() {
        // as strace shows it: the array the kernel filled in, then the result
        trace_line(&match &res {
            Ok((r, w)) => format!("pipe2([{}, {}], O_NONBLOCK|O_CLOEXEC) = 0", r.0, w.0),
            Err(e) => format!("pipe2(fds, O_NONBLOCK|O_CLOEXEC) = -1 {e:?} ({})", crate::error::strerror(*e)),
        });
    }
    res.map_err(|e| Error::sys("pipe", e))
}

fn poll_events(ev: i16) -> String {
    let mut v = Vec::new();
    for (bit, name) in [
        (libc::POLLIN, "POLLIN"),
        (libc::POLLOUT, "POLLOUT"),
        (libc::POLLERR, "POLLERR"),
        (libc::POLLHUP, "POLLHUP"),
        (libc::POLLNVAL, "POLLNVAL"),
    ] {
        if ev & bit != 0 {
            v.push(name);
        }
    }
    if v.is_empty() {
        "0".into()
    } else {
        v.join("|")
    }
}

/// A wait of `d` as poll(2)'s milliseconds: rounded up, so the wait is
/// never cut short, and capped at i32::MAX.
pub fn poll_ms(d: std::time::Duration) -> i32 {
    d.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32
}

/// poll(2) over raw pollfd entries (kept by the caller between calls).
/// `timeout_ms` < 0 waits forever.
pub fn poll(fds: &mut [libc::pollfd], timeout_ms: i32) -> std::result::Result<usize, Errno> {
    // SAFETY: fds is a valid, writable array of fds.len() pollfd structs.
    let res = Errno::result(unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) })
        .map(|n| n as usize);
    if tracing_syscalls() {
        let show = |fds: &[libc::pollfd], field: fn(&libc::pollfd) -> i16| {
            let mut parts: Vec<String> =
                fds.iter().take(8).map(|p| format!("{{fd={}, {}}}", p.fd, poll_events(field(p)))).collect();
            if fds.len() > 8 {
                parts.push(format!("... {} more", fds.len() - 8));
            }
            parts.join(", ")
        };
        let call = format!("poll([{}], {}, {timeout_ms})", show(fds, |p| p.events), fds.len());
        let line = match &res {
            Ok(n) => {
                let ready: Vec<libc::pollfd> = fds.iter().filter(|p| p.revents != 0).copied().collect();
                if ready.is_empty() {
                    format!("{call} = {n}")
                } else {
                    format!("{call} = {n} ([{}])", show(&ready, |p| p.revents))
                }
            }
            Err(e) => format!("{call} = -1 {e:?} ({})", crate::error::strerror(*e)),
        };
        trace_line(&line);
    }
    res
}

/// A pollfd entry.
pub fn pollfd(fd: RawFd, events: i16) -> libc::pollfd {
    libc::pollfd { fd, events, revents: 0 }
}

/// select(2) over nix fd_sets. The caller guarantees every fd in the sets
/// is below FD_SETSIZE (nix asserts it).
pub fn select<'fd>(
    nfds: i32,
    read: &mut nix::sys::select::FdSet<'fd>,
    write: &mut nix::sys::select::FdSet<'fd>,
    timeout: Option<std::time::Duration>,
) -> std::result::Result<usize, Errno> {
    let set_text = |s: &nix::sys::select::FdSet<'_>| {
        let v: Vec<String> = s.fds(Some(nfds - 1)).take(12).map(|f| f.as_raw_fd().to_string()).collect();
        format!("{{{}}}", v.join(" "))
    };
    let before = if tracing_syscalls() { Some((set_text(read), set_text(write))) } else { None };
    let mut tv = timeout.map(|d| nix::sys::time::TimeVal::new(d.as_secs() as _, d.subsec_micros() as _));
    let res = match tv.as_mut() {
        Some(tv) => nix::sys::select::select(nfds, Some(&mut *read), Some(&mut *write), None, Some(tv)),
        None => nix::sys::select::select(
            nfds,
            Some(&mut *read),
            Some(&mut *write),
            None,
            None::<&mut nix::sys::time::TimeVal>,
        ),
    }
    .map(|n| n as usize);
    if let Some((r, w)) = before {
        let t = match timeout {
            Some(d) => format!("{{{}, {}}}", d.as_secs(), d.subsec_micros()),
            None => "NULL".into(),
        };
        let call = format!("select({nfds}, {r}, {w}, NULL, {t})");
        let line = match &res {
            Ok(n) => format!("{call} = {n} (read {}, write {})", set_text(read), set_text(write)),
            Err(e) => format!("{call} = -1 {e:?} ({})", crate::error::strerror(*e)),
        };
        trace_line(&line);
    }
    res
}

/// prctl(PR_SET_PDEATHSIG, SIGKILL): the calling process is killed when
/// its parent ends (a forked helper never outlives its command).
pub fn die_with_parent() -> std::result::Result<(), Errno> {
    let res = nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL);
    traced(res, || "prctl(PR_SET_PDEATHSIG, SIGKILL)".to_string(), |_| "0".into())
}

/// kill(2).
pub fn kill(pid: i32, sig: nix::sys::signal::Signal) -> std::result::Result<(), Errno> {
    let res = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), sig);
    traced(res, || format!("kill({pid}, {})", sig.as_str()), |_| "0".into())
}

// ---------------------------------------------------------------- name resolution
//
// Not system calls, but the library calls a student writes: narrated the
// same way.

/// What getaddrinfo(AI_CANONNAME) found.
#[derive(Clone, Debug, Default)]
pub struct AddrInfo {
    pub canonname: Option<String>,
    pub addrs: Vec<std::net::IpAddr>,
}

/// getaddrinfo(name, NULL, {AI_CANONNAME, family, SOCK_STREAM}); the error
/// is the EAI_* code.
pub fn getaddrinfo(name: &str, family: libc::c_int) -> std::result::Result<AddrInfo, i32> {
    let hints = dns_lookup::AddrInfoHints {
        flags: libc::AI_CANONNAME,
        address: family,
        socktype: libc::SOCK_STREAM,
        protocol: 0,
    };
    let res = match dns_lookup::getaddrinfo(Some(name), None, Some(hints)) {
        Ok(iter) => {
            let mut info = AddrInfo::default();
            for ai in iter.flatten() {
                if info.canonname.is_none() {
                    info.canonname = ai.canonname.clone();
                }
                if !info.addrs.contains(&ai.sockaddr.ip()) {
                    info.addrs.push(ai.sockaddr.ip());
                }
            }
            Ok(info)
        }
        Err(e) => Err(e.error_num()),
    };
    if tracing_syscalls() {
        let fam = match family {
            libc::AF_INET => "AF_INET",
            libc::AF_INET6 => "AF_INET6",
            _ => "AF_UNSPEC",
        };
        let call = format!("getaddrinfo(\"{name}\", NULL, {{AI_CANONNAME, {fam}, SOCK_STREAM}})");
        trace_line(&match &res {
            Ok(i) => format!("{call} = 0 ({} addresses)", i.addrs.len()),
            Err(code) => format!("{call} = {code} {}", crate::net::gai_name(*code).unwrap_or("EAI_?")),
        });
    }
    res
}

/// getnameinfo(addr, NI_NAMEREQD): the host name, or the EAI_* code.
pub fn getnameinfo(addr: &SocketAddr) -> std::result::Result<String, i32> {
    let res = dns_lookup::getnameinfo(addr, libc::NI_NAMEREQD).map(|(h, _)| h).map_err(|e| e.error_num());
    if tracing_syscalls() {
        let call = format!("getnameinfo({}, NI_NAMEREQD)", addr.ip());
        trace_line(&match &res {
            Ok(h) => format!("{call} = 0 (\"{h}\")"),
            Err(code) => format!("{call} = {code} {}", crate::net::gai_name(*code).unwrap_or("EAI_?")),
        });
    }
    res
}

extern "C" {
    // glibc; the libc crate does not declare it.
    fn gethostbyname2_r(
        name: *const libc::c_char,
        af: libc::c_int,
        ret: *mut libc::hostent,
        buf: *mut libc::c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut libc::c_int,
    ) -> libc::c_int;
}

/// gethostbyname2_r(name, af): the course's `struct hostent` (official
/// name and aliases; getaddrinfo does not report aliases).
pub fn gethostbyname2(name: &str, af: libc::c_int) -> Option<(String, Vec<String>)> {
    let cname = std::ffi::CString::new(name).ok()?;
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        // SAFETY: hostent is plain data; the call fills it with pointers
        // into `buf`, which outlives every read below.
        let mut he: libc::hostent = unsafe { mem::zeroed() };
        let mut result: *mut libc::hostent = std::ptr::null_mut();
        let mut h_errno: libc::c_int = 0;
        // SAFETY: all pointers are valid for the sizes given.
        let rc = unsafe {
            gethostbyname2_r(
                cname.as_ptr(),
                af,
                &mut he,
                buf.as_mut_ptr() as *mut libc::c_char,
                buf.len(),
                &mut result,
                &mut h_errno,
            )
        };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 4, 0);
            continue;
        }
        if rc != 0 || result.is_null() {
            return None;
        }
        // SAFETY: on success h_name is a NUL-terminated string and
        // h_aliases a NULL-terminated array of them, all inside buf.
        unsafe {
            let official = std::ffi::CStr::from_ptr(he.h_name).to_string_lossy().into_owned();
            let mut aliases = Vec::new();
            let mut p = he.h_aliases;
            while !p.is_null() && !(*p).is_null() {
                aliases.push(std::ffi::CStr::from_ptr(*p).to_string_lossy().into_owned());
                p = p.add(1);
            }
            return Some((official, aliases));
        }
    }
}

// ---------------------------------------------------------------- epoll

fn epoll_flags(ev: u32) -> String {
    let mut v = Vec::new();
    for (bit, name) in [
        (libc::EPOLLIN, "EPOLLIN"),
        (libc::EPOLLOUT, "EPOLLOUT"),
        (libc::EPOLLERR, "EPOLLERR"),
        (libc::EPOLLHUP, "EPOLLHUP"),
        (libc::EPOLLRDHUP, "EPOLLRDHUP"),
    ] {
        if ev & bit as u32 != 0 {
            v.push(name);
        }
    }
    if v.is_empty() {
        "0".into()
    } else {
        v.join("|")
    }
}

/// epoll_create1(EPOLL_CLOEXEC).
pub fn epoll_create() -> Result<Fd> {
    // SAFETY: plain syscall.
    let res = Errno::result(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) }).map(Fd);
    traced(res, || "epoll_create1(EPOLL_CLOEXEC)".into(), |fd| fd.0.to_string())
        .map_err(|e| Error::sys("epoll_create1", e))
}

/// epoll_ctl(2): `op` is libc::EPOLL_CTL_ADD/MOD/DEL; `data` comes back
/// with each event.
pub fn epoll_ctl(ep: &Fd, op: libc::c_int, fd: RawFd, events: u32, data: u64) -> std::result::Result<(), Errno> {
    let mut ev = libc::epoll_event { events, u64: data };
    // SAFETY: ev is a valid epoll_event for the duration of the call.
    let res = Errno::result(unsafe { libc::epoll_ctl(ep.0, op, fd, &mut ev) }).map(drop);
    traced(
        res,
        || {
            let name = match op {
                libc::EPOLL_CTL_ADD => "EPOLL_CTL_ADD",
                libc::EPOLL_CTL_MOD => "EPOLL_CTL_MOD",
                _ => "EPOLL_CTL_DEL",
            };
            let event = if op == libc::EPOLL_CTL_DEL {
                "NULL".to_string() // the kernel ignores it
            } else {
                format!("{{{}, data={data}}}", epoll_flags(events))
            };
            format!("epoll_ctl({}, {name}, {fd}, {event})", ep.0)
        },
        |_| "0".into(),
    )
}

/// epoll_wait(2) into `events`; `timeout_ms` < 0 waits forever.
#[inline]
pub fn epoll_wait(ep: &Fd, events: &mut [libc::epoll_event], timeout_ms: i32) -> std::result::Result<usize, Errno> {
    // SAFETY: events is a writable array of events.len() entries.
    let res =
        Errno::result(unsafe { libc::epoll_wait(ep.0, events.as_mut_ptr(), events.len() as libc::c_int, timeout_ms) })
            .map(|n| n as usize);
    if tracing_syscalls() {
        let call = format!("epoll_wait({}, {}, {timeout_ms})", ep.0, events.len());
        trace_line(&match &res {
            Ok(n) => {
                let shown: Vec<String> = events[..*n]
                    .iter()
                    .take(8)
                    .map(|e| {
                        let (data, evs) = (e.u64, e.events);
                        format!("{{{}, data={data}}}", epoll_flags(evs))
                    })
                    .collect();
                format!("{call} = {n} ([{}{}])", shown.join(", "), if *n > 8 { ", ..." } else { "" })
            }
            Err(e) => format!("{call} = -1 {e:?} ({})", crate::error::strerror(*e)),
        });
    }
    res
}

/// pthread_sigmask(SIG_BLOCK) for the signals the servers handle: worker
/// threads leave them to the main thread.
pub fn block_server_signals() {
    use nix::sys::signal::{SigSet, SigmaskHow, Signal};
    let mut set = SigSet::empty();
    for s in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGUSR1, Signal::SIGCHLD] {
        set.add(s);
    }
    let _ = nix::sys::signal::pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), None);
}

/// sched_getscheduler(2) for the calling thread (nix has no wrapper).
pub fn sched_getscheduler() -> std::result::Result<i32, Errno> {
    // SAFETY: takes a thread id (0: the caller) and touches no memory.
    let res = Errno::result(unsafe { libc::sched_getscheduler(0) });
    traced(res, || "sched_getscheduler(0)".into(), |p| format!("{p} ({})", sched_policy_name(*p)))
}

/// sched_setscheduler(2) for the calling thread, priority 0 (the only one
/// SCHED_OTHER, SCHED_BATCH and SCHED_IDLE take; nix has no wrapper).
pub fn sched_setscheduler(policy: i32) -> std::result::Result<(), Errno> {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: `param` is a valid sched_param that outlives the call; Linux
    // reads it and applies the policy to the calling thread only.
    let res = Errno::result(unsafe { libc::sched_setscheduler(0, policy, &param) }).map(drop);
    traced(
        res,
        || format!("sched_setscheduler(0, {}, {{sched_priority=0}})", sched_policy_name(policy)),
        |_| "0".into(),
    )
}

fn sched_policy_name(p: i32) -> &'static str {
    match p {
        libc::SCHED_OTHER => "SCHED_OTHER",
        libc::SCHED_BATCH => "SCHED_BATCH",
        libc::SCHED_IDLE => "SCHED_IDLE",
        libc::SCHED_FIFO => "SCHED_FIFO",
        libc::SCHED_RR => "SCHED_RR",
        _ => "SCHED_?",
    }
}
