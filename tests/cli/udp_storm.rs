//! `netlab udp server` and the UDP echo storm (CERT CA-1996-01): one spoofed
//! datagram from server B's port to server A's must not set two servers
//! echoing to each other forever; the server does not answer source port 0,
//! the small-service ports, its own address, or a peer that keeps sending
//! back exactly what it was sent; and a fast client whose datagrams are
//! merely echoed back is never taken for such a peer.
//!
//! The spoofed datagrams come from a raw IPv4 socket (IPPROTO_RAW: the test
//! writes the IP and UDP headers itself), on 127.0.0.1 only. Without
//! CAP_NET_RAW those tests say SKIPPED and return.

use crate::common::*;
use netlab::commands::udp::DropReason;
use nix::sys::socket::{self as sock, AddressFamily, MsgFlags, SockFlag, SockProtocol, SockType, SockaddrIn};
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

fn udp_server() -> Server {
    Server::start(&["udp", "server", "--bind", "127.0.0.1", "0"])
}

/// A raw IPv4 socket that sends datagrams with any source address and
/// port, or None (said loudly) when this process may not open one.
fn raw_socket(test: &str) -> Option<OwnedFd> {
    match sock::socket(AddressFamily::Inet, SockType::Raw, SockFlag::SOCK_CLOEXEC, SockProtocol::Raw) {
        Ok(fd) => Some(fd),
        Err(e) => {
            eprintln!("SKIPPED {test}: needs CAP_NET_RAW to send a spoofed datagram (socket(AF_INET, SOCK_RAW, IPPROTO_RAW): {e})");
            None
        }
    }
}

/// The IPv4 header checksum (RFC 791: the ones' complement of the ones'
/// complement sum of its 16-bit words). Linux fills it in for IP_HDRINCL
/// anyway; it is computed so the packet is right as written.
fn ip_checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header.chunks(2).map(|w| u32::from(u16::from_be_bytes([w[0], w[1]]))).sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Send one UDP datagram that claims to come from `from`: an IPv4 header
/// and a UDP header built here (UDP checksum 0: none, allowed over IPv4).
fn spoof(raw: &OwnedFd, from: SocketAddrV4, to: SocketAddrV4, payload: &[u8]) {
    let udp_len = 8 + payload.len();
    let total = 20 + udp_len;
    let mut p = Vec::with_capacity(total);
    p.extend_from_slice(&[0x45, 0]); // version 4, IHL 5 words; TOS 0
    p.extend_from_slice(&(total as u16).to_be_bytes());
    p.extend_from_slice(&[0, 0, 0x40, 0, 64, libc::IPPROTO_UDP as u8, 0, 0]); // id, DF, TTL 64, UDP, checksum
    p.extend_from_slice(&from.ip().octets());
    p.extend_from_slice(&to.ip().octets());
    let sum = ip_checksum(&p);
    p[10..12].copy_from_slice(&sum.to_be_bytes());
    p.extend_from_slice(&from.port().to_be_bytes());
    p.extend_from_slice(&to.port().to_be_bytes());
    p.extend_from_slice(&(udp_len as u16).to_be_bytes());
    p.extend_from_slice(&[0, 0]);
    p.extend_from_slice(payload);
    let n = sock::sendto(raw.as_raw_fd(), &p, &SockaddrIn::from(to), MsgFlags::empty()).expect("sendto raw");
    assert_eq!(n, total);
}

fn v4(port: u16) -> SocketAddrV4 {
    SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)
}

/// The server's counters now: SIGUSR1, then the `stats` event it prints
/// (bounded wait): (datagrams received, datagrams dropped, bytes out).
fn stats(s: &Server) -> (u64, u64, u64) {
    let is_stats = |e: &Ev| matches!(e, Ev::Shared(SharedEv::Stats { .. }));
    let before = s.events().iter().filter(|e| is_stats(e)).count();
    s.signal(nix::sys::signal::Signal::SIGUSR1);
    s.wait_count("stats", before + 1, 10, is_stats);
    match s.events().into_iter().filter(is_stats).nth(before) {
        Some(Ev::Shared(SharedEv::Stats { datagrams, dropped, bytes_out, .. })) => {
            (datagrams.unwrap_or(0), dropped.unwrap_or(0), bytes_out)
        }
        other => panic!("no stats: {other:?}"),
    }
}

/// Every `dropped` event so far: (peer, reason, count).
fn drops(evs: &[Ev]) -> Vec<(String, DropReason, u64)> {
    evs.iter()
        .filter_map(|e| match e {
            Ev::Udp(UdpEv::Dropped { peer, reason, count, .. }) => Some((peer.clone(), *reason, *count)),
            _ => None,
        })
        .collect()
}

