//! Faults (issue: "prove nothing breaks and nothing is lost"): descriptor
//! exhaustion, descriptor leaks, signal storms, FD_SETSIZE, clients that
//! never read, tiny socket buffers, resets, client caps. Idle timeouts,
//! TIME_WAIT, a closed stdout and the servers' own limits are in
//! `faults_lifecycle.rs`. Every model unless noted; every loop bounded in
//! count and time; real processes on 127.0.0.1, port 0.

use crate::common::*;
use crate::models::{for_each_model, for_models, model_args, variants};
use nix::sys::signal::Signal;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant};

pub fn server_cmd(model: &str, extra: &[&str]) -> std::process::Command {
    let mut c = netlab();
    c.args(["--json", "echo-server"]).args(model_args(model)).args(["--bind", "127.0.0.1"]).args(extra).arg("0");
    c
}

/// The file status flags (`flags:` of /proc/PID/fdinfo, octal) of each of
/// the process's listening TCP sockets, by descriptor.
fn listener_flags(pid: u32) -> Vec<(String, String)> {
    let mut listening = std::collections::HashSet::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        for line in std::fs::read_to_string(table).unwrap_or_default().lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() > 9 && f[3] == "0A" {
                listening.insert(format!("socket:[{}]", f[9]));
            }
        }
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(format!("/proc/{pid}/fd")).into_iter().flatten().flatten() {
        let link = std::fs::read_link(e.path()).map(|l| l.to_string_lossy().into_owned()).unwrap_or_default();
        if listening.contains(&link) {
            let fd = e.file_name().to_string_lossy().into_owned();
            let info = std::fs::read_to_string(format!("/proc/{pid}/fdinfo/{fd}")).unwrap_or_default();
            let flags = info.lines().find_map(|l| l.strip_prefix("flags:")).unwrap_or("").trim().to_string();
            out.push((fd, flags));
        }
    }
    out.sort();
    out
}

/// CPU time (user + system) of a process and its live children, in clock ticks.
pub fn cpu_ticks(pid: u32) -> u64 {
    proc_stat(pid).map_or(0, |p| p.cpu_ticks) + children_of(pid).iter().map(|c| c.cpu_ticks).sum::<u64>()
}

/// A `kB` figure of /proc/PID/status (`VmRSS`, `VmSize`); 0 if unreadable.
pub fn status_kb(pid: u32, key: &str) -> u64 {
    proc_status(pid, key).and_then(|v| v.split_whitespace().next()?.parse().ok()).unwrap_or(0)
}

fn rss_kb(pid: u32) -> u64 {
    status_kb(pid, "VmRSS")
}

fn fd_count(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count()).unwrap_or(0)
}

/// Threads of `pid` that are not on their way out. A worker the server has
/// joined can still be listed in /proc/PID/task for a moment: the kernel
/// wakes pthread_join (clearing the thread id) in the middle of do_exit and
/// unlists the task only at its end. PF_EXITING (0x4 in the flags field of
/// /proc/PID/task/TID/stat) is set before that wake-up, so a task without it
/// is a thread the server still counts as live.
fn threads_of(pid: u32) -> usize {
    const PF_EXITING: u64 = 0x4;
    task_stats(pid).iter().filter(|t| t.flags & PF_EXITING == 0).count()
}

/// Echo a little, retrying until `deadline` (the server may still be
/// recovering); returns when the echo came back exact.
fn echo_until(addr: SocketAddr, deadline: Instant) {
    let data = random_bytes(2000, 99);
    loop {
        let attempt = (|| -> std::io::Result<Vec<u8>> {
            let mut s = TcpStream::connect_timeout(&addr, Duration::from_millis(300))?;
            s.set_read_timeout(Some(Duration::from_millis(300)))?;
            s.write_all(&data)?;
            s.shutdown(std::net::Shutdown::Write)?;
            let mut back = Vec::new();
            s.read_to_end(&mut back)?;
            Ok(back)
        })();
        if attempt.as_deref().ok() == Some(&data[..]) {
            return;
        }
        assert!(Instant::now() < deadline, "no exact echo before the deadline ({attempt:?})");
    }
}

