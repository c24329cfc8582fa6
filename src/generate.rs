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
    let mut schema = serde_json::to_string_pretty(&events_schema()).unwrap_or_default();
    schema.push('\n');
    out.push(("schema/events.schema.json".to_string(), schema.into_bytes()));
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

/// The JSON Schema (2020-12) of every event netlab prints with `--json`:
/// one definition per `event` kind under `$defs` (a kind with several
/// shapes, such as `summary` and `result`, is a `oneOf` of them, told
/// apart by their `kind`), generated from the event types themselves.
pub fn events_schema() -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let root = schemars::schema_for!(crate::commands::AnyEvent);
    let root = root.as_value().clone();
    let mut defs: Map<String, Value> = root.get("$defs").and_then(Value::as_object).cloned().unwrap_or_default();
    // every variant of every event enum, found below the union's anyOf
    let mut variants = Vec::new();
    collect_variants(&root, &defs, &mut variants);
    let mut kinds: Vec<(String, Vec<Value>)> = Vec::new();
    for v in variants {
        let Some(kind) = event_name(&v) else { continue };
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, list)) => list.push(v),
            None => kinds.push((kind, vec![v])),
        }
    }
    kinds.sort_by(|a, b| a.0.cmp(&b.0));
    let mut refs = Vec::new();
    for (kind, mut shapes) in kinds {
        let def = if shapes.len() == 1 {
            shapes.remove(0)
        } else {
            json!({ "description": format!("the `{kind}` event: one of its shapes, told apart by `kind`"), "oneOf": shapes })
        };
        refs.push(json!({ "$ref": format!("#/$defs/{kind}") }));
        defs.insert(kind, def);
    }
    // the event enums themselves are now only reached through their kinds
    let defs = reachable(&refs, defs);
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "netlab --json events",
        "description": "Every line netlab prints on stdout with --json is one JSON object of one of these kinds; its `event` field names the kind. Generated from the event types (src/events.rs and src/commands/*/events.rs); never edited by hand.",
        "oneOf": refs,
        "$defs": defs,
    })
}

/// The definitions the `$ref`s in `roots` reach, directly or through each other.
fn reachable(
    roots: &[serde_json::Value],
    mut defs: serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    fn refs_in(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(|r| r.as_str()).and_then(|r| r.strip_prefix("#/$defs/")) {
                    out.push(r.to_string());
                }
                m.values().for_each(|x| refs_in(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| refs_in(x, out)),
            _ => {}
        }
    }
    let mut todo = Vec::new();
    roots.iter().for_each(|r| refs_in(r, &mut todo));
    let mut kept = serde_json::Map::new();
    while let Some(name) = todo.pop() {
        if let Some(def) = defs.remove(&name) {
            refs_in(&def, &mut todo);
            kept.insert(name, def);
        }
    }
    kept
}

/// The variant schemas of the event enums: objects whose `event` property
/// is a constant, reached through anyOf/oneOf and `$ref`s.
fn collect_variants(
    v: &serde_json::Value,
    defs: &serde_json::Map<String, serde_json::Value>,
    out: &mut Vec<serde_json::Value>,
) {
    use serde_json::Value;
    if event_name(v).is_some() {
        out.push(v.clone());
        return;
    }
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        if let Some(target) = r.strip_prefix("#/$defs/").and_then(|n| defs.get(n)) {
            collect_variants(target, defs, out);
        }
        return;
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(list) = v.get(key).and_then(Value::as_array) {
            for item in list {
                collect_variants(item, defs, out);
            }
        }
    }
}

/// The `event` constant of a variant schema.
fn event_name(v: &serde_json::Value) -> Option<String> {
    let e = v.get("properties")?.get("event")?;
    e.get("const").or_else(|| e.get("enum").and_then(|l| l.get(0))).and_then(|c| c.as_str()).map(str::to_string)
}
