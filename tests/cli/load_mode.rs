//! The echo-client's load mode: exact counts, every echo verified,
//! --reconnect and --idle, --duration and --timeout bound the run, Ctrl-C
//! ends it with its summary, failures are counted and named.

use crate::common::*;
use crate::models::start;
use crate::peers::{odd_server, slow_echo_server};
use nix::sys::signal::Signal;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

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
