//! The events of `netlab udp server`: serde (the `event` tag names the kind) and
//! their text.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What `netlab udp server` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// One datagram received by the UDP server and handled as an echo
    /// request: echoed (`replied`), or not because it was too long or
    /// sendto failed (`note` says which). A datagram the server refuses to
    /// answer (a possible echo storm) is a `dropped` event instead.
    Datagram {
        /// the sender's address and port
        peer: String,
        /// the datagram's length (its real length when truncated)
        bytes: u64,
        /// longer than --buffer-size: cut by the kernel, so not echoed
        truncated: bool,
        /// whether the same bytes were sent back
        replied: bool,
        /// why it was not echoed, when it was not
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Datagrams the server received and did not answer, because an answer
    /// could start or feed an echo storm (CERT CA-1996-01). The first drop
    /// from a peer is told at once; later ones from the same peer are
    /// counted and told at most once a second (and when the server stops),
    /// so a storm cannot flood stdout: the `count`s add up to the
    /// `dropped` of `stats` and `stopped`.
    Dropped {
        /// the sender's address and port
        peer: String,
        /// why no reply: `port-zero`, `small-service-port`, `self`, `echo-loop`, `broadcast`
        reason: DropReason,
        /// the datagrams from `peer` this event counts (1, or those dropped since its last `dropped` event)
        count: u64,
        /// their bytes in all
        bytes: u64,
    },
}

/// Why the UDP server did not answer a datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DropReason {
    /// source port 0: no socket can be bound there, the source is forged
    PortZero,
    /// a source port of a small service that answers every datagram (echo
    /// 7, daytime 13, qotd 17, chargen 19, time 37): a reply would start a
    /// loop with it
    SmallServicePort,
    /// the server's own address and port: a reply would come straight back
    #[serde(rename = "self")]
    SelfAddress,
    /// the peer keeps sending back exactly what it was sent (two echo
    /// servers set replying to each other)
    EchoLoop,
    /// a broadcast, multicast or unspecified source: a reply could reach
    /// many hosts, or none
    Broadcast,
}

impl DropReason {
    /// The name the JSON uses (`small-service-port`).
    pub fn name(self) -> &'static str {
        match self {
            DropReason::PortZero => "port-zero",
            DropReason::SmallServicePort => "small-service-port",
            DropReason::SelfAddress => "self",
            DropReason::EchoLoop => "echo-loop",
            DropReason::Broadcast => "broadcast",
        }
    }

    /// Why it is dropped, for the text output.
    pub fn why(self) -> &'static str {
        match self {
            DropReason::PortZero => "no socket sends from port 0: the source is forged",
            DropReason::SmallServicePort => "that service answers every datagram: a reply would start a loop",
            DropReason::SelfAddress => "the server's own address: a reply would come straight back",
            DropReason::EchoLoop => "it keeps sending back what it was sent: an echo loop",
            DropReason::Broadcast => "a broadcast, multicast or unspecified source",
        }
    }
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The small services that answer every datagram (RFC 862, 867, 865, 864,
/// 868), by port: a server that answers one of them starts a loop.
pub const SMALL_SERVICES: [(u16, &str); 5] =
    [(7, "echo"), (13, "daytime"), (17, "qotd"), (19, "chargen"), (37, "time")];

/// The small service on `peer`'s port (`127.0.0.1:19` → chargen), if any.
fn service_of(peer: &str) -> Option<&'static str> {
    let port: u16 = peer.rsplit_once(':')?.1.parse().ok()?;
    SMALL_SERVICES.iter().find(|(p, _)| *p == port).map(|(_, name)| *name)
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
            Event::Dropped { peer, reason, count, bytes } => {
                match count {
                    1 => write!(f, "dropped datagram from {peer}: {bytes} bytes ({reason}: ")?,
                    n => write!(f, "dropped {n} datagrams from {peer}: {bytes} bytes ({reason}: ")?,
                }
                match (reason, service_of(peer)) {
                    (DropReason::SmallServicePort, Some(name)) => {
                        write!(f, "{name} answers every datagram: a reply would start a loop)")
                    }
                    _ => write!(f, "{})", reason.why()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_named_as_the_json_says() {
        for r in [
            DropReason::PortZero,
            DropReason::SmallServicePort,
            DropReason::SelfAddress,
            DropReason::EchoLoop,
            DropReason::Broadcast,
        ] {
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{}\"", r.name()));
        }
    }

    #[test]
    fn dropped_text_names_the_service() {
        let ev =
            Event::Dropped { peer: "127.0.0.1:19".into(), reason: DropReason::SmallServicePort, count: 1, bytes: 4 };
        assert_eq!(
            ev.to_string(),
            "dropped datagram from 127.0.0.1:19: 4 bytes \
             (small-service-port: chargen answers every datagram: a reply would start a loop)"
        );
        let ev = Event::Dropped { peer: "127.0.0.1:5000".into(), reason: DropReason::EchoLoop, count: 40, bytes: 400 };
        assert_eq!(
            ev.to_string(),
            "dropped 40 datagrams from 127.0.0.1:5000: 400 bytes \
             (echo-loop: it keeps sending back what it was sent: an echo loop)"
        );
        let line = crate::output::json_line(&ev);
        assert_eq!(line, r#"{"event":"dropped","peer":"127.0.0.1:5000","reason":"echo-loop","count":40,"bytes":400}"#);
    }
}