#[test]
fn emfile_flood_backs_off_and_recovers() {
    let _serial = exclusive();
    for_each_model(|m| {
        let mut cmd = server_cmd(m, &[]);
        // SAFETY: setrlimit is async-signal-safe; runs in the child before exec.
        unsafe {
            cmd.pre_exec(|| {
                let r = libc::rlimit { rlim_cur: 32, rlim_max: 32 };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &r) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let s = Server::start_cmd(&mut cmd);
        let before = listener_flags(s.pid);
        assert!(!before.is_empty(), "{m}: no listening socket found in /proc");
        let flood: Vec<TcpStream> = (0..80).filter_map(|_| TcpStream::connect(s.addr()).ok()).collect();
        assert!(flood.len() >= 60, "{m}: could not open the flood");
        if !matches!(m, "iterative" | "fork") {
            // these run out of descriptors and say so
            s.wait_for(
                "rejected (out of descriptors)",
                10,
                |e| matches!(e, Ev::EchoServer(ServerEv::Rejected { reason, .. }) if reason.contains("out of file descriptors")),
            );
        }
        // the refusal through the spare descriptor sets O_NONBLOCK for its
        // accept(); a listener that was non-blocking stays so (select and
        // poll once blocked in accept() here, serving no one until a signal)
        assert_eq!(listener_flags(s.pid), before, "{m}: the listener's file flags changed (octal)");
        // saturated: CPU over one second stays under 5 %
        let hz = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK).ok().flatten().unwrap_or(100) as u64;
        let t0 = cpu_ticks(s.pid);
        // the measurement: CPU used over one second of saturation
        std::thread::sleep(Duration::from_secs(1));
        let used = cpu_ticks(s.pid) - t0;
        assert!(used * 100 < 5 * hz, "{m}: {used} ticks of CPU in 1 s while out of descriptors (busy loop?)");
        drop(flood);
        let t_recover = Instant::now();
        echo_until(s.addr(), Instant::now() + Duration::from_secs(1));
        eprintln!(
            "FIGURE emfile {m}: nofile=32, {} flood connections, CPU {:.1}% over 1 s while saturated, echo again {} ms after the flood closed",
            80,
            used as f64 * 100.0 / hz as f64,
            t_recover.elapsed().as_millis()
        );
        assert!(!s.stderr().contains("panicked"));
        s.stop();
    });
}

#[test]
fn ten_thousand_connections_leave_no_fds_behind() {
    let _serial = exclusive();
    for_each_model(|m| {
        let s = Server::start_cmd(&mut server_cmd(m, &[]));
        // settle: the first connection allocates nothing persistent
        echo_until(s.addr(), Instant::now() + Duration::from_secs(5));
        s.wait_count("closed", 1, 10, |e| matches!(e, Ev::EchoServer(ServerEv::Closed { .. })));
        let before = fd_count(s.pid);
        let conns = if m == "iterative" { "1" } else { "8" };
        let o = run(
            &[
                "--json",
                "echo-client",
                "--connections",
                conns,
                "--reconnect",
                "--requests",
                "10000",
                "--size",
                "32",
                "127.0.0.1",
                &s.port.to_string(),
            ],
            b"",
        );
        assert_exit(&o, 0);
        s.wait_count("closed", 10_001, 60, |e| matches!(e, Ev::EchoServer(ServerEv::Closed { .. })));
        if m == "fork" {
            s.wait_count("reaped", 10_001, 60, |e| matches!(e, Ev::Shared(SharedEv::Reaped { .. })));
        }
        let after = fd_count(s.pid);
        eprintln!("FIGURE fds {m}: {before} descriptors before, {after} after 10,000 connections");
        assert_eq!(after, before, "{m}: descriptors leaked after 10,000 connections");
        s.stop();
    });
}

#[test]
fn fork_thousand_connections_no_zombies() {
    let _serial = exclusive();
    let s = Server::start_cmd(&mut server_cmd("fork", &[]));
    let o = run(
        &[
            "--json",
            "echo-client",
            "--connections",
            "50",
            "--reconnect",
            "--requests",
            "1000",
            "127.0.0.1",
            &s.port.to_string(),
        ],
        b"",
    );
    assert_exit(&o, 0);
    s.wait_count("reaped", 1000, 30, |e| matches!(e, Ev::Shared(SharedEv::Reaped { .. })));
    // every child reaped: /proc lists none of them once the kernel has
    // released them (bounded: 10 s; a zombie would stay)
    let gone = eventually(10, || children_of(s.pid).is_empty());
    let zombies = children_of(s.pid).iter().filter(|c| c.state == 'Z').count();
    eprintln!(
        "FIGURE zombies fork: 1,000 connections 50 at a time, {zombies} zombies and {} children after the last reaped (all gone: {gone})",
        children_of(s.pid).len()
    );
    assert_eq!(zombies, 0);
    assert_eq!(children_of(s.pid).len(), 0);
    s.stop();
}

/// A bounded signal storm at `pid` while traffic flows; returns how many were sent.
fn storm(pid: u32, sig: Signal, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut n = 0u64;
        let deadline = Instant::now() + Duration::from_secs(20);
        while !stop.load(std::sync::atomic::Ordering::Relaxed) && n < 200_000 && Instant::now() < deadline {
            if nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), sig).is_err() {
                break;
            }
            n += 1;
        }
        n
    })
}

