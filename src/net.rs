//! HOST and PORT: parsing and resolution shared by every command.
//!
//! PORT is a decimal number 0..=65535 and nothing else (no `+80`, `1e3`,
//! service names). HOST is an IPv4 literal (strict dotted quad, as
//! inet_pton takes it), an IPv6 literal with or without brackets and with
//! an optional `%scope` (interface name or index), or a name resolved with
//! getaddrinfo(3). A server may instead take `--unix PATH`, a Unix-domain
//! socket file ([`crate::local`] handles the file itself).

use crate::error::{Error, Result};
use crate::sys::{self, Addr};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};
use std::path::PathBuf;

/// Which address family the user asked for (`-4`, `-6`, or either).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Any,
    V4,
    V6,
}

impl Family {
    pub fn from_flags(v4: bool, v6: bool) -> Family {
        match (v4, v6) {
            (true, false) => Family::V4,
            (false, true) => Family::V6,
            _ => Family::Any,
        }
    }

    pub fn admits(self, ip: &IpAddr) -> bool {
        matches!((self, ip), (Family::Any, _) | (Family::V4, IpAddr::V4(_)) | (Family::V6, IpAddr::V6(_)))
    }
}

/// `-4` / `-6`: the flags of every command that opens a socket.
#[derive(Clone, Copy, Debug, Default, clap::Args)]
pub struct FamilyArgs {
    /// IPv4 only
    #[arg(short = '4', conflicts_with = "ipv6")]
    pub ipv4: bool,
    /// IPv6 only
    #[arg(short = '6')]
    pub ipv6: bool,
}

impl FamilyArgs {
    pub fn family(&self) -> Family {
        Family::from_flags(self.ipv4, self.ipv6)
    }

    /// `-4`/`-6` with `--unix`: a Unix-domain socket has no IP family.
    pub fn refuse_with_unix(&self) -> Result<()> {
        match (self.ipv4, self.ipv6) {
            (false, false) => Ok(()),
            (v4, _) => Err(Error::usage(format!(
                "{} and --unix cannot be used together: a Unix-domain socket has no IP version",
                if v4 { "-4" } else { "-6" }
            ))),
        }
    }
}

/// Where a client goes: the socket file of `--unix PATH`, or the addresses
/// of HOST and PORT in the order to try them. `what` ends the error of
/// port 0 ("port 0 cannot be {what}").
pub fn client_target(
    unix: Option<&PathBuf>,
    host: Option<&Host>,
    port: Option<u16>,
    family: &FamilyArgs,
    socktype: i32,
    what: &str,
) -> Result<Vec<Addr>> {
    match (unix, host, port) {
        (Some(path), _, _) => {
            family.refuse_with_unix()?;
            Ok(vec![Addr::Unix(Some(path.clone()))])
        }
        (None, Some(_), Some(0)) => Err(Error::usage(format!("port 0 cannot be {what}; give the server's port"))),
        (None, Some(host), Some(port)) => {
            Ok(resolve(host, port, family.family(), socktype)?.into_iter().map(Addr::Inet).collect())
        }
        _ => Err(Error::usage("give HOST and PORT, or --unix PATH")),
    }
}

/// Where a server listens: `--bind ADDR`, `-4`/`-6`, and the port
/// (positional, or `--port` as the benchmark harness passes it), or a
/// Unix-domain socket file (`--unix PATH`): one of them is required, which
/// the usage line shows.
#[derive(Clone, Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("listen_port").required(true).args(["port", "port_flag", "unix"])))]
pub struct ListenArgs {
    /// Address to bind (default 0.0.0.0, the course's INADDR_ANY; :: with -6)
    #[arg(long, value_name = "ADDR", value_parser = parse_host, conflicts_with = "unix")]
    pub bind: Option<Host>,
    #[command(flatten)]
    pub family: FamilyArgs,
    /// Port (alternative to the positional PORT)
    #[arg(long = "port", value_name = "PORT", value_parser = parse_port)]
    pub port_flag: Option<u16>,
    /// Listen on a Unix-domain socket file (PF_LOCAL) instead of a port; a stale file nobody listens on is
    /// replaced, anything else at the path is left alone
    #[arg(long, value_name = "PATH", value_parser = crate::values::unix_path)]
    pub unix: Option<PathBuf>,
    /// Port to listen on; 0 asks the kernel for a free one
    #[arg(value_name = "PORT", value_parser = parse_port)]
    pub port: Option<u16>,
}

