//! How a UDP server tells the datagrams it drops without flooding stdout:
//! the first from a peer at once, the rest as a count at most once a
//! second, and every count told by the time the server stops.

use super::events::DropReason;
use super::storm::MAX_PEERS;
use crate::sys::Addr;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How often one peer's drops are told at most: the first at once, the
/// rest as a count.
pub const REPORT_EVERY: Duration = Duration::from_secs(1);

/// One `dropped` event: `count` datagrams from `peer` (`bytes` in all).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Told {
    pub peer: Addr,
    pub reason: DropReason,
    pub count: u64,
    pub bytes: u64,
}

/// What is known of one peer's drops.
struct Tally {
    /// when a drop from it was last told
    told_at: Instant,
    reason: DropReason,
    /// drops not told yet, and their bytes
    count: u64,
    bytes: u64,
}

/// Tells drops at most once per [`REPORT_EVERY`] per peer, counting the
/// rest, so a storm cannot flood stdout; the counts told add up to every
/// drop (the last ones are told when due, or by [`DropLog::tell_all`]).
pub struct DropLog {
    peers: HashMap<Addr, Tally>,
    /// the earliest time a count is due, if one is waiting
    next_due: Option<Instant>,
    cap: usize,
}

impl Default for DropLog {
    fn default() -> Self {
        Self::new()
    }
}

impl DropLog {
    pub fn new() -> Self {
        Self::with_capacity(MAX_PEERS)
    }

    /// A log for at most `cap` peers (tests).
    pub fn with_capacity(cap: usize) -> Self {
        DropLog { peers: HashMap::new(), next_due: None, cap: cap.max(1) }
    }

    /// When [`DropLog::tell_due`] has something to tell, if ever.
    pub fn next_due(&self) -> Option<Instant> {
        self.next_due
    }

    /// A datagram of `bytes` from `peer` was dropped `now`: tell it, or
    /// count it for later.
    pub fn dropped(&mut self, peer: &Addr, reason: DropReason, bytes: u64, now: Instant, tell: &mut impl FnMut(Told)) {
        if !self.peers.contains_key(peer) && self.peers.len() >= self.cap {
            self.make_room(now, tell);
        }
        let Some(t) = self.peers.get_mut(peer) else {
            tell(Told { peer: peer.clone(), reason, count: 1, bytes });
            self.peers.insert(peer.clone(), Tally { told_at: now, reason, count: 0, bytes: 0 });
            return;
        };
        let due = t.told_at + REPORT_EVERY;
        if t.reason == reason && now < due {
            t.count += 1;
            t.bytes += bytes;
            self.next_due = Some(self.next_due.map_or(due, |d| d.min(due)));
            return;
        }
        let (mut count, mut bytes) = (1, bytes);
        if t.reason == reason {
            (count, bytes) = (t.count + 1, t.bytes + bytes);
        } else if t.count > 0 {
            tell(Told { peer: peer.clone(), reason: t.reason, count: t.count, bytes: t.bytes });
        }
        tell(Told { peer: peer.clone(), reason, count, bytes });
        *t = Tally { told_at: now, reason, count: 0, bytes: 0 };
    }

    /// Tell the counts that are due (in address order, so a run's output
    /// does not depend on a hash table's).
    pub fn tell_due(&mut self, now: Instant, tell: &mut impl FnMut(Told)) {
        if self.next_due.is_none_or(|d| now < d) {
            return;
        }
        let mut due = Vec::new();
        let mut next: Option<Instant> = None;
        for (peer, t) in self.peers.iter_mut().filter(|(_, t)| t.count > 0) {
            let at = t.told_at + REPORT_EVERY;
            if now >= at {
                due.push(Told { peer: peer.clone(), reason: t.reason, count: t.count, bytes: t.bytes });
                *t = Tally { told_at: now, reason: t.reason, count: 0, bytes: 0 };
            } else {
                next = Some(next.map_or(at, |n| n.min(at)));
            }
        }
        self.next_due = next;
        due.sort_by(|a, b| a.peer.cmp(&b.peer));
        due.into_iter().for_each(tell);
    }

    /// Tell every count still waiting (the server is stopping).
    pub fn tell_all(&mut self, tell: &mut impl FnMut(Told)) {
        let mut due: Vec<Told> = self
            .peers
            .iter()
            .filter(|(_, t)| t.count > 0)
            .map(|(peer, t)| Told { peer: peer.clone(), reason: t.reason, count: t.count, bytes: t.bytes })
            .collect();
        self.peers.clear();
        self.next_due = None;
        due.sort_by(|a, b| a.peer.cmp(&b.peer));
        due.into_iter().for_each(tell);
    }

    /// Room for a new peer: forget those with nothing waiting whose next
    /// drop would be told at once anyway; if that is not enough, tell
    /// every count waiting and start afresh.
    fn make_room(&mut self, now: Instant, tell: &mut impl FnMut(Told)) {
        self.peers.retain(|_, t| t.count > 0 || now < t.told_at + REPORT_EVERY);
        if self.peers.len() >= self.cap {
            self.tell_all(tell);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn p(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn drops_are_told_once_a_second_per_peer_and_add_up() {
        let mut log = DropLog::with_capacity(8);
        let (a, b) = (Addr::from(p("127.0.0.1:7")), Addr::from(p("127.0.0.1:19")));
        let t = Instant::now();
        let mut told = Vec::new();
        let ms = |n: u64| t + Duration::from_millis(n);
        for i in 0..1000u64 {
            log.dropped(&a, DropReason::SmallServicePort, 10, ms(i), &mut |x| told.push(x));
            log.tell_due(ms(i), &mut |x| told.push(x));
        }
        log.dropped(&b, DropReason::SmallServicePort, 3, ms(1000), &mut |x| told.push(x));
        // the first at once; then 999 counted, due at 1000 ms
        assert_eq!(told.len(), 2, "{told:?}");
        assert_eq!(told[0], Told { peer: a.clone(), reason: DropReason::SmallServicePort, count: 1, bytes: 10 });
        assert_eq!(told[1].peer, b);
        assert_eq!(log.next_due(), Some(ms(1000)));
        log.tell_due(ms(1000), &mut |x| told.push(x));
        assert_eq!(told[2], Told { peer: a.clone(), reason: DropReason::SmallServicePort, count: 999, bytes: 9990 });
        assert_eq!(log.next_due(), None);
        log.dropped(&a, DropReason::SmallServicePort, 10, ms(1500), &mut |x| told.push(x));
        log.tell_all(&mut |x| told.push(x));
        assert_eq!(told.iter().filter(|x| x.peer == a).map(|x| x.count).sum::<u64>(), 1001);
        assert_eq!(told.len(), 4);
    }

    #[test]
    fn a_full_drop_log_tells_what_it_forgets() {
        let mut log = DropLog::with_capacity(4);
        let t = Instant::now();
        let mut told = Vec::new();
        for round in 0..3u64 {
            for port in 1000..1010u16 {
                let peer = Addr::from(SocketAddr::from(([127, 0, 0, 1], port)));
                log.dropped(&peer, DropReason::EchoLoop, 1, t + Duration::from_micros(round), &mut |x| told.push(x));
            }
        }
        log.tell_all(&mut |x| told.push(x));
        assert_eq!(told.iter().map(|x| x.count).sum::<u64>(), 30);
    }
}
