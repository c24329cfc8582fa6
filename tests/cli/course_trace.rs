//! `--trace` of the iterative and fork servers reads like the course's C
//! programs: the calls they make, in their order; every other call netlab
//! makes carries its reason (`   # …`) on its line.

use crate::common::*;

/// The calls of `err` without a reason: what the course's program does.
fn course_calls(err: &str) -> Vec<String> {
    err.lines().filter(|l| !l.contains("   # ")).map(str::to_string).collect()
}

/// The name of a traced call (`[pid N] read(5, 16384) = 5` → `read`).
fn name(line: &str) -> &str {
    let call = line.strip_prefix("[pid ").and_then(|l| l.split_once("] ")).map_or(line, |(_, c)| c);
    call.split('(').next().unwrap_or(call)
}

#[test]
fn the_iterative_server_makes_the_course_calls_in_order() {
    let mut s = Server::start_cmd(netlab().args([
        "--json",
        "--trace",
        "echo-server",
        "--model",
        "iterative",
        "--bind",
        "127.0.0.1",
        "--max-conns",
        "1",
        "0",
    ]));
    let d = b"hello".to_vec();
    assert_eq!(echo_through(s.addr(), &d), d);
    assert_eq!(s.wait_exit(10), Some(0));
    let err = s.stderr();
    let calls = course_calls(&err);
    let names: Vec<&str> = calls.iter().map(|l| name(l)).collect();
    // socket → setsockopt(SO_REUSEADDR) → bind → listen → (getsockname: port
    // 0) → accept (blocking) → read → write → read = 0 → close(client),
    // and at the end close(serv_sock)
    assert_eq!(
        names,
        ["socket", "setsockopt", "bind", "listen", "getsockname", "accept", "read", "write", "read", "close", "close"],
        "{err}"
    );
    assert!(calls[1].contains("SO_REUSEADDR"), "{err}");
    assert!(calls[5].starts_with("accept(3) = "), "a blocking accept: {err}");
    assert!(calls[8].ends_with(" = 0"), "read = 0 is the client's EOF: {err}");
    let client = calls[5].strip_prefix("accept(3) = ").and_then(|r| r.split(' ').next()).unwrap_or_default();
    assert_eq!(calls[9], format!("close({client}) = 0"), "{err}");
    assert_eq!(calls[10], "close(3) = 0", "{err}");
    // everything else is explained
    for l in err.lines().filter(|l| l.contains("   # ")) {
        let why = l.split("   # ").nth(1).unwrap_or_default();
        assert!(why.len() > 10, "a reason that says something: {l}");
    }
}

#[test]
fn a_signal_ends_the_blocking_accept_with_eintr() {
    let mut s = Server::start_cmd(netlab().args([
        "--json",
        "--trace",
        "echo-server",
        "--model",
        "iterative",
        "--bind",
        "127.0.0.1",
        "0",
    ]));
    // the server blocks in accept(); SIGINT interrupts it: -1 EINTR, the
    // course's lesson on signals, and a clean stop
    wait_blocked_in(s.pid, libc::SYS_accept4 as u32, 10);
    s.signal(nix::sys::signal::Signal::SIGINT);
    assert_eq!(s.wait_exit(10), Some(0));
    let err = s.stderr();
    assert!(err.lines().any(|l| l == "accept(3) = -1 EINTR (Interrupted system call)"), "{err}");
    assert!(matches!(s.events().last(), Some(Ev::Shared(SharedEv::Stopped { signal: Some(_), .. }))));
}

#[test]
fn the_fork_server_makes_the_course_calls_in_order() {
    let mut s = Server::start_cmd(netlab().args([
        "--json",
        "--trace",
        "echo-server",
        "--model",
        "fork",
        "--bind",
        "127.0.0.1",
        "--max-conns",
        "1",
        "0",
    ]));
    let d = b"hello".to_vec();
    assert_eq!(echo_through(s.addr(), &d), d);
    assert_eq!(s.wait_exit(10), Some(0));
    let err = s.stderr();
    let calls = course_calls(&err);
    let parent: Vec<&str> = calls.iter().filter(|l| !l.starts_with("[pid ")).map(|l| name(l)).collect();
    let child: Vec<&str> = calls.iter().filter(|l| l.starts_with("[pid ")).map(|l| name(l)).collect();
    // the parent: sigaction(SIGCHLD) before it listens for clients, accept,
    // fork, close(clnt_sock); the child: close(serv_sock), read/write until
    // read = 0, close(clnt_sock), exit
    let at = |n: &str| parent.iter().position(|c| *c == n).unwrap_or_else(|| panic!("no {n} in {parent:?}\n{err}"));
    assert!(at("sigaction") < at("accept") && at("accept") < at("fork"), "{parent:?}");
    assert_eq!(parent[at("fork") + 1], "close", "the parent closes the client socket: {err}");
    assert_eq!(child, ["close", "read", "write", "read", "close", "exit"], "{err}");
    let fork_line = calls.iter().find(|l| l.starts_with("fork() = ")).unwrap();
    let pid = fork_line.strip_prefix("fork() = ").unwrap();
    assert!(calls.iter().any(|l| l == &format!("[pid {pid}] close(3) = 0")), "the child closes the listener: {err}");
    // the SIGCHLD path: waitpid(-1, WNOHANG) until no more
    assert!(err.lines().any(|l| l.starts_with(&format!("waitpid(-1, WNOHANG) = {pid} (exited 0)"))), "{err}");
}

