//! `netlab sockopt`: getsockopt(2)/setsockopt(2) on a fresh socket, with
//! the kernel's adjustments explained (SO_RCVBUF doubled and capped by
//! `net.core.rmem_max`, and so on).
//!
//! Course: 소켓의 다양한 옵션 (socket options): SOL_SOCKET, IPPROTO_IP,
//! IPPROTO_TCP; SO_SNDBUF/SO_RCVBUF, SO_REUSEADDR and TIME_WAIT,
//! TCP_NODELAY and Nagle.
//!
//! One table ([`OPTIONS`]) drives the names, the value parsers, `list`, and
//! which socket types an option applies to.
//!
//! Try it:
//!   netlab sockopt get
//!   netlab sockopt set rcvbuf=100000 nodelay=on linger=on:5

use crate::cli::Docs;
use crate::error::{Error, Result};
use crate::output::{Event, Out, Sysctl};
use crate::sys::{self, Fd, OptName};
use nix::errno::Errno;
use nix::sys::socket::{AddressFamily, SockType};
use serde_json::{json, Value};

pub const DOCS: Docs = Docs {
    examples: &[
        ("netlab sockopt list", "every option netlab knows, its level, kind and which sockets it applies to"),
        ("netlab sockopt get", "all options of a fresh TCP socket with their values"),
        ("netlab sockopt get --type udp -6 SO_RCVBUF v6only", "selected options of a UDP/IPv6 socket"),
        ("netlab sockopt set SO_RCVBUF=100000", "the kernel doubles it, and says so"),
        ("netlab sockopt set rcvtimeo=1.5s linger=on:5 nodelay=on", "timeouts, linger and booleans"),
        ("netlab --json sockopt get | jq -r 'select(.option==\"SO_SNDBUF\").value'", "one value for a script"),
    ],
    events: &[
        ("sockopt_info", "level, option, kind, applies_to, access (rw|ro), description"),
        ("sockopt", "socket (tcp|udp|tcp6|udp6), level, option, value (number, bool, object or string), text"),
        (
            "sockopt_set",
            "socket, level, option, requested, effective, requested_text, effective_text, reason, sysctl {name, value}",
        ),
    ],
    exit_notes: &[
        "2 for an unknown option, a bad value, an option that does not apply to the socket type, or a read-only option",
    ],
};

#[derive(Debug, clap::Args)]
#[command(about = "Socket options on a fresh socket: list, get, set (and why the kernel changed your value)")]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// List every option netlab knows
    List,
    /// Print option values of a fresh socket (all that apply, or those named)
    Get(GetArgs),
    /// Set options on a fresh socket, read them back and explain any difference
    Set(SetArgs),
}

/// The socket to work on.
#[derive(Debug, clap::Args)]
pub struct SocketArgs {
    /// Socket type
    #[arg(long = "type", value_enum, default_value_t = Proto::Tcp)]
    pub proto: Proto,
    #[command(flatten)]
    pub family: crate::net::FamilyArgs,
}

#[derive(Debug, clap::Args)]
pub struct GetArgs {
    #[command(flatten)]
    pub socket: SocketArgs,
    /// Options to read: SO_RCVBUF, rcvbuf, tcp_nodelay… (default: all that apply)
    #[arg(value_name = "OPTION")]
    pub options: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct SetArgs {
    #[command(flatten)]
    pub socket: SocketArgs,
    /// OPTION=VALUE: integers (K/M suffixes), on/off/true/false/1/0, linger on:SECS|off, timeouts 1.5s|500ms
    #[arg(value_name = "OPTION=VALUE", required = true)]
    pub settings: Vec<String>,
}

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
    fn name(self) -> &'static str {
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
    fn label(self) -> String {
        format!("{}{}", if self.proto == Proto::Tcp { "tcp" } else { "udp" }, if self.v6 { "6" } else { "" })
    }

