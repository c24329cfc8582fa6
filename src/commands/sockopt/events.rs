//! The events of `netlab sockopt`: serde (the `event` tag names the kind) and
//! their text.

use crate::text::printable;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What `netlab sockopt` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// One row of `sockopt list`.
    SockoptInfo { level: String, option: String, kind: String, applies_to: String, access: String, description: String },
    /// The value of one option on a fresh socket.
    Sockopt { socket: String, level: String, option: String, value: serde_json::Value, text: String },
    /// A set, read back and explained.
    SockoptSet {
        socket: String,
        level: String,
        option: String,
        requested: serde_json::Value,
        effective: serde_json::Value,
        requested_text: String,
        effective_text: String,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        reason: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        sysctl: Option<Sysctl>,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::SockoptInfo { level, option, kind, applies_to, access, description } => {
                write!(f, "{level:<13} {option:<20} {kind:<8} {applies_to:<15} {access:<3} {description}")
            }
            Event::Sockopt { socket, level, option, text, .. } => {
                write!(f, "{socket:<5} {level:<13} {option:<20} {text}")
            }
            Event::SockoptSet { socket, level, option, requested_text, effective_text, reason, sysctl, .. } => {
                write!(
                    f,
                    "{socket} {level} {option}\nrequested: {}\neffective: {effective_text}",
                    printable(requested_text)
                )?;
                if let Some(r) = reason {
                    write!(f, "\nwhy: {r}")?;
                }
                if let Some(s) = sysctl {
                    write!(f, "\n{}: {}", s.name, s.value)?;
                }
                Ok(())
            }
        }
    }
}

/// A kernel limit read from /proc/sys and shown next to a result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sysctl {
    /// the sysctl's name (`net.core.rmem_max`)
    pub name: String,
    /// its value
    pub value: i64,
}
