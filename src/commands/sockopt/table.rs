//! The option table: every option netlab knows, the sockets it applies
//! to, and its name lookup. One table drives the names, the value parsers,
//! `list`, and which socket types an option applies to.

use crate::sys::OptName;

/// The type of socket an option is read or set on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Proto {
    Tcp,
    Udp,
}

/// How an option's value is read, written and shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Bool,
    /// a buffer size in bytes (K/M suffixes)
    Bytes,
    /// seconds as an int
    Secs,
    /// milliseconds as an int
    Millis,
    /// struct linger
    Linger,
    /// struct timeval
    Timeval,
    /// SO_TYPE: an int naming SOCK_STREAM/SOCK_DGRAM
    SockType,
    /// SO_ERROR: a pending errno
    Errno,
    /// a string (TCP_CONGESTION)
    Str,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Int => "int",
            Kind::Bool => "bool",
            Kind::Bytes => "bytes",
            Kind::Secs => "seconds",
            Kind::Millis => "ms",
            Kind::Linger => "linger",
            Kind::Timeval => "timeval",
            Kind::SockType => "type",
            Kind::Errno => "errno",
            Kind::Str => "string",
        }
    }
}

/// Which sockets an option means something on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    Both,
    Tcp,
    Udp,
}

/// Which address family an option belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fam {
    Any,
    V4,
    V6,
}

/// One row of the option table.
#[derive(Debug)]
pub struct OptDef {
    pub opt: OptName,
    pub kind: Kind,
    pub applies: Applies,
    pub fam: Fam,
    pub writable: bool,
    /// the inclusive ranges `set` accepts (checked before the call; none:
    /// any int); the kernel refuses what falls between them
    pub range: &'static [(i64, i64)],
    pub desc: &'static str,
}

macro_rules! opt {
    ($level:ident, $name:ident, $kind:ident, $applies:ident, $fam:ident, $rw:expr, $range:expr, $desc:expr) => {
        OptDef {
            opt: OptName {
                level: libc::$level,
                name: libc::$name,
                level_name: stringify!($level),
                opt_name: stringify!($name),
            },
            kind: Kind::$kind,
            applies: Applies::$applies,
            fam: Fam::$fam,
            writable: $rw,
            range: $range,
            desc: $desc,
        }
    };
}

const I32: &[(i64, i64)] = &[(0, i32::MAX as i64)];

