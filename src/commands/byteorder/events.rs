//! The events of `netlab byteorder`: serde (the `event` tag names the kind) and
//! their text.

use crate::text::printable;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What `netlab byteorder` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The host's byte order, shown with 0x12345678 in memory.
    HostOrder {
        /// little-endian or big-endian
        order: String,
        /// the value shown: 0x12345678
        value: String,
        /// its bytes in this host's memory, lowest address first
        memory: Vec<String>,
        /// its bytes in network byte order (big-endian), as they go on the wire
        network_memory: Vec<String>,
    },
    /// htons/ntohs/htonl/ntohl of one value.
    Conversion {
        /// htons, ntohs, htonl or ntohl
        function: String,
        /// the value as given
        input: String,
        /// the value as a number
        value: u64,
        /// the value in hex, as wide as the function's type
        value_hex: String,
        /// what the function returned
        result: u64,
        /// the result in hex
        result_hex: String,
        /// bytes of the result as they lie in memory, lowest address first
        memory: Vec<String>,
    },
    /// inet_addr / inet_aton of one string.
    InetAddr {
        /// inet_addr or inet_aton
        function: String,
        /// the string as given
        input: String,
        /// whether the string is a valid address: inet_aton's return value
        /// (1 or 0). For inet_addr too, so 255.255.255.255 is ok although
        /// inet_addr returns INADDR_NONE for it (a note says so).
        ok: bool,
        /// canonical dotted-quad form
        #[serde(skip_serializing_if = "Option::is_none", default)]
        dotted: Option<String>,
        /// s_addr as the C code would print it on this host (`%#x`)
        s_addr: u32,
        /// s_addr in hex
        s_addr_hex: String,
        /// s_addr's bytes in memory, lowest address first (network order)
        memory: Vec<String>,
        /// what the C library did that inet_pton would not (short forms, hex, octal, INADDR_NONE)
        #[serde(skip_serializing_if = "Vec::is_empty", default)]
        notes: Vec<String>,
    },
    /// inet_ntoa of a network-order value.
    InetNtoa {
        /// the value as given
        input: String,
        /// the network-order value (s_addr)
        s_addr: u32,
        /// s_addr in hex
        s_addr_hex: String,
        /// what inet_ntoa returned: dotted decimal
        dotted: String,
        /// s_addr's bytes in memory, lowest address first
        memory: Vec<String>,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::HostOrder { order, value, memory, network_memory } => write!(
                f,
                "host byte order: {order}\nvalue: {value}\nin memory: {} (lowest address first)\nnetwork byte order (big-endian): {}",
                join(memory),
                join(network_memory)
            ),
            Event::Conversion { function, input, value_hex, result, result_hex, memory, .. } => write!(
                f,
                "{function}({}) = {result_hex} = {result}  [input {value_hex}; result in memory: {}]",
                printable(input),
                join(memory)
            ),
            Event::InetAddr { function, input, ok, dotted, s_addr_hex, s_addr, memory, notes } => {
                let ret = if function == "inet_aton" {
                    format!("{}", u8::from(*ok))
                } else {
                    s_addr_hex.clone()
                };
                write!(f, "{function}(\"{}\") = {ret}", printable(input))?;
                if let Some(d) = dotted {
                    write!(f, "  -> {d}; s_addr = {s_addr_hex} ({s_addr}); in memory: {}", join(memory))?;
                } else {
                    write!(f, "  (invalid address)")?;
                }
                for n in notes {
                    write!(f, "\n  note: {n}")?;
                }
                Ok(())
            }
            Event::InetNtoa { input, s_addr_hex, dotted, memory, .. } => {
                write!(
                    f,
                    "inet_ntoa({}) = \"{dotted}\"  [s_addr {s_addr_hex}; in memory: {}]",
                    printable(input),
                    join(memory)
                )
            }
        }
    }
}

fn join(v: &[String]) -> String {
    v.join(" ")
}
