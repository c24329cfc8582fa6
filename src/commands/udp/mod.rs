//! `netlab udp server|client`: UDP echo, as the course builds it
//! (socket → bind → recvfrom → sendto), with what real networks need.
//!
//! Course: UDP 기반 서버/클라이언트 (sendto/recvfrom, datagram
//! boundaries), connected vs unconnected UDP sockets.
//!
//! The server never amplifies: a reply is never longer than its request.
//! A datagram longer than `--buffer-size` is reported as truncated and not
//! echoed (MSG_TRUNC tells its real length), never cut silently.
//!
//! Nor does it feed an echo storm (CERT CA-1996-01: two echo servers and
//! one forged datagram echo to each other forever). It does not answer
//! source port 0, the small services that answer datagrams (echo 7,
//! daytime 13, qotd 17, chargen 19, time 37), broadcast or multicast
//! sources, or its own address, and it notices a peer that keeps sending
//! back exactly what it was sent and stops answering it: see [`storm`]
//! for the rules and the loop detector. Each such datagram is a `dropped`
//! event (told once, then counted at most once a second per peer: see
//! `drops.rs`) instead of a `datagram` event, and counts in `dropped` of
//! `stats`/`stopped`.
//!
//! The client's `--count` mode numbers its datagrams and matches replies by
//! sequence number: loss, duplicates, reordering and RTT percentiles.
//!
//! Try it from two terminals:
//!   netlab udp server 9190
//!   netlab udp client --count 100 --interval 10 127.0.0.1 9190
//! and, as root, the storm that does not happen: a second server on 9191,
//! then one datagram forged from 9191 to 9190
//! (`nping --udp -c 1 -g 9191 -p 9190 127.0.0.1`): after a few round trips
//! one of them prints `dropped datagram from 127.0.0.1:… (echo-loop: …)`.

mod client;
mod drops;
pub mod events;
mod server;
pub mod storm;

pub use client::{payload, Tally};
pub use events::{DropReason, Event};
pub use storm::refuse_reply;

use crate::docs::Docs;
use crate::error::Result;
use crate::net::{self, Host};
use crate::output::Out;
use crate::values;
use std::time::Duration;

pub const DOCS: Docs = Docs {
    examples: &[
        ("netlab udp server 9190", "echo datagrams on 0.0.0.0:9190, one event per datagram"),
        ("netlab udp client -m hello 127.0.0.1 9190", "one datagram, one reply"),
        ("netlab udp server --unix udp.sock", "a Unix-domain datagram socket file (PF_LOCAL), removed at stop"),
        (
            "netlab udp client --unix udp.sock -m hello",
            "to it: the client binds a temporary path of its own for the reply, and removes it",
        ),
        ("netlab udp client --count 1000 --size 512 --interval 1 127.0.0.1 9190", "loss, duplicates, reordering, RTT percentiles"),
        ("netlab udp client --connect -m x 127.0.0.1 9", "a connected socket hears ICMP port unreachable"),
        (
            "netlab udp client --count 100 --max-loss 1 10.0.0.2 9190 || echo lossy",
            "a server on another machine: exit 3 above 1% loss",
        ),
        ("netlab --json udp server --max-datagrams 1 0", "answer one datagram, then exit 0"),
        (
            "netlab --json udp server 9190 | jq --unbuffered -c 'select(.event==\"dropped\")'",
            "only the datagrams refused so as not to start or feed an echo storm",
        ),
    ],
    events: &[
        ("listening", "addr, port, model (udp), pid, backlog (null: UDP has no listen queue)"),
        (
            "datagram",
            "peer, bytes, truncated, replied, note (why not echoed: longer than --buffer-size, or sendto failed); \
             a datagram refused so as not to feed an echo storm is a dropped event instead",
        ),
        (
            "dropped",
            "peer, count, bytes (datagrams not answered because a reply could start or feed an echo storm, \
             CERT CA-1996-01; a peer's first drop is told at once, later ones at most once a second as a count, \
             and when the server stops: the counts add up to dropped in stats and stopped), reason (port-zero: \
             source port 0; small-service-port: 7 echo, 13 daytime, 17 qotd, 19 chargen, 37 time; self: the \
             server's own address and port, and bound to 0.0.0.0 or ::, any address of this host with its port; \
             echo-loop: the peer sent back one of the last replies it was sent, 32 times in a row, each within \
             1 s, and is dropped until it is quiet for 10 s or sends something new; broadcast: a broadcast, \
             multicast or unspecified source)",
        ),
        (
            "stats",
            "datagrams (all received, dropped ones included), dropped (when any were), bytes_in, bytes_out, \
             model (udp), pid (on SIGUSR1; conns_now and conns_total are 0)",
        ),
        ("stopped", "signal, datagrams, dropped (when any were), bytes_in, bytes_out (conns is 0)"),
        ("connected", "peer, local, connect_ms (--connect)"),
        ("echo", "seq, bytes, rtt_us, data (--message), data_hex (the exact bytes, when not UTF-8)"),
        (
            "summary",
            "kind=udp: sent, received, lost, loss_pct, duplicates, reordered, late, corrupt, ignored, rtt_min_us, rtt_p50_us, rtt_p90_us, rtt_p99_us, rtt_max_us (the rtt fields are null when no reply came)",
        ),
    ],
    exit_notes: &[
        "server: 0 after SIGINT/SIGTERM or --max-datagrams; datagrams it refused to answer (dropped events) are not a failure",
        "1 when no reply came at all, or --connect met ICMP port unreachable (\"no UDP listener at H:P\"), or a datagram is too big (EMSGSIZE)",
        "3 when a reply differs from its datagram, or loss exceeds --max-loss",
    ],
};

