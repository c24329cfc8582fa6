//! What keeps `netlab udp server` out of an echo storm (CERT CA-1996-01):
//! the datagrams it never answers, the loop detector, and how drops are
//! told without flooding stdout.
//!
//! Two echo servers, and one datagram forged to come from one to the
//! other: each echoes it to the other, forever, as fast as the network
//! goes. The rules, checked in this order on every datagram, are BSD
//! inetd's `check_loop` and more:
//!
//! 1. source port 0 (`port-zero`): no socket sends from it, the source is
//!    forged;
//! 2. a source port of a small service that answers every datagram
//!    (`small-service-port`: echo 7, daytime 13, qotd 17, chargen 19,
//!    time 37);
//! 3. a broadcast, multicast or unspecified source (`broadcast`);
//! 4. the server's own address and port (`self`): bound to one address,
//!    exactly that address; bound to 0.0.0.0 or `::`, any address of this
//!    host (127.0.0.0/8, ::1 and every interface's) with the server's port;
//! 5. a peer that keeps sending back exactly what it was sent
//!    (`echo-loop`, [`LoopDetector`]).
//!
//! The loop detector looks at the echo from the side that could be fooled:
//! the server remembers a short hash of the last [`LOOP_RING`] replies it
//! sent to each peer. A datagram from that peer equal to one of them is a
//! *return*. [`LOOP_HITS`] returns in a row, each within [`LOOP_WINDOW`]
//! of the one before, mark the peer as looping: that datagram and every
//! return after it is dropped, until the peer has sent none for
//! [`LOOP_HOLD`], or sends something the server did not send it (an echo
//! server only ever sends back what it got, so something new is a client
//! talking). A client is the sender side: what it sends is new each time,
//! and its echo goes to it, not back to the server.
//!
//! Seen from one side, a client that sends the very same bytes again each
//! time their echo comes back *is* a peer sending back what it was sent:
//! no rule on content and timing tells the two apart. [`LOOP_HITS`] is
//! the trade-off. A storm makes a round trip in microseconds on one host,
//! a fraction of a millisecond on a LAN, so 32 of them end it well within
//! a second; a test that pings the same `ping` 20 times (this repository
//! has one) or a student typing one line over and over is answered. A
//! script that sends one payload 32 times in a row, each within a second
//! of its echo, is taken for a loop until it sends something else (and
//! its `dropped` events say so); `udp client --count` numbers its
//! datagrams and never is.
//!
//! One spoofed datagram between two netlab servers thus makes
//! [`LOOP_HITS`] round trips and one datagram more, and a forger who keeps
//! sending gets at most that many per datagram forged.

use super::events::{DropReason, SMALL_SERVICES};
use crate::sys::Addr;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// What the server knows of its own addresses (the `self` and `broadcast`
/// rules need them).
#[derive(Clone, Debug)]
pub struct Own {
    /// the address bound, with the real port
    pub addr: SocketAddr,
    /// this host's addresses (getifaddrs), for a server bound to 0.0.0.0 or ::
    pub local: Vec<IpAddr>,
    /// the interfaces' broadcast addresses
    pub broadcast: Vec<IpAddr>,
}

