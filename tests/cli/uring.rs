//! The uring model and `--threads` beyond the conformance suite (which
//! runs them with every other model in echo.rs and faults.rs): a kernel
//! that refuses io_uring, what `--trace` narrates, the `threads` field,
//! totals added up over loops, --max-conns across loops, --max-clients
//! split between them, and the provided-buffer pool under many clients
//! that never read.

use crate::common::*;
use crate::models::start;
use nix::sys::signal::Signal;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant};

/// Install, in the child before exec, a seccomp filter that fails
/// io_uring_setup with `errno` (what Docker's default profile does with
/// EPERM). Only the child is filtered.
pub fn refuse_io_uring(cmd: &mut std::process::Command, errno: i32) {
    // SAFETY: prctl and seccomp are plain system calls, async-signal-safe,
    // made in the forked child before exec; the filter program lives on
    // this closure's stack for the duration of the call.
    unsafe {
        cmd.pre_exec(move || {
            const IO_URING_SETUP: u32 = 425;
            let filter = [
                // A = seccomp_data.nr
                libc::sock_filter { code: 0x20, jt: 0, jf: 0, k: 0 },
                // if A == io_uring_setup: the next instruction, else skip it
                libc::sock_filter { code: 0x15, jt: 0, jf: 1, k: IO_URING_SETUP },
                libc::sock_filter { code: 0x06, jt: 0, jf: 0, k: 0x0005_0000 | errno as u32 },
                libc::sock_filter { code: 0x06, jt: 0, jf: 0, k: 0x7fff_0000 },
            ];
            let prog = libc::sock_fprog { len: filter.len() as u16, filter: filter.as_ptr() as *mut _ };
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
                || libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &prog as *const _) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[test]
fn a_kernel_that_refuses_io_uring_is_exit_1_with_the_call_errno_and_a_hint() {
    for (errno, name, text, cause) in [
        (libc::EPERM, "EPERM", "Operation not permitted", "seccomp"),
        (libc::ENOSYS, "ENOSYS", "Function not implemented", "no io_uring"),
    ] {
        let mut cmd = netlab();
        cmd.args(["echo-server", "--model", "uring", "--bind", "127.0.0.1", "0"]);
        refuse_io_uring(&mut cmd, errno);
        let o = run_cmd(&mut cmd, b"");
        assert_exit(&o, 1);
        let err = stderr(&o);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines[0], format!("netlab: echo-server: io_uring_setup: {text} ({name})"), "{err}");
        assert!(lines[1].starts_with("hint: ") && lines[1].contains(cause), "{err}");
        assert!(lines[1].contains("--model epoll"), "{err}");
        assert_eq!(lines.len(), 2, "{err}");
        // never a silent fallback: nothing was served, nobody was told it listens
        assert!(stdout(&o).is_empty(), "{}", stdout(&o));
        // the JSON error event carries the errno
        let mut cmd = netlab();
        cmd.args(["--json", "echo-server", "--model", "uring", "--threads", "2", "--bind", "127.0.0.1", "0"]);
        refuse_io_uring(&mut cmd, errno);
        let o = run_cmd(&mut cmd, b"");
        assert_exit(&o, 1);
        let v = json_values(&o);
        assert_eq!(v.len(), 1, "only the error: {v:?}");
        assert_eq!(v[0]["event"], "error");
        assert_eq!(v[0]["code"], name);
        assert_eq!(v[0]["errno"], errno);
    }
}

/// Restores kernel.io_uring_disabled when dropped.
struct SysctlGuard(String);

impl Drop for SysctlGuard {
    fn drop(&mut self) {
        let _ = std::fs::write("/proc/sys/kernel/io_uring_disabled", &self.0);
    }
}

/// kernel.io_uring_disabled = 1 refuses io_uring to processes without
/// CAP_SYS_ADMIN outside kernel.io_uring_group: netlab run as `nobody`
/// gets EPERM, and the hint names the sysctl. (Setting 2 would refuse it
/// to every process, the other tests' servers included, while it is set;
/// 1 leaves this test's root siblings alone.)
#[test]
fn the_io_uring_disabled_sysctl_is_named_in_the_hint() {
    const PATH: &str = "/proc/sys/kernel/io_uring_disabled";
    if !nix::unistd::geteuid().is_root() {
        eprintln!("SKIPPED the_io_uring_disabled_sysctl_is_named_in_the_hint: needs root (to set {PATH})");
        return;
    }
    let Ok(before) = std::fs::read_to_string(PATH) else {
        eprintln!("SKIPPED the_io_uring_disabled_sysctl_is_named_in_the_hint: no {PATH} on this kernel");
        return;
    };
    if before.trim() != "0" {
        eprintln!("SKIPPED the_io_uring_disabled_sysctl_is_named_in_the_hint: {PATH} is {} already", before.trim());
        return;
    }
    let guard = SysctlGuard(before);
    if std::fs::write(PATH, "1").is_err() {
        eprintln!("SKIPPED the_io_uring_disabled_sysctl_is_named_in_the_hint: {PATH} is read-only here");
        return;
    }
    let mut cmd = netlab();
    cmd.args(["echo-server", "--model", "uring", "--bind", "127.0.0.1", "0"]).uid(65534).gid(65534);
    let o = run_cmd(&mut cmd, b"");
    drop(guard);
    assert_eq!(std::fs::read_to_string(PATH).unwrap().trim(), "0", "the sysctl is restored");
    if stderr(&o).contains("Permission denied") && !stderr(&o).contains("io_uring") {
        eprintln!("SKIPPED the_io_uring_disabled_sysctl_is_named_in_the_hint: nobody cannot run the binary here");
        return;
    }
    assert_exit(&o, 1);
    let err = stderr(&o);
    assert!(err.starts_with("netlab: echo-server: io_uring_setup: Operation not permitted (EPERM)\n"), "{err}");
    assert!(err.contains("hint: sysctl kernel.io_uring_disabled = 1") && err.contains("--model epoll"), "{err}");
}

#[test]
fn threads_with_another_model_is_one_line_and_exit_2() {
    for m in ["iterative", "fork", "select", "poll", "thread"] {
        let o = run(&["echo-server", "--model", m, "--threads", "2", "0"], b"");
        assert_exit(&o, 2);
        assert_eq!(
            stderr(&o),
            format!("netlab: echo-server: --threads works with --model epoll and --model uring, not --model {m}\n")
        );
    }
}

#[test]
fn listening_reports_threads_for_uring_and_threaded_epoll_only() {
    let threads = |m: &str| {
        let s = start(m, &[]);
        let line = s.events().into_iter().next();
        let Some(Ev::Shared(SharedEv::Listening { threads, .. })) = line else { panic!("{m}: {line:?}") };
        s.stop();
        threads
    };
    assert_eq!(threads("uring"), Some(1));
    assert_eq!(threads("uring --threads 3"), Some(3));
    assert_eq!(threads("epoll --threads 2"), Some(2));
    // the line every other model printed before stays byte for byte
    assert_eq!(threads("epoll"), None);
    let s = start("epoll", &[]);
    let evs = s.stop();
    let Ev::Shared(listening) = &evs[0] else { panic!() };
    assert!(!serde_json::to_string(listening).unwrap().contains("threads"));
}

/// 40 clients over two loops: the kernel hashes them to both listeners;
/// `stats` and `stopped` count every loop's clients and bytes.
#[test]
fn stats_and_stopped_add_up_every_loop() {
    let _serial = exclusive();
    for m in ["epoll --threads 2", "uring --threads 2"] {
        let mut cmd = netlab();
        cmd.args(["--json", "--trace", "echo-server"]).args(crate::models::model_args(m));
        let s = Server::start_cmd(cmd.args(["--bind", "127.0.0.1", "0"]));
        let mut open = Vec::new();
        for i in 0..40u64 {
            let mut c = connect(s.addr());
            assert_eq!(echo_on(&mut c, &random_bytes(100, i)), random_bytes(100, i), "{m}");
            open.push(c);
        }
        s.signal(Signal::SIGUSR1);
        let st = s.wait_for("stats", 10, |e| matches!(e, Ev::Shared(SharedEv::Stats { .. })));
        let Ev::Shared(SharedEv::Stats { conns_now, conns_total, bytes_in, bytes_out, .. }) = st else {
            unreachable!()
        };
        assert_eq!((conns_now, conns_total, bytes_in, bytes_out), (40, 40, 4000, 4000), "{m}");
        // both loops served some (trace lines carry the loop's name)
        s.wait_count("accepted", 40, 10, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })));
        let err = s.stderr();
        // `accept4(4, SOCK_NONBLOCK) = 9 (…)`, `IORING_OP_ACCEPT(fd 4) -> 9 (…)`
        let accepted = |l: &str| {
            let result = l.split_once("accept4(").or_else(|| l.split_once("IORING_OP_ACCEPT(")).map(|(_, r)| r);
            result
                .and_then(|r| r.split_once(") = ").or_else(|| r.split_once(") -> ")))
                .is_some_and(|(_, v)| v.starts_with(|c: char| c.is_ascii_digit()))
        };
        for lp in ["[loop 0]", "[loop 1]"] {
            assert!(err.lines().any(|l| l.starts_with(lp) && accepted(l)), "{m}: {lp} accepted no one");
        }
        drop(open);
        s.wait_count("closed", 40, 10, |e| matches!(e, Ev::EchoServer(ServerEv::Closed { .. })));
        let evs = s.stop();
        let Some(Ev::Shared(SharedEv::Stopped { conns, bytes_in, bytes_out, .. })) = evs.last() else { unreachable!() };
        assert_eq!((*conns, *bytes_in, *bytes_out), (40, 4000, 4000), "{m}");
        let mut ids: Vec<u64> = evs
            .iter()
            .filter_map(|e| if let Ev::EchoServer(ServerEv::Accepted { conn, .. }) = e { Some(*conn) } else { None })
            .collect();
        ids.sort();
        assert_eq!(ids, (1..=40).collect::<Vec<_>>(), "{m}: connection numbers are shared by the loops");
    }
}

