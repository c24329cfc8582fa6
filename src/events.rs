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
        /// the call that reaped it: wait, waitpid, or the SIGCHLD handler's waitpid
        #[serde(default, skip_serializing_if = "Option::is_none")]
        call: Option<String>,
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

/// The `result` event of a lesson: its `kind` names the lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Lesson {
    /// process sigchld: N children exit at once; what the handler caught.
    Sigchld {
        /// once (one waitpid per signal, the course's handler) or loop
        handler: String,
        /// children forked
        children: u64,
        /// times the SIGCHLD handler ran
        signals_handled: u64,
        /// children the handler reaped
        reaped_by_handler: u64,
        /// children still zombies when the handler had run its last (netlab reaps them afterwards)
        zombies_left: u64,
    },
    /// pipe oneway: the child wrote, the parent read.
    Oneway {
        /// bytes that went through the pipe
        bytes: u64,
        /// whether the parent read exactly what the child wrote
        intact: bool,
    },
    /// pipe twoway: who read whose message.
    Twoway {
        /// pipes used: 1 (both directions in one) or 2 (one each way)
        pipes: u64,
        /// whether a process read back its own message
        crossed: bool,
        /// whether a read was left waiting for a message that never came (bounded by netlab)
        stuck: bool,
    },
    /// pipe eof: when the reader saw end of file.
    Eof {
        /// whether the reader saw read() = 0
        eof: bool,
        /// the descriptor that kept the pipe open, when EOF never came
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kept_open_by: Option<i32>,
        /// how long the read waited, in milliseconds
        waited_ms: u64,
    },
    /// pipe epipe: writing with every read end closed.
    Epipe {
        /// whether SIGPIPE was ignored (--ignore-sigpipe)
        ignored: bool,
        /// whether a signal killed the writer
        killed: bool,
        /// the signal that killed it (SIGPIPE)
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signal: Option<String>,
        /// the errno write() failed with (EPIPE), when the writer survived
        #[serde(default, skip_serializing_if = "Option::is_none")]
        errno: Option<String>,
    },
    /// pipe capacity: how much a pipe holds, and what is atomic.
    Capacity {
        /// bytes written before write() said EAGAIN
        bytes: u64,
        /// fcntl(F_GETPIPE_SZ)
        pipe_size: u64,
        /// PIPE_BUF: writes up to this size are atomic
        pipe_buf: u64,
        /// what a write of PIPE_BUF + 1 bytes did once only part of it fit
        big_write: String,
        /// what a write of PIPE_BUF bytes did once only part of it fit
        small_write: String,
    },
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

/// Latency percentiles in microseconds: the ones `--percentiles` asked
/// for, in ascending order, then `max`. In JSON an object in that order,
/// `{"p50":210,"p90":300,"p99":450,"p99.9":800,"max":1200}`; in text
/// `p50 210 p90 300 p99 450 p99.9 800 max 1200`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Percentiles(pub Vec<(String, u64)>);

impl Percentiles {
    /// The percentiles `ps` (0 < p <= 100) of `h`, and its max; None when
    /// the histogram is empty (no measurement, not 0).
    pub fn of(h: &hdrhistogram::Histogram<u64>, ps: &[f64]) -> Option<Percentiles> {
        if h.is_empty() {
            return None;
        }
        let mut v: Vec<(String, u64)> = ps.iter().map(|p| (format!("p{p}"), h.value_at_quantile(p / 100.0))).collect();
        v.push(("max".into(), h.max()));
        Some(Percentiles(v))
    }

    /// The value of one key (`p99.9`, `max`).
    pub fn get(&self, key: &str) -> Option<u64> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

impl schemars::JsonSchema for Percentiles {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Percentiles".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "description": "latency percentiles in microseconds, keyed p50, p90, p99, p99.9 (as --percentiles asked, in that order), then max",
            "propertyNames": { "pattern": "^(p[0-9]+(\\.[0-9]+)?|max)$" },
            "additionalProperties": { "type": "integer", "minimum": 0 }
        })
    }
}

