//! `netlab udp`: server and client through the binary, a seeded lossy
//! relay with an exact plan, several clients at once, size limits, and the
//! no-amplification rules.

use crate::common::*;
use std::collections::HashSet;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn udp_server(extra: &[&str]) -> Server {
    let mut args = vec!["udp", "server", "--bind", "127.0.0.1"];
    args.extend_from_slice(extra);
    args.push("0");
    Server::start(&args)
}

fn summary(o: &std::process::Output) -> Summary {
    events(o)
        .into_iter()
        .find_map(|e| match e {
            Ev::Shared(SharedEv::Summary(s)) => Some(s),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no summary: {}\n{}", stdout(o), stderr(o)))
}

#[test]
fn trace_shows_sendto_and_recvfrom_with_their_flags() {
    let s = udp_server(&[]);
    let port = s.port.to_string();
    let o = run(&["--trace", "udp", "client", "-m", "hi", "127.0.0.1", &port], b"");
    assert_exit(&o, 0);
    let err = stderr(&o);
    assert!(err.lines().any(|l| l == format!("sendto(3, 2, 0, 127.0.0.1:{port}) = 2")), "{err}");
    assert!(
        err.lines().any(|l| l.starts_with("recvfrom(3, ") && l.ends_with(&format!(" = 2 (127.0.0.1:{port})"))),
        "{err}"
    );
    s.stop();
}

#[test]
fn messages_round_trip_and_events() {
    let s = udp_server(&[]);
    let port = s.port.to_string();
    let o = run(&["udp", "client", "-m", "hello", "-m", "datagram two", "127.0.0.1", &port], b"");
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "Message from server: hello\nMessage from server: datagram two\n");
    s.wait_count("datagram", 2, 10, |e| matches!(e, Ev::Udp(UdpEv::Datagram { replied: true, .. })));
    let evs = s.stop();
    assert!(
        matches!(
            evs.last(),
            Some(Ev::Shared(SharedEv::Stopped { datagrams: Some(2), bytes_in: 17, bytes_out: 17, .. }))
        ),
        "{evs:?}"
    );
}

#[test]
fn count_mode_clean_path() {
    let _serial = exclusive();
    let s = udp_server(&[]);
    let o = run(
        &[
            "--json",
            "udp",
            "client",
            "--count",
            "100",
            "--interval",
            "0.2",
            "--size",
            "200",
            "127.0.0.1",
            &s.port.to_string(),
        ],
        b"",
    );
    assert_exit(&o, 0);
    let Summary::Udp { sent, received, lost, duplicates, reordered, corrupt, rtt_p50_us, rtt_max_us, .. } = summary(&o)
    else {
        panic!()
    };
    assert_eq!((sent, received, lost, duplicates, reordered, corrupt), (100, 100, 0, 0, 0, 0));
    let (p50, max) = (rtt_p50_us.expect("rtt measured"), rtt_max_us.expect("rtt measured"));
    assert!(p50 > 0 && max >= p50);
    s.stop();
}

#[test]
fn largest_datagram_round_trips_and_one_more_is_emsgsize() {
    let s = udp_server(&[]);
    let port = s.port.to_string();
    let o = run(&["--json", "udp", "client", "--count", "1", "--size", "65507", "127.0.0.1", &port], b"");
    assert_exit(&o, 0);
    assert!(matches!(summary(&o), Summary::Udp { received: 1, corrupt: 0, .. }));
    let o = run(&["udp", "client", "--count", "1", "--size", "65508", "127.0.0.1", &port], b"");
    assert_exit(&o, 1);
    let err = stderr(&o);
    assert!(err.starts_with("netlab: udp: sendto 127.0.0.1:") && err.contains("Message too long (EMSGSIZE)"), "{err}");
    assert!(err.contains("hint: the largest UDP payload is 65507"), "{err}");
    // the JSON error names the errno, as every OS error does
    let o = run(&["--json", "udp", "client", "--count", "1", "--size", "65508", "127.0.0.1", &port], b"");
    assert_exit(&o, 1);
    let v = json_values(&o).pop().unwrap();
    assert_eq!((v["errno"].as_i64(), v["code"].as_str()), (Some(libc::EMSGSIZE as i64), Some("EMSGSIZE")), "{v}");
    s.stop();
}

#[test]
fn replies_are_never_larger_than_requests() {
    let s = udp_server(&[]);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = vec![0u8; 70000];
    for size in [0usize, 1, 7, 512, 1472, 9000, 65507] {
        let data = random_bytes(size, size as u64 + 1);
        sock.send_to(&data, s.addr()).unwrap();
        let (n, from) = sock.recv_from(&mut buf).unwrap();
        assert_eq!(from, s.addr());
        assert_eq!(&buf[..n], &data[..], "size {size}");
    }
    s.stop();
}

/// A UDP "echo" on 127.0.0.1 that answers each of `rounds` datagrams with
/// what `reply` makes of it; its port, and the thread to join.
fn odd_udp_echo(rounds: usize, reply: fn(&[u8]) -> Vec<Vec<u8>>) -> (String, std::thread::JoinHandle<()>) {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let port = sock.local_addr().unwrap().port().to_string();
    let h = std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        for _ in 0..rounds {
            let Ok((n, from)) = sock.recv_from(&mut buf) else { return };
            for d in reply(&buf[..n]) {
                sock.send_to(&d, from).unwrap();
            }
        }
    });
    (port, h)
}

