//! `netlab signal`: alarms cutting sleeps short, Ctrl-C handled, and EINTR
//! with and without SA_RESTART. Timings are asserted only as generous
//! bounds on the whole run (the lesson is bounded), never on netlab's speed.

use crate::common::*;
use nix::sys::signal::Signal;
use std::time::{Duration, Instant};

fn signal_events(evs: &[Ev]) -> Vec<SignalEv> {
    evs.iter()
        .filter_map(|e| match e {
            Ev::Signal(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn each_alarm_cuts_a_sleep_short_and_is_re_armed() {
    for (api, flags) in [("signal", "SA_RESTART"), ("sigaction", "0")] {
        let t0 = Instant::now();
        let o = run(&["--json", "signal", "alarm", "1", "--api", api, "--loops", "2"], b"");
        assert_exit(&o, 0);
        // two rounds of sleep(100), each ended by the 1 s alarm
        assert!(t0.elapsed() < Duration::from_secs(10), "{api}: {:?}", t0.elapsed());
        let evs = signal_events(&events(&o));
        let handlers: Vec<(String, String)> = evs
            .iter()
            .filter_map(|e| match e {
                SignalEv::Handler { signal, flags, .. } => Some((signal.clone(), flags.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(handlers, vec![("SIGALRM".into(), flags.into()), ("SIGINT".into(), flags.into())], "{api}");
        let rounds = evs.iter().filter(|e| matches!(e, SignalEv::Waiting { .. })).count();
        let alarms =
            evs.iter().filter(|e| matches!(e, SignalEv::Delivered { signal, .. } if signal == "SIGALRM")).count();
        assert_eq!((rounds, alarms), (2, 2), "{api}: {evs:?}");
        for e in &evs {
            if let SignalEv::Interrupted { call, remaining_ms, errno, .. } = e {
                assert_eq!((call.as_str(), errno), ("sleep(100)", &None));
                assert!(remaining_ms.is_some_and(|ms| ms > 90_000), "{e:?}");
            }
        }
        assert_eq!(evs.iter().filter(|e| matches!(e, SignalEv::Interrupted { .. })).count(), 2, "{api}");
    }
}

#[test]
fn the_text_reads_like_signal_c() {
    let o = run(&["signal", "alarm", "1", "--loops", "1"], b"");
    assert_exit(&o, 0);
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.contains(&"wait..."), "{text}");
    assert!(lines.iter().any(|l| l.starts_with("Time out!")), "{text}");
}

#[test]
fn ctrl_c_runs_the_sigint_handler_and_the_lesson_goes_on() {
    let mut r = Running::start(&["--json", "signal", "alarm", "2", "--loops", "2"]);
    // the handlers are in once the first `wait...` is out: Ctrl-C
    r.wait_line("\"event\":\"waiting\"", 10);
    r.signal(Signal::SIGINT);
    let (code, evs) = r.finish();
    assert_eq!(code, Some(0));
    let evs = signal_events(&evs);
    assert!(evs.iter().any(|e| matches!(e, SignalEv::Delivered { signal, .. } if signal == "SIGINT")), "{evs:?}");
    assert_eq!(evs.iter().filter(|e| matches!(e, SignalEv::Waiting { .. })).count(), 2, "the loop went on: {evs:?}");
}

#[test]
fn a_blocked_call_fails_with_eintr_without_sa_restart() {
    for during in ["read", "accept"] {
        let o = run(&["--json", "signal", "eintr", "--during", during], b"");
        assert_exit(&o, 0);
        let evs = signal_events(&events(&o));
        let interrupted = evs.iter().find_map(|e| match e {
            SignalEv::Interrupted { call, errno, .. } => Some((call.clone(), errno.clone())),
            _ => None,
        });
        let (call, errno) = interrupted.unwrap_or_else(|| panic!("{during}: {evs:?}"));
        assert!(call.starts_with(during), "{call}");
        assert_eq!(errno.as_deref(), Some("EINTR"));
        assert_eq!(evs.iter().filter(|e| matches!(e, SignalEv::Delivered { .. })).count(), 1, "{evs:?}");
    }
}

#[test]
fn sa_restart_restarts_read_and_accept_but_never_sleep() {
    for (during, result) in [("read", "1"), ("accept", "-1 EINVAL")] {
        let o = run(&["--json", "signal", "eintr", "--during", during, "--restart"], b"");
        assert_exit(&o, 0);
        let evs = signal_events(&events(&o));
        let returned = evs.iter().find_map(|e| match e {
            SignalEv::Returned { result, signals_during, .. } => Some((result.clone(), *signals_during)),
            _ => None,
        });
        // restarted after the first alarm; the second ended the wait
        assert_eq!(returned, Some((result.to_string(), 2)), "{during}: {evs:?}");
        assert!(!evs.iter().any(|e| matches!(e, SignalEv::Interrupted { .. })), "{during}: {evs:?}");
    }
    let o = run(&["--json", "signal", "eintr", "--during", "sleep", "--restart"], b"");
    assert_exit(&o, 0);
    let evs = signal_events(&events(&o));
    assert!(
        evs.iter()
            .any(|e| matches!(e, SignalEv::Interrupted { call, remaining_ms: Some(_), .. } if call == "sleep(10)")),
        "{evs:?}"
    );
}

#[test]
fn the_trace_shows_the_eintr() {
    let o = run(&["--trace", "signal", "eintr"], b"");
    assert_exit(&o, 0);
    let err = stderr(&o);
    assert!(
        err.lines().any(|l| l.starts_with("read(") && l.ends_with("= -1 EINTR (Interrupted system call)")),
        "{err}"
    );
    assert!(err.lines().any(|l| l == "alarm(1) = 0"), "{err}");
    assert!(
        err.lines().any(|l| l.starts_with("sigaction(SIGALRM, {sa_handler=timeout, sa_mask=[], sa_flags=0}) = 0")),
        "{err}"
    );
}

#[test]
fn signal_bad_input_is_exit_2() {
    for (args, want) in [
        (&["signal", "alarm", "0"][..], "must be at least 1"),
        (&["signal", "alarm", "1.5"], "whole seconds"),
        (&["signal", "alarm", "--loops", "0"], "must be at least 1"),
        (&["signal", "eintr", "--during", "write"], "invalid value"),
    ] {
        let o = run(args, b"");
        assert_exit(&o, 2);
        assert!(stderr(&o).lines().next().unwrap_or_default().contains(want), "{args:?}: {}", stderr(&o));
    }
}
