//! The command line: global flags, one `Command` variant per subcommand,
//! and the per-command documentation tables (EXAMPLES, JSON events) that
//! feed both `--help` and the generated man pages.

use crate::commands::{byteorder, demo, echo_client, echo_server, fileio, resolve, sockopt, udp};
use crate::logging::LogFormat;
use clap::{CommandFactory, Parser, Subcommand};

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

/// One variant per subcommand; `commands::run` matches them all.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// TCP echo server: iterative, fork, select, poll, epoll or thread model
    EchoServer(echo_server::Args),
    /// TCP echo client: prompt, stream, --message or --split; every byte verified
    EchoClient(echo_client::Args),
    /// UDP echo: server and client (loss, duplicates, reordering, RTT)
    Udp(udp::Args),
    /// Names to addresses (struct hostent) and addresses to names
    Resolve(resolve::Args),
    /// Socket options on a fresh socket: list, get, set (and why the kernel changed your value)
    Sockopt(sockopt::Args),
    /// Host and network byte order: htons/ntohs/htonl/ntohl, inet_addr/inet_aton/inet_ntoa
    Byteorder(byteorder::Args),
    /// Low-level file I/O: open/read/write explained, and the fds the kernel hands out
    Fileio(fileio::Args),
    /// A guided tour: every command once on loopback, one line per step
    Demo(demo::Args),
}

/// Documentation a subcommand contributes to `--help` and its man page.
pub struct Docs {
    /// (command line, what it shows)
    pub examples: &'static [(&'static str, &'static str)],
    /// (event name, its fields)
    pub events: &'static [(&'static str, &'static str)],
    /// Extra lines for EXIT STATUS, beyond the global table.
    pub exit_notes: &'static [&'static str],
}

/// The exit-code table of SPEC §1, shown in every man page.
pub const EXIT_STATUS: &[(u8, &str)] = &[
    (0, "success; also a server stopped by SIGINT/SIGTERM after a clean shutdown"),
    (
        1,
        "runtime failure: an OS call failed (connect refused, bind in use, I/O error, stdout on a full disk) \
         or a name did not resolve",
    ),
    (2, "usage or invalid input: bad flag, port, address, option name or number"),
    (3, "verification failed: echoed bytes differ from those sent, or UDP loss over --max-loss"),
];

const TOP_DOCS: Docs = Docs {
    examples: &[
        ("netlab demo", "run every command once on loopback"),
        ("netlab --trace fileio fds", "watch the kernel hand out descriptors 3, 4, 5"),
        ("netlab --json sockopt get | jq -r '.option + \"=\" + .text'", "socket options as NAME=VALUE"),
        ("netlab byteorder htons 9190", "the bytes of a port as they go on the wire"),
    ],
    events: &[ERROR_EVENT],
    exit_notes: &[],
};

/// The `error` event every command may end with (its man page lists it).
pub const ERROR_EVENT: (&str, &str) = (
    "error",
    "command, message, errno (if an OS call failed), code (the errno's name, e.g. EADDRINUSE, or the resolver's, \
     e.g. EAI_NONAME), exit_code",
);

/// The docs of the subcommand called `name` (top level for "netlab").
pub fn docs_for(name: &str) -> &'static Docs {
    match name {
        "echo-server" => &echo_server::DOCS,
        "echo-client" => &echo_client::DOCS,
        "udp" => &udp::DOCS,
        "resolve" => &resolve::DOCS,
        "sockopt" => &sockopt::DOCS,
        "byteorder" => &byteorder::DOCS,
        "fileio" => &fileio::DOCS,
        "demo" => &demo::DOCS,
        _ => &TOP_DOCS,
    }
}

/// Whether an example command line runs `bin` (words, e.g. "netlab udp
/// server"), global flags before the subcommand included: `netlab --json
/// udp server 0` runs "netlab udp server".
pub fn example_runs(line: &str, bin: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let want: Vec<&str> = bin.split_whitespace().collect();
    let Some((first, subcommand)) = want.split_first() else { return false };
    words.iter().enumerate().any(|(i, w)| {
        w == first && words[i + 1..].iter().filter(|w| !w.starts_with('-')).take(subcommand.len()).eq(subcommand.iter())
    })
}