#[derive(Debug, clap::Args)]
#[command(about = "UDP (or Unix-domain datagram) echo: server and client (loss, duplicates, reordering, RTT)")]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// recvfrom, then sendto the same bytes back to the sender
    Server(ServerArgs),
    /// Send datagrams and match the replies
    Client(ClientArgs),
}

#[derive(Debug, clap::Args)]
pub struct ServerArgs {
    #[command(flatten)]
    pub listen: net::ListenArgs,
    /// Largest datagram echoed; longer ones are reported as truncated
    #[arg(long, value_name = "B", default_value = "65536", value_parser = values::buffer_size)]
    pub buffer_size: usize,
    /// Exit 0 after N datagrams
    #[arg(long, value_name = "N", value_parser = values::count)]
    pub max_datagrams: Option<u64>,
}

#[derive(Debug, clap::Args)]
#[command(
    override_usage = "netlab udp client [OPTIONS] <HOST> <PORT>\n       netlab udp client [OPTIONS] --unix <PATH>"
)]
pub struct ClientArgs {
    #[command(flatten)]
    pub family: net::FamilyArgs,
    /// Connected UDP socket: connect(), then write/read (hears ICMP errors)
    #[arg(long)]
    pub connect: bool,
    /// Send TEXT as one datagram and print the reply as it came back, byte for byte (repeatable; any bytes, not only UTF-8)
    #[arg(long = "message", short = 'm', value_name = "TEXT", conflicts_with_all = ["count", "size", "interval", "max_loss"])]
    pub messages: Vec<std::ffi::OsString>,
    /// Send N numbered datagrams and match the replies
    #[arg(long, value_name = "N", value_parser = values::datagram_count)]
    pub count: Option<u64>,
    /// Bytes per numbered datagram (at least 8: the sequence number) [default: 64]
    #[arg(long, value_name = "S", value_parser = values::datagram_size, requires = "count")]
    pub size: Option<usize>,
    /// Milliseconds between numbered datagrams [default: 10]
    #[arg(long, value_name = "MS", value_parser = values::millis, requires = "count")]
    pub interval: Option<Duration>,
    /// Milliseconds to wait for a reply before the datagram counts as lost
    #[arg(long, value_name = "MS", default_value = "1000", value_parser = values::timeout_millis)]
    pub timeout: Duration,
    /// Exit 3 when more than PCT percent are lost
    #[arg(long, value_name = "PCT", value_parser = values::percent, requires = "count")]
    pub max_loss: Option<f64>,
    /// The server's Unix-domain socket file (PF_LOCAL) instead of HOST and PORT; the client binds a
    /// temporary path of its own for the replies and removes it
    #[arg(long, value_name = "PATH", value_parser = values::unix_path, conflicts_with_all = ["host", "port"])]
    pub unix: Option<std::path::PathBuf>,
    /// Server name or address
    #[arg(value_name = "HOST", value_parser = net::parse_host, required_unless_present = "unix")]
    pub host: Option<Host>,
    /// Server port
    #[arg(value_name = "PORT", value_parser = net::parse_port, required_unless_present = "unix")]
    pub port: Option<u16>,
}

/// --size and --interval when not given (they need --count; clap's
/// `requires` does not hold for an argument with a default value).
const DEFAULT_SIZE: usize = 64;
const DEFAULT_INTERVAL: Duration = Duration::from_millis(10);

pub fn run(args: &Args, out: &mut Out) -> Result<()> {
    match &args.action {
        Action::Server(a) => {
            let cfg = server::Config {
                addr: a.listen.addr(libc::SOCK_DGRAM)?,
                buffer_size: a.buffer_size,
                max_datagrams: a.max_datagrams,
            };
            server::serve(&cfg, out)
        }
        Action::Client(a) => {
            if let Some(note) = a.host.as_ref().and_then(Host::note) {
                out.emit_note(&crate::events::Event::Note { message: note.to_string() });
            }
            let target =
                net::client_target(a.unix.as_ref(), a.host.as_ref(), a.port, &a.family, libc::SOCK_DGRAM, "sent to")?
                    .swap_remove(0);
            let mode = match a.count {
                Some(count) => client::Mode::Count {
                    count,
                    size: a.size.unwrap_or(DEFAULT_SIZE),
                    interval: a.interval.unwrap_or(DEFAULT_INTERVAL),
                    max_loss: a.max_loss,
                },
                None if a.messages.is_empty() => client::Mode::Messages(vec!["hello".into()]),
                None => client::Mode::Messages(a.messages.clone()),
            };
            client::run(&client::Config { target, connect: a.connect, timeout: a.timeout, mode }, out)
        }
    }
}
