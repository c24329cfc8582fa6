//! The shipped, generated files: `man/*.1` and `completions/*`, built from
//! the clap definitions in [`crate::cli`] and the per-command [`Docs`]
//! tables. Never edited by hand: `tests/cli/generated.rs` rebuilds them in
//! memory and fails on any difference; `NETLAB_REGENERATE=1 cargo test
//! generated` rewrites them.

use crate::cli;
use crate::docs::{self, Docs};
use crate::error::EXIT_CODES;
use clap_complete::Shell;
use std::path::Path;

/// Every generated file: (path relative to the repository root, content).
pub fn files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut cmd = cli::command();
    cmd.build();
    man_pages(&cmd, &mut out);
    for (shell, file) in [
        (Shell::Bash, "netlab.bash"),
        (Shell::Zsh, "_netlab"),
        (Shell::Fish, "netlab.fish"),
        (Shell::Elvish, "netlab.elv"),
        (Shell::PowerShell, "_netlab.ps1"),
    ] {
        let mut buf = Vec::new();
        let mut c = cli::command();
        clap_complete::generate(shell, &mut c, "netlab", &mut buf);
        out.push((format!("completions/{file}"), buf));
    }
    out
}

/// Write every generated file under `root`.
pub fn write_all(root: &Path) -> std::io::Result<()> {
    for (rel, content) in files() {
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, content)?;
    }
    Ok(())
}

/// One page for `cmd` and for each of its subcommands, recursively.
fn man_pages(cmd: &clap::Command, out: &mut Vec<(String, Vec<u8>)>) {
    let top = cmd.get_name() == "netlab";
    // The docs table belongs to the first-level subcommand.
    let display = cmd.get_display_name().unwrap_or(cmd.get_name()).to_string();
    let first_level = first_level_name(&display).unwrap_or_else(|| "netlab".to_string());
    let docs = cli::docs_for(if top { "netlab" } else { &first_level });
    let man = clap_mangen::Man::new(cmd.clone()).date("").manual("netlab manual");
    let mut buf = Vec::new();
    // Each render_* writes to a Vec, which cannot fail.
    let _ = man.render_title(&mut buf);
    let _ = man.render_name_section(&mut buf);
    let _ = man.render_synopsis_section(&mut buf);
    let _ = man.render_description_section(&mut buf);
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        let _ = man.render_options_section(&mut buf);
    }
    if cmd.get_subcommands().any(|s| s.get_name() != "help") {
        let _ = man.render_subcommands_section(&mut buf);
    }
    buf.extend_from_slice(extra_sections(cmd, docs, top).as_bytes());
    let _ = man.render_version_section(&mut buf);
    out.push((format!("man/{display}.1"), buf));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help" && !s.is_hide_set()) {
        man_pages(sub, out);
    }
}

/// `sockopt` for `netlab-sockopt-get`: the longest subcommand name of the
/// top command that prefixes the page name.
fn first_level_name(display: &str) -> Option<String> {
    let top = cli::command();
    let rest = display.strip_prefix("netlab-")?;
    top.get_subcommands()
        .map(|s| s.get_name().to_string())
        .filter(|n| rest == n || rest.starts_with(&format!("{n}-")))
        .max_by_key(|n| n.len())
}

/// roff-escape one line of text.
fn roff(s: &str) -> String {
    let e = s.replace('\\', "\\e").replace('-', "\\-");
    if e.starts_with('.') || e.starts_with('\'') {
        format!("\\&{e}")
    } else {
        e
    }
}

fn extra_sections(cmd: &clap::Command, docs: &'static Docs, top: bool) -> String {
    let bin = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string();
    let mut s = String::new();
    let examples = docs::examples_for(docs, &bin);
    if !examples.is_empty() {
        s.push_str(".SH EXAMPLES\n");
        for (line, what) in examples {
            s.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", roff(line), roff(what)));
        }
    }
    s.push_str(".SH \"EXIT STATUS\"\n");
    for e in EXIT_CODES {
        s.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", e.code, roff(e.long)));
    }
    for note in docs.exit_notes {
        s.push_str(&format!(".PP\n{}\n", roff(note)));
    }
    s.push_str(".SH \"JSON EVENTS\"\n");
    s.push_str(&format!(
        "With \\fB\\-\\-json\\fR, stdout carries one JSON object per line (NDJSON); its \\fBevent\\fR field names the kind. {}\n",
        roff("Errors are also reported on stderr as one line: netlab: COMMAND: WHAT: WHY.")
    ));
    let mut events: Vec<(&str, &str)> = docs.events.to_vec();
    if !top {
        events.push(docs::ERROR_EVENT);
    }
    for (name, fields) in events {
        s.push_str(&format!(".TP\n\\fB{name}\\fR\n{}\n", roff(fields)));
    }
    s.push_str(".SH ENVIRONMENT\n.TP\n\\fBRUST_LOG\\fR\nOverrides the log level set by \\-v/\\-q (for example RUST_LOG=debug).\n");
    s.push_str(".SH \"SEE ALSO\"\n");
    let see: Vec<String> = if top {
        cli::command()
            .get_subcommands()
            .filter(|c| c.get_name() != "help")
            .map(|c| format!("\\fBnetlab\\-{}\\fR(1)", roff(c.get_name())))
            .collect()
    } else {
        vec!["\\fBnetlab\\fR(1)".to_string()]
    };
    s.push_str(&see.join(", "));
    s.push('\n');
    s
}
