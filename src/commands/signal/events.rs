//! The events of `netlab signal`: serde (the `event` tag names the kind)
//! and their text, which prints the course's lines (`wait...`, `Time out!`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// What `netlab signal` says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A handler was installed.
    Handler {
        /// the signal it handles (SIGALRM, SIGINT)
        signal: String,
        /// the handler function, as the course names it (timeout, keycontrol)
        function: String,
        /// signal (the C library's signal(), SA_RESTART) or sigaction (flags as given)
        api: String,
        /// the sa_flags it was installed with (`SA_RESTART` or `0`)
        flags: String,
    },
    /// The course's `wait...` line, before each sleep.
    Waiting {
        /// the round, from 1
        n: u64,
    },
    /// A signal was delivered and its handler ran.
    Delivered {
        /// the signal
        signal: String,
        /// when, in milliseconds since the lesson started
        at_ms: u64,
    },
    /// A blocking call returned early: a signal interrupted it (EINTR).
    Interrupted {
        /// the call, as written (`sleep(100)`, `read(3, 64)`)
        call: String,
        /// the errno it failed with (EINTR), or null for sleep(), which returns the time left instead
        errno: Option<String>,
        /// how much of the wait was left, in milliseconds (sleep); null where the call has no timeout
        remaining_ms: Option<u64>,
        /// what a program must do about it
        note: String,
    },
    /// A blocking call returned; with SA_RESTART the kernel restarted it
    /// after the handlers ran, and the program never saw EINTR.
    Returned {
        /// the call
        call: String,
        /// what it returned (`1`, `-1 EINVAL`)
        result: String,
        /// when, in milliseconds since the lesson started
        elapsed_ms: u64,
        /// signals handled while it was blocked (with SA_RESTART, it was restarted after each)
        signals_during: u64,
        /// why it did not fail with EINTR
        note: String,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Handler { signal, function, api, flags } => {
                write!(f, "handler: {signal} -> {function}() installed with {api}(), sa_flags {flags}")
            }
            Event::Waiting { .. } => write!(f, "wait..."),
            Event::Delivered { signal, at_ms } => {
                let line = match signal.as_str() {
                    "SIGALRM" => "Time out!",
                    "SIGINT" => "CTRL+C pressed",
                    other => other,
                };
                write!(f, "{line}   ({signal} at {:.1} s)", *at_ms as f64 / 1000.0)
            }
            Event::Interrupted { call, errno, remaining_ms, note } => {
                write!(f, "{call} was cut short")?;
                if let Some(e) = errno {
                    write!(f, ": -1 {e}")?;
                }
                if let Some(ms) = remaining_ms {
                    write!(f, ", {:.1} s of it left", *ms as f64 / 1000.0)?;
                }
                if !note.is_empty() {
                    write!(f, "\n  {note}")?;
                }
                Ok(())
            }
            Event::Returned { call, result, elapsed_ms, signals_during, note } => {
                write!(
                    f,
                    "{call} = {result} after {:.1} s; {signals_during} signal(s) handled while it waited",
                    *elapsed_ms as f64 / 1000.0
                )?;
                if !note.is_empty() {
                    write!(f, "\n  {note}")?;
                }
                Ok(())
            }
        }
    }
}
