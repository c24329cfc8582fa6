//! Faults around a server's life: an idle client dropped, TIME_WAIT on a
//! restart, a closed stdout, a buffer it cannot allocate, its threads'
//! scheduling, signals while it is busy, and what it does once
//! `--max-conns` is reached. Every loop bounded in count and time; real
//! processes on 127.0.0.1, port 0.

use crate::common::*;
use crate::faults::{cpu_ticks, server_cmd, status_kb};
use crate::models::{for_each_model, model_args, variants};
use nix::sys::signal::Signal;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant};

#[test]
fn iterative_idle_client_is_dropped_then_next_is_served() {
    let _serial = exclusive();
    let s = Server::start_cmd(&mut server_cmd("iterative", &["--idle-timeout", "0.5"]));
    let _silent = TcpStream::connect(s.addr()).unwrap();
    s.wait_for("accepted", 10, |e| matches!(e, Ev::EchoServer(ServerEv::Accepted { .. })));
    let t0 = Instant::now();
    let data = random_bytes(1000, 1);
    assert_eq!(echo_through(s.addr(), &data), data);
    let took = t0.elapsed();
    eprintln!("FIGURE idle iterative: --idle-timeout 0.5, the next client served after {} ms", took.as_millis());
    assert!(took < Duration::from_millis(1500), "the next client waited {took:?} (timeout 0.5 s + 1 s)");
    s.wait_for("timeout", 5, |e| matches!(e, Ev::EchoServer(ServerEv::Closed { reason, .. }) if reason == "timeout"));
    s.stop();
}

#[test]
fn time_wait_rebind_needs_reuseaddr() {
    // The server closes first (idle timeout), so its side is in TIME_WAIT.
    let s = Server::start_cmd(&mut server_cmd("select", &["--idle-timeout", "0.2"]));
    let port = s.port.to_string();
    let mut c = TcpStream::connect(s.addr()).unwrap();
    s.wait_for(
        "timeout close",
        10,
        |e| matches!(e, Ev::EchoServer(ServerEv::Closed { reason, .. }) if reason == "timeout"),
    );
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut b = [0u8; 1];
    assert_eq!(c.read(&mut b).unwrap(), 0);
    drop(c);
    s.stop();
    let o = run(&["echo-server", "--no-reuseaddr", "--bind", "127.0.0.1", "--max-conns", "1", &port], b"");
    assert_exit(&o, 1);
    let err = stderr(&o);
    assert!(
        err.contains("Address already in use (EADDRINUSE)") && err.contains("hint: ") && err.contains("TIME_WAIT"),
        "{err}"
    );
    let s2 = Server::start(&["echo-server", "--bind", "127.0.0.1", &port]);
    assert_eq!(s2.port.to_string(), port);
    s2.stop();
}

/// Read one byte of stdout, close the pipe, keep using the server.
#[test]
fn closed_stdout_never_crashes_a_server() {
    use std::process::Stdio;
    for args in variants()
        .map(|m| [&["echo-server"][..], &model_args(m), &["--bind", "127.0.0.1", "0"]].concat())
        .chain([vec!["udp", "server", "--bind", "127.0.0.1", "0"]])
    {
        for json in [false, true] {
            let mut cmd = netlab();
            if json {
                cmd.arg("--json");
            }
            let mut child = cmd.args(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
            let mut out = child.stdout.take().unwrap();
            // the first line is the listening event: read it, keep its port
            let mut line = Vec::new();
            let mut one = [0u8; 1];
            while out.read(&mut one).unwrap() == 1 && one[0] != b'\n' {
                line.push(one[0]);
            }
            let text = String::from_utf8_lossy(&line).to_string();
            let port: u16 = if json {
                match serde_json::from_str::<Ev>(&text) {
                    Ok(Ev::Shared(SharedEv::Listening { port: Some(port), .. })) => port,
                    other => panic!("first line {text:?}: {other:?}"),
                }
            } else {
                // "listening on 127.0.0.1:PORT (model …)"
                let after = text.split("127.0.0.1:").nth(1).expect("address in the listening line");
                after.chars().take_while(|c| c.is_ascii_digit()).collect::<String>().parse().unwrap()
            };
            drop(out); // `| head -1`
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            if args[0] == "udp" {
                let u = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
                u.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                for _ in 0..20 {
                    u.send_to(b"ping", addr).unwrap();
                    let mut b = [0u8; 8];
                    assert_eq!(u.recv_from(&mut b).unwrap().0, 4);
                }
            } else {
                for i in 0..20 {
                    let d = random_bytes(5000, i);
                    assert_eq!(echo_through(addr, &d), d, "{args:?}");
                }
            }
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
            let o = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(0), "{args:?} json={json}: {err}");
            assert!(!err.contains("panicked"), "{args:?}: {err}");
        }
    }
}

