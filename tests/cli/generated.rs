//! completions/, man/ and schema/ are generated from the code; this test
//! rebuilds them in memory and fails on any difference. Regenerate with
//! `NETLAB_REGENERATE=1 cargo test generated`.

use std::path::Path;

#[test]
fn cli_definition_is_consistent() {
    netlab::cli::command().debug_assert();
}

#[test]
fn generated_files_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("NETLAB_REGENERATE").is_some() {
        for dir in ["man", "completions", "schema"] {
            let _ = std::fs::remove_dir_all(root.join(dir));
        }
        netlab::generate::write_all(root).expect("write generated files");
    }
    let files = netlab::generate::files();
    let mut stale = Vec::new();
    for (rel, want) in &files {
        match std::fs::read(root.join(rel)) {
            Ok(have) if &have == want => {}
            _ => stale.push(rel.clone()),
        }
    }
    // nothing extra lying around either
    for dir in ["man", "completions", "schema"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("generated dir").flatten() {
            let rel = format!("{dir}/{}", entry.file_name().to_string_lossy());
            if !files.iter().any(|(r, _)| *r == rel) {
                stale.push(format!("{rel} (not generated any more)"));
            }
        }
    }
    assert!(stale.is_empty(), "stale generated files (run NETLAB_REGENERATE=1 cargo test generated): {stale:?}");
}

#[test]
fn every_command_has_a_man_page_with_the_sections() {
    let files = netlab::generate::files();
    for page in [
        "man/netlab.1",
        "man/netlab-byteorder.1",
        "man/netlab-fileio-write.1",
        "man/netlab-sockopt-set.1",
        "man/netlab-demo.1",
    ] {
        let (_, body) = files.iter().find(|(r, _)| r == page).unwrap_or_else(|| panic!("{page} missing"));
        let text = String::from_utf8_lossy(body);
        for section in [".SH EXAMPLES", ".SH \"EXIT STATUS\"", ".SH \"JSON EVENTS\""] {
            assert!(text.contains(section), "{page} lacks {section}");
        }
    }
}
