//! The echo-server conformance suite, run against every model, and the
//! echo-client's modes. Real processes, 127.0.0.1 (and ::1), port 0.

use crate::common::*;
use nix::sys::signal::Signal;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

pub const MODELS: &[&str] =
    &["iterative", "fork", "select", "poll", "epoll", "thread", "uring", "epoll --threads 2", "uring --threads 2"];

/// `--model M` and the flags a variant adds (`epoll --threads 2`).
pub fn model_args(model: &str) -> Vec<&str> {
    std::iter::once("--model").chain(model.split(' ')).collect()
}

pub fn start(model: &str, extra: &[&str]) -> Server {
    let mut args = vec!["echo-server"];
    args.extend(model_args(model));
    args.extend(["--bind", "127.0.0.1"]);
    args.extend_from_slice(extra);
    args.push("0");
    Server::start(&args)
}

fn for_each_model(f: impl Fn(&str)) {
    for m in MODELS {
        f(m);
    }
}

#[test]
fn one_mebibyte_with_half_close() {
    let _serial = exclusive();
    for_each_model(|m| {
        let s = start(m, &[]);
        let data = random_bytes(1 << 20, 7);
        assert!(echo_through(s.addr(), &data) == data, "{m}: echo differs");
        s.wait_for(
            "closed",
            10,
            |e| matches!(e, Ev::EchoServer(ServerEv::Closed { reason, bytes_in: 1048576, bytes_out: 1048576, .. }) if reason == "eof"),
        );
        let evs = s.stop();
        let Some(Ev::Shared(SharedEv::Stopped { bytes_in, bytes_out, conns, .. })) = evs.last() else { panic!() };
        assert_eq!((*conns, *bytes_in, *bytes_out), (1, 1 << 20, 1 << 20), "{m}");
    });
}

#[test]
fn all_byte_values() {
    for_each_model(|m| {
        let s = start(m, &["--buffer-size", "30"]);
        let data: Vec<u8> = (0..=255u8).cycle().take(256 * 4).collect();
        assert_eq!(echo_through(s.addr(), &data), data, "{m}");
        s.stop();
    });
}

#[test]
fn twenty_concurrent_clients() {
    let _serial = exclusive();
    for_each_model(|m| {
        let s = start(m, &[]);
        let addr = s.addr();
        let handles: Vec<_> = (0..20)
            .map(|i| {
                std::thread::spawn(move || {
                    let data = random_bytes(50_000 + i * 1000, i as u64 + 1);
                    echo_through(addr, &data) == data
                })
            })
            .collect();
        for h in handles {
            assert!(h.join().unwrap(), "{m}: a client's echo differs");
        }
        s.wait_count("closed", 20, 30, |e| matches!(e, Ev::EchoServer(ServerEv::Closed { .. })));
        let evs = s.stop();
        let accepted = evs.iter().filter(|e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. }))).count();
        assert_eq!(accepted, 20, "{m}");
    });
}

fn reset_mid_stream(addr: SocketAddr) {
    let s = TcpStream::connect(addr).unwrap();
    let mut w = &s;
    w.write_all(&random_bytes(200_000, 3)).unwrap();
    // SO_LINGER {1, 0}: close() sends RST instead of FIN.
    let sock = socket2_linger_zero(&s);
    drop(sock);
}

/// Set SO_LINGER {on, 0} through the netlab sys layer and close.
fn socket2_linger_zero(s: &TcpStream) -> TcpStream {
    use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd};
    let dup = s.try_clone().unwrap();
    // SAFETY: dup's fd is ours; wrapped only to call the option setter.
    let fd = unsafe { netlab::sys::Fd::from_raw(dup.into_raw_fd()) };
    netlab::sys::set_linger(&fd, true, 0).unwrap();
    let raw = fd.into_raw();
    let _ = s.as_raw_fd();
    // SAFETY: raw is still open and owned by no one else.
    unsafe { TcpStream::from_raw_fd(raw) }
}

#[test]
fn reset_client_affects_no_one() {
    for_each_model(|m| {
        let s = start(m, &[]);
        reset_mid_stream(s.addr());
        s.wait_for(
            "closed after reset",
            10,
            |e| matches!(e, Ev::EchoServer(ServerEv::Closed { reason, .. }) if reason == "reset" || reason == "eof"),
        );
        let data = random_bytes(100_000, 9);
        assert_eq!(echo_through(s.addr(), &data), data, "{m}: echo after a reset");
        s.stop();
    });
}

#[test]
fn many_resets_then_normal_echo() {
    for_each_model(|m| {
        let s = start(m, &[]);
        for _ in 0..20 {
            reset_mid_stream(s.addr());
        }
        let data = random_bytes(10_000, 2);
        assert_eq!(echo_through(s.addr(), &data), data, "{m}");
        s.wait_count("closed", 21, 20, |e| matches!(e, Ev::EchoServer(ServerEv::Closed { .. })));
        assert!(!s.stderr().contains("panicked"));
        s.stop();
    });
}

#[test]
fn a_client_that_never_reads_does_not_block_others() {
    let _serial = exclusive();
    for m in MODELS.iter().filter(|m| **m != "iterative") {
        let s = start(m, &[]);
        // The hog writes far more than the socket buffers hold, never reads.
        let hog = TcpStream::connect(s.addr()).unwrap();
        hog.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
        let hog2 = hog.try_clone().unwrap();
        let writer = std::thread::spawn(move || {
            let chunk = vec![0x5au8; 64 * 1024];
            let mut sent = 0usize;
            let mut w = &hog2;
            while sent < 64 << 20 {
                match w.write(&chunk) {
                    Ok(n) => sent += n,
                    Err(_) => break, // timed out: the server stopped reading us
                }
            }
            sent
        });
        std::thread::sleep(Duration::from_millis(300));
        let data = random_bytes(100_000, 4);
        assert_eq!(echo_through(s.addr(), &data), data, "{m}: another client was delayed or broken");
        // wakes the blocked writer
        let _ = hog.shutdown(std::net::Shutdown::Both);
        let sent = writer.join().unwrap();
        assert!(sent < 64 << 20, "{m}: the server kept reading a client that never reads ({sent} bytes)");
        s.stop();
    }
}

#[test]
fn ipv6_loopback() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("SKIPPED ipv6_loopback: ::1 is not available on this machine (IPv6 disabled?)");
        return;
    }
    for_each_model(|m| {
        let s = Server::start(&[&["echo-server"][..], &model_args(m), &["-6", "--bind", "::1", "0"]].concat());
        let Ev::Shared(SharedEv::Listening { addr, .. }) = &s.events()[0] else { panic!() };
        assert_eq!(addr, "::1");
        let data = random_bytes(70_000, 5);
        assert_eq!(echo_through(SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, s.port)), &data), data, "{m}");
        s.stop();
    });
}

#[test]
fn sigterm_and_sigint_stop_cleanly_with_clients_connected() {
    for_each_model(|m| {
        let mut s = start(m, &[]);
        let mut c = TcpStream::connect(s.addr()).unwrap();
        c.write_all(b"x").unwrap();
        let mut b = [0u8; 1];
        c.read_exact(&mut b).unwrap();
        s.signal(Signal::SIGTERM);
        assert_eq!(s.wait_exit(10), Some(0), "{m}: {}", s.stderr());
        let evs = s.events();
        assert!(
            matches!(evs.last(), Some(Ev::Shared(SharedEv::Stopped { signal: Some(sig), conns: 1, .. })) if sig == "SIGTERM"),
            "{m}: {evs:?}"
        );
        // the client sees the connection end
        c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut rest = Vec::new();
        let _ = c.read_to_end(&mut rest);
    });
}

