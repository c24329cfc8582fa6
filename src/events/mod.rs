//! The events more than one command emits (SPEC §1–4): the closing
//! `error`, a server's `listening`, `stats` and `stopped`, a client's
//! `connected`, `echo` and `summary`. Each command's own events live in its
//! module; [`crate::output`] only writes them.
//!
//! Serialised with serde (the `event` tag names the kind, fields as
//! written); the text form is the Display impl below.

use crate::text::printable;
use serde::{Deserialize, Serialize};
use std::fmt;

mod lesson;
mod summary;

pub use lesson::Lesson;
pub use summary::{per_second, quantiles, tcp_text, Percentiles, Summary};

/// The events several commands share. (A load summary is far larger than
/// the other events; there is one per run, so it is not boxed.)
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A command failed (also printed on stderr as `netlab: …`).
    Error {
        /// the subcommand that failed (`echo-server`), or `netlab`
        command: String,
        /// what was being done, to what, and why
        message: String,
        /// the errno, when an OS call failed
        #[serde(skip_serializing_if = "Option::is_none", default)]
        errno: Option<i32>,
        /// the errno's name (`EADDRINUSE`) or the resolver's (`EAI_NONAME`)
        #[serde(skip_serializing_if = "Option::is_none", default)]
        code: Option<String>,
        /// the exit code netlab ends with
        exit_code: u8,
        /// the one input the error is about, when a command goes on with
        /// the others (byteorder: one bad value among several)
        #[serde(skip_serializing_if = "Option::is_none", default)]
        input: Option<String>,
    },
    /// The server is bound and listening (printed only after listen()).
    /// `backlog` is null for UDP, which has no listen queue.
    Listening {
        /// the address bound, or the socket file's path (--unix)
        addr: String,
        /// the port bound (the kernel's choice for port 0); null with --unix
        port: Option<u16>,
        /// the server model (`select`, `fork`…, `udp`)
        model: String,
        /// the server's process id
        pid: u32,
        /// the listen queue length as the kernel caps it (net.core.somaxconn); null for UDP
        backlog: Option<i32>,
        /// event loops on as many threads sharing the port (`--threads`; the
        /// uring model always says it); absent for the other models
        #[serde(default, skip_serializing_if = "Option::is_none")]
        threads: Option<u32>,
    },
    /// Counters on SIGUSR1; the server carries on. UDP servers count
    /// `datagrams` (and no connections).
    Stats {
        /// connections open now
        conns_now: u64,
        /// connections served since the start
        conns_total: u64,
        /// bytes received
        bytes_in: u64,
        /// bytes sent
        bytes_out: u64,
        /// the server model
        model: String,
        /// the server's process id
        pid: u32,
        /// datagrams received (UDP servers only), dropped ones included
        #[serde(default, skip_serializing_if = "Option::is_none")]
        datagrams: Option<u64>,
        /// datagrams received and not answered for fear of an echo storm (UDP
        /// servers only; absent when there were none): the sum of the
        /// `dropped` events' counts
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dropped: Option<u64>,
    },
    /// The server stopped (`signal` is null after --max-conns or
    /// --max-datagrams); UDP servers also count `datagrams`.
    Stopped {
        /// SIGINT or SIGTERM; null after --max-conns or --max-datagrams
        #[serde(default)]
        signal: Option<String>,
        /// connections served in all
        conns: u64,
        /// bytes received in all
        bytes_in: u64,
        /// bytes sent in all
        bytes_out: u64,
        /// datagrams received in all (UDP servers only), dropped ones included
        #[serde(default, skip_serializing_if = "Option::is_none")]
        datagrams: Option<u64>,
        /// datagrams not answered for fear of an echo storm, in all (UDP
        /// servers only; absent when there were none)
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dropped: Option<u64>,
    },
    /// The client connected.
    Connected {
        /// the server's address
        peer: String,
        /// the client's own address (the kernel's ephemeral port)
        local: String,
        /// how long connect() took, in milliseconds
        #[serde(serialize_with = "thousandths")]
        connect_ms: f64,
    },
    /// One message came back (--message and prompt modes).
    /// `data` is the echo as text (invalid UTF-8 replaced by U+FFFD);
    /// when it is not UTF-8, `data_hex` has its exact bytes.
    Echo {
        /// the message's number, from 1
        seq: u64,
        /// bytes echoed
        bytes: u64,
        /// round-trip time in microseconds
        rtt_us: u64,
        /// the echo as text
        data: String,
        /// the echo's exact bytes in hex, when they are not UTF-8
        #[serde(skip_serializing_if = "Option::is_none", default)]
        data_hex: Option<String>,
    },
    /// The end of a client run.
    Summary(Summary),
    /// `netlab --json --version`.
    Version {
        /// the program's name
        name: String,
        /// its version
        version: String,
    },
    /// A side note on how an argument was read (`127.1` is 127.0.0.1);
    /// on stderr in text mode.
    Note {
        /// the note
        message: String,
    },
    /// A child process was reaped: by the fork server (`pid`, `status`), or
    /// in a `process` lesson, with the call that reaped it and the status
    /// decoded as the W* macros do.
    Reaped {
        /// the child's process id
        pid: i32,
        /// how it ended: `exited N` or `killed by SIG…`
        status: String,
        /// the call that reaped it: wait or waitpid
        #[serde(default, skip_serializing_if = "Option::is_none")]
        call: Option<String>,
        /// who made that call, when not the lesson's parent in its own
        /// code: handler (its SIGCHLD handler), adopter (the subreaper an
        /// orphan came to), netlab (after the lesson, the ones it left)
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<String>,
        /// WIFEXITED(status): it called exit (or returned from main)
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exited: Option<bool>,
        /// WEXITSTATUS(status), when it exited
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<i32>,
        /// WIFSIGNALED(status): a signal ended it
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signaled: Option<bool>,
        /// WTERMSIG(status) by name, when a signal ended it
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signal: Option<String>,
    },
    /// The figure a lesson of `process` or `pipe` is about; `kind` says
    /// which lesson.
    Result(Lesson),
}

