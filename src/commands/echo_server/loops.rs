//! `--threads N` for the epoll and uring models: N event loops on N
//! threads serving one port.
//!
//! How it is built to scale: each loop has its own listener on the port
//! (SO_REUSEPORT: the kernel hashes each new connection's addresses and
//! ports to one listener of the group, so each has its own accept queue
//! and no lock is shared on accept), its own connections, its own wait
//! (an epoll instance or an io_uring) and its own buffers. A connection
//! never moves between loops and no lock is taken per request: the loops
//! share only lock-free counters (connection numbers, --max-conns, a stop
//! flag). On SIGUSR1 the main thread asks every loop for its counters
//! through its pipe and adds them up, so a loop's hot path publishes
//! nothing. The main thread serves
//! nobody: it installs the signal handlers, prints `listening`, waits for
//! a signal (or for every loop to end after --max-conns), wakes the loops
//! through their pipes, and prints `stopped` with every loop's totals.
//!
//! Why not one listener shared with EPOLLEXCLUSIVE: one accept queue and
//! its lock for every core, and a wake-up goes to whichever loop waits
//! (the same few while they keep up), so long-lived connections pile up
//! on one loop; the hash spreads them evenly (the design's argument: a
//! 2-vCPU machine shared with the load generator cannot measure it, and
//! BENCHMARKS.md says what a many-core run would need). What SO_REUSEPORT
//! costs: a listener's queue is served only by
//! its loop (a busy loop's new clients wait even when another is idle),
//! and a program of the same user that sets SO_REUSEPORT before its bind
//! could join the port. A second netlab cannot: the first listener binds
//! without SO_REUSEPORT and sets it between bind and listen, so that a
//! port in use is EADDRINUSE as with one loop.
//!
//! With as many loops as CPUs (or more), every loop runs under
//! SCHED_BATCH, as the thread and fork models' workers beyond the CPU count
//! do: a loop woken by its clients does not preempt what runs on its CPU
//! (another loop, or a client on the same host) but waits for it to block,
//! which keeps both batching. On 2 vCPUs shared with the load generator,
//! two loops without it lost 10-20 % of one loop's req/s on c50_512 (an
//! A/B while it was built, not repeated in BENCHMARKS.md; there the cost
//! shows as lat1_64 at 0.90-0.93x of one loop, the loops not preempting
//! the load generator on one CPU).
//!
//! A socket file (`--unix`) has no port: the loops share its one listener
//! (dup), and whichever loop wakes first takes a client.
//!
//! `--max-clients N` is split between the loops (each takes its share,
//! N / threads); `--max-conns` counts across them; `--idle-timeout` is
//! each loop's own.
//!
//! Try it: `netlab --trace echo-server --model epoll --threads 2 9190`
//! (each loop's trace lines carry its name, `[loop 1]`).

use super::server::Totals;
use super::{Config, Server};
use crate::error::{Error, Op, Result};
use crate::logging::because;
use crate::output::Out;
use crate::sys::{self, Fd};
use nix::errno::Errno;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// One loop's counters, for `stats` and `stopped`: written by its loop
/// when asked (and when it ends), read by the main thread.
#[repr(align(64))]
#[derive(Default)]
struct Counters {
    conns_now: AtomicU64,
    conns_total: AtomicU64,
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
}

/// What the loops of one server share.
pub struct Group {
    next_id: AtomicU64,
    served: AtomicU64,
    stop: AtomicBool,
    max_reached: AtomicBool,
    ended: AtomicUsize,
    /// SIGUSR1: the main thread asks each loop to publish its counters
    stats_round: AtomicU64,
    stats_acks: AtomicUsize,
    counters: Vec<Counters>,
    /// each loop's wake-up pipe: (read end, write end)
    wakes: Vec<(Fd, Fd)>,
    /// a loop ended: wakes the main thread
    done: (Fd, Fd),
}

impl Group {
    fn new(n: usize) -> Result<Group> {
        let mut wakes = Vec::with_capacity(n);
        for _ in 0..n {
            wakes.push(sys::pipe("--threads: the main thread wakes a loop through it")?);
        }
        let done = sys::pipe("--threads: a loop that ends wakes the main thread")?;
        Ok(Group {
            next_id: AtomicU64::new(0),
            served: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            max_reached: AtomicBool::new(false),
            ended: AtomicUsize::new(0),
            stats_round: AtomicU64::new(0),
            stats_acks: AtomicUsize::new(0),
            counters: (0..n).map(|_| Counters::default()).collect(),
            wakes,
            done,
        })
    }

