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

pub mod events;
mod table;
mod value;

pub use events::{Event, Sysctl};
pub use table::{lookup, Applies, Fam, Kind, OptDef, Proto, Target, OPTIONS};
pub use value::{parse_setting, parse_value, Val};

use crate::docs::Docs;
use crate::error::{Error, Op, Result};
use crate::output::Out;
use crate::sys::{self, Fd};
use nix::errno::Errno;
use nix::sys::socket::{AddressFamily, SockType};
use serde_json::{json, Value};
use value::{read_value, write_value};

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
        let (value, text) = read_value(&fd, d).map_err(|e| Error::sys_at(Op::Getsockopt, d.opt.opt_name, e))?;
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
            _ => Error::sys_at(Op::Setsockopt, format!("{}={typed}", def.opt.opt_name), e),
        })?;
        let (effective, effective_text) =
            read_value(&fd, def).map_err(|e| Error::sys_at(Op::Getsockopt, def.opt.opt_name, e))?;
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