#[test]
fn signal_storms_lose_nothing() {
    let _serial = exclusive();
    for_each_model(|m| {
        let s = Server::start_cmd(&mut server_cmd(m, &[]));
        let sig = if m == "fork" { Signal::SIGCHLD } else { Signal::SIGUSR1 };
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let h = storm(s.pid, sig, stop.clone());
        let conns = if m == "iterative" { "1" } else { "4" };
        let o = run(
            &[
                "--json",
                "echo-client",
                "--connections",
                conns,
                "--size",
                "4000",
                "--requests",
                "3000",
                "127.0.0.1",
                &s.port.to_string(),
            ],
            b"",
        );
        let data = random_bytes(1 << 20, 5);
        let back = echo_through(s.addr(), &data);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let sent = h.join().unwrap();
        assert!(sent > 100, "{m}: the storm did not run");
        assert_exit(&o, 0);
        assert!(back == data, "{m}: bytes lost or changed under a {sig} storm");
        eprintln!("FIGURE storm {m}: {sent} x {sig} during 3,000 verified requests + a 1 MiB echo: 0 bytes lost, server alive");
        assert!(!s.stderr().contains("panicked"), "{m}");
        s.stop();
    });
}

/// Open /dev/null onto every descriptor 3..=1029 in the child before exec.
fn inherit_fds(cmd: &mut std::process::Command) {
    // SAFETY: open, dup2 and setrlimit are async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            let r = libc::rlimit { rlim_cur: 4096, rlim_max: 4096 };
            let mut cur = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut cur);
            if cur.rlim_cur < 4096 && libc::setrlimit(libc::RLIMIT_NOFILE, &r) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let nul = libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY);
            if nul < 0 {
                return Err(std::io::Error::last_os_error());
            }
            for fd in 3..=1029 {
                if fd != nul && libc::dup2(nul, fd) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
}

#[test]
fn select_refuses_fds_over_fd_setsize_others_serve_them() {
    for m in ["select", "poll", "epoll", "thread"] {
        let mut cmd = server_cmd(m, &[]);
        inherit_fds(&mut cmd);
        let s = Server::start_cmd(&mut cmd);
        if m == "select" {
            for _ in 0..3 {
                let mut c = TcpStream::connect(s.addr()).unwrap();
                c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let _ = c.write_all(b"hello");
                let mut b = Vec::new();
                let n = c.read_to_end(&mut b).unwrap_or(0);
                assert_eq!(n, 0, "select echoed on an fd >= FD_SETSIZE");
            }
            s.wait_count(
                "rejected",
                3,
                10,
                |e| matches!(e, Ev::EchoServer(ServerEv::Rejected { reason, .. }) if reason.contains("FD_SETSIZE")),
            );
            s.wait_stderr("FD_SETSIZE", 10);
        } else {
            let data = random_bytes(100_000, 3);
            assert_eq!(echo_through(s.addr(), &data), data, "{m}");
            let ev = s.wait_for("accepted", 10, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })));
            assert!(matches!(ev, Ev::EchoServer(ServerEv::Accepted { fd, .. }) if fd > 1029), "{m}: {ev:?}");
        }
        s.stop();
    }
}

