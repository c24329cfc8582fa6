//! The published event schema (`schema/events.schema.json`, generated from
//! the event types and checked byte for byte by `generated.rs`): every
//! kind defined once, every field typed and described; what netlab prints
//! validates against it; the man pages list the fields it has.

use serde_json::{Map, Value};
use std::collections::BTreeSet;

fn schema() -> Value {
    netlab::generate::events_schema()
}

fn defs(s: &Value) -> &Map<String, Value> {
    s["$defs"].as_object().expect("$defs")
}

/// The event kinds: `$defs` entries the top-level oneOf refers to.
fn kinds(s: &Value) -> Vec<String> {
    s["oneOf"]
        .as_array()
        .expect("oneOf")
        .iter()
        .map(|r| r["$ref"].as_str().expect("$ref").trim_start_matches("#/$defs/").to_string())
        .collect()
}

/// Every object shape of a definition: itself, its `$ref`'s, its oneOf's.
fn shapes<'a>(v: &'a Value, defs: &'a Map<String, Value>, out: &mut Vec<&'a Value>) {
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        if let Some(t) = r.strip_prefix("#/$defs/").and_then(|n| defs.get(n)) {
            shapes(t, defs, out);
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = v.get(key).and_then(Value::as_array) {
            for x in list {
                shapes(x, defs, out);
            }
        }
    }
    if v.get("properties").is_some() {
        out.push(v);
    }
}

/// The properties of a kind, over all its shapes.
fn properties(s: &Value, kind: &str) -> BTreeSet<String> {
    let d = defs(s);
    let mut sh = Vec::new();
    shapes(&d[kind], d, &mut sh);
    sh.iter().flat_map(|x| x["properties"].as_object().into_iter().flat_map(|p| p.keys().cloned())).collect()
}

#[test]
fn every_kind_is_defined_once_and_every_field_typed_and_described() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let d = defs(&s);
    let ks = kinds(&s);
    assert!(ks.len() >= 40, "{ks:?}");
    for k in &ks {
        // two commands defining the same kind would make it a oneOf of
        // shapes with no `kind` to tell them apart
        if let Some(list) = d[k].get("oneOf").and_then(Value::as_array) {
            panic!("kind {k} is defined {} times", list.len());
        }
        let mut sh = Vec::new();
        shapes(&d[k], d, &mut sh);
        assert!(!sh.is_empty(), "{k} has no shape");
        for shape in sh {
            for (name, p) in shape["properties"].as_object().unwrap() {
                if name == "event" {
                    assert_eq!(p["const"].as_str(), Some(k.as_str()), "{k}");
                    continue;
                }
                if name == "kind" {
                    continue; // the tag of a kind with several shapes
                }
                assert!(
                    p.get("description").and_then(Value::as_str).is_some_and(|t| !t.is_empty()),
                    "{k}.{name} has no description"
                );
                let typed = ["type", "$ref", "anyOf", "oneOf", "const", "enum"].iter().any(|t| p.get(*t).is_some())
                    || name == "value"
                    || name == "requested"
                    || name == "effective"; // sockopt values: any JSON value
                assert!(typed, "{k}.{name} has no type: {p}");
            }
        }
    }
}

/// The golden files' JSON lines (values masked, keys as printed): every
/// kind and every key is in the schema.
#[test]
fn the_golden_lines_name_only_kinds_and_fields_of_the_schema() {
    let s = schema();
    let ks: BTreeSet<String> = kinds(&s).into_iter().collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut lines = 0;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for line in text.lines().filter(|l| l.starts_with("{\"event\":")) {
            let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            let kind = v["event"].as_str().unwrap();
            assert!(ks.contains(kind), "{kind} is not in the schema: {line}");
            let props = properties(&s, kind);
            for key in v.as_object().unwrap().keys() {
                assert!(props.contains(key), "{kind}.{key} is not in the schema: {line}");
            }
            lines += 1;
        }
    }
    assert!(lines > 50, "{lines} JSON lines checked");
}

