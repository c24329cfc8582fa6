//! Where output is decided. Commands emit typed [`Event`]s; [`Out`] renders
//! each as one line of plain text or as one NDJSON object whose `"event"`
//! field names its kind (`--json`). stdout carries results only.
//!
//! A closed stdout (`| head -1`) is not an error: the first EPIPE marks the
//! sink broken, later events are dropped, and the command (or server) carries
//! on. Any other write failure (ENOSPC on a full disk, EIO) also stops the
//! output, but is kept: the command ends with `write stdout: …` and exit 1,
//! as `cat` does, so a script never takes truncated results for a success; a
//! server warns at once and carries on serving. A stdout closed before
//! netlab started (`>&-`) is such a failure too (EBADF), although Rust's
//! runtime has put /dev/null there (see main.rs).
//!
//! Servers switch to buffered mode and call [`Out::flush`] before they
//! block, so a busy server pays one write(2) per loop turn, not per event.
//!
//! The JSON schema is this enum: field names as written, variant names in
//! snake_case as the `event` value; `tests/cli` reads every line back into it.

use nix::errno::Errno;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Text for people or NDJSON for programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// One thing a command has to say.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A command failed (also printed on stderr as `netlab: …`).
    Error {
        command: String,
        message: String,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        errno: Option<i32>,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        code: Option<String>,
        exit_code: u8,
    },

    // ---- byteorder ----
    /// The host's byte order, shown with 0x12345678 in memory.
    HostOrder { order: String, value: String, memory: Vec<String>, network_memory: Vec<String> },
    /// htons/ntohs/htonl/ntohl of one value.
    Conversion {
        function: String,
        input: String,
        value: u64,
        value_hex: String,
        result: u64,
        result_hex: String,
        /// bytes of the result as they lie in memory, lowest address first
        memory: Vec<String>,
    },
    /// inet_addr / inet_aton of one string.
    InetAddr {
        function: String,
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
        s_addr_hex: String,
        memory: Vec<String>,
        #[serde(skip_serializing_if = "Vec::is_empty", default)]
        notes: Vec<String>,
    },
    /// inet_ntoa of a network-order value.
    InetNtoa { input: String, s_addr: u32, s_addr_hex: String, dotted: String, memory: Vec<String> },

    // ---- fileio ----
    /// An open(2), explained.
    Open {
        path: String,
        flags: String,
        flags_octal: String,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        mode: Option<String>,
        umask: String,
        /// `mode & ~umask`, when the call created the file
        #[serde(skip_serializing_if = "Option::is_none", default)]
        final_mode: Option<String>,
        created: bool,
        /// the file's permission bits after the call (fstat)
        file_mode: String,
        fd: i32,
    },
    /// Data written with write(2).
    /// `offset` is null for a descriptor with no file offset (a pipe, FIFO,
    /// socket or terminal: lseek fails with ESPIPE).
    Write { path: String, fd: i32, bytes: u64, calls: u64, partial_writes: u64, offset: Option<i64> },
    /// Data read with read(2); the content itself goes to stdout in text
    /// mode and into `data` (UTF-8) or `data_hex` in JSON mode.
    Read {
        path: String,
        fd: i32,
        bytes: u64,
        calls: u64,
        offset: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        data: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        data_hex: Option<String>,
    },
    /// One descriptor of the `fileio fds` demonstration.
    Fd { fd: i32, kind: String, detail: String },

    // ---- sockopt ----
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

    // ---- echo-server ----
    /// The server is bound and listening (printed only after listen()).
    /// `backlog` is null for UDP, which has no listen queue.
    Listening { addr: String, port: u16, model: String, pid: u32, backlog: Option<i32> },
    /// A connection was accepted.
    Accepted { conn: u64, peer: String, fd: i32, pid: u32 },
    /// A connection ended: `reason` is eof, reset, timeout, error or
    /// shutdown (the server stopped).
    Closed { conn: u64, peer: String, bytes_in: u64, bytes_out: u64, duration_ms: u64, reason: String },
    /// A child process was reaped (fork model).
    Reaped { pid: i32, status: String },
    /// A connection was refused or dropped before it was served.
    Rejected { peer: String, reason: String },
    /// Counters on SIGUSR1; the server carries on. UDP servers count
    /// `datagrams` (and no connections).
    Stats {
        conns_now: u64,
        conns_total: u64,
        bytes_in: u64,
        bytes_out: u64,
        model: String,
        pid: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        datagrams: Option<u64>,
    },
    /// The server stopped (`signal` is null after --max-conns or
    /// --max-datagrams); UDP servers also count `datagrams`.
    Stopped {
        #[serde(default)]
        signal: Option<String>,
        conns: u64,
        bytes_in: u64,
        bytes_out: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        datagrams: Option<u64>,
    },

    // ---- udp ----
    /// One datagram received by the UDP server.
    Datagram {
        peer: String,
        bytes: u64,
        /// longer than --buffer-size: cut by the kernel, so not echoed
        truncated: bool,
        replied: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },

    // ---- resolve ----
    /// A forward lookup, as the fields of `struct hostent` (one event per
    /// address family found).
    Host {
        query: String,
        official_name: String,
        aliases: Vec<String>,
        addrtype: String,
        length: u32,
        addresses: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
    /// A reverse lookup (getnameinfo, the modern gethostbyaddr).
    Reverse {
        query: String,
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
    /// One argument of `resolve` that failed (the others still run).
    ResolveFailed {
        query: String,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
    },

    // ---- echo-client ----
    /// The client connected.
    Connected {
        peer: String,
        local: String,
        #[serde(serialize_with = "thousandths")]
        connect_ms: f64,
    },
    /// One message came back (--message and prompt modes).
    /// `data` is the echo as text (invalid UTF-8 replaced by U+FFFD);
    /// when it is not UTF-8, `data_hex` has its exact bytes.
    Echo {
        seq: u64,
        bytes: u64,
        rtt_us: u64,
        data: String,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        data_hex: Option<String>,
    },
    /// The end of a client run.
    Summary(Summary),

    // ---- demo ----
    /// One step of `netlab demo`.
    DemoStep { step: String, ok: bool, detail: String },
    /// The end of `netlab demo`.
    DemoSummary { steps: u32, passed: u32, failed: u32 },
}

/// A measured figure in JSON, to three decimals (a microsecond of a
/// millisecond figure): `0.112`, not `0.11201699999999999`.
fn thousandths<S: serde::Serializer>(v: &f64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64((v * 1000.0).round() / 1000.0)
}

/// The `summary` event: its `kind` says which run it summarises.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Summary {
    /// echo-client stream, message or split mode.
    Stream {
        bytes_sent: u64,
        bytes_received: u64,
        /// whether every byte came back exactly
        verified: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        first_mismatch_at: Option<u64>,
        #[serde(serialize_with = "thousandths")]
        duration_ms: f64,
    },
    /// echo-client load mode.
    Load {
        connections: u64,
        idle: u64,
        size: u64,
        reconnect: bool,
        requests: u64,
        #[serde(serialize_with = "thousandths")]
        duration_s: f64,
        #[serde(serialize_with = "thousandths")]
        rps: f64,
        /// echoed payload, MB/s (10^6 bytes)
        #[serde(serialize_with = "thousandths")]
        mbps: f64,
        /// latencies: null when no request completed (no measurement, not 0)
        latency_p50_us: Option<u64>,
        latency_p90_us: Option<u64>,
        latency_p99_us: Option<u64>,
        latency_max_us: Option<u64>,
        errors: u64,
        mismatches: u64,
        /// requests still without their echo when the run ended (the end of
        /// --duration plus a grace, or no progress for --timeout)
        #[serde(default)]
        unfinished: u64,
    },
    /// udp client --count: every reply matched by sequence number.
    Udp {
        sent: u64,
        received: u64,
        lost: u64,
        #[serde(serialize_with = "thousandths")]
        loss_pct: f64,
        duplicates: u64,
        reordered: u64,
        /// replies after --timeout (also counted as lost)
        late: u64,
        /// replies whose content was not what was sent
        corrupt: u64,
        /// datagrams from other addresses, ignored
        ignored: u64,
        /// round trips: null when no reply came (no measurement, not 0)
        rtt_min_us: Option<u64>,
        rtt_p50_us: Option<u64>,
        rtt_p90_us: Option<u64>,
        rtt_p99_us: Option<u64>,
        rtt_max_us: Option<u64>,
    },
}

