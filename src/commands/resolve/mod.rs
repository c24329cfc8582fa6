//! `netlab resolve`: names to addresses and back, printed as the fields of
//! the course's `struct hostent`.
//!
//! Course: 도메인과 인터넷 주소 (DNS, gethostbyname, gethostbyaddr). The
//! modern calls are used (getaddrinfo with AI_CANONNAME, getnameinfo with
//! NI_NAMEREQD; gethostbyname2_r only for the aliases), each lookup runs on
//! its own thread and is abandoned after `--timeout`, so a DNS server that
//! never answers cannot hang the command.
//!
//! Try it: `netlab resolve localhost 127.0.0.1 nosuch.invalid`

pub mod events;

pub use events::Event;

use crate::docs::Docs;
use crate::error::{Error, Result};
use crate::net::{self, Family, Host};
use crate::output::Out;
use crate::sys;
use crate::values;
use std::net::{IpAddr, SocketAddr};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const DOCS: Docs = Docs {
    examples: &[
        ("netlab resolve localhost", "official name, aliases, AF_INET/AF_INET6, length, addresses, and the source"),
        ("netlab resolve 127.0.0.1 ::1", "reverse lookups"),
        ("netlab resolve -4 example.com nosuch.invalid", "one answer each; exit 1 because one failed"),
        ("netlab --json resolve localhost | jq -r '.addresses[]'", "just the addresses"),
        ("netlab --trace resolve --timeout 2 example.com", "the getaddrinfo call, bounded to 2 s"),
    ],
    events: &[
        ("host", "query, official_name, aliases, addrtype (AF_INET|AF_INET6), length (4|16), addresses, source (files|dns|…)"),
        ("reverse", "query, name, source"),
        ("resolve_failed", "query, message, code (EAI_NONAME, EAI_AGAIN, timeout, …)"),
    ],
    exit_notes: &["1 when any lookup failed (the others are still answered)", "2 when an argument is neither a name nor an address (with several arguments, the valid ones are still answered)"],
};

#[derive(Debug, clap::Args)]
#[command(about = "Names to addresses (struct hostent) and addresses to names")]
pub struct Args {
    #[command(flatten)]
    pub family: net::FamilyArgs,
    /// Give up on a lookup after SECS seconds
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = values::secs)]
    pub timeout: Duration,
    /// Names to look up, or IP addresses to look up in reverse
    #[arg(value_name = "NAME_OR_ADDR", required = true)]
    pub queries: Vec<String>,
}

/// A lookup: started, to start when its turn comes (--trace), or an
/// argument that is no name or address.
enum Pending {
    Started(mpsc::Receiver<Answer>),
    Later(Host),
    Invalid(String),
}

/// What one lookup produced.
enum Answer {
    Forward(Vec<Event>),
    Reverse(Event),
    Failed { message: String, code: Option<String> },
}

