//! Golden output: what a script and a student see, byte for byte, for a
//! fixed set of inputs, in text and in `--json`. The files under
//! `tests/golden/` were recorded before the code was restructured and must
//! not change unless the contract does; regenerate deliberately with
//! `NETLAB_REGENERATE=1 cargo test golden` and review the diff.
//!
//! What varies from run to run (ports, pids, timings, temporary paths) is
//! replaced by a placeholder before the comparison; everything else,
//! including the order of the JSON keys, is compared as written.

use crate::common::{netlab, run_cmd, TempDir};
use regex::Regex;
use std::path::Path;
use std::process::Stdio;

/// One command line to record: a name, its arguments (`{tmp}` is a fresh
/// directory holding `in.txt`), and its stdin.
struct Case {
    name: &'static str,
    args: &'static [&'static str],
    stdin: &'static [u8],
}

const fn case(name: &'static str, args: &'static [&'static str]) -> Case {
    Case { name, args, stdin: b"" }
}

const CASES: &[Case] = &[
    case("byteorder-host", &["byteorder"]),
    case("byteorder-htons", &["byteorder", "htons", "9190", "0x50", "0b1"]),
    case("byteorder-htons-bad", &["byteorder", "htons", "80", "70000", "443"]),
    case("byteorder-ntohl", &["byteorder", "ntohl", "0x12345678"]),
    case("byteorder-inet-addr", &["byteorder", "inet_addr", "127.0.0.1", "255.255.255.255", "bogus"]),
    case("byteorder-inet-aton", &["byteorder", "inet_aton", "127.1", "010.0.0.1", "0x7f.1"]),
    case("byteorder-inet-ntoa", &["byteorder", "inet_ntoa", "0x0100007f"]),
    Case { name: "byteorder-stdin", args: &["byteorder", "htons", "-"], stdin: b"80\n443\n" },
    case("fileio-write", &["fileio", "write", "{tmp}/a.txt", "--data", "hello\n"]),
    case(
        "fileio-write-excl",
        &["fileio", "write", "{tmp}/b.txt", "--flags", "O_WRONLY|O_CREAT|O_EXCL", "--mode", "u=rw"],
    ),
    case("fileio-read", &["fileio", "read", "{tmp}/in.txt"]),
    case(
        "fileio-read-offset",
        &["fileio", "read", "{tmp}/in.txt", "--offset", "2", "--count", "3", "--buffer-size", "2"],
    ),
    case("fileio-fds", &["fileio", "fds"]),
    Case {
        name: "fileio-write-stdin",
        args: &["fileio", "write", "{tmp}/s.txt", "--flags", "creat,wronly,append"],
        stdin: b"from stdin\n",
    },
    case("fileio-read-missing", &["fileio", "read", "{tmp}/none.txt"]),
    case("fileio-bad-flags", &["fileio", "write", "{tmp}/c.txt", "--flags", "rdonly,wronly"]),
    case("sockopt-list", &["sockopt", "list"]),
    case("sockopt-get", &["sockopt", "get", "SO_TYPE", "reuseaddr", "nodelay", "linger"]),
    case("sockopt-get-udp", &["sockopt", "get", "--type", "udp", "SO_TYPE", "broadcast"]),
    case("sockopt-set", &["sockopt", "set", "SO_REUSEADDR=1", "nodelay=on", "rcvtimeo=1.5s", "linger=on:5"]),
    case("sockopt-set-rcvbuf", &["sockopt", "set", "rcvbuf=100000"]),
    case("sockopt-bad", &["sockopt", "set", "nodelay=maybe"]),
    case("sockopt-udp-nodelay", &["sockopt", "get", "--type", "udp", "nodelay"]),
    case("resolve-reverse", &["resolve", "127.0.0.1"]),
    case("resolve-bad", &["resolve", "a b"]),
    case("usage-port", &["echo-server", "99999"]),
    case("usage-port-0", &["echo-client", "-m", "x", "127.0.0.1", "0"]),
    case("usage-unknown", &["bogus"]),
    case("usage-missing", &["udp", "client"]),
    case("usage-timeout", &["echo-client", "--timeout", "-1", "127.0.0.1", "9"]),
    case("usage-host-port", &["echo-client", "-m", "x", "127.0.0.1:80", "9"]),
];

/// The replacements that make a run comparable with the recorded one.
fn normalize(text: &str, tmp: &str) -> String {
    let mut s = text.replace(tmp, "{tmp}");
    // JSON fields whose values vary per run
    for key in ["port", "pid", "peer", "local", "rtt_us", "connect_ms", "duration_ms", "duration_s", "rps", "mbps"] {
        let re = Regex::new(&format!(r#""{key}":("([^"\\]|\\.)*"|-?[0-9.eE+-]+|null)"#)).unwrap();
        s = re.replace_all(&s, format!(r#""{key}":"*""#).as_str()).into_owned();
    }
    for (pattern, with) in [
        (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
        (r"\[::1\]:\d+", "[::1]:PORT"),
        (r"pid \d+", "pid PID"),
        (r"\[pid \d+\]", "[pid PID]"),
        (r"child \d+", "child PID"),
        (r"\d+(\.\d+)? ms", "N ms"),
        (r"in \d+(\.\d+)? s", "in N s"),
        (r"pipe:\[\d+\]", "pipe:[N]"),
        (r"socket:\[\d+\]", "socket:[N]"),
        (r"netlab-fds-\d+", "netlab-fds-PID"),
    ] {
        s = Regex::new(pattern).unwrap().replace_all(&s, with).into_owned();
    }
    s
}

fn record(args: &[String], stdin: &[u8], tmp: &str) -> String {
    let out = run_cmd(netlab().args(args), stdin);
    format!(
        "$ netlab {}\n--- exit {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status.code().map_or("signal".into(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
    .lines()
    .map(|l| normalize(l, tmp) + "\n")
    .collect()
}

/// A server on a free port (`--max-conns`/`--max-datagrams` make it stop by
/// itself), one client command against it, both outputs recorded.
fn record_pair(server: &[&str], client: &[&str], stdin: &[u8], json: bool) -> String {
    use std::io::{BufRead, Read};
    let mut cmd = netlab();
    if json {
        cmd.arg("--json");
    }
    let mut srv = cmd.args(server).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn server");
    let mut reader = std::io::BufReader::new(srv.stdout.take().expect("stdout"));
    let mut first = String::new();
    reader.read_line(&mut first).expect("listening line");
    let port = Regex::new(r#"(?:"port":|127\.0\.0\.1:)(\d+)"#).unwrap().captures(&first).expect("port")[1].to_string();
    let mut args: Vec<String> = Vec::new();
    if json {
        args.push("--json".into());
    }
    args.extend(client.iter().map(|a| if *a == "{port}" { port.clone() } else { a.to_string() }));
    // (the command line shows `{port}`, not the number of this run)
    let client_out = record(&args, stdin, "/nonexistent").replacen(&format!(" {port}\n"), " {port}\n", 1);
    let mut rest = String::new();
    reader.read_to_string(&mut rest).expect("server output");
    let status = srv.wait().expect("wait server");
    let mut err = String::new();
    srv.stderr.take().expect("stderr").read_to_string(&mut err).expect("server stderr");
    let server_out = format!(
        "$ netlab {}{}\n--- exit {}\n--- stdout\n{first}{rest}--- stderr\n{err}",
        if json { "--json " } else { "" },
        server.join(" "),
        status.code().map_or("signal".into(), |c| c.to_string())
    );
    let server_out: String = server_out.lines().map(|l| normalize(l, "/nonexistent") + "\n").collect();
    format!("{client_out}{server_out}")
}

const MODELS: &[&str] = &["iterative", "fork", "select", "poll", "epoll", "thread"];

fn compare_or_write(name: &str, got: &str, stale: &mut Vec<String>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(format!("{name}.txt"));
    if std::env::var_os("NETLAB_REGENERATE").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    match std::fs::read_to_string(&path) {
        Ok(want) if want == got => {}
        Ok(want) => stale.push(format!("{name}:\n--- recorded\n{want}--- now\n{got}")),
        Err(e) => stale.push(format!("{name}: {}: {e}", path.display())),
    }
}

#[test]
fn output_matches_the_recorded_golden_files() {
    let mut stale = Vec::new();
    for c in CASES {
        for json in [false, true] {
            let tmp = TempDir::new("golden");
            let dir = tmp.0.display().to_string();
            std::fs::write(tmp.0.join("in.txt"), "Let's go!\n").unwrap();
            let mut args: Vec<String> = Vec::new();
            if json {
                args.push("--json".into());
            }
            args.extend(c.args.iter().map(|a| a.replace("{tmp}", &dir)));
            let got = record(&args, c.stdin, &dir);
            compare_or_write(&format!("{}{}", c.name, if json { ".json" } else { "" }), &got, &mut stale);
        }
    }
    assert!(stale.is_empty(), "output differs from tests/golden:\n{}", stale.join("\n"));
}

#[test]
fn servers_and_clients_match_the_recorded_golden_files() {
    let _serial = crate::common::exclusive();
    let mut stale = Vec::new();
    for json in [false, true] {
        let sfx = if json { ".json" } else { "" };
        for m in MODELS {
            let server = ["echo-server", "--model", m, "--bind", "127.0.0.1", "--max-conns", "1", "0"];
            let got =
                record_pair(&server, &["echo-client", "-m", "hello", "-m", "world", "127.0.0.1", "{port}"], b"", json);
            compare_or_write(&format!("echo-{m}{sfx}"), &got, &mut stale);
        }
        let server = ["echo-server", "--bind", "127.0.0.1", "--max-conns", "1", "0"];
        let got = record_pair(&server, &["echo-client", "127.0.0.1", "{port}"], b"abc\ndef\n", json);
        compare_or_write(&format!("echo-stream{sfx}"), &got, &mut stale);
        let server = ["udp", "server", "--bind", "127.0.0.1", "--max-datagrams", "2", "0"];
        let got = record_pair(&server, &["udp", "client", "-m", "one", "-m", "two", "127.0.0.1", "{port}"], b"", json);
        compare_or_write(&format!("udp{sfx}"), &got, &mut stale);
    }
    assert!(stale.is_empty(), "output differs from tests/golden:\n{}", stale.join("\n"));
}

#[test]
fn golden_normalization_keeps_key_order_and_replaces_only_what_varies() {
    let line = r#"{"event":"listening","addr":"127.0.0.1","port":41234,"model":"select","pid":77,"backlog":4096}"#;
    assert_eq!(
        normalize(line, "/x"),
        r#"{"event":"listening","addr":"127.0.0.1","port":"*","model":"select","pid":"*","backlog":4096}"#
    );
}