/// A `netlab --json udp server` on 127.0.0.1 whose stdout is a file, not a
/// pipe: however much a storm makes it print, it never waits for a reader
/// (a server blocked on its stdout would look quiet). Killed on drop.
struct FileServer {
    child: std::process::Child,
    port: u16,
    dir: TempDir,
}

impl FileServer {
    fn start() -> FileServer {
        let dir = TempDir::new("udp-storm");
        let out = std::fs::File::create(dir.path("stdout")).unwrap();
        let err = std::fs::File::create(dir.path("stderr")).unwrap();
        let child = netlab()
            .args(["--json", "udp", "server", "--bind", "127.0.0.1", "0"])
            .stdin(std::process::Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("spawn netlab");
        let mut s = FileServer { child, port: 0, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        s.port = loop {
            if let Some(Ev::Shared(SharedEv::Listening { port: Some(port), .. })) = s.events().first() {
                break *port;
            }
            assert!(Instant::now() < deadline, "no listening event; stderr: {}", s.stderr());
            std::thread::sleep(Duration::from_millis(5));
        };
        s
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path("stderr")).unwrap_or_default()
    }

    /// The whole lines written so far (a line being written is left out).
    fn lines(&self) -> Vec<String> {
        let text = std::fs::read_to_string(self.dir.path("stdout")).unwrap_or_default();
        let whole = text.rfind('\n').map_or("", |i| &text[..=i]);
        whole.lines().map(str::to_string).collect()
    }

    fn events(&self) -> Vec<Ev> {
        parse_events(&self.lines().join("\n"))
    }

    /// SIGUSR1, then the `stats` event it brings (bounded wait): datagrams
    /// received and dropped.
    fn stats(&self) -> (u64, u64) {
        let is_stats = |l: &String| l.starts_with(r#"{"event":"stats""#);
        let before = self.lines().iter().filter(|l| is_stats(l)).count();
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.child.id() as i32), nix::sys::signal::Signal::SIGUSR1)
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(l) = self.lines().into_iter().filter(is_stats).nth(before) {
                match serde_json::from_str::<Ev>(&l) {
                    Ok(Ev::Shared(SharedEv::Stats { datagrams, dropped, .. })) => {
                        return (datagrams.unwrap_or(0), dropped.unwrap_or(0));
                    }
                    other => panic!("not stats: {l}: {other:?}"),
                }
            }
            assert!(Instant::now() < deadline, "no stats within 10 s; stderr: {}", self.stderr());
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// SIGINT; exit 0 with a `stopped` event last (bounded wait).
    fn stop(mut self) -> Vec<Ev> {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.child.id() as i32), nix::sys::signal::Signal::SIGINT)
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                break st;
            }
            assert!(Instant::now() < deadline, "server did not stop within 10 s");
            std::thread::sleep(Duration::from_millis(5));
        };
        assert_eq!(status.code(), Some(0), "{}", self.stderr());
        let evs = self.events();
        assert!(matches!(evs.last(), Some(Ev::Shared(SharedEv::Stopped { .. }))), "{:?}", evs.last());
        evs
    }
}

