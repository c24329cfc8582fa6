//! Socket addresses of the two families netlab speaks: an internet address
//! with its port (`AF_INET`, `AF_INET6`) or a Unix-domain path (`AF_LOCAL`),
//! and their conversion to and from the kernel's `struct sockaddr`.

use crate::error::Target;
use crate::text::{path_text, printable};
use nix::sys::socket::{AddressFamily, SockaddrLike, SockaddrStorage, UnixAddr};
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::path::{Path, PathBuf};

/// The longest path a `struct sockaddr_un` holds: `sun_path` is 108 bytes,
/// one of them the terminating NUL.
pub const UNIX_PATH_MAX: usize = 107;

/// A socket address.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Addr {
    /// An IPv4 or IPv6 address and port.
    Inet(SocketAddr),
    /// A Unix-domain socket's path; `None` for an unnamed socket (a client
    /// that never called bind).
    Unix(Option<PathBuf>),
}

impl Addr {
    /// The family socket(2) wants for this address.
    pub fn family(&self) -> AddressFamily {
        match self {
            Addr::Inet(SocketAddr::V4(_)) => AddressFamily::Inet,
            Addr::Inet(SocketAddr::V6(_)) => AddressFamily::Inet6,
            Addr::Unix(_) => AddressFamily::Unix,
        }
    }

    /// The internet address, when it is one.
    pub fn inet(&self) -> Option<SocketAddr> {
        match self {
            Addr::Inet(a) => Some(*a),
            Addr::Unix(_) => None,
        }
    }

    /// The path, when it is a named Unix-domain address.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Addr::Unix(Some(p)) => Some(p),
            _ => None,
        }
    }

    /// How a trace line shows it, in the course's C notation: the path in
    /// quotes (`"/tmp/echo.sock"`), or the address and port.
    pub fn traced(&self) -> String {
        match self {
            Addr::Inet(a) => a.to_string(),
            Addr::Unix(Some(p)) => format!("\"{}\"", printable(&path_text(p))),
            Addr::Unix(None) => "unnamed".into(),
        }
    }

    /// What an error names: the address, or the path.
    pub fn target(&self) -> Target {
        match self {
            Addr::Inet(a) => Target::Addr(*a),
            Addr::Unix(_) => Target::Path(self.to_string()),
        }
    }

    /// The kernel's form. A path too long for `sun_path` is ENAMETOOLONG,
    /// one with a NUL byte EINVAL.
    pub fn to_storage(&self) -> Result<SockaddrStorage, nix::errno::Errno> {
        match self {
            Addr::Inet(a) => Ok(SockaddrStorage::from(*a)),
            Addr::Unix(Some(p)) => unix_storage(&UnixAddr::new(p.as_path())?),
            Addr::Unix(None) => unix_storage(&UnixAddr::new_unnamed()),
        }
    }

    /// From what the kernel wrote: `len` bytes of `ss`. None for a family
    /// netlab does not speak.
    pub fn from_raw(ss: &libc::sockaddr_storage, len: libc::socklen_t) -> Option<Addr> {
        match ss.ss_family as libc::c_int {
            libc::AF_INET => {
                // SAFETY: ss_family says the storage holds a sockaddr_in,
                // and sockaddr_storage is large and aligned enough for it.
                let sin = unsafe { &*(ss as *const _ as *const libc::sockaddr_in) };
                let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
                Some(Addr::Inet(SocketAddr::V4(SocketAddrV4::new(ip, u16::from_be(sin.sin_port)))))
            }
            libc::AF_INET6 => {
                // SAFETY: as above, for sockaddr_in6.
                let sin6 = unsafe { &*(ss as *const _ as *const libc::sockaddr_in6) };
                let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
                Some(Addr::Inet(SocketAddr::V6(SocketAddrV6::new(
                    ip,
                    u16::from_be(sin6.sin6_port),
                    sin6.sin6_flowinfo,
                    sin6.sin6_scope_id,
                ))))
            }
            libc::AF_UNIX => {
                // SAFETY: as above, for sockaddr_un; `len` is what the
                // kernel wrote, at most the storage's size.
                let u = unsafe {
                    UnixAddr::from_raw(ss as *const _ as *const libc::sockaddr, Some(len.min(size_of_storage())))
                }?;
                Some(Addr::Unix(u.path().map(Path::to_path_buf)))
            }
            _ => None,
        }
    }
}

fn unix_storage(u: &UnixAddr) -> Result<SockaddrStorage, nix::errno::Errno> {
    // SAFETY: `u` is a valid sockaddr_un of `u.len()` bytes, which a
    // sockaddr_storage always has room for.
    unsafe { SockaddrStorage::from_raw(SockaddrLike::as_ptr(u), Some(SockaddrLike::len(u))) }
        .ok_or(nix::errno::Errno::EINVAL)
}

fn size_of_storage() -> libc::socklen_t {
    std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t
}

/// How events show it: `127.0.0.1:9190`, `[::1]:9190`, the path, or
/// `unnamed`.
impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Addr::Inet(a) => write!(f, "{a}"),
            Addr::Unix(Some(p)) => write!(f, "{}", path_text(p)),
            Addr::Unix(None) => write!(f, "unnamed"),
        }
    }
}

impl From<SocketAddr> for Addr {
    fn from(a: SocketAddr) -> Addr {
        Addr::Inet(a)
    }
}

impl From<&SocketAddr> for Addr {
    fn from(a: &SocketAddr) -> Addr {
        Addr::Inet(*a)
    }
}

impl From<&Addr> for Addr {
    fn from(a: &Addr) -> Addr {
        a.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(a: &Addr) -> Option<Addr> {
        let ss = a.to_storage().unwrap();
        // SAFETY: copying a SockaddrStorage's bytes into a sockaddr_storage
        // of the same size.
        let raw: libc::sockaddr_storage = unsafe { std::ptr::read(ss.as_ptr() as *const libc::sockaddr_storage) };
        Addr::from_raw(&raw, ss.len())
    }

    #[test]
    fn addresses_survive_the_kernels_form() {
        for a in [
            Addr::Inet("127.0.0.1:9190".parse().unwrap()),
            Addr::Inet("[::1]:80".parse().unwrap()),
            Addr::Unix(Some("/tmp/echo.sock".into())),
            Addr::Unix(Some("rel.sock".into())),
            Addr::Unix(None),
        ] {
            assert_eq!(round_trip(&a).as_ref(), Some(&a), "{a}");
        }
    }

    #[test]
    fn a_path_too_long_for_sun_path_is_refused() {
        let ok = Addr::Unix(Some("/".repeat(UNIX_PATH_MAX).into()));
        assert!(ok.to_storage().is_ok());
        let long = Addr::Unix(Some("/".repeat(UNIX_PATH_MAX + 1).into()));
        assert_eq!(long.to_storage().err(), Some(nix::errno::Errno::ENAMETOOLONG));
    }

    #[test]
    fn events_show_the_path_or_unnamed_and_traces_quote_it() {
        let a = Addr::Unix(Some("/tmp/e.sock".into()));
        assert_eq!(a.to_string(), "/tmp/e.sock");
        assert_eq!(a.traced(), "\"/tmp/e.sock\"");
        assert_eq!(Addr::Unix(None).to_string(), "unnamed");
        assert_eq!(Addr::Inet("[::1]:7".parse().unwrap()).to_string(), "[::1]:7");
    }
}
