//! The echo-client's modes against real and misbehaving servers: stream
//! (stdin to stdout, verified), --split, --message, the prompt on a
//! terminal, and exit 3 whenever what came back differs from what was sent.

use crate::common::*;
use crate::models::start;
use crate::peers::{odd_server, slow_echo_server, socket2_linger_zero};
use std::io::{Read, Write};
use std::time::Duration;

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
    // the slow stdin is the test: silent for longer than --timeout
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
        // the test: a line every 300 ms, each well inside --timeout 1
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
