//! echo-client load mode: C connections doing request/response with S
//! bytes each, every echoed byte verified, latencies in HDR histograms.
//! Each event loop is one edge-triggered epoll set (the design of the
//! epoll server), so the client is not what limits a comparison of servers.
//!
//! * Closed loop (the default): a connection sends its next request when
//!   the echo of the last one is back.
//! * Open loop (`--rate R`): requests go out on a fixed schedule whether
//!   or not earlier echoes came back, several in flight per connection
//!   when the server lags ([`schedule`]). A closed loop that meets a stall
//!   stops sending too, so the stall hides in a handful of samples
//!   (coordinated omission); here latency counts from when each request
//!   was due, as wrk2 measures it, and the service time from its actual
//!   send.
//! * `--threads N`: N event loops ([`worker`]) share the connections;
//!   this thread coordinates them, merges their histograms and counts
//!   ([`report`]), and prints.
//! * `--interval SECS`: an `interval` event per period, with the kernel's
//!   view of the connections ([`tcp_info`]).
//!
//! `--reconnect` makes each request a full connect, echo, close cycle
//! (connections/s; the close is an RST via SO_LINGER {1, 0} so thousands of
//! TIME_WAIT sockets do not exhaust the ephemeral ports); `--idle N` opens N
//! more connections first, echoes once on each, and keeps them silent for
//! the whole run: the per-request cost of idle connections, which is where
//! select() and epoll part ways.
//!
//! Try it: `netlab echo-client --connections 50 --size 512 --duration 5 127.0.0.1 9190`,
//! then `netlab echo-client --connections 10 --rate 2000 --interval 1 127.0.0.1 9190`.

mod conn;
mod report;
pub mod schedule;
mod tcp_info;
mod worker;

use crate::error::{Error, Op, Result};
use crate::events::{Event as Shared, Percentiles, Summary};
use crate::output::Out;
use crate::sys::{self, Fd};
use conn::ConnError;
use nix::errno::Errno;
use report::{Intervals, Msg, Outcome, Stats};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};
use tcp_info::{CpuMeter, TcpSample};
use worker::{Shared as Live, Worker, END_GRACE};

/// What to run.
#[derive(Clone, Debug)]
pub struct LoadConfig {
    pub addr: crate::sys::Addr,
    pub connections: usize,
    pub size: usize,
    pub requests: Option<u64>,
    pub duration: Option<Duration>,
    pub reconnect: bool,
    pub idle: usize,
    /// per-step timeout (connect, a stalled echo)
    pub timeout: Duration,
    /// --rate: requests per second over the run (open loop); None: closed loop
    pub rate: Option<f64>,
    /// --threads: event loops sharing the connections
    pub threads: usize,
    /// --interval: report every so often
    pub interval: Option<Duration>,
    /// --percentiles: the latency percentiles reported (then max)
    pub percentiles: Vec<f64>,
}

/// Below this share of --rate, the run says it fell short.
const RATE_MET: f64 = 0.95;

/// A worker thread's stack: its buffers are on the heap.
const WORKER_STACK: usize = 512 * 1024;