/// A measured figure in JSON, to three decimals (a microsecond of a
/// millisecond figure): `0.112`, not `0.11201699999999999`.
pub fn thousandths<S: serde::Serializer>(v: &f64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64((v * 1000.0).round() / 1000.0)
}

/// As [`thousandths`], for a figure that may be absent (null).
pub fn opt_thousandths<S: serde::Serializer>(v: &Option<f64>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(v) => thousandths(v, s),
        None => s.serialize_none(),
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Error { command, message, .. } => write!(f, "error: {command}: {}", printable(message)),
            Event::Listening { addr, port, model, pid, backlog, threads } => {
                let shown = match port {
                    Some(port) if addr.contains(':') => format!("[{addr}]:{port}"),
                    Some(port) => format!("{addr}:{port}"),
                    None => addr.clone(),
                };
                let threads = threads.map_or_else(String::new, |t| format!(", threads {t}"));
                match backlog {
                    Some(b) => write!(f, "listening on {shown} (model {model}, pid {pid}, backlog {b}{threads})"),
                    None => write!(f, "listening on {shown} (model {model}, pid {pid}{threads})"),
                }
            }
            Event::Stats { conns_now, conns_total, bytes_in, bytes_out, model, pid, datagrams, dropped } => match datagrams {
                Some(d) => write!(
                    f,
                    "stats: {d} datagrams{}, {bytes_in} bytes in, {bytes_out} bytes out (model {model}, pid {pid})",
                    dropped_note(*dropped)
                ),
                None => write!(
                    f,
                    "stats: {conns_now} connections now, {conns_total} in total, {bytes_in} bytes in, {bytes_out} bytes out (model {model}, pid {pid})"
                ),
            },
            Event::Stopped { signal, conns, bytes_in, bytes_out, datagrams, dropped } => {
                let by = match signal {
                    Some(s) => format!(" by {s}"),
                    None => String::new(),
                };
                match datagrams {
                    Some(d) => write!(
                        f,
                        "stopped{by}: {d} datagrams{}, {bytes_in} bytes in, {bytes_out} bytes out",
                        dropped_note(*dropped)
                    ),
                    None => write!(f, "stopped{by}: {conns} connections, {bytes_in} bytes in, {bytes_out} bytes out"),
                }
            }
            Event::Connected { peer, local, connect_ms } => {
                write!(f, "connected to {peer} from {local} in {connect_ms:.3} ms")
            }
            Event::Echo { data, .. } => {
                write!(f, "Message from server: {}", printable(data.trim_end_matches(['\n', '\r'])))
            }
            Event::Summary(s) => s.fmt(f),
            Event::Version { name, version } => write!(f, "{name} {version}"),
            Event::Note { message } => write!(f, "note: {}", printable(message)),
            Event::Reaped { pid, status, call: None, .. } => write!(f, "reaped child {pid}: {status}"),
            Event::Reaped { pid, call: Some(call), by, exited, code, signaled, signal, .. } => {
                let by = match by.as_deref() {
                    Some("handler") => " in the SIGCHLD handler".to_string(),
                    Some("adopter") => ", by its adopter".to_string(),
                    Some("netlab") => ", by netlab after the lesson".to_string(),
                    Some(other) => format!(", by {other}"),
                    None => String::new(),
                };
                write!(f, "reaped {pid} with {call}{by}: WIFEXITED {}", exited.unwrap_or(false))?;
                if let Some(c) = code {
                    write!(f, ", WEXITSTATUS {c}")?;
                }
                write!(f, "; WIFSIGNALED {}", signaled.unwrap_or(false))?;
                if let Some(s) = signal {
                    write!(f, ", WTERMSIG {s}")?;
                }
                Ok(())
            }
            Event::Result(l) => l.fmt(f),
        }
    }
}

