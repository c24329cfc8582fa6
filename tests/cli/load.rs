//! echo-client's load mode for an engineer measuring a server: the open
//! loop (`--rate`), several event loops (`--threads`), `--interval`
//! reports with TCP_INFO, `--percentiles`. Real processes on 127.0.0.1,
//! port 0; the only timing asserted is the stall experiment's, with
//! generous bounds.

use crate::common::*;
use crate::models::start;
use netlab::commands::echo_client::Event as ClientEv;
use netlab::events::Percentiles;
use nix::sys::signal::Signal;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// The fields of a load summary the tests look at.
#[derive(Debug)]
struct Load {
    requests: u64,
    errors: u64,
    mismatches: u64,
    unfinished: u64,
    abandoned: u64,
    not_sent: u64,
    threads: u64,
    duration_s: f64,
    target_rps: Option<f64>,
    rate_met: Option<bool>,
    latency_p99_us: Option<u64>,
    latency_us: Option<Percentiles>,
    service_us: Option<Percentiles>,
    retransmits: u64,
    rtt_us: Option<u64>,
}

fn load(o: &std::process::Output) -> Load {
    let s = events(o)
        .into_iter()
        .find_map(|e| match e {
            Ev::Shared(SharedEv::Summary(s @ Summary::Load { .. })) => Some(s),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no load summary:\n{}\n{}", stdout(o), stderr(o)));
    let Summary::Load {
        requests,
        errors,
        mismatches,
        unfinished,
        abandoned,
        not_sent,
        threads,
        duration_s,
        target_rps,
        rate_met,
        latency_p99_us,
        latency_us,
        service_us,
        retransmits,
        rtt_us,
        ..
    } = s
    else {
        unreachable!()
    };
    Load {
        requests,
        errors,
        mismatches,
        unfinished,
        abandoned,
        not_sent,
        threads,
        duration_s,
        target_rps,
        rate_met,
        latency_p99_us,
        latency_us,
        service_us,
        retransmits,
        rtt_us,
    }
}

/// The `interval` events of a run.
fn intervals(o: &std::process::Output) -> Vec<ClientEv> {
    events(o).into_iter().filter_map(|e| if let Ev::EchoClient(i) = e { Some(i) } else { None }).collect()
}

fn client(args: &[&str], port: u16) -> std::process::Output {
    let port = port.to_string();
    let mut a = vec!["--json", "echo-client"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["127.0.0.1", &port]);
    run(&a, b"")
}

fn bytes_in(evs: &[Ev]) -> u64 {
    match evs.last() {
        Some(Ev::Shared(SharedEv::Stopped { bytes_in, .. })) => *bytes_in,
        other => panic!("no stopped event: {other:?}"),
    }
}

#[test]
fn open_loop_sends_every_request_on_its_schedule() {
    let s = start("epoll", &[]);
    let o = client(&["--connections", "4", "--rate", "200", "--requests", "100"], s.port);
    assert_exit(&o, 0);
    let l = load(&o);
    assert_eq!((l.requests, l.errors, l.mismatches, l.unfinished, l.abandoned), (100, 0, 0, 0, 0), "{l:?}");
    assert_eq!(l.target_rps, Some(200.0));
    assert!(l.rate_met.is_some(), "{l:?}");
    // request 99 is due 99/200 s after the start: the run cannot be shorter
    assert!(l.duration_s >= 0.45, "{l:?}");
    let lat = l.latency_us.clone().expect("latency measured");
    let keys: Vec<&str> = lat.0.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["p50", "p90", "p99", "p99.9", "max"]);
    let service = l.service_us.clone().expect("service time measured");
    // a request cannot come back before it was sent, nor be sent before it was due
    assert!(service.get("p50").unwrap() <= lat.get("max").unwrap());
    assert!(l.rtt_us.is_some_and(|r| r > 0), "TCP_INFO read: {l:?}");
    s.wait_count("closed", 4, 10, |e| matches!(e, Ev::EchoServer(ServerEv::Closed { .. })));
    assert_eq!(bytes_in(&s.stop()), 100 * 64, "the server saw every request once");
    // the text says which rate was asked for and what came of it
    let s = start("epoll", &[]);
    let t = run(&["echo-client", "--rate", "500", "--requests", "50", "127.0.0.1", &s.port.to_string()], b"");
    assert_exit(&t, 0);
    let text = stdout(&t);
    assert!(text.contains("rate: target 500/s, achieved "), "{text}");
    assert!(text.contains("\nservice us: p50 "), "{text}");
    assert!(text.contains("\ntcp: rtt "), "{text}");
    s.stop();
}

/// A server that echoes with one thread per connection, except that it
/// stalls for 300 ms once a second (from 0.5 s to 0.8 s of each second
/// since it started): anything that arrives then is echoed at the end of
/// the stall. It serves `n` connections, then stops.
fn stalling_server(n: usize) -> (SocketAddr, std::thread::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let epoch = Instant::now();
    let h = std::thread::spawn(move || {
        let mut workers = Vec::new();
        for c in l.incoming().take(n) {
            let mut c = c.unwrap();
            // (without it, Nagle holds each echo until the next request
            // brings the ACK of the one before: a 5 ms median)
            let _ = c.set_nodelay(true);
            workers.push(std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                loop {
                    let n = match c.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    let phase = epoch.elapsed().as_millis() % 1000;
                    if (500..800).contains(&phase) {
                        std::thread::sleep(Duration::from_millis((800 - phase) as u64));
                    }
                    if c.write_all(&buf[..n]).is_err() {
                        return;
                    }
                }
            }));
        }
        for w in workers {
            let _ = w.join();
        }
    });
    (addr, h)
}

