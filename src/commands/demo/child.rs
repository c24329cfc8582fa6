//! The netlab processes the demo starts (this same binary): a server on a
//! free loopback port, or a lesson of the process half of the course.
//!
//! Each is started with posix_spawn, its stdout a pipe the demo reads;
//! under `--trace` it is traced too (`--trace`), and its stderr a second
//! pipe whose lines are relayed to the demo's stderr marked `[pid N]`, as
//! a forked child's are: the trace of the demo shows both ends of every
//! connection, and every process of every lesson. Every wait for one is
//! bounded (a pidfd polled with a timeout); one still running when the
//! demo is done with it is killed and reaped.

use crate::logging::because;
use crate::sys::{self, Fd};
use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;
use nix::unistd::Pid;
use std::io::{BufRead, BufReader};
use std::sync::mpsc::Receiver;
use std::time::Duration;

/// A running netlab process started by the demo.
pub struct Child {
    pid: Pid,
    /// its stdout, line by line (the sender's end closes at EOF)
    lines: Receiver<String>,
    /// Says (by closing) that every line of its stderr was relayed.
    relayed: Option<Receiver<()>>,
    /// reaped already
    reaped: bool,
}

/// `netlab --json [--trace] ARGS` as a string list, argv[0] the binary.
fn argv(exe: &std::path::Path, args: &[&str]) -> Vec<String> {
    let mut v = vec![exe.display().to_string(), "--json".to_string()];
    if crate::logging::tracing_syscalls() {
        v.push("--trace".into());
        if crate::logging::json_logs() {
            v.extend(["--log-format".to_string(), "json".to_string()]);
        }
    }
    v.extend(args.iter().map(|a| a.to_string()));
    v
}

/// A pipe's read end as a std reader (the thread that reads it closes it).
fn reader(fd: Fd) -> std::fs::File {
    use std::os::fd::FromRawFd;
    // SAFETY: the descriptor is open and given up by its Fd here: the
    // File is its only owner.
    unsafe { std::fs::File::from_raw_fd(fd.into_raw()) }
}

impl Child {
    /// Start `netlab --json ARGS` (with `--trace` when the demo is traced).
    pub fn start(args: &[&str]) -> std::result::Result<Child, String> {
        let exe = std::env::current_exe().map_err(|e| format!("cannot find the netlab binary: {e}"))?;
        let traced = crate::logging::tracing_syscalls();
        let (out_r, out_w) =
            because("its stdout: the demo reads its events", || sys::pipe_with(nix::fcntl::OFlag::O_CLOEXEC))
                .map_err(|e| e.to_string())?;
        let err = if traced {
            let p = because("its trace, relayed to this stderr marked [pid N]", || {
                sys::pipe_with(nix::fcntl::OFlag::O_CLOEXEC)
            });
            Some(p.map_err(|e| e.to_string())?)
        } else {
            None
        };
        let spawned = sys::spawn(&exe, &argv(&exe, args), &out_w, err.as_ref().map(|(_, w)| w));
        // the child has its copies (or there is no child): the write ends
        // are the child's alone, so the demo sees EOF when it ends
        drop(out_w);
        let err_r = err.map(|(r, w)| {
            drop(w);
            r
        });
        let pid = spawned.map_err(|e| format!("start {}: {}", args[0], crate::error::describe_errno(e)))?;
        let relayed = err_r.map(|fd| {
            let json = crate::logging::json_logs();
            let (done, relayed) = std::sync::mpsc::channel::<()>();
            std::thread::spawn(move || {
                let _done = done;
                for line in BufReader::new(reader(fd)).lines().map_while(|l| l.ok()) {
                    // JSON lines carry their pid; a forked child's are marked already
                    if json || line.starts_with("[pid ") {
                        crate::stderr::line(&line);
                    } else {
                        crate::stderr::line(&format!("[pid {pid}] {line}"));
                    }
                }
            });
            relayed
        });
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(reader(out_r)).lines().map_while(|l| l.ok()) {
                let _ = tx.send(line);
            }
        });
        Ok(Child { pid, lines, relayed, reaped: false })
    }

    /// Wait (at most `limit`) for it to end by itself with status 0.
    pub fn finish(&mut self, limit: Duration) -> std::result::Result<(), String> {
        match sys::wait_child_for(self.pid, limit) {
            Ok(Some(st)) => {
                self.reaped = true;
                match st {
                    WaitStatus::Exited(_, 0) => Ok(()),
                    other => Err(format!(
                        "it ended: {}",
                        sys::describe_wait(other).map_or_else(|| format!("{other:?}"), |(_, how)| how)
                    )),
                }
            }
            Ok(None) => Err(format!("it did not end by itself within {} s", limit.as_secs())),
            Err(e) => Err(format!("waitpid: {}", crate::error::describe_errno(e))),
        }
    }

    /// The next stdout line, waiting at most `limit`; None at EOF or when
    /// the time is up.
    pub fn line(&self, limit: Duration) -> Option<String> {
        self.lines.recv_timeout(limit).ok()
    }

    /// Every stdout line it has left (after it ended: up to EOF).
    pub fn rest(&self) -> Vec<String> {
        let mut v = Vec::new();
        while let Some(l) = self.line(Duration::from_secs(5)) {
            v.push(l);
        }
        v
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if !self.reaped {
            let _ =
                because("the demo is done with it and it still runs", || sys::kill(self.pid.as_raw(), Signal::SIGKILL));
            let _ = sys::wait_child_for(self.pid, Duration::from_secs(5));
        }
        // its last trace lines before the demo's next step (bounded: a
        // descendant still holding the pipe does not hold the demo)
        if let Some(relayed) = self.relayed.take() {
            let _ = relayed.recv_timeout(Duration::from_secs(5));
        }
    }
}