/// Open the idle connections (blocking, one echo each to prove the server
/// serves them), kept open until the run ends. Ctrl-C stops the opening
/// (the run then ends at once, with its summary).
fn open_idle(cfg: &LoadConfig, signals: &crate::signals::Signals) -> Result<Vec<Fd>> {
    let stopped = || crate::signals::stop_requested().is_some();
    let mut v = Vec::with_capacity(cfg.idle);
    for i in 0..cfg.idle {
        let fd = match super::connect_one(&cfg.addr, Some(cfg.timeout)) {
            Ok(fd) => fd,
            Err(_) if stopped() => break,
            Err(e) => {
                let msg = format!("idle connection {}: {e}", i + 1);
                return Err(match e.errno() {
                    Some(errno) => Error::failed_errno(msg, crate::error::errno_hint(Op::Connect, errno), errno),
                    None => Error::failed(msg),
                });
            }
        };
        let probe = [b'i'];
        sys::write_all(&fd, &probe).map_err(|e| Error::sys(Op::Write, e))?;
        let mut b = [0u8; 1];
        // the echo, or a signal (the pipe: one caught just before poll()
        // is not lost)
        let mut p = [sys::pollfd(fd.raw(), libc::POLLIN), sys::pollfd(signals.wake_fd()?.raw(), libc::POLLIN)];
        let deadline = Instant::now() + cfg.timeout;
        let ready = loop {
            match sys::poll(&mut p, sys::poll_ms(deadline.saturating_duration_since(Instant::now()))) {
                Ok(0) => break false,
                Ok(_) if p[0].revents != 0 => break true,
                Ok(_) | Err(Errno::EINTR) => {
                    signals.drain();
                    if stopped() {
                        return Ok(v);
                    }
                }
                Err(e) => return Err(Error::sys(Op::Poll, e)),
            }
        };
        let got = if ready { sys::read(&fd, &mut b) } else { Err(Errno::ETIMEDOUT) };
        match got {
            Ok(1) if b == probe => {}
            // closed (or reset) at once: the server took the connection
            // and dropped it, what a server does at a limit of its own
            Ok(0) | Err(Errno::ECONNRESET) => {
                return Err(Error::failed_hint(
                    format!("idle connection {}: the server closed it right after accepting it", i + 1),
                    "a server-side limit is the likely cause: select()'s FD_SETSIZE (1024 descriptors), \
                     --max-clients, or the server's descriptor limit (`ulimit -n`); the poll and epoll models have no FD_SETSIZE",
                ))
            }
            Ok(_) => return Err(Error::verify(format!("idle connection {}: the echo differs from what was sent", i + 1))),
            Err(Errno::ETIMEDOUT) => {
                return Err(Error::failed_hint(
                    format!("idle connection {} was not echoed within {} s", i + 1, cfg.timeout.as_secs_f64()),
                    "the server accepted it but never answered: is it serving one client at a time (--model iterative)?",
                ))
            }
            Err(e) => return Err(Error::sys_at(Op::Read, format!("idle connection {}", i + 1), e)),
        }
        v.push(fd);
        if stopped() {
            break;
        }
    }
    Ok(v)
}