/// Every option netlab knows.
pub const OPTIONS: &[OptDef] = &[
    opt!(SOL_SOCKET, SO_TYPE, SockType, Both, Any, false, &[], "socket type: SOCK_STREAM or SOCK_DGRAM"),
    opt!(SOL_SOCKET, SO_SNDBUF, Bytes, Both, Any, true, I32, "send buffer size (the kernel doubles what you set)"),
    opt!(SOL_SOCKET, SO_RCVBUF, Bytes, Both, Any, true, I32, "receive buffer size (the kernel doubles what you set)"),
    opt!(SOL_SOCKET, SO_REUSEADDR, Bool, Both, Any, true, &[], "allow bind() to an address still in TIME_WAIT"),
    opt!(SOL_SOCKET, SO_REUSEPORT, Bool, Both, Any, true, &[], "let several sockets bind the same port (load spread)"),
    opt!(SOL_SOCKET, SO_KEEPALIVE, Bool, Tcp, Any, true, &[], "send keepalive probes on an idle connection"),
    opt!(
        SOL_SOCKET,
        SO_LINGER,
        Linger,
        Tcp,
        Any,
        true,
        &[],
        "close(): wait up to N s for unsent data; on:0 resets (RST)"
    ),
    opt!(SOL_SOCKET, SO_BROADCAST, Bool, Udp, Any, true, &[], "allow sending to a broadcast address"),
    opt!(SOL_SOCKET, SO_RCVLOWAT, Int, Both, Any, true, &[], "bytes needed before a read is woken (0 means 1)"),
    opt!(SOL_SOCKET, SO_SNDLOWAT, Int, Both, Any, false, &[], "send low-water mark (fixed at 1 on Linux)"),
    opt!(
        SOL_SOCKET,
        SO_RCVTIMEO,
        Timeval,
        Both,
        Any,
        true,
        &[],
        "read()/recv() gives up after this long (EAGAIN); 0 = never"
    ),
    opt!(SOL_SOCKET, SO_SNDTIMEO, Timeval, Both, Any, true, &[], "write()/send() gives up after this long; 0 = never"),
    opt!(
        SOL_SOCKET,
        SO_ERROR,
        Errno,
        Both,
        Any,
        false,
        &[],
        "pending error (read clears it; how a non-blocking connect reports)"
    ),
    opt!(SOL_SOCKET, SO_ACCEPTCONN, Bool, Tcp, Any, false, &[], "1 after listen()"),
    opt!(SOL_SOCKET, SO_DONTROUTE, Bool, Both, Any, true, &[], "bypass routing: only directly connected hosts"),
    opt!(SOL_SOCKET, SO_OOBINLINE, Bool, Tcp, Any, true, &[], "urgent (out-of-band) data stays in the normal stream"),
    opt!(
        SOL_SOCKET,
        SO_PRIORITY,
        Int,
        Both,
        Any,
        true,
        &[],
        "queueing priority of outgoing packets (0..6; others need CAP_NET_ADMIN)"
    ),
    opt!(IPPROTO_TCP, TCP_NODELAY, Bool, Tcp, Any, true, &[], "disable Nagle's algorithm: send small segments at once"),
    opt!(
        IPPROTO_TCP,
        TCP_MAXSEG,
        Int,
        Tcp,
        Any,
        true,
        &[(0, 0), (88, 32767)],
        "maximum segment size (MSS) in bytes; 0 = the route's"
    ),
    opt!(
        IPPROTO_TCP,
        TCP_KEEPIDLE,
        Secs,
        Tcp,
        Any,
        true,
        &[(1, 32767)],
        "idle seconds before the first keepalive probe"
    ),
    opt!(IPPROTO_TCP, TCP_KEEPINTVL, Secs, Tcp, Any, true, &[(1, 32767)], "seconds between keepalive probes"),
    opt!(
        IPPROTO_TCP,
        TCP_KEEPCNT,
        Int,
        Tcp,
        Any,
        true,
        &[(1, 127)],
        "unanswered probes before the connection is dropped"
    ),
    opt!(IPPROTO_TCP, TCP_QUICKACK, Bool, Tcp, Any, true, &[], "acknowledge at once instead of delaying ACKs"),
    opt!(IPPROTO_TCP, TCP_CORK, Bool, Tcp, Any, true, &[], "hold partial segments until uncorked (or 200 ms)"),
    opt!(
        IPPROTO_TCP,
        TCP_USER_TIMEOUT,
        Millis,
        Tcp,
        Any,
        true,
        I32,
        "ms unacknowledged data may wait before the connection fails; 0 = system default"
    ),
    opt!(IPPROTO_TCP, TCP_SYNCNT, Int, Tcp, Any, true, &[(1, 127)], "SYN retransmits before connect() gives up"),
    opt!(
        IPPROTO_TCP,
        TCP_DEFER_ACCEPT,
        Secs,
        Tcp,
        Any,
        true,
        &[(0, i32::MAX as i64)],
        "accept() wakes only when data arrived (seconds to wait)"
    ),
    opt!(
        IPPROTO_TCP,
        TCP_CONGESTION,
        Str,
        Tcp,
        Any,
        true,
        &[],
        "congestion control algorithm (see net.ipv4.tcp_allowed_congestion_control)"
    ),
    opt!(
        IPPROTO_IP,
        IP_TTL,
        Int,
        Both,
        V4,
        true,
        &[(-1, -1), (1, 255)],
        "time to live of outgoing packets (hops; -1 = default)"
    ),
    opt!(IPPROTO_IP, IP_TOS, Int, Both, V4, true, &[(0, 255)], "type of service / DSCP byte"),
    opt!(
        IPPROTO_IP,
        IP_MULTICAST_TTL,
        Int,
        Udp,
        V4,
        true,
        &[(-1, 255)],
        "TTL of outgoing multicast datagrams (-1 = default, 1)"
    ),
    opt!(IPPROTO_IP, IP_MULTICAST_LOOP, Bool, Udp, V4, true, &[], "deliver our own multicast datagrams back to us"),
    opt!(IPPROTO_IPV6, IPV6_V6ONLY, Bool, Both, V6, true, &[], "IPv6 only: do not accept IPv4-mapped peers"),
    opt!(
        IPPROTO_IPV6,
        IPV6_UNICAST_HOPS,
        Int,
        Both,
        V6,
        true,
        &[(-1, 255)],
        "hop limit of outgoing packets (-1 = route default)"
    ),
    opt!(IPPROTO_IPV6, IPV6_TCLASS, Int, Both, V6, true, &[(-1, 255)], "traffic class byte (-1 = default)"),
    opt!(
        IPPROTO_IPV6,
        IPV6_MULTICAST_HOPS,
        Int,
        Udp,
        V6,
        true,
        &[(-1, 255)],
        "hop limit of outgoing multicast datagrams"
    ),
    opt!(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, Bool, Udp, V6, true, &[], "deliver our own multicast datagrams back to us"),
];

