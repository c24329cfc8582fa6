//! `--trace` against strace: every network system call that `strace -f -e
//! trace=%network` sees the command make, and every fork, wait4, pipe2 and
//! kill, netlab narrates, call for call, for every command, every
//! echo-server model and every lesson of `process`, `pipe` and `signal`
//! that makes them. Each case runs once under `strace -ff -qq -s 64 -e
//! trace=FILTER -o FILE` with `--trace`, its client or server played
//! alongside, and the two accounts are compared by `strace::compare`.
//!
//! The rules of the comparison are written in `strace.rs` (which calls are
//! compared, how processes and threads are told apart, how the C library's
//! own calls inside getaddrinfo and its kin are accounted for, and why the
//! calls a signal handler makes, a SIGCHLD handler's waitpid among them,
//! are narrated after the handler ran and left out of the comparison).
//! Needs strace and permission to ptrace; without either it says SKIPPED.

use crate::common::*;
use crate::models::models;
use crate::strace::{read_strace, FILTER};
use crate::strace_match::compare;
use std::io::{BufRead, Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

/// How a case's client side is played: given the port and the pid of the
/// server's `listening` line.
type Drive = Box<dyn FnOnce(u16, u32) + Send>;

/// One command to run under strace; `drive` gets the port and pid of its
/// `listening` line (servers) and plays the client.
struct Case {
    name: String,
    args: Vec<String>,
    stdin: &'static [u8],
    drive: Option<Drive>,
    /// a server the command talks to (untraced), stopped after it
    peer: Option<Server>,
    /// where a case's socket files are (removed after it)
    dir: Option<TempDir>,
}

fn case(name: &str, args: &[&str]) -> Case {
    Case {
        name: name.into(),
        args: args.iter().map(|a| a.to_string()).collect(),
        stdin: b"",
        drive: None,
        peer: None,
        dir: None,
    }
}

/// Run a case under strace; Ok((calls compared, handlers' calls excused))
/// or Err(why).
fn run_case(c: Case) -> Result<(usize, usize), String> {
    let dir = TempDir::new("strace");
    let mut child = Command::new("strace")
        .args(["-ff", "-qq", "-s", "64", "-e", &format!("trace={FILTER}"), "-o", &dir.path("st")])
        .arg(bin())
        .arg("--trace")
        .args(&c.args)
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn strace: {e}"))?;
    let mut sin = child.stdin.take().ok_or("stdin")?;
    let input = c.stdin;
    let feeder = std::thread::spawn(move || {
        let _ = sin.write_all(input);
    });
    let (tx, rx) = std::sync::mpsc::channel::<(u16, u32)>();
    let stdout = child.stdout.take().ok_or("stdout")?;
    let out_reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            // (port 0 for a socket file: its drive knows the path)
            if let Ok(Ev::Shared(SharedEv::Listening { port, pid, .. })) = serde_json::from_str::<Ev>(&line) {
                let _ = tx.send((port.unwrap_or(0), pid));
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let mut stderr = child.stderr.take().ok_or("stderr")?;
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let driven = c.drive.map(|drive| {
        let (port, pid) =
            rx.recv_timeout(Duration::from_secs(20)).map_err(|_| "no listening line within 20 s".to_string())?;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drive(port, pid)))
            .map_err(|_| "the client side failed (its panic is above)".to_string())
    });
    let status = wait_bounded(&mut child, Duration::from_secs(30)).map_err(|e| e.to_string())?;
    let _ = feeder.join();
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    drop(c.peer);
    let status = status.ok_or_else(|| format!("still running after 30 s; stderr:\n{err}"))?;
    if let Some(Err(why)) = driven {
        return Err(format!("{why}; stderr:\n{err}"));
    }
    if status.code() != Some(0) {
        return Err(format!("exit {status:?}\nstdout:\n{out}\nstderr:\n{err}"));
    }
    if err.contains("ptrace") && err.contains("strace:") {
        return Err(format!("strace could not attach: {err}"));
    }
    let st = read_strace(&dir.0)?;
    let compared = compare(&err, &st).map_err(|why| format!("{why}--- the narration (stderr):\n{err}"))?;
    Ok((compared, st.excused))
}