/// ` (N dropped)` after a UDP server's datagram count, when it dropped any.
fn dropped_note(dropped: Option<u64>) -> String {
    match dropped {
        Some(n) if n > 0 => format!(" ({n} dropped)"),
        _ => String::new(),
    }
}

/// One echo (`--message`, the prompt, a UDP reply): with --json its `echo`
/// event; in text, the course's `Message from server: ` and then the bytes
/// exactly as they came back (a tab stays a tab, bytes that are not UTF-8
/// stay themselves: pipe them to `od -c`), and a newline if the echo had
/// none; on a terminal, with control characters shown escaped.
pub fn show_echo(out: &crate::output::Out, seq: u64, got: &[u8], rtt: std::time::Duration) {
    if out.is_json() {
        let (data, data_hex) = crate::text::echo_data(got);
        out.emit(&Event::Echo { seq, bytes: got.len() as u64, rtt_us: rtt.as_micros() as u64, data, data_hex });
        return;
    }
    if crate::sys::stdout_is_tty() {
        // on a terminal, control characters shown escaped, as ls shows a
        // name's: no echo can drive the terminal
        let text = String::from_utf8_lossy(got);
        out.data(format!("Message from server: {}\n", printable(text.trim_end_matches(['\n', '\r']))).as_bytes());
        return;
    }
    out.data(b"Message from server: ");
    out.data(got);
    if !got.ends_with(b"\n") {
        out.data(b"\n");
    }
}

/// The `reaped` event of a lesson's child: its status as the W* macros
/// decode it, and the call (wait, waitpid) its parent reaped it with.
pub fn reaped(status: nix::sys::wait::WaitStatus, call: &str) -> Event {
    reaped_by(status, call, None)
}

/// As [`reaped`], made by someone else than the parent's own code: `by`
/// is `handler`, `adopter` or `netlab`.
pub fn reaped_by(status: nix::sys::wait::WaitStatus, call: &str, by: Option<&str>) -> Event {
    use nix::sys::wait::WaitStatus;
    let (pid, text) = crate::sys::describe_wait(status).unwrap_or((0, format!("{status:?}")));
    let (exited, code, signaled, signal) = match status {
        WaitStatus::Exited(_, c) => (true, Some(c), false, None),
        WaitStatus::Signaled(_, s, _) => (false, None, true, Some(s.as_str().to_string())),
        _ => (false, None, false, None),
    };
    Event::Reaped {
        pid,
        status: text,
        call: Some(call.to_string()),
        by: by.map(str::to_string),
        exited: Some(exited),
        code,
        signaled: Some(signaled),
        signal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::json_line;

    #[test]
    fn measured_figures_are_written_to_three_decimals() {
        let line =
            json_line(&Event::Connected { peer: "a".into(), local: "b".into(), connect_ms: 0.11201699999999999 });
        assert!(line.ends_with(r#""connect_ms":0.112}"#), "{line}");
        let line = json_line(&Event::Summary(Summary::Stream {
            bytes_sent: 1,
            bytes_received: 1,
            verified: true,
            first_mismatch_at: None,
            duration_ms: 12.34567,
        }));
        assert!(line.ends_with(r#""duration_ms":12.346}"#), "{line}");
    }
}