    /// The next connection number, across loops.
    pub(super) fn take_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// One more connection served (for --max-conns): how many now.
    pub(super) fn count_served(&self) -> u64 {
        self.served.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub(super) fn uncount_served(&self) {
        let _ = self.served.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
    }

    pub(super) fn served(&self) -> u64 {
        self.served.load(Ordering::SeqCst)
    }

    /// --max-conns was reached in one loop: every loop shuts its listener.
    pub(super) fn max_conns_reached(&self) {
        self.max_reached.store(true, Ordering::SeqCst);
        self.wake_all();
    }

    pub(super) fn max_conns_was_reached(&self) -> bool {
        self.max_reached.load(Ordering::SeqCst)
    }

    /// The server is stopping (a signal, or a loop failed).
    pub(super) fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn stop_all(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.wake_all();
    }

    fn wake_all(&self) {
        for (_, w) in &self.wakes {
            // a full pipe means a wake-up is already pending
            let _ = sys::write(w, &[1]);
        }
    }

    /// Loop `index` publishes its totals, live connections' bytes included.
    fn publish(&self, index: usize, t: &Totals, live_in: u64, live_out: u64) {
        let c = &self.counters[index];
        c.conns_now.store(t.conns_now, Ordering::Relaxed);
        c.conns_total.store(t.conns_total, Ordering::Relaxed);
        c.bytes_in.store(t.bytes_in + live_in, Ordering::Relaxed);
        c.bytes_out.store(t.bytes_out + live_out, Ordering::Relaxed);
    }

    fn sum(&self) -> Totals {
        let mut t = Totals::default();
        for c in &self.counters {
            t.conns_now += c.conns_now.load(Ordering::Relaxed);
            t.conns_total += c.conns_total.load(Ordering::Relaxed);
            t.bytes_in += c.bytes_in.load(Ordering::Relaxed);
            t.bytes_out += c.bytes_out.load(Ordering::Relaxed);
        }
        t
    }
}

/// One loop's place in its group.
pub struct Member<'g> {
    pub group: &'g Group,
    pub index: usize,
    /// the last stats round this loop answered
    seen: std::cell::Cell<u64>,
}

impl Member<'_> {
    /// The loop was woken through its pipe: answer a stats request (with
    /// the bytes its live connections have moved, `live`), follow
    /// --max-conns reached in another loop, and say whether to stop
    /// (Some(signal)).
    pub fn on_wake(
        &self,
        srv: &mut Server<'_>,
        listener: &Fd,
        live: impl FnOnce() -> (u64, u64),
    ) -> Option<Option<&'static str>> {
        self.drain();
        let round = self.group.stats_round.load(Ordering::SeqCst);
        if round != self.seen.get() {
            self.seen.set(round);
            let (bytes_in, bytes_out) = live();
            self.group.publish(self.index, &srv.totals, bytes_in, bytes_out);
            self.group.stats_acks.fetch_add(1, Ordering::SeqCst);
            let _ = sys::write(&self.group.done.1, &[1]);
        }
        srv.follow_group(listener)
    }

    /// The pipe that wakes this loop (readable when it should look at the
    /// group's flags).
    pub fn wake_fd(&self) -> &Fd {
        &self.group.wakes[self.index].0
    }

    /// Empty the wake-up pipe.
    fn drain(&self) {
        let mut buf = [0u8; 64];
        while matches!(sys::read(self.wake_fd(), &mut buf), Ok(n) if n > 0) {}
    }
}

/// The part of a loop's end that its model does not own: for a loop of a
/// group, close what it serves ("shutdown") and refuse its backlog; alone,
/// the same and the `stopped` line.
pub fn finish(srv: &mut Server<'_>, conns: Vec<Option<super::Conn>>, listener: &Fd, stop: Option<&str>, alone: bool) {
    if alone {
        srv.shut_down(conns, listener, stop);
    } else {
        for c in conns.into_iter().flatten() {
            srv.finish(c, "shutdown");
        }
        srv.reject_backlog(listener);
    }
}