/// A kernel limit read from /proc/sys and shown next to a result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sysctl {
    pub name: String,
    pub value: i64,
}

fn join(v: &[String]) -> String {
    v.join(" ")
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Error { command, message, .. } => write!(f, "error: {command}: {}", printable(message)),
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
            Event::Open { path, flags, flags_octal, mode, umask, final_mode, created, file_mode, fd } => {
                writeln!(f, "open: {}", printable(path))?;
                writeln!(f, "flags: {flags} = {flags_octal}")?;
                match (mode, final_mode) {
                    (Some(m), Some(fm)) => writeln!(f, "mode: {m} & ~{umask} = {fm} (requested & ~umask)")?,
                    (Some(m), None) => writeln!(
                        f,
                        "mode: {m} not applied (the file already existed; O_CREAT sets the mode only when it creates the file)"
                    )?,
                    (None, _) => {}
                }
                writeln!(f, "created: {}", if *created { "yes" } else { "no" })?;
                writeln!(f, "file mode: {file_mode}")?;
                write!(f, "fd: {fd}")
            }
            Event::Write { fd, bytes, calls, partial_writes, offset, .. } => write!(
                f,
                "write: {bytes} bytes to fd {fd} in {calls} call(s) ({partial_writes} partial)\noffset: {}",
                offset_text(*offset)
            ),
            Event::Read { fd, bytes, calls, offset, .. } => {
                write!(f, "read: {bytes} bytes from fd {fd} in {calls} call(s)\noffset: {}", offset_text(*offset))
            }
            Event::Fd { fd, kind, detail } => write!(f, "fd {fd:<3} {kind:<12} {}", printable(detail)),
            Event::SockoptInfo { level, option, kind, applies_to, access, description } => {
                write!(f, "{level:<13} {option:<20} {kind:<8} {applies_to:<15} {access:<3} {description}")
            }
            Event::Sockopt { socket, level, option, text, .. } => write!(f, "{socket:<5} {level:<13} {option:<20} {text}"),
            Event::SockoptSet { socket, level, option, requested_text, effective_text, reason, sysctl, .. } => {
                write!(f, "{socket} {level} {option}\nrequested: {}\neffective: {effective_text}", printable(requested_text))?;
                if let Some(r) = reason {
                    write!(f, "\nwhy: {r}")?;
                }
                if let Some(s) = sysctl {
                    write!(f, "\n{}: {}", s.name, s.value)?;
                }
                Ok(())
            }
            Event::Listening { addr, port, model, pid, backlog } => {
                let shown = if addr.contains(':') { format!("[{addr}]:{port}") } else { format!("{addr}:{port}") };
                match backlog {
                    Some(b) => write!(f, "listening on {shown} (model {model}, pid {pid}, backlog {b})"),
                    None => write!(f, "listening on {shown} (model {model}, pid {pid})"),
                }
            }
            Event::Accepted { conn, peer, fd, pid } => write!(f, "accepted #{conn} from {peer} (fd {fd}, pid {pid})"),
            Event::Closed { conn, peer, bytes_in, bytes_out, duration_ms, reason } => write!(
                f,
                "closed #{conn} {peer}: {reason}, {bytes_in} bytes in, {bytes_out} bytes out, {duration_ms} ms"
            ),
            Event::Reaped { pid, status } => write!(f, "reaped child {pid}: {status}"),
            Event::Rejected { peer, reason } => write!(f, "rejected {peer}: {reason}"),
            Event::Stats { conns_now, conns_total, bytes_in, bytes_out, model, pid, datagrams } => match datagrams {
                Some(d) => write!(
                    f,
                    "stats: {d} datagrams, {bytes_in} bytes in, {bytes_out} bytes out (model {model}, pid {pid})"
                ),
                None => write!(
                    f,
                    "stats: {conns_now} connections now, {conns_total} in total, {bytes_in} bytes in, {bytes_out} bytes out (model {model}, pid {pid})"
                ),
            },
            Event::Stopped { signal, conns, bytes_in, bytes_out, datagrams } => {
                let by = match signal {
                    Some(s) => format!(" by {s}"),
                    None => String::new(),
                };
                match datagrams {
                    Some(d) => write!(f, "stopped{by}: {d} datagrams, {bytes_in} bytes in, {bytes_out} bytes out"),
                    None => write!(f, "stopped{by}: {conns} connections, {bytes_in} bytes in, {bytes_out} bytes out"),
                }
            }
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
            Event::Reverse { query, name, source } => {
                write!(f, "query: {}\nname: {}", printable(query), printable(name))?;
                if let Some(s) = source {
                    write!(f, "\nsource: {s}")?;
                }
                Ok(())
            }
            Event::ResolveFailed { query, message, .. } => {
                write!(f, "query: {}\nerror: {}", printable(query), printable(message))
            }
            Event::Connected { peer, local, connect_ms } => {
                write!(f, "connected to {peer} from {local} in {connect_ms:.3} ms")
            }
            Event::Echo { data, .. } => {
                write!(f, "Message from server: {}", printable(data.trim_end_matches(['\n', '\r'])))
            }
            Event::Summary(Summary::Stream { bytes_sent, bytes_received, verified, first_mismatch_at, duration_ms }) => {
                write!(
                    f,
                    "summary: {bytes_sent} bytes sent, {bytes_received} bytes received, {} in {duration_ms:.1} ms",
                    match (verified, first_mismatch_at) {
                        (true, _) => "echo verified".to_string(),
                        (false, Some(at)) => format!("MISMATCH at byte {at}"),
                        (false, None) if bytes_received < bytes_sent => "MISMATCH (short echo)".to_string(),
                        (false, None) => "MISMATCH (more came back than was sent)".to_string(),
                    }
                )
            }
            Event::Summary(Summary::Load {
                connections,
                idle,
                size,
                reconnect,
                requests,
                duration_s,
                rps,
                mbps,
                latency_p50_us,
                latency_p90_us,
                latency_p99_us,
                latency_max_us,
                errors,
                mismatches,
                unfinished,
            }) => write!(
                f,
                "summary: {requests} {} in {duration_s:.2} s: {rps:.0}/s, {mbps:.2} MB/s ({connections} connections{}, {size} bytes)\nlatency us: {}\nerrors: {errors}, mismatches: {mismatches}, unfinished: {unfinished}",
                if *reconnect { "connect-echo-close cycles" } else { "requests" },
                if *idle > 0 { format!(" + {idle} idle") } else { String::new() },
                match (latency_p50_us, latency_p90_us, latency_p99_us, latency_max_us) {
                    (Some(p50), Some(p90), Some(p99), Some(max)) => format!("p50 {p50} p90 {p90} p99 {p99} max {max}"),
                    _ => "none (no request completed)".to_string(),
                }
            ),
            Event::Summary(Summary::Udp {
                sent,
                received,
                lost,
                loss_pct,
                duplicates,
                reordered,
                late,
                corrupt,
                ignored,
                rtt_min_us,
                rtt_p50_us,
                rtt_p90_us,
                rtt_p99_us,
                rtt_max_us,
            }) => write!(
                f,
                "summary: {sent} sent, {received} received, {lost} lost ({loss_pct:.1}%), {duplicates} duplicates, {reordered} reordered, {late} late, {corrupt} corrupt, {ignored} ignored\nrtt us: {}",
                match (rtt_min_us, rtt_p50_us, rtt_p90_us, rtt_p99_us, rtt_max_us) {
                    (Some(min), Some(p50), Some(p90), Some(p99), Some(max)) =>
                        format!("min {min} p50 {p50} p90 {p90} p99 {p99} max {max}"),
                    _ => "none (no reply)".to_string(),
                }
            ),
            Event::DemoStep { step, ok, detail } => {
                write!(f, "[{}] {step:<22} {detail}", if *ok { " ok " } else { "FAIL" })
            }
            Event::DemoSummary { steps, passed, failed } => {
                write!(f, "demo: {passed}/{steps} steps passed, {failed} failed")
            }
        }
    }
}