/// A connection select refuses for its descriptor (fd >= FD_SETSIZE) does
/// not count toward --max-conns: with --max-conns 1, two refused clients
/// leave the server listening (it used to shut the listener on the first,
/// call accept() again and die of EINVAL), and it stops cleanly on SIGINT.
#[test]
fn select_refused_connections_do_not_count_toward_max_conns() {
    let mut cmd = server_cmd("select", &["--max-conns", "1"]);
    inherit_fds(&mut cmd);
    let mut s = Server::start_cmd(&mut cmd);
    for i in 0..2 {
        let mut c = TcpStream::connect(s.addr()).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = c.write_all(b"hello");
        // closed at once, unechoed: an EOF, or a reset (the hello unread)
        let mut back = Vec::new();
        match c.read_to_end(&mut back) {
            Ok(_) => assert!(back.is_empty(), "{i}: select echoed on an fd >= FD_SETSIZE"),
            Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{i}: {e}"),
        }
        s.wait_count(
            "rejected",
            i + 1,
            10,
            |e| matches!(e, Ev::EchoServer(ServerEv::Rejected { reason, .. }) if reason.contains("FD_SETSIZE")),
        );
    }
    assert!(
        proc_stat(s.pid).is_some_and(|p| p.state != 'Z'),
        "the server stopped although it served no one: {}",
        s.stderr()
    );
    s.signal(Signal::SIGINT);
    assert_eq!(s.wait_exit(10), Some(0), "stderr: {}", s.stderr());
    assert!(matches!(s.events().last(), Some(Ev::Shared(SharedEv::Stopped { conns: 0, .. }))), "{:?}", s.events());
}

#[test]
fn never_reading_client_costs_little_memory_and_loses_nothing() {
    let _serial = exclusive();
    for_models(variants().filter(|m| *m != "iterative"), |m| {
        let s = Server::start_cmd(&mut server_cmd(m, &[]));
        echo_until(s.addr(), Instant::now() + Duration::from_secs(5));
        let rss0 = rss_kb(s.pid);
        let mut hog = TcpStream::connect(s.addr()).unwrap();
        hog.set_write_timeout(Some(Duration::from_secs(1))).unwrap();
        let data = random_bytes(64 << 20, 17);
        let mut sent = 0usize;
        while sent < data.len() {
            match hog.write(&data[sent..(sent + 65536).min(data.len())]) {
                Ok(n) => sent += n,
                Err(_) => break, // blocked for a second: the server stopped reading us
            }
        }
        assert!(sent < data.len(), "{m}: the server read 64 MiB from a client that never reads");
        let t0 = Instant::now();
        let small = random_bytes(10_000, 18);
        assert_eq!(echo_through(s.addr(), &small), small, "{m}");
        assert!(t0.elapsed() < Duration::from_secs(1), "{m}: another client waited {:?}", t0.elapsed());
        let grew = rss_kb(s.pid).saturating_sub(rss0);
        eprintln!(
            "FIGURE hog {m}: the hog got {sent} bytes in before the server stopped reading it; RSS +{grew} KiB; another client's echo took {} ms",
            t0.elapsed().as_millis()
        );
        assert!(grew < 8 * 1024, "{m}: RSS grew by {grew} KiB");
        // now read: every byte sent comes back, in order
        hog.shutdown(std::net::Shutdown::Write).unwrap();
        hog.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut back = Vec::with_capacity(sent);
        hog.read_to_end(&mut back).unwrap();
        assert!(back.len() == sent && back[..] == data[..sent], "{m}: {} of {sent} bytes came back", back.len());
        s.stop();
    });
}

#[test]
fn hundred_megabytes_through_4k_buffers() {
    let _serial = exclusive();
    for_each_model(|m| {
        let s = Server::start_cmd(&mut server_cmd(m, &[]));
        // close-on-exec: the servers other tests start meanwhile must not
        // inherit it
        let owned = nix::sys::socket::socket(
            nix::sys::socket::AddressFamily::Inet,
            nix::sys::socket::SockType::Stream,
            nix::sys::socket::SockFlag::SOCK_CLOEXEC,
            None,
        )
        .unwrap();
        // SAFETY: the descriptor was just opened and is handed over whole.
        let fd = unsafe { netlab::sys::Fd::from_raw(std::os::fd::IntoRawFd::into_raw_fd(owned)) };
        netlab::sys::setsockopt_int(&fd, &netlab::sys::SO_SNDBUF, 4096).unwrap();
        netlab::sys::setsockopt_int(&fd, &netlab::sys::SO_RCVBUF, 4096).unwrap();
        netlab::sys::connect(&fd, s.addr()).unwrap();
        use std::os::fd::FromRawFd;
        // SAFETY: the descriptor is connected and owned by nothing else now.
        let sock = unsafe { TcpStream::from_raw_fd(fd.into_raw()) };
        sock.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut w = sock.try_clone().unwrap();
        const TOTAL: usize = 100 << 20;
        let writer = std::thread::spawn(move || {
            let mut x = 0x2545_f491_4f6c_dd1du64;
            let mut chunk = vec![0u8; 1 << 16];
            let mut sent = 0;
            while sent < TOTAL {
                for b in chunk.iter_mut() {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    *b = x as u8;
                }
                let n = chunk.len().min(TOTAL - sent);
                w.write_all(&chunk[..n]).unwrap();
                sent += n;
            }
            w.shutdown(std::net::Shutdown::Write).unwrap();
        });
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let (mut got, mut buf, mut r) = (0usize, vec![0u8; 1 << 16], &sock);
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            for (i, b) in buf[..n].iter().enumerate() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                assert_eq!(*b, x as u8, "{m}: byte {} differs", got + i);
            }
            got += n;
        }
        writer.join().unwrap();
        assert_eq!(got, TOTAL, "{m}");
        eprintln!("FIGURE 4k-buffers {m}: 100 MiB through SO_SNDBUF/SO_RCVBUF 4096, every byte compared: equal");
        s.stop();
    });
}

