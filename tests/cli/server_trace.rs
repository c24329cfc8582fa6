//! `--trace` of the echo-server: the calls the course's programs make, in
//! their order and in C terms (fork, the thread model, epoll), one whole
//! line per call even when parent and children write at once.

use crate::common::*;

/// A `model` server with --trace that exits after `max_conns` clients.
fn traced_server(model: &str, max_conns: &str) -> Server {
    Server::start_cmd(netlab().args([
        "--json",
        "--trace",
        "echo-server",
        "--model",
        model,
        "--bind",
        "127.0.0.1",
        "--max-conns",
        max_conns,
        "0",
    ]))
}

#[test]
fn trace_narrates_the_server() {
    let mut s = traced_server("fork", "1");
    let d = b"trace me".to_vec();
    assert_eq!(echo_through(s.addr(), &d), d);
    assert_eq!(s.wait_exit(10), Some(0));
    let err = s.stderr();
    for want in [
        "socket(AF_INET, SOCK_STREAM, 0) = 3",
        "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, 1) = 0",
        "bind(3, 127.0.0.1:0) = 0",
        "listen(3, 4096) = 0",
        "fork() = ",
        "waitpid(-1, WNOHANG) = ",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
    // the child closes the listening socket, and the client's before it
    // exits; the parent closes the client's
    let child = err.lines().find_map(|l| l.strip_prefix("fork() = ")).expect("fork line");
    let client = err
        .lines()
        .find_map(|l| l.strip_prefix("accept(3) = ")?.split_once(' ').map(|(fd, _)| fd.to_string()))
        .unwrap_or_else(|| panic!("no accept line in\n{err}"));
    assert!(err.lines().any(|l| l == format!("[pid {child}] close(3) = 0")), "{err}");
    assert!(err.lines().any(|l| l == format!("[pid {child}] close({client}) = 0")), "{err}");
    assert!(err.lines().any(|l| l == format!("close({client}) = 0")), "{err}");
    // the reaping loop as the kernel answers it: the child, then ECHILD
    let reaped = format!("waitpid(-1, WNOHANG) = {child} (exited 0)");
    let after: Vec<&str> = err.lines().skip_while(|l| *l != reaped).take(2).collect();
    assert_eq!(after.get(1), Some(&"waitpid(-1, WNOHANG) = -1 ECHILD (No child processes)"), "{err}");
}

#[test]
fn trace_narrates_the_thread_model_in_c_terms() {
    let mut s = traced_server("thread", "1");
    let d = b"a thread of its own".to_vec();
    assert_eq!(echo_through(s.addr(), &d), d);
    assert_eq!(s.wait_exit(10), Some(0));
    let err = s.stderr();
    // the worker's start, as the course's pthread_create (its own lines may
    // come first: the two threads race to stderr)
    let created =
        err.lines().position(|l| l.starts_with("[main] pthread_create(\"conn 1\", stack ") && l.ends_with(") = 0"));
    let first_read = err.lines().position(|l| l.starts_with("[conn 1] read("));
    assert!(created.is_some() && first_read.is_some(), "{err}");
    // errors read as the C library words them (strerror, as perror and
    // strace print them): draining the backlog at --max-conns meets EAGAIN
    let eagain: Vec<&str> = err.lines().map(trace_call).filter(|l| l.contains(" = -1 EAGAIN ")).collect();
    assert!(!eagain.is_empty(), "{err}");
    assert!(eagain.iter().all(|l| l.ends_with("= -1 EAGAIN (Resource temporarily unavailable)")), "{err}");
}

#[test]
fn trace_narrates_epoll_with_each_descriptor_as_its_data() {
    let mut s = traced_server("epoll", "1");
    let d = b"epoll".to_vec();
    assert_eq!(echo_through(s.addr(), &d), d);
    assert_eq!(s.wait_exit(10), Some(0));
    let err = s.stderr();
    // as the course's event.data.fd: the listener is 3, and so is its data
    let ep = err
        .lines()
        .find_map(|l| l.strip_prefix("epoll_create1(EPOLL_CLOEXEC) = "))
        .unwrap_or_else(|| panic!("no epoll_create1 in\n{err}"));
    // netlab's plumbing, each line with the reason the course's program
    // would not make it
    for want in [
        "pipe2([4, 5], O_NONBLOCK|O_CLOEXEC) = 0",
        // the course's flag = fcntl(fd, F_GETFL, 0); fcntl(fd, F_SETFL, flag|O_NONBLOCK)
        "fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)",
        "fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0",
    ] {
        assert!(
            err.lines().any(|l| l.starts_with(&format!("{want}   # "))),
            "missing {want:?} with its reason in\n{err}"
        );
    }
    for want in [
        format!("epoll_ctl({ep}, EPOLL_CTL_ADD, 3, {{EPOLLIN, data=3}}) = 0"),
        format!("epoll_ctl({ep}, EPOLL_CTL_DEL, 3, NULL) = 0"),
    ] {
        assert!(err.lines().any(|l| l == want), "missing {want:?} in\n{err}");
    }
    assert!(
        err.lines().any(|l| l.starts_with(&format!("epoll_wait({ep}, ")) && l.ends_with("([{EPOLLIN, data=3}])")),
        "{err}"
    );
    // the client's descriptor is its data too
    let client = err
        .lines()
        .find_map(|l| {
            trace_call(l).strip_prefix("accept4(3, SOCK_NONBLOCK) = ")?.split_once(' ').map(|(fd, _)| fd.to_string())
        })
        .unwrap_or_else(|| panic!("no accept line in\n{err}"));
    assert!(
        err.lines().any(|l| l == format!("epoll_ctl({ep}, EPOLL_CTL_ADD, {client}, {{EPOLLIN, data={client}}}) = 0")),
        "{err}"
    );
}

#[test]
fn trace_lines_of_parent_and_children_never_interleave() {
    // Parent and children share stderr; 40 children tracing at once must
    // still leave one whole `call(args) = result` per line.
    let mut s = traced_server("fork", "40");
    let addr = s.addr();
    let clients: Vec<_> = (0..40u64)
        .map(|i| {
            std::thread::spawn(move || {
                let d = random_bytes(3000, i);
                assert_eq!(echo_through(addr, &d), d);
            })
        })
        .collect();
    clients.into_iter().for_each(|c| c.join().unwrap());
    assert_eq!(s.wait_exit(20), Some(0));
    let err = s.stderr();
    let mut children = 0;
    for line in err.lines() {
        let call = match line.strip_prefix("[pid ") {
            Some(rest) => {
                children += 1;
                let (pid, call) = rest.split_once("] ").unwrap_or_else(|| panic!("cut line {line:?}"));
                assert!(pid.bytes().all(|b| b.is_ascii_digit()), "cut line {line:?}");
                call
            }
            None => line,
        };
        // a signal handler's call, narrated after it ran: `[SIGCHLD handler] alarm(1) = 0`
        let call = match call.strip_prefix('[').and_then(|r| r.split_once(" handler] ")) {
            Some((sig, call)) => {
                assert!(sig.starts_with("SIG"), "cut line {line:?}");
                call
            }
            None => call,
        };
        let (name, rest) = call.split_once('(').unwrap_or_else(|| panic!("cut line {line:?}"));
        assert!(!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "cut line {line:?}");
        assert!(rest.contains(") = "), "cut line {line:?}");
    }
    assert!(children >= 40 * 3, "{children} child trace lines for 40 children:\n{err}");
}
