//! netlab: the classic socket-programming course as a command-line tool.
//!
//! `main.rs` calls [`main_with_args`]; everything else is here. From the
//! top down (a module uses only those below it):
//!
//! | module | holds |
//! |---|---|
//! | [`cli`], [`generate`] | the global flags and the clap command; the generated man pages, completions and event schema |
//! | [`commands`] | the registry, and one folder per subcommand |
//! | [`output`], [`events`], [`docs`] | the sink (text or NDJSON); the shared events; the docs type |
//! | [`net`], [`local`], [`signals`] | HOST/PORT and resolution; Unix-domain socket files (stale ones, removal at stop); signal handlers and the self-pipe |
//! | [`sys`] | every system call, narrated by `--trace` |
//! | [`error`], [`logging`], [`values`], [`inet`], [`text`], [`stderr`] | errors and exit codes; stderr logs and trace lines; the value parsers; inet_aton; text helpers; stderr lines |

pub mod cli;
pub mod commands;
pub mod docs;
pub mod error;
pub mod events;
pub mod generate;
pub mod inet;
pub mod local;
pub mod logging;
pub mod net;
pub mod output;
pub mod signals;
pub mod stderr;
pub mod sys;
pub mod text;
pub mod values;

use clap::FromArgMatches;
use error::{Error, Op, EXIT_USAGE};
use events::Event;
use output::{Format, Out};
use std::ffi::OsString;

/// Parse the arguments, run the command, report any error; returns the
/// exit code (SPEC §1). The only caller is `main`.
pub fn main_with_args<I: IntoIterator<Item = OsString>>(args: I) -> u8 {
    let args: Vec<OsString> = args.into_iter().collect();
    let json = args_want_json(&args);
    let matches = match cli::command().try_get_matches_from(&args) {
        Ok(m) => m,
        Err(e) => return report_clap_error(&e, &args, json),
    };
    let parsed = match cli::Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return report_clap_error(&e, &args, json),
    };
    let name = matches.subcommand_name().unwrap_or("netlab").to_string();
    logging::init(parsed.global.verbosity(), parsed.global.log_format, parsed.global.trace);
    // what signal handlers noted of their calls comes out with the trace
    logging::set_pending(sys::handler::take_notes);
    let mut out = Out::new(if parsed.global.json { Format::Json } else { Format::Text });
    out.set_quiet(parsed.global.quiet);
    let result = parsed.command.run(&mut out);
    logging::flush_pending();
    let result = result.and_then(|()| {
        // Results that did not reach stdout (a full disk) are a failure.
        out.flush();
        out.write_failure().map_or(Ok(()), |errno| Err(Error::sys_at(Op::Write, "stdout", errno)))
    });
    let code = match result {
        Ok(()) => error::EXIT_OK,
        Err(e) => {
            report(&name, &e, &out);
            e.exit_code()
        }
    };
    out.flush();
    code
}

/// `netlab: <command>: <what>: <why>` on stderr, an optional `hint:` line,
/// and with `--json` the same as an `error` event on stdout.
pub fn report(command: &str, err: &Error, out: &Out) {
    let message = err.to_string();
    // User input inside the message is escaped: one error, one line.
    stderr::line(&format!("netlab: {command}: {}", text::printable(&message)));
    if let Some(h) = err.hint() {
        stderr::line(&format!("hint: {}", text::printable(&h)));
    }
    if out.is_json() {
        out.emit(&Event::Error {
            command: command.to_string(),
            message,
            errno: err.errno().map(|e| e as i32),
            code: err.code(),
            exit_code: err.exit_code(),
            input: None,
        });
    }
}

/// `--json` anywhere before a `--` (so a parse error can still be JSON).
fn args_want_json(args: &[OsString]) -> bool {
    args.iter().skip(1).take_while(|a| *a != "--").any(|a| a == "--json")
}

/// The subcommand named on the command line, if any (for error messages
/// when clap could not parse the line).
fn subcommand_in(args: &[OsString]) -> Option<String> {
    subcommand_path(args).into_iter().next()
}

/// Every subcommand named on the command line, from the top (`udp`,
/// `server`): the help a usage error points to is the innermost one's.
fn subcommand_path(args: &[OsString]) -> Vec<String> {
    let mut cmd = cli::command();
    let mut path = Vec::new();
    for a in args.iter().skip(1).filter_map(|a| a.to_str()) {
        let Some(sub) = cmd.find_subcommand(a).cloned() else { continue };
        path.push(sub.get_name().to_string());
        cmd = sub;
    }
    path
}

/// Turn clap's multi-line error into our one line (+ hint), or print help
/// and version as clap would.
fn report_clap_error(e: &clap::Error, args: &[OsString], json: bool) -> u8 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayVersion if json => {
            let out = Out::new(Format::Json);
            out.emit(&Event::Version { name: "netlab".into(), version: env!("CARGO_PKG_VERSION").into() });
            out.flush();
            return match out.write_failure() {
                Some(errno) => {
                    stderr::line(&format!("netlab: write stdout: {}", error::describe_errno(errno)));
                    error::EXIT_FAILURE
                }
                None => error::EXIT_OK,
            };
        }
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // Help cut short by its reader (`| head`) is fine; help that
            // could not be written (a full disk) is a failure, as for cat.
            // (a stdout closed at start holds the runtime's /dev/null)
            let printed = if output::closed_at_start(1) {
                Err(std::io::Error::from_raw_os_error(libc::EBADF))
            } else {
                e.print()
            };
            return match printed {
                Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
                    let why = match err.raw_os_error() {
                        Some(n) => error::describe_errno(nix::errno::Errno::from_raw(n)),
                        None => err.to_string(),
                    };
                    stderr::line(&format!("netlab: write stdout: {why}"));
                    error::EXIT_FAILURE
                }
                _ => error::EXIT_OK,
            };
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return EXIT_USAGE;
        }
        _ => {}
    }
    let rendered = e.render().to_string();
    let (message, tip) = one_line(&rendered);
    let command = subcommand_in(args);
    let path = subcommand_path(args);
    let hint = tip.unwrap_or_else(|| match path.as_slice() {
        [] => "see 'netlab --help'".to_string(),
        p => format!("see 'netlab {} --help'", p.join(" ")),
    });
    match &command {
        Some(c) => stderr::line(&format!("netlab: {c}: {message}")),
        None => stderr::line(&format!("netlab: {message}")),
    }
    stderr::line(&format!("hint: {hint}"));
    if json {
        let out = Out::new(Format::Json);
        out.emit(&Event::Error {
            command: command.unwrap_or_else(|| "netlab".into()),
            message,
            errno: None,
            code: None,
            exit_code: EXIT_USAGE,
            input: None,
        });
    }
    EXIT_USAGE
}

/// clap's error text: the first paragraph joined into one line, and a
/// `tip:` line if clap offered one.
fn one_line(rendered: &str) -> (String, Option<String>) {
    let body = rendered.trim_start().strip_prefix("error:").unwrap_or(rendered).trim();
    let mut paragraphs = body.split("\n\n");
    let first = paragraphs.next().unwrap_or("");
    let message = first.split_whitespace().collect::<Vec<_>>().join(" ");
    let tip = body.lines().map(str::trim).find_map(|l| l.strip_prefix("tip:")).map(|t| t.trim().to_string());
    (message, tip)
}