impl ListenArgs {
    /// The address to bind, resolved, or the socket file's path.
    pub fn addr(&self, socktype: i32) -> Result<Addr> {
        if let Some(path) = &self.unix {
            self.family.refuse_with_unix()?;
            return Ok(Addr::Unix(Some(path.clone())));
        }
        let port = self.port.or(self.port_flag).unwrap_or(0);
        bind_addr(self.bind.as_ref(), port, self.family.family(), socktype).map(Addr::Inet)
    }
}

/// A parsed HOST argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// A literal address (IPv6 with its scope id, 0 when none).
    Ip(IpAddr, u32),
    /// An IPv4 address in one of inet_aton's loose forms (`127.1`,
    /// `0x7f.1`, `010.0.0.1`), which the C library's getaddrinfo takes as
    /// inet_aton does, with the note that says how it was read.
    Loose(Ipv4Addr, String),
    /// A name for getaddrinfo.
    Name(String),
}

impl Host {
    /// How a loose IPv4 form was read (`127.1` is 127.0.0.1), for the user.
    pub fn note(&self) -> Option<&str> {
        match self {
            Host::Loose(_, note) => Some(note),
            _ => None,
        }
    }
}

/// Parse a PORT argument: decimal digits only, 0..=65535.
pub fn parse_port(s: &str) -> std::result::Result<u16, String> {
    crate::values::port(s)
}

/// Parse a HOST argument without touching the network.
pub fn parse_host(s: &str) -> std::result::Result<Host, String> {
    if s.is_empty() {
        return Err("host is empty".into());
    }
    if let Some((host, port)) = host_with_port(s) {
        return Err(format!("'{s}': a port does not go in the address; give {host} alone (and {port} as PORT)"));
    }
    let inner = match (s.starts_with('['), s.ends_with(']')) {
        (true, true) if s.len() >= 2 => &s[1..s.len() - 1],
        (true, _) | (false, true) => return Err(format!("'{s}': unbalanced brackets (write [::1] or ::1)")),
        _ => s,
    };
    if inner.contains(':') {
        let (addr, scope) = match inner.split_once('%') {
            Some((a, z)) => (a, Some(z)),
            None => (inner, None),
        };
        let ip: Ipv6Addr = addr.parse().map_err(|_| format!("'{s}' is not a valid IPv6 address"))?;
        let scope_id = match scope {
            None => 0,
            Some(z) => parse_scope(z).map_err(|e| format!("'{s}': {e}"))?,
        };
        return Ok(Host::Ip(IpAddr::V6(ip), scope_id));
    }
    if s.starts_with('[') {
        return Err(format!("'{s}': brackets are for IPv6 addresses"));
    }
    if looks_numeric(inner) {
        // Looks numeric: a dotted quad, or one of inet_aton's loose forms,
        // as the C library's getaddrinfo reads them (`getent hosts 127.1`
        // says 127.0.0.1); never a "name".
        if let Ok(ip) = inner.parse::<Ipv4Addr>() {
            return Ok(Host::Ip(IpAddr::V4(ip), 0));
        }
        return match crate::inet::inet_aton_detail(inner) {
            Some(p) => {
                let ip = Ipv4Addr::from(p.host);
                let why = p.notes.join("; ");
                Ok(Host::Loose(ip, format!("'{inner}' is {ip}, read the way inet_aton and getaddrinfo read it: {why}")))
            }
            None => Err(format!("'{s}' is not a valid IPv4 address (four numbers 0..255, like 127.0.0.1)")),
        };
    }
    validate_name(inner)?;
    Ok(Host::Name(inner.to_string()))
}

/// `[::1]:9190` or `127.0.0.1:80`, the `host:port` form other tools take:
/// (host, port) so the error can show the right spelling.
fn host_with_port(s: &str) -> Option<(&str, &str)> {
    let (host, port) = match s.strip_prefix('[') {
        Some(rest) => rest.split_once("]:").filter(|(h, _)| !h.is_empty()).map(|(h, p)| (&s[..h.len() + 2], p))?,
        // one colon only: `::1` or `fe80::1` are IPv6 addresses, not host:port
        None => s.rsplit_once(':').filter(|(h, _)| !h.is_empty() && !h.contains(':'))?,
    };
    (!port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())).then_some((host, port))
}

