//! Helpers for the integration tests: run the real binary, parse its
//! NDJSON, start servers on port 0 and kill them by PID.

pub use netlab::commands::byteorder::Event as ByteorderEv;
pub use netlab::commands::demo::Event as DemoEv;
pub use netlab::commands::echo_server::Event as ServerEv;
pub use netlab::commands::fileio::Event as FileioEv;
pub use netlab::commands::pipe::Event as PipeEv;
pub use netlab::commands::process::Event as ProcessEv;
pub use netlab::commands::resolve::Event as ResolveEv;
pub use netlab::commands::signal::Event as SignalEv;
pub use netlab::commands::sockopt::Event as SockoptEv;
pub use netlab::commands::udp::Event as UdpEv;
/// Any event netlab prints, read back from its NDJSON line.
pub use netlab::commands::AnyEvent as Ev;
pub use netlab::events::{Event as SharedEv, Lesson, Summary};
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The netlab binary cargo built for this test run.
pub fn bin() -> &'static Path {
    assert_cmd::cargo::cargo_bin!("netlab")
}

/// A command for the binary, with a clean logging environment.
pub fn netlab() -> Command {
    let mut c = Command::new(bin());
    c.env_remove("RUST_LOG").env("RUST_BACKTRACE", "1");
    c
}

/// Run with arguments and stdin; collect everything.
pub fn run(args: &[&str], stdin: &[u8]) -> Output {
    run_cmd(netlab().args(args), stdin)
}

/// Wait for `child` at most `bound`: Some(its status), or None when it was
/// still running then (it and its descendants are killed by pid, and
/// reaped).
pub fn wait_bounded(
    child: &mut std::process::Child,
    bound: std::time::Duration,
) -> std::io::Result<Option<std::process::ExitStatus>> {
    let deadline = std::time::Instant::now() + bound;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if std::time::Instant::now() >= deadline {
            kill_tree(child.id());
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// The longest a command run by [`run_cmd`] may take: a netlab that hangs
/// fails its test (killed by pid) instead of hanging the suite.
pub const RUN_BOUND: std::time::Duration = std::time::Duration::from_secs(120);

pub fn run_cmd(cmd: &mut Command, stdin: &[u8]) -> Output {
    use std::io::{Read, Write};
    let mut child =
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn netlab");
    let mut sin = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = sin.write_all(&data);
    });
    // each pipe read to its end by a thread; the end is awaited with a
    // bound too (a process the command left behind may hold the pipe)
    let drain = |mut r: Box<dyn Read + Send>| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            let _ = tx.send(v);
        });
        rx
    };
    let out_reader = drain(Box::new(child.stdout.take().expect("stdout")));
    let err_reader = drain(Box::new(child.stderr.take().expect("stderr")));
    let Some(status) = wait_bounded(&mut child, RUN_BOUND).expect("wait netlab") else {
        let err = err_reader.recv_timeout(std::time::Duration::from_secs(5)).unwrap_or_default();
        panic!(
            "{cmd:?} still running after {} s (killed, with its descendants); stderr:\n{}",
            RUN_BOUND.as_secs(),
            String::from_utf8_lossy(&err)
        );
    };
    // (the writer thread ends when the pipe closes; it is not joined: a
    // process left behind may keep the pipe open, with nothing to read it)
    drop(writer);
    let leftover = std::time::Duration::from_secs(10);
    let (stdout, stderr) = match (out_reader.recv_timeout(leftover), err_reader.recv_timeout(leftover)) {
        (Ok(o), Ok(e)) => (o, e),
        _ => panic!("{cmd:?} exited ({status}), but something it started still holds its stdout or stderr"),
    };
    Output { status, stdout, stderr }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every stdout line parsed back into the event types (fails the test on
/// any line that is not a valid event).
pub fn events(o: &Output) -> Vec<Ev> {
    parse_events(&stdout(o))
}

pub fn parse_events(text: &str) -> Vec<Ev> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str::<Ev>(l).unwrap_or_else(|e| panic!("not an event: {l:?}: {e}")))
        .collect()
}