#[test]
fn sigusr1_prints_stats_and_carries_on() {
    for_each_model(|m| {
        let s = start(m, &[]);
        let data = random_bytes(1000, 1);
        assert_eq!(echo_through(s.addr(), &data), data);
        s.wait_for("closed", 10, |e| matches!(e, Ev::EchoServer(ServerEv::Closed { .. })));
        s.signal(Signal::SIGUSR1);
        let st = s.wait_for("stats", 10, |e| matches!(e, Ev::Shared(SharedEv::Stats { .. })));
        let Ev::Shared(SharedEv::Stats { conns_total, bytes_in, model, .. }) = st else { unreachable!() };
        assert_eq!((conns_total, bytes_in, model.as_str()), (1, 1000, m.split(' ').next().unwrap_or(m)));
        assert_eq!(echo_through(s.addr(), &data), data, "{m}: serves after SIGUSR1");
        s.stop();
    });
}

#[test]
fn max_conns_exits_zero() {
    for_each_model(|m| {
        let mut s = start(m, &["--max-conns", "3"]);
        for i in 0..3 {
            let d = random_bytes(5000, i);
            assert_eq!(echo_through(s.addr(), &d), d);
        }
        assert_eq!(s.wait_exit(10), Some(0), "{m}: {}", s.stderr());
        let evs = s.events();
        assert!(
            matches!(evs.last(), Some(Ev::Shared(SharedEv::Stopped { signal: None, conns: 3, bytes_in: 15000, .. }))),
            "{m}: {evs:?}"
        );
    });
}

/// The backlog refused when --max-conns is reached is reported after the
/// last connection's `accepted`: the events read in the order things
/// happened.
#[test]
fn max_conns_refusals_come_after_the_last_accept() {
    let mut s = start("iterative", &["--max-conns", "2"]);
    let mut a = TcpStream::connect(s.addr()).unwrap();
    s.wait_for("accepted", 10, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { conn: 1, .. })));
    // both wait in the backlog while the first is served
    let mut b = TcpStream::connect(s.addr()).unwrap();
    let mut c = TcpStream::connect(s.addr()).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    for (client, msg) in [(&mut a, &b"first"[..]), (&mut b, b"second")] {
        client.write_all(msg).unwrap();
        client.shutdown(std::net::Shutdown::Write).unwrap();
        let mut back = Vec::new();
        client.read_to_end(&mut back).unwrap();
        assert_eq!(back, msg);
    }
    let mut buf = [0u8; 4];
    assert!(matches!(c.read(&mut buf), Ok(0) | Err(_)), "the third is refused");
    assert_eq!(s.wait_exit(10), Some(0));
    let evs = s.events();
    let at = |pred: &dyn Fn(&Ev) -> bool| evs.iter().position(pred).unwrap_or_else(|| panic!("{evs:?}"));
    let accepted2 = at(&|e| matches!(e, Ev::EchoServer(ServerEv::Accepted { conn: 2, .. })));
    let rejected =
        at(&|e| matches!(e, Ev::EchoServer(ServerEv::Rejected { reason, .. }) if reason == "--max-conns reached"));
    assert!(accepted2 < rejected, "{evs:?}");
}

/// Stopped with one client served and one waiting in the backlog: every
/// model tells the served connection's `closed` before the waiting one's
/// `rejected`.
#[test]
fn at_shutdown_the_served_close_before_the_waiting_are_refused() {
    for_each_model(|m| {
        if m.contains("--threads") {
            return; // --max-clients is split between the loops: see uring.rs
        }
        let extra: &[&str] = if m == "iterative" { &[] } else { &["--max-clients", "1"] };
        let s = start(m, extra);
        let mut a = TcpStream::connect(s.addr()).unwrap();
        a.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        a.write_all(b"x").unwrap();
        let mut one = [0u8; 1];
        a.read_exact(&mut one).unwrap();
        // completes its handshake in the kernel, then waits to be accepted
        let _waiting = TcpStream::connect(s.addr()).unwrap();
        let evs = s.stop();
        let at = |pred: &dyn Fn(&Ev) -> bool| evs.iter().position(pred).unwrap_or_else(|| panic!("{m}: {evs:?}"));
        let closed = at(&|e| matches!(e, Ev::EchoServer(ServerEv::Closed { conn: 1, .. })));
        let rejected =
            at(&|e| matches!(e, Ev::EchoServer(ServerEv::Rejected { reason, .. }) if reason == "server stopping"));
        assert!(closed < rejected, "{m}: {evs:?}");
    });
}

#[test]
fn after_max_conns_later_clients_are_refused_not_left_hanging() {
    for_each_model(|m| {
        let mut s = start(m, &["--max-conns", "1"]);
        let mut a = TcpStream::connect(s.addr()).unwrap();
        s.wait_for("accepted", 10, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })));
        // the last connection is being served: nobody else gets in
        let e = TcpStream::connect(s.addr()).expect_err("a connection after --max-conns was accepted by the kernel");
        assert_eq!(e.kind(), std::io::ErrorKind::ConnectionRefused, "{m}: {e}");
        a.write_all(b"last one").unwrap();
        a.shutdown(std::net::Shutdown::Write).unwrap();
        let mut back = Vec::new();
        a.read_to_end(&mut back).unwrap();
        assert_eq!(back, b"last one", "{m}");
        assert_eq!(s.wait_exit(10), Some(0), "{m}: {}", s.stderr());
    });
}

#[test]
fn listening_reports_the_backlog_the_kernel_grants() {
    let somaxconn: i32 = std::fs::read_to_string("/proc/sys/net/core/somaxconn").unwrap().trim().parse().unwrap();
    let s = start("epoll", &["--backlog", "65535"]);
    let ev = s.wait_for("listening", 10, |e| matches!(e, Ev::Shared(SharedEv::Listening { .. })));
    let Ev::Shared(SharedEv::Listening { backlog, .. }) = ev else { unreachable!() };
    assert_eq!(backlog, Some(65535.min(somaxconn)));
    if somaxconn < 65535 {
        s.wait_stderr(&format!("--backlog 65535 is capped by the kernel at net.core.somaxconn = {somaxconn}"), 10);
    }
    s.stop();
}

#[test]
fn port_in_use_is_exit_1_with_eaddrinuse() {
    for_each_model(|m| {
        let s = start(m, &[]);
        let port = s.port.to_string();
        let o = run(&[&["echo-server"][..], &model_args(m), &["--bind", "127.0.0.1", &port]].concat(), b"");
        assert_exit(&o, 1);
        let err = stderr(&o);
        assert!(
            err.starts_with(&format!(
                "netlab: echo-server: bind 127.0.0.1:{}: Address already in use (EADDRINUSE)",
                s.port
            )),
            "{err}"
        );
        assert!(err.lines().nth(1).is_some_and(|l| l.starts_with("hint: ")), "{err}");
        let o = run(&[&["--json", "echo-server"][..], &model_args(m), &["--bind", "127.0.0.1", &port]].concat(), b"");
        let v = json_values(&o);
        assert_eq!(v.last().unwrap()["code"], "EADDRINUSE");
        s.stop();
    });
}

#[test]
fn idle_timeout_drops_a_silent_client() {
    let _serial = exclusive();
    for_each_model(|m| {
        let s = start(m, &["--idle-timeout", "0.3"]);
        let mut silent = TcpStream::connect(s.addr()).unwrap();
        s.wait_for(
            "timeout close",
            10,
            |e| matches!(e, Ev::EchoServer(ServerEv::Closed { reason, .. }) if reason == "timeout"),
        );
        silent.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut b = [0u8; 1];
        assert_eq!(silent.read(&mut b).unwrap_or(0), 0, "{m}: the dropped client sees EOF");
        let d = random_bytes(1000, 8);
        assert_eq!(echo_through(s.addr(), &d), d, "{m}");
        s.stop();
    });
}