/// `first`: an open connection to `cfg.addr` (the one that chose among a
/// name's addresses), used as connection 0's socket.
pub fn run(cfg: &LoadConfig, out: &Out, first: Option<Fd>) -> Result<()> {
    // Ctrl-C ends the run early with its summary, as iperf3 does. The
    // handler only sets a flag, which every loop looks at after each wait
    // (250 ms at the most). Installed before the run's connections are
    // opened (`first`, if given, carries nothing until the run starts).
    let signals = crate::signals::Signals::install(false)?;
    let idle = open_idle(cfg, &signals)?;
    let cfg = Arc::new(cfg.clone());
    let threads = cfg.threads.min(cfg.connections).max(1);
    if threads > 1 {
        crate::logging::mark_threaded();
    }
    let live = Arc::new(Live::new(threads));
    let (tx, rx) = mpsc::channel::<Msg>();
    let cpu = CpuMeter::start();
    let start = Instant::now();
    let mut first = first;
    let mut handles = Vec::with_capacity(threads);
    for t in 0..threads {
        // connection g goes to loop g mod threads
        let ids: Vec<u64> = (t as u64..cfg.connections as u64).step_by(threads).collect();
        let w = Worker::new(cfg.clone(), t, ids, start, live.clone(), tx.clone());
        let first = if t == 0 { first.take() } else { None };
        let spawned = w.and_then(|w| {
            sys::spawn_thread(format!("load-{t}"), WORKER_STACK, move || w.run(first))
                .map_err(|e| Error::failed(format!("pthread_create: {e}")))
        });
        match spawned {
            Ok(h) => handles.push(h),
            Err(e) => {
                live.abort.store(true, std::sync::atomic::Ordering::Relaxed);
                drop(tx);
                for h in handles {
                    let _ = h.join();
                }
                return Err(e);
            }
        }
    }
    drop(tx);
    let progress = !out.is_quiet() && crate::stderr::is_tty() && cfg.interval.is_none();
    let mut intervals = cfg.interval.map(|every| Intervals::new(every, threads, cfg.percentiles.clone()));
    let mut outcomes: Vec<Option<Result<Outcome>>> = (0..threads).map(|_| None).collect();
    let mut next_progress = start + Duration::from_secs(1);
    while outcomes.iter().any(Option::is_none) {
        let mut wait = Duration::from_millis(250);
        if progress {
            wait = wait.min(next_progress.saturating_duration_since(Instant::now()));
        }
        match rx.recv_timeout(wait) {
            Ok(Msg::Slice(w, s)) => {
                if let Some(iv) = intervals.as_mut() {
                    iv.part(w, *s, false, out);
                }
            }
            Ok(Msg::Done(w, o)) => {
                let mut o = *o;
                match (intervals.as_mut(), o.as_mut().ok().and_then(|o| o.last.take())) {
                    (Some(iv), Some(last)) => iv.part(w, last, true, out),
                    (Some(iv), None) => iv.ended(w, out),
                    _ => {}
                }
                if o.is_err() {
                    // the others stop too (the error is told once they have)
                    live.abort.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                outcomes[w] = Some(o);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // every loop has gone (a thread that panicked sends nothing)
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if progress && Instant::now() >= next_progress {
            let sum = |v: &[std::sync::atomic::AtomicU64]| -> u64 {
                v.iter().map(|a| a.load(std::sync::atomic::Ordering::Relaxed)).sum()
            };
            let (done, failed) = (sum(&live.completed), sum(&live.errors));
            let el = start.elapsed().as_secs_f64();
            crate::stderr::text(&format!(
                "\r{el:5.1} s  {done} requests  {:.0} req/s  errors {failed}   ",
                done as f64 / el
            ));
            next_progress += Duration::from_secs(1);
        }
    }
    if progress {
        crate::stderr::text("\n");
    }
    for h in handles {
        let _ = h.join();
    }
    drop(idle);
    let mut done = Vec::with_capacity(threads);
    for o in outcomes {
        match o {
            Some(Ok(o)) => done.push(o),
            Some(Err(e)) => return Err(e),
            None => return Err(Error::failed("a load thread ended without its results")),
        }
    }
    summarise(&cfg, threads, done, start, &cpu, out)
}

/// The run's totals: the summary event, then the exit status it earns.
fn summarise(
    cfg: &LoadConfig,
    threads: usize,
    done: Vec<Outcome>,
    start: Instant,
    cpu: &CpuMeter,
    out: &Out,
) -> Result<()> {
    let mut counts = Stats::new(cfg.rate.is_some())?;
    let mut tcp = TcpSample::default();
    let (mut unfinished, mut stalled, mut interrupted) = (0, false, false);
    let (mut end, mut last_progress) = (start, start);
    for o in &done {
        counts.add(&o.stats);
        tcp.add(&o.tcp);
        unfinished += o.unfinished;
        stalled |= o.stalled;
        interrupted |= o.interrupted;
        end = end.max(o.end);
        last_progress = last_progress.max(o.last_progress);
    }
    let elapsed = (end - start).as_secs_f64();
    let hist = &counts.latency;
    let [_, latency_p50_us, latency_p90_us, latency_p99_us, latency_max_us] = crate::events::quantiles(hist);
    let exact = counts.completed as f64 / elapsed;
    // an open loop's rate may be a fraction (--rate 0.5): to three decimals
    let rps = if cfg.rate.is_some() { (exact * 1000.0).round() / 1000.0 } else { exact.round() };
    let rate_met = cfg.rate.map(|r| exact >= RATE_MET * r);
    out.emit(&Shared::Summary(Summary::Load {
        connections: cfg.connections as u64,
        idle: cfg.idle as u64,
        size: cfg.size as u64,
        reconnect: cfg.reconnect,
        requests: counts.completed,
        duration_s: (elapsed * 1000.0).round() / 1000.0,
        rps,
        mbps: ((counts.completed as f64 * cfg.size as f64 / elapsed / 1e6) * 100.0).round() / 100.0,
        latency_p50_us,
        latency_p90_us,
        latency_p99_us,
        latency_max_us,
        errors: counts.errors,
        mismatches: counts.mismatches,
        unfinished,
        abandoned: counts.abandoned,
        not_sent: counts.not_sent,
        threads: threads as u64,
        target_rps: cfg.rate,
        rate_met,
        latency_us: Percentiles::of(hist, &cfg.percentiles),
        service_us: counts.service.as_ref().and_then(|h| Percentiles::of(h, &cfg.percentiles)),
        rtt_us: tcp.rtt_us(),
        rttvar_us: tcp.rttvar_us(),
        snd_cwnd: tcp.snd_cwnd(),
        retransmits: tcp.retrans,
        cpu_pct: cpu.total(),
    }));
    // (a run where nothing came back has a failure to tell instead)
    if let (Some(r), Some(false), true) = (cfg.rate, rate_met, counts.completed > 0) {
        tracing::warn!(
            "achieved {} requests/s, {:.1} % of the --rate {r}: the server or this client could not keep up \
             (latency counts from each request's intended send time, so the backlog shows in it)",
            crate::events::per_second(rps),
            rps / r * 100.0
        );
    }
    if counts.mismatches > 0 {
        return Err(Error::verify(format!("{} echoes differed from what was sent", counts.mismatches)));
    }
    if stalled {
        return Err(Error::failed(format!(
            "no progress for {} s with {unfinished} requests outstanding",
            cfg.timeout.as_secs_f64()
        )));
    }
    if unfinished > 0 && !interrupted {
        // after --duration, echoes are awaited while they keep coming: say
        // which way the wait ended
        let over = start + cfg.duration.unwrap_or_default();
        let quiet = cfg.timeout.min(END_GRACE).as_secs_f64();
        let why = if end >= over + cfg.timeout {
            format!("--timeout {} s after the end of --duration, with echoes still coming", cfg.timeout.as_secs_f64())
        } else if last_progress > over {
            format!("{quiet} s after the last echo, which came after the end of --duration")
        } else {
            format!("{quiet} s after the end of --duration")
        };
        return Err(Error::failed(format!("{unfinished} requests still had no echo {why}")));
    }
    if counts.errors > 0 {
        let plural = |n: u64, what: &str| if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") };
        let mut msg = format!(
            "{} failed ({} completed)",
            plural(counts.errors, "connection"),
            plural(counts.completed, "request")
        );
        let ConnError { op, what, errno } =
            counts.first_error.clone().unwrap_or(ConnError { op: Op::Read, what: String::new(), errno: None });
        msg.push_str(&format!("; the first: {what}"));
        if let Some(e) = errno {
            msg.push_str(&format!(": {}", crate::error::describe_errno(e)));
        }
        if counts.errors > 1 {
            msg.push_str("; -v shows each");
        }
        return Err(match errno {
            Some(e) => {
                // a socket file has no PORT: its own hint
                let hint = match (cfg.addr.path(), op) {
                    (Some(path), Op::Connect) => {
                        crate::local::refused(path, e, "netlab echo-server --unix").map(|(_, hint)| hint)
                    }
                    _ => None,
                };
                Error::failed_errno(msg, hint.or_else(|| crate::error::errno_hint(op, e)), e)
            }
            None => Error::failed(msg),
        });
    }
    Ok(())
}