#[test]
fn closed_stdout_for_clients() {
    use std::process::Stdio;
    let s = Server::start(&["echo-server", "--model", "epoll", "--bind", "127.0.0.1", "0"]);
    let u = Server::start(&["udp", "server", "--bind", "127.0.0.1", "0"]);
    let (tp, up) = (s.port.to_string(), u.port.to_string());
    let runs: Vec<Vec<&str>> = vec![
        vec!["echo-client", "-m", "a", "-m", "b", "127.0.0.1", &tp],
        vec!["echo-client", "--connections", "2", "--requests", "100", "127.0.0.1", &tp],
        vec!["udp", "client", "-m", "a", "-m", "b", "127.0.0.1", &up],
        vec!["udp", "client", "--count", "20", "--interval", "0", "127.0.0.1", &up],
        vec!["resolve", "localhost"],
        vec!["fileio", "read", "/proc/self/status"],
    ];
    for args in runs {
        stops_when_stdout_closes(netlab().args(&args), false);
    }
    // the stream mode writes data to stdout: a closed pipe ends it cleanly
    let mut child = netlab()
        .args(["echo-client", "127.0.0.1", &tp])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut sin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let d = random_bytes(4 << 20, 1);
        let _ = sin.write_all(&d);
    });
    let mut out = child.stdout.take().unwrap();
    let mut one = [0u8; 1];
    out.read_exact(&mut one).unwrap();
    drop(out);
    let o = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(matches!(o.status.code(), Some(0)), "{err}");
    u.stop();
    s.stop();
}

/// The thread model allocates each client's buffer; when that fails (an
/// address-space limit here), that one client is closed with reason
/// "error" and the server, and the client already served, carry on. (An
/// aborting allocation used to take the whole server down.)
#[test]
fn thread_model_survives_a_buffer_it_cannot_allocate() {
    let _serial = exclusive();
    // one malloc arena: the address space used is then what the test counts
    let s = Server::start_cmd(server_cmd("thread", &["--buffer-size", "64M"]).env("MALLOC_ARENA_MAX", "1"));
    let vm_kb = status_kb(s.pid, "VmSize");
    assert!(vm_kb > 0, "no VmSize for the server");
    // room for one 64 MiB buffer and 48 MiB of everything else, not two
    let limit = (vm_kb + 64 * 1024 + 48 * 1024) * 1024;
    let rl = libc::rlimit { rlim_cur: limit, rlim_max: limit };
    // SAFETY: prlimit reads `rl` and writes nothing (old limit pointer null).
    let rc = unsafe { libc::prlimit(s.pid as i32, libc::RLIMIT_AS, &rl, std::ptr::null_mut()) };
    assert_eq!(rc, 0, "prlimit: {}", std::io::Error::last_os_error());
    let echo = |c: &mut TcpStream, d: &[u8]| assert_eq!(echo_on(c, d), d);
    let mut first = TcpStream::connect(s.addr()).unwrap();
    first.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    echo(&mut first, b"one");
    let mut second = TcpStream::connect(s.addr()).unwrap();
    second.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut b = [0u8; 8];
    assert!(matches!(second.read(&mut b), Ok(0) | Err(_)), "the second client is closed");
    s.wait_for(
        "closed",
        10,
        |e| matches!(e, Ev::EchoServer(ServerEv::Closed { conn: 2, reason, .. }) if reason == "error"),
    );
    s.wait_stderr("no memory for a 67108864-byte buffer; closing it", 10);
    echo(&mut first, b"still served");
    drop(first);
    s.wait_for("closed", 10, |e| matches!(e, Ev::EchoServer(ServerEv::Closed { conn: 1, .. })));
    let mut third = TcpStream::connect(s.addr()).unwrap();
    third.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    echo(&mut third, b"memory is back");
    drop(third);
    s.stop();
}