/// SIGUSR1 (stats) does not restart a client's idle time: a silent client
/// is still dropped after --idle-timeout while stats are asked for every
/// 200 ms (the blocking models' wait used to start over after each signal).
#[test]
fn stats_requests_do_not_keep_an_idle_client_alive() {
    for m in ["iterative", "fork"] {
        let s = start(m, &["--idle-timeout", "1"]);
        let silent = TcpStream::connect(s.addr()).unwrap();
        s.wait_for("accepted", 10, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })));
        let deadline = std::time::Instant::now() + Duration::from_secs(8);
        let timed_out = |s: &Server| {
            s.events()
                .iter()
                .any(|e| matches!(e, Ev::EchoServer(ServerEv::Closed { reason, .. }) if reason == "timeout"))
        };
        while !timed_out(&s) {
            assert!(std::time::Instant::now() < deadline, "{m}: the silent client outlived 8 s of SIGUSR1");
            // the server, and for fork the child serving the client
            s.signal(Signal::SIGUSR1);
            for c in children_of(s.pid) {
                let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(c.pid as i32), Signal::SIGUSR1);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        drop(silent);
        s.stop();
    }
}

/// A silent client dropped by --idle-timeout while another, connected after
/// it (a higher descriptor), keeps talking: the multiplexing models stop
/// watching the closed descriptor (select() would fail with EBADF) and the
/// active client is served throughout.
#[test]
fn idle_timeout_leaves_the_active_clients_alone() {
    for m in ["select", "poll", "epoll"] {
        let s = start(m, &["--idle-timeout", "1"]);
        let silent = TcpStream::connect(s.addr()).unwrap();
        let mut active = connect(s.addr());
        let mut ping = |round: u8| assert_eq!(echo_on(&mut active, &[round]), [round], "{m}: round {round}");
        // A byte every 100 ms keeps `active` well inside its 1 s; at most
        // 100 rounds (10 s) for the silent one to be dropped.
        let dropped = |e: &Ev| matches!(e, Ev::EchoServer(ServerEv::Closed { reason, .. }) if reason == "timeout");
        let mut round = 0u8;
        while !s.events().iter().any(dropped) {
            assert!(round < 100, "{m}: the silent client was never dropped");
            ping(round);
            round += 1;
            std::thread::sleep(Duration::from_millis(100));
        }
        for _ in 0..5 {
            ping(round);
            round += 1;
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(s.events().iter().filter(|e| dropped(e)).count(), 1, "{m}: only the silent client is dropped");
        drop((silent, active));
        s.stop();
    }
}

#[test]
fn text_events_are_grepable_lines() {
    let mut cmd = netlab();
    cmd.args(["echo-server", "--model", "select", "--bind", "127.0.0.1", "--max-conns", "1", "0"]);
    let mut child = cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    assert!(first.starts_with("listening on 127.0.0.1:"), "{first}");
    let port: u16 = first.split(':').nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();
    let d = b"hello".to_vec();
    assert_eq!(echo_through(SocketAddr::from(([127, 0, 0, 1], port)), &d), d);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let lines: Vec<&str> = rest.lines().collect();
    assert!(lines[0].starts_with("accepted #1 from 127.0.0.1:"), "{rest}");
    assert!(
        lines[1].starts_with("closed #1 127.0.0.1:") && lines[1].contains("eof, 5 bytes in, 5 bytes out"),
        "{rest}"
    );
    assert!(lines[2].starts_with("stopped: 1 connections, 5 bytes in, 5 bytes out"), "{rest}");
}

/// A grader that runs clients one after another and diffs the server's
/// events must get the same order every run: a client saw its echo end
/// (EOF) before it connected again, so that connection's `closed` comes
/// before the next one's `accepted`, in every model (fork's `closed` does
/// not wait for SIGCHLD, the thread model's for its worker's close).
#[test]
fn sequential_clients_give_events_in_their_order() {
    const CLIENTS: u64 = 25;
    for m in MODELS {
        let mut s = start(m, &["--max-conns", &CLIENTS.to_string()]);
        for i in 0..CLIENTS {
            let d = random_bytes(100, i);
            assert_eq!(echo_through(s.addr(), &d), d, "{m}");
        }
        assert_eq!(s.wait_exit(20), Some(0), "{m}");
        let order: Vec<String> = s
            .events()
            .iter()
            .filter_map(|e| match e {
                Ev::EchoServer(ServerEv::Accepted { conn, .. }) => Some(format!("accepted {conn}")),
                Ev::EchoServer(ServerEv::Closed { conn, .. }) => Some(format!("closed {conn}")),
                _ => None,
            })
            .collect();
        let want: Vec<String> = (1..=CLIENTS).flat_map(|c| [format!("accepted {c}"), format!("closed {c}")]).collect();
        assert_eq!(order, want, "{m}");
    }
}

/// A `model` server with --trace that exits after `max_conns` clients.
fn traced_server(model: &str, max_conns: &str) -> Server {
    Server::start_cmd(netlab().args([
        "--json",
        "--trace",
        "echo-server",
        "--model",
        model,
        "--bind",
        "127.0.0.1",
        "--max-conns",
        max_conns,
        "0",
    ]))
}

#[test]
fn trace_narrates_the_server() {
    let mut s = traced_server("fork", "1");
    let d = b"trace me".to_vec();
    assert_eq!(echo_through(s.addr(), &d), d);
    assert_eq!(s.wait_exit(10), Some(0));
    let err = s.stderr();
    for want in [
        "socket(AF_INET, SOCK_STREAM, 0) = 3",
        "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, 1) = 0",
        "bind(3, 127.0.0.1:0) = 0",
        "listen(3, 4096) = 0",
        "fork() = ",
        "waitpid(-1, WNOHANG) = ",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
    // the child closes the listening socket, and the client's before it
    // exits; the parent closes the client's
    let child = err.lines().find_map(|l| l.strip_prefix("fork() = ")).expect("fork line");
    let client = err
        .lines()
        .find_map(|l| l.strip_prefix("accept(3) = ")?.split_once(' ').map(|(fd, _)| fd.to_string()))
        .unwrap_or_else(|| panic!("no accept line in\n{err}"));
    assert!(err.lines().any(|l| l == format!("[pid {child}] close(3) = 0")), "{err}");
    assert!(err.lines().any(|l| l == format!("[pid {child}] close({client}) = 0")), "{err}");
    assert!(err.lines().any(|l| l == format!("close({client}) = 0")), "{err}");
    // the reaping loop as the kernel answers it: the child, then ECHILD
    let reaped = format!("waitpid(-1, WNOHANG) = {child} (exited 0)");
    let after: Vec<&str> = err.lines().skip_while(|l| *l != reaped).take(2).collect();
    assert_eq!(after.get(1), Some(&"waitpid(-1, WNOHANG) = -1 ECHILD (No child processes)"), "{err}");
}

#[test]
fn trace_narrates_the_thread_model_in_c_terms() {
    let mut s = traced_server("thread", "1");
    let d = b"a thread of its own".to_vec();
    assert_eq!(echo_through(s.addr(), &d), d);
    assert_eq!(s.wait_exit(10), Some(0));
    let err = s.stderr();
    // the worker's start, as the course's pthread_create (its own lines may
    // come first: the two threads race to stderr)
    let created =
        err.lines().position(|l| l.starts_with("[main] pthread_create(\"conn 1\", stack ") && l.ends_with(") = 0"));
    let first_read = err.lines().position(|l| l.starts_with("[conn 1] read("));
    assert!(created.is_some() && first_read.is_some(), "{err}");
    // errors read as the C library words them (strerror, as perror and
    // strace print them): draining the backlog at --max-conns meets EAGAIN
    let eagain: Vec<&str> = err.lines().map(trace_call).filter(|l| l.contains(" = -1 EAGAIN ")).collect();
    assert!(!eagain.is_empty(), "{err}");
    assert!(eagain.iter().all(|l| l.ends_with("= -1 EAGAIN (Resource temporarily unavailable)")), "{err}");
}

#[test]
fn trace_narrates_epoll_with_each_descriptor_as_its_data() {
    let mut s = traced_server("epoll", "1");
    let d = b"epoll".to_vec();
    assert_eq!(echo_through(s.addr(), &d), d);
    assert_eq!(s.wait_exit(10), Some(0));
    let err = s.stderr();
    // as the course's event.data.fd: the listener is 3, and so is its data
    let ep = err
        .lines()
        .find_map(|l| l.strip_prefix("epoll_create1(EPOLL_CLOEXEC) = "))
        .unwrap_or_else(|| panic!("no epoll_create1 in\n{err}"));
    // netlab's plumbing, each line with the reason the course's program
    // would not make it
    for want in [
        "pipe2([4, 5], O_NONBLOCK|O_CLOEXEC) = 0",
        // the course's flag = fcntl(fd, F_GETFL, 0); fcntl(fd, F_SETFL, flag|O_NONBLOCK)
        "fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)",
        "fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0",
    ] {
        assert!(
            err.lines().any(|l| l.starts_with(&format!("{want}   # "))),
            "missing {want:?} with its reason in\n{err}"
        );
    }
    for want in [
        format!("epoll_ctl({ep}, EPOLL_CTL_ADD, 3, {{EPOLLIN, data=3}}) = 0"),
        format!("epoll_ctl({ep}, EPOLL_CTL_DEL, 3, NULL) = 0"),
    ] {
        assert!(err.lines().any(|l| l == want), "missing {want:?} in\n{err}");
    }
    assert!(
        err.lines().any(|l| l.starts_with(&format!("epoll_wait({ep}, ")) && l.ends_with("([{EPOLLIN, data=3}])")),
        "{err}"
    );
    // the client's descriptor is its data too
    let client = err
        .lines()
        .find_map(|l| {
            trace_call(l).strip_prefix("accept4(3, SOCK_NONBLOCK) = ")?.split_once(' ').map(|(fd, _)| fd.to_string())
        })
        .unwrap_or_else(|| panic!("no accept line in\n{err}"));
    assert!(
        err.lines().any(|l| l == format!("epoll_ctl({ep}, EPOLL_CTL_ADD, {client}, {{EPOLLIN, data={client}}}) = 0")),
        "{err}"
    );
}

#[test]
fn trace_lines_of_parent_and_children_never_interleave() {
    // Parent and children share stderr; 40 children tracing at once must
    // still leave one whole `call(args) = result` per line.
    let mut s = traced_server("fork", "40");
    let addr = s.addr();
    let clients: Vec<_> = (0..40u64)
        .map(|i| {
            std::thread::spawn(move || {
                let d = random_bytes(3000, i);
                assert_eq!(echo_through(addr, &d), d);
            })
        })
        .collect();
    clients.into_iter().for_each(|c| c.join().unwrap());
    assert_eq!(s.wait_exit(20), Some(0));
    let err = s.stderr();
    let mut children = 0;
    for line in err.lines() {
        let call = match line.strip_prefix("[pid ") {
            Some(rest) => {
                children += 1;
                let (pid, call) = rest.split_once("] ").unwrap_or_else(|| panic!("cut line {line:?}"));
                assert!(pid.bytes().all(|b| b.is_ascii_digit()), "cut line {line:?}");
                call
            }
            None => line,
        };
        let (name, rest) = call.split_once('(').unwrap_or_else(|| panic!("cut line {line:?}"));
        assert!(!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "cut line {line:?}");
        assert!(rest.contains(") = "), "cut line {line:?}");
    }
    assert!(children >= 40 * 3, "{children} child trace lines for 40 children:\n{err}");
}

// ---------------------------------------------------------------- fork specifics

pub fn socket_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.flatten()
                .filter(|e| std::fs::read_link(e.path()).is_ok_and(|l| l.to_string_lossy().starts_with("socket:")))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn fork_500_connections_leave_no_zombies_and_no_fds() {
    let _serial = exclusive();
    let s = start("fork", &[]);
    let before = socket_fds(s.pid);
    let addr = s.addr();
    for burst in 0..10 {
        let hs: Vec<_> = (0..50)
            .map(|i| {
                std::thread::spawn(move || {
                    let d = random_bytes(100, burst * 100 + i);
                    echo_through(addr, &d) == d
                })
            })
            .collect();
        for h in hs {
            assert!(h.join().unwrap());
        }
    }
    s.wait_count("reaped", 500, 60, |e| matches!(e, Ev::Shared(SharedEv::Reaped { .. })));
    let kids = children_of(s.pid);
    assert!(kids.iter().all(|k| k.state != 'Z'), "zombies: {kids:?}");
    assert_eq!(kids.len(), 0, "children left: {kids:?}");
    assert_eq!(socket_fds(s.pid), before, "the parent kept client sockets open");
    let evs = s.stop();
    assert_eq!(evs.iter().filter(|e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. }))).count(), 500);
}

