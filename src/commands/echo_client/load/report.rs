//! What the event loops tell the coordinator, and what it makes of it:
//! the `interval` events (each loop's share of an interval merged into
//! one) and the run's totals for the `summary`.

use super::conn::ConnError;
use super::tcp_info::{CpuMeter, TcpSample};
use crate::commands::echo_client::events::Event;
use crate::error::{Error, Result};
use crate::events::Percentiles;
use crate::output::Out;
use hdrhistogram::Histogram;
use std::time::{Duration, Instant};

/// A latency histogram: microseconds, 3 significant digits; a latency
/// beyond the first minute grows it, it is not lost.
pub fn histogram() -> Result<Histogram<u64>> {
    let mut h = Histogram::new_with_bounds(1, 60_000_000, 3).map_err(|e| Error::failed(format!("histogram: {e}")))?;
    h.auto(true);
    Ok(h)
}

fn merge(into: &mut Histogram<u64>, from: &Histogram<u64>) {
    // both grow as needed (auto), so adding cannot fail for want of range
    let _ = into.add(from);
}

/// A loop's counts over the run.
pub struct Stats {
    /// requests completed and verified
    pub completed: u64,
    /// connections that failed
    pub errors: u64,
    /// echoes that differed
    pub mismatches: u64,
    /// requests dropped with a failed connection, beyond the failed one
    pub abandoned: u64,
    /// open loop: requests due before the end of --duration, never written
    pub not_sent: u64,
    /// latency: from the intended send (open loop) or the send
    pub latency: Histogram<u64>,
    /// open loop: from the actual send
    pub service: Option<Histogram<u64>>,
    /// the first connection error, told in the final message
    pub first_error: Option<ConnError>,
}

impl Stats {
    pub fn new(open_loop: bool) -> Result<Stats> {
        Ok(Stats {
            completed: 0,
            errors: 0,
            mismatches: 0,
            abandoned: 0,
            not_sent: 0,
            latency: histogram()?,
            service: if open_loop { Some(histogram()?) } else { None },
            first_error: None,
        })
    }

    pub fn add(&mut self, o: &Stats) {
        self.completed += o.completed;
        self.errors += o.errors;
        self.mismatches += o.mismatches;
        self.abandoned += o.abandoned;
        self.not_sent += o.not_sent;
        merge(&mut self.latency, &o.latency);
        if let (Some(a), Some(b)) = (self.service.as_mut(), o.service.as_ref()) {
            merge(a, b);
        }
        if self.first_error.is_none() {
            self.first_error.clone_from(&o.first_error);
        }
    }
}

/// One loop's part of one interval.
pub struct Slice {
    /// the interval's number, from 1
    pub index: u64,
    /// where this part ends, since the run's start
    pub end: Duration,
    pub completed: u64,
    pub errors: u64,
    pub mismatches: u64,
    pub latency: Histogram<u64>,
    pub tcp: TcpSample,
}

/// How a loop ended.
pub struct Outcome {
    pub stats: Stats,
    /// TCP_INFO of its connections, each read as it closed
    pub tcp: TcpSample,
    /// requests still without their echo
    pub unfinished: u64,
    /// no progress for --timeout
    pub stalled: bool,
    /// Ctrl-C (or another loop failed)
    pub interrupted: bool,
    /// --interval: the last, partial interval
    pub last: Option<Slice>,
    pub end: Instant,
    /// when bytes last came back (or a connect finished)
    pub last_progress: Instant,
}

/// From a loop to the coordinator.
pub enum Msg {
    Slice(usize, Box<Slice>),
    Done(usize, Box<Result<Outcome>>),
}

/// The coordinator's side of `--interval`: an interval is reported once
/// every loop has sent its part of it (or has ended: its last part counts
/// for the interval it ended in).
pub struct Intervals {
    every: Duration,
    percentiles: Vec<f64>,
    /// per loop: the last interval it reported, and whether it ended
    reported: Vec<u64>,
    ended: Vec<bool>,
    /// parts waiting for the others, by interval
    parts: std::collections::BTreeMap<u64, Vec<Slice>>,
    cpu: CpuMeter,
}

impl Intervals {
    pub fn new(every: Duration, threads: usize, percentiles: Vec<f64>) -> Intervals {
        Intervals {
            every,
            percentiles,
            reported: vec![0; threads],
            ended: vec![false; threads],
            parts: Default::default(),
            cpu: CpuMeter::start(),
        }
    }

    /// Loop `w` sent its part of an interval (`last`: its final part).
    pub fn part(&mut self, w: usize, s: Slice, last: bool, out: &Out) {
        self.reported[w] = self.reported[w].max(s.index);
        self.ended[w] |= last;
        self.parts.entry(s.index).or_default().push(s);
        self.emit_ready(out);
    }

    /// Loop `w` ended without a last part (it failed).
    pub fn ended(&mut self, w: usize, out: &Out) {
        self.ended[w] = true;
        self.emit_ready(out);
    }

    fn emit_ready(&mut self, out: &Out) {
        while let Some((&k, _)) = self.parts.first_key_value() {
            let ready = self.reported.iter().zip(&self.ended).all(|(&r, &e)| e || r >= k);
            if !ready {
                return;
            }
            let parts = self.parts.remove(&k).unwrap_or_default();
            out.emit(&self.merged(k, &parts));
        }
    }

    /// Interval `k` from its parts (at least one).
    fn merged(&mut self, k: u64, parts: &[Slice]) -> Event {
        let start = self.every * (k - 1) as u32;
        let end = parts.iter().map(|p| p.end).max().unwrap_or(start).max(start);
        // (every part's histogram is a clone of a loop's, which grows as needed)
        let mut latency = parts[0].latency.clone();
        latency.reset();
        let mut tcp = TcpSample::default();
        let (mut requests, mut errors, mut mismatches) = (0, 0, 0);
        for p in parts {
            merge(&mut latency, &p.latency);
            tcp.add(&p.tcp);
            requests += p.completed;
            errors += p.errors;
            mismatches += p.mismatches;
        }
        let secs = (end - start).as_secs_f64();
        let q = |p: f64| (!latency.is_empty()).then(|| latency.value_at_quantile(p));
        Event::Interval {
            start_s: start.as_secs_f64(),
            end_s: end.as_secs_f64(),
            requests,
            rps: if secs > 0.0 { (requests as f64 / secs).round() } else { 0.0 },
            latency_p50_us: q(0.5),
            latency_p99_us: q(0.99),
            latency_max_us: (!latency.is_empty()).then(|| latency.max()),
            latency_us: Percentiles::of(&latency, &self.percentiles),
            errors,
            mismatches,
            connections: tcp.conns,
            rtt_us: tcp.rtt_us(),
            rttvar_us: tcp.rttvar_us(),
            snd_cwnd: tcp.snd_cwnd(),
            retransmits: tcp.retrans,
            cpu_pct: self.cpu.lap(),
        }
    }
}