/// The calls each model's course program makes (echo_server.c,
/// echo_mpserv.c, echo_selectserv.c, the poll and epoll versions, the
/// thread server; for io_uring, which the course has not, the three
/// io_uring calls); every other line of its trace, in every process and
/// thread, must carry its reason. One client, then `--max-conns 1` ends
/// the run.
fn course_program_calls(model: &str) -> Vec<&'static str> {
    const SETUP: [&str; 5] = ["socket", "setsockopt", "bind", "listen", "getsockname"];
    let own: &[&str] = match model.split(' ').next().unwrap_or(model) {
        "iterative" => &["accept", "read", "write", "close"],
        "fork" => &["sigaction", "accept", "fork", "close", "read", "write", "exit", "waitpid"],
        "select" => &["select", "accept", "read", "write", "close"],
        "poll" => &["poll", "accept", "read", "write", "close"],
        "epoll" => &["epoll_create1", "epoll_ctl", "epoll_wait", "accept", "read", "write", "close"],
        "thread" => &["accept", "pthread_create", "read", "write", "close"],
        "uring" => &["io_uring_setup", "io_uring_register", "io_uring_enter", "close"],
        other => panic!("no course program listed for {other}: add its calls here"),
    };
    own.iter().copied().chain(SETUP).collect()
}

#[test]
fn every_model_gives_a_reason_for_each_call_its_course_program_would_not_make() {
    crate::models::for_each_model(|model| {
        let mut args = vec!["--json", "--trace", "echo-server"];
        args.extend(crate::models::model_args(model));
        args.extend(["--bind", "127.0.0.1", "--max-conns", "1", "0"]);
        let mut s = Server::start_cmd(netlab().args(&args));
        let d = b"hello".to_vec();
        assert_eq!(echo_through(s.addr(), &d), d);
        assert_eq!(s.wait_exit(10), Some(0));
        let err = s.stderr();
        let course = course_program_calls(model);
        let call_of = |l: &'static str| l.strip_prefix('[').and_then(|l| l.split_once("] ")).map_or(l, |(_, c)| c);
        let err: &'static str = err.leak();
        // the descriptors the course's program has: its listener, each
        // client accept returned, its epoll instance
        let returned = |prefix: &str| -> Vec<i32> {
            err.lines()
                .map(call_of)
                .filter(|c| c.starts_with(prefix))
                .filter_map(|c| c.rsplit_once(" = ").or_else(|| c.rsplit_once(" -> ")))
                .filter_map(|(_, r)| r.split(' ').next()?.parse().ok())
                .collect()
        };
        let mut own_fds = returned("socket(");
        own_fds.extend(returned("accept"));
        own_fds.extend(returned("IORING_OP_ACCEPT("));
        own_fds.extend(returned("epoll_create1("));
        let unexplained: Vec<&str> = err
            .lines()
            .filter(|l| !l.contains("   # "))
            // io_uring's operations are narrated as they complete, not calls
            .filter(|l| !l.contains("IORING_OP_"))
            .filter(|l| {
                let call = call_of(l);
                let name = call.split(['(', ' ']).next().unwrap_or(call);
                if !course.contains(&name) {
                    return true;
                }
                // read, write and close: on the program's own descriptors
                // only (a self-pipe's are netlab's)
                let fd = call.split_once('(').and_then(|(_, a)| a.split([',', ')']).next()?.parse::<i32>().ok());
                matches!(name, "read" | "write" | "close") && fd.is_some_and(|fd| !own_fds.contains(&fd))
            })
            .collect();
        assert!(unexplained.is_empty(), "{model}: calls without a reason: {unexplained:#?}\n{err}");
    });
}
