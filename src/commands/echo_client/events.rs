//! The events of `netlab echo-client` beyond the shared ones (connected,
//! echo, summary): the load mode's `interval` reports.

use crate::events::{opt_thousandths, tcp_text, thousandths, Percentiles};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What an echo client says while a load run goes on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// One `--interval` of a load run, as iperf3 -i reports them: what
    /// completed in it, its latency, and the kernel's view of its
    /// connections (getsockopt TCP_INFO): those live at its end and those
    /// that closed during it. The last interval may be shorter (the end of
    /// the run).
    Interval {
        /// where the interval starts, in seconds since the run began
        #[serde(serialize_with = "thousandths")]
        start_s: f64,
        /// where it ends, in seconds since the run began
        #[serde(serialize_with = "thousandths")]
        end_s: f64,
        /// requests completed and verified in the interval
        requests: u64,
        /// requests per second over the interval
        #[serde(serialize_with = "thousandths")]
        rps: f64,
        /// median latency of the interval in microseconds (from the
        /// intended send time under --rate); null when none completed
        latency_p50_us: Option<u64>,
        /// 99th percentile latency of the interval in microseconds
        latency_p99_us: Option<u64>,
        /// the slowest request of the interval in microseconds
        latency_max_us: Option<u64>,
        /// the interval's latency percentiles (--percentiles, then max) in
        /// microseconds, as the summary's latency_us
        latency_us: Option<Percentiles>,
        /// connections that failed in the interval
        errors: u64,
        /// echoes that differed from the request in the interval
        mismatches: u64,
        /// connections read with TCP_INFO: live at the interval's end, or
        /// closed during it
        connections: u64,
        /// TCP_INFO: their mean smoothed round-trip time (tcpi_rtt) in
        /// microseconds; null when none was read
        rtt_us: Option<u64>,
        /// TCP_INFO: their mean round-trip time variation (tcpi_rttvar)
        rttvar_us: Option<u64>,
        /// TCP_INFO: their mean congestion window in segments (tcpi_snd_cwnd)
        #[serde(serialize_with = "opt_thousandths")]
        snd_cwnd: Option<f64>,
        /// TCP_INFO: segments retransmitted in the interval, summed over
        /// the connections (tcpi_total_retrans deltas, closed ones included)
        retransmits: u64,
        /// the client's CPU time (user + system, all threads) over the
        /// interval's wall time, percent
        #[serde(serialize_with = "thousandths")]
        cpu_pct: f64,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Interval {
                start_s,
                end_s,
                requests,
                rps,
                latency_us,
                errors,
                mismatches,
                rtt_us,
                rttvar_us,
                snd_cwnd,
                retransmits,
                cpu_pct,
                ..
            } => {
                let latency = latency_us.as_ref().map_or("none".to_string(), |l| l.to_string());
                write!(
                    f,
                    "interval {start_s:.2}-{end_s:.2} s: {requests} requests, {rps:.0}/s, latency us {latency}, errors {errors}"
                )?;
                if *mismatches > 0 {
                    write!(f, ", mismatches {mismatches}")?;
                }
                write!(f, ", {}, cpu {cpu_pct:.1} %", tcp_text(*rtt_us, *rttvar_us, *snd_cwnd, *retransmits))
            }
        }
    }
}