/// Every stdout line as a raw JSON value (with `"event"` checked).
pub fn json_values(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON {l:?}: {e}"));
            assert!(v.get("event").and_then(|e| e.as_str()).is_some(), "no event field: {l}");
            v
        })
        .collect()
}

/// Assert the process exited with `code`, showing its output if not.
#[track_caller]
pub fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit status {:?}, expected {code}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        stdout(o),
        stderr(o)
    );
    assert!(!stderr(o).contains("panicked"), "panic:\n{}", stderr(o));
}

/// A fresh temporary directory, removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("netlab-test-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("mkdir temp");
        TempDir(p)
    }

    pub fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A netlab server started on 127.0.0.1 port 0 (or as told), its port read
/// from the `listening` event; killed by PID on drop.
pub struct Server {
    pub child: Option<std::process::Child>,
    pub port: u16,
    pub pid: u32,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    err: std::sync::Arc<std::sync::Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl Server {
    /// `netlab --json <args>`; waits for the listening event (10 s at most).
    pub fn start(args: &[&str]) -> Server {
        Self::start_cmd(netlab().arg("--json").args(args))
    }

    pub fn start_cmd(cmd: &mut Command) -> Server {
        Self::spawn(cmd.stdout(Stdio::piped()), false)
    }

    /// A server whose stdout is /dev/full (every write fails with ENOSPC).
    /// `cmd` must have `--trace`: the port is read from its getsockname line.
    pub fn start_with_full_stdout(cmd: &mut Command) -> Server {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("open /dev/full");
        Self::spawn(cmd.stdout(full), true)
    }

    fn spawn(cmd: &mut Command, port_from_trace: bool) -> Server {
        use std::io::BufRead;
        let mut child = cmd.stdin(Stdio::null()).stderr(Stdio::piped()).spawn().expect("spawn server");
        let pid = child.id();
        let stderr = child.stderr.take().unwrap();
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let err = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel::<u16>();
        let mut readers = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            let (l2, tx) = (lines.clone(), tx.clone());
            readers.push(std::thread::spawn(move || {
                for line in std::io::BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    let listening = match serde_json::from_str::<Ev>(&line) {
                        Ok(Ev::Shared(SharedEv::Listening { port, .. })) => Some(port.unwrap_or(0)),
                        _ => None,
                    };
                    l2.lock().unwrap().push(line);
                    if let Some(port) = listening {
                        let _ = tx.send(port);
                    }
                }
            }));
        }
        let e2 = err.clone();
        readers.push(std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                // `getsockname(3) = 0 (127.0.0.1:PORT)`
                let traced_port = line
                    .strip_prefix("getsockname(")
                    .and_then(|l| l.strip_suffix(')')?.rsplit_once(':')?.1.parse::<u16>().ok());
                if let Some(port) = traced_port.filter(|_| port_from_trace) {
                    let _ = tx.send(port);
                }
                let mut e = e2.lock().unwrap();
                if e.len() < 1 << 20 {
                    e.push_str(&line);
                    e.push('\n');
                }
            }
        }));
        let mut s = Server { child: Some(child), port: 0, pid, lines, err, readers };
        match rx.recv_timeout(std::time::Duration::from_secs(10)) {
            Ok(port) => s.port = port,
            Err(_) => panic!("server did not print a listening event; stderr:\n{}", s.stderr()),
        }
        s
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        std::net::SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// Every stdout line so far, parsed into events (each must parse).
    pub fn events(&self) -> Vec<Ev> {
        let lines = self.lines.lock().unwrap().clone();
        lines
            .iter()
            .map(|l| serde_json::from_str::<Ev>(l).unwrap_or_else(|e| panic!("not an event: {l:?}: {e}")))
            .collect()
    }

    /// Every stdout line so far, as printed.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    pub fn stderr(&self) -> String {
        self.err.lock().unwrap().clone()
    }

    /// Wait (bounded) until some event satisfies `pred`.
    pub fn wait_for(&self, what: &str, secs: u64, pred: impl Fn(&Ev) -> bool) -> Ev {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        loop {
            if let Some(e) = self.events().into_iter().find(|e| pred(e)) {
                return e;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no {what} event within {secs} s; events: {:?}",
                self.events()
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// Wait (bounded) until stderr contains `needle`: stderr is another pipe
    /// read by another thread, so it may trail the events on stdout.
    pub fn wait_stderr(&self, needle: &str, secs: u64) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        while !self.stderr().contains(needle) {
            assert!(
                std::time::Instant::now() < deadline,
                "no {needle:?} on stderr within {secs} s:\n{}",
                self.stderr()
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// Count events matching `pred`, waiting (bounded) until there are `n`.
    pub fn wait_count(&self, what: &str, n: usize, secs: u64, pred: impl Fn(&Ev) -> bool) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        loop {
            let have = self.events().iter().filter(|e| pred(e)).count();
            if have >= n {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "only {have} of {n} {what} events within {secs} s");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    pub fn signal(&self, sig: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.pid as i32), sig).expect("kill");
    }

    /// Wait (bounded) for the server to exit; returns its exit code.
    pub fn wait_exit(&mut self, secs: u64) -> Option<i32> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        let child = self.child.as_mut().expect("child");
        loop {
            if let Some(st) = child.try_wait().expect("try_wait") {
                self.child = None;
                for r in self.readers.drain(..) {
                    let _ = r.join();
                }
                return st.code();
            }
            assert!(std::time::Instant::now() < deadline, "server did not exit within {secs} s");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// Stop with SIGINT and check the clean-shutdown contract.
    pub fn stop(mut self) -> Vec<Ev> {
        self.signal(nix::sys::signal::Signal::SIGINT);
        let code = self.wait_exit(10);
        assert_eq!(code, Some(0), "exit after SIGINT; stderr:\n{}", self.stderr());
        let evs = self.events();
        assert!(
            matches!(evs.last(), Some(Ev::Shared(SharedEv::Stopped { signal: Some(s), .. })) if s == "SIGINT"),
            "last event {:?}",
            evs.last()
        );
        assert!(!self.stderr().contains("panicked"), "{}", self.stderr());
        evs
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
pub fn random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Echo `data` through a connection: a writer thread sends it all then
/// half-closes; this thread reads to EOF. Bounded by a 60 s read timeout.
pub fn echo_through(addr: std::net::SocketAddr, data: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
    let mut w = s.try_clone().unwrap();
    let d = data.to_vec();
    let t = std::thread::spawn(move || {
        w.write_all(&d).expect("write");
        w.shutdown(std::net::Shutdown::Write).expect("shutdown");
    });
    let mut back = Vec::new();
    s.read_to_end(&mut back).expect("read echo");
    t.join().unwrap();
    back
}

/// A connection to `addr` whose reads give up after 5 s.
pub fn connect(addr: std::net::SocketAddr) -> std::net::TcpStream {
    let c = std::net::TcpStream::connect(addr).expect("connect");
    c.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    c
}

/// Write `data` on an open connection and read as many bytes back: one
/// request and its echo (panics if the connection fails).
pub fn echo_on(c: &mut std::net::TcpStream, data: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    c.write_all(data).expect("write");
    let mut back = vec![0u8; data.len()];
    c.read_exact(&mut back).expect("read echo");
    back
}

/// Why tests that need root and iproute2 cannot run here, if they cannot.
pub fn netns_unavailable() -> Option<String> {
    if !nix::unistd::geteuid().is_root() {
        return Some("not running as root".into());
    }
    match Command::new("ip").arg("-V").output() {
        Ok(o) if o.status.success() => None,
        _ => Some("iproute2's `ip` is not installed (.ci/run installs it)".into()),
    }
}

/// Skip a test loudly (the reason goes to the test's output).
#[macro_export]
macro_rules! require_netns {
    ($name:expr) => {
        if let Some(why) = $crate::common::netns_unavailable() {
            eprintln!("SKIPPED {}: needs root and iproute2 network namespaces: {why}", $name);
            return;
        }
    };
}

/// A network namespace made for one test (`ip netns add`), with its own
/// hosts and resolv.conf (`ip netns exec` bind-mounts /etc/netns/NAME/*),
/// deleted on drop.
pub struct Netns {
    pub name: String,
}

impl Netns {
    pub fn new(tag: &str) -> Netns {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("nl-{tag}-{}-{n}", std::process::id());
        let st = Command::new("ip").args(["netns", "add", &name]).status().expect("ip netns add");
        assert!(st.success(), "ip netns add {name} failed");
        let ns = Netns { name };
        ns.ip(&["link", "set", "lo", "up"]);
        ns
    }

    /// Run `ip netns exec NAME ip ARGS` (must succeed).
    pub fn ip(&self, args: &[&str]) {
        let st = Command::new("ip").args(["netns", "exec", &self.name, "ip"]).args(args).status().expect("ip");
        assert!(st.success(), "ip {args:?} in {} failed", self.name);
    }

    /// Write /etc/netns/NAME/FILE (hosts, resolv.conf).
    pub fn etc(&self, file: &str, content: &str) {
        let dir = format!("/etc/netns/{}", self.name);
        std::fs::create_dir_all(&dir).expect("mkdir /etc/netns");
        std::fs::write(format!("{dir}/{file}"), content).expect("write netns file");
    }

    /// A netlab command run inside the namespace.
    pub fn netlab(&self) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name]).arg(bin()).env_remove("RUST_LOG");
        c
    }

    /// Run `f` on a thread that has entered the namespace (setns), e.g. to
    /// bind a socket there; the socket stays in the namespace.
    pub fn within<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> T {
        let path = format!("/var/run/netns/{}", self.name);
        std::thread::spawn(move || {
            let ns = std::fs::File::open(&path).expect("open netns");
            use std::os::fd::AsRawFd;
            // SAFETY: setns on a valid namespace fd changes only this thread.
            let rc = unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) };
            assert_eq!(rc, 0, "setns: {}", std::io::Error::last_os_error());
            f()
        })
        .join()
        .expect("netns thread")
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.name]).status();
        let _ = std::fs::remove_dir_all(format!("/etc/netns/{}", self.name));
    }
}