impl Drop for FileServer {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The issue's fault: two servers, one spoofed datagram from B's port to
/// A's. Before the fix they echoed it to each other forever (33,573
/// datagrams each in 2 s). Now the exchange must die out within 1 s: the
/// counters of both, read about every 25 ms for 1.5 s, must stop growing
/// before 1 s; then each server still echoes an ordinary client's datagram.
#[test]
fn one_spoofed_datagram_between_two_servers_dies_out_within_a_second() {
    let test = "udp_storm::one_spoofed_datagram_between_two_servers_dies_out_within_a_second";
    let Some(raw) = raw_socket(test) else { return };
    let _serial = exclusive();
    let (a, b) = (FileServer::start(), FileServer::start());
    let t0 = Instant::now();
    spoof(&raw, v4(b.port), v4(a.port), b"storm seed");
    // (time of the look, A's datagrams, B's): a `stats` counts what the
    // server had received when the signal came
    let mut samples = Vec::new();
    while t0.elapsed() < Duration::from_millis(1500) {
        let at = t0.elapsed();
        let (ta, tb) = (a.stats(), b.stats());
        samples.push((at, ta.0, tb.0));
        std::thread::sleep(Duration::from_millis(20));
    }
    let &(_, last_a, last_b) = samples.last().expect("samples");
    // the time of the first look from which the counters never moved again
    let quiet_from = samples
        .iter()
        .rev()
        .take_while(|(_, x, y)| (*x, *y) == (last_a, last_b))
        .last()
        .map(|(t, _, _)| *t)
        .expect("a sample");
    eprintln!(
        "FIGURE udp storm: one spoofed datagram between two servers: A received {last_a}, B received {last_b}; \
         no more from the look {} ms after the spoof on (looks at {:?} ms, …; {} looks over 1.5 s)",
        quiet_from.as_millis(),
        samples.iter().take(3).map(|s| s.0.as_millis()).collect::<Vec<_>>(),
        samples.len()
    );
    assert!(last_a >= 1, "the spoofed datagram never reached A: {samples:?}");
    assert!(last_b >= 1, "A did not answer the spoofed datagram at all (B got nothing): {samples:?}");
    assert!(quiet_from < Duration::from_secs(1), "still echoing after 1 s: {samples:?}");
    assert!(
        samples.iter().filter(|(t, _, _)| *t >= Duration::from_secs(1)).count() >= 5,
        "too few looks after 1 s to call it quiet: {samples:?}"
    );
    // both still serve an ordinary client
    for port in [a.port, b.port] {
        let o = run(&["udp", "client", "-m", "still there?", "127.0.0.1", &port.to_string()], b"");
        assert_exit(&o, 0);
    }
    let peers = [format!("127.0.0.1:{}", a.port), format!("127.0.0.1:{}", b.port)];
    let (ea, eb) = (a.stop(), b.stop());
    let loops: Vec<_> = drops(&ea).into_iter().chain(drops(&eb)).filter(|d| d.1 == DropReason::EchoLoop).collect();
    assert!(!loops.is_empty(), "neither server said it dropped an echo loop: A {ea:?}\nB {eb:?}");
    assert!(loops.iter().all(|d| peers.contains(&d.0)), "{loops:?}");
}

/// A datagram whose source is the server's own address and port: a reply
/// would come straight back to it. Dropped at once (`self`), never echoed.
#[test]
fn a_datagram_from_the_servers_own_address_is_dropped() {
    let test = "udp_storm::a_datagram_from_the_servers_own_address_is_dropped";
    let Some(raw) = raw_socket(test) else { return };
    let s = udp_server();
    spoof(&raw, v4(s.port), v4(s.port), b"me to me");
    s.wait_for("dropped", 10, |e| matches!(e, Ev::Udp(UdpEv::Dropped { .. })));
    std::thread::sleep(Duration::from_millis(200));
    let (datagrams, dropped, bytes_out) = stats(&s);
    assert_eq!((datagrams, dropped, bytes_out), (1, 1, 0));
    let me = format!("127.0.0.1:{}", s.port);
    let evs = s.stop();
    assert_eq!(drops(&evs), vec![(me, DropReason::SelfAddress, 1)]);
    assert!(
        matches!(
            evs.last(),
            Some(Ev::Shared(SharedEv::Stopped { datagrams: Some(1), dropped: Some(1), bytes_out: 0, .. }))
        ),
        "{evs:?}"
    );
}

/// Source port 0 and the small services that answer datagrams (echo 7,
/// daytime 13, qotd 17, chargen 19, time 37) get no reply: each is a
/// `dropped` event with its reason, and nothing is sent.
#[test]
fn port_zero_and_small_service_ports_get_no_reply() {
    let test = "udp_storm::port_zero_and_small_service_ports_get_no_reply";
    let Some(raw) = raw_socket(test) else { return };
    let s = udp_server();
    let ports = [0u16, 7, 13, 17, 19, 37];
    for p in ports {
        spoof(&raw, v4(p), v4(s.port), b"ping");
    }
    s.wait_count("dropped", ports.len(), 10, |e| matches!(e, Ev::Udp(UdpEv::Dropped { .. })));
    let evs = s.stop();
    let mut got = drops(&evs);
    got.sort_by_key(|d| d.0.rsplit(':').next().and_then(|p| p.parse::<u16>().ok()));
    let want: Vec<_> = ports
        .iter()
        .map(|&p| {
            let reason = if p == 0 { DropReason::PortZero } else { DropReason::SmallServicePort };
            (format!("127.0.0.1:{p}"), reason, 1)
        })
        .collect();
    assert_eq!(got, want);
    assert!(
        matches!(
            evs.last(),
            Some(Ev::Shared(SharedEv::Stopped { datagrams: Some(6), dropped: Some(6), bytes_out: 0, .. }))
        ),
        "{evs:?}"
    );
}

/// A flood from one refused source is told once and then counted: the
/// `dropped` events of one peer come at most once a second, and their
/// counts add up to every datagram dropped (the last count is told at
/// the latest when the server stops).
#[test]
fn drops_from_one_peer_are_counted_not_each_told() {
    let test = "udp_storm::drops_from_one_peer_are_counted_not_each_told";
    let Some(raw) = raw_socket(test) else { return };
    let s = udp_server();
    let n = 2000u64;
    let t0 = Instant::now();
    // in bursts of 100 (what the socket's receive buffer surely holds), the
    // next once the server has counted the last in, or its count has stood
    // still for 5 looks (a `stats` counts what came before the signal)
    let mut seen = 0;
    for burst in 0..n / 100 {
        for i in 0..100 {
            spoof(&raw, v4(19), v4(s.port), &(burst * 100 + i).to_be_bytes());
        }
        let mut still = 0;
        while seen < (burst + 1) * 100 && still < 5 {
            let now = stats(&s).0;
            still = if now == seen { still + 1 } else { 0 };
            seen = now;
        }
    }
    let took = t0.elapsed();
    let evs = s.stop();
    let Some(Ev::Shared(SharedEv::Stopped { datagrams: Some(datagrams), dropped, bytes_out, .. })) = evs.last() else {
        panic!("{:?}", evs.last())
    };
    let datagrams = *datagrams;
    assert!(datagrams > n * 9 / 10, "only {datagrams} of {n} reached the server");
    assert_eq!((*dropped, *bytes_out), (Some(datagrams), 0));
    let told = drops(&evs);
    let sum: u64 = told.iter().map(|d| d.2).sum();
    eprintln!(
        "FIGURE udp storm: {datagrams} datagrams from chargen's port in {} ms, told in {} dropped events",
        took.as_millis(),
        told.len()
    );
    assert_eq!(sum, datagrams, "{told:?}");
    // the first at once, one a second after, the rest when it stops
    let most = 2 + took.as_secs() as usize + 1;
    assert!(told.len() <= most, "one peer's drops were told {} times in {took:?}: {told:?}", told.len());
}

/// Send `n` distinct datagrams (a sequence number, then filler) from one
/// socket as fast as their echoes come back, `window` in flight: how many
/// came back, each checked. Bounded: 60 s in all, 500 ms per wait.
fn windowed_stream(server: std::net::SocketAddr, n: u64, window: u64) -> u64 {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut next, mut in_flight, mut echoed) = (0u64, 0u64, 0u64);
    let mut buf = [0u8; 128];
    while (next < n || in_flight > 0) && Instant::now() < deadline {
        while in_flight < window && next < n {
            let mut d = next.to_be_bytes().to_vec();
            d.extend_from_slice(&[0x5a; 56]);
            sock.send_to(&d, server).unwrap();
            next += 1;
            in_flight += 1;
        }
        match sock.recv_from(&mut buf) {
            Ok((64, from)) if from == server => {
                let seq = u64::from_be_bytes(buf[..8].try_into().unwrap());
                assert!(seq < next && buf[8..64].iter().all(|&b| b == 0x5a), "a wrong echo");
                echoed += 1;
                in_flight -= 1;
            }
            Ok(other) => panic!("unexpected reply {other:?}"),
            // lost on the way: stop waiting for those
            Err(_) => in_flight = 0,
        }
    }
    echoed
}