#[test]
fn fork_max_clients_caps_live_children() {
    let s = start("fork", &["--max-clients", "2"]);
    let mut held: Vec<TcpStream> = (0..4).map(|_| TcpStream::connect(s.addr()).unwrap()).collect();
    s.wait_count("accepted", 2, 10, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(children_of(s.pid).len(), 2, "more than --max-clients children");
    assert_eq!(s.events().iter().filter(|e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. }))).count(), 2);
    // the waiting ones are served as soon as a slot frees up
    for c in held.iter_mut().take(2) {
        c.shutdown(std::net::Shutdown::Write).unwrap();
    }
    s.wait_count("accepted", 4, 10, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })));
    drop(held);
    s.stop();
}

// ---------------------------------------------------------------- client

/// A test server that echoes in small, delayed pieces (bounded: one client).
fn slow_echo_server(piece: usize, corrupt_at: Option<usize>) -> (SocketAddr, std::thread::JoinHandle<()>) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let h = std::thread::spawn(move || {
        let (mut c, _) = l.accept().unwrap();
        c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut buf = vec![0u8; piece];
        let mut total = 0usize;
        let mut n_pieces = 0u64;
        loop {
            let n = match c.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            for (i, b) in buf[..n].iter_mut().enumerate() {
                if Some(total + i) == corrupt_at {
                    *b ^= 0xff;
                }
            }
            total += n;
            if c.write_all(&buf[..n]).is_err() {
                break;
            }
            n_pieces += 1;
            if n_pieces.is_multiple_of(64) {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    });
    (addr, h)
}

#[test]
fn client_streams_3mib_through_a_slow_server() {
    let (addr, h) = slow_echo_server(1000, None);
    let data = random_bytes(3 << 20, 11);
    let o = run(&["echo-client", "127.0.0.1", &addr.port().to_string()], &data);
    assert_exit(&o, 0);
    assert!(o.stdout == data, "stream echo differs ({} bytes back)", o.stdout.len());
    assert!(stderr(&o).contains("echo verified"), "{}", stderr(&o));
    h.join().unwrap();
}

#[test]
fn client_split_mode_verifies() {
    let (addr, h) = slow_echo_server(777, None);
    let data = random_bytes(1 << 20, 12);
    let o = run(&["--json", "echo-client", "--split", "127.0.0.1", &addr.port().to_string()], &data);
    assert_exit(&o, 0);
    let evs = events(&o);
    assert!(
        matches!(
            evs.last(),
            Some(Ev::Shared(SharedEv::Summary(netlab::events::Summary::Stream {
                verified: true,
                bytes_received: 1048576,
                ..
            })))
        ),
        "{evs:?}"
    );
    h.join().unwrap();
}

#[test]
fn corrupting_server_gives_exit_3() {
    for split in [false, true] {
        let (addr, h) = slow_echo_server(500, Some(12345));
        let data = random_bytes(50_000, 13);
        let port = addr.port().to_string();
        let mut args = vec!["--json", "echo-client", "127.0.0.1", &port];
        if split {
            args.insert(2, "--split");
        }
        let o = run(&args, &data);
        assert_exit(&o, 3);
        let evs = events(&o);
        assert!(
            evs.iter().any(|e| matches!(
                e,
                Ev::Shared(SharedEv::Summary(netlab::events::Summary::Stream {
                    verified: false,
                    first_mismatch_at: Some(12345),
                    ..
                }))
            )),
            "split={split}: {evs:?}"
        );
        h.join().unwrap();
    }
    let (addr, h) = slow_echo_server(500, Some(2));
    let o = run(&["echo-client", "-m", "hello", "127.0.0.1", &addr.port().to_string()], b"");
    assert_exit(&o, 3);
    h.join().unwrap();
}

/// A server that serves `n` connections with `f` (in turn), then stops.
fn odd_server(n: usize, f: fn(TcpStream)) -> (SocketAddr, std::thread::JoinHandle<()>) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let h = std::thread::spawn(move || {
        for c in l.incoming().take(n) {
            f(c.unwrap());
        }
    });
    (addr, h)
}

