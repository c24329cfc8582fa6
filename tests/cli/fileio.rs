//! `netlab fileio`: write, read and fds through the binary.

use crate::common::*;
use std::os::unix::fs::PermissionsExt;

fn open_event(evs: &[Ev]) -> Ev {
    evs.iter().find(|e| matches!(e, Ev::Fileio(FileioEv::Open { .. }))).cloned().expect("an open event")
}

/// Run netlab under a given umask (through sh, so the test process keeps its own).
fn with_umask(umask: &str, args: &[&str]) -> std::process::Output {
    let script = format!("umask {umask}; exec \"$@\"");
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c").arg(script).arg("sh").arg(bin()).args(args);
    run_cmd(&mut cmd, b"")
}

#[test]
fn write_explains_open_and_applies_umask() {
    let d = TempDir::new("fio");
    let p = d.path("data.txt");
    let o = with_umask("027", &["--json", "fileio", "write", &p, "--mode", "0666", "--data", "hello"]);
    assert_exit(&o, 0);
    let evs = events(&o);
    let Ev::Fileio(FileioEv::Open { flags, flags_octal, umask, final_mode, created, fd, .. }) = open_event(&evs) else {
        panic!()
    };
    assert_eq!(flags, "O_WRONLY|O_CREAT|O_TRUNC");
    assert_eq!(flags_octal, "01101");
    assert_eq!(umask, "0027");
    assert_eq!(final_mode.as_deref(), Some("0640"));
    assert!(created);
    assert!(fd >= 3);
    assert!(evs.iter().any(|e| matches!(e, Ev::Fileio(FileioEv::Write { bytes: 5, offset: Some(5), .. }))), "{evs:?}");
    assert_eq!(std::fs::read(&p).unwrap(), b"hello");
    assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o640);
}

#[test]
fn write_from_stdin_and_modes() {
    let d = TempDir::new("fio");
    for (mode, want) in [("u=rw,g=r,o=r", 0o644), ("S_IRUSR|S_IWUSR", 0o600), ("600", 0o600), ("a=rwx", 0o755)] {
        let p = d.path(&format!("m{want:o}-{}", mode.len()));
        let mut cmd = netlab();
        cmd.args(["fileio", "write", &p, "--mode", mode]);
        // umask 022 is applied by the shell the tests run under; set it explicitly
        let script = "umask 022; exec \"$@\"";
        let mut sh = std::process::Command::new("sh");
        sh.arg("-c").arg(script).arg("sh").arg(bin()).args(["fileio", "write", &p, "--mode", mode]);
        let o = run_cmd(&mut sh, b"from stdin\x00\xff");
        assert_exit(&o, 0);
        assert_eq!(std::fs::read(&p).unwrap(), b"from stdin\x00\xff");
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, want, "{mode}");
    }
}