pub fn run(args: &Args, out: &mut Out) -> Result<()> {
    let family = args.family.family();
    // Config: every argument parsed before any lookup starts. With one
    // argument a malformed one is the usage error it is; with several it is
    // that argument's failure, and the rest still run.
    let plan: Vec<(&String, std::result::Result<Host, String>)> = args
        .queries
        .iter()
        .map(|q| {
            let host = net::parse_host(q).and_then(|host| match &host {
                Host::Ip(ip, _) if !family.admits(ip) => {
                    Err(format!("{q} does not match {}", if args.family.ipv4 { "-4" } else { "-6" }))
                }
                Host::Loose(ip, _) if !family.admits(&IpAddr::V4(*ip)) => {
                    Err(format!("{q} is an IPv4 address: it does not match -6"))
                }
                _ => Ok(host),
            });
            (q, host)
        })
        .collect();
    if let [(_, Err(why))] = plan.as_slice() {
        return Err(Error::usage(why.clone()));
    }
    // Every lookup on its own thread, bounded by the timeout and abandoned
    // (not waited for) when it runs over. Without --trace they all start at
    // once; with it each starts when the one before it has ended, so that
    // the narration comes in the order of the arguments, whatever order
    // the lookups would end in.
    let start = |q: &String, host: Host| -> mpsc::Receiver<Answer> {
        let (tx, rx) = mpsc::channel();
        let query = q.clone();
        let spawned = std::thread::Builder::new().name(format!("resolve {q}")).spawn(move || {
            let _ = tx.send(lookup(&query, &host, family));
        });
        if spawned.is_err() {
            // Without a thread the receiver reports a failure below.
            tracing::warn!("could not start a lookup thread for {q}");
        }
        rx
    };
    let one_by_one = crate::logging::tracing_syscalls();
    let mut deadline = Instant::now() + args.timeout;
    let pending: Vec<(String, Pending)> = plan
        .into_iter()
        .map(|(q, host)| {
            let pending = match host {
                Err(why) => Pending::Invalid(why),
                Ok(h) if one_by_one => Pending::Later(h),
                Ok(h) => Pending::Started(start(q, h)),
            };
            (q.clone(), pending)
        })
        .collect();
    let (mut failed, mut invalid, mut records) = (Vec::new(), 0usize, 0usize);
    for (q, p) in pending {
        let rx = match p {
            Pending::Invalid(why) => Err(why),
            Pending::Started(rx) => Ok(rx),
            Pending::Later(h) => {
                deadline = Instant::now() + args.timeout;
                Ok(start(&q, h))
            }
        };
        let left = deadline.saturating_duration_since(Instant::now());
        let answer = match rx.map(|rx| rx.recv_timeout(left)) {
            Err(why) => {
                invalid += 1;
                Answer::Failed { message: why, code: Some("invalid".into()) }
            }
            Ok(Ok(a)) => a,
            Ok(Err(mpsc::RecvTimeoutError::Timeout)) => Answer::Failed {
                message: format!(
                    "no answer within {} s: the name server did not reply (a resolver left to itself would end with EAI_AGAIN, \"Temporary failure in name resolution\")",
                    args.timeout.as_secs_f64()
                ),
                code: Some("timeout".into()),
            },
            Ok(Err(mpsc::RecvTimeoutError::Disconnected)) => {
                Answer::Failed { message: "the lookup thread failed".into(), code: None }
            }
        };
        // text: a blank line between records, as between dig's sections
        let mut record = |e: &Event| {
            if records > 0 && !out.is_json() {
                out.data(b"\n");
            }
            records += 1;
            out.emit(e);
        };
        match answer {
            Answer::Forward(evs) => evs.iter().for_each(record),
            Answer::Reverse(e) => record(&e),
            Answer::Failed { message, code } => {
                record(&Event::ResolveFailed { query: q.clone(), message: message.clone(), code: code.clone() });
                failed.push((q, message, code));
            }
        }
    }
    let names =
        |f: &[(String, String, Option<String>)]| f.iter().map(|(q, ..)| q.as_str()).collect::<Vec<_>>().join(", ");
    // the error's code is the failures' when they share one (EAI_NONAME)
    let code = match failed.as_slice() {
        [(_, _, first), rest @ ..] if rest.iter().all(|(_, _, c)| c == first) => first.clone(),
        _ => None,
    };
    match failed.as_slice() {
        [] => Ok(()),
        [(q, m, _)] if args.queries.len() == 1 => Err(Error::Lookup { msg: format!("{q}: {m}"), code }),
        many if invalid > 0 => Err(Error::usage(format!(
            "{} of {} arguments are not valid names or addresses; {} of {} failed in all: {}",
            invalid,
            args.queries.len(),
            many.len(),
            args.queries.len(),
            names(many)
        ))),
        many => Err(Error::Lookup {
            msg: format!("{} of {} lookups failed: {}", many.len(), args.queries.len(), names(many)),
            code,
        }),
    }
}

fn lookup(query: &str, host: &Host, family: Family) -> Answer {
    match host {
        Host::Loose(ip, note) => match lookup(query, &Host::Ip(IpAddr::V4(*ip), 0), family) {
            Answer::Reverse(Event::Reverse { query, name, source, .. }) => {
                Answer::Reverse(Event::Reverse { query, name, source, note: Some(note.clone()) })
            }
            other => other,
        },
        Host::Ip(ip, scope) => {
            let sa = match ip {
                IpAddr::V6(v6) => SocketAddr::V6(std::net::SocketAddrV6::new(*v6, 0, 0, *scope)),
                IpAddr::V4(v4) => SocketAddr::from((*v4, 0)),
            };
            match sys::getnameinfo(&sa) {
                Ok(name) => Answer::Reverse(Event::Reverse {
                    query: query.to_string(),
                    name,
                    source: source_of(&ip.to_string(), true, libc::AF_UNSPEC),
                    note: None,
                }),
                Err(code) => Answer::Failed {
                    message: if code == libc::EAI_NONAME {
                        format!("no name for {ip}: {}", sys::gai_message(code))
                    } else {
                        sys::gai_message(code)
                    },
                    code: sys::gai_name(code).map(str::to_string),
                },
            }
        }
        Host::Name(name) => {
            let af = match family {
                Family::Any => libc::AF_UNSPEC,
                Family::V4 => libc::AF_INET,
                Family::V6 => libc::AF_INET6,
            };
            let info = match sys::getaddrinfo(name, af, libc::SOCK_STREAM, true) {
                Ok(i) => i,
                Err(code) => {
                    return Answer::Failed {
                        message: sys::gai_message(code),
                        code: sys::gai_name(code).map(str::to_string),
                    }
                }
            };
            let source = source_of(name, false, af);
            let mut events = Vec::new();
            for (af, label, len) in [(libc::AF_INET, "AF_INET", 4u32), (libc::AF_INET6, "AF_INET6", 16)] {
                let addrs: Vec<String> = info
                    .ips()
                    .iter()
                    .filter(|a| if af == libc::AF_INET { a.is_ipv4() } else { a.is_ipv6() })
                    .map(|a| a.to_string())
                    .collect();
                if addrs.is_empty() {
                    continue;
                }
                let (official, aliases) = sys::gethostbyname2(name, af)
                    .unwrap_or_else(|| (info.canonname.clone().unwrap_or_else(|| name.clone()), Vec::new()));
                events.push(Event::Host {
                    query: query.to_string(),
                    official_name: info.canonname.clone().unwrap_or(official),
                    aliases,
                    addrtype: label.into(),
                    length: len,
                    addresses: addrs,
                    source: source.clone(),
                });
            }
            Answer::Forward(events)
        }
    }
}