/// --max-conns counts across loops: the server ends after exactly N, and
/// every loop shuts its listener.
#[test]
fn max_conns_counts_across_loops() {
    for m in ["epoll --threads 2", "uring --threads 2"] {
        let mut s = start(m, &["--max-conns", "6"]);
        for i in 0..6u64 {
            assert_eq!(echo_through(s.addr(), &random_bytes(50, i)), random_bytes(50, i), "{m}");
        }
        assert_eq!(s.wait_exit(10), Some(0), "{m}: {}", s.stderr());
        let evs = s.events();
        let Some(Ev::Shared(SharedEv::Stopped { signal: None, conns: 6, .. })) = evs.last() else {
            panic!("{m}: {evs:?}")
        };
        // later clients are refused at once (no listener is left)
        assert!(TcpStream::connect(s.addr()).is_err(), "{m}");
    }
}

/// --max-clients N with --threads T: each loop serves its share (N / T),
/// so never more than N at once.
#[test]
fn max_clients_is_split_between_the_loops() {
    for m in ["epoll --threads 2", "uring --threads 2"] {
        let s = start(m, &["--max-clients", "2"]);
        let mut clients: Vec<TcpStream> = (0..8).map(|_| connect(s.addr())).collect();
        for c in clients.iter_mut() {
            c.write_all(b"x").unwrap();
        }
        // whoever is served echoes; give the loops a moment, then count
        let t0 = Instant::now();
        let mut served = 0;
        for c in clients.iter_mut() {
            c.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
            let mut b = [0u8; 1];
            if c.read_exact(&mut b).is_ok() {
                served += 1;
            }
        }
        assert!((1..=2).contains(&served), "{m}: {served} clients served at once with --max-clients 2");
        let accepted = s.events().iter().filter(|e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. }))).count();
        assert!(accepted <= 2, "{m}: {accepted} accepted");
        drop(clients);
        assert!(t0.elapsed() < Duration::from_secs(10));
        s.stop();
    }
}