/// Where events go. Cheap to clone: clones share one sink, so a server's
/// worker threads write through the same buffer.
#[derive(Clone)]
pub struct Out {
    format: Format,
    sink: Arc<Mutex<Sink>>,
    /// set when bytes are queued: lets flush() skip the lock when there is
    /// nothing to write (a server calls it on every loop turn)
    queued: Arc<AtomicBool>,
    /// `-q`: side notes on stderr (text mode) are left out; errors are not
    quiet: bool,
}

struct Sink {
    buf: Vec<u8>,
    buffered: bool,
    /// no more writes: the reader went away or a write failed
    broken: bool,
    /// the first failure that was not EPIPE
    failure: Option<Errno>,
    /// a server: a failure is worth a warning now, not only at the end
    serving: bool,
}

/// Flush a buffered sink once it holds this much.
const FLUSH_AT: usize = 32 * 1024;

impl Out {
    pub fn new(format: Format) -> Self {
        Out {
            format,
            sink: Arc::new(Mutex::new(Sink {
                buf: Vec::new(),
                buffered: false,
                broken: false,
                failure: None,
                serving: false,
            })),
            queued: Arc::new(AtomicBool::new(false)),
            quiet: false,
        }
    }

    /// `-q`: only errors on stderr.
    pub fn set_quiet(&mut self, quiet: bool) {
        self.quiet = quiet;
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// Whether stdout takes no more output: its reader has gone (EPIPE), or
    /// a write failed (see [`Out::write_failure`]). A command whose output
    /// is unbounded (a stream, a device, stdin) stops, as `cat` would; it
    /// exits 0 if the reader went away, 1 if the write failed. A server
    /// carries on.
    pub fn is_broken(&self) -> bool {
        self.sink().broken
    }

    /// A write to stdout failed for a reason other than its reader going
    /// away (EPIPE, ECONNRESET): the results are incomplete, and the
    /// command must not exit 0.
    pub fn write_failure(&self) -> Option<Errno> {
        self.sink().failure
    }

    /// A server: a failed stdout is reported when it happens (the server
    /// keeps serving), not only when it stops.
    pub fn set_serving(&self) {
        self.sink().serving = true;
    }

    fn sink(&self) -> MutexGuard<'_, Sink> {
        // A panic while holding the lock cannot leave the buffer in a state
        // worse than "some bytes queued", so a poisoned lock is still usable.
        self.sink.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A result line on stdout, formatted straight into the queue: no line
    /// is allocated and copied per event (a forking server pays for every
    /// heap page it writes between two forks).
    pub fn emit(&self, ev: &Event) {
        let mut s = self.sink();
        let start = s.buf.len();
        let written = match self.format {
            Format::Text => write!(s.buf, "{ev}").is_ok(),
            Format::Json => serde_json::to_writer(&mut s.buf, ev).is_ok(),
        };
        if !written {
            // Not reached: a Vec takes every write, and no Display or
            // Serialize impl here fails. Were one to, no half line is left:
            // JSON gets json_line's error object, text nothing.
            s.buf.truncate(start);
            if self.format == Format::Text {
                return;
            }
            s.buf.extend_from_slice(json_line(ev).as_bytes());
        }
        s.buf.push(b'\n');
        if !s.buffered || s.buf.len() >= FLUSH_AT {
            s.flush();
        } else {
            self.queued.store(true, Ordering::Relaxed);
        }
    }

    /// A side note: on stderr in text mode (so stdout keeps only the data;
    /// left out under `-q`; a JSON line under `--log-format json`), an event
    /// on stdout in JSON mode.
    pub fn emit_note(&self, ev: &Event) {
        match self.format {
            Format::Json => self.emit(ev),
            Format::Text if self.quiet => {}
            Format::Text if crate::logging::json_logs() => stderr_line(&json_line(ev)),
            Format::Text => stderr_line(&ev.to_string()),
        }
    }

    /// Raw data (echoed bytes, file content) on stdout, text mode only.
    pub fn data(&self, bytes: &[u8]) {
        let mut s = self.sink();
        s.buf.extend_from_slice(bytes);
        if !s.buffered || s.buf.len() >= FLUSH_AT {
            s.flush();
        } else {
            self.queued.store(true, Ordering::Relaxed);
        }
    }

    /// Queue events until [`Out::flush`] (servers, between blocking waits).
    pub fn set_buffered(&self, on: bool) {
        let mut s = self.sink();
        s.buffered = on;
        if on {
            // room for a full queue from the start: growing it later would
            // move it to new heap pages
            let room = (FLUSH_AT + 1024).saturating_sub(s.buf.len());
            let _ = s.buf.try_reserve(room);
        } else {
            s.flush();
        }
    }

    /// Write out what is queued.
    pub fn flush(&self) {
        // Only the thread that queued can have set the flag it reads here
        // (multithreaded users emit unbuffered), so Relaxed is enough.
        if self.queued.swap(false, Ordering::Relaxed) {
            self.sink().flush();
        }
    }
}

impl Sink {
    fn flush(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        if !self.broken {
            if let Err(errno) = write_stdout(&self.buf) {
                // Stop writing results either way; only the reader going
                // away (EPIPE, or ECONNRESET for a socket) is not a failure.
                self.broken = true;
                if !matches!(errno, Errno::EPIPE | Errno::ECONNRESET) {
                    self.failure = Some(errno);
                    if self.serving {
                        tracing::warn!(
                            "write stdout: {}: results are no longer written; the server carries on",
                            crate::error::describe_errno(errno)
                        );
                    }
                }
            }
        }
        self.buf.clear();
    }
}

/// Descriptors 0, 1 and 2 that were closed when netlab started (bit n for
/// descriptor n; see main.rs): Rust's runtime put /dev/null there.
static CLOSED_AT_START: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Record which standard descriptors were closed at start (the binary's
/// `main` calls this first).
pub fn set_closed_at_start(mask: u8) {
    CLOSED_AT_START.store(mask & 0b111, Ordering::Relaxed);
}

/// Whether descriptor `fd` (0, 1 or 2) was closed when netlab started.
pub fn closed_at_start(fd: i32) -> bool {
    (0..3).contains(&fd) && CLOSED_AT_START.load(Ordering::Relaxed) & (1 << fd) != 0
}

/// Before reading stdin: one closed at start (`<&-`) fails as a read would
/// have (EBADF), instead of giving the runtime's /dev/null as empty input.
pub fn stdin_open() -> crate::error::Result<()> {
    if closed_at_start(0) {
        return Err(crate::error::Error::sys("read stdin", Errno::EBADF));
    }
    Ok(())
}

/// write(2) all of `buf` to fd 1. A stdout that someone else made
/// non-blocking (EAGAIN) is waited for, as a blocking one would be. A
/// stdout closed at start (`>&-`) fails as it would have (EBADF), not into
/// the /dev/null the runtime put there: results that go nowhere are not a
/// success.
fn write_stdout(mut buf: &[u8]) -> std::result::Result<(), Errno> {
    if closed_at_start(1) {
        return Err(Errno::EBADF);
    }
    // std's lock: nothing else in the process writes fd 1 meanwhile
    let stdout = io::stdout();
    let _lock = stdout.lock();
    // SAFETY: fd 1 stays open for the life of the process (std reopens it on
    // /dev/null at start-up if it was closed); it is only borrowed here.
    let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(1) };
    while !buf.is_empty() {
        match nix::unistd::write(fd, buf) {
            Ok(0) => return Err(Errno::EIO),
            Ok(n) => buf = &buf[n..],
            Err(Errno::EINTR) => {}
            Err(Errno::EAGAIN) => {
                let mut p = [nix::poll::PollFd::new(fd, nix::poll::PollFlags::POLLOUT)];
                let _ = nix::poll::poll(&mut p, nix::poll::PollTimeout::NONE);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.flush();
    }
}

/// One line on stderr (errors, hints, prompts). A closed or broken stderr
/// is ignored: there is nowhere left to complain to.
///
/// The line and its newline go out in one write(2): a forked child and its
/// parent share stderr, and a line cut in two by the other's write is a line
/// a grep no longer finds (writes up to PIPE_BUF to a pipe are atomic).
pub fn stderr_line(line: &str) {
    let mut buf = String::with_capacity(line.len() + 1);
    buf.push_str(line);
    buf.push('\n');
    let _ = io::stderr().lock().write_all(buf.as_bytes());
}

/// Text on stderr without a newline (the client's prompt).
pub fn stderr_text(text: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// User-given text inside a line of text output, with control characters
/// escaped (`\n`, `\u{1b}`): one result stays one line, and no input can
/// drive the terminal.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut escaped = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    std::borrow::Cow::Owned(escaped)
}

/// A path as text: UTF-8 as it is, any other byte as `\xNN` (a Linux path
/// is bytes; `to_string_lossy` would print a name that cannot be opened).
pub fn path_text(path: &std::path::Path) -> std::borrow::Cow<'_, str> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    if let Ok(s) = std::str::from_utf8(bytes) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut text = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for b in chunk.invalid() {
            text.push_str(&format!("\\x{b:02x}"));
        }
    }
    std::borrow::Cow::Owned(text)
}