/// Which NSS source answers `key` (a name, or an address for reverse
/// lookups), as far as can be told from /etc/hosts and nsswitch.conf.
pub fn source_of(key: &str, is_addr: bool, af: i32) -> Option<String> {
    let order = nss_hosts_order();
    tracing::info!("nsswitch.conf hosts: {} (the source is the first that can answer {key})", order.join(" "));
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
    let me = sys::hostname();
    source_in(&hosts, &order, me.as_deref(), key, is_addr, af)
}

/// source_of on given files: "files" if the hosts text has `key` (a name:
/// on a line whose address is of family `af`, any for AF_UNSPEC, as
/// glibc's files module matches) and files comes first in `order`, else
/// the next source listed.
fn source_in(hosts: &str, order: &[String], me: Option<&str>, key: &str, is_addr: bool, af: i32) -> Option<String> {
    let in_files = hosts.lines().any(|line| {
        let line = line.split('#').next().unwrap_or("");
        let mut cols = line.split_whitespace();
        let Some(addr) = cols.next() else { return false };
        if is_addr {
            addr.parse::<IpAddr>().ok() == key.parse::<IpAddr>().ok() && cols.next().is_some()
        } else {
            let family_fits = match addr.parse::<IpAddr>() {
                Ok(IpAddr::V4(_)) => af != libc::AF_INET6,
                Ok(IpAddr::V6(_)) => af != libc::AF_INET,
                Err(_) => false,
            };
            family_fits && cols.any(|n| n.eq_ignore_ascii_case(key.trim_end_matches('.')))
        }
    });
    for src in order {
        match src.as_str() {
            "files" if in_files => return Some("files".into()),
            "files" => continue,
            "myhostname" => {
                let special = ["localhost", "localhost.localdomain", "_gateway", "_outbound"];
                if !is_addr && (me == Some(key) || special.contains(&key) || key.ends_with(".localhost")) {
                    return Some("myhostname".into());
                }
            }
            other => return Some(other.to_string()),
        }
    }
    None
}

/// The `hosts:` line of /etc/nsswitch.conf (glibc's default when absent).
fn nss_hosts_order() -> Vec<String> {
    let conf = std::fs::read_to_string("/etc/nsswitch.conf").unwrap_or_default();
    for line in conf.lines() {
        if let Some(rest) = line.trim_start().strip_prefix("hosts:") {
            return rest.split_whitespace().filter(|w| !w.starts_with('[')).map(|w| w.to_string()).collect();
        }
    }
    vec!["dns".into(), "files".into()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name the hosts file lists for IPv4 only is answered by files for
    /// IPv4 and for either family, by the next source for IPv6.
    #[test]
    fn the_hosts_file_answers_only_for_the_families_it_lists() {
        let hosts = "127.0.0.1 localhost\n10.0.0.7 lab-a.test alias-a # a comment\n::1 ip6-localhost\n";
        let order: Vec<String> = ["files", "dns"].map(String::from).to_vec();
        let src = |key: &str, is_addr: bool, af: i32| source_in(hosts, &order, Some("box"), key, is_addr, af);
        assert_eq!(src("lab-a.test", false, libc::AF_INET).as_deref(), Some("files"));
        assert_eq!(src("alias-a", false, libc::AF_UNSPEC).as_deref(), Some("files"));
        assert_eq!(src("LAB-A.test.", false, libc::AF_INET).as_deref(), Some("files"));
        assert_eq!(src("lab-a.test", false, libc::AF_INET6).as_deref(), Some("dns"));
        assert_eq!(src("ip6-localhost", false, libc::AF_INET6).as_deref(), Some("files"));
        assert_eq!(src("ip6-localhost", false, libc::AF_INET).as_deref(), Some("dns"));
        assert_eq!(src("comment", false, libc::AF_UNSPEC).as_deref(), Some("dns"));
        assert_eq!(src("10.0.0.7", true, libc::AF_UNSPEC).as_deref(), Some("files"));
        assert_eq!(src("10.0.0.8", true, libc::AF_UNSPEC).as_deref(), Some("dns"));
        let myhost: Vec<String> = ["files", "myhostname"].map(String::from).to_vec();
        assert_eq!(source_in(hosts, &myhost, Some("box"), "box", false, libc::AF_INET6).as_deref(), Some("myhostname"));
        assert_eq!(source_in(hosts, &myhost, Some("box"), "other", false, libc::AF_INET6), None);
    }
}