#[test]
fn trace_narrates_io_uring_operations_and_completions() {
    let mut s = Server::start_cmd(netlab().args([
        "--json",
        "--trace",
        "echo-server",
        "--model",
        "uring",
        "--bind",
        "127.0.0.1",
        "--max-conns",
        "1",
        "0",
    ]));
    let mut c = connect(s.addr());
    assert_eq!(echo_on(&mut c, b"hello"), b"hello");
    assert_eq!(echo_on(&mut c, b"again"), b"again");
    drop(c);
    assert_eq!(s.wait_exit(10), Some(0));
    let err = s.stderr();
    let Some(Ev::EchoServer(ServerEv::Accepted { fd, .. })) =
        s.events().into_iter().find(|e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })))
    else {
        panic!("no accepted event")
    };
    let calls: Vec<&str> = err.lines().map(trace_call).collect();
    let has = |prefix: &str| calls.iter().any(|l| l.starts_with(prefix));
    for want in [
        "io_uring_setup(512, {flags=IORING_SETUP_CQSIZE|",
        "io_uring_register(4, IORING_REGISTER_PBUF_RING, {ring_addr=",
        "io_uring_register(4, IORING_REGISTER_ENABLE_RINGS, NULL, 0) = 0",
        "IORING_OP_ACCEPT(fd 3) queued",
        &format!("IORING_OP_ACCEPT(fd 3) -> {fd} (127.0.0.1:"),
        &format!("IORING_OP_RECV(fd {fd}, multishot, group 0) queued"),
        &format!("IORING_OP_RECV(fd {fd}, multishot, group 0) -> 5 bytes in buffer "),
        &format!("IORING_OP_SEND(fd {fd}, 5 bytes, MSG_DONTWAIT|MSG_NOSIGNAL) -> 5"),
        &format!("IORING_OP_RECV(fd {fd}, multishot, group 0) -> 0 (EOF) (multishot ended)"),
        &format!("IORING_OP_CLOSE(fd {fd}) queued"),
        "io_uring_enter(",
    ] {
        assert!(has(want), "missing {want:?} in\n{err}");
    }
    // netlab's own set-up carries its reason, the lesson's calls do not
    let setup = err.lines().find(|l| l.starts_with("io_uring_setup(")).unwrap();
    assert!(setup.contains("   # "), "{setup}");
    let accept = err.lines().find(|l| l.starts_with("IORING_OP_ACCEPT(fd 3) ->")).unwrap();
    assert!(!accept.contains("   # "), "{accept}");
}