/// The course's split: the trace shows the fork, the child's calls under its
/// pid, and the parent reaping it at the end.
#[test]
fn client_split_trace_shows_fork_child_and_waitpid() {
    let (addr, h) = slow_echo_server(778, None);
    let o = run(&["--trace", "echo-client", "--split", "127.0.0.1", &addr.port().to_string()], b"split me\n");
    assert_exit(&o, 0);
    assert_eq!(o.stdout, b"split me\n");
    let err = stderr(&o);
    let child = err
        .lines()
        .find_map(|l| l.strip_prefix("fork() = "))
        .unwrap_or_else(|| panic!("no fork line: {err}"))
        .to_string();
    let sock = err.lines().find_map(|l| l.strip_prefix("socket(AF_INET, SOCK_STREAM, 0) = ")).expect("socket line");
    assert!(err.lines().any(|l| l == format!("[pid {child}] shutdown({sock}, SHUT_WR) = 0")), "{err}");
    assert!(err.lines().any(|l| l == format!("waitpid({child}, 0) = {child} (exited 0)")), "{err}");
    h.join().unwrap();
}

/// --split with a stdin that stays open: the command ends (exit 3) as soon
/// as the server closes, a slow stdin is not a --timeout, and the writer
/// child never outlives the command, even one killed with SIGKILL.
#[test]
fn split_ends_with_the_connection_not_with_stdin() {
    use std::io::BufRead;
    use std::process::Stdio;
    use std::time::Instant;
    let start = |port: u16, extra: &[&str]| {
        let mut cmd = netlab();
        cmd.args(["--trace", "echo-client", "--split"]).args(extra).args(["127.0.0.1", &port.to_string()]);
        let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        // the writer's pid, from the trace's fork() line
        let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        let writer = loop {
            line.clear();
            assert!(err.read_line(&mut line).unwrap() > 0, "no fork() line");
            if let Some(pid) = line.trim().strip_prefix("fork() = ") {
                break pid.parse::<u32>().unwrap();
            }
        };
        // the rest of stderr, for the messages
        let rest = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut err, &mut s);
            s
        });
        (child, writer, rest)
    };
    let gone = |pid: u32| {
        let deadline = Instant::now() + Duration::from_secs(10);
        while proc_stat(pid).is_some_and(|p| p.state != 'Z') {
            assert!(Instant::now() < deadline, "the writer {pid} outlived the command");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    // 1. The server echoes one read and closes; stdin stays open.
    let (addr, h) = odd_server(1, |mut c| {
        let mut b = [0u8; 64];
        let n = c.read(&mut b).unwrap();
        c.write_all(&b[..n]).unwrap();
    });
    let (mut child, writer, _) = start(addr.port(), &["--timeout", "30"]);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"hello\n").unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(Instant::now() < deadline, "--split waits for stdin after the server closed");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(3));
    gone(writer);
    drop(stdin);
    h.join().unwrap();
    // 2. stdin slower than --timeout, the echo prompt: not a timeout.
    let s = Server::start(&["echo-server", "--model", "epoll", "--bind", "127.0.0.1", "0"]);
    let (mut child, _, _) = start(s.port, &["--timeout", "1"]);
    let mut stdin = child.stdin.take().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    stdin.write_all(b"late\n").unwrap();
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    assert_eq!((o.status.code(), o.stdout.as_slice()), (Some(0), &b"late\n"[..]));
    // 3. The command killed outright: its writer goes with it.
    let (mut child, writer, _) = start(s.port, &[]);
    let stdin = child.stdin.take().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    gone(writer);
    drop(stdin);
    s.stop();
    // 4. stdin has ended, all is echoed, the server never closes: --timeout
    // still bounds the wait.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let h = std::thread::spawn(move || {
        let (mut c, _) = l.accept().unwrap();
        let mut b = [0u8; 64];
        let n = c.read(&mut b).unwrap();
        c.write_all(&b[..n]).unwrap();
        let _ = done_rx.recv_timeout(Duration::from_secs(20)); // hold it open
    });
    let (mut child, _, err) = start(port, &["--timeout", "1"]);
    child.stdin.take().unwrap().write_all(b"hi\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = err.join().unwrap();
    assert!(err.contains("had not closed the connection 1 s after stdin ended"), "{err}");
    done_tx.send(()).unwrap();
    h.join().unwrap();
    // 5. A server that never echoes, stdin that keeps coming: each new line
    // does not restart the wait for the first echo.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        let (mut c, _) = l.accept().unwrap();
        let _ = c.read_to_end(&mut Vec::new()); // never answers
    });
    let (mut child, _, err) = start(port, &["--timeout", "1"]);
    let mut stdin = child.stdin.take().unwrap();
    let fed_until = Instant::now() + Duration::from_secs(8);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(Instant::now() < fed_until, "--timeout 1 restarted with every line of stdin");
        let _ = stdin.write_all(b"more\n");
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_eq!(status.code(), Some(1));
    let err = err.join().unwrap();
    assert!(err.contains("no echo for 1 s"), "{err}");
    drop(stdin);
    h.join().unwrap();
}

#[test]
fn a_server_that_closes_at_once_is_always_exit_3() {
    // FIN or RST may reach the client first (a race inside TCP): the echo is
    // incomplete either way, and the exit code must not depend on the race.
    let (addr, h) = odd_server(36, drop);
    let port = addr.port().to_string();
    for i in 0..12 {
        let o = run(&["echo-client", "--split", "127.0.0.1", &port], b"hello world");
        assert_exit(&o, 3);
        let o = run(&["echo-client", "127.0.0.1", &port], b"hello world");
        assert_exit(&o, 3);
        let err = stderr(&o);
        let line = err.lines().find(|l| l.starts_with("netlab: ")).unwrap_or_default();
        assert!(line.starts_with("netlab: echo-client: the server "), "{i}: {err}");
        assert!(
            line.ends_with("the connection after echoing 0 of 11 bytes")
                || line.ends_with("the connection before any of stdin was sent"),
            "{i}: {err}"
        );
        let o = run(&["echo-client", "-m", "hello", "127.0.0.1", &port], b"");
        assert_exit(&o, 3);
    }
    h.join().unwrap();
}

#[test]
fn a_reset_before_the_echo_is_exit_3_with_its_errno() {
    // reads the message, then resets the connection (SO_LINGER 0)
    let (addr, h) = odd_server(1, |mut c| {
        let mut b = [0u8; 5];
        c.read_exact(&mut b).unwrap();
        drop(socket2_linger_zero(&c));
    });
    let o = run(&["--json", "echo-client", "-m", "hello", "127.0.0.1", &addr.port().to_string()], b"");
    assert_exit(&o, 3);
    let evs = events(&o);
    let err = evs.iter().find(|e| matches!(e, Ev::Shared(SharedEv::Error { .. }))).unwrap_or_else(|| panic!("{evs:?}"));
    assert!(
        matches!(err, Ev::Shared(SharedEv::Error { message, errno: Some(104), code: Some(code), exit_code: 3, .. })
            if code == "ECONNRESET" && message == "the server reset the connection after echoing 0 of 5 bytes"),
        "{err:?}"
    );
    h.join().unwrap();
}