/// Tests that measure time or CPU, and tests that load the machine, take
/// this lock so that they never overlap one another (the light tests still
/// run in parallel). A test that failed while holding it does not block
/// the others (the poison is ignored).
pub fn exclusive() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

/// One process (or thread) as /proc/PID/stat describes it.
#[derive(Clone, Copy, Debug)]
pub struct ProcStat {
    /// the process id (for a task of /proc/PID/task: the thread id)
    pub pid: u32,
    pub state: char,
    pub ppid: u32,
    /// the kernel's task flags (PF_EXITING = 0x4, …)
    pub flags: u64,
    /// user + system CPU, in clock ticks
    pub cpu_ticks: u64,
    /// scheduling policy (SCHED_OTHER 0, SCHED_BATCH 3, SCHED_IDLE 5, …)
    pub policy: u64,
}

/// /proc/PID/stat of one process, if it still exists.
pub fn proc_stat(pid: u32) -> Option<ProcStat> {
    parse_stat(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// /proc/PID/task/TID/stat of every thread of `pid`.
pub fn task_stats(pid: u32) -> Vec<ProcStat> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return Vec::new() };
    dir.filter_map(|e| parse_stat(&std::fs::read_to_string(e.ok()?.path().join("stat")).ok()?)).collect()
}

fn parse_stat(stat: &str) -> Option<ProcStat> {
    // "pid (comm) state ppid pgrp session tty_nr tpgid flags …": comm may
    // hold spaces and parentheses
    let (head, tail) = stat.rsplit_once(") ")?;
    let f: Vec<&str> = tail.split_whitespace().collect();
    let num = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    Some(ProcStat {
        pid: head.split_whitespace().next()?.parse().ok()?,
        state: f.first()?.chars().next()?,
        ppid: num(1) as u32,
        flags: num(6),
        cpu_ticks: num(11) + num(12),
        policy: num(38),
    })
}