/// A duplicated reply to an earlier message is not taken for the next
/// message's reply (--count mode counts it as a duplicate; -m skips it).
#[test]
fn duplicated_replies_are_skipped_in_message_mode() {
    // every datagram answered twice
    let (port, h) = odd_udp_echo(3, |d| vec![d.to_vec(), d.to_vec()]);
    let o = run(&["udp", "client", "-m", "one", "-m", "two", "-m", "three", "127.0.0.1", &port], b"");
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "Message from server: one\nMessage from server: two\nMessage from server: three\n");
    h.join().unwrap();
}

#[test]
fn corrupt_replies_are_exit_3_not_no_reply() {
    // the last byte of every datagram flipped
    let (port, h) = odd_udp_echo(10, |d| {
        let mut v = d.to_vec();
        if let Some(b) = v.last_mut() {
            *b ^= 0xff;
        }
        vec![v]
    });
    let o = run(&["--json", "udp", "client", "--count", "10", "--interval", "1", "127.0.0.1", &port], b"");
    assert_exit(&o, 3);
    assert!(
        stderr(&o).starts_with("netlab: udp: 10 replies did not match any datagram as it was sent"),
        "{}",
        stderr(&o)
    );
    let evs = events(&o);
    assert!(
        evs.iter().any(|e| matches!(
            e,
            Ev::Shared(SharedEv::Summary(netlab::events::Summary::Udp { corrupt: 10, received: 0, .. }))
        )),
        "{evs:?}"
    );
    h.join().unwrap();
}

#[test]
fn truncated_datagram_is_reported_and_not_echoed() {
    let s = udp_server(&["--buffer-size", "1000"]);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.send_to(&[7u8; 2000], s.addr()).unwrap();
    let ev = s.wait_for("datagram", 10, |e| matches!(e, Ev::Udp(UdpEv::Datagram { .. })));
    assert!(
        matches!(&ev, Ev::Udp(UdpEv::Datagram { bytes: 2000, truncated: true, replied: false, note: Some(n), .. }) if n.contains("--buffer-size")),
        "{ev:?}"
    );
    // a datagram that fits is still echoed
    sock.send_to(&[1u8; 1000], s.addr()).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut b = [0u8; 3000];
    let (n, _) = sock.recv_from(&mut b).unwrap();
    assert_eq!(n, 1000, "the first (truncated) datagram must not have been echoed");
    s.stop();
}

/// A real socket on each small-service port (root binds them): the server
/// drops its datagram (`small-service-port`) and nothing comes back.
#[test]
fn no_reply_to_small_service_ports() {
    let s = udp_server(&[]);
    let mut tried = Vec::new();
    for port in [7u16, 13, 17, 19, 37] {
        let Ok(sock) = UdpSocket::bind(("127.0.0.1", port)) else { continue };
        tried.push(port);
        sock.send_to(b"ping", s.addr()).unwrap();
        let ev = s.wait_for(
            "dropped",
            10,
            |e| matches!(e, Ev::Udp(UdpEv::Dropped { peer, .. }) if peer == &format!("127.0.0.1:{port}")),
        );
        assert!(
            matches!(
                &ev,
                Ev::Udp(UdpEv::Dropped {
                    reason: netlab::commands::udp::DropReason::SmallServicePort,
                    count: 1,
                    bytes: 4,
                    ..
                })
            ),
            "{ev:?}"
        );
        sock.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        let mut b = [0u8; 16];
        assert!(sock.recv_from(&mut b).is_err(), "the server replied to port {port}");
    }
    if tried.is_empty() {
        eprintln!(
            "SKIPPED no_reply_to_small_service_ports: cannot bind ports 7/13/17/19/37 here (not root, or in use)"
        );
    }
    let evs = s.stop();
    assert!(!evs.iter().any(|e| matches!(e, Ev::Udp(UdpEv::Datagram { .. }))), "{evs:?}");
    let n = tried.len() as u64;
    assert!(
        matches!(evs.last(), Some(Ev::Shared(SharedEv::Stopped { datagrams: Some(d), dropped, bytes_out: 0, .. }))
            if *d == n && *dropped == (n > 0).then_some(n)),
        "{evs:?}"
    );
}