#[test]
fn extra_bytes_after_the_echo_are_exit_3() {
    let (addr, h) = odd_server(1, |mut c| {
        let mut b = [0u8; 5];
        c.read_exact(&mut b).unwrap();
        c.write_all(&b).unwrap();
        c.write_all(b" and more").unwrap();
    });
    let o = run(&["echo-client", "-m", "hello", "127.0.0.1", &addr.port().to_string()], b"");
    assert_exit(&o, 3);
    assert!(stderr(&o).contains("the server sent 9 bytes more than its echoes"), "{}", stderr(&o));
    assert!(stderr(&o).contains("MISMATCH (more came back than was sent)"), "{}", stderr(&o));
    h.join().unwrap();
}

/// Once every byte came back, --message ends with its summary, verified or
/// not (as stream mode does), then the error: a grader reads the verdict
/// from the summary in every case.
#[test]
fn a_wrong_echo_of_a_message_is_summarised_then_exit_3() {
    let (addr, h) = odd_server(2, |mut c| {
        let mut b = [0u8; 5];
        c.read_exact(&mut b).unwrap();
        c.write_all(&b).unwrap();
        c.read_exact(&mut b).unwrap();
        b[3] ^= 0x20;
        c.write_all(&b).unwrap();
    });
    let port = addr.port().to_string();
    let o = run(&["--json", "echo-client", "-m", "hello", "-m", "world", "-m", "never", "127.0.0.1", &port], b"");
    assert_exit(&o, 3);
    let evs = events(&o);
    let summary = evs.iter().find_map(|e| match e {
        Ev::Shared(SharedEv::Summary(netlab::events::Summary::Stream {
            bytes_sent,
            bytes_received,
            verified,
            first_mismatch_at,
            ..
        })) => Some((*bytes_sent, *bytes_received, *verified, *first_mismatch_at)),
        _ => None,
    });
    // the third message is not sent: the run stops at the first bad echo
    assert_eq!(summary, Some((10, 10, false, Some(8))), "{evs:?}");
    assert!(
        matches!(evs.last(), Some(Ev::Shared(SharedEv::Error { exit_code: 3, message, .. })) if message == "echo of message 2 differs from what was sent, first at byte 3"),
        "{evs:?}"
    );
    let o = run(&["echo-client", "-m", "hello", "-m", "world", "127.0.0.1", &port], b"");
    assert_exit(&o, 3);
    assert!(stderr(&o).contains("MISMATCH at byte 8"), "{}", stderr(&o));
    h.join().unwrap();
}

#[test]
fn client_messages_print_each_echo() {
    let s = start("select", &[]);
    let port = s.port.to_string();
    let o = run(&["echo-client", "--message", "hello", "-m", "second line", "127.0.0.1", &port], b"");
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "Message from server: hello\nMessage from server: second line\n");
    let o = run(&["--json", "echo-client", "-m", "abc", "localhost", &port, "-4"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    assert!(matches!(&evs[0], Ev::Shared(SharedEv::Connected { peer, .. }) if peer.starts_with("127.0.0.1:")));
    assert!(
        matches!(&evs[1], Ev::Shared(SharedEv::Echo { seq: 1, bytes: 3, data, data_hex: None, .. }) if data == "abc")
    );
    // a message is bytes: not UTF-8 is sent and verified like any other
    use std::os::unix::ffi::OsStrExt;
    let binary = std::ffi::OsStr::from_bytes(b"\xff\xfe\x80");
    let o = run_cmd(netlab().args(["--json", "echo-client", "-m"]).arg(binary).args(["127.0.0.1", &port]), b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    // its text is lossy; data_hex gives the bytes back exactly
    assert!(
        matches!(&evs[1], Ev::Shared(SharedEv::Echo { seq: 1, bytes: 3, data_hex: Some(h), .. }) if h == "fffe80"),
        "{evs:?}"
    );
    assert!(matches!(
        evs.last(),
        Some(Ev::Shared(SharedEv::Summary(netlab::events::Summary::Stream { verified: true, .. })))
    ));
    s.stop();
    // UDP takes the bytes too
    let u = Server::start(&["udp", "server", "--bind", "127.0.0.1", "0"]);
    let o = run_cmd(
        netlab().args(["--json", "udp", "client", "-m"]).arg(binary).args(["127.0.0.1", &u.port.to_string()]),
        b"",
    );
    assert_exit(&o, 0);
    assert!(
        matches!(&events(&o)[0], Ev::Shared(SharedEv::Echo { bytes: 3, data_hex: Some(h), .. }) if h == "fffe80"),
        "{}",
        stdout(&o)
    );
    u.wait_for("datagram", 10, |e| matches!(e, Ev::Udp(UdpEv::Datagram { bytes: 3, .. })));
    u.stop();
}

#[test]
fn client_connection_refused_is_one_line_exit_1() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port().to_string();
    drop(l);
    let o = run(&["echo-client", "-m", "x", "127.0.0.1", &port], b"");
    assert_exit(&o, 1);
    let err = stderr(&o);
    assert_eq!(
        err.lines().next().unwrap(),
        format!("netlab: echo-client: connect 127.0.0.1:{port}: Connection refused (ECONNREFUSED)")
    );
    assert!(err.lines().count() <= 2);
}

#[test]
fn client_timeout_on_a_stalled_echo() {
    // a server that accepts and never answers
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port().to_string();
    let o = run(&["echo-client", "--timeout", "0.3", "-m", "anyone?", "127.0.0.1", &port], b"");
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("no echo for 0.3 s"), "{}", stderr(&o));
    let o = run(&["echo-client", "--timeout", "0.3", "127.0.0.1", &port], b"some data");
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("no progress for 0.3 s"), "{}", stderr(&o));
    drop(l);
}

#[test]
fn client_prompt_mode_on_a_tty() {
    // A pseudo-terminal as stdin makes the client interactive.
    let s = start("select", &[]);
    let pty = nix::pty::openpty(None, None).expect("openpty");
    let mut cmd = netlab();
    cmd.args(["echo-client", "127.0.0.1", &s.port.to_string()]);
    cmd.stdin(std::process::Stdio::from(pty.slave));
    cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    let mut master = std::fs::File::from(pty.master);
    master.write_all(b"hello\nQ\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "Message from server: hello\n");
    assert!(stderr(&o).contains("Input message(Q to quit): "), "{}", stderr(&o));
    s.stop();
}

/// Prompt mode on a terminal checks as much as --message does: a line that
/// is not UTF-8 is sent as typed, and bytes after the last echo are exit 3.
#[test]
fn client_prompt_mode_sends_bytes_as_typed_and_checks_for_extra_ones() {
    let on_pty = |port: u16, typed: &[u8]| {
        let pty = nix::pty::openpty(None, None).expect("openpty");
        let mut cmd = netlab();
        cmd.args(["echo-client", "--timeout", "10", "127.0.0.1", &port.to_string()]);
        cmd.stdin(std::process::Stdio::from(pty.slave));
        cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
        let child = cmd.spawn().unwrap();
        let mut master = std::fs::File::from(pty.master);
        master.write_all(typed).unwrap();
        child.wait_with_output().unwrap()
    };
    let s = start("select", &[]);
    let o = on_pty(s.port, b"\xff\xfe abc\nQ\n");
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "Message from server: \u{fffd}\u{fffd} abc\n");
    s.stop();
    // a server that adds a byte after each echo
    let (addr, h) = odd_server(1, |mut c| {
        let mut b = [0u8; 64];
        let n = c.read(&mut b).unwrap();
        c.write_all(&b[..n]).unwrap();
        c.write_all(b"X").unwrap();
        let _ = c.read(&mut b);
    });
    let o = on_pty(addr.port(), b"hello\nQ\n");
    assert_exit(&o, 3);
    assert!(stderr(&o).contains("the server sent 1 bytes more than its echoes"), "{}", stderr(&o));
    h.join().unwrap();
}