#[test]
fn excl_refuses_existing_file_and_append_appends() {
    let d = TempDir::new("fio");
    let p = d.path("x");
    assert_exit(&run(&["fileio", "write", &p, "--data", "one\n"], b""), 0);
    let o = run(&["fileio", "write", &p, "--flags", "creat,excl,wronly", "--data", "x"], b"");
    assert_exit(&o, 1);
    assert!(stderr(&o).contains(&format!("netlab: fileio: open {p}: File exists (EEXIST)")), "{}", stderr(&o));
    let o = run(&["--json", "fileio", "write", &p, "--flags", "O_WRONLY|O_APPEND", "--data", "two\n"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    let Ev::Fileio(FileioEv::Open { created, mode, .. }) = open_event(&evs) else { panic!() };
    assert!(!created);
    assert_eq!(mode, None, "no O_CREAT, so no mode");
    assert!(evs.iter().any(|e| matches!(e, Ev::Fileio(FileioEv::Write { offset: Some(8), .. }))), "{evs:?}");
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "one\ntwo\n");
}

#[test]
fn existing_file_keeps_its_mode() {
    let d = TempDir::new("fio");
    let p = d.path("keep");
    std::fs::write(&p, "x").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = run(&["--json", "fileio", "write", &p, "--mode", "0777", "--data", "y"], b"");
    assert_exit(&o, 0);
    let Ev::Fileio(FileioEv::Open { created, final_mode, file_mode, .. }) = open_event(&events(&o)) else { panic!() };
    assert!(!created);
    assert_eq!(final_mode, None);
    assert_eq!(file_mode, "0600");
}

#[test]
fn read_is_binary_safe_with_offset_and_count() {
    let d = TempDir::new("fio");
    let p = d.path("bin");
    let all: Vec<u8> = (0..=255u8).collect();
    std::fs::write(&p, &all).unwrap();
    let o = run(&["fileio", "read", &p, "--buffer-size", "7"], b"");
    assert_exit(&o, 0);
    assert_eq!(o.stdout, all, "stdout carries the content only");
    assert!(stderr(&o).contains("read: 256 bytes"), "{}", stderr(&o));
    let o = run(&["--json", "fileio", "read", &p, "--offset", "250", "--count", "4"], b"");
    assert_exit(&o, 0);
    let evs = events(&o);
    let read = evs.iter().find_map(|e| match e {
        Ev::Fileio(FileioEv::Read { bytes, offset, data_hex, calls, .. }) => {
            Some((*bytes, *offset, data_hex.clone(), *calls))
        }
        _ => None,
    });
    assert_eq!(read, Some((4, Some(254), Some("fafbfcfd".into()), 1)));
    let o = run(&["--json", "fileio", "read", &p, "--count", "3", "--offset", "65"], b"");
    let text = evs_data(&events(&o));
    assert_eq!(text.as_deref(), Some("ABC"));
}

fn evs_data(evs: &[Ev]) -> Option<String> {
    evs.iter().find_map(|e| match e {
        Ev::Fileio(FileioEv::Read { data, .. }) => data.clone(),
        _ => None,
    })
}

#[test]
fn nofollow_refuses_symlinks() {
    let d = TempDir::new("fio");
    let target = d.path("t");
    let link = d.path("l");
    std::fs::write(&target, "secret").unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = run(&["fileio", "read", &link, "--nofollow"], b"");
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("ELOOP"), "{}", stderr(&o));
    let o = run(&["fileio", "write", &link, "--flags", "wronly,nofollow", "--data", "x"], b"");
    assert_exit(&o, 1);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "secret");
}

/// open(O_CREAT) follows a dangling symbolic link and creates its target:
/// netlab says the file was created and that the mode was applied.
#[test]
fn write_through_a_dangling_symlink_creates_the_target() {
    let d = TempDir::new("fio");
    let target = d.path("made");
    let link = d.path("l");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = with_umask("022", &["--json", "fileio", "write", &link, "--mode", "0600", "--data", "x"]);
    assert_exit(&o, 0);
    let Ev::Fileio(FileioEv::Open { created, final_mode, .. }) = open_event(&events(&o)) else { panic!() };
    assert!(created, "the target did not exist before open()");
    assert_eq!(final_mode.as_deref(), Some("0600"));
    assert_eq!(std::fs::read(&target).unwrap(), b"x");
    assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o7777, 0o600);
}

#[test]
fn os_errors_name_path_and_errno() {
    let d = TempDir::new("fio");
    let missing = d.path("missing.txt");
    let o = run(&["fileio", "read", &missing], b"");
    assert_exit(&o, 1);
    assert_eq!(
        stderr(&o).lines().next().unwrap(),
        format!("netlab: fileio: open {missing}: No such file or directory (ENOENT)")
    );
    let o = run(&["fileio", "write", &d.path("no/such/dir/f"), "--data", "x"], b"");
    assert_exit(&o, 1);
    let o = run(&["fileio", "read", "/proc/self"], b"");
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("EISDIR"), "{}", stderr(&o));
}