/// The sender side is not the echoing side: a client sending 100,000
/// distinct datagrams as fast as it can, each echoed back to it, is never
/// dropped. Twice: `netlab udp client --count 100000 --interval 0` (which
/// does not wait for replies, so the kernel drops what the server cannot
/// take in time: loss, not drops), then a test socket keeping 64 in flight,
/// all of which must come back.
#[test]
fn a_fast_client_with_distinct_datagrams_is_never_dropped() {
    let _serial = exclusive();
    let s = udp_server();
    let t0 = Instant::now();
    let o = run(
        &["--json", "udp", "client", "--count", "100000", "--interval", "0", "127.0.0.1", &s.port.to_string()],
        b"",
    );
    let took = t0.elapsed();
    assert_exit(&o, 0);
    let received = events(&o)
        .into_iter()
        .find_map(|e| match e {
            Ev::Shared(SharedEv::Summary(Summary::Udp { sent, received, corrupt, .. })) => {
                assert_eq!((sent, corrupt), (100_000, 0));
                Some(received)
            }
            _ => None,
        })
        .expect("summary");
    let (reached, dropped, _) = stats(&s);
    eprintln!(
        "FIGURE udp storm: netlab udp client --count 100000 --interval 0 sent in {} ms: {reached} reached the \
         server, {dropped} dropped, {received} echoed back",
        took.as_millis()
    );
    assert_eq!(dropped, 0);
    let t1 = Instant::now();
    let echoed = windowed_stream(s.addr(), 100_000, 64);
    let took = t1.elapsed();
    let (datagrams, dropped, _) = stats(&s);
    eprintln!(
        "FIGURE udp storm: 100,000 distinct datagrams, 64 in flight, in {} ms: {echoed} echoed back, {} dropped",
        took.as_millis(),
        dropped
    );
    assert_eq!(echoed, 100_000);
    assert_eq!((datagrams, dropped), (reached + 100_000, 0));
    let evs = s.stop();
    assert!(drops(&evs).is_empty(), "{:?}", drops(&evs));
    assert!(matches!(evs.last(), Some(Ev::Shared(SharedEv::Stopped { dropped: None, .. }))), "{:?}", evs.last());
    // what reached the server was echoed: no datagram event says otherwise
    let not_echoed = evs.iter().filter(|e| matches!(e, Ev::Udp(UdpEv::Datagram { replied: false, .. }))).count();
    assert_eq!(not_echoed, 0);
}