/// The man pages' JSON EVENTS section lists each event's fields: every one
/// it names is a field of that event in the schema.
#[test]
fn the_man_pages_name_only_fields_the_events_have() {
    let s = schema();
    let ks: BTreeSet<String> = kinds(&s).into_iter().collect();
    let cmd = netlab::cli::command();
    let mut docs = vec![netlab::cli::docs_for("netlab")];
    docs.extend(cmd.get_subcommands().map(|c| netlab::cli::docs_for(c.get_name())));
    docs.push(&netlab::docs::Docs { examples: &[], events: &[netlab::docs::ERROR_EVENT], exit_notes: &[] });
    let mut checked = 0;
    for d in docs {
        for (kind, fields) in d.events {
            assert!(ks.contains(*kind), "the man pages list an event {kind} the schema does not have");
            let props = properties(&s, kind);
            for name in field_names(fields) {
                assert!(props.contains(&name), "man page: {kind} lists {name:?}, which it does not have ({props:?})");
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} fields checked");
}

/// The field names a docs line lists: each comma-separated part's leading
/// identifier (`kind=load: connections, idle` gives connections and idle;
/// `reason: eof|reset` gives reason; text in parentheses is skipped).
fn field_names(fields: &str) -> Vec<String> {
    let mut depth = 0;
    let mut flat = String::new();
    for c in fields.chars() {
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth -= 1,
            _ if depth == 0 => flat.push(c),
            _ => {}
        }
    }
    let mut names = Vec::new();
    for part in flat.split([',', ';']) {
        let mut part = part.trim();
        // `kind=load: connections` names `connections`
        if let Some((_, rest)) = part.split_once("kind=").and_then(|(_, r)| r.split_once(':')) {
            part = rest.trim();
        }
        let name: String =
            part.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit()).collect();
        let rest = &part[name.len()..];
        // a bare lowercase identifier, followed by nothing, a colon, or an explanation
        let starts_as_field = name.starts_with(|c: char| c.is_ascii_lowercase());
        if starts_as_field && (rest.is_empty() || rest.starts_with(':') || rest.starts_with(' ')) && !is_prose(&name) {
            names.push(name);
        }
    }
    names
}

/// Words that start a part of a fields line as prose, not a field.
fn is_prose(word: &str) -> bool {
    matches!(word, "also" | "on" | "it" | "the" | "and" | "or" | "when" | "in" | "a" | "one" | "plus" | "with")
}