/// Why strace cannot be used here, if it cannot.
fn strace_unusable() -> Option<String> {
    match Command::new("strace").args(["-f", "-qq", "-o", "/dev/null", "true"]).output() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some("strace not installed (.ci/run installs it)".into()),
        Err(e) => Some(format!("strace does not run: {e}")),
        Ok(o) if !o.status.success() => Some(format!(
            "strace cannot trace here (no ptrace permission?): {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Ok(_) => None,
    }
}

/// Server cases: `--max-conns 1` (or one datagram) ends them by themselves.
fn server_cases() -> Vec<Case> {
    let mut v: Vec<Case> = models()
        .map(|m| {
            let mut c = case(
                &format!("echo-server --model {m}"),
                &["--json", "echo-server", "--model", m, "--bind", "127.0.0.1", "--max-conns", "1", "0"],
            );
            c.drive = Some(Box::new(move |port, _| {
                let data = b"narrated, call for call".to_vec();
                assert_eq!(echo_through(std::net::SocketAddr::from(([127, 0, 0, 1], port)), &data), data);
            }));
            c
        })
        .collect();
    let mut udp = case("udp server", &["--json", "udp", "server", "--bind", "127.0.0.1", "--max-datagrams", "1", "0"]);
    udp.drive = Some(Box::new(|port, _| {
        let u = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        u.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        u.send_to(b"ping", ("127.0.0.1", port)).unwrap();
        let mut b = [0u8; 8];
        assert_eq!(u.recv_from(&mut b).unwrap().0, 4);
    }));
    v.push(udp);
    // the fork model stopped with a child serving: kill(PID, SIGTERM) to
    // the child, and its reaping
    let mut stopped = case(
        "echo-server --model fork, SIGTERM while a child serves",
        &["--json", "echo-server", "--model", "fork", "--bind", "127.0.0.1", "0"],
    );
    stopped.drive = Some(Box::new(|port, pid| {
        let mut c = connect(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
        assert_eq!(echo_on(&mut c, b"still here"), b"still here");
        let server = nix::unistd::Pid::from_raw(pid as i32);
        nix::sys::signal::kill(server, nix::sys::signal::Signal::SIGTERM).expect("SIGTERM to the server");
        // the server closes the connection as it stops
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut rest = Vec::new();
        let _ = c.read_to_end(&mut rest);
    }));
    v.push(stopped);
    v
}

/// The lessons of `process`, `pipe` and `signal` that fork, wait, make
/// pipes and send signals (each ends by itself).
fn lesson_cases() -> Vec<Case> {
    vec![
        case("process fork", &["process", "fork"]),
        case("process zombie --hold 0", &["process", "zombie", "--hold", "0"]),
        case("process zombie --reap wait --hold 0", &["process", "zombie", "--reap", "wait", "--hold", "0"]),
        case("process zombie --reap none --hold 0", &["process", "zombie", "--reap", "none", "--hold", "0"]),
        case("process zombie --reap sigchld --hold 0", &["process", "zombie", "--reap", "sigchld", "--hold", "0"]),
        case("process wait --signal TERM", &["process", "wait", "--signal", "TERM"]),
        case("process wait --signal KILL", &["process", "wait", "--signal", "KILL"]),
        case("process wait --call waitpid --nohang", &["process", "wait", "--call", "waitpid", "--nohang"]),
        case(
            "process sigchld --children 5 --handler loop",
            &["process", "sigchld", "--children", "5", "--handler", "loop"],
        ),
        case(
            "process sigchld --children 5 --handler once",
            &["process", "sigchld", "--children", "5", "--handler", "once"],
        ),
        case("pipe oneway", &["pipe", "oneway"]),
        case("pipe twoway --pipes 1", &["pipe", "twoway", "--pipes", "1"]),
        case("pipe twoway --pipes 2", &["pipe", "twoway", "--pipes", "2"]),
        case("pipe eof", &["pipe", "eof"]),
        case("pipe eof --leak", &["pipe", "eof", "--leak"]),
        case("pipe epipe", &["pipe", "epipe"]),
        case("pipe epipe --ignore-sigpipe", &["pipe", "epipe", "--ignore-sigpipe"]),
        case("pipe capacity", &["pipe", "capacity"]),
        case("signal eintr --during accept", &["signal", "eintr", "--during", "accept"]),
        case("signal eintr --during accept --restart", &["signal", "eintr", "--during", "accept", "--restart"]),
    ]
}

/// Client cases, each against a server of its own (untraced).
/// Servers and clients over socket files (`--unix`): AF_UNIX addresses in
/// bind, connect, accept, sendto and recvfrom, and the stale-file probe.
fn unix_cases() -> Vec<Case> {
    use std::os::unix::net::{UnixDatagram, UnixStream};
    let mut v = Vec::new();
    for m in ["iterative", "fork", "epoll", "uring"] {
        let dir = TempDir::new("strace-unix");
        let path = dir.path("s.sock");
        let mut c = case(
            &format!("echo-server --model {m} --unix"),
            &["--json", "echo-server", "--model", m, "--unix", &path, "--max-conns", "1"],
        );
        c.drive = Some(Box::new(move |_, _| {
            let mut s = UnixStream::connect(&path).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            s.write_all(b"narrated, call for call").unwrap();
            s.shutdown(std::net::Shutdown::Write).unwrap();
            let mut back = Vec::new();
            s.read_to_end(&mut back).unwrap();
            assert_eq!(back, b"narrated, call for call");
        }));
        c.dir = Some(dir);
        v.push(c);
    }
    let dir = TempDir::new("strace-unix");
    let path = dir.path("u.sock");
    let mut c = case("udp server --unix", &["--json", "udp", "server", "--unix", &path, "--max-datagrams", "1"]);
    let mine = dir.path("client.sock");
    c.drive = Some(Box::new(move |_, _| {
        let u = UnixDatagram::bind(&mine).unwrap();
        u.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        u.send_to(b"ping", &path).unwrap();
        let mut b = [0u8; 8];
        assert_eq!(u.recv(&mut b).unwrap(), 4);
    }));
    c.dir = Some(dir);
    v.push(c);
    // the clients, each against a server on a socket file of its own
    for (name, server, client) in [
        ("echo-client --unix", &["echo-server", "--model", "epoll"][..], &["echo-client"][..]),
        ("udp client --unix", &["udp", "server"], &["udp", "client"]),
    ] {
        let dir = TempDir::new("strace-unix");
        let path = dir.path("s.sock");
        let peer = Server::start(&[server, &["--unix", &path]].concat());
        let mut c = case(name, &[client, &["--unix", &path, "-m", "hello"]].concat());
        c.peer = Some(peer);
        c.dir = Some(dir);
        v.push(c);
    }
    v
}

fn client_cases() -> Vec<Case> {
    let echo = || Server::start(&["echo-server", "--model", "epoll", "--bind", "127.0.0.1", "0"]);
    let udp = || Server::start(&["udp", "server", "--bind", "127.0.0.1", "0"]);
    let with = |name: &str, peer: Server, args: &[&str], stdin: &'static [u8]| {
        let port = peer.port.to_string();
        let args: Vec<&str> = args.iter().map(|a| if *a == "PORT" { port.as_str() } else { *a }).collect();
        let mut c = case(name, &args);
        c.stdin = stdin;
        c.peer = Some(peer);
        c
    };
    vec![
        with("echo-client --message (a name)", echo(), &["echo-client", "-4", "-m", "hello", "localhost", "PORT"], b""),
        with("echo-client stream", echo(), &["echo-client", "127.0.0.1", "PORT"], b"hello\nworld\n"),
        with("echo-client --split", echo(), &["echo-client", "--split", "127.0.0.1", "PORT"], b"hello\nworld\n"),
        with(
            "echo-client load mode",
            echo(),
            &["echo-client", "--connections", "1", "--requests", "5", "--size", "100", "127.0.0.1", "PORT"],
            b"",
        ),
        with(
            "echo-client load mode --reconnect",
            echo(),
            &["echo-client", "--connections", "1", "--reconnect", "--requests", "3", "127.0.0.1", "PORT"],
            b"",
        ),
        with("udp client", udp(), &["udp", "client", "-m", "hello", "127.0.0.1", "PORT"], b""),
        with("udp client --connect", udp(), &["udp", "client", "--connect", "-m", "hello", "127.0.0.1", "PORT"], b""),
        with(
            "udp client --count",
            udp(),
            &["udp", "client", "--count", "3", "--interval", "0", "127.0.0.1", "PORT"],
            b"",
        ),
    ]
}

fn other_cases() -> Vec<Case> {
    vec![
        case("resolve an address", &["resolve", "127.0.0.1"]),
        case("resolve localhost", &["resolve", "localhost"]),
        case("sockopt get", &["sockopt", "get"]),
        case("sockopt get --type udp", &["sockopt", "get", "--type", "udp"]),
        case("sockopt set", &["sockopt", "set", "rcvbuf=100000", "nodelay=on", "linger=on:5", "rcvtimeo=1.5s"]),
        case("fileio fds", &["fileio", "fds"]),
        case("demo", &["demo"]),
    ]
}

#[test]
fn trace_narrates_every_network_and_process_call_strace_sees() {
    const NAME: &str = "trace_narrates_every_network_and_process_call_strace_sees";
    if let Some(why) = strace_unusable() {
        eprintln!("SKIPPED {NAME}: {why}");
        return;
    }
    // strace slows what it traces and loads the machine: one at a time
    // with the other heavy tests, three cases at once inside
    let _serial = exclusive();
    let cases: Vec<Case> =
        [server_cases(), client_cases(), unix_cases(), other_cases(), lesson_cases()].into_iter().flatten().collect();
    let total = cases.len();
    let queue = std::sync::Mutex::new(cases);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| loop {
                let Some(c) = queue.lock().unwrap().pop() else { break };
                let name = c.name.clone();
                let res = run_case(c);
                results.lock().unwrap().push((name, res));
            });
        }
    });
    let results = results.into_inner().unwrap();
    assert_eq!(results.len(), total);
    let mut failed = Vec::new();
    for (name, res) in &results {
        match res {
            Ok((n, 0)) => eprintln!("{name}: {n} calls, each narrated"),
            Ok((n, h)) => eprintln!("{name}: {n} calls, each narrated; {h} calls of signal handlers excused"),
            Err(why) => failed.push(format!("=== {name}: {why}")),
        }
    }
    assert!(failed.is_empty(), "{} of {total} cases differ from strace:\n{}", failed.len(), failed.join("\n"));
}