    fn admits(self, d: &OptDef) -> bool {
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

/// A value as the user typed it, parsed for an option.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Int(i64),
    Bool(bool),
    Linger {
        on: bool,
        secs: i32,
    },
    /// microseconds
    Timeval(i64),
    Str(String),
}

fn parse_int(s: &str) -> std::result::Result<i64, String> {
    let t = s.trim();
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16)
            .ok()
            .filter(|_| !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| format!("'{s}' is not a hex integer"));
    }
    let (num, mult) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 1024),
        Some('M') => (&t[..t.len() - 1], 1024 * 1024),
        _ => (t, 1),
    };
    let digits = num.strip_prefix('-').unwrap_or(num);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("'{s}' is not an integer (decimal or 0x hex; K and M suffixes allowed)"));
    }
    num.parse::<i64>().ok().and_then(|n| n.checked_mul(mult)).ok_or_else(|| format!("'{s}' is too large"))
}

fn parse_bool(s: &str) -> std::result::Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "on" | "true" | "yes" => Ok(true),
        "0" | "off" | "false" | "no" => Ok(false),
        _ => Err(format!("'{s}' is not a boolean (on/off, true/false, 1/0)")),
    }
}

/// `1.5s`, `500ms`, `2` (seconds), `0`/`off` (no timeout) → microseconds.
pub fn parse_duration_us(s: &str) -> std::result::Result<i64, String> {
    let t = s.trim().to_ascii_lowercase();
    if t == "off" {
        return Ok(0);
    }
    let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1_000.0)
    } else if let Some(n) = t.strip_suffix("us") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1_000_000.0)
    } else {
        (t.as_str(), 1_000_000.0)
    };
    let ok_chars =
        !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit() || b == b'.') && num.matches('.').count() <= 1;
    let v: f64 = match num.parse() {
        Ok(v) if ok_chars => v,
        _ => return Err(format!("'{s}' is not a duration")),
    };
    let us = v * scale;
    if !us.is_finite() || us > 1e15 {
        return Err(format!("'{s}' is too long"));
    }
    if us > 0.0 && us.round() == 0.0 {
        return Err(format!(
            "'{s}' is under 1 us, the resolution of struct timeval: it would round to 0, which means no timeout"
        ));
    }
    Ok(us.round() as i64)
}

/// Parse VALUE for an option (range-checked where the kernel has limits).
pub fn parse_value(def: &OptDef, s: &str) -> std::result::Result<Val, String> {
    let name = def.opt.opt_name;
    if !def.writable {
        return Err(format!("{name} is read-only"));
    }
    let v = match def.kind {
        Kind::Int | Kind::Bytes | Kind::Secs | Kind::Millis => {
            let n = parse_int(s).map_err(|e| format!("{name}: {e}"))?;
            let ranges = if def.range.is_empty() { &[(i32::MIN as i64, i32::MAX as i64)][..] } else { def.range };
            if !ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&n)) {
                let allowed: Vec<String> = ranges
                    .iter()
                    .map(|(lo, hi)| if lo == hi { lo.to_string() } else { format!("{lo}..{hi}") })
                    .collect();
                return Err(format!("{name}={s}: out of range {}", allowed.join(" or ")));
            }
            Val::Int(n)
        }
        Kind::Bool => Val::Bool(parse_bool(s).map_err(|e| format!("{name}: {e}"))?),
        Kind::Linger => {
            let t = s.trim().to_ascii_lowercase();
            if t == "off" || t == "0" {
                Val::Linger { on: false, secs: 0 }
            } else if let Some(n) = t.strip_prefix("on:") {
                let secs = parse_int(n)
                    .ok()
                    .filter(|n| (0..=i32::MAX as i64).contains(n))
                    .ok_or_else(|| format!("{name}: '{s}': seconds must be 0..{}", i32::MAX))?;
                Val::Linger { on: true, secs: secs as i32 }
            } else {
                return Err(format!("{name}: '{s}' is not a linger value (on:SECS or off)"));
            }
        }
        Kind::Timeval => {
            Val::Timeval(parse_duration_us(s).map_err(|e| format!("{name}: {e} (like 1.5s, 500ms, 2, off)"))?)
        }
        Kind::Str => {
            let t = s.trim();
            if t.is_empty() || t.len() > 15 || !t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
                return Err(format!("{name}: '{s}' is not an algorithm name (like cubic or reno)"));
            }
            Val::Str(t.to_string())
        }
        Kind::SockType | Kind::Errno => return Err(format!("{name} is read-only")),
    };
    Ok(v)
}