/// A field of /proc/PID/status (`VmRSS`, `CapEff`, …), its value trimmed.
pub fn proc_status(pid: u32, key: &str) -> Option<String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| Some(l.strip_prefix(key)?.strip_prefix(':')?.trim().to_string()))
}

/// Every process whose parent is `pid`.
pub fn children_of(pid: u32) -> Vec<ProcStat> {
    std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_string_lossy().parse::<u32>().ok())
                .filter_map(proc_stat)
                .filter(|p| p.ppid == pid)
                .collect()
        })
        .unwrap_or_default()
}

/// SIGKILL `pid` and its descendants (found in /proc before it dies).
pub fn kill_tree(pid: u32) {
    for c in children_of(pid) {
        kill_tree(c.pid);
    }
    let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), nix::sys::signal::Signal::SIGKILL);
}

/// Poll `cond` every 10 ms for at most `secs` seconds: whether it came
/// true (the caller asserts what it was waiting for).
pub fn eventually(secs: u64, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if cond() {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// One TCP socket as /proc/net/tcp and /proc/net/tcp6 list it (this
/// network namespace, every process).
#[derive(Clone, Copy, Debug)]
pub struct TcpSocket {
    pub local_port: u16,
    pub remote_port: u16,
    /// the kernel's TCP state (0x01 ESTABLISHED, 0x0A LISTEN, …)
    pub state: u8,
    /// bytes sent and not acknowledged yet
    pub tx_queue: u64,
    /// bytes received and not read by the process; for a listening socket,
    /// the connections waiting in its accept queue
    pub rx_queue: u64,
}

const TCP_LISTEN: u8 = 0x0a;

pub fn tcp_sockets() -> Vec<TcpSocket> {
    let hex = |s: &str| u64::from_str_radix(s, 16).ok();
    let port = |addr: &str| addr.rsplit_once(':').and_then(|(_, p)| hex(p)).map(|p| p as u16);
    let mut v = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else { continue };
        // "sl local_address rem_address st tx_queue:rx_queue …"
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            let parsed = (|| {
                let (tx, rx) = f.get(4)?.split_once(':')?;
                Some(TcpSocket {
                    local_port: port(f.get(1)?)?,
                    remote_port: port(f.get(2)?)?,
                    state: hex(f.get(3)?)? as u8,
                    tx_queue: hex(tx)?,
                    rx_queue: hex(rx)?,
                })
            })();
            v.extend(parsed);
        }
    }
    v
}