fn rst_client(addr: SocketAddr, n: usize) {
    let s = TcpStream::connect(addr).unwrap();
    let _ = (&s).write_all(&random_bytes(n, n as u64));
    use std::os::fd::{FromRawFd, IntoRawFd};
    // SAFETY: the fd is ours; wrapped to set SO_LINGER {1, 0}, then closed.
    let fd = unsafe { netlab::sys::Fd::from_raw(s.into_raw_fd()) };
    netlab::sys::set_linger(&fd, true, 0).unwrap();
    drop(unsafe { TcpStream::from_raw_fd(fd.into_raw()) });
}

#[test]
fn hundred_resets_are_never_fatal() {
    let _serial = exclusive();
    for_each_model(|m| {
        let s = Server::start_cmd(&mut server_cmd(m, &[]));
        let addr = s.addr();
        for batch in 0..10 {
            let hs: Vec<_> =
                (0..10).map(|i| std::thread::spawn(move || rst_client(addr, 50_000 + batch * 10 + i))).collect();
            hs.into_iter().for_each(|h| h.join().unwrap());
        }
        let data = random_bytes(100_000, 21);
        assert_eq!(echo_through(addr, &data), data, "{m}");
        s.wait_count("closed", 101, 30, |e| matches!(e, Ev::EchoServer(ServerEv::Closed { .. })));
        let resets = s
            .events()
            .iter()
            .filter(|e| matches!(e, Ev::EchoServer(ServerEv::Closed { reason, .. }) if reason == "reset"))
            .count();
        assert!(resets > 0, "{m}: no connection was reported as reset");
        eprintln!("FIGURE resets {m}: 100 RST clients, {resets} reported as reset, the next echo exact");
        s.stop();
    });
}

#[test]
fn max_clients_caps_children_and_threads_under_a_flood() {
    let _serial = exclusive();
    for m in ["fork", "thread"] {
        let s = Server::start_cmd(&mut server_cmd(m, &["--max-clients", "10"]));
        let addr = s.addr();
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let hs: Vec<_> = (0..200)
            .map(|i| {
                let done = done.clone();
                std::thread::spawn(move || {
                    let mut c = TcpStream::connect(addr).unwrap();
                    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
                    let d = random_bytes(100, i);
                    c.write_all(&d).unwrap();
                    let mut b = vec![0u8; 100];
                    c.read_exact(&mut b).unwrap();
                    assert_eq!(b, d);
                    // a slow client on purpose: it holds its slot a little
                    // so the cap is exercised
                    std::thread::sleep(Duration::from_millis(20));
                    done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                })
            })
            .collect();
        let mut max_seen = 0;
        let deadline = Instant::now() + Duration::from_secs(60);
        while done.load(std::sync::atomic::Ordering::SeqCst) < 200 && Instant::now() < deadline {
            let n = if m == "fork" { children_of(s.pid).len() } else { threads_of(s.pid).saturating_sub(1) };
            max_seen = max_seen.max(n);
            // the sampling interval of a bounded sampler
            std::thread::sleep(Duration::from_millis(5));
        }
        hs.into_iter().for_each(|h| h.join().unwrap());
        eprintln!("FIGURE max-clients {m}: 200 clients, --max-clients 10, at most {max_seen} live at any sample");
        assert!(max_seen <= 10, "{m}: {max_seen} children/threads with --max-clients 10");
        assert!(max_seen >= 2, "{m}: the flood never ran in parallel ({max_seen})");
        s.stop();
    }
}