/// Every line a real run prints, values included, validates against the
/// schema: the commands that stand alone, then servers with their clients
/// (stream, message, load with --interval, UDP), SIGUSR1 stats and the stop.
#[test]
fn every_event_a_real_run_prints_validates() {
    use crate::common::{netlab, run_cmd, Ev, Server, SharedEv, TempDir, UdpEv};
    let _serial = crate::common::exclusive();
    let s = schema();
    let validator = jsonschema::validator_for(&s).expect("the schema is a valid JSON Schema");
    let tmp = TempDir::new("schema");
    let file = tmp.path("f.txt");
    let mut outputs: Vec<(String, String)> = Vec::new();
    let run = |outputs: &mut Vec<(String, String)>, args: &[&str], stdin: &[u8]| {
        let out = run_cmd(netlab().arg("--json").args(args), stdin);
        outputs.push((args.join(" "), String::from_utf8_lossy(&out.stdout).into_owned()));
    };
    for args in [
        &["--version"][..],
        &["echo-server", "99999"],
        &["byteorder", "htons", "80", "70000"],
        &["byteorder", "inet_aton", "127.1", "bogus"],
        &["byteorder", "inet_addr", "10.0.0.1"],
        &["byteorder", "inet_ntoa", "0x0100007f"],
        &["byteorder"],
        &["fileio", "write", &file, "--data", "hi\n"],
        &["fileio", "read", &file],
        &["fileio", "fds"],
        &["sockopt", "list"],
        &["sockopt", "get", "SO_TYPE", "linger", "rcvtimeo"],
        &["sockopt", "set", "rcvbuf=100000", "linger=on:5"],
        &["resolve", "127.0.0.1", "localhost"],
        &["resolve", "a b"],
        &["process", "fork"],
        &["process", "zombie", "--hold", "1", "--reap", "none"],
        &["process", "wait", "--call", "waitpid", "--nohang"],
        &["process", "sigchld"],
        &["signal", "alarm", "--loops", "1", "1"],
        &["signal", "eintr", "--restart"],
        &["pipe", "oneway"],
        &["pipe", "twoway"],
        &["pipe", "eof"],
        &["pipe", "epipe"],
        &["pipe", "capacity"],
        &["demo"],
    ] {
        run(&mut outputs, args, b"");
    }
    let mut srv = Server::start(&["echo-server", "--bind", "127.0.0.1", "0"]);
    let port = srv.port.to_string();
    run(&mut outputs, &["echo-client", "-m", "hello", "-m", "\u{1}\u{2}", "127.1", &port], b"");
    run(&mut outputs, &["echo-client", "127.0.0.1", &port], b"abc\ndef\n");
    run(
        &mut outputs,
        &[
            "echo-client",
            "--connections",
            "2",
            "--duration",
            "1",
            "--interval",
            "0.5",
            "--idle",
            "1",
            "127.0.0.1",
            &port,
        ],
        b"",
    );
    run(
        &mut outputs,
        &["echo-client", "--rate", "200", "--connections", "2", "--duration", "1", "127.0.0.1", &port],
        b"",
    );
    srv.signal(nix::sys::signal::Signal::SIGUSR1);
    srv.wait_for("stats", 10, |e| matches!(e, Ev::Shared(SharedEv::Stats { .. })));
    srv.signal(nix::sys::signal::Signal::SIGINT);
    assert_eq!(srv.wait_exit(10), Some(0), "{}", srv.stderr());
    outputs.push(("echo-server".into(), srv.lines().join("\n")));
    let mut udp = Server::start(&["udp", "server", "--bind", "127.0.0.1", "0"]);
    let port = udp.port.to_string();
    run(&mut outputs, &["udp", "client", "-m", "one", "127.0.0.1", &port], b"");
    run(&mut outputs, &["udp", "client", "--count", "5", "--interval", "1", "127.0.0.1", &port], b"");
    // a peer sending every echo back: after 32 rounds, a `dropped` event
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(std::time::Duration::from_millis(300))).unwrap();
    let mut buf = [0u8; 64];
    let mut rounds = 0;
    peer.send_to(b"again", udp.addr()).unwrap();
    while let Ok((n, from)) = peer.recv_from(&mut buf) {
        rounds += 1;
        assert!(rounds <= 64, "the server never stopped answering its own echoes");
        peer.send_to(&buf[..n], from).unwrap();
    }
    udp.wait_for("dropped", 10, |e| matches!(e, Ev::Udp(UdpEv::Dropped { .. })));
    udp.signal(nix::sys::signal::Signal::SIGINT);
    assert_eq!(udp.wait_exit(10), Some(0), "{}", udp.stderr());
    outputs.push(("udp server".into(), udp.lines().join("\n")));

    let mut seen = BTreeSet::new();
    for (cmd, text) in &outputs {
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("netlab {cmd}: not JSON: {line}: {e}"));
            let errors: Vec<String> =
                validator.iter_errors(&v).map(|e| format!("{e} at {}", e.instance_path())).collect();
            assert!(errors.is_empty(), "netlab {cmd}:\n{line}\ndoes not fit the schema: {errors:?}");
            seen.insert(v["event"].as_str().unwrap_or_default().to_string());
        }
    }
    // a new kind needs a run above that prints it; these two cannot be
    // provoked here: `rejected` needs 1024 descriptors in select or a
    // failing fork, `resolve_failed` a resolver that answers NXDOMAIN
    let unseen: Vec<String> = kinds(&s).into_iter().filter(|k| !seen.contains(k)).collect();
    assert_eq!(unseen, ["rejected", "resolve_failed"], "kinds no run printed");
}
