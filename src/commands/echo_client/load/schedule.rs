//! Which requests an event loop issues, and when.
//!
//! Requests are numbered 0, 1, 2… over the whole run; request `j` goes on
//! connection `j mod C` (of C connections), so `--requests N` is the same
//! N requests however many threads share the connections, and each thread
//! issues the requests of its own connections.
//!
//! Closed loop: a connection sends its next request when the echo of the
//! last one is back; a thread only counts how many it may still issue.
//!
//! Open loop (`--rate R`): request `j` is due at `start + j / R`, whether
//! or not earlier echoes came back. A connection so sends every `C / R`
//! seconds, the connections in turn, evenly spread. A request that cannot
//! go out on time (a socket buffer full, this thread busy, a connection
//! still connecting) waits in its connection's queue and goes out as soon
//! as it can; its latency still counts from the time it was due. That is
//! how wrk2 corrects for coordinated omission.

use std::time::{Duration, Instant};

/// How many of the requests 0..n go on the connections `ids` of `c`.
pub fn share(n: u64, ids: &[u64], c: u64) -> u64 {
    ids.iter().map(|&g| if g < n { (n - g).div_ceil(c) } else { 0 }).sum()
}

/// An open-loop plan: the connections of one thread, in turn.
pub struct Plan {
    start: Instant,
    /// requests per second over all threads
    rate: f64,
    /// all connections of the run (C)
    total: u64,
    /// this thread's connections' numbers, ascending
    ids: Vec<u64>,
    /// the next send is on ids[cursor], in round `round`
    cursor: usize,
    round: u64,
    /// --requests: request numbers from here on are not issued
    limit: Option<u64>,
    /// --duration: requests due from here on are not issued
    deadline: Option<Instant>,
    /// ended early ([`Plan::end`])
    ended: bool,
}

impl Plan {
    pub fn new(
        start: Instant,
        rate: f64,
        total: u64,
        ids: Vec<u64>,
        limit: Option<u64>,
        deadline: Option<Instant>,
    ) -> Plan {
        Plan { start, rate, total, ids, cursor: 0, round: 0, limit, deadline, ended: false }
    }

    /// The next request: (index into this thread's connections, request
    /// number, when it is due); None once the plan is over.
    pub fn peek(&self) -> Option<(usize, u64, Instant)> {
        let g = *self.ids.get(self.cursor)?;
        let j = g + self.round * self.total;
        if self.limit.is_some_and(|n| j >= n) {
            return None;
        }
        // (a time beyond what an Instant holds is never due)
        let due = self.after(j as f64 / self.rate)?;
        if self.deadline.is_some_and(|d| due >= d) {
            return None;
        }
        Some((self.cursor, j, due))
    }

    /// Move past the request [`Plan::peek`] gave.
    pub fn advance(&mut self) {
        self.cursor += 1;
        if self.cursor == self.ids.len() {
            self.cursor = 0;
            self.round += 1;
        }
    }

    /// No more requests (Ctrl-C, or every connection gave up).
    pub fn end(&mut self) {
        self.limit = Some(0);
        self.ended = true;
    }

    /// When the schedule's span ends: the end of --duration, or, under
    /// --requests N, N / R seconds after the start (request N-1 is due one
    /// interval before it). The run lasts at least this long, so that its
    /// rate is requests over the span they were due in; None once the
    /// plan was ended early.
    pub fn window_end(&self) -> Option<Instant> {
        if self.ended {
            return None;
        }
        self.deadline.or_else(|| self.after(self.limit? as f64 / self.rate))
    }

    /// `secs` after the start, if an Instant holds it.
    fn after(&self, secs: f64) -> Option<Instant> {
        self.start.checked_add(Duration::try_from_secs_f64(secs).ok()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_to_the_requests() {
        for (n, c, threads) in [(2000u64, 8u64, 3usize), (7, 8, 2), (100, 1, 1), (1, 5, 5), (1001, 7, 4)] {
            let total: u64 = (0..threads)
                .map(|t| {
                    let ids: Vec<u64> = (0..c).filter(|g| *g as usize % threads == t).collect();
                    share(n, &ids, c)
                })
                .sum();
            assert_eq!(total, n, "n {n} c {c} threads {threads}");
        }
    }

    #[test]
    fn an_open_loop_plan_spreads_the_sends_evenly() {
        let t0 = Instant::now();
        // 4 connections at 1000/s over 2 threads: thread 0 has 0 and 2
        let mut p = Plan::new(t0, 1000.0, 4, vec![0, 2], Some(10), None);
        let mut seen = Vec::new();
        while let Some((i, j, due)) = p.peek() {
            seen.push((i, j, (due - t0).as_micros()));
            p.advance();
        }
        assert_eq!(seen, vec![(0, 0, 0), (1, 2, 2000), (0, 4, 4000), (1, 6, 6000), (0, 8, 8000)]);
        let mut p = Plan::new(t0, 1000.0, 1, vec![0], None, Some(t0 + Duration::from_millis(3)));
        let mut n = 0;
        while p.peek().is_some() {
            p.advance();
            n += 1;
        }
        assert_eq!(n, 3, "due at 0, 1 and 2 ms; 3 ms is the deadline");
    }

    #[test]
    fn the_window_is_the_duration_or_the_span_of_the_requests() {
        let t0 = Instant::now();
        let d = t0 + Duration::from_millis(1500);
        assert_eq!(Plan::new(t0, 4.0, 1, vec![0], None, Some(d)).window_end(), Some(d));
        // 10 requests at 100/s: due 0 … 90 ms, the span 100 ms
        let p = Plan::new(t0, 100.0, 1, vec![0], Some(10), None);
        assert_eq!(p.window_end(), Some(t0 + Duration::from_millis(100)));
        let mut p = Plan::new(t0, 100.0, 1, vec![0], None, Some(d));
        p.end();
        assert_eq!(p.window_end(), None, "Ctrl-C: no waiting for the span");
    }

    #[test]
    fn a_time_no_instant_holds_is_never_due() {
        let t0 = Instant::now();
        let p = Plan::new(t0, 1e-20, 1, vec![0], Some(10), None);
        assert_eq!(p.window_end(), None);
        let mut p = Plan::new(t0, 1e-20, 1, vec![0], Some(10), None);
        assert_eq!(p.peek().map(|(_, j, _)| j), Some(0), "request 0 is due at the start");
        p.advance();
        assert_eq!(p.peek(), None, "request 1 is due past the end of time");
    }
}