/// The thread model's workers and the fork model's children started once
/// there are as many as CPUs run under SCHED_BATCH (one woken by its client
/// waits for the running thread instead of preempting it); the accepting
/// thread and the first ones keep the default policy, and a server started
/// under another policy (here SCHED_IDLE, as `chrt --idle 0` would) keeps
/// it everywhere.
#[test]
fn workers_beyond_the_cpus_run_under_sched_batch() {
    // serialized with the heavy tests: a SCHED_IDLE server gets no CPU
    // while they keep the machine busy
    let _serial = exclusive();
    const SCHED_OTHER: u64 = 0;
    const SCHED_BATCH: u64 = 3;
    const SCHED_IDLE: u64 = 5;
    // the server inherits this process's CPU affinity
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let clients = cpus + 2;
    for (m, inherited) in [("thread", SCHED_OTHER), ("thread", SCHED_IDLE), ("fork", SCHED_OTHER), ("fork", SCHED_IDLE)]
    {
        let mut cmd = server_cmd(m, &[]);
        if inherited == SCHED_IDLE {
            // SAFETY: runs in the child before exec; glibc's
            // sched_setscheduler is a bare system call (no locks, no
            // allocation), and SCHED_IDLE needs no privilege.
            unsafe {
                cmd.pre_exec(|| {
                    let param = libc::sched_param { sched_priority: 0 };
                    if libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let s = Server::start_cmd(&mut cmd);
        // Each client echoed once, in turn: every worker is past its setup.
        let open: Vec<TcpStream> = (0..clients as u8)
            .map(|i| {
                let mut c = connect(s.addr());
                assert_eq!(echo_on(&mut c, &[i]), [i]);
                c
            })
            .collect();
        let main = proc_stat(s.pid).expect("the server");
        let mut workers: Vec<u64> = if m == "thread" {
            task_stats(s.pid).iter().filter(|t| t.pid != s.pid).map(|t| t.policy).collect()
        } else {
            children_of(s.pid).iter().map(|c| c.policy).collect()
        };
        workers.sort();
        let expected = if inherited == SCHED_OTHER {
            [vec![SCHED_OTHER; cpus], vec![SCHED_BATCH; 2]].concat()
        } else {
            vec![SCHED_IDLE; clients]
        };
        assert_eq!(main.policy, inherited, "{m}: the accepting thread keeps the policy it started with");
        assert_eq!(workers, expected, "{m}: policies of the {clients} clients' servers on {cpus} CPUs");
        drop(open);
        s.stop();
    }
}

/// SIGTERM stops a multiplexing server with --idle-timeout while a client
/// keeps it busy: its signal pipe stays watched through the idle-timeout
/// bookkeeping (a server that lost it would go on until the client left).
#[test]
fn signals_are_seen_while_busy_with_idle_timeout() {
    for m in ["select", "poll", "epoll"] {
        let mut s = Server::start_cmd(&mut server_cmd(m, &["--idle-timeout", "30"]));
        let mut chatty = TcpStream::connect(s.addr()).unwrap();
        chatty.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        // Echoes back to back until the server goes away (bounded: 20 s).
        let rounds = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counted = rounds.clone();
        let talker = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(20);
            let mut b = [0u8; 1];
            while Instant::now() < deadline {
                if chatty.write_all(b"x").is_err() || chatty.read(&mut b).map_or(true, |n| n == 0) {
                    break;
                }
                counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        });
        // a hundred echoes: the idle bookkeeping has run many times over
        let deadline = Instant::now() + Duration::from_secs(10);
        while rounds.load(std::sync::atomic::Ordering::Relaxed) < 100 {
            assert!(Instant::now() < deadline, "{m}: the client is not being served");
            std::thread::yield_now();
        }
        s.signal(Signal::SIGTERM);
        assert_eq!(s.wait_exit(5), Some(0), "{m}: SIGTERM while a client is busy");
        talker.join().unwrap();
        let evs = s.events();
        assert!(
            matches!(evs.last(), Some(Ev::Shared(SharedEv::Stopped { signal: Some(sig), .. })) if sig == "SIGTERM"),
            "{m}: {:?}",
            evs.last()
        );
    }
}

/// --max-conns reached (the listener shut down) while a client is still
/// served: the server waits without spinning, in every model (poll and
/// epoll report POLLHUP/EPOLLHUP for such a listener whatever is asked).
#[test]
fn no_busy_loop_once_max_conns_is_reached() {
    let hz = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK).ok().flatten().unwrap_or(100) as u64;
    for_each_model(|m| {
        let s = Server::start_cmd(&mut server_cmd(m, &["--max-conns", "1"]));
        let mut c = connect(s.addr());
        echo_on(&mut c, b"x");
        let t0 = cpu_ticks(s.pid);
        // the measurement: CPU used over one second with an idle client
        std::thread::sleep(Duration::from_secs(1));
        let used = cpu_ticks(s.pid) - t0;
        assert!(used * 100 < 20 * hz, "{m}: {used} ticks of CPU in 1 s with one idle client (busy loop?)");
        // the client is still served, and its leaving ends the server
        assert_eq!(echo_on(&mut c, b"y"), b"y", "{m}");
        drop(c);
        let mut s = s;
        assert_eq!(s.wait_exit(10), Some(0), "{m}: exit once the --max-conns client is done");
    });
}
