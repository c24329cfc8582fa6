//! The echo-server's promises, run against every model: every byte back in
//! order, half-close, many clients at once, resets and clients that never
//! read affect no one, IPv6, the order of events, the text form, stats of
//! live connections and TCP_NODELAY. Real processes, 127.0.0.1 (and ::1),
//! port 0.

use crate::common::*;
use crate::models::{for_each_model, for_models, model_args, start, variants};
use crate::peers::reset_mid_stream;
use nix::sys::signal::Signal;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

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

/// Waiting for the server to stop reading the hog, not for a while: the
/// server's end of the hog's connection holds bytes it has not read, and
/// the hog's own send buffer is full (its write says EAGAIN).
#[test]
fn a_client_that_never_reads_does_not_block_others() {
    use std::os::fd::AsFd;
    let _serial = exclusive();
    for_models(variants().filter(|m| *m != "iterative"), |m| {
        let s = start(m, &[]);
        // The hog writes far more than the socket buffers hold, never reads.
        let mut hog = TcpStream::connect(s.addr()).unwrap();
        hog.set_nonblocking(true).unwrap();
        let hog_port = hog.local_addr().unwrap().port();
        s.wait_for("the hog's accepted", 10, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { conn: 1, .. })));
        let chunk = vec![0x5au8; 64 * 1024];
        let mut sent = 0usize;
        // Writes until the server has stopped reading the hog (true), or
        // 64 MiB went in (false); bounded by 10 s.
        let mut fill = |sent: &mut usize| {
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while *sent < 64 << 20 {
                match hog.write(&chunk) {
                    Ok(n) => *sent += n,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        let server_end = tcp_socket(s.port, hog_port);
                        if server_end.is_some_and(|e| e.rx_queue > 0 && e.tx_queue > 0) {
                            return true;
                        }
                        assert!(
                            std::time::Instant::now() < deadline,
                            "{m}: the hog's buffer is full but the server has nothing of it unread: {server_end:?}"
                        );
                        // the server is still reading: wait for room
                        let mut p = [nix::poll::PollFd::new(hog.as_fd(), nix::poll::PollFlags::POLLOUT)];
                        let _ = nix::poll::poll(&mut p, nix::poll::PollTimeout::from(100u16));
                    }
                    Err(e) => panic!("{m}: the hog's write: {e}"),
                }
            }
            false
        };
        let stopped = fill(&mut sent);
        assert!(stopped, "{m}: the server kept reading a client that never reads ({sent} bytes)");
        let data = random_bytes(100_000, 4);
        assert_eq!(echo_through(s.addr(), &data), data, "{m}: another client was delayed or broken");
        // and it has not read the hog meanwhile: nothing more goes in
        let stopped = fill(&mut sent);
        assert!(sent < 64 << 20, "{m}: the server kept reading a client that never reads ({sent} bytes)");
        assert!(stopped);
        drop(hog);
        s.stop();
    });
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

/// A grader that runs clients one after another and diffs the server's
/// events must get the same order every run: a client saw its echo end
/// (EOF) before it connected again, so that connection's `closed` comes
/// before the next one's `accepted`, in every model (fork's `closed` does
/// not wait for SIGCHLD, the thread model's for its worker's close).
#[test]
fn sequential_clients_give_events_in_their_order() {
    const CLIENTS: u64 = 25;
    for_each_model(|m| {
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
    });
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

#[test]
fn stats_count_live_connections_bytes() {
    for_each_model(|m| {
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
    });
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
    for_each_model(|m| {
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
    });
}
