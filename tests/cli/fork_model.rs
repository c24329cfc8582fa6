//! The fork model's own promises: no zombies and no leaked descriptors,
//! --max-clients caps the live children, and a child holds no other
//! child's connection.

use crate::common::*;
use crate::models::start;
use nix::sys::signal::Signal;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

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

/// --max-clients 2 holds while more clients really wait: two served (two
/// `accepted`, two children in /proc), two more in the listen queue (the
/// kernel's accept backlog of the listener says so), and the server goes
/// round its loop with them waiting (SIGUSR1 wakes it and it prints stats:
/// the second stats line comes out only after everything the first wake-up
/// did) without accepting them. Each is served as soon as a slot frees up.
#[test]
fn fork_max_clients_caps_live_children() {
    let s = start("fork", &["--max-clients", "2"]);
    let accepted =
        |s: &Server| s.events().iter().filter(|e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. }))).count();
    let mut held: Vec<TcpStream> = (0..2).map(|_| connect(s.addr())).collect();
    for c in held.iter_mut() {
        // served: its child echoes
        assert_eq!(echo_on(c, b"x"), b"x");
    }
    s.wait_count("accepted", 2, 10, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })));
    assert!(eventually(10, || children_of(s.pid).len() == 2), "children: {:?}", children_of(s.pid));
    let mut waiting: Vec<TcpStream> = (0..2).map(|_| connect(s.addr())).collect();
    for c in waiting.iter_mut() {
        c.write_all(b"waiting").unwrap();
    }
    assert!(eventually(10, || accept_queue(s.port) == Some(2)), "accept queue {:?}", accept_queue(s.port));
    for n in 1..=2 {
        s.signal(Signal::SIGUSR1);
        s.wait_count("stats", n, 10, |e| matches!(e, Ev::Shared(SharedEv::Stats { .. })));
    }
    let stats = s.wait_for("stats", 10, |e| matches!(e, Ev::Shared(SharedEv::Stats { .. })));
    assert!(matches!(stats, Ev::Shared(SharedEv::Stats { conns_now: 2, .. })), "{stats:?}");
    assert_eq!(children_of(s.pid).len(), 2, "more than --max-clients children");
    assert_eq!(accepted(&s), 2);
    assert_eq!(accept_queue(s.port), Some(2), "the others still wait");
    // the waiting ones are served as soon as a slot frees up
    held[0].shutdown(std::net::Shutdown::Write).unwrap();
    s.wait_count("accepted", 3, 10, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })));
    assert!(children_of(s.pid).len() <= 2, "more than --max-clients children: {:?}", children_of(s.pid));
    held[1].shutdown(std::net::Shutdown::Write).unwrap();
    s.wait_count("accepted", 4, 10, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })));
    for c in waiting.iter_mut() {
        let mut back = [0u8; 7];
        c.read_exact(&mut back).unwrap();
        assert_eq!(&back, b"waiting");
    }
    drop((held, waiting));
    s.stop();
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