#[test]
fn max_datagrams_then_exit_zero() {
    let mut s = udp_server(&["--max-datagrams", "3"]);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..3u8 {
        sock.send_to(&[i; 10], s.addr()).unwrap();
    }
    assert_eq!(s.wait_exit(10), Some(0), "{}", s.stderr());
    assert!(matches!(s.events().last(), Some(Ev::Shared(SharedEv::Stopped { signal: None, datagrams: Some(3), .. }))));
}

#[test]
fn connected_client_hears_port_unreachable() {
    let free = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port().to_string();
    drop(free);
    let o = run(&["udp", "client", "--connect", "-m", "anyone", "127.0.0.1", &port], b"");
    assert_exit(&o, 1);
    assert!(stderr(&o).contains(&format!("no UDP listener at 127.0.0.1:{port}")), "{}", stderr(&o));
    let o = run(&["udp", "client", "--timeout", "200", "-m", "anyone", "127.0.0.1", &port], b"");
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("no reply from"), "{}", stderr(&o));
    let o = run(&["udp", "client", "--count", "3", "--interval", "1", "--timeout", "200", "127.0.0.1", &port], b"");
    assert_exit(&o, 1);
    let o = run(&["--json", "udp", "client", "--connect", "-m", "anyone", "127.0.0.1", &port], b"");
    assert_exit(&o, 1);
    let v = json_values(&o).pop().unwrap();
    assert_eq!(v["code"].as_str(), Some("ECONNREFUSED"), "{v}");
}

/// With nothing back, the summary has no round-trip figures (null, not 0),
/// and the hint follows what was seen: a connected socket that heard no
/// port unreachable, or replies that came from another socket.
#[test]
fn no_reply_is_told_apart_from_replies_from_elsewhere() {
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    let o = run(
        &[
            "--json",
            "udp",
            "client",
            "--connect",
            "--count",
            "2",
            "--interval",
            "1",
            "--timeout",
            "200",
            "127.0.0.1",
            &port,
        ],
        b"",
    );
    assert_exit(&o, 1);
    assert!(
        matches!(
            summary(&o),
            Summary::Udp { received: 0, lost: 2, rtt_min_us: None, rtt_p50_us: None, rtt_max_us: None, .. }
        ),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("hint: no ICMP port unreachable came back either"), "{}", stderr(&o));

    // a "server" that answers from another socket: the client ignores it
    let (server, other) = (UdpSocket::bind("127.0.0.1:0").unwrap(), UdpSocket::bind("127.0.0.1:0").unwrap());
    let port = server.local_addr().unwrap().port().to_string();
    server.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let replier = std::thread::spawn(move || {
        let mut b = [0u8; 64];
        let (n, from) = server.recv_from(&mut b).unwrap();
        other.send_to(&b[..n], from).unwrap();
    });
    let o = run(&["udp", "client", "--timeout", "500", "-m", "hello", "127.0.0.1", &port], b"");
    replier.join().unwrap();
    assert_exit(&o, 1);
    let err = stderr(&o);
    assert!(err.contains("hint: 1 datagram(s) came from another address or port and were ignored"), "{err}");
}

#[test]
fn three_clients_at_once_get_only_their_own_replies() {
    let _serial = exclusive();
    let s = udp_server(&[]);
    let port = s.port.to_string();
    let hs: Vec<_> = (0..3)
        .map(|i| {
            let port = port.clone();
            std::thread::spawn(move || {
                let size = (100 + i * 50).to_string();
                run(
                    &[
                        "--json",
                        "udp",
                        "client",
                        "--count",
                        "300",
                        "--interval",
                        "0.5",
                        "--size",
                        &size,
                        "127.0.0.1",
                        &port,
                    ],
                    b"",
                )
            })
        })
        .collect();
    for h in hs {
        let o = h.join().unwrap();
        assert_exit(&o, 0);
        let Summary::Udp { received, corrupt, ignored, duplicates, .. } = summary(&o) else { panic!() };
        assert_eq!((received, corrupt, ignored, duplicates), (300, 0, 0, 0));
    }
    s.stop();
}

