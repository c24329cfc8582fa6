//! The events of `netlab demo`: serde (the `event` tag names the kind) and
//! their text.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What `netlab demo` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// One step of `netlab demo`.
    DemoStep {
        /// the step's name (echo-server fork, pipe oneway…)
        step: String,
        /// whether it passed
        ok: bool,
        /// what it showed, why it failed, or why it could not run
        detail: String,
        /// true for a step this machine cannot run (a kernel that refuses
        /// io_uring): ok is false, yet the demo does not fail; absent
        /// otherwise
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        skipped: bool,
    },
    /// The end of `netlab demo`.
    DemoSummary {
        /// steps run
        steps: u32,
        /// steps passed
        passed: u32,
        /// steps failed
        failed: u32,
        /// steps this machine cannot run (absent when none)
        #[serde(default, skip_serializing_if = "is_zero")]
        skipped: u32,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::DemoStep { step, ok, detail, skipped } => {
                let mark = match (ok, skipped) {
                    (true, _) => " ok ",
                    (false, true) => "skip",
                    (false, false) => "FAIL",
                };
                write!(f, "[{mark}] {step:<22} {detail}")
            }
            Event::DemoSummary { steps, passed, failed, skipped: 0 } => {
                write!(f, "demo: {passed}/{steps} steps passed, {failed} failed")
            }
            Event::DemoSummary { steps, passed, failed, skipped } => {
                write!(f, "demo: {passed}/{steps} steps passed, {failed} failed, {skipped} skipped (not possible here)")
            }
        }
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}
