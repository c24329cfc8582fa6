//! `netlab process`: the course's processes, as a student runs them.
//!
//! Course: 멀티프로세스 기반의 서버구현 (fork, 좀비 프로세스, wait/waitpid,
//! 시그널 핸들링): fork.c, zombie.c, wait.c, waitpid.c, remove_zombie.c.
//!
//! Every process netlab forks is labelled in `--trace` (`[pid 4243]
//! exit(7) = ?`), every event names its pid, and every wait is bounded.
//! netlab never leaves a zombie or an orphan behind: a lesson that is
//! interrupted (Ctrl-C) or whose child is killed still reaps every child
//! before it ends.
//!
//! Try it:
//!   netlab process fork
//!   netlab process zombie --hold 10     # and `ps au | grep defunct` meanwhile
//!   netlab --trace process sigchld --handler once

pub mod events;
mod fork;
mod procfs;
mod sigchld;
mod wait;
mod zombie;

pub use events::Event;

use crate::docs::Docs;
use crate::error::{Error, Result};
use crate::output::Out;
use crate::values;
use nix::sys::signal::Signal;
use std::time::Duration;

pub const DOCS: Docs = Docs {
    examples: &[
        ("netlab process fork", "fork.c: memory is copied, not shared (the child's and the parent's variables)"),
        ("netlab process zombie --hold 10", "zombie.c: ten seconds to see it in `ps au` as Z+ <defunct>"),
        ("netlab process zombie --reap none", "the parent ends without waiting: who adopts the orphan"),
        ("netlab process wait --exit 3", "wait.c: wait() blocks, WIFEXITED true, WEXITSTATUS 3"),
        ("netlab process wait --signal TERM", "a child killed by a signal: WIFSIGNALED, WTERMSIG"),
        ("netlab process wait --call waitpid --nohang", "waitpid.c: poll with WNOHANG, one line per poll"),
        ("netlab process sigchld --handler once", "remove_zombie.c: one waitpid per SIGCHLD leaks zombies"),
        ("netlab --trace process sigchld --children 50", "the fix: the handler loops waitpid(-1, WNOHANG)"),
    ],
    events: &[
        ("forked", "role (parent|child), pid, ppid, fork_returned, global, local (fork)"),
        ("state", "pid, state (Z, or gone once reaped), stat (as ps au: Z+), command ([netlab] <defunct>), ppid"),
        ("hold", "pid, ms (zombie: the parent holds without waiting)"),
        ("adopted", "pid, by, by_command (zombie --reap none: who adopted the orphan)"),
        ("poll", "n, pid, result (wait --nohang: one per waitpid that found the child running)"),
        (
            "reaped",
            "pid, status, call (wait or waitpid), by (handler, adopter or netlab, when not the parent's own code), \
             exited, code, signaled, signal (the W* macros decoded)",
        ),
        ("result", "kind=sigchld: handler, children, signals_handled, reaped_by_handler, zombies_left"),
    ],
    exit_notes: &[
        "0 also when Ctrl-C ended a lesson early: its children are reaped first",
        "1 when fork fails, or a child does not end within the lesson's bound (it is killed and reaped)",
        "2 for a bad value: --children 0, an unknown signal, a negative --hold, an exit code over 255",
    ],
};

#[derive(Debug, clap::Args)]
#[command(about = "Processes as the course runs them: fork, zombies, wait/waitpid, the SIGCHLD handler")]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// fork.c: the parent and the child each change their own copy of two variables
    Fork,
    /// zombie.c: a child exits while its parent does not wait; ps shows it as Z
    Zombie(ZombieArgs),
    /// wait.c and waitpid.c: wait for a child and decode its status
    Wait(WaitArgs),
    /// remove_zombie.c: N children exit at once; a handler that waits once per SIGCHLD leaks zombies
    Sigchld(SigchldArgs),
}

/// How the zombie is finally reaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Reap {
    /// the parent ends without waiting: the orphan is adopted and reaped by its new parent
    None,
    /// wait(&status)
    Wait,
    /// waitpid(pid, &status, 0)
    Waitpid,
    /// a SIGCHLD handler installed first reaps it at once: no zombie
    Sigchld,
}

