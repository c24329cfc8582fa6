//! Output contract: every --json line parses into the Event enum; a closed
//! stdout never crashes; global flags work on either side of the command.

use crate::common::*;
use netlab::output::Event;

const JSON_RUNS: &[&[&str]] = &[
    &["byteorder"],
    &["byteorder", "htons", "9190", "80"],
    &["byteorder", "inet_aton", "127.1"],
    &["byteorder", "inet_addr", "255.255.255.255"],
    &["byteorder", "inet_ntoa", "16777343"],
    &["sockopt", "list"],
    &["sockopt", "get"],
    &["sockopt", "get", "--type", "udp", "-6"],
    &["sockopt", "set", "rcvbuf=4096", "linger=on:1"],
    &["fileio", "fds"],
    &["resolve", "-4", "localhost"],
    &["demo"],
];

#[test]
fn every_json_line_parses_into_the_event_enum() {
    for args in JSON_RUNS {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let o = run(&a, b"");
        assert_exit(&o, 0);
        let n = events(&o).len();
        assert!(n > 0, "{args:?} printed no events");
        json_values(&o);
    }
}

#[test]
fn global_flags_after_the_subcommand() {
    let before = run(&["--json", "byteorder", "htons", "1"], b"");
    let after = run(&["byteorder", "htons", "1", "--json"], b"");
    assert_exit(&after, 0);
    assert_eq!(before.stdout, after.stdout);
    let o = run(&["fileio", "fds", "--trace"], b"");
    assert!(stderr(&o).contains("socket(AF_INET, SOCK_STREAM, 0)"));
}

#[test]
fn log_format_json_makes_trace_lines_json() {
    let o = run(&["--trace", "--log-format", "json", "fileio", "fds"], b"");
    assert_exit(&o, 0);
    for line in stderr(&o).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert!(v.get("trace").is_some(), "{line}");
    }
}

/// The notes a text-mode command writes beside its data (fileio read's
/// open/read explanation, the stream client's summary) are events too:
/// under `--log-format json` every stderr line parses, data stays on stdout.
#[test]
fn log_format_json_makes_side_notes_json() {
    let d = TempDir::new("logjson");
    let p = d.path("f");
    std::fs::write(&p, b"content\n").unwrap();
    let o = run(&["--log-format", "json", "fileio", "read", &p], b"");
    assert_exit(&o, 0);
    assert_eq!(o.stdout, b"content\n");
    let notes = parse_events(&stderr(&o));
    assert!(matches!(notes.as_slice(), [Event::Open { .. }, Event::Read { bytes: 8, .. }]), "{notes:?}");
}

/// `netlab … | head -c1`: read one byte, close the pipe, expect a clean exit.
fn closed_stdout(args: &[&str]) {
    let err = stops_when_stdout_closes(netlab().args(args), false);
    assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
}

#[test]
fn closed_stdout_is_not_an_error() {
    for args in [
        &["sockopt", "list"][..],
        &["sockopt", "get"],
        &["--json", "sockopt", "get"],
        &["byteorder", "htons", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
        &["fileio", "fds"],
        &["demo"],
        &["--help"],
    ] {
        closed_stdout(args);
    }
}

#[test]
fn endless_output_stops_when_stdout_closes() {
    stops_when_stdout_closes(netlab().args(["fileio", "read", "/dev/zero"]), false);
    stops_when_stdout_closes(netlab().args(["byteorder", "htons", "-"]), true);
    stops_when_stdout_closes(netlab().args(["--json", "byteorder", "htonl", "-"]), true);
    let s = Server::start(&["echo-server", "--model", "epoll", "--bind", "127.0.0.1", "0"]);
    stops_when_stdout_closes(netlab().args(["echo-client", "127.0.0.1", &s.port.to_string()]), true);
    stops_when_stdout_closes(netlab().args(["echo-client", "--split", "127.0.0.1", &s.port.to_string()]), true);
    s.stop();
}

#[test]
fn quiet_leaves_only_errors_on_stderr() {
    let d = TempDir::new("quiet");
    let p = d.path("f");
    std::fs::write(&p, b"content").unwrap();
    let o = run(&["-q", "fileio", "read", &p], b"");
    assert_exit(&o, 0);
    assert_eq!(o.stdout, b"content");
    assert_eq!(stderr(&o), "", "-q: only errors on stderr");
    let s = Server::start(&["echo-server", "--model", "poll", "--bind", "127.0.0.1", "0"]);
    let o = run(&["echo-client", "-q", "127.0.0.1", &s.port.to_string()], b"quiet please");
    assert_exit(&o, 0);
    assert_eq!(o.stdout, b"quiet please");
    assert_eq!(stderr(&o), "");
    // errors still speak
    let missing = d.path("missing");
    let o = run(&["-q", "fileio", "read", &missing], b"");
    assert_exit(&o, 1);
    assert!(stderr(&o).starts_with(&format!("netlab: fileio: open {missing}: No such file")), "{}", stderr(&o));
    s.stop();
}
