//! Name resolution: getaddrinfo, getnameinfo and gethostbyname2_r. Not
//! system calls but the library calls a student writes, narrated the same
//! way, with the resolver's EAI_* codes.

use crate::logging::{trace_line, tracing_syscalls};
use std::ffi::CStr;
use std::mem;
use std::net::{IpAddr, SocketAddr};

/// What getaddrinfo found: the canonical name (with AI_CANONNAME) and the
/// addresses (port 0; an IPv6 one with its scope), in the resolver's
/// order, without repeats.
#[derive(Clone, Debug, Default)]
pub struct AddrInfo {
    pub canonname: Option<String>,
    pub addrs: Vec<SocketAddr>,
}

impl AddrInfo {
    /// The addresses without their ports, without repeats.
    pub fn ips(&self) -> Vec<IpAddr> {
        let mut v: Vec<IpAddr> = Vec::new();
        for a in &self.addrs {
            if !v.contains(&a.ip()) {
                v.push(a.ip());
            }
        }
        v
    }
}

fn family_text(family: libc::c_int) -> &'static str {
    match family {
        libc::AF_INET => "AF_INET",
        libc::AF_INET6 => "AF_INET6",
        _ => "AF_UNSPEC",
    }
}

fn socktype_text(socktype: libc::c_int) -> &'static str {
    match socktype {
        libc::SOCK_STREAM => "SOCK_STREAM",
        libc::SOCK_DGRAM => "SOCK_DGRAM",
        _ => "0",
    }
}

/// getaddrinfo(name, NULL, {flags, family, socktype}); the error is the
/// EAI_* code. `canonname` asks for AI_CANONNAME.
pub fn getaddrinfo(
    name: &str,
    family: libc::c_int,
    socktype: libc::c_int,
    canonname: bool,
) -> std::result::Result<AddrInfo, i32> {
    let hints = dns_lookup::AddrInfoHints {
        flags: if canonname { libc::AI_CANONNAME } else { 0 },
        address: family,
        socktype,
        protocol: 0,
    };
    let res = match dns_lookup::getaddrinfo(Some(name), None, Some(hints)) {
        Ok(iter) => {
            let mut info = AddrInfo::default();
            for ai in iter.flatten() {
                if info.canonname.is_none() {
                    info.canonname = ai.canonname.clone();
                }
                if !info.addrs.contains(&ai.sockaddr) {
                    info.addrs.push(ai.sockaddr);
                }
            }
            Ok(info)
        }
        Err(e) => Err(e.error_num()),
    };
    if tracing_syscalls() {
        let flags = if canonname { "AI_CANONNAME" } else { "0" };
        let call =
            format!("getaddrinfo(\"{name}\", NULL, {{{flags}, {}, {}}})", family_text(family), socktype_text(socktype));
        trace_line(&match &res {
            Ok(i) => format!("{call} = 0 ({} addresses)", i.addrs.len()),
            Err(code) => format!("{call} = {code} {}", gai_name(*code).unwrap_or("EAI_?")),
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
            Err(code) => format!("{call} = {code} {}", gai_name(*code).unwrap_or("EAI_?")),
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
/// name and aliases; getaddrinfo does not report aliases). Narrated like
/// getaddrinfo: the resolver's own sockets (nscd, DNS) are behind it.
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
        let found = (rc == 0 && !result.is_null()).then(|| {
            // SAFETY: on success h_name is a NUL-terminated string and
            // h_aliases a NULL-terminated array of them, all inside buf.
            unsafe {
                let official = CStr::from_ptr(he.h_name).to_string_lossy().into_owned();
                let mut aliases = Vec::new();
                let mut p = he.h_aliases;
                while !p.is_null() && !(*p).is_null() {
                    aliases.push(CStr::from_ptr(*p).to_string_lossy().into_owned());
                    p = p.add(1);
                }
                (official, aliases)
            }
        });
        if tracing_syscalls() {
            let call = format!("gethostbyname2_r(\"{name}\", {}, buflen {})", family_text(af), buf.len());
            trace_line(&match &found {
                Some((official, aliases)) => format!("{call} = 0 (h_name \"{official}\", {} aliases)", aliases.len()),
                // the result is an errno value (ERANGE: buf too small);
                // a name not found is 0 with a NULL result and h_errno set
                None if rc != 0 => format!("{call} = {rc} {:?}", nix::errno::Errno::from_raw(rc)),
                None => format!("{call} = 0 (NULL, h_errno {})", h_errno_name(h_errno)),
            });
        }
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 4, 0);
            continue;
        }
        return found;
    }
}

/// The h_errno constants of netdb.h.
fn h_errno_name(h: libc::c_int) -> &'static str {
    match h {
        1 => "HOST_NOT_FOUND",
        2 => "TRY_AGAIN",
        3 => "NO_RECOVERY",
        4 => "NO_DATA",
        _ => "?",
    }
}

/// `Name or service not known (EAI_NONAME)`: gai_strerror's text and the
/// constant's name.
pub fn gai_message(code: i32) -> String {
    // SAFETY: gai_strerror returns a pointer to a static string for any code.
    let text = unsafe { CStr::from_ptr(libc::gai_strerror(code)) }.to_string_lossy().into_owned();
    match gai_name(code) {
        Some(name) => format!("{text} ({name})"),
        None => text,
    }
}

/// The EAI_* constant for a getaddrinfo/getnameinfo error code.
pub fn gai_name(code: i32) -> Option<&'static str> {
    Some(match code {
        libc::EAI_AGAIN => "EAI_AGAIN",
        libc::EAI_BADFLAGS => "EAI_BADFLAGS",
        libc::EAI_FAIL => "EAI_FAIL",
        libc::EAI_FAMILY => "EAI_FAMILY",
        libc::EAI_MEMORY => "EAI_MEMORY",
        libc::EAI_NONAME => "EAI_NONAME",
        libc::EAI_SERVICE => "EAI_SERVICE",
        libc::EAI_SOCKTYPE => "EAI_SOCKTYPE",
        libc::EAI_SYSTEM => "EAI_SYSTEM",
        libc::EAI_OVERFLOW => "EAI_OVERFLOW",
        libc::EAI_NODATA => "EAI_NODATA",
        // glibc: EAI_ADDRFAMILY is -9 (libc does not export it)
        -9 => "EAI_ADDRFAMILY",
        _ => return None,
    })
}
