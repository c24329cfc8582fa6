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
        /// what it showed, or why it failed
        detail: String,
    },
    /// The end of `netlab demo`.
    DemoSummary {
        /// steps run
        steps: u32,
        /// steps passed
        passed: u32,
        /// steps failed
        failed: u32,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::DemoStep { step, ok, detail } => {
                write!(f, "[{}] {step:<22} {detail}", if *ok { " ok " } else { "FAIL" })
            }
            Event::DemoSummary { steps, passed, failed } => {
                write!(f, "demo: {passed}/{steps} steps passed, {failed} failed")
            }
        }
    }
}