// ---------------------------------------------------------------- load mode

fn load_summary(o: &std::process::Output) -> netlab::events::Summary {
    events(o)
        .into_iter()
        .find_map(|e| match e {
            Ev::Shared(SharedEv::Summary(s @ netlab::events::Summary::Load { .. })) => Some(s),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no load summary:\n{}\n{}", stdout(o), stderr(o)))
}

#[test]
fn load_mode_counts_exactly_and_verifies() {
    for m in ["select", "epoll", "thread"] {
        let s = start(m, &[]);
        let port = s.port.to_string();
        let o = run(
            &[
                "--json",
                "echo-client",
                "--connections",
                "8",
                "--size",
                "3000",
                "--requests",
                "2000",
                "127.0.0.1",
                &port,
            ],
            b"",
        );
        assert_exit(&o, 0);
        let netlab::events::Summary::Load {
            requests,
            errors,
            mismatches,
            connections,
            latency_p50_us,
            latency_max_us,
            ..
        } = load_summary(&o)
        else {
            unreachable!()
        };
        assert_eq!((requests, errors, mismatches, connections), (2000, 0, 0, 8), "{m}");
        let (p50, max) = (latency_p50_us.expect("latency measured"), latency_max_us.expect("latency measured"));
        assert!(p50 > 0 && max >= p50);
        s.wait_count("closed", 8, 10, |e| matches!(e, Ev::EchoServer(ServerEv::Closed { .. })));
        let evs = s.stop();
        let Some(Ev::Shared(SharedEv::Stopped { bytes_in, .. })) = evs.last() else { panic!() };
        assert_eq!(*bytes_in, 2000 * 3000, "{m}: the server saw every byte");
    }
}

#[test]
fn load_mode_reconnect_and_idle() {
    let s = start("epoll", &[]);
    let port = s.port.to_string();
    let o = run(
        &["--json", "echo-client", "--connections", "4", "--reconnect", "--requests", "300", "127.0.0.1", &port],
        b"",
    );
    assert_exit(&o, 0);
    let netlab::events::Summary::Load { requests, reconnect, errors, .. } = load_summary(&o) else { unreachable!() };
    assert_eq!((requests, reconnect, errors), (300, true, 0));
    s.wait_count("accepted", 300, 20, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })));
    let o = run(
        &["--json", "echo-client", "--connections", "2", "--idle", "50", "--requests", "200", "127.0.0.1", &port],
        b"",
    );
    assert_exit(&o, 0);
    let netlab::events::Summary::Load { requests, idle, .. } = load_summary(&o) else { unreachable!() };
    assert_eq!((requests, idle), (200, 50));
    s.wait_count("accepted", 352, 20, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })));
    s.stop();
}

#[test]
fn load_mode_duration_is_bounded() {
    let s = start("epoll", &[]);
    let o = run(
        &["--json", "echo-client", "--connections", "3", "--duration", "0.3", "127.0.0.1", &s.port.to_string()],
        b"",
    );
    assert_exit(&o, 0);
    let netlab::events::Summary::Load { requests, duration_s, .. } = load_summary(&o) else { unreachable!() };
    assert!(requests > 0);
    assert!((0.3..10.0).contains(&duration_s), "{duration_s}");
    s.stop();
}

#[test]
fn load_mode_against_a_stalled_server_ends_on_time_with_a_summary() {
    // a listener that never accepts: connects succeed (the backlog), no echo
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port().to_string();
    let t0 = std::time::Instant::now();
    let o = run(
        &["--json", "echo-client", "--connections", "2", "--duration", "0.3", "--timeout", "30", "127.0.0.1", &port],
        b"",
    );
    let took = t0.elapsed();
    assert_exit(&o, 1);
    assert!(took < Duration::from_secs(10), "--duration 0.3 ran {took:?}");
    let netlab::events::Summary::Load { requests, unfinished, .. } = load_summary(&o) else { unreachable!() };
    assert_eq!((requests, unfinished), (0, 2));
    assert!(stderr(&o).contains("2 requests still had no echo 1 s after the end of --duration"), "{}", stderr(&o));
    // --requests: no progress for --timeout, still a summary
    let o = run(
        &["--json", "echo-client", "--connections", "2", "--requests", "5", "--timeout", "0.3", "127.0.0.1", &port],
        b"",
    );
    assert_exit(&o, 1);
    let netlab::events::Summary::Load { unfinished, .. } = load_summary(&o) else { unreachable!() };
    assert_eq!(unfinished, 2);
    assert!(stderr(&o).contains("no progress for 0.3 s with 2 requests outstanding"), "{}", stderr(&o));
    drop(l);
}

#[test]
fn load_mode_ctrl_c_ends_early_with_the_summary() {
    let s = start("epoll", &[]);
    let child = netlab()
        .args(["--json", "echo-client", "--connections", "4", "--duration", "60", "127.0.0.1", &s.port.to_string()])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    s.wait_count("accepted", 4, 10, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })));
    let t0 = std::time::Instant::now();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(t0.elapsed() < Duration::from_secs(10), "SIGINT took {:?}", t0.elapsed());
    assert_exit(&o, 0);
    let netlab::events::Summary::Load { requests, errors, mismatches, duration_s, .. } = load_summary(&o) else {
        unreachable!()
    };
    assert!(requests > 0 && errors == 0 && mismatches == 0, "{}", stdout(&o));
    assert!(duration_s < 30.0, "{duration_s}");
    s.stop();
}

/// A failed request does not retire its connection: the next request goes
/// out on a new one, so the run does all it was asked for and counts every
/// failure (here a server that closes each connection after 10 echoes).
#[test]
fn load_mode_carries_on_after_a_connection_fails() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port().to_string();
    let h = std::thread::spawn(move || {
        for c in l.incoming().take(40) {
            let mut c = c.unwrap();
            std::thread::spawn(move || {
                let mut b = [0u8; 16];
                for _ in 0..10 {
                    if c.read_exact(&mut b).is_err() || c.write_all(&b).is_err() {
                        return;
                    }
                }
                // take the 11th request, then close: nothing unread, so a
                // FIN (a close with unread data would be a reset instead)
                let _ = c.read_exact(&mut b);
            });
        }
    });
    let o = run(
        &["--json", "echo-client", "--connections", "2", "--size", "16", "--requests", "100", "127.0.0.1", &port],
        b"",
    );
    assert_exit(&o, 1);
    let netlab::events::Summary::Load { requests, errors, mismatches, unfinished, .. } = load_summary(&o) else {
        unreachable!()
    };
    assert_eq!(requests + errors + mismatches + unfinished, 100, "every request is accounted for: {}", stdout(&o));
    assert!(requests >= 80 && errors >= 5, "requests {requests}, errors {errors}");
    assert!(stderr(&o).contains("the server closed a connection mid-request"), "{}", stderr(&o));
    // unblock the acceptor: the connections it still waits for
    for _ in 0..40 {
        if TcpStream::connect(format!("127.0.0.1:{port}")).is_err() {
            break;
        }
    }
    h.join().unwrap();
}

/// A server that accepts and drops every connection: each connection is
/// retired after 3 failures in a row, and the run ends long before its
/// --duration instead of reconnecting at full speed.
#[test]
fn load_mode_retires_a_connection_that_only_fails() {
    let (addr, h) = odd_server(6, drop);
    let o = run(
        &["--json", "echo-client", "--connections", "2", "--duration", "30", "127.0.0.1", &addr.port().to_string()],
        b"",
    );
    assert_exit(&o, 1);
    let netlab::events::Summary::Load { requests, errors, duration_s, .. } = load_summary(&o) else { unreachable!() };
    assert_eq!((requests, errors), (0, 6), "{}", stdout(&o));
    assert!(duration_s < 20.0, "{duration_s}");
    h.join().unwrap();
}

