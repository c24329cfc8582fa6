//! Sockets: socket, bind, listen, accept, connect, send/recv, recvfrom/sendto,
//! shutdown, getsockname, and the interface list.

use super::{failed, traced, Addr, Fd};
use crate::error::{Error, Op, Result};
use crate::logging::{trace_line, tracing_syscalls};
use nix::errno::Errno;
use nix::sys::socket::{AddressFamily, Shutdown, SockFlag, SockType};
use std::mem;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4};

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

/// The address in a sockaddr_storage the kernel filled in (accept's peer),
/// `len` bytes of it.
pub fn raw_storage_to_addr(ss: &libc::sockaddr_storage, len: libc::socklen_t) -> Option<Addr> {
    Addr::from_raw(ss, len)
}

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
    traced(res, call, |fd| fd.raw().to_string())
        .map_err(|e| Error::sys_at(Op::Socket, format!("{}, {}", family_name(family), socktype_name(ty)), e))
}

/// bind(2); the error names the address (`bind 0.0.0.0:9190`, `bind
/// /tmp/echo.sock`).
pub fn bind(fd: &Fd, addr: impl Into<Addr>) -> Result<()> {
    let addr = addr.into();
    let res = addr.to_storage().and_then(|ss| nix::sys::socket::bind(fd.raw(), &ss));
    traced(res, || format!("bind({}, {})", fd.raw(), addr.traced()), |_| "0".into())
        .map_err(|e| Error::sys_at(Op::Bind, addr.target(), e))
}

/// listen(2) with the backlog as given: the kernel caps it at
/// net.core.somaxconn, which may be set above SOMAXCONN (4096).
pub fn listen(fd: &Fd, backlog: i32) -> Result<()> {
    // SAFETY: a plain call on a descriptor we own. (nix's `listen` takes a
    // `Backlog`, which refuses any value above SOMAXCONN, 4096, though the
    // kernel takes up to net.core.somaxconn: `--backlog 65535` on a host
    // whose somaxconn is 65535 must reach the kernel as given.)
    let res = Errno::result(unsafe { libc::listen(fd.raw(), backlog) }).map(drop);
    traced(res, || format!("listen({}, {backlog})", fd.raw()), |_| "0".into()).map_err(|e| Error::sys(Op::Listen, e))
}

/// accept(2) (or accept4(2) with SOCK_NONBLOCK), returning the peer.
pub fn accept(fd: &Fd, nonblock: bool) -> std::result::Result<(Fd, Addr), Errno> {
    // SAFETY: sockaddr_storage is plain data; all-zero is a valid value.
    let mut ss: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let mut len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    let flags = if nonblock { libc::SOCK_NONBLOCK } else { 0 };
    // SAFETY: ss and len describe a writable buffer of the right size; the
    // kernel writes at most len bytes of address into it. (nix's accept4
    // does not return the peer, which would cost a getpeername per client.)
    let res =
        Errno::result(unsafe { libc::accept4(fd.raw(), &mut ss as *mut _ as *mut libc::sockaddr, &mut len, flags) });
    let res = res.map(|raw| {
        let peer =
            Addr::from_raw(&ss, len).unwrap_or(Addr::Inet(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0))));
        // SAFETY: accept4 just returned this descriptor: it is open and ours.
        (unsafe { Fd::from_raw(raw) }, peer)
    });
    traced(
        res,
        || {
            if nonblock {
                format!("accept4({}, SOCK_NONBLOCK)", fd.raw())
            } else {
                format!("accept({})", fd.raw())
            }
        },
        |(c, p)| format!("{} ({})", c.raw(), p.traced()),
    )
}

/// connect(2). On a non-blocking socket EINPROGRESS comes back as the error.
pub fn connect(fd: &Fd, addr: impl Into<Addr>) -> std::result::Result<(), Errno> {
    let addr = addr.into();
    let res = addr.to_storage().and_then(|ss| nix::sys::socket::connect(fd.raw(), &ss));
    traced(res, || format!("connect({}, {})", fd.raw(), addr.traced()), |_| "0".into())
}