impl fmt::Display for Percentiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (k, v)) in self.0.iter().enumerate() {
            write!(f, "{}{k} {v}", if i > 0 { " " } else { "" })?;
        }
        Ok(())
    }
}

impl Serialize for Percentiles {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Percentiles {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Percentiles;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of percentile names and microseconds")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> std::result::Result<Percentiles, A::Error> {
                let mut v = Vec::new();
                while let Some(entry) = m.next_entry::<String, u64>()? {
                    v.push(entry);
                }
                Ok(Percentiles(v))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// TCP_INFO figures as text: `rtt 35 us, rttvar 12 us, cwnd 10, retransmits 0`.
pub fn tcp_text(rtt_us: Option<u64>, rttvar_us: Option<u64>, snd_cwnd: Option<f64>, retransmits: u64) -> String {
    match (rtt_us, rttvar_us, snd_cwnd) {
        (Some(rtt), Some(var), Some(cwnd)) => {
            format!("rtt {rtt} us, rttvar {var} us, cwnd {cwnd}, retransmits {retransmits}")
        }
        _ => format!("rtt none (no connection read), retransmits {retransmits}"),
    }
}

fn one() -> u64 {
    1
}

/// The `summary` event: its `kind` says which run it summarises.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Summary {
    /// echo-client stream, message or split mode.
    Stream {
        /// bytes sent to the server
        bytes_sent: u64,
        /// bytes that came back
        bytes_received: u64,
        /// whether every byte came back exactly
        verified: bool,
        /// the offset of the first byte that differed
        #[serde(default, skip_serializing_if = "Option::is_none")]
        first_mismatch_at: Option<u64>,
        /// the run's length in milliseconds
        #[serde(serialize_with = "thousandths")]
        duration_ms: f64,
    },
    /// echo-client load mode.
    Load {
        /// connections making requests
        connections: u64,
        /// extra idle connections held open
        idle: u64,
        /// bytes per request
        size: u64,
        /// whether each request was a fresh connect, echo, close
        reconnect: bool,
        /// requests completed and verified
        requests: u64,
        /// the run's length in seconds
        #[serde(serialize_with = "thousandths")]
        duration_s: f64,
        /// requests per second
        #[serde(serialize_with = "thousandths")]
        rps: f64,
        /// echoed payload, MB/s (10^6 bytes)
        #[serde(serialize_with = "thousandths")]
        mbps: f64,
        /// median latency in microseconds; null when no request completed (no measurement, not 0)
        latency_p50_us: Option<u64>,
        /// 90th percentile latency in microseconds
        latency_p90_us: Option<u64>,
        /// 99th percentile latency in microseconds
        latency_p99_us: Option<u64>,
        /// the slowest request in microseconds
        latency_max_us: Option<u64>,
        /// connections that failed
        errors: u64,
        /// echoes that differed from the request
        mismatches: u64,
        /// requests still without their echo when the run ended (the end of
        /// --duration plus a grace, or no progress for --timeout)
        #[serde(default)]
        unfinished: u64,
        /// --rate: requests still queued on a connection when it failed,
        /// besides the one counted in errors or mismatches (each failure
        /// ends every request waiting on that connection); 0 in a closed loop
        #[serde(default)]
        abandoned: u64,
        /// event loops (threads) that shared the connections (--threads)
        #[serde(default = "one")]
        threads: u64,
        /// --rate: the requests per second asked for; null in a closed loop
        #[serde(default, serialize_with = "opt_thousandths")]
        target_rps: Option<f64>,
        /// --rate: whether rps reached 95 % of target_rps; null in a closed loop
        #[serde(default)]
        rate_met: Option<bool>,
        /// latency percentiles (--percentiles, then max) in microseconds:
        /// from each request's intended send time under --rate, from its
        /// send in a closed loop; null when no request completed
        #[serde(default)]
        latency_us: Option<Percentiles>,
        /// --rate: the same percentiles of the service time (from the
        /// actual send); null in a closed loop, whose latency is that time
        #[serde(default)]
        service_us: Option<Percentiles>,
        /// TCP_INFO: mean smoothed round-trip time (tcpi_rtt) of the
        /// connections, each read just before it closed, in microseconds;
        /// null when none was read
        #[serde(default)]
        rtt_us: Option<u64>,
        /// TCP_INFO: mean round-trip time variation (tcpi_rttvar), microseconds
        #[serde(default)]
        rttvar_us: Option<u64>,
        /// TCP_INFO: mean congestion window in segments (tcpi_snd_cwnd)
        #[serde(default)]
        snd_cwnd: Option<f64>,
        /// TCP_INFO: segments retransmitted, summed over every connection
        /// (tcpi_total_retrans)
        #[serde(default)]
        retransmits: u64,
        /// the client's CPU time (user + system, all threads) over the
        /// run's wall time, percent: above 100 with several threads
        #[serde(default, serialize_with = "thousandths")]
        cpu_pct: f64,
    },
    /// udp client --count: every reply matched by sequence number.
    Udp {
        /// datagrams sent
        sent: u64,
        /// datagrams whose reply came in time
        received: u64,
        /// datagrams without a reply in time
        lost: u64,
        /// lost as a percentage of sent
        #[serde(serialize_with = "thousandths")]
        loss_pct: f64,
        /// replies that came more than once
        duplicates: u64,
        /// replies that came after a later datagram's
        reordered: u64,
        /// replies after --timeout (also counted as lost)
        late: u64,
        /// replies whose content was not what was sent
        corrupt: u64,
        /// datagrams from other addresses, ignored
        ignored: u64,
        /// the shortest round trip in microseconds; null when no reply came (no measurement, not 0)
        rtt_min_us: Option<u64>,
        /// median round trip in microseconds
        rtt_p50_us: Option<u64>,
        /// 90th percentile round trip in microseconds
        rtt_p90_us: Option<u64>,
        /// 99th percentile round trip in microseconds
        rtt_p99_us: Option<u64>,
        /// the longest round trip in microseconds
        rtt_max_us: Option<u64>,
    },
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
            Event::Reaped { pid, call: Some(call), exited, code, signaled, signal, .. } => {
                write!(f, "reaped {pid} with {call}: WIFEXITED {}", exited.unwrap_or(false))?;
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

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Summary::Stream { bytes_sent, bytes_received, verified, first_mismatch_at, duration_ms } => {
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
            Summary::Load {
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
                abandoned,
                threads,
                target_rps,
                rate_met,
                latency_us,
                service_us,
                rtt_us,
                rttvar_us,
                snd_cwnd,
                retransmits,
                cpu_pct,
            } => {
                writeln!(
                    f,
                    "summary: {requests} {} in {duration_s:.2} s: {rps:.0}/s, {mbps:.2} MB/s ({connections} connections{}{}, {size} bytes)",
                    if *reconnect { "connect-echo-close cycles" } else { "requests" },
                    if *idle > 0 { format!(" + {idle} idle") } else { String::new() },
                    if *threads > 1 { format!(" on {threads} threads") } else { String::new() },
                )?;
                if let Some(target) = target_rps {
                    writeln!(
                        f,
                        "rate: target {target}/s, achieved {rps:.0}/s ({:.1} %{}); latency counts from each request's intended send time",
                        rps / target * 100.0,
                        if *rate_met == Some(false) { ", BELOW 95 %" } else { "" },
                    )?;
                }
                let latency = match (latency_us, latency_p50_us, latency_p90_us, latency_p99_us, latency_max_us) {
                    (Some(l), ..) => l.to_string(),
                    (None, Some(p50), Some(p90), Some(p99), Some(max)) => format!("p50 {p50} p90 {p90} p99 {p99} max {max}"),
                    _ => "none (no request completed)".to_string(),
                };
                writeln!(f, "latency us: {latency}")?;
                if target_rps.is_some() {
                    let service = service_us.as_ref().map_or("none (no request completed)".to_string(), |s| s.to_string());
                    writeln!(f, "service us: {service}")?;
                }
                write!(f, "errors: {errors}, mismatches: {mismatches}, unfinished: {unfinished}")?;
                if *abandoned > 0 {
                    write!(f, ", abandoned: {abandoned}")?;
                }
                write!(f, "\ntcp: {}; client cpu {cpu_pct:.1} %", tcp_text(*rtt_us, *rttvar_us, *snd_cwnd, *retransmits))
            }
            Summary::Udp {
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
            } => write!(
                f,
                "summary: {sent} sent, {received} received, {lost} lost ({loss_pct:.1}%), {duplicates} duplicates, {reordered} reordered, {late} late, {corrupt} corrupt, {ignored} ignored\nrtt us: {}",
                match (rtt_min_us, rtt_p50_us, rtt_p90_us, rtt_p99_us, rtt_max_us) {
                    (Some(min), Some(p50), Some(p90), Some(p99), Some(max)) =>
                        format!("min {min} p50 {p50} p90 {p90} p99 {p99} max {max}"),
                    _ => "none (no reply)".to_string(),
                }
            ),
        }
    }
}

impl fmt::Display for Lesson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lesson::Sigchld { handler, children, signals_handled, reaped_by_handler, zombies_left } => write!(
                f,
                "result: {children} children exited; the handler ({handler}) ran {signals_handled} time{} and reaped {reaped_by_handler}; {zombies_left} left as zombies{}",
                if *signals_handled == 1 { "" } else { "s" },
                if *zombies_left > 0 { " (signals coalesce: one pending SIGCHLD stands for every child that exited)" } else { "" }
            ),
            Lesson::Oneway { bytes, intact } => {
                write!(f, "result: {bytes} bytes through the pipe, {}", if *intact { "intact" } else { "DIFFERENT" })
            }
            Lesson::Twoway { pipes, crossed, stuck } => write!(
                f,
                "result: {pipes} pipe(s): {}{}",
                if *crossed { "crossed: a process read back its own message" } else { "each read the other's message" },
                if *stuck { "; a read waited for a message that never came" } else { "" }
            ),
            Lesson::Eof { eof, kept_open_by, waited_ms } => match (eof, kept_open_by) {
                (true, _) => write!(f, "result: read() = 0 (EOF) after {waited_ms} ms: every write end was closed"),
                (false, Some(fd)) => write!(
                    f,
                    "result: no EOF after {waited_ms} ms: fd {fd}, a write end, is still open in this process"
                ),
                (false, None) => write!(f, "result: no EOF after {waited_ms} ms"),
            },
            Lesson::Epipe { ignored, killed, signal, errno } => match (killed, signal, errno) {
                (true, Some(s), _) => write!(f, "result: the writer was killed by {s}"),
                (false, _, Some(e)) => write!(
                    f,
                    "result: write() failed with {e}{}",
                    if *ignored { " (SIGPIPE ignored)" } else { "" }
                ),
                _ => write!(f, "result: the writer survived"),
            },
            Lesson::Capacity { bytes, pipe_size, pipe_buf, big_write, small_write } => write!(
                f,
                "result: the pipe held {bytes} bytes (F_GETPIPE_SZ {pipe_size}); PIPE_BUF {pipe_buf}\n  write of {} bytes: {big_write}\n  write of {pipe_buf} bytes: {small_write}",
                pipe_buf + 1
            ),
        }
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
/// decode it, and the call that reaped it.
pub fn reaped(status: nix::sys::wait::WaitStatus, call: &str) -> Event {
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
        exited: Some(exited),
        code,
        signaled: Some(signaled),
        signal,
    }
}

/// min, p50, p90, p99 and max of a histogram (microseconds in a summary);
/// all None when nothing was measured: no measurement is not 0.
pub fn quantiles(h: &hdrhistogram::Histogram<u64>) -> [Option<u64>; 5] {
    if h.is_empty() {
        return [None; 5];
    }
    [h.min(), h.value_at_quantile(0.50), h.value_at_quantile(0.90), h.value_at_quantile(0.99), h.max()].map(Some)
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