fn offset_text(offset: Option<i64>) -> String {
    offset.map_or_else(|| "none (not seekable: a pipe, FIFO, socket or terminal)".into(), |o| o.to_string())
}

/// min, p50, p90, p99 and max of a histogram (microseconds in a summary);
/// all None when nothing was measured: no measurement is not 0.
pub fn quantiles(h: &hdrhistogram::Histogram<u64>) -> [Option<u64>; 5] {
    if h.is_empty() {
        return [None; 5];
    }
    [h.min(), h.value_at_quantile(0.50), h.value_at_quantile(0.90), h.value_at_quantile(0.99), h.max()].map(Some)
}

/// One NDJSON line (without the newline).
pub fn json_line(ev: &Event) -> String {
    // Serializing this enum cannot fail: every field is a string, number,
    // bool, list or JSON value, and every map key is a string.
    serde_json::to_string(ev).unwrap_or_else(|e| format!("{{\"event\":\"error\",\"message\":\"json: {e}\"}}"))
}

/// Bytes as one lowercase hex string (`"7f000001"`).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An echo's `data` and, when it is not UTF-8, its exact bytes in hex.
pub fn echo_data(bytes: &[u8]) -> (String, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), None),
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), Some(hex(bytes))),
    }
}

/// Bytes as lowercase hex pairs (`["7f","00","00","01"]`).
pub fn hex_bytes(bytes: &[u8]) -> Vec<String> {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
