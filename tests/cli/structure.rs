//! The layout README's "Layout" promises, checked on the source: no file in
//! `src/` over 700 lines, and no import circle between modules (a module
//! is a top-level file or folder of `src/`, or one command's folder under
//! `src/commands/`; a parent declaring its children with `mod` is not an
//! import).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 700;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    files.sort();
    assert!(files.len() > 20, "src/ has only {} files: wrong directory?", files.len());
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&root).expect("under src").to_string_lossy().into_owned();
            (rel, std::fs::read_to_string(&p).expect("read source"))
        })
        .collect()
}

/// The module a file belongs to: `sys/fd.rs` is `sys`,
/// `commands/udp/server.rs` is `commands/udp`, `commands/mod.rs` is
/// `commands`.
fn module_of(rel: &str) -> Option<String> {
    let parts: Vec<&str> = rel.trim_end_matches(".rs").split('/').collect();
    match parts.as_slice() {
        ["main"] | ["lib"] => None,
        ["commands", "mod"] => Some("commands".into()),
        ["commands", name, ..] => Some(format!("commands/{name}")),
        [first, ..] => Some(first.to_string()),
        [] => None,
    }
}

/// The modules a source names with `crate::…` (grouped `crate::{a, b}`
/// too), outside comments and its `#[cfg(test)]` part.
fn imports(source: &str) -> BTreeSet<String> {
    let code: String = source
        .split("#[cfg(test)]")
        .next()
        .unwrap_or("")
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + 7..];
        let paths: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group[..group.find('}').unwrap_or(group.len())].split(',').collect(),
            None => vec![rest],
        };
        for path in paths {
            let path: String =
                path.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':').collect();
            let mut names = path.split("::").filter(|s| !s.is_empty());
            let is_module = |s: &str| s.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            match (names.next(), names.next()) {
                (Some("commands"), Some(cmd)) if is_module(cmd) => found.insert(format!("commands/{cmd}")),
                (Some(first), _) if is_module(first) => found.insert(first.to_string()),
                _ => false,
            };
        }
    }
    found
}

#[test]
fn no_source_file_is_over_700_lines() {
    let long: Vec<String> = src_files()
        .into_iter()
        .filter(|(_, text)| text.lines().count() > MAX_LINES)
        .map(|(rel, text)| format!("src/{rel}: {} lines", text.lines().count()))
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines (split them by what they do): {long:?}");
}

#[test]
fn no_import_circle_between_modules() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in src_files() {
        let Some(module) = module_of(&rel) else { continue };
        let mut deps = imports(&text);
        deps.remove(&module);
        graph.entry(module).or_default().extend(deps);
    }
    // sanity: the checker sees the imports everyone has
    assert!(graph.get("commands/udp").is_some_and(|d| d.contains("sys")), "{graph:?}");
    let mut circles = Vec::new();
    for (from, deps) in &graph {
        for to in deps {
            // is there a way back from `to` to `from`?
            let (mut seen, mut stack) = (BTreeSet::new(), vec![to.clone()]);
            while let Some(m) = stack.pop() {
                if &m == from {
                    circles.push(format!("{from} -> {to} -> … -> {from}"));
                    break;
                }
                if seen.insert(m.clone()) {
                    stack.extend(graph.get(&m).into_iter().flatten().cloned());
                }
            }
        }
    }
    assert!(circles.is_empty(), "import circles: {circles:?}");
}

#[test]
fn the_import_reader_sees_paths_and_skips_comments_and_tests() {
    let src = "use crate::sys::{self, Addr};\n// crate::output\nuse crate::{\n    text,\n    values::parse,\n};\nfn f() { crate::commands::udp::run(); }\n#[cfg(test)]\nuse crate::net;";
    let got: Vec<String> = imports(src).into_iter().collect();
    assert_eq!(got, ["commands/udp", "sys", "text", "values"]);
    assert_eq!(module_of("commands/udp/server.rs").as_deref(), Some("commands/udp"));
    assert_eq!(module_of("sys/fd.rs").as_deref(), Some("sys"));
    assert_eq!(module_of("main.rs"), None);
}