/// Serve with `states.len()` loops (2 or more), one per thread: `run`
/// gets a loop's state, its [`Server`], its listener and its place in the
/// group, and returns when that loop has closed its connections.
/// `listener` is the first loop's (bound with SO_REUSEPORT by `listen`).
pub fn serve<T, F>(listener: Fd, cfg: &Config, out: &mut Out, states: Vec<T>, run: F) -> Result<()>
where
    T: Send,
    F: Fn(T, &mut Server<'_>, &Fd, &Member<'_>) -> Result<()> + Sync,
{
    let n = states.len();
    let mut listeners = Vec::with_capacity(n);
    if cfg.addr.path().is_some() {
        // a socket file has no port to share: the loops share its one
        // listener (one accept queue, whichever loop takes a client)
        for _ in 1..n {
            let fd =
                crate::logging::because("--threads on a socket file: every loop accepts from its one queue", || {
                    sys::dup(&listener)
                })
                .map_err(|e| Error::sys(Op::Dup, e))?;
            listeners.push(fd);
        }
    } else {
        let port = sys::getsockname(&listener).map_err(|e| Error::sys(Op::Getsockname, e))?.port();
        for _ in 1..n {
            listeners.push(crate::logging::because("--threads: each loop has its own listener on the port", || {
                super::listen_again(cfg, port)
            })?);
        }
    }
    listeners.insert(0, listener);
    let out: &Out = out;
    let group = Group::new(n)?;
    // Every loop's descriptors are opened before `listening`: a flood of
    // clients right after it cannot leave a loop without them.
    let mut servers = Vec::with_capacity(n);
    for (index, listener) in listeners.iter().enumerate() {
        servers.push(Server::for_loop(cfg, out, listener, &group, index)?);
    }
    let mut srv = Server::new(cfg, out, false, &listeners[0])?;
    crate::logging::mark_threaded();
    out.set_buffered(true);
    let (group, listeners, run) = (&group, &listeners, &run);
    let (stop, results) = std::thread::scope(|scope| {
        let mut handles = Vec::with_capacity(n);
        let mut failed = None;
        for (index, (state, mut lsrv)) in states.into_iter().zip(servers).enumerate() {
            let body = move || {
                sys::block_server_signals();
                if n >= super::batch_after() {
                    // as many loops as CPUs: a loop woken by its clients
                    // waits for the running task to block rather than
                    // preempting it (a client on this host, another loop)
                    super::run_as_batch();
                }
                let listener = &listeners[index];
                let res = run(state, &mut lsrv, listener, &Member { group, index, seen: std::cell::Cell::new(0) });
                out.flush();
                group.publish(index, &lsrv.totals, 0, 0);
                if res.is_err() {
                    group.stop_all();
                }
                group.ended.fetch_add(1, Ordering::SeqCst);
                let _ = sys::write(&group.done.1, &[1]);
                res.map(|()| lsrv.totals)
            };
            let spawned = crate::logging::because("--threads: one event loop per thread", || {
                sys::spawn_scoped(scope, format!("loop {index}"), body)
            });
            match spawned {
                Ok(h) => handles.push(h),
                Err(e) => {
                    failed = Some(Error::failed(format!("pthread_create: {e}")));
                    group.stop_all();
                    break;
                }
            }
        }
        let stop = match failed {
            Some(e) => Err(e),
            None => coordinate(&mut srv, group, handles.len()),
        };
        if stop.is_err() {
            group.stop_all();
        }
        let results: Vec<Result<Totals>> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(Error::failed("an event loop panicked"))))
            .collect();
        (stop, results)
    });
    let stop = stop?;
    let mut totals = Totals::default();
    for r in results {
        let t = r?;
        totals.conns_total += t.conns_total;
        totals.bytes_in += t.bytes_in;
        totals.bytes_out += t.bytes_out;
    }
    srv.totals = totals;
    srv.stopped(stop);
    Ok(())
}

/// The main thread's wait: a signal (SIGUSR1 prints every loop's
/// counters added up; SIGINT/SIGTERM stop every loop), or the loops
/// ending by themselves (--max-conns). Returns the stop signal.
fn coordinate(srv: &mut Server<'_>, group: &Group, loops: usize) -> Result<Option<&'static str>> {
    let signals = srv.wake_fd()?.raw();
    loop {
        srv.out.flush();
        let mut fds = [sys::pollfd(signals, libc::POLLIN), sys::pollfd(group.done.0.raw(), libc::POLLIN)];
        match because("the main thread waits for a signal or a loop's end", || sys::poll(&mut fds, -1)) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(Error::sys(Op::Poll, e)),
        }
        if fds[1].revents != 0 {
            drain_done(group);
        }
        srv.signals.drain();
        if crate::signals::take_usr1() {
            gather(group, loops);
            srv.emit_stats(group.sum());
        }
        if let Some(sig) = crate::signals::stop_requested() {
            group.stop_all();
            return Ok(Some(sig));
        }
        if group.ended.load(Ordering::SeqCst) >= loops || group.stopping() {
            return Ok(None);
        }
    }
}

/// Ask every running loop for its counters and wait (1 s at most) until
/// each has answered.
fn gather(group: &Group, loops: usize) {
    group.stats_acks.store(0, Ordering::SeqCst);
    group.stats_round.fetch_add(1, Ordering::SeqCst);
    group.wake_all();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let running = loops.saturating_sub(group.ended.load(Ordering::SeqCst));
        if group.stats_acks.load(Ordering::SeqCst) >= running {
            return;
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return;
        }
        let mut fds = [sys::pollfd(group.done.0.raw(), libc::POLLIN)];
        let _ =
            because("the main thread waits, bounded, for the loops to end", || sys::poll(&mut fds, sys::poll_ms(left)));
        drain_done(group);
    }
}

fn drain_done(group: &Group) {
    let mut buf = [0u8; 64];
    while matches!(sys::read(&group.done.0, &mut buf), Ok(n) if n > 0) {}
}
