//! `netlab pipe`: parent and child talk through pipes made before fork().
//!
//! Course: 프로세스간 통신 (pipe1.c, pipe2.c, pipe3.c): a pipe belongs to
//! the kernel, not the process, so fork() copies only the descriptors of
//! its two ends. `--trace` shows `pipe([3, 4])`, the fork, and which
//! process closes which end. Beyond the course, the three things students
//! get wrong: end of file needs every write end closed (`eof`), writing
//! with no reader left (`epipe`), and how much a pipe holds and which
//! writes are atomic (`capacity`).
//!
//! Try it:
//!   netlab --trace pipe oneway
//!   netlab pipe twoway --pipes 1      # run it a few times
//!   netlab pipe eof --leak

mod capacity;
mod epipe;
pub mod events;
mod oneway;
mod twoway;

pub use events::Event;

use crate::docs::Docs;
use crate::error::{Error, Op, Result};
use crate::logging::because;
use crate::output::Out;
use crate::sys::{self, Fd};
use std::time::{Duration, Instant};

pub const DOCS: Docs = Docs {
    examples: &[
        ("netlab pipe oneway", "pipe1.c: the child writes \"Who are you?\", the parent reads it"),
        ("netlab --trace pipe oneway --data hello", "pipe(), fork(), and which process closes which end"),
        ("netlab pipe twoway --pipes 1", "pipe2.c without its sleep: a process may read back its own message"),
        ("netlab pipe twoway --pipes 2", "pipe3.c: one pipe each way, never crossed"),
        ("netlab pipe eof --leak", "read() never returns 0 while a write end is open: netlab names it"),
        ("netlab pipe epipe", "writing with every read end closed: SIGPIPE kills the writer"),
        ("netlab pipe epipe --ignore-sigpipe", "with SIGPIPE ignored, write() fails with EPIPE"),
        ("netlab pipe capacity", "how much a pipe holds (F_GETPIPE_SZ) and PIPE_BUF atomicity"),
    ],
    events: &[
        ("pipe", "read_fd, write_fd"),
        ("transfer", "from_pid, to_pid, bytes, data"),
        ("reaped", "pid, status, call, exited, code, signaled, signal (the child)"),
        (
            "result",
            "kind=oneway: bytes, intact; kind=twoway: pipes, crossed, stuck; kind=eof: eof, kept_open_by, waited_ms; \
             kind=epipe: ignored, killed, signal, errno; kind=capacity: bytes, pipe_size, pipe_buf, big_write, small_write",
        ),
    ],
    exit_notes: &["1 when pipe() or fork() fails"],
};

#[derive(Debug, clap::Args)]
#[command(about = "Pipes between a parent and its child: one way, two ways, EOF, EPIPE, capacity")]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// pipe1.c: the child writes, the parent reads
    Oneway(OnewayArgs),
    /// pipe2.c (one pipe, both ways) and pipe3.c (two pipes)
    Twoway(TwowayArgs),
    /// EOF comes only when every write end is closed
    Eof(EofArgs),
    /// Writing after every read end is closed: SIGPIPE, or EPIPE
    Epipe(EpipeArgs),
    /// How much a pipe holds, and which writes are atomic (PIPE_BUF)
    Capacity,
}

#[derive(Debug, clap::Args)]
pub struct OnewayArgs {
    /// What the child writes
    #[arg(long, value_name = "TEXT", default_value = "Who are you?")]
    pub data: String,
}

#[derive(Debug, clap::Args)]
pub struct TwowayArgs {
    /// 1: one pipe for both directions (pipe2.c); 2: one pipe each way (pipe3.c)
    #[arg(long, value_name = "N", default_value = "2", value_parser = crate::values::pipes)]
    pub pipes: u8,
}

#[derive(Debug, clap::Args)]
pub struct EofArgs {
    /// The parent keeps its copy of the write end open: EOF never comes
    #[arg(long)]
    pub leak: bool,
}