/// How many connections wait in the accept queue of the listener on
/// `port`: their handshake is done, the server has not accepted them.
pub fn accept_queue(port: u16) -> Option<u64> {
    tcp_sockets().into_iter().find(|s| s.state == TCP_LISTEN && s.local_port == port).map(|s| s.rx_queue)
}

/// The socket of the connection from `local_port` to `remote_port` (on
/// loopback both ends are listed: pick the end by its local port).
pub fn tcp_socket(local_port: u16, remote_port: u16) -> Option<TcpSocket> {
    tcp_sockets()
        .into_iter()
        .find(|s| s.state != TCP_LISTEN && s.local_port == local_port && s.remote_port == remote_port)
}

/// Start `cmd`, read one byte of its stdout and close the pipe: a command
/// whose output never ends (a device, an endless stdin) must then stop by
/// itself, as `cat` does, with exit 0 and no panic, within 10 s.
/// Returns its stderr.
pub fn stops_when_stdout_closes(cmd: &mut std::process::Command, endless_stdin: bool) -> String {
    use std::io::{Read, Write};
    use std::process::Stdio;
    let mut child = cmd
        .stdin(if endless_stdin { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let feeder = child.stdin.take().map(|mut sin| {
        std::thread::spawn(move || {
            // ends with EPIPE once the command has exited
            let chunk = b"1\n".repeat(8192);
            while sin.write_all(&chunk).is_ok() {}
        })
    });
    let mut out = child.stdout.take().unwrap();
    let mut one = [0u8; 1];
    out.read_exact(&mut one).unwrap();
    drop(out);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} still running 10 s after its stdout was closed");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    if let Some(f) = feeder {
        f.join().unwrap();
    }
    assert!(!err.contains("panicked"), "{cmd:?}: {err}");
    assert_eq!(status.code(), Some(0), "{cmd:?}: {status:?} {err}");
    err
}

