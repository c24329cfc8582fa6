//! Helpers for the integration tests: run the real binary, parse its
//! NDJSON, start servers on port 0 and kill them by PID.

use netlab::output::Event;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The netlab binary cargo built for this test run.
pub fn bin() -> &'static Path {
    assert_cmd::cargo::cargo_bin!("netlab")
}

/// A command for the binary, with a clean logging environment.
pub fn netlab() -> Command {
    let mut c = Command::new(bin());
    c.env_remove("RUST_LOG").env("RUST_BACKTRACE", "1");
    c
}

/// Run with arguments and stdin; collect everything.
pub fn run(args: &[&str], stdin: &[u8]) -> Output {
    run_cmd(netlab().args(args), stdin)
}

pub fn run_cmd(cmd: &mut Command, stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child =
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn netlab");
    let mut sin = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = sin.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait netlab");
    let _ = writer.join();
    out
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every stdout line parsed back into the Event enum (fails the test on
/// any line that is not a valid event).
pub fn events(o: &Output) -> Vec<Event> {
    parse_events(&stdout(o))
}

pub fn parse_events(text: &str) -> Vec<Event> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str::<Event>(l).unwrap_or_else(|e| panic!("not an event: {l:?}: {e}")))
        .collect()
}

/// Every stdout line as a raw JSON value (with `"event"` checked).
pub fn json_values(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON {l:?}: {e}"));
            assert!(v.get("event").and_then(|e| e.as_str()).is_some(), "no event field: {l}");
            v
        })
        .collect()
}

/// Assert the process exited with `code`, showing its output if not.
#[track_caller]
pub fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit status {:?}, expected {code}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        stdout(o),
        stderr(o)
    );
    assert!(!stderr(o).contains("panicked"), "panic:\n{}", stderr(o));
}

/// A fresh temporary directory, removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("netlab-test-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("mkdir temp");
        TempDir(p)
    }

    pub fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