/// The examples to show for `bin`: all of `docs` for a top-level command;
/// for one below it (`netlab udp server`), those that run it, or all of
/// them when none does.
pub fn examples_for(docs: &'static Docs, bin: &str) -> Vec<&'static (&'static str, &'static str)> {
    let own: Vec<_> = docs.examples.iter().filter(|(line, _)| example_runs(line, bin)).collect();
    if bin.split_whitespace().count() <= 2 || own.is_empty() {
        docs.examples.iter().collect()
    } else {
        own
    }
}

/// `--help` text after the options: EXAMPLES, then the exit codes.
fn after_help(docs: &'static Docs, bin: &str) -> String {
    let mut s = String::from("Examples:\n");
    for (cmd, what) in examples_for(docs, bin) {
        s.push_str(&format!("  {cmd}\n      {what}\n"));
    }
    s.push_str("\nExit status: 0 ok, 1 runtime failure, 2 bad usage or input, 3 verification failed.");
    s
}

/// The full clap command, with the EXAMPLES sections attached. Parsing and
/// the generated man pages and completions all start here.
pub fn command() -> clap::Command {
    let mut cmd = Cli::command().after_help(after_help(&TOP_DOCS, "netlab"));
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        let docs = docs_for(&name);
        cmd = cmd.mut_subcommand(&name, |sc| {
            let sub_names: Vec<String> = sc.get_subcommands().map(|s| s.get_name().to_string()).collect();
            // Below the top level, a missing subcommand is a one-line usage
            // error (exit 2), not a page of help.
            let mut sc = sc.after_help(after_help(docs, &format!("netlab {name}"))).arg_required_else_help(false);
            for sub in sub_names {
                let text = after_help(docs, &format!("netlab {name} {sub}"));
                sc = sc.mut_subcommand(&sub, |c| c.after_help(text));
            }
            sc
        });
    }
    negative_values(cmd)
}

/// An option's value may start with a minus (`--timeout -1`, `-m -5`):
/// the option's own parser then says what is wrong with it ("seconds must be
/// above 0") instead of clap's "unexpected argument '-1'". Positionals are
/// left alone, so `-4` and `-6` stay flags.
fn negative_values(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(
        |a| if !a.is_positional() && a.get_action().takes_values() { a.allow_negative_numbers(true) } else { a },
    )
    .mut_subcommands(negative_values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_example_runs_its_subcommand_through_global_flags() {
        assert!(example_runs("netlab udp server 9190", "netlab udp server"));
        assert!(example_runs("netlab --json -v udp server --max-datagrams 1 0", "netlab udp server"));
        assert!(example_runs("netlab --trace echo-server --model fork 9190", "netlab echo-server"));
        assert!(!example_runs("netlab udp client -m x 127.0.0.1 9", "netlab udp server"));
        assert!(!example_runs("netlab --json sockopt get | jq .", "netlab sockopt set"));
    }

    #[test]
    fn a_subcommand_shows_its_own_examples_and_a_command_all_of_its() {
        let server = examples_for(&udp::DOCS, "netlab udp server");
        assert!(!server.is_empty() && server.iter().all(|(l, _)| !l.contains("udp client")), "{server:?}");
        assert!(server.iter().any(|(l, _)| l.starts_with("netlab --json udp server")), "{server:?}");
        assert_eq!(examples_for(&echo_server::DOCS, "netlab echo-server").len(), echo_server::DOCS.examples.len());
        // `sockopt list` has one example; `sockopt` itself shows them all
        assert_eq!(examples_for(&sockopt::DOCS, "netlab sockopt list").len(), 1);
        assert_eq!(examples_for(&sockopt::DOCS, "netlab sockopt").len(), sockopt::DOCS.examples.len());
    }
}