#[test]
fn fds_shows_lowest_free_numbers() {
    let o = run(&["--json", "--trace", "fileio", "fds"], b"");
    assert_exit(&o, 0);
    let fds: Vec<(i32, String)> = events(&o)
        .into_iter()
        .map(|e| match e {
            Ev::Fileio(FileioEv::Fd { fd, kind, .. }) => (fd, kind),
            other => panic!("{other:?}"),
        })
        .collect();
    let kinds: Vec<&str> = fds.iter().map(|(_, k)| k.as_str()).collect();
    assert_eq!(kinds, ["stdin", "stdout", "stderr", "file", "tcp socket", "udp socket", "tcp socket"]);
    let nums: Vec<i32> = fds.iter().map(|(f, _)| *f).collect();
    assert_eq!(nums, [0, 1, 2, 3, 4, 5, 3]);
    let err = stderr(&o);
    assert!(err.contains("open(\"") && err.contains(") = 3"), "{err}");
    assert!(err.lines().any(|l| l == "socket(AF_INET, SOCK_STREAM, 0) = 4"), "{err}");
}

/// With stdin closed (`<&-`), the demo shows descriptor 0 closed and the
/// file takes it: the lowest free number, as the course has it (Rust's
/// runtime had put /dev/null there; netlab closes it again).
#[test]
fn fds_with_stdin_closed_hands_out_0() {
    let mut sh = std::process::Command::new("sh");
    sh.arg("-c").arg("exec \"$@\" <&-").arg("sh").arg(bin()).args(["--json", "fileio", "fds"]);
    let o = sh.output().unwrap();
    assert_exit(&o, 0);
    let fds: Vec<(i32, String, String)> = events(&o)
        .into_iter()
        .map(|e| match e {
            Ev::Fileio(FileioEv::Fd { fd, kind, detail }) => (fd, kind, detail),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!((fds[0].0, fds[0].2.as_str()), (0, "closed"), "{fds:?}");
    assert_eq!((fds[3].0, fds[3].1.as_str()), (0, "file"), "{fds:?}");
    // stderr closed: shown as such (and left to the runtime's /dev/null, so
    // the file does not take it and the trace does not go into the file)
    let mut sh = std::process::Command::new("sh");
    sh.arg("-c").arg("exec \"$@\" 2>&-").arg("sh").arg(bin()).args(["--json", "fileio", "fds"]);
    let o = sh.output().unwrap();
    assert_exit(&o, 0);
    let evs = events(&o);
    assert!(
        matches!(&evs[2], Ev::Fileio(FileioEv::Fd { fd: 2, detail, .. }) if detail.starts_with("closed when netlab started")),
        "{evs:?}"
    );
    assert!(matches!(&evs[3], Ev::Fileio(FileioEv::Fd { fd: 3, .. })), "{evs:?}");
}

#[test]
fn trace_is_c_notation_in_text() {
    let o = run(&["--trace", "fileio", "fds"], b"");
    assert_exit(&o, 0);
    let err = stderr(&o);
    for want in [
        "socket(AF_INET, SOCK_STREAM, 0) = 4",
        "socket(AF_INET, SOCK_DGRAM, 0) = 5",
        "close(3) = 0",
        "socket(AF_INET, SOCK_STREAM, 0) = 3",
    ] {
        assert!(err.lines().any(|l| l == want), "missing {want:?} in\n{err}");
    }
    assert!(err.lines().any(|l| l.starts_with("open(\"") && l.ends_with("O_RDWR|O_CREAT|O_EXCL, 0600) = 3")), "{err}");
    // the name goes at once (the fd stays): the unlink is narrated too
    let opened = err.lines().find_map(|l| l.strip_prefix("open(\"")?.split_once('"').map(|(p, _)| p)).unwrap();
    assert!(err.lines().any(|l| l == format!("unlink(\"{opened}\") = 0")), "{err}");
}

#[test]
fn trace_shows_errors_with_errno() {
    let d = TempDir::new("fio");
    let o = run(&["--trace", "fileio", "read", &d.path("nope")], b"");
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("= -1 ENOENT (No such file or directory)"), "{}", stderr(&o));
}

#[test]
fn pipes_and_fifos_have_no_offset_and_are_not_an_error() {
    // read from a pipe: stdin
    let o = run(&["--json", "fileio", "read", "/dev/stdin"], b"through a pipe");
    assert_exit(&o, 0);
    let evs = events(&o);
    assert!(
        evs.iter()
            .any(|e| matches!(e, Ev::Fileio(FileioEv::Read { bytes: 14, offset: None, data: Some(d), .. }) if d == "through a pipe")),
        "{evs:?}"
    );
    let o = run(&["fileio", "read", "/dev/stdin"], b"text mode");
    assert_exit(&o, 0);
    assert_eq!(o.stdout, b"text mode");
    assert!(stderr(&o).contains("offset: none (not seekable"), "{}", stderr(&o));
    // write into a FIFO that a reader drains
    let d = TempDir::new("fifo");
    let fifo = d.path("ff");
    nix::unistd::mkfifo(fifo.as_str(), nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let f2 = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read(f2).unwrap());
    let o = run(&["--json", "fileio", "write", &fifo, "--flags", "wronly", "--data", "hi fifo"], b"");
    assert_exit(&o, 0);
    assert_eq!(reader.join().unwrap(), b"hi fifo");
    assert!(
        events(&o).iter().any(|e| matches!(e, Ev::Fileio(FileioEv::Write { bytes: 7, offset: None, .. }))),
        "{}",
        stdout(&o)
    );
}

#[test]
fn json_read_of_an_endless_file_is_refused_not_an_abort() {
    let o = run(&["--json", "fileio", "read", "/dev/zero"], b"");
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.starts_with("netlab: fileio: /dev/zero: more than 16 MiB"), "{err}");
    assert!(!err.contains("backtrace") && !err.contains("panicked"), "{err}");
    // bounded by --count it is fine
    let o = run(&["--json", "fileio", "read", "/dev/zero", "--count", "3"], b"");
    assert_exit(&o, 0);
    assert!(events(&o).iter().any(|e| matches!(e, Ev::Fileio(FileioEv::Read { bytes: 3, .. }))), "{}", stdout(&o));
}

