//! The `summary` event of the clients and servers, and the figures it is
//! made of: latency percentiles, TCP_INFO as text, a histogram's quantiles.

use super::{opt_thousandths, thousandths};
use serde::{Deserialize, Serialize};
use std::fmt;

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

/// A rate as text: whole numbers, and two decimals below 100/s (an open
/// loop at `--rate 0.5` achieves 0.50/s, not 0/s).
pub fn per_second(r: f64) -> String {
    if r < 100.0 && r.fract() != 0.0 {
        format!("{r:.2}")
    } else {
        format!("{r:.0}")
    }
}

/// TCP_INFO figures as text: `rtt 35 us, rttvar 12 us, cwnd 10, retransmits 0`.
pub fn tcp_text(rtt_us: Option<u64>, rttvar_us: Option<u64>, snd_cwnd: Option<f64>, retransmits: u64) -> String {
    match (rtt_us, rttvar_us, snd_cwnd) {
        (Some(rtt), Some(var), Some(cwnd)) => {
            format!("rtt {rtt} us, rttvar {var} us, cwnd {cwnd}, retransmits {retransmits}")
        }
        _ => format!("rtt none (no TCP connection read), retransmits {retransmits}"),
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
        /// --rate: requests due before the end of --duration that were
        /// never written (the client or the server fell behind the
        /// schedule; wrk2 does not send them either); 0 in a closed loop
        #[serde(default)]
        not_sent: u64,
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
                not_sent,
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
                    "summary: {requests} {} in {duration_s:.2} s: {}/s, {mbps:.2} MB/s ({connections} connection{}{}{}, {size} bytes)",
                    if *reconnect { "connect-echo-close cycles" } else { "requests" },
                    per_second(*rps),
                    if *connections == 1 { "" } else { "s" },
                    if *idle > 0 { format!(" + {idle} idle") } else { String::new() },
                    if *threads > 1 { format!(" on {threads} threads") } else { String::new() },
                )?;
                if let Some(target) = target_rps {
                    writeln!(
                        f,
                        "rate: target {target}/s, achieved {}/s ({:.1} %{}); latency counts from each request's intended send time",
                        per_second(*rps),
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
                if *not_sent > 0 {
                    write!(f, ", due but never sent: {not_sent}")?;
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

/// min, p50, p90, p99 and max of a histogram (microseconds in a summary);
/// all None when nothing was measured: no measurement is not 0.
pub fn quantiles(h: &hdrhistogram::Histogram<u64>) -> [Option<u64>; 5] {
    if h.is_empty() {
        return [None; 5];
    }
    [h.min(), h.value_at_quantile(0.50), h.value_at_quantile(0.90), h.value_at_quantile(0.99), h.max()].map(Some)
}
