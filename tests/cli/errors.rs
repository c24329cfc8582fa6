//! Bad input, table-driven: every case gives the documented exit code,
//! exactly one `netlab: …` line on stderr (plus an optional `hint:`), an
//! `error` event under --json, and never a panic.

use crate::common::*;

/// (arguments, exit code)
const CASES: &[(&[&str], i32)] = &[
    // global / clap
    (&[], 2),
    (&["no-such-command"], 2),
    (&["--bogus-flag", "byteorder"], 2),
    (&["--log-format", "xml", "byteorder"], 2),
    (&["-v", "-q", "byteorder"], 2),
    // byteorder
    (&["byteorder", "htonx", "1"], 2),
    (&["byteorder", "htons"], 2),
    (&["byteorder", "htons", "65536"], 2),
    (&["byteorder", "htons", "70000"], 2),
    (&["byteorder", "htons", "-5"], 2),
    (&["byteorder", "htons", "0x"], 2),
    (&["byteorder", "htons", "0b102"], 2),
    (&["byteorder", "htons", "0o9"], 2),
    (&["byteorder", "htons", "1e3"], 2),
    (&["byteorder", "htons", ""], 2),
    (&["byteorder", "htonl", "4294967296"], 2),
    (&["byteorder", "ntohl", "99999999999999999999999"], 2),
    (&["byteorder", "inet_aton", "1.2.3.256"], 2),
    (&["byteorder", "inet_aton", "256.1"], 2),
    (&["byteorder", "inet_aton", "1.2.3.4.5"], 2),
    (&["byteorder", "inet_aton", "hello"], 2),
    (&["byteorder", "inet_aton", ""], 2),
    (&["byteorder", "inet_addr", "08.1.1.1"], 2),
    (&["byteorder", "inet_ntoa", "0x1ffffffff"], 2),
    (&["byteorder", "inet_ntoa", "x"], 2),
    (&["byteorder", "1234"], 2),
    // fileio
    (&["fileio"], 2),
    (&["fileio", "write"], 2),
    (&["fileio", "write", "/tmp/netlab-never", "--flags", "rdonly,wronly", "--data", "x"], 2),
    (&["fileio", "write", "/tmp/netlab-never", "--flags", "rdonly,trunc", "--data", "x"], 2),
    (&["fileio", "write", "/tmp/netlab-never", "--flags", "creat", "--data", "x"], 2),
    (&["fileio", "write", "/tmp/netlab-never", "--flags", "wronly,excl", "--data", "x"], 2),
    (&["fileio", "write", "/tmp/netlab-never", "--flags", "wronly,sparkle", "--data", "x"], 2),
    (&["fileio", "write", "/tmp/netlab-never", "--flags", "", "--data", "x"], 2),
    (&["fileio", "write", "/tmp/netlab-never", "--mode", "0999", "--data", "x"], 2),
    (&["fileio", "write", "/tmp/netlab-never", "--mode", "u=rwq", "--data", "x"], 2),
    (&["fileio", "write", "/tmp/netlab-never", "--mode", "S_IRUSR|S_IBOGUS", "--data", "x"], 2),
    (&["fileio", "write", "/tmp/netlab-never", "--mode", "17777", "--data", "x"], 2),
    (&["fileio", "read", "/etc/hostname", "--flags", "wronly"], 2),
    (&["fileio", "read", "/etc/hostname", "--flags", "rdonly,creat"], 2),
    (&["fileio", "read", "/etc/hostname", "--count", "-1"], 2),
    (&["fileio", "read", "/etc/hostname", "--buffer-size", "0"], 2),
    (&["fileio", "read", "/etc/hostname", "--offset", "ten"], 2),
    (&["fileio", "read", "/nonexistent/netlab/file"], 1),
    (&["fileio", "write", "/nonexistent/netlab/file", "--data", "x"], 1),
    (&["fileio", "fdz"], 2),
    // sockopt
    (&["sockopt"], 2),
    (&["sockopt", "get", "SO_NOPE"], 2),
    (&["sockopt", "get", "--type", "sctp"], 2),
    (&["sockopt", "get", "-4", "-6"], 2),
    (&["sockopt", "set"], 2),
    (&["sockopt", "set", "=5"], 2),
    (&["sockopt", "set", "rcvbuf="], 2),
    (&["sockopt", "set", "rcvbuf=1Q"], 2),
    (&["sockopt", "set", "rcvbuf=99999999999"], 2),
    (&["sockopt", "set", "keepcnt=1000"], 2),
    (&["sockopt", "set", "linger=on:-1"], 2),
    (&["sockopt", "set", "error=1"], 2),
    (&["sockopt", "set", "--type", "udp", "keepalive=1"], 2),
    (&["sockopt", "set", "--type", "tcp", "broadcast=1"], 2),
    (&["sockopt", "set", "tos=256"], 2),
    (&["sockopt", "set", "sndtimeo=1.2.3s"], 2),
    (&["sockopt", "set", "rcvtimeo=0.0000001s"], 2),
    (&["sockopt", "list", "extra"], 2),
    // echo-server
    (&["echo-server"], 2),
    (&["echo-server", "65536"], 2),
    (&["echo-server", "-1"], 2),
    (&["echo-server", ""], 2),
    (&["echo-server", "http"], 2),
    (&["echo-server", "1e3"], 2),
    (&["echo-server", "+80"], 2),
    (&["echo-server", "0x50"], 2),
    (&["echo-server", "--model", "kqueue", "0"], 2),
    (&["echo-server", "--model", "select", "--threads", "2", "0"], 2),
    (&["echo-server", "--model", "epoll", "--threads", "0", "0"], 2),
    (&["echo-server", "--model", "uring", "--threads", "1025", "0"], 2),
    (&["echo-server", "--model", "uring", "--threads", "4", "--max-clients", "2", "0"], 2),
    (&["echo-server", "--bind", "1.2.3.256", "0"], 2),
    (&["echo-server", "--bind", "[::1", "0"], 2),
    (&["echo-server", "--bind", "fe80::1%bogus", "0"], 2),
    (&["echo-server", "--bind", "not a host", "0"], 2),
    (&["echo-server", "-4", "--bind", "::1", "0"], 2),
    (&["echo-server", "-4", "-6", "0"], 2),
    (&["echo-server", "--backlog", "0", "0"], 2),
    (&["echo-server", "--backlog", "many", "0"], 2),
    (&["echo-server", "--buffer-size", "0", "0"], 2),
    (&["echo-server", "--buffer-size", "1T", "0"], 2),
    (&["echo-server", "--max-clients", "0", "0"], 2),
    (&["echo-server", "--max-conns", "-1", "0"], 2),
    (&["echo-server", "--idle-timeout", "-3", "0"], 2),
    (&["echo-server", "--idle-timeout", "soon", "0"], 2),
    (&["echo-server", "--port", "5", "6"], 2),
    (&["echo-server", "--bind", "10.255.255.254", "0"], 1),
    // echo-client
    (&["echo-client"], 2),
    (&["echo-client", "127.0.0.1"], 2),
    (&["echo-client", "-m", "x", "--size", "100", "127.0.0.1", "9"], 2),
    (&["echo-server", "--bind", "1.2.3.999", "0"], 2),
    (&["echo-client", "127.0.0.1", "65536"], 2),
    (&["echo-client", "127.0.0.1", "0"], 2),
    (&["echo-client", "127.0.0.1", "http"], 2),
    (&["echo-client", "1.2.3.256", "80"], 2),
    (&["echo-client", "[::1", "80"], 2),
    (&["echo-client", "::1]", "80"], 2),
    (&["echo-client", "fe80::1%bogus", "80"], 2),
    (&["echo-client", "nosuch.invalid", "80"], 1),
    (&["echo-client", "-6", "127.0.0.1", "80"], 2),
    (&["echo-client", "--timeout", "0", "127.0.0.1", "80"], 2),
    (&["echo-client", "-m", "x", "--split", "127.0.0.1", "80"], 2),
    (&["echo-client", "--connections", "x", "127.0.0.1", "80"], 2),
    (&["echo-client", "--connections", "1", "--size", "65M", "127.0.0.1", "80"], 2),
    // udp
    (&["udp"], 2),
    (&["udp", "server"], 2),
    (&["udp", "server", "http"], 2),
    (&["udp", "server", "--bind", "1.2.3.256", "0"], 2),
    (&["udp", "client", "127.0.0.1"], 2),
    (&["udp", "client", "--count", "x", "127.0.0.1", "9"], 2),
    (&["udp", "client", "--timeout", "-5", "127.0.0.1", "9"], 2),
    (&["udp", "client", "[::1", "9"], 2),
    (&["udp", "client", "--max-loss", "x", "127.0.0.1", "9"], 2),
    // resolve
    (&["resolve"], 2),
    (&["resolve", "[::1"], 2),
    (&["resolve", "--timeout", "x", "a"], 2),
    (&["resolve", "bad_name!"], 2),
    (&["resolve", "-4", "-6", "a"], 2),
];