/// Coordinated omission, measured: against a server that stalls 300 ms
/// once a second, the open loop's latency (from each request's intended
/// send time) shows the stall at p99, while the median service time does
/// not. A closed loop over the same server hides it: it stops sending
/// while it waits, so the stall is a few samples among many.
#[test]
fn open_loop_latency_shows_a_stall_that_service_time_and_a_closed_loop_hide() {
    let _serial = exclusive();
    let (addr, h) = stalling_server(20);
    let o = client(&["--connections", "10", "--rate", "2000", "--duration", "2.5", "--timeout", "5"], addr.port());
    assert_exit(&o, 0);
    let l = load(&o);
    let (lat, service) = (l.latency_us.clone().expect("latency"), l.service_us.clone().expect("service"));
    let p99 = lat.get("p99").unwrap();
    let service_p50 = service.get("p50").unwrap();
    let closed = client(&["--connections", "10", "--duration", "2.5", "--timeout", "5"], addr.port());
    assert_exit(&closed, 0);
    let c = load(&closed);
    eprintln!(
        "FIGURE stall: open loop --rate 2000: {} requests, latency {lat}, service {service}; closed loop: {} requests, p99 {:?} us",
        l.requests,
        c.requests,
        c.latency_p99_us
    );
    assert_eq!((l.errors, l.mismatches, l.unfinished), (0, 0, 0), "{l:?}");
    assert!(p99 >= 100_000, "the corrected p99 shows the 300 ms stall: {lat}");
    assert!(p99 <= 2_000_000, "and is about its size: {lat}");
    assert!(service_p50 < 100_000, "the median service time does not: {service}");
    assert!(service_p50 < p99);
    h.join().unwrap();
}

#[test]
fn threads_share_the_connections_and_their_counts_add_up() {
    let _serial = exclusive();
    let s = start("epoll", &[]);
    let o = client(&["--connections", "6", "--threads", "3", "--size", "1000", "--requests", "3000"], s.port);
    assert_exit(&o, 0);
    let l = load(&o);
    assert_eq!((l.requests, l.errors, l.threads), (3000, 0, 3), "{l:?}");
    let o = client(&["--connections", "5", "--threads", "2", "--rate", "2000", "--requests", "301"], s.port);
    assert_exit(&o, 0);
    let l = load(&o);
    assert_eq!((l.requests, l.errors, l.threads), (301, 0, 2), "{l:?}");
    s.wait_count("closed", 11, 10, |e| matches!(e, Ev::EchoServer(ServerEv::Closed { .. })));
    assert_eq!(bytes_in(&s.stop()), 3000 * 1000 + 301 * 64, "the server saw each request once");
}