/// Ctrl-C while the idle connections are still being opened (here the
/// server never answers the first one's probe) ends the run at once, with
/// its summary and exit 0, not after --timeout.
#[test]
fn load_mode_ctrl_c_while_opening_idle_connections() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port().to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    let h = std::thread::spawn(move || {
        let c = l.accept().unwrap().0;
        tx.send(()).unwrap();
        // hold it, silent, until the client has gone
        let _ = (&c).read(&mut [0u8; 16]);
        let _ = (&c).read(&mut [0u8; 16]);
    });
    let child = netlab()
        .args(["--json", "echo-client", "--idle", "5", "--duration", "2", "--timeout", "60", "127.0.0.1", &port])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    rx.recv_timeout(Duration::from_secs(10)).expect("the first idle connection");
    let t0 = std::time::Instant::now();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(t0.elapsed() < Duration::from_secs(10), "SIGINT took {:?}", t0.elapsed());
    assert_exit(&o, 0);
    let netlab::events::Summary::Load { requests, errors, .. } = load_summary(&o) else { unreachable!() };
    assert_eq!((requests, errors), (0, 0));
    h.join().unwrap();
}

#[test]
fn load_mode_detects_corruption_and_refusal() {
    let (addr, h) = slow_echo_server(4096, Some(5000));
    let o = run(
        &[
            "--json",
            "echo-client",
            "--connections",
            "1",
            "--size",
            "1000",
            "--requests",
            "10",
            "127.0.0.1",
            &addr.port().to_string(),
        ],
        b"",
    );
    assert_exit(&o, 3);
    let netlab::events::Summary::Load { mismatches, requests, .. } = load_summary(&o) else { unreachable!() };
    assert_eq!((mismatches, requests), (1, 5), "requests 1..5 are fine, the 6th has byte 5000 flipped");
    h.join().unwrap();
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port().to_string();
    drop(l);
    let o = run(&["--json", "echo-client", "--connections", "2", "--requests", "10", "127.0.0.1", &port], b"");
    assert_exit(&o, 1);
    // the cause is named (the first failure, with its errno), not only counted
    let want = format!(
        "netlab: echo-client: 2 connections failed (0 requests completed); the first: connect 127.0.0.1:{port}: \
         Connection refused (ECONNREFUSED); -v shows each"
    );
    assert_eq!(stderr(&o).lines().next(), Some(want.as_str()), "{}", stderr(&o));
    let v = json_values(&o).pop().unwrap();
    assert_eq!((v["event"].as_str(), v["code"].as_str()), (Some("error"), Some("ECONNREFUSED")), "{v}");
    assert!(
        matches!(load_summary(&o), netlab::events::Summary::Load { requests: 0, latency_p50_us: None, .. }),
        "no latency without a completed request"
    );
    for bad in [
        &["--connections", "0"][..],
        &["--connections", "2", "--requests", "5", "--duration", "1"],
        &["--connections", "1", "--size", "0"],
        &["--connections", "1", "--split"],
    ] {
        let mut a = vec!["echo-client"];
        a.extend_from_slice(bad);
        a.extend_from_slice(&["127.0.0.1", "9"]);
        assert_exit(&run(&a, b""), 2);
    }
}

#[test]
fn a_signal_right_after_the_listening_line_is_handled() {
    // The readiness line promises the handlers are installed.
    for m in MODELS {
        for _ in 0..5 {
            start(m, &[]).stop();
        }
    }
    for _ in 0..5 {
        Server::start(&["udp", "server", "--bind", "127.0.0.1", "0"]).stop();
    }
}

#[test]
fn fork_children_do_not_hold_each_others_connections() {
    let _serial = exclusive();
    let s = start("fork", &[]);
    for _ in 0..20 {
        // Both connect before the server wakes, so they may be accepted in
        // one batch; B stays open and silent while A finishes.
        let b = TcpStream::connect(s.addr()).unwrap();
        let d = random_bytes(1000, 4);
        let t0 = std::time::Instant::now();
        assert_eq!(echo_through(s.addr(), &d), d);
        assert!(t0.elapsed() < Duration::from_secs(5), "A's EOF waited for B's child");
        drop(b);
    }
    s.stop();
}

#[test]
fn stats_count_live_connections_bytes() {
    for m in MODELS {
        let s = start(m, &[]);
        let mut c = TcpStream::connect(s.addr()).unwrap();
        let d = random_bytes(100_000, 6);
        let w = c.try_clone().unwrap();
        let d2 = d.clone();
        let writer = std::thread::spawn(move || (&w).write_all(&d2).unwrap());
        let mut back = vec![0u8; d.len()];
        c.read_exact(&mut back).unwrap();
        writer.join().unwrap();
        assert!(back == d);
        // still connected: its bytes are in the stats
        s.signal(Signal::SIGUSR1);
        let st = s.wait_for("stats", 10, |e| matches!(e, Ev::Shared(SharedEv::Stats { .. })));
        let Ev::Shared(SharedEv::Stats { conns_now, bytes_in, bytes_out, .. }) = st else { unreachable!() };
        assert_eq!((conns_now, bytes_in, bytes_out), (1, 100_000, 100_000), "{m}");
        drop(c);
        s.stop();
    }
}

/// The socket accept() returned has TCP_NODELAY, unless --nagle: read back
/// from the server's own descriptor (pidfd_getfd copies it into this test
/// process), in every model, so it holds however the server gets it there.
#[test]
fn accepted_sockets_have_tcp_nodelay_unless_nagle() {
    use std::os::fd::{FromRawFd, OwnedFd};
    /// A copy of descriptor `fd` of process `pid` (Linux 5.6+, and
    /// permission to ptrace it: the server is this test's descendant).
    fn steal(pid: u32, fd: i32) -> std::io::Result<OwnedFd> {
        // SAFETY: plain syscalls on integers; each result is checked and a
        // descriptor they return is owned by nobody else.
        unsafe {
            let pidfd = libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0);
            if pidfd < 0 {
                return Err(std::io::Error::last_os_error());
            }
            let pidfd = OwnedFd::from_raw_fd(pidfd as i32);
            let copy = libc::syscall(libc::SYS_pidfd_getfd, std::os::fd::AsRawFd::as_raw_fd(&pidfd), fd, 0);
            if copy < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(OwnedFd::from_raw_fd(copy as i32))
        }
    }
    for m in MODELS {
        for (extra, want) in [(&[][..], true), (&["--nagle"][..], false)] {
            let s = start(m, extra);
            let mut c = connect(s.addr());
            // one echo: the connection is being served, its socket open
            echo_on(&mut c, b"x");
            let Ev::EchoServer(ServerEv::Accepted { fd, pid, .. }) =
                s.wait_for("accepted", 10, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })))
            else {
                unreachable!()
            };
            let sock = match steal(pid, fd) {
                Ok(sock) => sock,
                // a kernel before 5.6, or a seccomp or ptrace policy against it
                Err(e) if matches!(e.raw_os_error(), Some(libc::ENOSYS | libc::EPERM)) => {
                    eprintln!("SKIPPED accepted_sockets_have_tcp_nodelay_unless_nagle: pidfd_getfd is not available here ({e})");
                    return;
                }
                Err(e) => panic!("{m}: pidfd_getfd({pid}, {fd}): {e}"),
            };
            let nodelay = nix::sys::socket::getsockopt(&sock, nix::sys::socket::sockopt::TcpNoDelay).unwrap();
            assert_eq!(nodelay, want, "{m} {extra:?}: TCP_NODELAY of the accepted socket");
            drop(c);
            s.stop();
        }
    }
}
