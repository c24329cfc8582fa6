//! `netlab signal`: signals as the course handles them.
//!
//! Course: 시그널 핸들링 (signal.c, sigaction.c): a handler for SIGALRM and
//! one for SIGINT, alarm(2), and sleeps that a signal cuts short; and what
//! a blocked call does when a signal arrives: it fails with EINTR, unless
//! the handler was installed with SA_RESTART.
//!
//! Try it:
//!   netlab signal alarm               # wait... Time out! three times, in 6 s
//!   netlab signal eintr --during read
//!   netlab signal eintr --during read --restart

mod alarm;
mod eintr;
pub mod events;

pub use events::Event;

use crate::docs::Docs;
use crate::error::Result;
use crate::output::Out;
use crate::values;

pub const DOCS: Docs = Docs {
    examples: &[
        ("netlab signal alarm", "signal.c: alarm(2); each SIGALRM cuts a sleep(100) short and prints Time out!"),
        ("netlab signal alarm 1 --api sigaction --loops 2", "sigaction.c, with sa_flags 0"),
        ("netlab --trace signal eintr --during read", "a blocked read() fails with -1 EINTR"),
        ("netlab signal eintr --during accept --restart", "SA_RESTART: the kernel restarts accept(); no EINTR"),
        ("netlab signal eintr --during sleep --restart", "sleep is never restarted, SA_RESTART or not"),
    ],
    events: &[
        ("handler", "signal, function, api (signal|sigaction), flags (SA_RESTART or 0)"),
        ("waiting", "n (the course's wait... line)"),
        ("delivered", "signal, at_ms (Time out! for SIGALRM, CTRL+C pressed for SIGINT)"),
        ("interrupted", "call, errno (EINTR; null for sleep), remaining_ms (null where the call has no timeout)"),
        ("returned", "call, result, elapsed_ms, signals_during (eintr: how the call ended)"),
    ],
    exit_notes: &["2 for SECS outside 1..3600, --loops outside 1..100"],
};

#[derive(Debug, clap::Args)]
#[command(about = "Signals as the course handles them: signal/sigaction, alarm, and EINTR")]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// signal.c / sigaction.c: alarm(SECS); each SIGALRM cuts a sleep(100) short
    Alarm(AlarmArgs),
    /// A blocking call with an alarm pending: EINTR without SA_RESTART, restarted with it
    Eintr(EintrArgs),
}

/// How the handlers are installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Api {
    /// the C library's signal(): glibc installs the handler with SA_RESTART
    Signal,
    /// sigaction() with sa_flags 0, as the course's sigaction.c
    Sigaction,
}

#[derive(Debug, clap::Args)]
pub struct AlarmArgs {
    /// Seconds until SIGALRM (alarm() takes whole seconds; 1..3600)
    #[arg(value_name = "SECS", default_value = "2", value_parser = alarm_secs)]
    pub secs: u32,
    /// How the handlers are installed
    #[arg(long, value_enum, default_value_t = Api::Signal)]
    pub api: Api,
    /// Rounds of `wait...` and sleep(100) (1..100)
    #[arg(long, value_name = "N", default_value = "3", value_parser = loops)]
    pub loops: u64,
}

/// The blocking call the alarm interrupts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum During {
    /// read() on an empty pipe nobody writes to
    Read,
    /// accept() on a listener nobody connects to
    Accept,
    /// sleep(): never restarted, SA_RESTART or not
    Sleep,
}

#[derive(Debug, clap::Args)]
pub struct EintrArgs {
    /// Install the handler with SA_RESTART: the kernel restarts the call
    #[arg(long)]
    pub restart: bool,
    /// The call that blocks
    #[arg(long, value_enum, default_value_t = During::Read)]
    pub during: During,
}

fn alarm_secs(s: &str) -> std::result::Result<u32, String> {
    if s.contains(['.', 'm', 'u']) {
        return Err(format!("'{s}': alarm() takes whole seconds (1..3600)"));
    }
    values::count_in(s, 1, 3600).map(|n| n as u32)
}

fn loops(s: &str) -> std::result::Result<u64, String> {
    values::count_in(s, 1, 100)
}

pub fn run(args: &Args, out: &mut Out) -> Result<()> {
    match &args.action {
        Action::Alarm(a) => alarm::run(&alarm::Config { secs: a.secs, api: a.api, loops: a.loops }, out),
        Action::Eintr(a) => eintr::run(&eintr::Config { restart: a.restart, during: a.during }, out),
    }
}
