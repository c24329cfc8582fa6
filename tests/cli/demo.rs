//! `netlab demo` passes every step on a fresh machine.

use crate::common::*;
use netlab::output::Event;

#[test]
fn demo_passes_every_step() {
    let o = run(&["--json", "demo"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    let steps: Vec<&Event> = evs.iter().filter(|e| matches!(e, Event::DemoStep { .. })).collect();
    assert!(steps.len() >= 6, "{evs:?}");
    for s in &steps {
        assert!(matches!(s, Event::DemoStep { ok: true, .. }), "{s:?}");
    }
    let Some(Event::DemoSummary { failed: 0, passed, steps: n }) = evs.last() else { panic!("{evs:?}") };
    assert_eq!(passed, n);
    let o = run(&["demo"], b"");
    assert_exit(&o, 0);
    assert!(stdout(&o).lines().all(|l| !l.contains("FAIL")), "{}", stdout(&o));
}