/// recvfrom(2): the byte count, the sender, and whether the datagram was
/// longer than the buffer (MSG_TRUNC: the count is then the real length).
pub fn recvfrom(fd: &Fd, buf: &mut [u8], flags: libc::c_int) -> std::result::Result<(usize, Option<Addr>), Errno> {
    // SAFETY: as in accept(): a zeroed storage and its true size.
    let mut ss: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let mut len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: buf is writable for buf.len() bytes; ss/len as above. (nix's
    // recvfrom takes no flags, and MSG_TRUNC is what tells a datagram's
    // real length.)
    let res = Errno::result(unsafe {
        libc::recvfrom(
            fd.raw(),
            buf.as_mut_ptr() as *mut libc::c_void,
            buf.len(),
            flags,
            &mut ss as *mut _ as *mut libc::sockaddr,
            &mut len,
        )
    })
    .map(|n| (n as usize, if len > 0 { Addr::from_raw(&ss, len) } else { None }));
    traced(
        res,
        || {
            let f = if flags & libc::MSG_TRUNC != 0 { "MSG_TRUNC" } else { "0" };
            format!("recvfrom({}, {}, {f})", fd.raw(), buf.len())
        },
        |(n, a)| match a {
            Some(a) => format!("{n} ({})", a.traced()),
            None => n.to_string(),
        },
    )
}

/// sendto(2).
pub fn sendto(fd: &Fd, buf: &[u8], addr: impl Into<Addr>) -> std::result::Result<usize, Errno> {
    let addr = addr.into();
    let res = addr
        .to_storage()
        .and_then(|ss| nix::sys::socket::sendto(fd.raw(), buf, &ss, nix::sys::socket::MsgFlags::empty()));
    traced(res, || format!("sendto({}, {}, 0, {})", fd.raw(), buf.len(), addr.traced()), |n| n.to_string())
}

/// send(2) on a connected socket, no flags: write(2) for sockets, without
/// the file layer (the load mode's hot path).
#[inline]
pub fn send(fd: &Fd, buf: &[u8]) -> std::result::Result<usize, Errno> {
    let res = nix::sys::socket::send(fd.raw(), buf, nix::sys::socket::MsgFlags::empty());
    traced(res, || format!("send({}, {}, 0)", fd.raw(), buf.len()), |n| n.to_string())
}

/// recv(2) on a connected socket, no flags: read(2) for sockets, without
/// the file layer.
#[inline]
pub fn recv(fd: &Fd, buf: &mut [u8]) -> std::result::Result<usize, Errno> {
    let res = nix::sys::socket::recv(fd.raw(), buf, nix::sys::socket::MsgFlags::empty());
    traced(res, || format!("recv({}, {}, 0)", fd.raw(), buf.len()), |n| n.to_string())
}

/// shutdown(2).
pub fn shutdown(fd: &Fd, how: Shutdown) -> std::result::Result<(), Errno> {
    shutdown_number(fd.raw(), how)
}

/// shutdown(2) of a descriptor another thread owns (the thread model wakes
/// its workers this way at stop; the worker keeps the descriptor open
/// until it has seen the shutdown).
pub fn shutdown_number(fd: std::os::fd::RawFd, how: Shutdown) -> std::result::Result<(), Errno> {
    let name = match how {
        Shutdown::Read => "SHUT_RD",
        Shutdown::Write => "SHUT_WR",
        Shutdown::Both => "SHUT_RDWR",
    };
    let res = nix::sys::socket::shutdown(fd, how);
    traced(res, || format!("shutdown({fd}, {name})"), |_| "0".into())
}

/// getsockname(2): the address the kernel gave us (the real port after
/// binding port 0).
pub fn getsockname(fd: &Fd) -> std::result::Result<SocketAddr, Errno> {
    let res = sockname(fd).and_then(|a| a.inet().ok_or(Errno::EAFNOSUPPORT));
    traced(res, || format!("getsockname({})", fd.raw()), |a| format!("0 ({a})"))
}

/// getsockname(2) of a socket of any family: a Unix-domain socket's name
/// is the path it was bound to, or unnamed.
pub fn getsockname_addr(fd: &Fd) -> std::result::Result<Addr, Errno> {
    traced(sockname(fd), || format!("getsockname({})", fd.raw()), |a| format!("0 ({})", a.traced()))
}

fn sockname(fd: &Fd) -> std::result::Result<Addr, Errno> {
    // SAFETY: as in accept(): a zeroed storage and its true size.
    let mut ss: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let mut len = mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: ss and len describe a writable buffer of the right size.
    Errno::result(unsafe { libc::getsockname(fd.raw(), &mut ss as *mut _ as *mut libc::sockaddr, &mut len) })?;
    Addr::from_raw(&ss, len).ok_or(Errno::EAFNOSUPPORT)
}

/// This host's interface addresses, as getifaddrs(3) lists them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IfAddrs {
    /// every address of every interface (IPv4 and IPv6)
    pub local: Vec<IpAddr>,
    /// the IPv4 broadcast address of each interface that has one
    pub broadcast: Vec<IpAddr>,
}

/// getifaddrs(3): this host's addresses and broadcast addresses (empty
/// when the call fails: the trace says why).
pub fn interface_addrs() -> IfAddrs {
    let res = nix::ifaddrs::getifaddrs();
    let mut v = IfAddrs::default();
    let err = res.as_ref().err().copied();
    if let Ok(addrs) = res {
        for ifa in addrs {
            if let Some(a) = ifa.address.as_ref() {
                if let Some(a4) = a.as_sockaddr_in() {
                    v.local.push(IpAddr::V4(a4.ip()));
                } else if let Some(a6) = a.as_sockaddr_in6() {
                    v.local.push(IpAddr::V6(a6.ip()));
                }
            }
            if let Some(b) = ifa.broadcast.as_ref().and_then(|b| b.as_sockaddr_in()) {
                v.broadcast.push(IpAddr::V4(b.ip()));
            }
        }
    }
    if tracing_syscalls() {
        trace_line(&match err {
            None => format!("getifaddrs(&ifap) = 0 ({} addresses, {} broadcast)", v.local.len(), v.broadcast.len()),
            Some(e) => format!("getifaddrs(&ifap) = {}", failed(e)),
        });
    }
    v
}

/// if_nametoindex(3): the index of the interface called `name` (an IPv6
/// scope such as `fe80::1%lo`).
pub fn if_nametoindex(name: &str) -> std::result::Result<u32, Errno> {
    let res = nix::net::if_::if_nametoindex(name);
    traced(res, || format!("if_nametoindex(\"{name}\")"), |i| i.to_string())
}

/// gethostname(2), not narrated: resolve uses it to tell which source
/// answered, not as a lesson.
pub fn hostname() -> Option<String> {
    nix::unistd::gethostname().ok().map(|h| h.to_string_lossy().into_owned())
}
