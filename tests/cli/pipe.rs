//! `netlab pipe`: parent and child through pipes, through the real binary;
//! every child reported is gone afterwards (no zombie, no orphan).

use crate::common::*;
use nix::sys::signal::Signal;

fn lesson(evs: &[Ev]) -> Lesson {
    evs.iter()
        .find_map(|e| match e {
            Ev::Shared(SharedEv::Result(l)) => Some(l.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no result event: {evs:?}"))
}

fn transfers(evs: &[Ev]) -> Vec<(i32, i32, String)> {
    evs.iter()
        .filter_map(|e| match e {
            Ev::Pipe(PipeEv::Transfer { from_pid, to_pid, data, .. }) => Some((*from_pid, *to_pid, data.clone())),
            _ => None,
        })
        .collect()
}

fn reaped_pids(evs: &[Ev]) -> Vec<i32> {
    evs.iter()
        .filter_map(|e| match e {
            Ev::Shared(SharedEv::Reaped { pid, .. }) => Some(*pid),
            _ => None,
        })
        .collect()
}

fn pipe_fds(evs: &[Ev]) -> Vec<(i32, i32)> {
    evs.iter()
        .filter_map(|e| match e {
            Ev::Pipe(PipeEv::Pipe { read_fd, write_fd }) => Some((*read_fd, *write_fd)),
            _ => None,
        })
        .collect()
}

#[test]
fn oneway_carries_the_message_from_child_to_parent() {
    become_subreaper();
    for (args, want) in [(&[][..], "Who are you?"), (&["--data", "hello, pipe"], "hello, pipe")] {
        let mut full = vec!["--json", "pipe", "oneway"];
        full.extend_from_slice(args);
        let o = run(&full, b"");
        assert_exit(&o, 0);
        let evs = events(&o);
        assert_eq!(pipe_fds(&evs), vec![(3, 4)], "the first descriptors free");
        let t = transfers(&evs);
        let child = reaped_pids(&evs);
        assert_eq!(t.len(), 1, "{evs:?}");
        assert_eq!((t[0].0, t[0].2.as_str()), (child[0], want), "the child wrote it");
        assert_eq!(lesson(&evs), Lesson::Oneway { bytes: want.len() as u64, intact: true });
        assert_gone(&child, "pipe oneway");
    }
}

#[test]
fn the_trace_shows_which_process_closes_which_end() {
    become_subreaper();
    let o = run(&["--trace", "pipe", "oneway"], b"");
    assert_exit(&o, 0);
    let err = stderr(&o);
    assert!(err.lines().any(|l| l == "pipe([3, 4]) = 0"), "{err}");
    let child = err.lines().find_map(|l| l.strip_prefix("fork() = ")?.parse::<i32>().ok()).unwrap();
    assert!(err.lines().any(|l| l.starts_with(&format!("[pid {child}] close(3) = 0   # "))), "{err}");
    assert!(err.lines().any(|l| l.starts_with("close(4) = 0   # ")), "{err}");
    assert!(err.lines().any(|l| l.starts_with(&format!("[pid {child}] write(4, 12) = 12"))), "{err}");
}

#[test]
fn two_pipes_never_cross_and_one_pipe_reports_what_happened() {
    become_subreaper();
    let o = run(&["--json", "pipe", "twoway", "--pipes", "2"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    assert_eq!(pipe_fds(&evs).len(), 2);
    assert_eq!(lesson(&evs), Lesson::Twoway { pipes: 2, crossed: false, stuck: false });
    let t = transfers(&evs);
    assert_eq!(t.len(), 2, "{evs:?}");
    assert!(t.iter().all(|(from, to, _)| from != to), "{t:?}");
    assert_gone(&reaped_pids(&evs), "twoway --pipes 2");
    // one pipe: a race; whatever happened, the report is consistent, and
    // the run ends (when both processes polled "readable" and one took the
    // message, the other's blocking read once waited forever: 7 runs in
    // 200; run() fails a run that takes over 120 s)
    for _ in 0..40 {
        let o = run(&["--json", "pipe", "twoway", "--pipes", "1"], b"");
        assert_exit(&o, 0);
        let evs = events(&o);
        let Lesson::Twoway { pipes: 1, crossed, stuck } = lesson(&evs) else { panic!("{evs:?}") };
        let t = transfers(&evs);
        let own = t.iter().any(|(from, to, _)| from == to);
        assert_eq!(crossed, own, "crossed is a process reading its own message: {evs:?}");
        assert_eq!(stuck, t.len() < 2, "a read that got nothing: {evs:?}");
        // each read is one whole message, credited to the process that
        // wrote it (a child that read back its own message and then part
        // of the parent's was once told as 26 bytes from the parent)
        let child = reaped_pids(&evs)[0];
        for (from, to, data) in &t {
            match data.as_str() {
                "Who are you?" => assert_eq!(*from, child, "the child wrote it: {evs:?}"),
                "Thank you for your message" => assert_ne!(*from, child, "the parent wrote it: {evs:?}"),
                other => panic!("a read of {other:?} is not one message: {evs:?}"),
            }
            assert!(*to == child || *from == child, "{evs:?}");
        }
        assert_gone(&reaped_pids(&evs), "twoway --pipes 1");
    }
}

#[test]
fn eof_comes_only_when_every_write_end_is_closed() {
    become_subreaper();
    let o = run(&["--json", "pipe", "eof"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    assert!(matches!(lesson(&evs), Lesson::Eof { eof: true, kept_open_by: None, .. }), "{evs:?}");
    assert_gone(&reaped_pids(&evs), "eof");
    let o = run(&["--json", "pipe", "eof", "--leak"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    let (_, write_fd) = pipe_fds(&evs)[0];
    // bounded, and the descriptor that kept it open is named: the parent's
    // own copy of the write end
    let Lesson::Eof { eof: false, kept_open_by: Some(fd), waited_ms } = lesson(&evs) else { panic!("{evs:?}") };
    assert_eq!(fd, write_fd);
    assert!((900..5000).contains(&waited_ms), "{waited_ms}");
    assert_eq!(transfers(&evs)[0].2, "last words", "the data still came through");
    assert_gone(&reaped_pids(&evs), "eof --leak");
}

#[test]
fn writing_with_no_reader_is_sigpipe_or_epipe() {
    become_subreaper();
    let o = run(&["--json", "pipe", "epipe"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    assert_eq!(
        lesson(&evs),
        Lesson::Epipe { ignored: false, killed: true, signal: Some("SIGPIPE".into()), errno: None }
    );
    assert_gone(&reaped_pids(&evs), "epipe");
    // the trace shows the write the child died in, as strace does (`= ?`)
    let o = run(&["--json", "--trace", "pipe", "epipe"], b"");
    assert_exit(&o, 0);
    let child = reaped_pids(&events(&o))[0];
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.lines().any(|l| l.starts_with(&format!("[pid {child}] write(4, 13) = ?   # "))), "{err}");
    let o = run(&["--json", "pipe", "epipe", "--ignore-sigpipe"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    assert_eq!(lesson(&evs), Lesson::Epipe { ignored: true, killed: false, signal: None, errno: Some("EPIPE".into()) });
    assert_gone(&reaped_pids(&evs), "epipe --ignore-sigpipe");
}

#[test]
fn capacity_matches_f_getpipe_sz_and_pipe_buf_writes_are_atomic() {
    let o = run(&["--json", "pipe", "capacity"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    let Lesson::Capacity { bytes, pipe_size, pipe_buf, small_write, big_write } = lesson(&evs) else {
        panic!("{evs:?}")
    };
    assert_eq!(bytes, pipe_size, "the pipe held exactly what F_GETPIPE_SZ says");
    assert_eq!(pipe_buf, libc::PIPE_BUF as u64);
    assert!(small_write.contains("EAGAIN"), "PIPE_BUF bytes: all or nothing: {small_write}");
    assert!(!big_write.contains("all "), "PIPE_BUF + 1 bytes may be split: {big_write}");
}

/// Ctrl-C (SIGINT to the whole group) while the parent waits for an EOF
/// that cannot come: exit 1 with one line, and the child (a zombie by
/// then, or still writing) is reaped, not left to init.
#[test]
fn ctrl_c_while_waiting_for_eof_leaves_no_child() {
    become_subreaper();
    let r = Running::start_group(&["--json", "pipe", "eof", "--leak"]);
    let pid = r.child.id();
    // the parent's poll (syscall 7): the wait for EOF; the child is forked
    // before it
    wait_blocked_in(pid, 7, 10);
    let kids: Vec<i32> = children_of(pid).iter().map(|c| c.pid as i32).collect();
    assert_eq!(kids.len(), 1, "the writer: {kids:?}");
    r.signal_group(Signal::SIGINT);
    let (code, _, err) = r.finish_with_stderr();
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(err.trim(), "netlab: pipe: interrupted by SIGINT: every child was killed and reaped");
    assert_gone(&kids, "pipe eof --leak, Ctrl-C");
}
