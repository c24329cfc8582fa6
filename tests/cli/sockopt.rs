//! `netlab sockopt`: list, get and set on fresh sockets.

use crate::common::*;

fn json(args: &[&str]) -> Vec<Ev> {
    let mut a = vec!["--json", "sockopt"];
    a.extend_from_slice(args);
    let o = run(&a, b"");
    assert_exit(&o, 0);
    events(&o)
}

fn rmem_max() -> i64 {
    std::fs::read_to_string("/proc/sys/net/core/rmem_max").unwrap().trim().parse().unwrap()
}

#[test]
fn list_covers_the_spec_table() {
    let names: Vec<String> = json(&["list"])
        .into_iter()
        .map(|e| match e {
            Ev::Sockopt(SockoptEv::SockoptInfo { option, .. }) => option,
            other => panic!("{other:?}"),
        })
        .collect();
    for want in [
        "SO_TYPE",
        "SO_SNDBUF",
        "SO_RCVBUF",
        "SO_REUSEADDR",
        "SO_REUSEPORT",
        "SO_KEEPALIVE",
        "SO_LINGER",
        "SO_BROADCAST",
        "SO_RCVLOWAT",
        "SO_SNDLOWAT",
        "SO_RCVTIMEO",
        "SO_SNDTIMEO",
        "SO_ERROR",
        "TCP_NODELAY",
        "TCP_MAXSEG",
        "TCP_KEEPIDLE",
        "TCP_KEEPINTVL",
        "TCP_KEEPCNT",
        "IP_TTL",
        "IP_TOS",
        "IPV6_V6ONLY",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} missing");
    }
}

#[test]
fn list_text_is_aligned_columns() {
    let infos = json(&["list"]);
    let o = run(&["sockopt", "list"], b"");
    assert_exit(&o, 0);
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), infos.len(), "{text}");
    // every column starts where it starts on the first row, the widest
    // values ("tcp,udp (IPv6)", "IPV6_MULTICAST_HOPS") included
    let mut starts = None;
    for (line, info) in lines.iter().zip(&infos) {
        let Ev::Sockopt(SockoptEv::SockoptInfo { level, option, kind, applies_to, access, description }) = info else {
            panic!("{info:?}")
        };
        let mut at = Vec::new();
        let mut from = 0;
        for col in [level, option, kind, applies_to, access, description] {
            let i = from + line[from..].find(col.as_str()).unwrap_or_else(|| panic!("{col:?} not in {line:?}"));
            assert!(i == 0 || line[..i].ends_with(' '), "{col:?} runs into the column before it: {line:?}");
            at.push(i);
            from = i + col.len();
        }
        assert_eq!(starts.get_or_insert_with(|| at.clone()), &at, "{line:?} is out of line with\n{}", lines[0]);
    }
}