#[test]
fn write_streams_stdin_instead_of_holding_it() {
    use std::io::Write;
    let d = TempDir::new("stream");
    let p = d.path("out");
    let mut child = netlab()
        .args(["fileio", "write", &p])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut sin = child.stdin.take().unwrap();
    sin.write_all(&[7u8; 1000]).unwrap();
    // the first chunk reaches the file while stdin is still open
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::fs::metadata(&p).map_or(0, |m| m.len()) < 1000 {
        assert!(
            std::time::Instant::now() < deadline,
            "nothing written before stdin's end: stdin is held, not streamed"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    sin.write_all(&[8u8; 500]).unwrap();
    drop(sin);
    let o = child.wait_with_output().unwrap();
    assert_exit(&o, 0);
    let got = std::fs::read(&p).unwrap();
    assert_eq!(got.len(), 1500);
    assert!(got[..1000].iter().all(|b| *b == 7) && got[1000..].iter().all(|b| *b == 8));
    assert!(stdout(&o).contains("write: 1500 bytes"), "{}", stdout(&o));
}

/// A Linux file name is bytes, not UTF-8: such a path is opened as given and
/// shown with `\xNN` for the bytes that are not text.
#[test]
fn non_utf8_path_round_trips_and_is_shown_escaped() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let d = TempDir::new("fio");
    let p = d.0.join(OsStr::from_bytes(b"caf\xe9.txt"));
    let o = run_cmd(netlab().args(["--json", "fileio", "write"]).arg(&p).args(["--data", "bytes"]), b"");
    assert_exit(&o, 0);
    let Ev::Fileio(FileioEv::Open { path, .. }) = open_event(&events(&o)) else { panic!() };
    assert!(path.ends_with("caf\\xe9.txt"), "{path}");
    assert_eq!(std::fs::read(&p).unwrap(), b"bytes");
    let o = run_cmd(netlab().args(["fileio", "read"]).arg(&p), b"");
    assert_exit(&o, 0);
    assert_eq!(o.stdout, b"bytes");
    let missing = p.with_file_name(OsStr::from_bytes(b"gone\xff"));
    let o = run_cmd(netlab().args(["fileio", "read"]).arg(&missing), b"");
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("gone\\xff: No such file or directory (ENOENT)"), "{}", stderr(&o));
}