#[test]
fn ctrl_c_ends_a_threaded_run_with_its_summary() {
    use std::io::BufRead;
    let s = start("epoll", &[]);
    let port = s.port.to_string();
    for extra in [&[][..], &["--rate", "1000"]] {
        let mut args = vec!["--json", "echo-client", "--connections", "4", "--threads", "2", "--duration", "60"];
        args.extend_from_slice(&["--interval", "0.05"]);
        args.extend_from_slice(extra);
        args.extend_from_slice(&["127.0.0.1", &port]);
        let mut child = netlab()
            .args(&args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // the run is under way once an interval with requests in it is out
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = Vec::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            let busy = matches!(parse_events(&line).first(), Some(Ev::EchoClient(ClientEv::Interval { requests, .. })) if *requests > 0);
            seen.push(line);
            if busy {
                break;
            }
        }
        let t0 = Instant::now();
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
        seen.extend(lines.map(|l| l.unwrap()));
        let o = child.wait_with_output().unwrap();
        assert!(t0.elapsed() < Duration::from_secs(10), "SIGINT took {:?}", t0.elapsed());
        assert_exit(&o, 0);
        let o = std::process::Output { stdout: (seen.join("\n") + "\n").into_bytes(), ..o };
        let l = load(&o);
        assert!(l.requests > 0 && l.errors == 0 && l.mismatches == 0 && l.threads == 2, "{extra:?}: {l:?}");
        assert!(l.duration_s < 30.0, "{l:?}");
    }
    s.stop();
}

/// Intervals add up to the summary, each with the kernel's view of the
/// live connections; the text is one line per interval.
#[test]
fn intervals_report_tcp_info_and_add_up_to_the_summary() {
    let _serial = exclusive();
    let s = start("epoll", &[]);
    for extra in [&["--requests", "4000"][..], &["--rate", "2000", "--duration", "0.5"]] {
        let mut args = vec!["--connections", "4", "--threads", "2", "--interval", "0.1", "--percentiles", "50,99"];
        args.extend_from_slice(extra);
        let o = client(&args, s.port);
        assert_exit(&o, 0);
        let l = load(&o);
        let iv = intervals(&o);
        assert!(!iv.is_empty(), "{}", stdout(&o));
        let (mut requests, mut retrans, mut last_end) = (0, 0, 0.0);
        for ClientEv::Interval {
            start_s,
            end_s,
            requests: r,
            retransmits,
            connections,
            rtt_us,
            snd_cwnd,
            latency_us,
            ..
        } in &iv
        {
            assert!(*start_s >= last_end - 1e-9 && end_s >= start_s, "{iv:?}");
            last_end = *end_s;
            requests += r;
            retrans += retransmits;
            if *connections > 0 {
                assert!(rtt_us.is_some_and(|r| r > 0) && snd_cwnd.is_some_and(|c| c > 0.0), "{iv:?}");
            }
            if let Some(lat) = latency_us {
                let keys: Vec<&str> = lat.0.iter().map(|(k, _)| k.as_str()).collect();
                assert_eq!(keys, ["p50", "p99", "max"]);
            }
        }
        assert_eq!(requests, l.requests, "{extra:?}: the intervals add up to the summary");
        assert_eq!(retrans, l.retransmits);
    }
    let t = run(
        &[
            "echo-client",
            "--connections",
            "2",
            "--interval",
            "0.1",
            "--duration",
            "0.35",
            "127.0.0.1",
            &s.port.to_string(),
        ],
        b"",
    );
    assert_exit(&t, 0);
    let text = stdout(&t);
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("interval ")).collect();
    assert!(!lines.is_empty(), "{text}");
    for l in &lines {
        assert!(l.contains(" requests, ") && l.contains(", rtt ") && l.contains(" retransmits "), "{l}");
        assert!(l.contains(", cpu "), "{l}");
    }
    assert!(text.contains("\nsummary: "), "{text}");
    s.stop();
}