fn get_map(args: &[&str]) -> Vec<(String, String, serde_json::Value)> {
    let mut a = vec!["get"];
    a.extend_from_slice(args);
    json(&a)
        .into_iter()
        .map(|e| match e {
            Ev::Sockopt(SockoptEv::Sockopt { socket, option, value, .. }) => (socket, option, value),
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn get_all_applies_to_the_socket_type() {
    let tcp = get_map(&[]);
    assert!(tcp.iter().all(|(s, _, _)| s == "tcp"));
    let has = |v: &[(String, String, serde_json::Value)], n: &str| v.iter().any(|(_, o, _)| o == n);
    assert!(has(&tcp, "TCP_NODELAY") && has(&tcp, "IP_TTL") && !has(&tcp, "SO_BROADCAST") && !has(&tcp, "IPV6_V6ONLY"));
    let so_type = tcp.iter().find(|(_, o, _)| o == "SO_TYPE").unwrap();
    assert_eq!(so_type.2, serde_json::json!(libc::SOCK_STREAM));
    let udp6 = get_map(&["--type", "udp", "-6"]);
    assert!(udp6.iter().all(|(s, _, _)| s == "udp6"));
    assert!(
        has(&udp6, "SO_BROADCAST") && has(&udp6, "IPV6_V6ONLY") && !has(&udp6, "TCP_NODELAY") && !has(&udp6, "IP_TTL")
    );
    let t = udp6.iter().find(|(_, o, _)| o == "SO_TYPE").unwrap();
    assert_eq!(t.2, serde_json::json!(libc::SOCK_DGRAM));
}

#[test]
fn get_named_options_any_spelling() {
    let v = get_map(&["SO_RCVBUF", "nodelay", "Tcp_KeepIdle", "linger", "rcvtimeo"]);
    let names: Vec<&str> = v.iter().map(|(_, o, _)| o.as_str()).collect();
    assert_eq!(names, ["SO_RCVBUF", "TCP_NODELAY", "TCP_KEEPIDLE", "SO_LINGER", "SO_RCVTIMEO"]);
    assert_eq!(v[1].2, serde_json::json!(false));
    assert_eq!(v[3].2, serde_json::json!({"on": false, "secs": 0}));
    assert_eq!(v[4].2, serde_json::json!(0.0));
}

#[test]
fn set_rcvbuf_is_doubled_and_explained() {
    let evs = json(&["set", "SO_RCVBUF=100000"]);
    let Ev::Sockopt(SockoptEv::SockoptSet { requested, effective, reason, sysctl, .. }) = &evs[0] else { panic!() };
    assert_eq!(requested, &serde_json::json!(100000));
    let max = rmem_max();
    let want = 2 * 100000.min(max);
    assert_eq!(effective, &serde_json::json!(want));
    assert!(reason.as_deref().unwrap().contains("doubles"), "{reason:?}");
    let s = sysctl.as_ref().unwrap();
    assert_eq!((s.name.as_str(), s.value), ("net.core.rmem_max", max));
}

#[test]
fn set_over_rmem_max_is_capped_and_explained() {
    let max = rmem_max();
    let req = (max + 1000).to_string();
    let evs = json(&["set", &format!("rcvbuf={req}")]);
    let Ev::Sockopt(SockoptEv::SockoptSet { effective, reason, .. }) = &evs[0] else { panic!() };
    assert_eq!(effective, &serde_json::json!(2 * max));
    assert!(reason.as_deref().unwrap().contains("capped at net.core.rmem_max"), "{reason:?}");
}

#[test]
fn set_tiny_buffer_hits_the_minimum() {
    let evs = json(&["set", "sndbuf=1"]);
    let Ev::Sockopt(SockoptEv::SockoptSet { effective, reason, .. }) = &evs[0] else { panic!() };
    assert!(effective.as_i64().unwrap() > 2, "{effective}");
    assert!(reason.as_deref().unwrap().contains("minimum"), "{reason:?}");
}

/// TCP_DEFER_ACCEPT is kept as SYN-ACK retransmissions: 5 s reads back as
/// the 7 s that three retransmissions (1 + 2 + 4) cover, and says why.
#[test]
fn defer_accept_rounding_is_explained() {
    let evs = json(&["set", "TCP_DEFER_ACCEPT=5"]);
    let Ev::Sockopt(SockoptEv::SockoptSet { effective, reason, .. }) = &evs[0] else { panic!() };
    if effective.as_i64() != Some(5) {
        assert!(reason.as_deref().unwrap().contains("SYN-ACK retransmissions"), "{effective} {reason:?}");
    }
}

#[test]
fn set_several_kinds() {
    let evs =
        json(&["set", "nodelay=on", "linger=on:5", "rcvtimeo=1.5s", "keepidle=60", "sndtimeo=200ms", "reuseaddr=true"]);
    let got: Vec<(String, serde_json::Value)> = evs
        .into_iter()
        .map(|e| match e {
            Ev::Sockopt(SockoptEv::SockoptSet { option, effective, .. }) => (option, effective),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("TCP_NODELAY".into(), serde_json::json!(true)),
            ("SO_LINGER".into(), serde_json::json!({"on": true, "secs": 5})),
            ("SO_RCVTIMEO".into(), serde_json::json!(1.5)),
            ("TCP_KEEPIDLE".into(), serde_json::json!(60)),
            ("SO_SNDTIMEO".into(), serde_json::json!(0.2)),
            ("SO_REUSEADDR".into(), serde_json::json!(true)),
        ]
    );
}

#[test]
fn set_udp_and_ipv6() {
    let evs = json(&["set", "--type", "udp", "broadcast=1", "ttl=7"]);
    assert!(
        matches!(&evs[0], Ev::Sockopt(SockoptEv::SockoptSet { option, socket, .. }) if option == "SO_BROADCAST" && socket == "udp")
    );
    assert!(
        matches!(&evs[1], Ev::Sockopt(SockoptEv::SockoptSet { effective, .. }) if effective == &serde_json::json!(7))
    );
    let evs = json(&["set", "-6", "v6only=on", "unicast_hops=9"]);
    assert!(
        matches!(&evs[0], Ev::Sockopt(SockoptEv::SockoptSet { effective, socket, .. }) if effective == &serde_json::json!(true) && socket == "tcp6")
    );
}

/// The special values the kernel takes are taken, and what they mean is
/// said: -1 restores the default TTL, 0 clears the MSS limit, a low-water
/// mark of 0 means 1.
#[test]
fn special_values_the_kernel_takes() {
    let default_ttl: i64 =
        std::fs::read_to_string("/proc/sys/net/ipv4/ip_default_ttl").unwrap().trim().parse().unwrap();
    let evs = json(&["set", "ttl=-1", "maxseg=0", "rcvlowat=0"]);
    let got: Vec<(String, serde_json::Value, bool)> = evs
        .iter()
        .map(|e| match e {
            Ev::Sockopt(SockoptEv::SockoptSet { option, effective, reason, .. }) => {
                (option.clone(), effective.clone(), reason.is_some())
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        got,
        [
            ("IP_TTL".into(), serde_json::json!(default_ttl), true),
            ("TCP_MAXSEG".into(), serde_json::json!(536), true),
            ("SO_RCVLOWAT".into(), serde_json::json!(1), true),
        ]
    );
    let evs = json(&["set", "--type", "udp", "multicast_ttl=-1"]);
    assert!(
        matches!(&evs[0], Ev::Sockopt(SockoptEv::SockoptSet { effective, .. }) if effective == &serde_json::json!(1)),
        "{evs:?}"
    );
}

#[test]
fn text_mode_is_aligned_and_explains() {
    let o = run(&["sockopt", "set", "rcvbuf=100000"], b"");
    assert_exit(&o, 0);
    let s = stdout(&o);
    assert!(s.contains("requested: 100000"), "{s}");
    assert!(s.contains("effective: "), "{s}");
    assert!(s.contains("why: the kernel doubles"), "{s}");
    assert!(s.contains("net.core.rmem_max: "), "{s}");
    let o = run(&["sockopt", "get", "SO_TYPE"], b"");
    assert_eq!(
        stdout(&o).split_whitespace().collect::<Vec<_>>(),
        ["tcp", "SOL_SOCKET", "SO_TYPE", "1", "(SOCK_STREAM)"]
    );
}

#[test]
fn bad_options_are_usage_errors() {
    for (args, needle) in [
        (&["sockopt", "set", "--type", "udp", "nodelay=1"][..], "TCP sockets only"),
        (&["sockopt", "get", "--type", "udp", "TCP_NODELAY"], "TCP sockets only"),
        (&["sockopt", "get", "SO_BOGUS"], "unknown socket option"),
        (&["sockopt", "set", "SO_TYPE=2"], "read-only"),
        (&["sockopt", "set", "rcvbuf=lots"], "not an integer"),
        (&["sockopt", "set", "rcvbuf"], "OPTION=VALUE"),
        (&["sockopt", "set", "linger=5"], "on:SECS"),
        (&["sockopt", "set", "ttl=0"], "out of range"),
        (&["sockopt", "set", "-6", "ttl=5"], "IPv4"),
        (&["sockopt", "get", "v6only"], "-6"),
        (&["sockopt", "set", "rcvtimeo=soon"], "duration"),
        (&["sockopt", "set", "nodelay=maybe"], "boolean"),
        (&["sockopt", "set", "congestion=no-such-algo"], "kernel refused"),
    ] {
        let o = run(args, b"");
        assert_exit(&o, 2);
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn a_value_the_kernel_refuses_keeps_its_errno() {
    let o = run(&["--json", "sockopt", "set", "congestion=no-such-algo"], b"");
    assert_exit(&o, 2);
    let evs = events(&o);
    assert!(
        matches!(&evs[..], [Ev::Shared(SharedEv::Error { errno: Some(2), code: Some(code), exit_code: 2, .. })] if code == "ENOENT"),
        "{evs:?}"
    );
}

/// SO_PRIORITY 0..6 is anyone's; beyond that the kernel asks for
/// CAP_NET_ADMIN, so netlab leaves the decision to it: root gets the value,
/// anyone else EPERM with the reason.
#[test]
fn priority_beyond_six_is_the_kernels_call() {
    // what the kernel checks: CAP_NET_ADMIN (12) or CAP_NET_RAW (13) in the
    // effective set, not whether the user is root
    let cap_eff = u64::from_str_radix(&proc_status(std::process::id(), "CapEff").unwrap(), 16).unwrap();
    let o = run(&["sockopt", "set", "priority=7"], b"");
    if cap_eff & (1 << 12 | 1 << 13) != 0 {
        assert_exit(&o, 0);
        assert!(stdout(&o).contains("effective: 7"), "{}", stdout(&o));
    } else {
        assert_exit(&o, 1);
        assert!(
            stderr(&o).contains("Operation not permitted (EPERM)\nhint: priorities outside 0..6 need CAP_NET_ADMIN"),
            "{}",
            stderr(&o)
        );
    }
    let o = run(&["sockopt", "set", "priority=6"], b"");
    assert_exit(&o, 0);
}
