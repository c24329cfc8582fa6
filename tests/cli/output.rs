//! Output contract: every --json line parses into the Event enum; a closed
//! stdout never crashes; global flags work on either side of the command.

use crate::common::*;

const JSON_RUNS: &[&[&str]] = &[
    &["byteorder"],
    &["byteorder", "htons", "9190", "80"],
    &["byteorder", "inet_aton", "127.1"],
    &["byteorder", "inet_addr", "255.255.255.255"],
    &["byteorder", "inet_ntoa", "16777343"],
    &["sockopt", "list"],
    &["sockopt", "get"],
    &["sockopt", "get", "--type", "udp", "-6"],
    &["sockopt", "set", "rcvbuf=4096", "linger=on:1"],
    &["fileio", "fds"],
    &["resolve", "-4", "localhost"],
    &["demo"],
];

#[test]
fn every_json_line_parses_into_the_event_enum() {
    for args in JSON_RUNS {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let o = run(&a, b"");
        assert_exit(&o, 0);
        let n = events(&o).len();
        assert!(n > 0, "{args:?} printed no events");
        json_values(&o);
    }
}

/// Text a user or a resolver supplied (a name, a value, a file name) is
/// shown with its control characters escaped: a newline in it does not
/// start a line of its own, an escape sequence does not reach the terminal.
#[test]
fn control_characters_in_user_text_stay_escaped() {
    let o = run(&["resolve", "localhost", "a\nb\u{1b}[2J"], b"");
    assert_exit(&o, 2);
    let out = stdout(&o);
    assert!(out.lines().any(|l| l == "query: a\\nb\\u{1b}[2J"), "{out}");
    assert!(!out.contains('\u{1b}') && !out.lines().any(|l| l.starts_with('b')), "{out}");
    let o = run(&["sockopt", "set", "linger=on:\n5"], b"");
    assert_exit(&o, 0);
    assert!(stdout(&o).lines().any(|l| l == "requested: on:\\n5"), "{}", stdout(&o));
    let d = TempDir::new("ctl");
    let odd = d.path("in\nfile");
    std::fs::write(&odd, "").unwrap();
    let o = netlab().args(["fileio", "fds"]).stdin(std::fs::File::open(&odd).unwrap()).output().unwrap();
    let fd0 = stdout(&o).lines().find(|l| l.starts_with("fd 0")).map(str::to_string);
    assert!(fd0.as_deref().is_some_and(|l| l.ends_with("in\\nfile")), "{}", stdout(&o));
    let s = Server::start(&["echo-server", "--model", "epoll", "--bind", "127.0.0.1", "0"]);
    // piped, an echo comes out as it came back, byte for byte (`| od -c`)
    let o = run(&["echo-client", "-m", "a\nb\u{1b}[31m", "127.0.0.1", &s.port.to_string()], b"");
    assert_exit(&o, 0);
    assert_eq!(o.stdout, b"Message from server: a\nb\x1b[31m\n");
    // on a terminal, its control characters are shown escaped, as ls shows
    // a name's: no echo can drive the terminal
    let pty = nix::pty::openpty(None, None).expect("openpty");
    let mut cmd = netlab();
    cmd.args(["echo-client", "-m", "a\tb\u{1b}[31m", "127.0.0.1", &s.port.to_string()]);
    cmd.stdout(std::process::Stdio::from(pty.slave)).stderr(std::process::Stdio::null());
    let status = cmd.status().unwrap();
    assert_eq!(status.code(), Some(0));
    let mut shown = Vec::new();
    let mut master = std::fs::File::from(pty.master);
    let mut buf = [0u8; 256];
    // bounded: what the client wrote is already in the terminal's buffer
    for _ in 0..10 {
        let mut p = [nix::poll::PollFd::new(std::os::fd::AsFd::as_fd(&master), nix::poll::PollFlags::POLLIN)];
        if nix::poll::poll(&mut p, nix::poll::PollTimeout::from(200u16)).unwrap_or(0) == 0 {
            break;
        }
        match std::io::Read::read(&mut master, &mut buf) {
            Ok(n) if n > 0 => shown.extend_from_slice(&buf[..n]),
            _ => break,
        }
    }
    let shown = String::from_utf8_lossy(&shown);
    assert!(shown.starts_with("Message from server: a\\tb\\u{1b}[31m"), "{shown:?}");
    s.stop();
}

/// A stdin closed before netlab started (`<&-`) is a read error (EBADF,
/// exit 1) for every command that reads it, as for cat, not the empty
/// input of the /dev/null Rust's runtime puts there; nothing is connected
/// to or created first.
#[test]
fn a_stdin_closed_at_start_is_ebadf_not_empty_input() {
    let d = TempDir::new("noin");
    let target = d.path("never");
    for args in [
        &["echo-client", "127.0.0.1", "9"][..],
        &["echo-client", "--split", "127.0.0.1", "9"],
        &["byteorder", "htons", "-"],
        &["fileio", "write", &target],
    ] {
        let mut sh = std::process::Command::new("sh");
        sh.arg("-c").arg("exec \"$@\" <&-").arg("sh").arg(bin()).args(args);
        let o = sh.output().unwrap();
        assert_exit(&o, 1);
        assert!(stderr(&o).ends_with(": read stdin: Bad file descriptor (EBADF)\n"), "{args:?}: {}", stderr(&o));
    }
    assert!(!std::path::Path::new(&target).exists());
}

