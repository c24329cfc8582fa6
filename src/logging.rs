//! Diagnostics on stderr: tracing logs (`-v`, `-vv`, `-q`, `RUST_LOG`) and
//! the `--trace` narration of system calls, both in text or JSON
//! (`--log-format`).
//!
//! Trace lines are written directly, not through tracing, so that they read
//! exactly like the C call (`bind(3, 0.0.0.0:9190) = 0`) with no timestamp
//! or level in front; in JSON each is `{"trace":"…","pid":N}`. A call the
//! course's program would not make carries its reason (see [`because`]):
//! `pipe2([4, 5], O_NONBLOCK|O_CLOEXEC) = 0   # self-pipe: a signal wakes the loop`.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU8, Ordering};
use tracing_subscriber::EnvFilter;

static TRACE: AtomicBool = AtomicBool::new(false);
static JSON: AtomicBool = AtomicBool::new(false);
/// 0 = trace lines carry no prefix; 1 = prefixed with `[pid N]` (a forked
/// child); 2 = prefixed with the thread name (a worker thread). A process
/// forked after [`set_owner`] is recognised without marking (see
/// [`in_forked_child`]), so a forking server writes nothing here.
static PREFIX: AtomicU8 = AtomicU8::new(0);
/// The process that owns the command (set once, before anything forks).
/// A forked child inherits the value but not the identity.
static OWNER: AtomicI32 = AtomicI32::new(0);

thread_local! {
    /// Why the calls being narrated now are made (see [`because`]).
    static REASON: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Format of stderr diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Start logging. `verbosity`: -1 for `-q`, 0 default, 1 `-v`, 2 `-vv`, 3+.
pub fn init(verbosity: i8, format: LogFormat, trace: bool) {
    TRACE.store(trace, Ordering::Relaxed);
    JSON.store(format == LogFormat::Json, Ordering::Relaxed);
    let level = match verbosity {
        i8::MIN..=-1 => "error",
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = match std::env::var("RUST_LOG") {
        Ok(v) if !v.trim().is_empty() => EnvFilter::try_new(v).unwrap_or_else(|_| EnvFilter::new(level)),
        _ => EnvFilter::new(level),
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false);
    // A second init (tests calling run() twice in one process) is harmless.
    let _ = match format {
        LogFormat::Text => builder.with_ansi(crate::stderr::is_tty()).try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// Whether stderr diagnostics are JSON (`--log-format json`).
pub fn json_logs() -> bool {
    JSON.load(Ordering::Relaxed)
}

/// Whether `--trace` is on (one relaxed load: free on the hot path).
#[inline]
pub fn tracing_syscalls() -> bool {
    TRACE.load(Ordering::Relaxed)
}

/// Record this process as the command's owner: a process forked from now
/// on knows it is a child ([`in_forked_child`]).
pub fn set_owner() {
    OWNER.store(std::process::id() as i32, Ordering::SeqCst);
}

/// The owner's pid (0 before [`set_owner`]). Async-signal-safe: a load.
pub fn owner() -> i32 {
    OWNER.load(Ordering::Relaxed)
}

/// Whether this process is a child forked after [`set_owner`] (its trace
/// lines say `[pid N]`).
pub fn in_forked_child() -> bool {
    let owner = owner();
    owner != 0 && owner != std::process::id() as i32
}

/// Mark this process as a forked child: its trace lines say `[pid N]`.
pub fn mark_forked_child() {
    PREFIX.store(1, Ordering::Relaxed);
}

/// Mark worker threads: trace lines carry the thread's name.
pub fn mark_threaded() {
    PREFIX.store(2, Ordering::Relaxed);
}

/// Run `f`, and give every call it narrates the reason `why`: the calls a
/// model makes that the course's program would not (a self-pipe, a spare
/// descriptor, `fcntl(O_NONBLOCK)`), so that a student reading the trace
/// can tell the lesson from netlab's own plumbing.
pub fn because<T>(why: &'static str, f: impl FnOnce() -> T) -> T {
    let before = REASON.with(|r| r.replace(Some(why)));
    let out = f();
    REASON.with(|r| r.set(before));
    out
}

/// Lines noted where they could not be written (the calls of a signal
/// handler), given by the module that noted them ([`set_pending`]).
type Pending = fn() -> Vec<(String, Option<&'static str>)>;
static PENDING: std::sync::OnceLock<Pending> = std::sync::OnceLock::new();

/// Where trace lines noted elsewhere come from: written before the next
/// trace line, in order (sys's signal-handler journal).
pub fn set_pending(source: Pending) {
    let _ = PENDING.set(source);
}

/// Write the lines noted since the last trace line (the run is ending).
pub fn flush_pending() {
    if let Some(source) = PENDING.get() {
        for (line, why) in source() {
            write_trace(&line, why, true);
        }
    }
}

/// Write one narrated system call to stderr (after the calls signal
/// handlers made since the last one).
pub fn trace_line(line: &str) {
    flush_pending();
    write_trace(line, REASON.with(Cell::get), false);
}

/// `handler`: a signal handler's call, labelled with the handler, not with
/// the thread that happens to write it.
fn write_trace(line: &str, why: Option<&'static str>, handler: bool) {
    let pid = std::process::id();
    if json_logs() {
        let mut v = serde_json::json!({ "trace": line, "pid": pid });
        if let Some(w) = why {
            v["why"] = w.into();
        }
        // a handler's call: which handler, for a filter (`[SIGCHLD handler] …`)
        if let Some((sig, _)) = handler.then(|| line.strip_prefix('[')?.split_once(" handler] ")).flatten() {
            v["handler"] = sig.into();
        }
        crate::stderr::line(&v.to_string());
        return;
    }
    let line = match why {
        Some(w) => format!("{line}   # {w}"),
        None => line.to_string(),
    };
    let prefix = if in_forked_child() { 1 } else { PREFIX.load(Ordering::Relaxed) };
    let line = match prefix {
        1 => format!("[pid {pid}] {line}"),
        2 if !handler => format!("[{}] {line}", std::thread::current().name().unwrap_or("thread")),
        _ => line,
    };
    crate::stderr::line(&line);
}
