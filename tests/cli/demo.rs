//! `netlab demo` passes every step on a fresh machine.

use crate::common::*;

#[test]
fn demo_passes_every_step() {
    let o = run(&["--json", "demo"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    let steps: Vec<&Ev> = evs.iter().filter(|e| matches!(e, Ev::Demo(DemoEv::DemoStep { .. }))).collect();
    let names: Vec<&str> = steps
        .iter()
        .filter_map(|e| if let Ev::Demo(DemoEv::DemoStep { step, .. }) = e { Some(step.as_str()) } else { None })
        .collect();
    // SPEC §9: every command, and each echo-server model, once
    let models = <netlab::commands::echo_server::Model as clap::ValueEnum>::value_variants();
    for m in models {
        let want = format!("echo-server {}", m.name());
        assert!(names.contains(&want.as_str()), "no demo step {want:?} in {names:?}");
    }
    for want in [
        "byteorder htons",
        "fileio write+read",
        "sockopt table",
        "echo-server iterative",
        "echo-server fork",
        "echo-server select",
        "echo-server poll",
        "echo-server epoll",
        "echo-server thread",
        "udp round trip",
        "resolve localhost",
        "process fork+wait",
        "signal alarm",
        "pipe oneway",
    ] {
        assert!(names.contains(&want), "no demo step {want:?} in {names:?}");
    }
    for s in &steps {
        assert!(matches!(s, Ev::Demo(DemoEv::DemoStep { ok: true, .. })), "{s:?}");
    }
    let Some(Ev::Demo(DemoEv::DemoSummary { failed: 0, passed, steps: n })) = evs.last() else { panic!("{evs:?}") };
    assert_eq!(passed, n);
    let o = run(&["demo"], b"");
    assert_exit(&o, 0);
    assert!(stdout(&o).lines().all(|l| !l.contains("FAIL")), "{}", stdout(&o));
}

/// The demo makes only its own directory inside TMPDIR: a TMPDIR that does
/// not exist is a failed step (exit 1, errno named as everywhere else), not
/// a directory tree created behind the user's back.
#[test]
fn a_missing_tmpdir_fails_the_step_and_creates_nothing() {
    let d = TempDir::new("demo-tmp");
    let missing = d.0.join("not-there").join("deeper");
    let o = run_cmd(netlab().arg("demo").env("TMPDIR", &missing), b"");
    assert_exit(&o, 1);
    let out = stdout(&o);
    let line = out.lines().find(|l| l.contains("fileio write+read")).unwrap_or_else(|| panic!("{out}"));
    assert!(line.starts_with("[FAIL]") && line.ends_with("No such file or directory (ENOENT)"), "{line}");
    assert!(!d.0.join("not-there").exists(), "the demo created TMPDIR's parents");
}