/// Digits and dots, or dot-separated numbers in C notation (`0x7f.1`,
/// `0x7f000001`): what inet_aton, and so getaddrinfo, would take as an
/// address rather than a name.
fn looks_numeric(s: &str) -> bool {
    let c_number = |p: &str| match p.strip_prefix("0x").or_else(|| p.strip_prefix("0X")) {
        Some(hex) => hex.bytes().all(|b| b.is_ascii_hexdigit()),
        None => !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()),
    };
    s.bytes().all(|b| b.is_ascii_digit() || b == b'.') || (s.split('.').count() <= 4 && s.split('.').all(c_number))
}

fn parse_scope(z: &str) -> std::result::Result<u32, String> {
    if z.is_empty() {
        return Err("empty scope after '%'".into());
    }
    if z.bytes().all(|b| b.is_ascii_digit()) {
        return z.parse().map_err(|_| format!("scope id {z} is out of range"));
    }
    crate::sys::if_nametoindex(z).map_err(|_| format!("unknown interface '{z}' in the scope (see `ip link`)"))
}

/// A host name as getaddrinfo takes it: letters, digits, `-`, `_`, `.`.
fn validate_name(s: &str) -> std::result::Result<(), String> {
    if s.len() > 253 {
        return Err(format!("host name is {} characters long; the limit is 253", s.len()));
    }
    if let Some(c) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))) {
        return Err(format!("'{s}' is not a host name or address (unexpected {c:?})"));
    }
    if s.starts_with('.') || s.contains("..") {
        return Err(format!("'{s}' is not a valid host name (empty label)"));
    }
    if s.split('.').any(|label| label.len() > 63) {
        return Err(format!("'{s}' has a label longer than 63 characters"));
    }
    Ok(())
}

/// Resolve HOST PORT into the addresses to try, in getaddrinfo's order.
pub fn resolve(host: &Host, port: u16, family: Family, socktype: i32) -> Result<Vec<SocketAddr>> {
    match host {
        Host::Ip(ip, scope) => {
            if !family.admits(ip) {
                let want = if family == Family::V4 { "-4 (IPv4)" } else { "-6 (IPv6)" };
                return Err(Error::usage(format!("{ip} does not match {want}")));
            }
            Ok(vec![with_scope(SocketAddr::new(*ip, port), *scope)])
        }
        Host::Loose(ip, _) => resolve(&Host::Ip(IpAddr::V4(*ip), 0), port, family, socktype),
        Host::Name(name) => {
            let af = match family {
                Family::Any => libc::AF_UNSPEC,
                Family::V4 => libc::AF_INET,
                Family::V6 => libc::AF_INET6,
            };
            let info = sys::getaddrinfo(name, af, socktype, false).map_err(|code| Error::Lookup {
                msg: format!("resolve {name}: {}", sys::gai_message(code)),
                code: sys::gai_name(code).map(str::to_string),
            })?;
            let out: Vec<SocketAddr> = info
                .addrs
                .into_iter()
                .map(|mut a| {
                    a.set_port(port);
                    a
                })
                .collect();
            tracing::info!(
                "getaddrinfo({name}): {}",
                out.iter().map(|a| a.ip().to_string()).collect::<Vec<_>>().join(", ")
            );
            if out.is_empty() {
                return Err(Error::failed(format!("resolve {name}: no address of the requested family")));
            }
            Ok(out)
        }
    }
}

fn with_scope(a: SocketAddr, scope: u32) -> SocketAddr {
    match a {
        SocketAddr::V6(v6) if scope != 0 => SocketAddr::V6(SocketAddrV6::new(*v6.ip(), v6.port(), 0, scope)),
        other => other,
    }
}