#[test]
fn percentiles_are_the_ones_asked_for_in_order() {
    let s = start("epoll", &[]);
    let o = client(&["--connections", "2", "--requests", "500", "--percentiles", "99.99,p50,99%"], s.port);
    assert_exit(&o, 0);
    let lat = load(&o).latency_us.expect("latency");
    let keys: Vec<&str> = lat.0.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["p50", "p99", "p99.99", "max"]);
    assert!(lat.0.windows(2).all(|w| w[0].1 <= w[1].1), "{lat}");
    // the JSON is an object in that order
    let line = stdout(&o).lines().find(|l| l.contains(r#""event":"summary""#)).unwrap_or_default().to_string();
    let at = line.find(r#""latency_us":{"#).expect("latency_us");
    let obj = &line[at..at + line[at..].find('}').unwrap()];
    assert!(obj.contains(r#"{"p50":"#) && obj.find("p99.99") < obj.find("max"), "{line}");
    let t = run(
        &[
            "echo-client",
            "--connections",
            "1",
            "--requests",
            "50",
            "--percentiles",
            "50,90",
            "127.0.0.1",
            &s.port.to_string(),
        ],
        b"",
    );
    assert_exit(&t, 0);
    assert!(stdout(&t)
        .lines()
        .any(|l| l.starts_with("latency us: p50 ") && l.contains(" p90 ") && l.contains(" max ")));
    s.stop();
}

/// A rate no client reaches (ten million requests a second): the summary
/// says rate_met false, a warning says so, and the run still succeeds.
#[test]
fn a_rate_not_met_is_said() {
    let s = start("epoll", &[]);
    let o = client(&["--connections", "2", "--rate", "10000000", "--requests", "20000"], s.port);
    assert_exit(&o, 0);
    let l = load(&o);
    assert_eq!((l.requests, l.rate_met), (20000, Some(false)), "{l:?}");
    assert!(stderr(&o).contains("of the --rate 10000000"), "{}", stderr(&o));
    s.stop();
}

/// An open loop lasts its --duration, however soon its echoes are back,
/// and its rate is requests over that span: `--rate 4 --duration 1.5` is
/// 6 requests (due at 0, 0.25 … 1.25 s) in 1.5 s, 4/s, the rate met (the
/// run once ended at the last echo, 1.25 s, and claimed 4.8/s; at
/// `--rate 0.5` one request in a millisecond, 1000/s).
#[test]
fn an_open_loop_lasts_its_duration_and_its_rate_is_over_that_span() {
    let s = start("epoll", &[]);
    let o = client(&["--connections", "1", "--rate", "4", "--duration", "1.5"], s.port);
    assert_exit(&o, 0);
    let l = load(&o);
    assert_eq!((l.requests, l.not_sent, l.unfinished, l.rate_met), (6, 0, 0, Some(true)), "{l:?}");
    assert!(l.duration_s >= 1.5, "the run is the schedule's span: {l:?}");
    let rps = stdout(&o).lines().find_map(|line| {
        let v: serde_json::Value = serde_json::from_str(line).ok()?;
        (v["event"] == "summary").then(|| v["rps"].as_f64()).flatten()
    });
    assert!(rps.is_some_and(|r| r <= 4.0), "6 requests over at least 1.5 s: {rps:?}");
    s.stop();
}

/// A rate no client and server here can keep: the run still ends at
/// --duration plus the drain of what was written, exit 0 (a rate not met
/// is a finding, not a failure), and the requests that fell behind the
/// schedule are counted as never sent instead of being sent after the end
/// (which once left a backlog the grace period cut short: exit 1, by
/// chance).
#[test]
fn an_overloaded_open_loop_ends_at_its_duration_with_exit_0() {
    let s = start("epoll", &[]);
    let o = client(&["--connections", "2", "--rate", "10000000", "--duration", "0.5"], s.port);
    assert_exit(&o, 0);
    let l = load(&o);
    assert_eq!((l.unfinished, l.errors, l.mismatches, l.rate_met), (0, 0, 0, Some(false)), "{l:?}");
    assert!(l.not_sent > 0, "10M/s cannot all go out: {l:?}");
    assert!(l.requests + l.not_sent <= 5_000_000, "no more than were due in 0.5 s: {l:?}");
    assert!(stderr(&o).contains("of the --rate 10000000"), "{}", stderr(&o));
    s.stop();
}

/// An open loop against a server that corrupts one byte: the connection
/// is given up, the requests queued on it are abandoned, the next ones go
/// out on a new connection, and every request is accounted for.
#[test]
fn an_open_loop_mismatch_abandons_the_queue_and_carries_on() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        for (i, c) in l.incoming().take(2).enumerate() {
            let mut c = c.unwrap();
            std::thread::spawn(move || {
                let (mut buf, mut total) = ([0u8; 4096], 0usize);
                while let Ok(n) = c.read(&mut buf) {
                    if n == 0 {
                        return;
                    }
                    // the first connection's byte 5000 comes back flipped
                    if i == 0 && (total..total + n).contains(&5000) {
                        buf[5000 - total] ^= 0x40;
                    }
                    total += n;
                    if c.write_all(&buf[..n]).is_err() {
                        return;
                    }
                }
            });
        }
    });
    let o = client(&["--connections", "1", "--size", "1000", "--rate", "400", "--requests", "20"], port);
    assert_exit(&o, 3);
    let r = load(&o);
    assert_eq!(r.mismatches, 1, "{r:?}");
    assert!(r.requests >= 5, "requests 1..5 are fine: {r:?}");
    assert_eq!(r.requests + r.errors + r.mismatches + r.abandoned + r.unfinished, 20, "{r:?}");
    h.join().unwrap();
}

#[test]
fn bad_load_flags_are_one_line_exit_2() {
    for (args, want) in [
        (&["--rate", "0"][..], "the rate must be above 0"),
        (&["--percentiles", "101"], "'101' is not a percentile: each is above 0 and at most 100"),
        (&["--percentiles", "50,,99"], "empty entry"),
        (&["--threads", "0"], "'--threads <N>': must be at least 1"),
        (&["--threads", "3", "--connections", "2"], "--threads 3 is more than --connections 2"),
        (&["--rate", "100", "--reconnect"], "--rate does not combine with --reconnect"),
        (&["--interval", "0"], "the number of seconds must be above 0"),
    ] {
        let mut a = vec!["echo-client"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["127.0.0.1", "9"]);
        let o = run(&a, b"");
        assert_exit(&o, 2);
        let err = stderr(&o);
        let lines: Vec<&str> = err.lines().collect();
        assert!(lines[0].starts_with("netlab: echo-client: ") && lines[0].contains(want), "{args:?}: {err}");
        assert!(lines.len() == 1 || (lines.len() == 2 && lines[1].starts_with("hint: ")), "{args:?}: {err}");
    }
}

/// --trace narrates what the new figures cost: TCP_INFO, the CPU reading,
/// the open loop's precise waits and timer slack, the threads.
#[test]
fn trace_narrates_tcp_info_and_the_open_loop_waits() {
    let s = start("epoll", &[]);
    let o = run(
        &[
            "--trace",
            "echo-client",
            "--connections",
            "2",
            "--threads",
            "2",
            "--rate",
            "500",
            "--requests",
            "20",
            "--interval",
            "0.01",
            "127.0.0.1",
            &s.port.to_string(),
        ],
        b"",
    );
    assert_exit(&o, 0);
    let err = stderr(&o);
    for want in [
        "pthread_create(\"load-1\"",
        "prctl(PR_SET_TIMERSLACK, 1000) = 0",
        "epoll_pwait2(",
        "IPPROTO_TCP, TCP_INFO) = 0 ({tcpi_rtt=",
        "getrusage(RUSAGE_SELF) = 0",
        "send(",
    ] {
        assert!(err.contains(want), "{want:?} not in the trace:\n{err}");
    }
    s.stop();
}

/// `--requests N --rate R`: the run is the N/R s the requests were due in,
/// and its intervals end with it (once a zero-length one followed when the
/// interval divided N/R).
#[test]
fn open_loop_intervals_end_with_the_schedule() {
    let s = start("epoll", &[]);
    let o = client(&["--connections", "3", "--rate", "100", "--requests", "100", "--interval", "0.5"], s.port);
    assert_exit(&o, 0);
    let spans: Vec<(f64, f64, u64)> = intervals(&o)
        .into_iter()
        .map(|ClientEv::Interval { start_s, end_s, requests, .. }| (start_s, end_s, requests))
        .collect();
    assert!(spans.iter().all(|(a, b, _)| b > a), "an empty interval: {spans:?}");
    assert_eq!(spans.iter().map(|s| s.2).sum::<u64>(), 100, "{spans:?}");
    assert_eq!(load(&o).requests, 100);
    s.stop();
}

/// An open loop whose connections never open (a listener whose accept
/// queue is full drops the SYNs): a failure, exit 1 with its requests
/// unfinished, not a client that merely fell behind (which `not_sent`
/// counts, exit 0).
#[test]
fn an_open_loop_that_never_connects_fails() {
    use nix::sys::socket::{bind, connect, listen, socket, AddressFamily, Backlog, SockFlag, SockType, SockaddrIn};
    let l = socket(AddressFamily::Inet, SockType::Stream, SockFlag::SOCK_CLOEXEC, None).unwrap();
    bind(l.as_raw_fd(), &SockaddrIn::new(127, 0, 0, 1, 0)).unwrap();
    listen(&l, Backlog::new(0).unwrap()).unwrap();
    let port: SockaddrIn = nix::sys::socket::getsockname(l.as_raw_fd()).unwrap();
    // fill the accept queue: never accepted
    let mut held = Vec::new();
    for _ in 0..4 {
        let c = socket(AddressFamily::Inet, SockType::Stream, SockFlag::SOCK_NONBLOCK, None).unwrap();
        let _ = connect(c.as_raw_fd(), &SockaddrIn::new(127, 0, 0, 1, port.port()));
        held.push(c);
    }
    let o = client(&["--connections", "2", "--rate", "10", "--duration", "1"], port.port());
    assert_exit(&o, 1);
    let l2 = load(&o);
    assert_eq!((l2.requests, l2.not_sent), (0, 0), "{l2:?}");
    assert!(l2.unfinished > 0, "{l2:?}");
    drop(held);
}
