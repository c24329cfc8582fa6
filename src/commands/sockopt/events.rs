//! The events of `netlab sockopt`: serde (the `event` tag names the kind) and
//! their text.

use crate::text::printable;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What `netlab sockopt` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// One row of `sockopt list`.
    SockoptInfo {
        /// the option's level (SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP, IPPROTO_IPV6)
        level: String,
        /// the option's C name (SO_RCVBUF)
        option: String,
        /// how its value reads: int, bool, bytes, seconds, ms, linger, timeval, type, errno, string
        kind: String,
        /// the sockets it means something on: tcp, udp, or both, and the family
        applies_to: String,
        /// rw, or ro for a read-only option
        access: String,
        /// what it does
        description: String,
    },
    /// The value of one option on a fresh socket.
    Sockopt {
        /// the socket: tcp, udp, tcp6 or udp6
        socket: String,
        /// the option's level
        level: String,
        /// the option's C name
        option: String,
        /// the value: a number, a bool, an object ({on, secs} for SO_LINGER) or a string
        value: serde_json::Value,
        /// the value as text, with its unit or meaning
        text: String,
    },
    /// A set, read back and explained.
    SockoptSet {
        /// the socket: tcp, udp, tcp6 or udp6
        socket: String,
        /// the option's level
        level: String,
        /// the option's C name
        option: String,
        /// the value asked for
        requested: serde_json::Value,
        /// the value read back after setsockopt
        effective: serde_json::Value,
        /// the value asked for, as typed
        requested_text: String,
        /// the value read back, as text
        effective_text: String,
        /// why the kernel changed it, when it did
        #[serde(skip_serializing_if = "Option::is_none", default)]
        reason: Option<String>,
        /// the kernel limit that capped it (net.core.rmem_max)
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Sysctl {
    /// the sysctl's name (`net.core.rmem_max`)
    pub name: String,
    /// its value
    pub value: i64,
}
