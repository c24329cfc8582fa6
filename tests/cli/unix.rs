//! Unix-domain sockets (`--unix PATH`, SPEC §1): echo over a socket file,
//! the file's life (a stale one replaced, a live one EADDRINUSE, anything
//! else never touched, removed at stop), and peers named by their path or
//! `unnamed`.

use crate::common::{
    assert_exit, json_values, netlab, random_bytes, run, run_cmd, stderr, Ev, Server, ServerEv, SharedEv, TempDir,
    UdpEv,
};
use nix::sys::signal::Signal;
use std::os::unix::net::UnixDatagram;
use std::path::Path;

/// The temporary paths a UDP client of this pid would bind.
fn client_files(pid: u32) -> Vec<String> {
    std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!("netlab-udp-{pid}-")))
        .collect()
}

fn is_socket(p: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_socket())
}

#[test]
fn udp_over_a_socket_file_echoes_byte_for_byte_and_leaves_no_file_behind() {
    let tmp = TempDir::new("unix-udp");
    let path = tmp.path("echo.sock");
    let mut srv = Server::start(&["udp", "server", "--unix", &path]);
    let Ev::Shared(SharedEv::Listening { addr, port, .. }) = &srv.events()[0] else { panic!("{:?}", srv.events()) };
    assert_eq!((addr.as_str(), *port), (path.as_str(), None));
    assert!(is_socket(Path::new(&path)));

    let msg = "h\u{e9}llo \u{1}\u{7f}";
    let child = netlab()
        .args(["--json", "udp", "client", "--unix", &path, "-m", msg, "-m", "second"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    assert_exit(&out, 0);
    let echoes: Vec<String> = json_values(&out)
        .iter()
        .filter(|v| v["event"] == "echo")
        .map(|v| v["data"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(echoes, [msg, "second"]);
    // the server saw the client's own path, which is gone now
    let ev = srv.wait_for("datagram", 10, |e| matches!(e, Ev::Udp(UdpEv::Datagram { .. })));
    let Ev::Udp(UdpEv::Datagram { peer, replied, .. }) = ev else { unreachable!() };
    assert!(replied);
    let want = std::env::temp_dir().join(format!("netlab-udp-{pid}-0.sock"));
    assert_eq!(peer, want.display().to_string());
    assert_eq!(client_files(pid), Vec::<String>::new(), "the client left its socket file");

    // numbered datagrams too: nothing lost on a local socket at this pace
    let out = run(&["--json", "udp", "client", "--unix", &path, "--count", "50", "--interval", "1"], b"");
    assert_exit(&out, 0);
    let summary = json_values(&out).into_iter().find(|v| v["event"] == "summary").unwrap();
    assert_eq!((summary["sent"].as_u64(), summary["received"].as_u64()), (Some(50), Some(50)), "{summary}");

    srv.signal(Signal::SIGINT);
    assert_eq!(srv.wait_exit(10), Some(0), "{}", srv.stderr());
    assert!(!Path::new(&path).exists(), "the server left {path} behind");
}

#[test]
fn a_connected_udp_client_works_and_a_missing_server_is_exit_1() {
    let tmp = TempDir::new("unix-udp-connect");
    let path = tmp.path("s.sock");
    let srv = Server::start(&["udp", "server", "--unix", &path]);
    let out = run(&["--json", "udp", "client", "--connect", "--unix", &path, "-m", "abc"], b"");
    assert_exit(&out, 0);
    let connected = json_values(&out).into_iter().find(|v| v["event"] == "connected").unwrap();
    assert_eq!(connected["peer"], path.as_str());
    assert!(connected["local"].as_str().unwrap().contains("netlab-udp-"), "{connected}");
    srv.stop();

    // the server is gone and so is its file: refused at once, no waiting
    let out = run(&["--json", "udp", "client", "--unix", &path, "-m", "x"], b"");
    assert_exit(&out, 1);
    let text = stderr(&out);
    assert!(text.contains(&format!("connect {path}: no such socket file (ENOENT)")), "{text}");
    assert!(text.contains("netlab udp server --unix"), "{text}");
    let err = json_values(&out).into_iter().find(|v| v["event"] == "error").unwrap();
    assert_eq!(err["code"], "ENOENT");
    // a regular file there: said as such, and no server command suggested
    // for a path a server would refuse
    std::fs::write(&path, b"not a socket").unwrap();
    let out = run(&["udp", "client", "--unix", &path, "-m", "x"], b"");
    assert_exit(&out, 1);
    let text = stderr(&out);
    assert!(text.contains("is a regular file, not a socket"), "{text}");
    assert!(!text.contains("udp server --unix"), "{text}");
}

#[test]
fn a_datagram_from_an_unnamed_socket_is_counted_and_not_answered() {
    let tmp = TempDir::new("unix-unnamed");
    let path = tmp.path("s.sock");
    let srv = Server::start(&["udp", "server", "--unix", &path]);
    let sock = UnixDatagram::unbound().unwrap();
    sock.send_to(b"who am i", &path).unwrap();
    let ev = srv.wait_for("datagram", 10, |e| matches!(e, Ev::Udp(UdpEv::Datagram { .. })));
    let Ev::Udp(UdpEv::Datagram { peer, replied, note, bytes, .. }) = ev else { unreachable!() };
    assert_eq!((peer.as_str(), replied, bytes), ("unnamed", false, 8));
    assert!(note.unwrap().contains("unnamed"));
    srv.stop();
}

#[test]
fn a_stale_socket_file_is_replaced_and_said_once() {
    let tmp = TempDir::new("unix-stale");
    let path = tmp.path("s.sock");
    for server in [&["udp", "server"][..], &["echo-server"]] {
        // a server killed with SIGKILL leaves its file
        let mut first = Server::start(&[server, &["--unix", &path]].concat());
        first.signal(Signal::SIGKILL);
        first.wait_exit(10);
        assert!(is_socket(Path::new(&path)), "{server:?}: SIGKILL should leave the file");
        let second = Server::start(&[server, &["--unix", &path]].concat());
        second.wait_stderr("removed the stale socket file", 10);
        assert_eq!(second.stderr().matches("removed the stale socket file").count(), 1, "{}", second.stderr());
        second.stop();
        assert!(!Path::new(&path).exists());
    }
}

#[test]
fn a_live_socket_is_eaddrinuse_and_stays_served() {
    let tmp = TempDir::new("unix-live");
    let path = tmp.path("s.sock");
    for server in [&["udp", "server"][..], &["echo-server"]] {
        let first = Server::start(&[server, &["--unix", &path]].concat());
        let out = run(&[&["--json"][..], server, &["--unix", &path]].concat(), b"");
        assert_exit(&out, 1);
        let err = json_values(&out).into_iter().find(|v| v["event"] == "error").unwrap();
        assert_eq!(err["code"], "EADDRINUSE", "{err}");
        assert!(stderr(&out).contains("a server is listening on this socket file"), "{}", stderr(&out));
        assert!(is_socket(Path::new(&path)), "{server:?}: the live server's file was removed");
        // and the first server still answers
        let client: &[&str] = if server[0] == "udp" { &["udp", "client"] } else { &["echo-client"] };
        let out = run(&[client, &["--unix", &path, "-m", "still"]].concat(), b"");
        assert_exit(&out, 0);
        first.stop();
    }
}

#[test]
fn a_path_that_is_not_a_socket_is_exit_2_and_never_deleted() {
    let tmp = TempDir::new("unix-notsock");
    let file = tmp.path("data.txt");
    std::fs::write(&file, "precious\n").unwrap();
    let dir = tmp.path("d");
    std::fs::create_dir(&dir).unwrap();
    for (path, kind) in [(&file, "regular file"), (&dir, "directory")] {
        for server in [&["udp", "server"][..], &["echo-server"]] {
            let out = run(&[server, &["--unix", path]].concat(), b"");
            assert_exit(&out, 2);
            assert!(stderr(&out).contains(&format!("exists and is a {kind}, not a socket")), "{}", stderr(&out));
        }
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious\n");
    assert!(Path::new(&dir).is_dir());
}

#[test]
fn bad_unix_arguments_are_exit_2() {
    let long = format!("/tmp/{}", "x".repeat(120));
    for args in [
        &["udp", "server", "--unix", &long][..],
        &["udp", "client", "--unix", &long, "-m", "x"],
        &["udp", "server", "--unix", ""],
        &["udp", "server", "-4", "--unix", "/tmp/netlab-never.sock"],
        &["udp", "server", "--unix", "/tmp/netlab-never.sock", "9190"],
        &["udp", "client", "--unix", "/tmp/netlab-never.sock", "127.0.0.1", "9"],
        &["udp", "client", "-6", "--unix", "/tmp/netlab-never.sock"],
        &["echo-server", "--unix", &long],
        &["echo-server", "--bind", "127.0.0.1", "--unix", "/tmp/netlab-never.sock"],
        &["echo-server", "--nagle", "--unix", "/tmp/netlab-never.sock"],
        &["echo-client", "--unix", "/tmp/netlab-never.sock", "127.0.0.1", "9190"],
        &["echo-client", "-4", "--unix", "/tmp/netlab-never.sock", "-m", "x"],
        &["echo-client", "--unix", &long, "-m", "x"],
    ] {
        let out = run_cmd(netlab().args(args), b"");
        assert_exit(&out, 2);
        let err = stderr(&out);
        assert_eq!(err.lines().filter(|l| l.starts_with("netlab: ")).count(), 1, "{args:?}: {err}");
    }
    assert!(!Path::new("/tmp/netlab-never.sock").exists());
}

/// `echo-server --model M --unix PATH`, JSON events.
fn unix_server(model: &str, path: &str) -> Server {
    Server::start(&[&["echo-server"][..], &crate::models::model_args(model), &["--unix", path]].concat())
}

#[test]
fn every_model_echoes_over_a_socket_file_byte_for_byte() {
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    let tmp = TempDir::new("unix-models");
    crate::models::for_each_model(|m| {
        let path = tmp.path(&format!("{}.sock", m.replace(' ', "_")));
        let srv = unix_server(m, &path);
        let Ev::Shared(SharedEv::Listening { addr, port, .. }) = &srv.events()[0] else { panic!("{m}: no listening") };
        assert_eq!((addr.as_str(), *port), (path.as_str(), None), "{m}");
        // a mebibyte with a half-close, as over TCP
        let data = random_bytes(1 << 20, 7);
        let mut s = UnixStream::connect(&path).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        let writer = {
            let (mut w, data) = (s.try_clone().unwrap(), data.clone());
            std::thread::spawn(move || {
                w.write_all(&data).unwrap();
                w.shutdown(std::net::Shutdown::Write).unwrap();
            })
        };
        let mut back = Vec::new();
        s.read_to_end(&mut back).unwrap();
        writer.join().unwrap();
        assert!(back == data, "{m}: {} bytes came back of {}", back.len(), data.len());
        // the client's own tool, and the peers as events name them
        let out = run(&["echo-client", "--unix", &path, "-m", "one", "-m", "two"], b"");
        assert_exit(&out, 0);
        assert_eq!(crate::common::stdout(&out), "Message from server: one\nMessage from server: two\n", "{m}");
        srv.wait_count("closed", 2, 10, |e| matches!(e, Ev::EchoServer(ServerEv::Closed { .. })));
        for e in srv.events() {
            if let Ev::EchoServer(ServerEv::Accepted { peer, .. } | ServerEv::Closed { peer, .. }) = e {
                assert_eq!(peer, "unnamed", "{m}");
            }
        }
        // a fork child's end leaves the parent's file in place
        assert!(is_socket(Path::new(&path)), "{m}: the file went away while the server runs");
        srv.stop();
        assert!(!Path::new(&path).exists(), "{m}: the socket file is left behind");
    });
}

#[test]
fn load_mode_over_a_socket_file_verifies_every_byte_and_has_no_tcp_info() {
    let tmp = TempDir::new("unix-load");
    let path = tmp.path("load.sock");
    let srv = unix_server("epoll", &path);
    let out = run(
        &[
            "--json",
            "echo-client",
            "--unix",
            &path,
            "--connections",
            "4",
            "--size",
            "1000",
            "--requests",
            "400",
            "--threads",
            "2",
        ],
        b"",
    );
    assert_exit(&out, 0);
    let v = json_values(&out);
    let sum = v.iter().find(|e| e["event"] == "summary").expect("a summary");
    assert_eq!(
        (sum["requests"].as_u64(), sum["errors"].as_u64(), sum["mismatches"].as_u64()),
        (Some(400), Some(0), Some(0)),
        "{sum}"
    );
    // TCP_INFO has nothing to say about a Unix-domain connection (and
    // nothing there is ever retransmitted)
    assert!(sum["rtt_us"].is_null() && sum["snd_cwnd"].is_null(), "{sum}");
    assert_eq!(sum["retransmits"], 0, "{sum}");
    let out =
        run(&["--json", "echo-client", "--unix", &path, "--connections", "2", "--reconnect", "--requests", "100"], b"");
    assert_exit(&out, 0);
    srv.wait_count("closed", 103, 10, |e| matches!(e, Ev::EchoServer(ServerEv::Closed { .. })));
    srv.stop();
}

#[test]
fn echo_client_to_a_missing_or_dead_socket_file_is_exit_1_with_a_hint() {
    let tmp = TempDir::new("unix-client");
    let missing = tmp.path("none.sock");
    let out = run(&["echo-client", "--unix", &missing, "-m", "x"], b"");
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("no such socket file (ENOENT)") && err.contains("netlab echo-server --unix"), "{err}");
    // a socket file nobody listens on: what a killed server leaves
    let dead = tmp.path("dead.sock");
    let mut srv = unix_server("epoll", &dead);
    srv.signal(Signal::SIGKILL);
    srv.wait_exit(10);
    let out = run(&["--json", "echo-client", "--unix", &dead, "-m", "x"], b"");
    assert_exit(&out, 1);
    assert_eq!(json_values(&out).last().unwrap()["code"], "ECONNREFUSED");
    assert!(stderr(&out).contains("nobody listens on this socket file"), "{}", stderr(&out));
    // a regular file: said as such (it once got the same "nobody listens"
    // and a server command that would have refused the path)
    let file = tmp.path("file");
    std::fs::write(&file, b"x").unwrap();
    let out = run(&["echo-client", "--unix", &file, "-m", "x"], b"");
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains(&format!("connect {file}: {file} is a regular file, not a socket (ECONNREFUSED)")), "{err}");
    assert!(!err.contains("echo-server --unix"), "{err}");
    // load mode: the socket file's hint, not the TCP one (`echo-server PORT`)
    let out = run(&["echo-client", "--unix", &missing, "--connections", "2", "--duration", "0.2"], b"");
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains(&format!("netlab echo-server --unix {missing}")), "{err}");
}

#[test]
fn the_trace_reads_like_the_course_with_pf_local() {
    let tmp = TempDir::new("unix-trace");
    let path = tmp.path("t.sock");
    let mut srv =
        Server::start(&["--trace", "echo-server", "--model", "iterative", "--unix", &path, "--max-conns", "1"]);
    let out = run(&["echo-client", "--unix", &path, "-m", "hi"], b"");
    assert_exit(&out, 0);
    let code = srv.wait_exit(10);
    assert_eq!(code, Some(0));
    let err = srv.stderr();
    // the unannotated calls, in order: the course's program with PF_LOCAL
    let calls: Vec<&str> = err.lines().filter(|l| !l.contains("   # ")).collect();
    // (the descriptor: 3, unless the test process leaks one of its own
    // into the child while it starts, as tests running alongside may)
    let fd = calls.iter().find_map(|l| l.strip_prefix("socket(AF_UNIX, SOCK_STREAM, 0) = ")).expect("a socket call");
    // what the course's program would not do is said with its reason
    assert!(
        err.lines()
            .next()
            .is_some_and(|l| l.starts_with(&format!("lstat(\"{path}\") = -1 ENOENT")) && l.contains("   # ")),
        "{err}"
    );
    let want = [
        format!("socket(AF_UNIX, SOCK_STREAM, 0) = {fd}"),
        format!("bind({fd}, \"{path}\") = 0"),
        format!("listen({fd}, "),
        format!("getsockname({fd}) = 0 (\"{path}\")"),
        format!("accept({fd}) = "),
        "read(".to_string(),
        "write(".to_string(),
        "read(".to_string(),
        "close(".to_string(),
    ];
    let mut at = 0;
    for w in &want {
        match calls[at..].iter().position(|l| l.starts_with(w.as_str())) {
            Some(i) => at += i + 1,
            None => panic!("no {w:?} after line {at} of the trace:\n{err}"),
        }
    }
    assert!(err.lines().last().is_some_and(|l| l.starts_with(&format!("unlink(\"{path}\") = 0"))), "{err}");
    assert!(!Path::new(&path).exists());
}

/// A live server whose listen queue is full still counts as live: the
/// probe connects without blocking (a blocking connect may wait for room
/// in the queue), and its EAGAIN says a server is there.
#[test]
fn a_live_server_with_a_full_queue_is_eaddrinuse_not_a_hang() {
    use nix::sys::socket::{connect, socket, AddressFamily, SockFlag, SockType, UnixAddr};
    let tmp = TempDir::new("unix-full");
    let path = tmp.path("s.sock");
    let srv = Server::start(&["echo-server", "--model", "iterative", "--backlog", "1", "--unix", &path]);
    let addr = UnixAddr::new(path.as_str()).unwrap();
    let mut held = Vec::new();
    let mut full = false;
    for _ in 0..16 {
        let fd = socket(AddressFamily::Unix, SockType::Stream, SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC, None)
            .unwrap();
        match connect(std::os::fd::AsRawFd::as_raw_fd(&fd), &addr) {
            Ok(()) => held.push(fd),
            Err(nix::errno::Errno::EAGAIN) => {
                full = true;
                break;
            }
            Err(e) => panic!("connect: {e}"),
        }
    }
    assert!(full, "the queue never filled ({} connections)", held.len());
    let out = run(&["--json", "echo-server", "--unix", &path], b"");
    assert_exit(&out, 1);
    assert_eq!(json_values(&out).last().unwrap()["code"], "EADDRINUSE");
    assert!(stderr(&out).contains("a server is listening on this socket file"), "{}", stderr(&out));
    assert!(is_socket(Path::new(&path)));
    drop(held);
    srv.stop();
}

/// The reply's source is the server's path as the server spelled it; a
/// client that spells it another way (`./udp.sock`) still takes it.
#[test]
fn a_udp_client_takes_replies_however_the_path_is_spelled() {
    let tmp = TempDir::new("unix-spelling");
    let mut server = netlab();
    server.current_dir(&tmp.0).args(["--json", "udp", "server", "--unix", "udp.sock"]);
    let srv = Server::start_cmd(&mut server);
    for spelled in ["./udp.sock", "udp.sock"] {
        let out =
            run_cmd(netlab().current_dir(&tmp.0).args(["--json", "udp", "client", "--unix", spelled, "-m", "hi"]), b"");
        assert_exit(&out, 0);
        let v = json_values(&out);
        assert!(v.iter().any(|e| e["event"] == "echo" && e["data"] == "hi"), "{spelled}: {v:?}");
    }
    let out = run_cmd(
        netlab().current_dir(&tmp.0).args([
            "--json",
            "udp",
            "client",
            "--unix",
            "./udp.sock",
            "--count",
            "50",
            "--interval",
            "1",
        ]),
        b"",
    );
    assert_exit(&out, 0);
    let sum = json_values(&out).into_iter().find(|e| e["event"] == "summary").unwrap();
    assert_eq!((sum["received"].as_u64(), sum["ignored"].as_u64()), (Some(50), Some(0)), "{sum}");
    srv.stop();
}

/// `--threads` over a socket file: the loops share its one listener, so
/// the loop that reaches --max-conns shuts it for the others too; they
/// follow (no EINVAL from their accepts) and the server ends by itself.
#[test]
fn threads_share_a_socket_file_and_max_conns_ends_them_all() {
    let tmp = TempDir::new("unix-threads");
    for m in ["epoll", "uring"] {
        let path = tmp.path(&format!("{m}.sock"));
        let mut srv =
            Server::start(&["echo-server", "--model", m, "--threads", "2", "--max-conns", "3", "--unix", &path]);
        for i in 0..3 {
            let out = run(&["echo-client", "--unix", &path, "-m", &format!("n{i}")], b"");
            assert_exit(&out, 0);
        }
        assert_eq!(srv.wait_exit(10), Some(0), "{m}: {}", srv.stderr());
        assert!(srv.events().iter().all(|e| !matches!(e, Ev::Shared(SharedEv::Error { .. }))), "{m}");
        assert!(!srv.stderr().contains("EINVAL"), "{m}: {}", srv.stderr());
        assert!(!Path::new(&path).exists(), "{m}: the socket file is left behind");
        let out = run(&["echo-client", "--unix", &path, "-m", "late"], b"");
        assert_exit(&out, 1);
    }
}

/// A socket file whose reader never reads: its queue (10 datagrams by
/// default) fills, and a datagram client's send says EAGAIN. `-m` waits
/// for room, bounded by --timeout, and then says what happened (it once
/// failed at once with a bare EAGAIN).
#[test]
fn a_datagram_to_a_full_queue_waits_for_room_then_says_so() {
    let tmp = TempDir::new("unix-full");
    let path = tmp.path("full.sock");
    let reader = UnixDatagram::bind(&path).unwrap();
    let filler = UnixDatagram::unbound().unwrap();
    filler.set_nonblocking(true).unwrap();
    let mut queued = 0;
    while filler.send_to(b"fill", &path).is_ok() {
        queued += 1;
        assert!(queued < 100_000, "the queue never filled");
    }
    let out = run(&["--json", "udp", "client", "--unix", &path, "--timeout", "300", "-m", "x"], b"");
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("did not take the datagram within 300 ms: its queue stayed full"), "{err}");
    assert_eq!(json_values(&out).last().unwrap()["code"], "EAGAIN");
    drop(reader);
}

/// A socket file of the other type: a stream client at a datagram server's
/// path and the reverse are told so (EPROTOTYPE), with which server each
/// client talks to.
#[test]
fn a_client_at_a_socket_of_the_other_type_is_told_so() {
    let tmp = TempDir::new("unix-type");
    let dgram = tmp.path("d.sock");
    let udp = Server::start(&["udp", "server", "--unix", &dgram]);
    let out = run(&["--json", "echo-client", "--unix", &dgram, "-m", "x"], b"");
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("the socket there is of the other type (EPROTOTYPE)"), "{}", stderr(&out));
    assert_eq!(json_values(&out).last().unwrap()["code"], "EPROTOTYPE");
    udp.stop();
    let stream = tmp.path("s.sock");
    let srv = unix_server("epoll", &stream);
    let out = run(&["udp", "client", "--unix", &stream, "-m", "x"], b"");
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("the socket there is of the other type"), "{}", stderr(&out));
    srv.stop();
}
