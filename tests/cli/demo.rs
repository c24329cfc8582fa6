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
    // every step passes; where this kernel refuses io_uring (as this test
    // process finds too), the uring step is skipped instead
    let uring = netlab::sys::Ring::setup(2, 4).is_ok();
    for s in &steps {
        match s {
            Ev::Demo(DemoEv::DemoStep { ok: true, skipped: false, .. }) => {}
            Ev::Demo(DemoEv::DemoStep { step, ok: false, skipped: true, .. })
                if !uring && step == "echo-server uring" => {}
            _ => panic!("{s:?} (io_uring available here: {uring})"),
        }
    }
    let Some(Ev::Demo(DemoEv::DemoSummary { failed: 0, skipped, passed, steps: n })) = evs.last() else {
        panic!("{evs:?}")
    };
    assert_eq!((*passed + *skipped, *skipped), (*n, u32::from(!uring)));
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

/// On a kernel that refuses io_uring (here a seccomp filter, as a
/// container runtime installs), the uring step says why and is skipped:
/// the demo still exits 0 with every other step passed.
#[test]
fn a_kernel_without_io_uring_skips_that_step_only() {
    let mut cmd = netlab();
    cmd.args(["--json", "demo"]);
    crate::uring::refuse_io_uring(&mut cmd, libc::EPERM);
    let o = run_cmd(&mut cmd, b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    let mut skipped = Vec::new();
    for e in &evs {
        if let Ev::Demo(DemoEv::DemoStep { step, ok, detail, skipped: skip }) = e {
            if *skip {
                assert!(!ok && detail.contains("EPERM") && detail.contains("seccomp"), "{step}: {detail}");
                skipped.push(step.as_str());
            } else {
                assert!(ok, "{step}: {detail}");
            }
        }
    }
    assert_eq!(skipped, ["echo-server uring"]);
    let Some(Ev::Demo(DemoEv::DemoSummary { failed: 0, skipped: 1, passed, steps })) = evs.last() else {
        panic!("{evs:?}")
    };
    assert_eq!(passed + 1, *steps);
    // and the text says skip, not FAIL
    let mut cmd = netlab();
    cmd.arg("demo");
    crate::uring::refuse_io_uring(&mut cmd, libc::EPERM);
    let o = run_cmd(&mut cmd, b"");
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.lines().any(|l| l.starts_with("[skip] echo-server uring")), "{out}");
    assert!(!out.contains("FAIL") && out.contains("1 skipped"), "{out}");
}
