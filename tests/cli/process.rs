//! `netlab process`: fork, zombies, wait/waitpid and the SIGCHLD handler,
//! through the real binary. Every test makes this process a child
//! subreaper first and checks from /proc that every child netlab reported
//! is gone when it ends: no zombie, no orphan.

use crate::common::*;
use nix::sys::signal::Signal;
use std::time::{Duration, Instant};

/// The pids of the children an event list names.
fn child_pids(evs: &[Ev]) -> Vec<i32> {
    let mut v: Vec<i32> = evs
        .iter()
        .filter_map(|e| match e {
            Ev::Shared(SharedEv::Reaped { pid, .. }) => Some(*pid),
            Ev::Process(ProcessEv::State { pid, .. }) => Some(*pid),
            Ev::Process(ProcessEv::Forked { role, pid, .. }) if role == "child" => Some(*pid),
            Ev::Process(ProcessEv::Poll { pid, .. }) => Some(*pid),
            _ => None,
        })
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// A `reaped` event's pid, call, exit code and signal.
type Reaped = (i32, Option<String>, Option<i32>, Option<String>);

/// Who reaped the first child reaped, when not its parent's own code.
fn reaped_by(evs: &[Ev]) -> Option<String> {
    evs.iter().find_map(|e| match e {
        Ev::Shared(SharedEv::Reaped { by, .. }) => Some(by.clone()),
        _ => None,
    })?
}

fn reaped(evs: &[Ev]) -> Vec<Reaped> {
    evs.iter()
        .filter_map(|e| match e {
            Ev::Shared(SharedEv::Reaped { pid, call, code, signal, .. }) => {
                Some((*pid, call.clone(), *code, signal.clone()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn fork_copies_memory_the_child_and_parent_change_their_own() {
    become_subreaper();
    let o = run(&["--json", "process", "fork"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    let forked: Vec<_> = evs
        .iter()
        .filter_map(|e| match e {
            Ev::Process(ProcessEv::Forked { role, pid, ppid, fork_returned, global, local }) => {
                Some((role.clone(), *pid, *ppid, *fork_returned, *global, *local))
            }
            _ => None,
        })
        .collect();
    // fork.c: 10/20, then ++ and += 5 in both, then +2 in the child, -2 in the parent
    let [child, parent] = forked.as_slice() else { panic!("{forked:?}") };
    assert_eq!((child.0.as_str(), child.3, child.4, child.5), ("child", 0, Some(13), Some(27)), "{forked:?}");
    assert_eq!((parent.0.as_str(), parent.4, parent.5), ("parent", Some(9), Some(23)), "{forked:?}");
    // fork() returned the child's pid in the parent, and the child's parent is it
    assert_eq!(parent.3, child.1);
    assert_eq!(child.2, parent.1);
    assert_eq!(reaped(&evs), vec![(child.1, Some("waitpid".into()), Some(0), None)]);
    assert_gone(&child_pids(&evs), "process fork");
}

#[test]
fn a_zombie_is_seen_in_proc_then_reaped_and_gone() {
    become_subreaper();
    let o = run(&["--json", "process", "zombie", "--hold", "0.2", "--exit", "42"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    let states: Vec<(i32, String, String, String)> = evs
        .iter()
        .filter_map(|e| match e {
            Ev::Process(ProcessEv::State { pid, state, stat, command, .. }) => {
                Some((*pid, state.clone(), stat.clone(), command.clone()))
            }
            _ => None,
        })
        .collect();
    let [(pid, z, stat, command), (gone_pid, gone, ..)] = states.as_slice() else { panic!("{states:?}") };
    // as ps au shows it: no terminal here, so no `+`
    assert_eq!((z.as_str(), stat.as_str(), command.as_str()), ("Z", "Z", "[netlab] <defunct>"), "{states:?}");
    assert_eq!((gone_pid, gone.as_str()), (pid, "gone"));
    assert!(evs.iter().any(|e| matches!(e, Ev::Process(ProcessEv::Hold { ms: 200, .. }))), "{evs:?}");
    assert_eq!(reaped(&evs), vec![(*pid, Some("waitpid".into()), Some(42), None)]);
    assert_gone(&child_pids(&evs), "process zombie");
}

#[test]
fn every_way_of_reaping_a_zombie_reaps_it() {
    become_subreaper();
    for (reap, call, by) in
        [("wait", "wait", None), ("waitpid", "waitpid", None), ("sigchld", "waitpid", Some("handler"))]
    {
        let o = run(&["--json", "process", "zombie", "--reap", reap, "--hold", "0"], b"");
        assert_exit(&o, 0);
        let evs = events(&o);
        let r = reaped(&evs);
        assert_eq!(r.len(), 1, "{reap}: {evs:?}");
        // the C call, exactly (a grader matches on it), and who made it
        assert_eq!(r[0].1.as_deref(), Some(call), "{reap}: {r:?}");
        assert_eq!(reaped_by(&evs).as_deref(), by, "{reap}: {evs:?}");
        assert_eq!(r[0].2, Some(7), "{reap}: the default exit code");
        assert_gone(&child_pids(&evs), reap);
    }
}

#[test]
fn an_orphan_zombie_is_adopted_by_the_subreaper_and_reaped() {
    become_subreaper();
    let o = run(&["--json", "process", "zombie", "--reap", "none", "--hold", "0.1"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    let adopted = evs
        .iter()
        .find_map(|e| match e {
            Ev::Process(ProcessEv::Adopted { pid, by, by_command }) => Some((*pid, *by, by_command.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no adopted event: {evs:?}"));
    // netlab itself adopted it: the orphan's new parent is the process
    // that reaped it, and is not the lesson's parent that ended
    assert_eq!(adopted.2, "netlab", "{adopted:?}");
    let r = reaped(&evs);
    assert_eq!(r.len(), 1, "{evs:?}");
    assert_eq!((r[0].0, r[0].1.as_deref(), r[0].2), (adopted.0, Some("waitpid"), Some(7)));
    assert_eq!(reaped_by(&evs).as_deref(), Some("adopter"));
    assert!(evs.iter().any(
        |e| matches!(e, Ev::Process(ProcessEv::State { pid, state, .. }) if *pid == adopted.0 && state == "gone")
    ));
    assert_gone(&child_pids(&evs), "process zombie --reap none");
}

#[test]
fn ctrl_c_during_the_hold_still_reaps_the_zombie() {
    become_subreaper();
    let mut r = Running::start(&["--json", "process", "zombie", "--hold", "30"]);
    r.wait_line("\"event\":\"hold\"", 10);
    let t0 = Instant::now();
    r.signal(Signal::SIGINT);
    let (code, evs) = r.finish();
    assert!(t0.elapsed() < Duration::from_secs(5), "the hold did not end on SIGINT");
    assert_eq!(code, Some(0));
    assert_eq!(reaped(&evs).len(), 1, "{evs:?}");
    assert_gone(&child_pids(&evs), "zombie interrupted by SIGINT");
}

/// `process zombie --reap none --hold 30`, in its own process group when
/// `group`, once it holds: the run and the lesson's parent's pid.
fn orphan_lesson_holding(group: bool) -> (Running, Vec<i32>) {
    let args = ["--json", "process", "zombie", "--reap", "none", "--hold", "30"];
    let mut r = if group { Running::start_group(&args) } else { Running::start(&args) };
    r.wait_line("\"event\":\"hold\"", 10);
    let pids: Vec<i32> = children_of(r.child.id()).iter().map(|c| c.pid as i32).collect();
    assert_eq!(pids.len(), 1, "the lesson's parent: {pids:?}");
    (r, pids)
}

/// Ctrl-C on a terminal signals the whole foreground group: netlab, the
/// lesson's parent and its child all get SIGINT. netlab ends at once, exit
/// 1 with one line, and the subreaper (this test) finds nothing of it
/// left: not the lesson's parent, not the orphan zombie.
#[test]
fn ctrl_c_to_the_whole_group_during_an_orphan_lesson_leaves_nothing() {
    become_subreaper();
    let (r, mut pids) = orphan_lesson_holding(true);
    let t0 = Instant::now();
    r.signal_group(Signal::SIGINT);
    let (code, evs, err) = r.finish_with_stderr();
    assert!(t0.elapsed() < Duration::from_secs(5), "SIGINT did not end the lesson");
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(err.trim(), "netlab: process: interrupted by SIGINT: every child was killed and reaped");
    pids.extend(child_pids(&evs));
    assert!(pids.len() >= 2, "the zombie's pid is in a state event: {evs:?}");
    assert_gone(&pids, "process zombie --reap none, Ctrl-C");
    // SIGINT to netlab alone (kill -INT PID): it tells the lesson's parent,
    // instead of waiting out its 30 s hold
    let (r, mut pids) = orphan_lesson_holding(false);
    let t0 = Instant::now();
    r.signal(Signal::SIGINT);
    let (code, evs, err) = r.finish_with_stderr();
    assert!(t0.elapsed() < Duration::from_secs(5), "SIGINT to netlab did not end the hold");
    assert_eq!(code, Some(1), "{err}");
    pids.extend(child_pids(&evs));
    assert_gone(&pids, "process zombie --reap none, SIGINT to netlab");
}

/// The lesson's parent killed midway: netlab says so in words, and the
/// zombie it left (now netlab's, as its subreaper) is reaped all the same.
#[test]
fn a_killed_lesson_parent_leaves_no_zombie() {
    become_subreaper();
    let (r, mut pids) = orphan_lesson_holding(false);
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pids[0]), Signal::SIGKILL).expect("kill");
    let (code, evs, err) = r.finish_with_stderr();
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(
        err.trim(),
        "netlab: process: the lesson's parent failed (killed by SIGKILL); its child was killed and reaped"
    );
    pids.extend(child_pids(&evs));
    assert_gone(&pids, "process zombie --reap none, parent killed");
}

#[test]
fn wait_decodes_an_exit_code_and_a_signal() {
    become_subreaper();
    for (args, code, signal) in [
        (&["--exit", "3"][..], Some(3), None),
        (&["--call", "waitpid", "--exit", "0"], Some(0), None),
        (&["--signal", "TERM"], None, Some("SIGTERM".to_string())),
        (&["--call", "waitpid", "--signal", "9"], None, Some("SIGKILL".to_string())),
    ] {
        let mut full = vec!["--json", "process", "wait"];
        full.extend_from_slice(args);
        let o = run(&full, b"");
        assert_exit(&o, 0);
        let evs = events(&o);
        let r = reaped(&evs);
        assert_eq!(r.len(), 1, "{args:?}: {evs:?}");
        assert_eq!((r[0].2, r[0].3.clone()), (code, signal.clone()), "{args:?}");
        let decoded = evs.iter().any(|e| {
            matches!(e, Ev::Shared(SharedEv::Reaped { exited: Some(x), signaled: Some(s), .. })
                if *x == code.is_some() && *s == signal.is_some())
        });
        assert!(decoded, "{args:?}: WIFEXITED/WIFSIGNALED: {evs:?}");
        assert_gone(&child_pids(&evs), "process wait");
    }
}

#[test]
fn waitpid_nohang_polls_until_the_child_ends() {
    become_subreaper();
    let o = run(&["--json", "process", "wait", "--call", "waitpid", "--nohang", "--exit", "24"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    let polls: Vec<u64> = evs
        .iter()
        .filter_map(|e| match e {
            Ev::Process(ProcessEv::Poll { n, result: 0, .. }) => Some(*n),
            _ => None,
        })
        .collect();
    // the child works half a second: polls numbered 1, 2, … before it ends
    assert!(!polls.is_empty(), "{evs:?}");
    assert_eq!(polls, (1..=polls.len() as u64).collect::<Vec<_>>());
    let r = reaped(&evs);
    assert_eq!((r.len(), r[0].2), (1, Some(24)), "{evs:?}");
    assert_gone(&child_pids(&evs), "process wait --nohang");
}

#[test]
fn a_child_killed_midway_is_reported_as_killed_and_reaped() {
    become_subreaper();
    let child = netlab()
        .args(["--json", "process", "wait", "--call", "waitpid", "--exit", "5"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let netlab_pid = child.id();
    // the lesson's child works half a second: kill it meanwhile
    let deadline = Instant::now() + Duration::from_secs(5);
    let victim = loop {
        if let Some(c) = children_of(netlab_pid).first() {
            break c.pid;
        }
        assert!(Instant::now() < deadline, "netlab forked no child");
        std::thread::sleep(Duration::from_millis(5));
    };
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(victim as i32), Signal::SIGKILL).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_exit(&o, 0);
    let evs = events(&o);
    assert_eq!(reaped(&evs), vec![(victim as i32, Some("waitpid".into()), None, Some("SIGKILL".into()))]);
    assert_gone(&[victim as i32], "killed child");
}

#[test]
fn the_coalescing_handler_leaves_zombies_and_the_loop_leaves_none() {
    become_subreaper();
    for handler in ["once", "loop"] {
        let o = run(&["--json", "--trace", "process", "sigchld", "--children", "30", "--handler", handler], b"");
        assert_exit(&o, 0);
        let evs = events(&o);
        let Some((children, signals, by_handler, left)) = evs.iter().find_map(|e| match e {
            Ev::Shared(SharedEv::Result(Lesson::Sigchld {
                children,
                signals_handled,
                reaped_by_handler,
                zombies_left,
                ..
            })) => Some((*children, *signals_handled, *reaped_by_handler, *zombies_left)),
            _ => None,
        }) else {
            panic!("no result: {evs:?}")
        };
        // what happened is measured: the counts add up, whatever the race
        assert_eq!(children, 30);
        assert_eq!(by_handler + left, children, "{handler}: {evs:?}");
        assert!(signals >= 1 && signals <= children, "{handler}: {signals} signals");
        if handler == "loop" {
            assert_eq!(left, 0, "the looping handler leaves no zombie");
        } else {
            // one waitpid per signal: it reaped one child per run at most
            assert!(by_handler <= signals, "{evs:?}");
        }
        // the trace shows the handler's own waitpid calls (noted in the
        // handler, narrated after it ran): one per child it reaped, and,
        // once per run, the one that found none left (0 or ECHILD)
        let err = stderr(&o);
        let calls: Vec<&str> =
            err.lines().filter_map(|l| l.strip_prefix("[SIGCHLD handler] waitpid(-1, WNOHANG) = ")).collect();
        let reaping = calls.iter().filter(|r| !r.starts_with("0") && !r.starts_with("-1")).count() as u64;
        assert_eq!(reaping, by_handler, "{handler}: the trace's waitpids against the count\n{err}");
        if handler == "once" {
            assert_eq!(calls.len() as u64, signals, "one waitpid per signal: {err}");
        } else {
            assert!(calls.len() as u64 >= by_handler + signals.min(1), "{err}");
        }
        // netlab reaped the ones the handler left, and said so
        let after: Vec<_> = reaped(&evs);
        assert_eq!(after.len() as u64, left, "{handler}: {evs:?}");
        // no child of the lesson is left
        assert_gone(&after.iter().map(|r| r.0).collect::<Vec<_>>(), handler);
    }
}

#[test]
fn process_bad_input_is_one_line_and_exit_2() {
    for (args, want) in [
        (&["process", "sigchld", "--children", "0"][..], "must be at least 1"),
        (&["process", "sigchld", "--children", "100000"], "over the limit of 1000"),
        (&["process", "wait", "--signal", "FOO"], "not a signal name"),
        (&["process", "wait", "--signal", "CHLD"], "does not end a process"),
        (&["process", "wait", "--nohang"], "add --call waitpid"),
        (&["process", "wait", "--exit", "256"], "only the low 8 bits"),
        (&["process", "zombie", "--hold", "-1"], "cannot be negative"),
        (&["process", "zombie", "--hold", "61"], "over the limit"),
    ] {
        let o = run(args, b"");
        assert_exit(&o, 2);
        let err = stderr(&o);
        assert_eq!(err.lines().filter(|l| l.starts_with("netlab: ")).count(), 1, "{args:?}: {err}");
        assert!(err.lines().next().unwrap_or_default().contains(want), "{args:?}: {err}");
    }
}

#[test]
fn trace_labels_each_process_lines_with_its_pid() {
    become_subreaper();
    let o = run(&["--trace", "process", "fork"], b"");
    assert_exit(&o, 0);
    let err = stderr(&o);
    let child = err
        .lines()
        .find_map(|l| l.strip_prefix("fork() = ")?.parse::<i32>().ok())
        .unwrap_or_else(|| panic!("no fork line: {err}"));
    assert!(err.lines().any(|l| l == format!("[pid {child}] exit(0) = ?")), "{err}");
    assert!(err.lines().any(|l| l.starts_with(&format!("[pid {child}] getpid() = {child}"))), "{err}");
    assert!(err.lines().any(|l| l.starts_with(&format!("waitpid({child}, 0) = {child} (exited 0)"))), "{err}");
    // text output reads like fork.c's
    let text = stdout(&o);
    assert!(text.lines().any(|l| l.starts_with("Child Proc: [13, 27]")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("Parent Proc: [9, 23]")), "{text}");
}

/// The SIGCHLD handler's waitpid is in the trace, narrated after the
/// handler ran; with `--log-format json` its line names the handler.
#[test]
fn the_sigchld_handlers_waitpid_is_traced_and_labelled() {
    become_subreaper();
    let o = run(&["--json", "--trace", "--log-format", "json", "process", "zombie", "--reap", "sigchld"], b"");
    assert_exit(&o, 0);
    let child = reaped(&events(&o))[0].0;
    let lines: Vec<serde_json::Value> =
        stderr(&o).lines().filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()).collect();
    let want = format!("[SIGCHLD handler] waitpid(-1, WNOHANG) = {child} (exited 7)");
    assert!(
        lines.iter().any(|v| v["handler"] == "SIGCHLD" && v["trace"] == want.as_str()),
        "no {want:?} in {lines:#?}"
    );
    assert_gone(&[child], "zombie --reap sigchld");
}