/// A client that sends the same line again and again from one socket, each
/// after its echo (a student typing it, a test pinging `ping` 20 times),
/// gets each echoed: a repeat is not a loop until it has come back
/// LOOP_HITS (32) times in a row.
#[test]
fn the_same_message_twenty_times_is_still_echoed() {
    let s = udp_server();
    let mut args = vec!["udp", "client"];
    for _ in 0..20 {
        args.extend(["-m", "same again"]);
    }
    let port = s.port.to_string();
    args.extend(["127.0.0.1", &port]);
    let o = run(&args, b"");
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), "Message from server: same again\n".repeat(20));
    let evs = s.stop();
    assert!(drops(&evs).is_empty(), "{:?}", drops(&evs));
}

/// A peer that echoes the server's replies back, from an ordinary socket:
/// after a few round trips it is dropped as an echo loop, and one new,
/// different datagram from it is answered again.
#[test]
fn a_peer_echoing_replies_back_is_dropped_until_it_says_something_new() {
    let s = udp_server();
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
    peer.send_to(b"round and round", s.addr()).unwrap();
    let mut buf = [0u8; 64];
    let mut answered = 0;
    // bounded: at most 100 round trips
    for _ in 0..100 {
        let Ok((n, _)) = peer.recv_from(&mut buf) else { break };
        answered += 1;
        peer.send_to(&buf[..n], s.addr()).unwrap();
    }
    assert!((2..100).contains(&answered), "answered {answered} round trips");
    s.wait_for("dropped", 10, |e| matches!(e, Ev::Udp(UdpEv::Dropped { reason: DropReason::EchoLoop, .. })));
    peer.send_to(b"something new", s.addr()).unwrap();
    let (n, _) = peer.recv_from(&mut buf).expect("a new datagram is answered");
    assert_eq!(&buf[..n], b"something new");
    eprintln!("FIGURE udp storm: a peer echoing replies back was answered {answered} times, then dropped");
    s.stop();
}

/// The trade-off the loop detector makes, said where a user meets it: a
/// client that sends one payload over and over, each time its echo is
/// back, is taken for an echo loop after LOOP_HITS returns (from one side
/// the two look the same). netlab's own client then says so instead of
/// asking whether a server listens; the server carries on serving others.
#[test]
fn a_client_repeating_one_payload_is_told_why_the_replies_stopped() {
    let s = udp_server();
    let port = s.port.to_string();
    let hits = netlab::commands::udp::storm::LOOP_HITS as usize;
    let mut args: Vec<&str> = vec!["udp", "client", "--timeout", "300"];
    for _ in 0..hits + 3 {
        args.extend(["-m", "same"]);
    }
    args.extend(["127.0.0.1", &port]);
    let o = run(&args, b"");
    assert_exit(&o, 1);
    let err = stderr(&o);
    assert!(err.contains("same payload") && err.contains("echo loop"), "{err}");
    // every reply before the detector's threshold came back
    assert_eq!(stdout(&o).matches("Message from server: same").count(), hits, "{}", stdout(&o));
    // another client is answered as ever
    let o = run(&["udp", "client", "-m", "different", "127.0.0.1", &port], b"");
    assert_exit(&o, 0);
    let evs = s.stop();
    assert!(drops(&evs).iter().any(|d| d.1 == DropReason::EchoLoop), "{evs:?}");
}