#[test]
fn without_trace_nothing_is_narrated() {
    let s = start("uring", &[]);
    let data = random_bytes(100_000, 3);
    assert_eq!(echo_through(s.addr(), &data), data);
    let stderr = s.stderr();
    s.stop();
    assert!(stderr.is_empty(), "{stderr}");
}

/// `fd` in `accepted` is an ordinary descriptor of the process (not an
/// io_uring direct descriptor): /proc/PID/fd lists it as a socket.
#[test]
fn the_accepted_fd_is_a_descriptor_of_the_process() {
    let s = start("uring", &[]);
    let mut c = connect(s.addr());
    assert_eq!(echo_on(&mut c, b"x"), b"x");
    let Ev::EchoServer(ServerEv::Accepted { fd, pid, .. }) =
        s.wait_for("accepted", 10, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })))
    else {
        unreachable!()
    };
    let link = std::fs::read_link(format!("/proc/{pid}/fd/{fd}")).unwrap();
    assert!(link.to_string_lossy().starts_with("socket:["), "{link:?}");
    drop(c);
    s.stop();
}

/// More clients that never read than the provided-buffer pool can hold
/// (40 x 256 KiB held against a 4 MiB pool): their bytes are copied out
/// of the pool as it runs low, so a new client is still served at once,
/// and every byte the stuck clients sent comes back once they read.
#[test]
fn many_clients_that_never_read_do_not_hold_the_buffer_pool() {
    let _serial = exclusive();
    for m in ["uring", "uring --threads 2"] {
        let s = start(m, &[]);
        let mut hogs = Vec::new();
        let mut sent = Vec::new();
        for i in 0..40u64 {
            let mut h = TcpStream::connect(s.addr()).unwrap();
            h.set_write_timeout(Some(Duration::from_millis(300))).unwrap();
            let data = random_bytes(4 << 20, 100 + i);
            let mut n = 0;
            while n < data.len() {
                match h.write(&data[n..(n + 65536).min(data.len())]) {
                    Ok(k) => n += k,
                    Err(_) => break,
                }
            }
            hogs.push((h, data));
            sent.push(n);
        }
        let t0 = Instant::now();
        let small = random_bytes(20_000, 7);
        assert_eq!(echo_through(s.addr(), &small), small, "{m}");
        assert!(t0.elapsed() < Duration::from_secs(2), "{m}: a new client waited {:?}", t0.elapsed());
        for ((h, data), n) in hogs.iter_mut().zip(&sent) {
            h.shutdown(std::net::Shutdown::Write).unwrap();
            h.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
            let mut back = Vec::new();
            h.read_to_end(&mut back).unwrap();
            assert!(back.len() == *n && back[..] == data[..*n], "{m}: {} of {n} bytes came back", back.len());
        }
        s.stop();
    }
}