/// Split `NAME=VALUE`.
pub fn parse_setting(s: &str) -> std::result::Result<(&str, &str), String> {
    match s.split_once('=') {
        Some((n, v)) if !n.trim().is_empty() && !v.trim().is_empty() => Ok((n, v)),
        _ => Err(format!("'{s}' is not OPTION=VALUE (like SO_RCVBUF=65536 or nodelay=on)")),
    }
}

fn bytes_of<T>(v: &T) -> &[u8] {
    // SAFETY: only used with plain-data libc structs (linger, timeval) and
    // ints, which have no padding-dependent invariants.
    unsafe { std::slice::from_raw_parts(v as *const T as *const u8, std::mem::size_of::<T>()) }
}

fn write_value(fd: &Fd, def: &OptDef, v: &Val) -> std::result::Result<(), Errno> {
    match v {
        Val::Int(n) => sys::setsockopt_int(fd, &def.opt, *n as i32),
        Val::Bool(b) => sys::setsockopt_int(fd, &def.opt, i32::from(*b)),
        Val::Linger { on, secs } => sys::set_linger(fd, *on, *secs),
        Val::Timeval(us) => {
            let tv = libc::timeval {
                tv_sec: (us / 1_000_000) as libc::time_t,
                tv_usec: (us % 1_000_000) as libc::suseconds_t,
            };
            sys::setsockopt_bytes(fd, &def.opt, bytes_of(&tv), &format!("{{{}, {}}}", tv.tv_sec, tv.tv_usec))
        }
        Val::Str(s) => sys::setsockopt_bytes(fd, &def.opt, s.as_bytes(), &format!("\"{s}\"")),
    }
}

/// Read an option: its JSON value and its text.
fn read_value(fd: &Fd, def: &OptDef) -> std::result::Result<(Value, String), Errno> {
    let mut buf = [0u8; 64];
    let n = sys::getsockopt_bytes(fd, &def.opt, &mut buf)?;
    let int = i32::from_ne_bytes([buf[0], buf[1], buf[2], buf[3]]);
    Ok(match def.kind {
        Kind::Int | Kind::Secs | Kind::Millis => {
            let unit = match def.kind {
                Kind::Secs => " s",
                Kind::Millis => " ms",
                _ => "",
            };
            (json!(int), format!("{int}{unit}"))
        }
        Kind::Bytes => (json!(int), format!("{int} ({})", human_bytes(int as i64))),
        Kind::Bool => (json!(int != 0), format!("{int} ({})", if int != 0 { "on" } else { "off" })),
        Kind::Linger => {
            let l_linger = i32::from_ne_bytes([buf[4], buf[5], buf[6], buf[7]]);
            let text = if int != 0 { format!("on, {l_linger} s") } else { "off".to_string() };
            (json!({"on": int != 0, "secs": l_linger}), text)
        }
        Kind::Timeval => {
            let sec = i64::from_ne_bytes(buf[0..8].try_into().unwrap_or([0; 8]));
            let usec = i64::from_ne_bytes(buf[8..16].try_into().unwrap_or([0; 8]));
            let secs = sec as f64 + usec as f64 / 1e6;
            let text = if sec == 0 && usec == 0 { "0 (no timeout)".to_string() } else { format!("{secs} s") };
            (json!(secs), text)
        }
        Kind::SockType => {
            let name = match int {
                libc::SOCK_STREAM => "SOCK_STREAM",
                libc::SOCK_DGRAM => "SOCK_DGRAM",
                _ => "?",
            };
            (json!(int), format!("{int} ({name})"))
        }
        Kind::Errno => {
            let text =
                if int == 0 { "0 (no error)".to_string() } else { format!("{int} ({:?})", Errno::from_raw(int)) };
            (json!(int), text)
        }
        Kind::Str => {
            let s = String::from_utf8_lossy(&buf[..n]).trim_end_matches('\0').to_string();
            (json!(s), s)
        }
    })
}

