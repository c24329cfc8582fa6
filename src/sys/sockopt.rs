//! Socket options: setsockopt(2) and getsockopt(2), by level and name.

use super::{traced, Fd};
use nix::errno::Errno;

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
pub const SO_REUSEPORT: OptName =
    OptName { level: libc::SOL_SOCKET, name: libc::SO_REUSEPORT, level_name: "SOL_SOCKET", opt_name: "SO_REUSEPORT" };
pub const SO_RCVTIMEO: OptName =
    OptName { level: libc::SOL_SOCKET, name: libc::SO_RCVTIMEO, level_name: "SOL_SOCKET", opt_name: "SO_RCVTIMEO" };
pub const SO_SNDTIMEO: OptName =
    OptName { level: libc::SOL_SOCKET, name: libc::SO_SNDTIMEO, level_name: "SOL_SOCKET", opt_name: "SO_SNDTIMEO" };
pub const TCP_NODELAY: OptName =
    OptName { level: libc::IPPROTO_TCP, name: libc::TCP_NODELAY, level_name: "IPPROTO_TCP", opt_name: "TCP_NODELAY" };
pub const IPV6_V6ONLY: OptName =
    OptName { level: libc::IPPROTO_IPV6, name: libc::IPV6_V6ONLY, level_name: "IPPROTO_IPV6", opt_name: "IPV6_V6ONLY" };

/// setsockopt(2) with raw bytes; `shown` is the value as the trace prints it.
pub fn setsockopt_bytes(fd: &Fd, opt: &OptName, val: &[u8], shown: &str) -> std::result::Result<(), Errno> {
    // SAFETY: val points to val.len() readable bytes; the kernel copies them.
    // (nix has a typed setter per option; this table-driven one serves the
    // options `sockopt` reads from its table, the same way for all.)
    let res = Errno::result(unsafe {
        libc::setsockopt(
            fd.raw(),
            opt.level,
            opt.name,
            val.as_ptr() as *const libc::c_void,
            val.len() as libc::socklen_t,
        )
    })
    .map(drop);
    traced(res, || format!("setsockopt({}, {}, {}, {shown})", fd.raw(), opt.level_name, opt.opt_name), |_| "0".into())
}

/// getsockopt(2) into raw bytes; returns the length the kernel wrote.
pub fn getsockopt_bytes(fd: &Fd, opt: &OptName, buf: &mut [u8]) -> std::result::Result<usize, Errno> {
    let mut len = buf.len() as libc::socklen_t;
    // SAFETY: buf is writable for len bytes and len is updated by the kernel.
    let res = Errno::result(unsafe {
        libc::getsockopt(fd.raw(), opt.level, opt.name, buf.as_mut_ptr() as *mut libc::c_void, &mut len)
    })
    .map(|_| len as usize);
    traced(
        res,
        || format!("getsockopt({}, {}, {})", fd.raw(), opt.level_name, opt.opt_name),
        |n| format!("0 ({n} bytes)"),
    )
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
    let res = nix::sys::socket::setsockopt(fd, nix::sys::socket::sockopt::Linger, &l);
    traced(
        res,
        || format!("setsockopt({}, SOL_SOCKET, SO_LINGER, {{l_onoff={}, l_linger={secs}}})", fd.raw(), i32::from(on)),
        |_| "0".into(),
    )
}

/// SO_RCVTIMEO or SO_SNDTIMEO: a struct timeval.
pub fn set_timeval(fd: &Fd, opt: &OptName, tv: libc::timeval) -> std::result::Result<(), Errno> {
    // A timeval is two integers (tv_sec, tv_usec) with no padding between
    // or after them on Linux, so its bytes are exactly its fields.
    let bytes = [tv.tv_sec.to_ne_bytes(), (tv.tv_usec as libc::time_t).to_ne_bytes()].concat();
    debug_assert_eq!(bytes.len(), std::mem::size_of::<libc::timeval>());
    setsockopt_bytes(fd, opt, &bytes, &format!("{{{}, {}}}", tv.tv_sec, tv.tv_usec))
}

/// The kernel's view of a TCP connection, from getsockopt(TCP_INFO): the
/// fields netlab reports (struct tcp_info has many more).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpInfo {
    /// smoothed round-trip time, microseconds (tcpi_rtt)
    pub rtt_us: u32,
    /// its mean deviation, microseconds (tcpi_rttvar)
    pub rttvar_us: u32,
    /// congestion window, in segments (tcpi_snd_cwnd)
    pub snd_cwnd: u32,
    /// segments retransmitted over the connection's life (tcpi_total_retrans)
    pub total_retrans: u32,
}

/// getsockopt(fd, IPPROTO_TCP, TCP_INFO): read before close(), which
/// forgets it.
pub fn tcp_info(fd: &Fd) -> std::result::Result<TcpInfo, Errno> {
    // SAFETY: tcp_info is plain integers, for which all-zero is valid.
    let mut ti: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
    // SAFETY: `ti` is writable for `len` bytes; the kernel writes at most
    // that many (fewer on an older kernel: the rest stays zero).
    let res = Errno::result(unsafe {
        libc::getsockopt(
            fd.raw(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            &mut ti as *mut libc::tcp_info as *mut libc::c_void,
            &mut len,
        )
    })
    .map(|_| TcpInfo {
        rtt_us: ti.tcpi_rtt,
        rttvar_us: ti.tcpi_rttvar,
        snd_cwnd: ti.tcpi_snd_cwnd,
        total_retrans: ti.tcpi_total_retrans,
    });
    traced(
        res,
        || format!("getsockopt({}, IPPROTO_TCP, TCP_INFO)", fd.raw()),
        |t| {
            format!(
                "0 ({{tcpi_rtt={}, tcpi_rttvar={}, tcpi_snd_cwnd={}, tcpi_total_retrans={}, ...}})",
                t.rtt_us, t.rttvar_us, t.snd_cwnd, t.total_retrans
            )
        },
    )
}