/// An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, as a dual-stack socket
/// sees an IPv4 sender) as the IPv4 address it is.
fn plain(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

impl Own {
    /// Whether the server is bound to every address (0.0.0.0 or `::`).
    pub fn wildcard(&self) -> bool {
        plain(self.addr.ip()).is_unspecified()
    }

    /// Whether the `self` rule must look at this host's addresses for
    /// `peer`: it has the server's port and the server is bound to every
    /// address.
    pub fn needs_local(&self, peer: &SocketAddr) -> bool {
        peer.port() == self.addr.port() && self.wildcard()
    }

    /// Whether `peer` is the server itself: its own address and port. A
    /// server bound to every address owns each address of this host (all of
    /// 127.0.0.0/8 and ::1 among them) with its port.
    pub fn is_self(&self, peer: &SocketAddr) -> bool {
        if peer.port() != self.addr.port() {
            return false;
        }
        let ip = plain(peer.ip());
        if self.wildcard() {
            ip.is_loopback() || self.local.iter().any(|l| plain(*l) == ip)
        } else {
            ip == plain(self.addr.ip())
        }
    }
}

/// Why a datagram from `peer` must not be answered, if it must not (rules
/// 1 to 4 above; the loop detector is the fifth).
pub fn refuse_reply(peer: &SocketAddr, own: &Own) -> Option<DropReason> {
    match peer.port() {
        0 => return Some(DropReason::PortZero),
        p if SMALL_SERVICES.iter().any(|(s, _)| *s == p) => return Some(DropReason::SmallServicePort),
        _ => {}
    }
    let ip = plain(peer.ip());
    let bad = match ip {
        IpAddr::V4(v4) => v4.is_broadcast() || v4.is_multicast() || v4.is_unspecified(),
        IpAddr::V6(v6) => v6.is_multicast() || v6.is_unspecified(),
    };
    if bad || own.broadcast.contains(&ip) {
        return Some(DropReason::Broadcast);
    }
    if own.is_self(peer) {
        return Some(DropReason::SelfAddress);
    }
    None
}

/// Replies remembered per peer (as short hashes): a loop with up to this
/// many different datagrams circulating at once is still seen.
pub const LOOP_RING: usize = 32;
/// Returns in a row that mark a peer as looping (see the module's comment
/// for why 32 and not fewer).
pub const LOOP_HITS: u32 = 32;
/// The most time between two returns of one streak.
pub const LOOP_WINDOW: Duration = Duration::from_secs(1);
/// How long a looping peer stays dropped after its last return (unless it
/// sends something new first).
pub const LOOP_HOLD: Duration = Duration::from_secs(10);
/// Peers the detector remembers at most; when full, it keeps the looping
/// ones and the more recently heard half of the rest.
pub const MAX_PEERS: usize = 4096;

/// What the detector knows of one peer.
struct Peer {
    /// short hashes of the last replies sent to the peer (a ring)
    sent: [u64; LOOP_RING],
    /// how many of `sent` are filled
    filled: usize,
    /// where the next reply's hash goes
    next: usize,
    /// returns in a row
    streak: u32,
    /// when the last of them came
    last_return: Instant,
    /// dropped as looping until then
    held_until: Option<Instant>,
    /// when the peer was last heard (eviction keeps the recent)
    last_seen: Instant,
}

impl Peer {
    fn holds(&self, h: u64) -> bool {
        self.sent[..self.filled].contains(&h)
    }

    fn held(&self, now: Instant) -> bool {
        self.held_until.is_some_and(|u| now < u)
    }
}

/// The echo-loop detector: a bounded table of peers, each with the short
/// hashes of the last replies sent to it (see the module's comment).
pub struct LoopDetector {
    peers: HashMap<Addr, Peer>,
    seed: u64,
    cap: usize,
}

impl Default for LoopDetector {
    fn default() -> Self {
        Self::new()
    }
}

impl LoopDetector {
    /// A detector holding up to [`MAX_PEERS`] peers, its hash keyed at
    /// random (a forger cannot aim at a hash it does not know).
    pub fn new() -> Self {
        use std::hash::BuildHasher;
        let seed = std::collections::hash_map::RandomState::new().hash_one(0x6e65_746c_6162u64);
        Self::with_capacity(MAX_PEERS, seed)
    }

    /// A detector for at most `cap` peers, with a given hash key (tests).
    pub fn with_capacity(cap: usize, seed: u64) -> Self {
        LoopDetector { peers: HashMap::new(), seed, cap: cap.max(2) }
    }

    /// Peers remembered now.
    pub fn len(&self) -> usize {
        self.peers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.peers.is_empty()
    }

    /// The short hash kept of a datagram.
    pub fn hash(&self, data: &[u8]) -> u64 {
        xxhash_rust::xxh64::xxh64(data, self.seed)
    }

    /// Whether a datagram from `peer` whose hash is `h`, come `now`, is
    /// part of an echo loop and must be dropped.
    pub fn is_looping(&mut self, peer: &Addr, h: u64, now: Instant) -> bool {
        let Some(p) = self.peers.get_mut(peer) else { return false };
        p.last_seen = now;
        let ret = p.holds(h);
        if p.held(now) {
            if ret {
                p.held_until = Some(now + LOOP_HOLD);
                return true;
            }
            // something new: the peer is talking, not echoing
            p.held_until = None;
        }
        if !ret {
            p.streak = 0;
            return false;
        }
        if p.streak > 0 && now.saturating_duration_since(p.last_return) > LOOP_WINDOW {
            p.streak = 0;
        }
        p.streak += 1;
        p.last_return = now;
        if p.streak >= LOOP_HITS {
            p.streak = 0;
            p.held_until = Some(now + LOOP_HOLD);
            return true;
        }
        false
    }

    /// The server sent `peer` a reply whose hash is `h`.
    pub fn replied(&mut self, peer: &Addr, h: u64, now: Instant) {
        if !self.peers.contains_key(peer) && self.peers.len() >= self.cap {
            self.make_room(now);
        }
        let p = self.peers.entry(peer.clone()).or_insert(Peer {
            sent: [0; LOOP_RING],
            filled: 0,
            next: 0,
            streak: 0,
            last_return: now,
            held_until: None,
            last_seen: now,
        });
        p.sent[p.next] = h;
        p.next = (p.next + 1) % LOOP_RING;
        p.filled = (p.filled + 1).min(LOOP_RING);
        p.last_seen = now;
    }

    /// Forget all but half the table: the looping peers first, then the
    /// most recently heard. Sorting once per `cap / 2` new peers keeps the
    /// cost per datagram small however many sources a flood forges.
    fn make_room(&mut self, now: Instant) {
        let mut order: Vec<(Addr, bool, Instant)> =
            self.peers.iter().map(|(a, p)| (a.clone(), p.held(now), p.last_seen)).collect();
        order.sort_unstable_by(|x, y| y.1.cmp(&x.1).then(y.2.cmp(&x.2)));
        for (a, _, _) in order.into_iter().skip(self.cap / 2) {
            self.peers.remove(&a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    fn own(addr: &str) -> Own {
        Own { addr: p(addr), local: vec!["10.1.2.3".parse().unwrap(), "fe80::1".parse().unwrap()], broadcast: vec![] }
    }

    #[test]
    fn small_service_ports_port_zero_and_broadcast_are_refused() {
        let o = own("127.0.0.1:9190");
        for (bad, why) in [
            ("127.0.0.1:7", DropReason::SmallServicePort),
            ("127.0.0.1:13", DropReason::SmallServicePort),
            ("127.0.0.1:17", DropReason::SmallServicePort),
            ("127.0.0.1:19", DropReason::SmallServicePort),
            ("127.0.0.1:37", DropReason::SmallServicePort),
            ("[::1]:17", DropReason::SmallServicePort),
            ("127.0.0.1:0", DropReason::PortZero),
            ("255.255.255.255:5000", DropReason::Broadcast),
            ("224.0.0.1:5000", DropReason::Broadcast),
            ("[ff02::1]:5000", DropReason::Broadcast),
            ("[::ffff:255.255.255.255]:5000", DropReason::Broadcast),
            ("0.0.0.0:5000", DropReason::Broadcast),
        ] {
            assert_eq!(refuse_reply(&p(bad), &o), Some(why), "{bad}");
        }
        let with_bcast = Own { broadcast: vec!["192.168.1.255".parse().unwrap()], ..own("0.0.0.0:9190") };
        assert_eq!(refuse_reply(&p("192.168.1.255:5000"), &with_bcast), Some(DropReason::Broadcast));
        for ok in ["127.0.0.1:5000", "[::1]:5000", "10.0.0.255:5000", "127.0.0.1:9191", "127.0.0.1:8"] {
            assert_eq!(refuse_reply(&p(ok), &o), None, "{ok}");
        }
    }

    #[test]
    fn self_is_the_bound_address_or_any_local_one_on_a_wildcard() {
        // bound to one address: exactly it (another loopback address with
        // the same port is another socket)
        let o = own("127.0.0.1:9190");
        assert!(!o.needs_local(&p("127.0.0.1:9190")));
        assert_eq!(refuse_reply(&p("127.0.0.1:9190"), &o), Some(DropReason::SelfAddress));
        assert_eq!(refuse_reply(&p("[::ffff:127.0.0.1]:9190"), &o), Some(DropReason::SelfAddress));
        assert_eq!(refuse_reply(&p("127.0.0.2:9190"), &o), None);
        assert_eq!(refuse_reply(&p("10.1.2.3:9190"), &o), None);
        // bound to every address: any address of this host, with the port
        for wild in ["0.0.0.0:9190", "[::]:9190"] {
            let o = own(wild);
            for me in [
                "127.0.0.1:9190",
                "127.0.0.2:9190",
                "10.1.2.3:9190",
                "[::1]:9190",
                "[fe80::1]:9190",
                "[::ffff:10.1.2.3]:9190",
            ] {
                assert!(o.needs_local(&p(me)), "{wild} {me}");
                assert_eq!(refuse_reply(&p(me), &o), Some(DropReason::SelfAddress), "{wild} {me}");
            }
            for other in ["10.1.2.4:9190", "127.0.0.1:9191", "[2001:db8::1]:9190"] {
                assert_eq!(refuse_reply(&p(other), &o), None, "{wild} {other}");
            }
        }
        let v6 = own("[::1]:9190");
        assert_eq!(refuse_reply(&p("[::1]:9190"), &v6), Some(DropReason::SelfAddress));
        assert_eq!(refuse_reply(&p("127.0.0.1:9190"), &v6), None);
    }

    /// Feed the detector as the server would: a datagram comes, the
    /// detector says drop or answer; an answer is remembered.
    fn serve(d: &mut LoopDetector, peer: &SocketAddr, data: &[u8], now: Instant) -> bool {
        let peer = &Addr::from(peer);
        let h = d.hash(data);
        if d.is_looping(peer, h, now) {
            return false;
        }
        d.replied(peer, h, now);
        true
    }

    /// Two detectors (two servers) and one datagram between them: how many
    /// each answers before the exchange stops.
    #[test]
    fn two_servers_echoing_one_datagram_stop_after_a_few_round_trips() {
        let (a, b) = (p("127.0.0.1:4000"), p("127.0.0.1:5000"));
        let (mut da, mut db) = (LoopDetector::with_capacity(16, 1), LoopDetector::with_capacity(16, 2));
        let t = Instant::now();
        let mut answered = (0, 0);
        // a gets the forged datagram "from b"; then they answer each other
        for round in 0..1000u32 {
            let now = t + Duration::from_micros(round as u64 * 50);
            if !serve(&mut da, &b, b"forged", now) {
                break;
            }
            answered.0 += 1;
            if !serve(&mut db, &a, b"forged", now) {
                break;
            }
            answered.1 += 1;
        }
        assert_eq!(answered, (LOOP_HITS, LOOP_HITS), "a stops at its {}th return", LOOP_HITS);
    }

    #[test]
    fn a_client_whose_datagrams_are_echoed_back_is_never_flagged() {
        let mut d = LoopDetector::with_capacity(16, 3);
        let c = p("127.0.0.1:40000");
        let t = Instant::now();
        for i in 0..100_000u64 {
            let now = t + Duration::from_nanos(i * 500);
            let mut data = i.to_be_bytes().to_vec();
            data.extend_from_slice(&[0xab; 56]);
            assert!(serve(&mut d, &c, &data, now), "datagram {i} dropped");
        }
    }

    #[test]
    fn the_same_bytes_a_few_times_are_answered_then_a_loop_is_held_until_something_new() {
        let mut d = LoopDetector::with_capacity(16, 4);
        let c = p("127.0.0.1:40000");
        let t = Instant::now();
        let ms = |n: u64| t + Duration::from_millis(n);
        // the first is no return; LOOP_HITS - 1 returns are answered (20
        // pings of the same bytes are, as a test of this repository sends)
        const { assert!(LOOP_HITS > 20) };
        for i in 0..LOOP_HITS as u64 {
            assert!(serve(&mut d, &c, b"again", ms(i)), "{i}");
        }
        // the LOOP_HITS-th return is dropped, and so is every later one
        assert!(!serve(&mut d, &c, b"again", ms(100)));
        assert!(!serve(&mut d, &c, b"again", ms(200)));
        // something new is answered at once, and ends the hold
        assert!(serve(&mut d, &c, b"new", ms(300)));
        assert!(serve(&mut d, &c, b"again", ms(400)));
    }

    #[test]
    fn a_hold_ends_after_loop_hold_without_returns() {
        let mut d = LoopDetector::with_capacity(16, 5);
        let c = p("127.0.0.1:40000");
        let t = Instant::now();
        let mut i = 0;
        while serve(&mut d, &c, b"x", t) {
            i += 1;
            assert!(i < 100);
        }
        // each return during the hold extends it
        assert!(!serve(&mut d, &c, b"x", t + LOOP_HOLD - Duration::from_millis(1)));
        assert!(!serve(&mut d, &c, b"x", t + LOOP_HOLD * 2 - Duration::from_millis(2)));
        // quiet for LOOP_HOLD: answered again, and a new streak starts
        assert!(serve(&mut d, &c, b"x", t + LOOP_HOLD * 4));
    }

    #[test]
    fn returns_further_apart_than_the_window_never_add_up() {
        let mut d = LoopDetector::with_capacity(16, 6);
        let c = p("127.0.0.1:40000");
        let t = Instant::now();
        for i in 0..50u32 {
            let now = t + (LOOP_WINDOW + Duration::from_millis(1)) * i;
            assert!(serve(&mut d, &c, b"every second or so", now), "{i}");
        }
    }

    #[test]
    fn a_loop_of_several_different_datagrams_is_seen() {
        let mut d = LoopDetector::with_capacity(16, 7);
        let c = p("127.0.0.1:40000");
        let t = Instant::now();
        let data: Vec<Vec<u8>> = (0..LOOP_RING as u32).map(|i| i.to_le_bytes().to_vec()).collect();
        let mut answered = 0;
        'out: for round in 0..10 {
            for x in &data {
                if !serve(&mut d, &c, x, t + Duration::from_micros(round)) {
                    break 'out;
                }
                answered += 1;
            }
        }
        assert_eq!(answered, LOOP_RING + LOOP_HITS as usize - 1);
    }

    #[test]
    fn the_table_is_bounded_and_keeps_looping_peers() {
        let mut d = LoopDetector::with_capacity(64, 8);
        let t = Instant::now();
        let looper = p("127.0.0.1:4000");
        while serve(&mut d, &looper, b"loop", t) {}
        for i in 0..10_000u16 {
            let peer = SocketAddr::from(([127, 0, 0, 2], 10_000 + i));
            serve(&mut d, &peer, b"hello", t + Duration::from_micros(i as u64));
            assert!(d.len() <= 64);
        }
        assert!(!serve(&mut d, &looper, b"loop", t + Duration::from_millis(20)), "the looping peer was forgotten");
    }

    /// The help and man page give the detector's figures as written:
    /// they must be these constants.
    #[test]
    fn the_docs_tell_the_detectors_figures() {
        let (_, text) =
            super::super::DOCS.events.iter().find(|(name, _)| *name == "dropped").expect("dropped documented");
        for figure in [
            format!("{LOOP_HITS} times in a row"),
            format!("each within {} s", LOOP_WINDOW.as_secs()),
            format!("quiet for {} s", LOOP_HOLD.as_secs()),
            "at most once a second".to_string(),
        ] {
            assert!(text.contains(&figure), "DOCS lack {figure:?}: {text}");
        }
        assert_eq!(super::super::drops::REPORT_EVERY, Duration::from_secs(1));
        for (port, name) in SMALL_SERVICES {
            assert!(text.contains(&format!("{port} {name}")), "{port} {name}");
        }
    }
}
