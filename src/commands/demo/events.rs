//! The events of `netlab demo`: serde (the `event` tag names the kind) and
//! their text.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What `netlab demo` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// One step of `netlab demo`.
    DemoStep { step: String, ok: bool, detail: String },
    /// The end of `netlab demo`.
    DemoSummary { steps: u32, passed: u32, failed: u32 },
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