fn human_bytes(n: i64) -> String {
    if n >= 1024 * 1024 && n % (1024 * 1024) == 0 {
        format!("{} MiB", n / (1024 * 1024))
    } else if n >= 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

/// A value of /proc/sys (e.g. net/core/rmem_max).
fn sysctl(path: &str) -> Option<i64> {
    std::fs::read_to_string(format!("/proc/sys/{path}")).ok()?.trim().parse().ok()
}

fn open_socket(t: Target) -> Result<Fd> {
    let family = if t.v6 { AddressFamily::Inet6 } else { AddressFamily::Inet };
    let ty = if t.proto == Proto::Tcp { SockType::Stream } else { SockType::Datagram };
    sys::socket(family, ty, false)
}

fn target(s: &SocketArgs) -> Target {
    Target { proto: s.proto, v6: s.family.ipv6 }
}

pub fn run(args: &Args, out: &mut Out) -> Result<()> {
    match &args.action {
        Action::List => {
            for d in OPTIONS {
                out.emit(&Event::SockoptInfo {
                    level: d.opt.level_name.into(),
                    option: d.opt.opt_name.into(),
                    kind: d.kind.name().into(),
                    applies_to: match d.applies {
                        Applies::Both => "tcp,udp",
                        Applies::Tcp => "tcp",
                        Applies::Udp => "udp",
                    }
                    .to_string()
                        + match d.fam {
                            Fam::Any => "",
                            Fam::V4 => " (IPv4)",
                            Fam::V6 => " (IPv6)",
                        },
                    access: if d.writable { "rw" } else { "ro" }.into(),
                    description: d.desc.into(),
                });
            }
            Ok(())
        }
        Action::Get(g) => get(g, out),
        Action::Set(s) => set(s, out),
    }
}

fn get(g: &GetArgs, out: &mut Out) -> Result<()> {
    let t = target(&g.socket);
    let defs: Vec<&OptDef> = if g.options.is_empty() {
        OPTIONS.iter().filter(|d| t.admits(d)).collect()
    } else {
        g.options.iter().map(|n| lookup(n, t)).collect::<std::result::Result<_, _>>().map_err(Error::usage)?
    };
    let fd = open_socket(t)?;
    for d in defs {
        let (value, text) = read_value(&fd, d).map_err(|e| Error::sys(format!("getsockopt {}", d.opt.opt_name), e))?;
        out.emit(&Event::Sockopt {
            socket: t.label(),
            level: d.opt.level_name.into(),
            option: d.opt.opt_name.into(),
            value,
            text,
        });
    }
    Ok(())
}

fn set(s: &SetArgs, out: &mut Out) -> Result<()> {
    let t = target(&s.socket);
    // Config: every NAME=VALUE is validated before the socket exists.
    let mut plan = Vec::new();
    for raw in &s.settings {
        let (name, value) = parse_setting(raw).map_err(Error::usage)?;
        let def = lookup(name, t).map_err(Error::usage)?;
        let val = parse_value(def, value).map_err(Error::usage)?;
        plan.push((def, val, value.trim().to_string()));
    }
    let fd = open_socket(t)?;
    for (def, val, typed) in plan {
        write_value(&fd, def, &val).map_err(|e| match e {
            // The kernel refused the value itself: that is bad input.
            Errno::EINVAL | Errno::ENOENT => Error::usage_errno(
                format!(
                    "setsockopt {}={typed}: {} (the kernel refused this value)",
                    def.opt.opt_name,
                    crate::error::describe_errno(e)
                ),
                e,
            ),
            // 0..6 is anyone's; other priorities are privileged
            Errno::EPERM if def.opt.opt_name == "SO_PRIORITY" => Error::failed_errno(
                format!("setsockopt SO_PRIORITY={typed}: {}", crate::error::describe_errno(e)),
                Some("priorities outside 0..6 need CAP_NET_ADMIN or CAP_NET_RAW".into()),
                e,
            ),
            _ => Error::sys(format!("setsockopt {}={typed}", def.opt.opt_name), e),
        })?;
        let (effective, effective_text) =
            read_value(&fd, def).map_err(|e| Error::sys(format!("getsockopt {}", def.opt.opt_name), e))?;
        let requested = match &val {
            Val::Int(n) => json!(n),
            Val::Bool(b) => json!(b),
            Val::Linger { on, secs } => json!({"on": on, "secs": secs}),
            Val::Timeval(us) => json!(*us as f64 / 1e6),
            Val::Str(s) => json!(s),
        };
        let (reason, sysctl) = explain(def, &val, &effective);
        out.emit(&Event::SockoptSet {
            socket: t.label(),
            level: def.opt.level_name.into(),
            option: def.opt.opt_name.into(),
            requested,
            effective,
            requested_text: typed,
            effective_text,
            reason,
            sysctl,
        });
    }
    Ok(())
}

/// Why the value read back differs from the one set (and the sysctl that
/// limits it, for the buffer sizes).
fn explain(def: &OptDef, val: &Val, effective: &Value) -> (Option<String>, Option<Sysctl>) {
    let eff = effective.as_i64();
    match (def.opt.opt_name, val) {
        (name @ ("SO_RCVBUF" | "SO_SNDBUF"), Val::Int(req)) => {
            let key = if name == "SO_RCVBUF" { "net.core.rmem_max" } else { "net.core.wmem_max" };
            let max = sysctl(&key.replace('.', "/"));
            let eff = eff.unwrap_or(0);
            let capped = max.map_or(*req, |m| (*req).min(m));
            let reason = if max.is_some_and(|m| *req > m) {
                format!(
                    "capped at {key} = {} before doubling (root could exceed it with {name}FORCE); the kernel doubles the value for its bookkeeping (socket(7)): 2 x {} = {}",
                    max.unwrap_or(0),
                    capped,
                    2 * capped
                )
            } else if eff == 2 * req {
                format!("the kernel doubles the value to leave room for its bookkeeping overhead (socket(7)): 2 x {req} = {eff}")
            } else if eff > 2 * req {
                format!(
                    "raised to the kernel's minimum buffer size ({eff}); 2 x {req} = {} would be too small",
                    2 * req
                )
            } else {
                format!("the kernel set {eff} (2 x {req} = {} expected)", 2 * req)
            };
            (Some(reason), max.map(|value| Sysctl { name: key.into(), value }))
        }
        (_, Val::Int(req)) if eff.is_some_and(|e| e != *req) => {
            let e = eff.unwrap_or(0);
            let why = match def.opt.opt_name {
                "TCP_MAXSEG" if *req == 0 => {
                    "0 drops the limit you set; the route's MSS applies (the default, 536, until connected)"
                }
                "TCP_MAXSEG" => {
                    "the kernel clamps the MSS to what the route allows; on a connected socket the path MTU decides"
                }
                "IP_TOS" => "the kernel keeps the two ECN bits of the TOS byte for itself on TCP sockets",
                "IPV6_UNICAST_HOPS" | "IPV6_TCLASS" | "IPV6_MULTICAST_HOPS" | "IP_TTL" | "IP_MULTICAST_TTL" => {
                    "-1 means the default, which reads back as the value in use"
                }
                "SO_RCVLOWAT" if *req == 0 => "0 means 1 (socket(7))",
                "SO_RCVLOWAT" if e == i32::MAX as i64 => "a negative value means INT_MAX",
                "SO_RCVLOWAT" => {
                    "TCP caps the mark at half the largest receive buffer (net.ipv4.tcp_rmem, or SO_RCVBUF \
                     when set); a negative value asks for INT_MAX"
                }
                "TCP_DEFER_ACCEPT" => {
                    "the kernel keeps a number of SYN-ACK retransmissions (the first after 1 s, then doubling) \
                     and reads back the seconds that many cover"
                }
                _ => "the kernel adjusted the value",
            };
            (Some(format!("{why} ({req} -> {e})")), None)
        }
        (_, Val::Timeval(us)) => {
            let got = effective.as_f64().map(|s| (s * 1e6).round() as i64).unwrap_or(0);
            if got != *us {
                (
                    Some(format!(
                        "the kernel keeps timeouts in clock ticks (jiffies), so {us} us reads back as {got} us"
                    )),
                    None,
                )
            } else {
                (None, None)
            }
        }
        _ => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TCP4: Target = Target { proto: Proto::Tcp, v6: false };
    const UDP4: Target = Target { proto: Proto::Udp, v6: false };
    const TCP6: Target = Target { proto: Proto::Tcp, v6: true };

    #[test]
    fn names() {
        assert_eq!(lookup("SO_RCVBUF", TCP4).unwrap().opt.opt_name, "SO_RCVBUF");
        assert_eq!(lookup("rcvbuf", TCP4).unwrap().opt.opt_name, "SO_RCVBUF");
        assert_eq!(lookup("tcp_nodelay", TCP4).unwrap().opt.opt_name, "TCP_NODELAY");
        assert_eq!(
            lookup("multicast_loop", Target { proto: Proto::Udp, v6: true }).unwrap().opt.opt_name,
            "IPV6_MULTICAST_LOOP"
        );
        assert!(lookup("nodelay", UDP4).unwrap_err().contains("TCP sockets only"));
        assert!(lookup("ttl", TCP6).unwrap_err().contains("IPv4"));
        assert!(lookup("v6only", TCP4).unwrap_err().contains("-6"));
        assert!(lookup("bogus", TCP4).is_err());
    }

    #[test]
    fn values() {
        let d = lookup("rcvbuf", TCP4).unwrap();
        assert_eq!(parse_value(d, "64K"), Ok(Val::Int(65536)));
        assert!(parse_value(d, "-1").is_err());
        assert!(parse_value(d, "lots").is_err());
        let d = lookup("linger", TCP4).unwrap();
        assert_eq!(parse_value(d, "on:5"), Ok(Val::Linger { on: true, secs: 5 }));
        assert_eq!(parse_value(d, "off"), Ok(Val::Linger { on: false, secs: 0 }));
        assert!(parse_value(d, "on:x").is_err());
        let d = lookup("rcvtimeo", TCP4).unwrap();
        assert_eq!(parse_value(d, "1.5s"), Ok(Val::Timeval(1_500_000)));
        assert_eq!(parse_value(d, "500ms"), Ok(Val::Timeval(500_000)));
        assert!(parse_value(d, "soon").is_err());
        assert!(parse_value(lookup("type", TCP4).unwrap(), "1").is_err());
        // what the kernel takes, and only that (ip(7), tcp(7), socket(7))
        let ttl = lookup("ttl", TCP4).unwrap();
        assert!(parse_value(ttl, "0").unwrap_err().ends_with("out of range -1 or 1..255"));
        assert_eq!(parse_value(ttl, "-1"), Ok(Val::Int(-1)));
        assert!(parse_value(ttl, "256").is_err() && parse_value(ttl, "-2").is_err());
        let mss = lookup("maxseg", TCP4).unwrap();
        assert_eq!(parse_value(mss, "0"), Ok(Val::Int(0)));
        assert!(parse_value(mss, "87").is_err() && parse_value(mss, "88").is_ok());
        assert_eq!(parse_value(lookup("rcvlowat", TCP4).unwrap(), "0"), Ok(Val::Int(0)));
        assert_eq!(parse_value(lookup("multicast_ttl", UDP4).unwrap(), "-1"), Ok(Val::Int(-1)));
        assert!(parse_value(lookup("nodelay", TCP4).unwrap(), "maybe").is_err());
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,24}") {
            let _ = parse_setting(&s);
            for d in OPTIONS {
                let _ = parse_value(d, &s);
            }
            let _ = lookup(&s, TCP4);
        }

        #[test]
        fn ints_round_trip(n in 0i64..=i32::MAX as i64) {
            let d = lookup("SO_SNDBUF", TCP4).unwrap();
            prop_assert_eq!(parse_value(d, &n.to_string()), Ok(Val::Int(n)));
        }
    }
}