/// What the relay does to client→server datagrams, by sequence number.
struct Plan {
    drop: HashSet<u64>,
    dup: HashSet<u64>,
    /// hold i until i+1 has been forwarded (a swap)
    swap: HashSet<u64>,
}

fn plan(seed: u64, count: u64, each: usize) -> Plan {
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut used = HashSet::new();
    let mut pick = |n: usize, width: u64| {
        let mut v = HashSet::new();
        while v.len() < n {
            let i = 1 + next() % (count - 3);
            if (0..width).all(|k| !used.contains(&(i + k))) && !used.contains(&(i.wrapping_sub(1))) {
                (0..width).for_each(|k| {
                    used.insert(i + k);
                });
                v.insert(i);
            }
        }
        v
    };
    let drop = pick(each, 1);
    let dup = pick(each, 1);
    let swap = pick(each, 2);
    Plan { drop, dup, swap }
}

/// A lossy relay on loopback: client → relay → server and back.
fn relay(server: SocketAddr, plan: Plan, stop: Arc<AtomicBool>) -> (SocketAddr, Vec<std::thread::JoinHandle<()>>) {
    let front = UdpSocket::bind("127.0.0.1:0").unwrap();
    let back = UdpSocket::bind("127.0.0.1:0").unwrap();
    back.connect(server).unwrap();
    front.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    back.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let addr = front.local_addr().unwrap();
    let client: Arc<Mutex<Option<SocketAddr>>> = Arc::new(Mutex::new(None));
    let (f2, b2, c2, s2) = (front.try_clone().unwrap(), back.try_clone().unwrap(), client.clone(), stop.clone());
    let up = std::thread::spawn(move || {
        let mut buf = vec![0u8; 70000];
        let mut held: Option<(u64, Vec<u8>)> = None;
        while !s2.load(Ordering::Relaxed) {
            let Ok((n, from)) = f2.recv_from(&mut buf) else { continue };
            *c2.lock().unwrap() = Some(from);
            let seq = u64::from_be_bytes(buf[..8].try_into().unwrap());
            let d = buf[..n].to_vec();
            if plan.drop.contains(&seq) {
                continue;
            }
            if plan.swap.contains(&seq) {
                held = Some((seq, d));
                continue;
            }
            b2.send(&d).unwrap();
            if plan.dup.contains(&seq) {
                b2.send(&d).unwrap();
            }
            if let Some((h, hd)) = held.take() {
                assert_eq!(h + 1, seq, "relay plan: the datagram after a held one must come next");
                b2.send(&hd).unwrap();
            }
        }
    });
    let down = std::thread::spawn(move || {
        let mut buf = vec![0u8; 70000];
        while !stop.load(Ordering::Relaxed) {
            let Ok(n) = back.recv(&mut buf) else { continue };
            if let Some(c) = *client.lock().unwrap() {
                front.send_to(&buf[..n], c).unwrap();
            }
        }
    });
    (addr, vec![up, down])
}

#[test]
fn lossy_relay_counts_are_exact() {
    let _serial = exclusive();
    let s = udp_server(&[]);
    for seed in [1u64, 42, 2026] {
        let p = plan(seed, 400, 6);
        let (n_drop, n_dup, n_swap) = (p.drop.len() as u64, p.dup.len() as u64, p.swap.len() as u64);
        let stop = Arc::new(AtomicBool::new(false));
        let (addr, threads) = relay(s.addr(), p, stop.clone());
        let o = run(
            &[
                "--json",
                "udp",
                "client",
                "--count",
                "400",
                "--interval",
                "0.5",
                "--timeout",
                "2000",
                "127.0.0.1",
                &addr.port().to_string(),
            ],
            b"",
        );
        stop.store(true, Ordering::Relaxed);
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_exit(&o, 0);
        let Summary::Udp { sent, received, lost, duplicates, reordered, corrupt, late, loss_pct, .. } = summary(&o)
        else {
            panic!()
        };
        assert_eq!(sent, 400);
        assert_eq!((lost, duplicates, reordered), (n_drop, n_dup, n_swap), "seed {seed}");
        assert_eq!((received, corrupt, late), (400 - n_drop, 0, 0), "seed {seed}");
        assert!((loss_pct - n_drop as f64 * 100.0 / 400.0).abs() < 1e-9);
    }
    s.stop();
}