#[test]
fn at_least_eighty_cases_across_every_command() {
    assert!(CASES.len() >= 80, "{}", CASES.len());
    for cmd in ["byteorder", "fileio", "sockopt", "echo-server", "echo-client", "udp", "resolve"] {
        assert!(CASES.iter().filter(|(a, _)| a.first() == Some(&cmd)).count() >= 4, "{cmd}");
    }
}

#[test]
fn bad_input_gives_one_line_and_exit_code() {
    for (args, code) in CASES {
        let o = run(args, b"");
        assert_exit(&o, *code);
        let err = stderr(&o);
        let lines: Vec<&str> = err.lines().collect();
        if args.is_empty() {
            // bare `netlab` prints the help, as clap does
            assert!(err.contains("Usage"), "{err}");
            continue;
        }
        assert!(!lines.is_empty(), "{args:?}: nothing on stderr");
        assert!(lines[0].starts_with("netlab: "), "{args:?}: first line {:?}", lines[0]);
        let netlab_lines = lines.iter().filter(|l| l.starts_with("netlab: ")).count();
        assert_eq!(netlab_lines, 1, "{args:?}: {err}");
        assert!(lines.len() == 1 || (lines.len() == 2 && lines[1].starts_with("hint: ")), "{args:?}: {err}");
        assert!(!err.contains("RUST_BACKTRACE") && !err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn bad_input_in_json_mode_gives_an_error_event() {
    for (args, code) in CASES.iter().filter(|(a, _)| !a.is_empty()) {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let o = run(&a, b"");
        assert_exit(&o, *code);
        let evs = events(&o);
        let last = evs.last().unwrap_or_else(|| panic!("{args:?}: no JSON on stdout"));
        let Ev::Shared(SharedEv::Error { exit_code, message, .. }) = last else { panic!("{args:?}: {last:?}") };
        assert_eq!(i32::from(*exit_code), *code, "{args:?}");
        assert!(!message.is_empty());
    }
}

#[test]
fn os_error_event_carries_errno() {
    let o = run(&["--json", "fileio", "read", "/nonexistent/netlab/file"], b"");
    assert_exit(&o, 1);
    let v = json_values(&o);
    let e = v.last().unwrap();
    assert_eq!(e["event"], "error");
    assert_eq!(e["command"], "fileio");
    assert_eq!(e["errno"], libc::ENOENT);
    assert_eq!(e["code"], "ENOENT");
}

#[test]
fn help_and_version_exit_zero() {
    for args in [&["--help"][..], &["--version"], &["byteorder", "--help"], &["sockopt", "set", "--help"]] {
        let o = run(args, b"");
        assert_exit(&o, 0);
        assert!(!stdout(&o).is_empty());
    }
    let o = run(&["byteorder", "--help"], b"");
    assert!(stdout(&o).contains("Examples:"), "{}", stdout(&o));
}

#[test]
fn control_characters_in_bad_input_stay_on_one_escaped_line() {
    for args in [
        &["byteorder", "htons", "5\n6"][..],
        &["byteorder", "htons", "\u{1b}[31m5"],
        &["resolve", "a\nb"],
        &["fileio", "write", "--flags", "creat\nx", "/nonexistent/f"],
        &["fileio", "read", "/nonexistent\u{1b}[2J"],
        &["sockopt", "get", "x\u{1b}[2J"],
    ] {
        let o = run(args, b"");
        let err = stderr(&o);
        assert!(!err.contains('\u{1b}'), "{args:?}: raw ESC in {err:?}");
        let lines: Vec<&str> = err.lines().collect();
        assert!(lines[0].starts_with("netlab: "), "{args:?}: {err:?}");
        assert!(lines.len() == 1 || (lines.len() == 2 && lines[1].starts_with("hint: ")), "{args:?}: {err:?}");
    }
}

/// The one error line says what is wrong with the input in the user's
/// terms, not the parser's.
#[test]
fn messages_name_the_actual_problem() {
    for (args, want) in [
        (&["echo-client", "[::1]:9190", "80"][..], "'[::1]:9190': a port does not go in the address; give [::1] alone"),
        (&["echo-server", "--bind", "127.0.0.1:80", "80"], "give 127.0.0.1 alone (and 80 as PORT)"),
        (
            &["echo-client", "--connections", "1", "--size", "0", "127.0.0.1", "1"],
            "request size must be at least 1 byte",
        ),
        (&["echo-server", "--max-conns", "0", "0"], "'--max-conns <N>': must be at least 1"),
        (&["byteorder", "htons", "--", "--json"], "'--json' is not a number"),
        (&["byteorder", "htons", "--", "-5"], "-5: negative values have no unsigned representation"),
        (&["echo-client", "--timeout", "0", "127.0.0.1", "1"], "'0': the number of seconds must be above 0"),
        (&["echo-client", "--timeout", "inf", "127.0.0.1", "1"], "'inf' is not a number of seconds"),
        (&["echo-client", "--timeout", "1e-4", "127.0.0.1", "1"], "under 1 millisecond"),
        (&["sockopt", "get", "tcp_rcvbuf"], "unknown socket option 'tcp_rcvbuf': did you mean SO_RCVBUF?"),
        (&["udp", "client", "--count", "2", "--interval", "99999999999", "::1", "9"], "over the limit of 86400000"),
        (&["udp", "client", "--count", "2", "--interval=-5", "::1", "9"], "'-5': milliseconds cannot be negative"),
        (&["udp", "client", "--timeout", "inf", "::1", "9"], "'inf' is not a number of milliseconds"),
        // a value with a minus goes to the option's own check, not clap's
        // "unexpected argument"
        (&["udp", "client", "--count", "2", "--interval", "-5", "::1", "9"], "'-5': milliseconds cannot be negative"),
        (&["echo-client", "--timeout", "-1", "127.0.0.1", "1"], "'-1': the number of seconds must be above 0"),
        (&["echo-server", "--backlog", "-3", "0"], "'--backlog <N>': must be at least 1"),
        // a number with a unit is not a number to clap: still the option's
        // own check
        (&["process", "zombie", "--hold", "-1s"], "'-1s': a hold cannot be negative"),
        (&["echo-client", "--connections", "2", "--size", "-4KiB", "127.0.0.1", "1"], "'-4KiB' is not a size"),
        (&["udp", "client", "--count", "-5", "::1", "9"], "'--count <N>': must be at least 1"),
    ] {
        let o = run(args, b"");
        assert_exit(&o, 2);
        let err = stderr(&o);
        assert!(err.lines().next().unwrap_or_default().contains(want), "{args:?}: {err}");
    }
    // exponent notation is a number of seconds like any other
    // (accepted: the failure is the connect, exit 1, not a usage error)
    let o = run(&["echo-client", "--timeout", "2e0", "-m", "x", "127.0.0.1", "1"], b"");
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("Connection refused"), "{}", stderr(&o));
    // -4 and -6 stay flags, also right after an option's value; a message
    // may be a negative number
    let o = run(&["--json", "echo-client", "--timeout", "2", "-4", "-m", "-5", "localhost", "1"], b"");
    assert_exit(&o, 1);
    assert!(
        events(&o)
            .iter()
            .any(|e| matches!(e, Ev::Shared(SharedEv::Error { code: Some(c), .. }) if c == "ECONNREFUSED")),
        "{}",
        stderr(&o)
    );
}

/// The loose IPv4 forms the C library's getaddrinfo takes (`getent hosts
/// 127.1`) are taken, read as inet_aton reads them, with a note that says
/// how (SPEC §1 Addresses).
#[test]
fn loose_ipv4_forms_are_read_as_getaddrinfo_reads_them_with_a_note() {
    let s = Server::start(&["echo-server", "--bind", "127.0.0.1", "0"]);
    for host in ["127.1", "0x7f.1", "2130706433"] {
        let o = run(&["--json", "echo-client", "-m", "hi", host, &s.port.to_string()], b"");
        assert_exit(&o, 0);
        let evs = events(&o);
        let note = evs.iter().find_map(|e| match e {
            Ev::Shared(SharedEv::Note { message }) => Some(message.clone()),
            _ => None,
        });
        assert!(note.is_some_and(|n| n.contains("is 127.0.0.1") && n.contains("inet_pton would refuse")), "{evs:?}");
        assert!(evs.iter().any(|e| matches!(e, Ev::Shared(SharedEv::Echo { data, .. }) if data == "hi")), "{evs:?}");
    }
    s.stop();
    let o = run(&["resolve", "127.1"], b"");
    assert_exit(&o, 0);
    assert!(stdout(&o).lines().any(|l| l.starts_with("note: '127.1' is 127.0.0.1")), "{}", stdout(&o));
    // and a form inet_aton refuses is still bad input
    let o = run(&["echo-client", "-m", "x", "127.0.0.256", "9"], b"");
    assert_exit(&o, 2);
}