#[test]
fn global_flags_after_the_subcommand() {
    let before = run(&["--json", "byteorder", "htons", "1"], b"");
    let after = run(&["byteorder", "htons", "1", "--json"], b"");
    assert_exit(&after, 0);
    assert_eq!(before.stdout, after.stdout);
    let o = run(&["fileio", "fds", "--trace"], b"");
    assert!(stderr(&o).contains("socket(AF_INET, SOCK_STREAM, 0)"));
}

#[test]
fn log_format_json_makes_trace_lines_json() {
    let o = run(&["--trace", "--log-format", "json", "fileio", "fds"], b"");
    assert_exit(&o, 0);
    for line in stderr(&o).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert!(v.get("trace").is_some(), "{line}");
    }
}

/// The notes a text-mode command writes beside its data (fileio read's
/// open/read explanation, the stream client's summary) are events too:
/// under `--log-format json` every stderr line parses, data stays on stdout.
#[test]
fn log_format_json_makes_side_notes_json() {
    let d = TempDir::new("logjson");
    let p = d.path("f");
    std::fs::write(&p, b"content\n").unwrap();
    let o = run(&["--log-format", "json", "fileio", "read", &p], b"");
    assert_exit(&o, 0);
    assert_eq!(o.stdout, b"content\n");
    let notes = parse_events(&stderr(&o));
    assert!(
        matches!(notes.as_slice(), [Ev::Fileio(FileioEv::Open { .. }), Ev::Fileio(FileioEv::Read { bytes: 8, .. })]),
        "{notes:?}"
    );
}

/// `netlab … | head -c1`: read one byte, close the pipe, expect a clean exit.
fn closed_stdout(args: &[&str]) {
    let err = stops_when_stdout_closes(netlab().args(args), false);
    assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
}

#[test]
fn closed_stdout_is_not_an_error() {
    for args in [
        &["sockopt", "list"][..],
        &["sockopt", "get"],
        &["--json", "sockopt", "get"],
        &["byteorder", "htons", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
        &["fileio", "fds"],
        &["demo"],
        &["--help"],
    ] {
        closed_stdout(args);
    }
}

#[test]
fn endless_output_stops_when_stdout_closes() {
    stops_when_stdout_closes(netlab().args(["fileio", "read", "/dev/zero"]), false);
    stops_when_stdout_closes(netlab().args(["byteorder", "htons", "-"]), true);
    stops_when_stdout_closes(netlab().args(["--json", "byteorder", "htonl", "-"]), true);
    let s = Server::start(&["echo-server", "--model", "epoll", "--bind", "127.0.0.1", "0"]);
    stops_when_stdout_closes(netlab().args(["echo-client", "127.0.0.1", &s.port.to_string()]), true);
    stops_when_stdout_closes(netlab().args(["echo-client", "--split", "127.0.0.1", &s.port.to_string()]), true);
    s.stop();
}

#[test]
fn quiet_leaves_only_errors_on_stderr() {
    let d = TempDir::new("quiet");
    let p = d.path("f");
    std::fs::write(&p, b"content").unwrap();
    let o = run(&["-q", "fileio", "read", &p], b"");
    assert_exit(&o, 0);
    assert_eq!(o.stdout, b"content");
    assert_eq!(stderr(&o), "", "-q: only errors on stderr");
    let s = Server::start(&["echo-server", "--model", "poll", "--bind", "127.0.0.1", "0"]);
    let o = run(&["echo-client", "-q", "127.0.0.1", &s.port.to_string()], b"quiet please");
    assert_exit(&o, 0);
    assert_eq!(o.stdout, b"quiet please");
    assert_eq!(stderr(&o), "");
    // errors still speak
    let missing = d.path("missing");
    let o = run(&["-q", "fileio", "read", &missing], b"");
    assert_exit(&o, 1);
    assert!(stderr(&o).starts_with(&format!("netlab: fileio: open {missing}: No such file")), "{}", stderr(&o));
    s.stop();
}

/// stdout on a full disk (/dev/full: every write is ENOSPC) is not the
/// reader going away: the results are lost, so the command says so and
/// exits 1, as `cat f > /dev/full` does, instead of a silent 0.
#[test]
fn a_failing_stdout_is_exit_1_not_a_silent_success() {
    let s = Server::start(&["echo-server", "--model", "poll", "--bind", "127.0.0.1", "0"]);
    let port = s.port.to_string();
    let d = TempDir::new("full");
    let p = d.path("f");
    std::fs::write(&p, b"content").unwrap();
    for args in [
        &["fileio", "read", &p][..],
        &["byteorder", "htons", "80"],
        &["--json", "sockopt", "get"],
        &["echo-client", "-m", "hi", "127.0.0.1", &port],
        &["echo-client", "127.0.0.1", &port],
        &["--help"],
        &["resolve", "--help"],
        &["--version"],
    ] {
        // through sh: run_cmd pipes stdout, the redirection replaces it;
        // a full disk, and a stdout closed outright (`>&-`, which Rust's
        // runtime would quietly fill with /dev/null)
        for (redirect, why) in
            [("> /dev/full", "No space left on device (ENOSPC)"), (">&-", "Bad file descriptor (EBADF)")]
        {
            let mut sh = std::process::Command::new("sh");
            sh.arg("-c").arg(format!("exec \"$@\" {redirect}")).arg("sh").arg(bin()).args(args);
            let o = run_cmd(&mut sh, b"streamed");
            assert_exit(&o, 1);
            let err = stderr(&o);
            let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("netlab: ")).collect();
            assert_eq!(errors.len(), 1, "{args:?} {redirect}: {err}");
            assert!(errors[0].ends_with(&format!(": write stdout: {why}")), "{args:?} {redirect}: {err}");
        }
    }
    s.stop();
}

