//! The demo steps of the process half of the course: each runs the real
//! lesson (`netlab --json process fork`, …) as a child process, bounded,
//! and checks what it printed (under `--trace`, traced too: its lines are
//! relayed marked `[pid N]`).

use super::child::Child;
use super::StepResult;
use crate::commands::AnyEvent;
use crate::events::{Event as Shared, Lesson};
use std::time::Duration;

/// Run `netlab --json ARGS`, at most 10 s; its events.
fn run_lesson(args: &[&str]) -> std::result::Result<Vec<AnyEvent>, String> {
    let mut child = Child::start(args)?;
    child.finish(Duration::from_secs(10)).map_err(|e| format!("{}: {e}", args.join(" ")))?;
    child.rest().iter().map(|l| serde_json::from_str(l).map_err(|e| format!("bad line {l:?}: {e}"))).collect()
}

pub fn step_fork() -> StepResult {
    use crate::commands::process::Event as P;
    let evs = run_lesson(&["process", "fork"])?;
    let mut child = None;
    let mut parent = None;
    let mut reaped = None;
    for e in &evs {
        match e {
            AnyEvent::Process(P::Forked { role, pid, global: Some(g), local: Some(l), .. }) => {
                if role == "child" {
                    child = Some((*pid, *g, *l));
                } else {
                    parent = Some((*g, *l));
                }
            }
            AnyEvent::Shared(Shared::Reaped { pid, code: Some(0), .. }) => reaped = Some(*pid),
            _ => {}
        }
    }
    match (child, parent, reaped) {
        (Some((pid, 13, 27)), Some((9, 23)), Some(r)) if r == pid => {
            Ok(format!("fork(): the child changed its copy (13, 27), the parent its own (9, 23); child {pid} reaped"))
        }
        other => Err(format!("unexpected fork lesson: {other:?}")),
    }
}

pub fn step_alarm() -> StepResult {
    use crate::commands::signal::Event as S;
    let evs = run_lesson(&["signal", "alarm", "1", "--loops", "1"])?;
    let at = evs.iter().find_map(|e| match e {
        AnyEvent::Signal(S::Delivered { signal, at_ms }) if signal == "SIGALRM" => Some(*at_ms),
        _ => None,
    });
    let cut = evs.iter().any(|e| matches!(e, AnyEvent::Signal(S::Interrupted { .. })));
    match at {
        Some(ms) if cut => {
            Ok(format!("alarm(1): SIGALRM cut sleep(100) short after {:.1} s; the handler ran", ms as f64 / 1000.0))
        }
        _ => Err(format!("no alarm delivered: {evs:?}")),
    }
}

pub fn step_pipe() -> StepResult {
    use crate::commands::pipe::Event as P;
    let evs = run_lesson(&["pipe", "oneway"])?;
    let fds = evs.iter().find_map(|e| match e {
        AnyEvent::Pipe(P::Pipe { read_fd, write_fd }) => Some((*read_fd, *write_fd)),
        _ => None,
    });
    let intact = evs.iter().any(|e| matches!(e, AnyEvent::Shared(Shared::Result(Lesson::Oneway { intact: true, .. }))));
    match fds {
        Some((r, w)) if intact => {
            Ok(format!("pipe([{r}, {w}]): the child wrote \"Who are you?\", the parent read it whole"))
        }
        _ => Err(format!("the message did not come through: {evs:?}")),
    }
}
