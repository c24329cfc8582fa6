//! How an echo-server stops and what bounds it, in every model: SIGINT,
//! SIGTERM and SIGUSR1, --max-conns (and the clients it then refuses), the
//! backlog, a port in use, --idle-timeout.

use crate::common::*;
use crate::models::{for_each_model, for_models, model_args, model_name, start};
use nix::sys::signal::Signal;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

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
        assert_eq!((conns_total, bytes_in, model.as_str()), (1, 1000, model_name(m)));
        assert_eq!(echo_through(s.addr(), &data), data, "{m}: serves after SIGUSR1");
        s.stop();
    });
}

#[test]
fn a_signal_right_after_the_listening_line_is_handled() {
    // The readiness line promises the handlers are installed.
    for_each_model(|m| {
        for _ in 0..5 {
            start(m, &[]).stop();
        }
    });
    for _ in 0..5 {
        Server::start(&["udp", "server", "--bind", "127.0.0.1", "0"]).stop();
    }
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
    for_models(["iterative", "fork"], |m| {
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
            // the pace of the requests is the test: every 200 ms
            std::thread::sleep(Duration::from_millis(200));
        }
        drop(silent);
        s.stop();
    });
}

/// A silent client dropped by --idle-timeout while another, connected after
/// it (a higher descriptor), keeps talking: the multiplexing models stop
/// watching the closed descriptor (select() would fail with EBADF) and the
/// active client is served throughout.
#[test]
fn idle_timeout_leaves_the_active_clients_alone() {
    for_models(["select", "poll", "epoll"], |m| {
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
            // the client's pace is the test: active, well inside its 1 s
            std::thread::sleep(Duration::from_millis(100));
        }
        for _ in 0..5 {
            ping(round);
            round += 1;
            // still active, at its pace, after the silent one was dropped
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(s.events().iter().filter(|e| dropped(e)).count(), 1, "{m}: only the silent client is dropped");
        drop((silent, active));
        s.stop();
    });
}
