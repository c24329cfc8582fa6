//! What a subcommand tells its reader beyond its flags: EXAMPLES, its JSON
//! events and notes on its exit codes. Each command declares one [`Docs`]
//! beside its `Args`; `--help` (through [`crate::cli`]) and the man pages
//! (through [`crate::generate`]) are both built from it.

/// Documentation a subcommand contributes to `--help` and its man page.
pub struct Docs {
    /// (command line, what it shows)
    pub examples: &'static [(&'static str, &'static str)],
    /// (event name, its fields)
    pub events: &'static [(&'static str, &'static str)],
    /// Extra lines for EXIT STATUS, beyond the global table.
    pub exit_notes: &'static [&'static str],
}

/// The `error` event every command may end with (its man page lists it).
pub const ERROR_EVENT: (&str, &str) = (
    "error",
    "command, message, errno (if an OS call failed), code (the errno's name, e.g. EADDRINUSE, or the resolver's, \
     e.g. EAI_NONAME), exit_code",
);

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
pub fn after_help(docs: &'static Docs, bin: &str) -> String {
    let mut s = String::from("Examples:\n");
    for (cmd, what) in examples_for(docs, bin) {
        s.push_str(&format!("  {cmd}\n      {what}\n"));
    }
    s.push('\n');
    s.push_str(&crate::error::exit_codes_line());
    s
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
        use crate::commands::{echo_server, sockopt, udp};
        let server = examples_for(&udp::DOCS, "netlab udp server");
        assert!(!server.is_empty() && server.iter().all(|(l, _)| !l.contains("udp client")), "{server:?}");
        assert!(server.iter().any(|(l, _)| l.starts_with("netlab --json udp server")), "{server:?}");
        assert_eq!(examples_for(&echo_server::DOCS, "netlab echo-server").len(), echo_server::DOCS.examples.len());
        // `sockopt list` has one example; `sockopt` itself shows them all
        assert_eq!(examples_for(&sockopt::DOCS, "netlab sockopt list").len(), 1);
        assert_eq!(examples_for(&sockopt::DOCS, "netlab sockopt").len(), sockopt::DOCS.examples.len());
    }
}