/// The address a server binds: `--bind` (a literal or a name), or the
/// wildcard of the family (`0.0.0.0`, `::` with -6).
pub fn bind_addr(bind: Option<&Host>, port: u16, family: Family, socktype: i32) -> Result<SocketAddr> {
    match bind {
        None => Ok(match family {
            Family::V6 => SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), port),
            _ => SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port),
        }),
        Some(h) => {
            let addrs = resolve(h, port, family, socktype)?;
            // A name like "localhost" may give ::1 and 127.0.0.1: prefer IPv4
            // unless -6 was given, as the course's INADDR_ANY world does.
            addrs
                .iter()
                .find(|a| a.is_ipv4())
                .or(addrs.first())
                .copied()
                .ok_or_else(|| Error::failed("resolve: no address to bind"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn host_with_port_is_told_apart_from_ipv6() {
        for (s, want) in [
            ("[::1]:9190", Some(("[::1]", "9190"))),
            ("127.0.0.1:80", Some(("127.0.0.1", "80"))),
            ("example.com:80", Some(("example.com", "80"))),
            ("a:80", Some(("a", "80"))),
            ("::1", None),
            ("::1:80", None),
            ("fe80::1%lo", None),
            ("::ffff:1.2.3.4", None),
            ("[::1]", None),
            ("[::1]:", None),
            ("[]:80", None),
            (":80", None),
            ("host:http", None),
        ] {
            assert_eq!(host_with_port(s), want, "{s}");
        }
        assert!(parse_host("::1:80").is_ok(), "a valid IPv6 address stays one");
        let e = parse_host("127.0.0.1:80").unwrap_err();
        assert_eq!(e, "'127.0.0.1:80': a port does not go in the address; give 127.0.0.1 alone (and 80 as PORT)");
    }

    proptest! {
        #[test]
        fn host_is_error_or_consistent(s in "\\PC{0,64}") {
            match parse_host(&s) {
                Ok(Host::Ip(IpAddr::V4(ip), _)) => prop_assert_eq!(ip.to_string(), s),
                Ok(Host::Ip(IpAddr::V6(ip), _)) => {
                    let inner = s.trim_start_matches('[').trim_end_matches(']');
                    let addr = inner.split('%').next().unwrap_or("");
                    prop_assert_eq!(addr.parse::<Ipv6Addr>().ok(), Some(ip));
                }
                Ok(Host::Loose(ip, note)) => {
                    prop_assert_eq!(crate::inet::inet_aton(&s).map(u32::from_be), Some(u32::from(ip)));
                    prop_assert!(!note.is_empty());
                }
                Ok(Host::Name(n)) => prop_assert!(n.len() <= 253 && !n.contains(':')),
                Err(e) => prop_assert!(!e.is_empty()),
            }
        }

        #[test]
        fn address_literals_round_trip(v4 in any::<[u8; 4]>(), v6 in any::<[u16; 8]>()) {
            let ip4 = Ipv4Addr::from(v4);
            prop_assert_eq!(parse_host(&ip4.to_string()), Ok(Host::Ip(IpAddr::V4(ip4), 0)));
            let ip6 = Ipv6Addr::from(v6);
            prop_assert_eq!(parse_host(&ip6.to_string()), Ok(Host::Ip(IpAddr::V6(ip6), 0)));
            prop_assert_eq!(parse_host(&format!("[{ip6}]")), Ok(Host::Ip(IpAddr::V6(ip6), 0)));
        }
    }

    #[test]
    fn hosts() {
        assert_eq!(parse_host("127.0.0.1"), Ok(Host::Ip("127.0.0.1".parse().unwrap(), 0)));
        assert_eq!(parse_host("[::1]"), Ok(Host::Ip("::1".parse().unwrap(), 0)));
        assert_eq!(parse_host("::1"), Ok(Host::Ip("::1".parse().unwrap(), 0)));
        assert_eq!(parse_host("fe80::1%1"), Ok(Host::Ip("fe80::1".parse().unwrap(), 1)));
        assert_eq!(parse_host("localhost"), Ok(Host::Name("localhost".into())));
        for bad in ["", "1.2.3.256", "[::1", "::1]", "fe80::1%bogus", "a b", "[1.2.3.4]", "::g", "x..y", "1.2.3.4.5"] {
            assert!(parse_host(bad).is_err(), "{bad:?} accepted");
        }
        // the loose inet_aton forms are read as getaddrinfo reads them
        // (`getent hosts 127.1` is 127.0.0.1), with a note that says how
        for (loose, ip) in [
            ("127.1", "127.0.0.1"),
            ("2130706433", "127.0.0.1"),
            ("0x7f.1", "127.0.0.1"),
            ("0x7f000001", "127.0.0.1"),
            ("0X7F.0.0.1", "127.0.0.1"),
            ("010.0.0.1", "8.0.0.1"),
            ("1.2.3", "1.2.0.3"),
        ] {
            match parse_host(loose) {
                Ok(Host::Loose(got, note)) => {
                    assert_eq!(got.to_string(), ip, "{loose}");
                    assert!(note.contains("inet_pton would refuse"), "{note}");
                }
                other => panic!("{loose}: {other:?}"),
            }
        }
        // names that merely start like numbers stay names
        for name in ["0xdead.example", "1e100.net", "0x7f.1.2.3.4", "123abc"] {
            assert_eq!(parse_host(name), Ok(Host::Name(name.into())), "{name:?}");
        }
    }
}
