//! `netlab resolve`: forward and reverse lookups, several arguments, the
//! hosts file, and a DNS server that never answers (in a network namespace
//! whose resolv.conf and hosts the test writes).

use crate::common::*;
use crate::require_netns;

fn hosts_has(ip: &str, name: &str) -> bool {
    std::fs::read_to_string("/etc/hosts").unwrap_or_default().lines().any(|l| {
        let mut c = l.split('#').next().unwrap_or("").split_whitespace();
        c.next() == Some(ip) && c.any(|n| n == name)
    })
}

#[test]
fn localhost_both_ways() {
    let o = run(&["--json", "resolve", "-4", "localhost"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    let Ev::Resolve(ResolveEv::Host { official_name, addrtype, length, addresses, .. }) = &evs[0] else {
        panic!("{evs:?}")
    };
    assert_eq!((addrtype.as_str(), *length), ("AF_INET", 4));
    assert!(addresses.iter().any(|a| a == "127.0.0.1"), "{addresses:?}");
    assert!(!official_name.is_empty());
    if hosts_has("127.0.0.1", "localhost") {
        let o = run(&["--json", "resolve", "127.0.0.1"], b"");
        assert_exit(&o, 0);
        let evs = events(&o);
        assert!(
            matches!(&evs[0], Ev::Resolve(ResolveEv::Reverse { name, source: Some(s), .. }) if !name.is_empty() && s == "files"),
            "{evs:?}"
        );
    } else {
        eprintln!("SKIPPED reverse part of localhost_both_ways: /etc/hosts has no 127.0.0.1 localhost line");
    }
}

#[test]
fn text_output_is_the_hostent_fields() {
    let o = run(&["resolve", "-4", "localhost"], b"");
    assert_exit(&o, 0);
    let s = stdout(&o);
    for key in [
        "query: localhost",
        "official name: ",
        "aliases: ",
        "address type: AF_INET",
        "address length: 4",
        "addresses: ",
    ] {
        assert!(s.contains(key), "{key} missing in {s}");
    }
}

#[test]
fn text_records_are_separated_by_a_blank_line() {
    // two forward lookups: localhost resolves from the hosts file
    let o = run(&["resolve", "-4", "localhost", "localhost"], b"");
    assert_exit(&o, 0);
    let s = stdout(&o);
    let records: Vec<&str> = s.trim_end_matches('\n').split("\n\n").collect();
    assert_eq!(records.len(), 2, "{s:?}");
    assert!(
        records.iter().all(|r| r.starts_with("query: localhost\n") && r.contains("address type: AF_INET")),
        "{s:?}"
    );
}

#[test]
fn bad_arguments_are_usage_errors() {
    for args in [
        &["resolve"][..],
        &["resolve", "1.2.3.256"],
        &["resolve", "[::1"],
        &["resolve", "a b"],
        &["resolve", "-4", "::1"],
        &["resolve", "--timeout", "0", "x"],
    ] {
        let o = run(args, b"");
        assert_exit(&o, 2);
        assert_eq!(stderr(&o).lines().filter(|l| l.starts_with("netlab: ")).count(), 1, "{args:?}");
    }
}

#[test]
fn a_malformed_argument_fails_alone_and_the_rest_are_answered() {
    let o = run(&["--json", "resolve", "-4", "localhost", "", "a..b", "127.0.0.1"], b"");
    assert_exit(&o, 2);
    let evs = events(&o);
    let failed: Vec<(&str, Option<&str>)> = evs
        .iter()
        .filter_map(|e| match e {
            Ev::Resolve(ResolveEv::ResolveFailed { query, code, .. }) => Some((query.as_str(), code.as_deref())),
            _ => None,
        })
        .collect();
    assert_eq!(failed, [("", Some("invalid")), ("a..b", Some("invalid"))], "{evs:?}");
    assert!(
        evs.iter().any(|e| matches!(e, Ev::Resolve(ResolveEv::Host { query, .. }) if query == "localhost")),
        "{evs:?}"
    );
    assert!(
        evs.iter().any(|e| matches!(e, Ev::Resolve(ResolveEv::Reverse { query, .. }) if query == "127.0.0.1")),
        "{evs:?}"
    );
    let err = stderr(&o);
    assert_eq!(err.lines().filter(|l| l.starts_with("netlab: ")).count(), 1, "{err}");
    assert!(err.starts_with("netlab: resolve: 2 of 4 arguments are not valid"), "{err}");
}

/// A namespace where /etc/hosts is the test's and DNS is 127.0.0.1 (the
/// test decides whether anything listens there).
fn lab() -> Netns {
    let ns = Netns::new("dns");
    ns.etc("hosts", "127.0.0.1 localhost\n10.9.8.7 lab-host.test lab-alias\n2001:db8::7 lab6.test\n");
    ns.etc("resolv.conf", "nameserver 127.0.0.1\noptions timeout:30 attempts:3\n");
    ns
}

#[test]
fn hosts_file_entry_with_alias_and_source() {
    require_netns!("hosts_file_entry_with_alias_and_source");
    let ns = lab();
    let o = run_cmd(ns.netlab().args(["--json", "resolve", "lab-alias", "10.9.8.7", "lab6.test"]), b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    let Ev::Resolve(ResolveEv::Host { official_name, aliases, addresses, source, addrtype, .. }) = &evs[0] else {
        panic!("{evs:?}")
    };
    assert_eq!(official_name, "lab-host.test");
    assert_eq!(aliases, &["lab-alias"]);
    assert_eq!(addresses, &["10.9.8.7"]);
    assert_eq!(addrtype, "AF_INET");
    assert_eq!(source.as_deref(), Some("files"));
    assert!(
        matches!(&evs[1], Ev::Resolve(ResolveEv::Reverse { name, source: Some(s), .. }) if name == "lab-host.test" && s == "files"),
        "{evs:?}"
    );
    assert!(
        matches!(&evs[2], Ev::Resolve(ResolveEv::Host { addrtype, length: 16, addresses, .. }) if addrtype == "AF_INET6" && addresses == &["2001:db8::7"]),
        "{evs:?}"
    );
}

#[test]
fn mixed_list_answers_each_and_exits_1() {
    require_netns!("mixed_list_answers_each_and_exits_1");
    let ns = lab();
    let o = run_cmd(ns.netlab().args(["--json", "resolve", "lab-host.test", "nosuch.invalid", "127.0.0.1"]), b"");
    assert_exit(&o, 1);
    let evs = events(&o);
    assert!(matches!(&evs[0], Ev::Resolve(ResolveEv::Host { query, .. }) if query == "lab-host.test"));
    assert!(
        matches!(&evs[1], Ev::Resolve(ResolveEv::ResolveFailed { query, code: Some(c), .. }) if query == "nosuch.invalid" && (c == "EAI_AGAIN" || c == "EAI_NONAME")),
        "{evs:?}"
    );
    assert!(matches!(&evs[2], Ev::Resolve(ResolveEv::Reverse { query, .. }) if query == "127.0.0.1"));
    // the error names the failure's code, as the resolve_failed event does
    assert!(
        matches!(evs.last(), Some(Ev::Shared(SharedEv::Error { exit_code: 1, message, code: Some(c), .. }))
            if message.contains("1 of 3 lookups failed: nosuch.invalid") && (c == "EAI_AGAIN" || c == "EAI_NONAME")),
        "{evs:?}"
    );
    let o = run_cmd(ns.netlab().args(["resolve", "nosuch.invalid"]), b"");
    assert_exit(&o, 1);
    let first = stderr(&o).lines().next().unwrap().to_string();
    assert!(first.starts_with("netlab: resolve: nosuch.invalid: "), "{first}");
    assert!(first.contains("(EAI_AGAIN)") || first.contains("(EAI_NONAME)"), "{first}");
}

#[test]
fn clients_name_the_resolver_failure_in_the_error_code() {
    require_netns!("clients_name_the_resolver_failure_in_the_error_code");
    let ns = lab();
    for args in
        [&["echo-client", "-m", "x", "nosuch.invalid", "9"][..], &["udp", "client", "-m", "x", "nosuch.invalid", "9"]]
    {
        let o = run_cmd(ns.netlab().arg("--json").args(args), b"");
        assert_exit(&o, 1);
        let evs = events(&o);
        assert!(
            matches!(&evs[..], [Ev::Shared(SharedEv::Error { errno: None, code: Some(c), exit_code: 1, message, .. })]
                if (c == "EAI_AGAIN" || c == "EAI_NONAME") && message.starts_with("resolve nosuch.invalid: ")),
            "{args:?}: {evs:?}"
        );
    }
}

#[test]
fn timeout_against_a_dns_server_that_never_answers() {
    let _serial = exclusive();
    require_netns!("timeout_against_a_dns_server_that_never_answers");
    let ns = lab();
    // A UDP socket on 127.0.0.1:53 inside the namespace that reads and
    // never answers.
    let silent = ns.within(|| std::net::UdpSocket::bind("127.0.0.1:53").expect("bind 53 in netns"));
    let t0 = std::time::Instant::now();
    let o = run_cmd(ns.netlab().args(["--json", "resolve", "--timeout", "1", "silent.example", "lab-host.test"]), b"");
    let took = t0.elapsed();
    assert_exit(&o, 1);
    let evs = events(&o);
    assert!(
        matches!(&evs[0], Ev::Resolve(ResolveEv::ResolveFailed { code: Some(c), message, .. }) if c == "timeout" && message.contains("no answer within 1 s")),
        "{evs:?}"
    );
    assert!(matches!(&evs[1], Ev::Resolve(ResolveEv::Host { .. })), "the hosts-file name is still answered: {evs:?}");
    // the query did reach our silent server
    silent.set_read_timeout(Some(std::time::Duration::from_millis(100))).unwrap();
    let mut b = [0u8; 512];
    assert!(silent.recv_from(&mut b).is_ok(), "no DNS query reached the silent server");
    assert!(took < std::time::Duration::from_secs(20), "the lookup was not abandoned ({took:?})");
    // and without the silent server, EAI_AGAIN is told apart from EAI_NONAME
    drop(silent);
    let o = run_cmd(ns.netlab().args(["resolve", "--timeout", "5", "gone.example"]), b"");
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("EAI_AGAIN"), "{}", stderr(&o));
}
