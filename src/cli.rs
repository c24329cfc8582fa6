//! The command line: the global flags, and the clap command with every
//! subcommand's EXAMPLES attached (from its `DOCS`). The subcommands
//! themselves are listed once, in [`crate::commands`].

use crate::commands::{self, Command};
use crate::docs::{self, Docs};
use crate::logging::LogFormat;
use clap::{CommandFactory, Parser};

/// netlab: the socket-programming course as a tool.
#[derive(Debug, Parser)]
#[command(
    name = "netlab",
    version,
    about = "The classic socket-programming course as a practical tool",
    long_about = "netlab turns the socket-programming course into one command-line tool: \
echo servers in every classic model, an echo client that verifies every byte, UDP echo, \
name resolution, socket options, byte order and low-level file I/O. \
--trace narrates every system call; --json gives NDJSON for scripts.",
    propagate_version = true,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every subcommand takes, before or after its name.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// Machine output: one JSON object per line on stdout, each with an "event" field
    #[arg(long, global = true)]
    pub json: bool,
    /// Narrate every socket and file system call on stderr, in C notation, with its result
    #[arg(long, global = true)]
    pub trace: bool,
    /// More log output on stderr (-v: how a server works, addresses tried; -vv: backpressure per connection); RUST_LOG overrides
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Format of stderr logs, trace lines and side notes (the error line stays `netlab: …`)
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, value_name = "FORMAT")]
    pub log_format: LogFormat,
}

impl GlobalArgs {
    pub fn verbosity(&self) -> i8 {
        if self.quiet {
            -1
        } else {
            self.verbose.min(10) as i8
        }
    }
}

/// The top page's docs (`netlab --help`, `man netlab`).
pub const TOP_DOCS: Docs = Docs {
    examples: &[
        ("netlab demo", "run every command once on loopback"),
        ("netlab --trace fileio fds", "watch the kernel hand out descriptors 3, 4, 5"),
        ("netlab --json sockopt get | jq -r '.option + \"=\" + .text'", "socket options as NAME=VALUE"),
        ("netlab byteorder htons 9190", "the bytes of a port as they go on the wire"),
    ],
    events: &[docs::ERROR_EVENT],
    exit_notes: &[],
};

/// The docs of the page for `name`: a subcommand's, or the top page's
/// for "netlab".
pub fn docs_for(name: &str) -> &'static Docs {
    if name == "netlab" {
        return &TOP_DOCS;
    }
    // every subcommand has docs: the registry declares both at once
    commands::docs_for(name).unwrap_or(&TOP_DOCS)
}

/// The full clap command, with the EXAMPLES sections attached. Parsing and
/// the generated man pages and completions all start here.
pub fn command() -> clap::Command {
    let mut cmd = Cli::command().after_help(docs::after_help(&TOP_DOCS, "netlab"));
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        let Some(docs) = commands::docs_for(&name) else { continue };
        cmd = cmd.mut_subcommand(&name, |sc| {
            let sub_names: Vec<String> = sc.get_subcommands().map(|s| s.get_name().to_string()).collect();
            // Below the top level, a missing subcommand is a one-line usage
            // error (exit 2), not a page of help.
            let mut sc = sc.after_help(docs::after_help(docs, &format!("netlab {name}"))).arg_required_else_help(false);
            for sub in sub_names {
                let text = docs::after_help(docs, &format!("netlab {name} {sub}"));
                sc = sc.mut_subcommand(&sub, |c| c.after_help(text));
            }
            sc
        });
    }
    negative_values(cmd)
}

/// An option's value may start with a minus (`--timeout -1`, `-m -5`):
/// the option's own parser then says what is wrong with it ("seconds must be
/// above 0") instead of clap's "unexpected argument '-1'". A number with a
/// unit (`--hold -1s`, `--size -4KiB`) is not a number to clap, so the
/// options that take one accept any value starting with a minus.
/// Positionals are left alone, so `-4` and `-6` stay flags.
fn negative_values(cmd: clap::Command) -> clap::Command {
    const WITH_UNITS: [&str; 4] = ["SECS", "MS", "B", "S"];
    cmd.mut_args(|a| {
        if a.is_positional() || !a.get_action().takes_values() {
            return a;
        }
        let units = a.get_value_names().is_some_and(|v| v.iter().any(|n| WITH_UNITS.contains(&n.as_str())));
        if units {
            a.allow_hyphen_values(true)
        } else {
            a.allow_negative_numbers(true)
        }
    })
    .mut_subcommands(negative_values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subcommand_has_its_docs() {
        for sc in Cli::command().get_subcommands() {
            assert!(commands::docs_for(sc.get_name()).is_some(), "{} has no DOCS", sc.get_name());
        }
    }
}