#[test]
fn loss_over_max_loss_is_exit_3() {
    let _serial = exclusive();
    let s = udp_server(&[]);
    let p = plan(7, 100, 5); // 5% dropped
    let stop = Arc::new(AtomicBool::new(false));
    let (addr, threads) = relay(s.addr(), p, stop.clone());
    let port = addr.port().to_string();
    let o = run(
        &[
            "udp",
            "client",
            "--count",
            "100",
            "--interval",
            "0.5",
            "--timeout",
            "1000",
            "--max-loss",
            "1",
            "127.0.0.1",
            &port,
        ],
        b"",
    );
    assert_exit(&o, 3);
    assert!(stderr(&o).contains("5.0% of 100 datagrams lost, over --max-loss 1%"), "{}", stderr(&o));
    stop.store(true, Ordering::Relaxed);
    threads.into_iter().for_each(|t| t.join().unwrap());
    s.stop();
}

#[test]
fn bad_udp_arguments() {
    for args in [
        &["udp", "client", "--count", "0", "127.0.0.1", "9"][..],
        &["udp", "client", "--size", "7", "--count", "1", "127.0.0.1", "9"],
        &["udp", "client", "--size", "70000", "--count", "1", "127.0.0.1", "9"],
        &["udp", "client", "--max-loss", "150", "127.0.0.1", "9"],
        &["udp", "client", "--interval", "-1", "127.0.0.1", "9"],
        &["udp", "client", "--timeout", "0", "--count", "2", "127.0.0.1", "9"],
        &["udp", "client", "-m", "x", "--size", "100", "127.0.0.1", "9"],
        &["udp", "client", "--max-loss", "5", "127.0.0.1", "9"],
        &["udp", "client", "--interval", "5", "-m", "x", "127.0.0.1", "9"],
        &["udp", "client", "-m", "x", "--count", "3", "127.0.0.1", "9"],
        &["udp", "client", "127.0.0.1", "0"],
        &["udp", "server", "65536"],
        &["udp", "server", "--buffer-size", "0", "0"],
        &["udp", "server", "--max-datagrams", "0", "0"],
    ] {
        let o = run(args, b"");
        assert_exit(&o, 2);
    }
}

/// Ctrl-C (or SIGTERM) during `--count` ends the run with its summary of
/// what was sent so far, as ping does, instead of dying silently.
#[test]
fn interrupted_count_run_still_prints_its_summary() {
    let s = udp_server(&[]);
    for sig in [nix::sys::signal::Signal::SIGINT, nix::sys::signal::Signal::SIGTERM] {
        let before = s.events().iter().filter(|e| matches!(e, Ev::Udp(UdpEv::Datagram { .. }))).count();
        let child = netlab()
            .args(["--json", "udp", "client", "--count", "100000", "--interval", "5", "127.0.0.1"])
            .arg(s.port.to_string())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // the client is running once the server has heard from it
        s.wait_count("datagram", before + 5, 10, |e| matches!(e, Ev::Udp(UdpEv::Datagram { .. })));
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), sig).unwrap();
        let o = child.wait_with_output().unwrap();
        assert_exit(&o, 0);
        let Summary::Udp { sent, received, .. } = summary(&o) else { panic!() };
        assert!((5..100_000).contains(&sent), "{sig}: sent {sent}");
        assert!(received >= 4 && received <= sent, "{sig}: {received} of {sent}");
    }
    s.stop();
}

/// SIGUSR1 on the UDP server: a stats event counting datagrams (not
/// connections, which UDP has none of), agreeing with the stopped summary.
#[test]
fn udp_server_stats_count_datagrams() {
    let s = udp_server(&[]);
    let o = run(&["udp", "client", "-m", "one", "-m", "two", "-m", "three", "127.0.0.1", &s.port.to_string()], b"");
    assert_exit(&o, 0);
    s.wait_count("datagram", 3, 10, |e| matches!(e, Ev::Udp(UdpEv::Datagram { .. })));
    s.signal(nix::sys::signal::Signal::SIGUSR1);
    let st = s.wait_for("stats", 10, |e| matches!(e, Ev::Shared(SharedEv::Stats { .. })));
    let Ev::Shared(SharedEv::Stats { conns_total, bytes_in, bytes_out, datagrams, .. }) = st else { unreachable!() };
    assert_eq!((conns_total, datagrams, bytes_in, bytes_out), (0, Some(3), 11, 11));
    let evs = s.stop();
    assert!(
        matches!(evs.last(), Some(Ev::Shared(SharedEv::Stopped { datagrams: Some(3), bytes_in: 11, .. }))),
        "{evs:?}"
    );
}