/// A trace line without the reason netlab gives for a call the course's
/// program would not make (`pipe2(...) = 0   # self-pipe: ...`).
pub fn trace_call(line: &str) -> &str {
    line.split("   # ").next().unwrap_or(line)
}

/// Make this test process a child subreaper (once): a process netlab
/// leaves behind (an orphan, or a zombie whose parent ended) then comes to
/// this process instead of init, and stays visible in /proc, where
/// [`assert_gone`] finds it.
pub fn become_subreaper() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| nix::sys::prctl::set_child_subreaper(true).expect("PR_SET_CHILD_SUBREAPER"));
}

/// Every one of `pids` is gone from /proc: no zombie and no orphan was left
/// behind. One that is still there is killed and reaped (the test fails).
#[track_caller]
pub fn assert_gone(pids: &[i32], what: &str) {
    let left: Vec<(i32, char)> = pids.iter().filter_map(|&p| proc_stat(p as u32).map(|s| (p, s.state))).collect();
    for (p, _) in &left {
        let pid = nix::unistd::Pid::from_raw(*p);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
        let _ = nix::sys::wait::waitpid(pid, None);
    }
    assert!(left.is_empty(), "{what}: processes left behind (pid, state): {left:?}");
}

/// A netlab command whose stdout lines are read as they come, so that a
/// test can act at a point of the run (send a signal once a line is out).
pub struct Running {
    pub child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    pub fn start(args: &[&str]) -> Running {
        Running::spawn(netlab().args(args))
    }

    /// As [`Running::start`], in a process group of its own, as a shell
    /// starts a foreground job: [`Running::signal_group`] is then Ctrl-C.
    pub fn start_group(args: &[&str]) -> Running {
        use std::os::unix::process::CommandExt;
        Running::spawn(netlab().args(args).process_group(0))
    }

    fn spawn(cmd: &mut std::process::Command) -> Running {
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Running { child, lines: rx, seen: Vec::new(), reader: Some(reader) }
    }

    /// Wait (bounded) for a stdout line containing `needle`.
    pub fn wait_line(&mut self, needle: &str, secs: u64) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        while !self.seen.iter().any(|l| l.contains(needle)) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => self.seen.push(l),
                Err(_) => panic!("no line with {needle:?} within {secs} s; lines: {:?}", self.seen),
            }
        }
    }

    pub fn signal(&self, sig: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.child.id() as i32), sig).expect("kill");
    }

    /// `sig` to every process of its group (started with
    /// [`Running::start_group`]), as Ctrl-C on a terminal sends SIGINT.
    pub fn signal_group(&self, sig: nix::sys::signal::Signal) {
        nix::sys::signal::killpg(nix::unistd::Pid::from_raw(self.child.id() as i32), sig).expect("killpg");
    }

    /// Wait for the exit; its code and every stdout line as events.
    pub fn finish(self) -> (Option<i32>, Vec<Ev>) {
        let (code, evs, _) = self.finish_with_stderr();
        (code, evs)
    }

    /// As [`Running::finish`], with what it wrote on stderr.
    pub fn finish_with_stderr(mut self) -> (Option<i32>, Vec<Ev>, String) {
        let status = self.child.wait().expect("wait");
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        self.seen.extend(self.lines.try_iter());
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut err);
        }
        (status.code(), parse_events(&self.seen.join("\n")), err)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Wait (bounded) until process `pid` is blocked in system call number
/// `nr` (/proc/PID/syscall; accept4 is 288 on x86_64), so that a signal
/// sent next interrupts that call.
pub fn wait_blocked_in(pid: u32, nr: u32, secs: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        let now = std::fs::read_to_string(format!("/proc/{pid}/syscall")).unwrap_or_default();
        if now.split_whitespace().next() == Some(&nr.to_string()) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{pid} not blocked in syscall {nr}: {now}");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}
