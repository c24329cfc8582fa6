//! Diagnostics on stderr: tracing logs (`-v`, `-vv`, `-q`, `RUST_LOG`) and
//! the `--trace` narration of system calls, both in text or JSON
//! (`--log-format`).
//!
//! Trace lines are written directly, not through tracing, so that they read
//! exactly like the C call (`bind(3, 0.0.0.0:9190) = 0`) with no timestamp
//! or level in front; in JSON each is `{"trace":"…","pid":N}`.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use tracing_subscriber::EnvFilter;

static TRACE: AtomicBool = AtomicBool::new(false);
static JSON: AtomicBool = AtomicBool::new(false);
/// 0 = trace lines carry no prefix; 1 = prefixed with `[pid N]` (a forked
/// child); 2 = prefixed with the thread name (a worker thread). Children
/// forked by a server are also recognised without marking (see
/// `signals::in_forked_child`), so the fork model writes nothing here.
static PREFIX: AtomicU8 = AtomicU8::new(0);

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
        LogFormat::Text => builder.with_ansi(stderr_is_tty()).try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

fn stderr_is_tty() -> bool {
    nix::unistd::isatty(std::io::stderr()).unwrap_or(false)
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

/// Mark this process as a forked child: its trace lines say `[pid N]`.
pub fn mark_forked_child() {
    PREFIX.store(1, Ordering::Relaxed);
}

/// Mark worker threads: trace lines carry the thread's name.
pub fn mark_threaded() {
    PREFIX.store(2, Ordering::Relaxed);
}

/// Write one narrated system call to stderr.
pub fn trace_line(line: &str) {
    let pid = std::process::id();
    if JSON.load(Ordering::Relaxed) {
        let v = serde_json::json!({ "trace": line, "pid": pid });
        crate::output::stderr_line(&v.to_string());
        return;
    }
    let prefix = if crate::signals::in_forked_child() { 1 } else { PREFIX.load(Ordering::Relaxed) };
    match prefix {
        1 => crate::output::stderr_line(&format!("[pid {pid}] {line}")),
        2 => {
            let t = std::thread::current();
            crate::output::stderr_line(&format!("[{}] {line}", t.name().unwrap_or("thread")))
        }
        _ => crate::output::stderr_line(line),
    }
}
