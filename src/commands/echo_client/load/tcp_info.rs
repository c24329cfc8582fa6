//! The kernel's view of the load connections (getsockopt TCP_INFO, as
//! iperf3 reports it) and the client's own CPU (getrusage).
//!
//! Retransmissions are counted from `tcpi_total_retrans`, which grows over
//! a connection's life: an interval reports each live connection's growth
//! since the interval before, and a connection that closes adds what it
//! grew since its last reading. So the intervals add up to the summary,
//! which sums every connection's final count. rtt, rttvar and cwnd are
//! gauges: means over the connections read.

use crate::sys::{self, TcpInfo};
use std::time::{Duration, Instant};

/// TCP_INFO readings added up over connections.
#[derive(Clone, Copy, Debug, Default)]
pub struct TcpSample {
    /// connections whose gauges were read
    pub conns: u64,
    rtt_us: u64,
    rttvar_us: u64,
    cwnd: u64,
    /// segments retransmitted (growth of tcpi_total_retrans)
    pub retrans: u64,
}

impl TcpSample {
    /// Add one connection's gauges (not its retransmissions).
    pub fn add_gauges(&mut self, t: &TcpInfo) {
        self.conns += 1;
        self.rtt_us += u64::from(t.rtt_us);
        self.rttvar_us += u64::from(t.rttvar_us);
        self.cwnd += u64::from(t.snd_cwnd);
    }

    pub fn add(&mut self, o: &TcpSample) {
        self.conns += o.conns;
        self.rtt_us += o.rtt_us;
        self.rttvar_us += o.rttvar_us;
        self.cwnd += o.cwnd;
        self.retrans += o.retrans;
    }

    /// Mean smoothed rtt in microseconds; None when nothing was read.
    pub fn rtt_us(&self) -> Option<u64> {
        self.mean(self.rtt_us).map(|m| m.round() as u64)
    }

    /// Mean rtt variation in microseconds.
    pub fn rttvar_us(&self) -> Option<u64> {
        self.mean(self.rttvar_us).map(|m| m.round() as u64)
    }

    /// Mean congestion window in segments, to one decimal.
    pub fn snd_cwnd(&self) -> Option<f64> {
        self.mean(self.cwnd).map(|m| (m * 10.0).round() / 10.0)
    }

    fn mean(&self, sum: u64) -> Option<f64> {
        (self.conns > 0).then(|| sum as f64 / self.conns as f64)
    }
}

/// A connection's reading: its gauges, and how much its retransmission
/// count grew since `last` (which it then becomes).
pub fn read(fd: &sys::Fd, last: &mut u32) -> Option<(TcpInfo, u64)> {
    let t = sys::tcp_info(fd).ok()?;
    let grew = t.total_retrans.saturating_sub(*last);
    *last = t.total_retrans;
    Some((t, u64::from(grew)))
}

/// The process's CPU time against the wall clock.
pub struct CpuMeter {
    first: (Duration, Instant),
    last: (Duration, Instant),
}

impl CpuMeter {
    pub fn start() -> CpuMeter {
        let now = (sys::cpu_time().unwrap_or_default(), Instant::now());
        CpuMeter { first: now, last: now }
    }

    /// CPU percent since the last lap (or the start).
    pub fn lap(&mut self) -> f64 {
        let now = (sys::cpu_time().unwrap_or(self.last.0), Instant::now());
        let pct = percent(now.0.saturating_sub(self.last.0), now.1 - self.last.1);
        self.last = now;
        pct
    }

    /// CPU percent since the start.
    pub fn total(&self) -> f64 {
        let now = (sys::cpu_time().unwrap_or(self.last.0), Instant::now());
        percent(now.0.saturating_sub(self.first.0), now.1 - self.first.1)
    }
}

fn percent(cpu: Duration, wall: Duration) -> f64 {
    if wall.is_zero() {
        return 0.0;
    }
    (cpu.as_secs_f64() / wall.as_secs_f64() * 1000.0).round() / 10.0
}