/// The name without its family prefix (`SO_RCVBUF` → `RCVBUF`).
fn short(name: &str) -> &str {
    for p in ["SO_", "TCP_", "IPV6_", "IP_"] {
        if let Some(rest) = name.strip_prefix(p) {
            return rest;
        }
    }
    name
}

/// The socket a command works on, as a short label (tcp, udp6…).
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub proto: Proto,
    pub v6: bool,
}

impl Target {
    pub fn label(self) -> String {
        format!("{}{}", if self.proto == Proto::Tcp { "tcp" } else { "udp" }, if self.v6 { "6" } else { "" })
    }

    pub fn admits(self, d: &OptDef) -> bool {
        let type_ok = match d.applies {
            Applies::Both => true,
            Applies::Tcp => self.proto == Proto::Tcp,
            Applies::Udp => self.proto == Proto::Udp,
        };
        let fam_ok = match d.fam {
            Fam::Any => true,
            Fam::V4 => !self.v6,
            Fam::V6 => self.v6,
        };
        type_ok && fam_ok
    }
}

/// Find an option by name (case-insensitive, prefix optional), preferring
/// one that applies to the target when two share a short name.
pub fn lookup(name: &str, target: Target) -> std::result::Result<&'static OptDef, String> {
    let want = name.trim().to_ascii_uppercase();
    if want.is_empty() {
        return Err("empty option name".into());
    }
    // the full name, or the name without any prefix: `rcvbuf` is SO_RCVBUF,
    // but `tcp_rcvbuf` names no option
    let unprefixed = short(&want) == want;
    let matches: Vec<&OptDef> =
        OPTIONS.iter().filter(|d| d.opt.opt_name == want || (unprefixed && short(d.opt.opt_name) == want)).collect();
    let def = match matches.as_slice() {
        [] => {
            let near: Vec<&str> =
                OPTIONS.iter().filter(|d| short(d.opt.opt_name) == short(&want)).map(|d| d.opt.opt_name).collect();
            return Err(match near.as_slice() {
                [] => format!("unknown socket option '{name}' (see `netlab sockopt list`)"),
                _ => format!("unknown socket option '{name}': did you mean {}?", near.join(" or ")),
            });
        }
        [one] => *one,
        many => many.iter().find(|d| target.admits(d)).copied().unwrap_or(many[0]),
    };
    if !target.admits(def) {
        let why = match (def.applies, def.fam) {
            (_, Fam::V4) if target.v6 => {
                "it is an IPv4 (IPPROTO_IP) option and this is an IPv6 socket (-6)".to_string()
            }
            (_, Fam::V6) if !target.v6 => "it is an IPv6 option: add -6".to_string(),
            (Applies::Tcp, _) => format!("it applies to TCP sockets only, not {}", target.label()),
            _ => format!("it applies to UDP sockets only, not {}", target.label()),
        };
        return Err(format!("{} does not apply here: {why}", def.opt.opt_name));
    }
    Ok(def)
}