/// A server whose stdout fails keeps serving, warns when it happens, and
/// does not report the run as clean when it stops.
#[test]
fn a_server_with_a_failing_stdout_serves_on_and_exits_1() {
    let mut s = Server::start_with_full_stdout(netlab().args([
        "--trace",
        "echo-server",
        "--model",
        "epoll",
        "--bind",
        "127.0.0.1",
        "0",
    ]));
    s.wait_stderr("WARN write stdout: No space left on device (ENOSPC): results are no longer written", 10);
    let data = random_bytes(100_000, 5);
    assert_eq!(echo_through(s.addr(), &data), data);
    s.signal(nix::sys::signal::Signal::SIGINT);
    assert_eq!(s.wait_exit(10), Some(1));
    let err = s.stderr();
    assert!(err.ends_with("netlab: echo-server: write stdout: No space left on device (ENOSPC)\n"), "{err}");
}

/// -v says how the server works and what it was set up with; -vv narrates
/// backpressure: a client that sends and never reads gets its reads paused.
#[test]
fn verbose_levels_add_what_a_student_wants_to_see() {
    let s = Server::start(&["-vv", "echo-server", "--model", "epoll", "--bind", "127.0.0.1", "0"]);
    s.wait_stderr("INFO model epoll: epoll(7), level-triggered, over non-blocking sockets", 10);
    s.wait_stderr("TCP_NODELAY (set on the listener, inherited by accepted sockets): on; SO_REUSEADDR: on", 10);
    let mut hog = std::net::TcpStream::connect(s.addr()).unwrap();
    hog.set_nonblocking(true).unwrap();
    let chunk = vec![7u8; 64 * 1024];
    // send until the server pauses its reads (the buffers both ways fill
    // up first); a full socket just means: look again in a moment
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !s.stderr().contains("the client is not reading") && std::time::Instant::now() < deadline {
        use std::io::Write;
        if hog.write(&chunk).is_err() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
    s.wait_stderr("bytes held, reads paused", 10);
    drop(hog);
    s.stop();
}

/// A stdout pipe that another process made non-blocking (as some launchers
/// do) answers a full pipe with EAGAIN: netlab waits for room, as it would
/// on a blocking pipe, instead of dropping the rest of the output.
#[test]
fn a_non_blocking_stdout_pipe_gets_every_byte() {
    use std::io::Read;
    use std::os::fd::AsRawFd;
    let d = TempDir::new("nonblock");
    let p = d.path("big");
    let data = random_bytes(4 << 20, 77);
    std::fs::write(&p, &data).unwrap();
    // close-on-exec: the children other tests start meanwhile must not
    // inherit the write end (the child's stdin is dup2'd from r all the same)
    let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).unwrap();
    nix::fcntl::fcntl(&w, nix::fcntl::FcntlArg::F_SETFL(nix::fcntl::OFlag::O_NONBLOCK)).unwrap();
    let mut child = netlab()
        .args(["fileio", "read", &p])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::from(w))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Let the pipe fill up before reading: with less room left than one
    // 4096-byte write, the writer has met EAGAIN.
    let capacity = nix::fcntl::fcntl(&r, nix::fcntl::FcntlArg::F_GETPIPE_SZ).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let mut queued: libc::c_int = 0;
        // SAFETY: FIONREAD writes one int through the pointer.
        unsafe { libc::ioctl(r.as_raw_fd(), libc::FIONREAD, &mut queued) };
        if queued > capacity - 4096 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the pipe never filled ({queued} of {capacity})");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let mut got = Vec::new();
    std::fs::File::from(r).read_to_end(&mut got).unwrap();
    let st = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!(st.code(), Some(0), "{err}");
    assert!(got == data, "{} of {} bytes came through", got.len(), data.len());
}
