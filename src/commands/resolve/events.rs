//! The events of `netlab resolve`: serde (the `event` tag names the kind) and
//! their text.

use crate::text::printable;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What `netlab resolve` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A forward lookup, as the fields of `struct hostent` (one event per
    /// address family found).
    Host {
        /// the name as given
        query: String,
        /// h_name: the official (canonical) name
        official_name: String,
        /// h_aliases: other names for it
        aliases: Vec<String>,
        /// h_addrtype: AF_INET or AF_INET6
        addrtype: String,
        /// h_length: 4 or 16 bytes
        length: u32,
        /// h_addr_list: the addresses
        addresses: Vec<String>,
        /// which source answered, where it can be told: files (the hosts file) or dns
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
    /// A reverse lookup (getnameinfo, the modern gethostbyaddr).
    Reverse {
        /// the address as given
        query: String,
        /// the name it has
        name: String,
        /// which source answered, where it can be told
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
        /// how a loose IPv4 form (`127.1`) was read, as inet_aton reads it
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// One argument of `resolve` that failed (the others still run).
    ResolveFailed {
        /// the argument as given
        query: String,
        /// why, in the resolver's words
        message: String,
        /// EAI_NONAME, EAI_AGAIN, timeout, invalid…
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Host { query, official_name, aliases, addrtype, length, addresses, source } => {
                writeln!(f, "query: {}", printable(query))?;
                writeln!(f, "official name: {}", printable(official_name))?;
                let aliases = if aliases.is_empty() { "(none)".to_string() } else { aliases.join(" ") };
                writeln!(f, "aliases: {}", printable(&aliases))?;
                writeln!(f, "address type: {addrtype}")?;
                writeln!(f, "address length: {length}")?;
                write!(f, "addresses: {}", addresses.join(" "))?;
                if let Some(s) = source {
                    write!(f, "\nsource: {s}")?;
                }
                Ok(())
            }
            Event::Reverse { query, name, source, note } => {
                write!(f, "query: {}\nname: {}", printable(query), printable(name))?;
                if let Some(s) = source {
                    write!(f, "\nsource: {s}")?;
                }
                if let Some(n) = note {
                    write!(f, "\nnote: {}", printable(n))?;
                }
                Ok(())
            }
            Event::ResolveFailed { query, message, .. } => {
                write!(f, "query: {}\nerror: {}", printable(query), printable(message))
            }
        }
    }
}
