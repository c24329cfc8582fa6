//! The events of `netlab udp server`: serde (the `event` tag names the kind) and
//! their text.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What `netlab udp server` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// One datagram received by the UDP server.
    Datagram {
        /// the sender's address
        peer: String,
        /// its length in bytes (the real length, even when cut)
        bytes: u64,
        /// longer than --buffer-size: cut by the kernel, so not echoed
        truncated: bool,
        /// whether it was echoed back
        replied: bool,
        /// why it was not echoed
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Datagram { peer, bytes, truncated, replied, note } => {
                write!(f, "datagram from {peer}: {bytes} bytes")?;
                if *truncated {
                    write!(f, ", TRUNCATED")?;
                }
                write!(f, ", {}", if *replied { "echoed" } else { "not echoed" })?;
                if let Some(n) = note {
                    write!(f, " ({n})")?;
                }
                Ok(())
            }
        }
    }
}