#[derive(Debug, clap::Args)]
pub struct ZombieArgs {
    /// How the parent reaps its child
    #[arg(long, value_enum, default_value_t = Reap::Waitpid)]
    pub reap: Reap,
    /// How long the parent holds without waiting (0..60 s)
    #[arg(long, value_name = "SECS", default_value = "2", value_parser = values::hold)]
    pub hold: Duration,
    /// The child's exit code
    #[arg(long = "exit", value_name = "CODE", default_value = "7", value_parser = values::exit_code)]
    pub code: i32,
}

/// The call that waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Call {
    /// wait(&status): any child, blocking
    Wait,
    /// waitpid(pid, &status, options): that child; with --nohang, without blocking
    Waitpid,
}

#[derive(Debug, clap::Args)]
pub struct WaitArgs {
    /// The call the parent waits with
    #[arg(long, value_enum, default_value_t = Call::Wait)]
    pub call: Call,
    /// The child exits with CODE [default: 3]
    #[arg(long = "exit", value_name = "CODE", value_parser = values::exit_code, conflicts_with = "signal")]
    pub code: Option<i32>,
    /// The child dies of this signal instead (TERM, KILL, 9…)
    #[arg(long, value_name = "SIG", value_parser = values::signal)]
    pub signal: Option<Signal>,
    /// Poll with waitpid(pid, &status, WNOHANG) until the child has ended (needs --call waitpid)
    #[arg(long)]
    pub nohang: bool,
}

/// The SIGCHLD handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Handler {
    /// waitpid once per signal, as remove_zombie.c: signals coalesce, zombies are left
    Once,
    /// waitpid(-1, WNOHANG) in a loop until it returns 0: none is left
    Loop,
}

impl Handler {
    fn name(self) -> &'static str {
        match self {
            Handler::Once => "once",
            Handler::Loop => "loop",
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct SigchldArgs {
    /// Children that exit at the same moment (1..1000)
    #[arg(long, value_name = "N", default_value = "20", value_parser = children)]
    pub children: u64,
    /// What the SIGCHLD handler does
    #[arg(long, value_enum, default_value_t = Handler::Loop)]
    pub handler: Handler,
}

fn children(s: &str) -> std::result::Result<u64, String> {
    values::count_in(s, 1, 1000)
}

/// Signals whose default action does not end a process.
fn survives(sig: Signal) -> bool {
    matches!(
        sig,
        Signal::SIGCHLD
            | Signal::SIGCONT
            | Signal::SIGURG
            | Signal::SIGWINCH
            | Signal::SIGSTOP
            | Signal::SIGTSTP
            | Signal::SIGTTIN
            | Signal::SIGTTOU
    )
}

pub fn run(args: &Args, out: &mut Out) -> Result<()> {
    match &args.action {
        Action::Fork => fork::run(out),
        Action::Zombie(a) => zombie::run(&zombie::Config { reap: a.reap, hold: a.hold, code: a.code }, out),
        Action::Wait(a) => {
            if a.nohang && a.call != Call::Waitpid {
                return Err(Error::usage("--nohang is an option of waitpid: add --call waitpid"));
            }
            let end = match a.signal {
                Some(sig) if survives(sig) => {
                    return Err(Error::usage(format!(
                        "{} does not end a process (its default action is to ignore it or to stop it); \
                         choose one that does, like TERM, KILL or INT",
                        sig.as_str()
                    )))
                }
                Some(sig) => wait::End::Signal(sig),
                None => wait::End::Exit(a.code.unwrap_or(3)),
            };
            wait::run(&wait::Config { call: a.call, end, nohang: a.nohang }, out)
        }
        Action::Sigchld(a) => sigchld::run(&sigchld::Config { children: a.children, handler: a.handler }, out),
    }
}

/// The `reaped` event of a status as the W* macros decode it.
fn reaped(status: nix::sys::wait::WaitStatus, call: &str) -> crate::events::Event {
    crate::events::reaped(status, call)
}

/// The `state` event of `pid` now: as `ps au` shows it, or `gone`.
fn state(pid: i32) -> Event {
    match procfs::read(pid) {
        Some(p) => {
            Event::State { pid, state: p.state.to_string(), stat: p.ps_stat(), command: p.ps_command(), ppid: p.ppid }
        }
        None => Event::State { pid, state: "gone".into(), stat: String::new(), command: String::new(), ppid: 0 },
    }
}