#[derive(Debug, clap::Args)]
pub struct EpipeArgs {
    /// The writer ignores SIGPIPE: write() fails with EPIPE instead
    #[arg(long)]
    pub ignore_sigpipe: bool,
}

pub fn run(args: &Args, out: &mut Out) -> Result<()> {
    let _signals = crate::signals::Signals::install_lesson()?;
    match &args.action {
        Action::Oneway(a) => oneway::run(&a.data, out),
        Action::Twoway(a) => twoway::run(a.pipes, out),
        Action::Eof(a) => oneway::eof(a.leak, out),
        Action::Epipe(a) => epipe::run(a.ignore_sigpipe, out),
        Action::Capacity => capacity::run(out),
    }
}

/// pipe(fds): the course's plain pipe (no flags), and its `pipe` event.
fn make_pipe(out: &Out) -> Result<(Fd, Fd)> {
    let (r, w) = sys::pipe_with(nix::fcntl::OFlag::empty())?;
    out.emit(&Event::Pipe { read_fd: r.raw(), write_fd: w.raw() });
    Ok((r, w))
}

/// How long netlab lets a read wait for a message that may never come.
const READ_BOUND: Duration = Duration::from_secs(1);

/// read() until EOF or `limit` bytes, each wait bounded by READ_BOUND
/// (poll): Ok((data, eof)); `eof` false when the bound ran out first. On a
/// non-blocking end, EAGAIN (another reader took what poll saw) waits
/// again.
fn read_bounded(fd: &Fd, limit: usize) -> Result<(Vec<u8>, bool)> {
    read_within(fd, limit, false)
}

/// One read() of up to `limit` bytes, as the course's pipe2.c reads, its
/// wait bounded by READ_BOUND: what it returned (empty at EOF or when the
/// bound ran out).
fn read_once(fd: &Fd, limit: usize) -> Result<Vec<u8>> {
    read_within(fd, limit, true).map(|(data, _)| data)
}

fn read_within(fd: &Fd, limit: usize, once: bool) -> Result<(Vec<u8>, bool)> {
    let mut data = Vec::new();
    let deadline = Instant::now() + READ_BOUND;
    let mut buf = [0u8; 30]; // the course's BUF_SIZE
    while data.len() < limit && (!once || data.is_empty()) {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut p = [sys::pollfd(fd.raw(), libc::POLLIN)];
        // (a Ctrl-C that came before the poll is seen here; one during it
        // interrupts it)
        let ready = crate::signals::blocking(|| {
            because("netlab bounds the wait: the message may never come", || sys::poll(&mut p, sys::poll_ms(left)))
        });
        match ready {
            Some(Ok(0)) => return Ok((data, false)),
            Some(Ok(_)) => {}
            Some(Err(nix::errno::Errno::EINTR)) if crate::signals::stop_requested().is_none() => continue,
            None | Some(Err(nix::errno::Errno::EINTR)) => return Err(crate::signals::interrupted()),
            Some(Err(e)) => return Err(Error::sys(Op::Poll, e)),
        }
        let want = buf.len().min(limit - data.len());
        match sys::read(fd, &mut buf[..want]) {
            Ok(0) => return Ok((data, true)),
            Ok(n) => data.extend_from_slice(&buf[..n]),
            Err(nix::errno::Errno::EINTR | nix::errno::Errno::EAGAIN) => {}
            Err(e) => return Err(Error::sys(Op::Read, e)),
        }
    }
    Ok((data, false))
}

/// Reap `child` (it ends at once after its part) and emit `reaped`.
fn reap(child: nix::unistd::Pid, out: &Out) -> Result<nix::sys::wait::WaitStatus> {
    let st = sys::waitpid_child(child).map_err(|e| Error::sys(Op::Wait, e))?;
    out.emit(&crate::events::reaped(st, "waitpid"));
    Ok(st)
}
