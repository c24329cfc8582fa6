//! `netlab demo`: the first command a newcomer runs. Every command once, on
//! loopback and in a temporary directory, one line per step; exit 0 only
//! if every step passed.
//!
//! Try it: `cargo run --release -- demo`

mod child;
pub mod events;
mod lessons;

pub use events::Event;

use crate::commands::echo_server::Model;
use crate::commands::{byteorder, echo_client, fileio, sockopt};
use crate::docs::Docs;
use crate::error::{Error, Op, Result};
use crate::output::Out;
use crate::sys;
use crate::text::path_text;
use child::Child;
use clap::ValueEnum;
use nix::fcntl::OFlag;
use nix::sys::socket::{AddressFamily, SockType};
use nix::sys::stat::Mode;

pub const DOCS: Docs = Docs {
    examples: &[
        ("netlab demo", "run every step; exit 0 if all passed"),
        ("netlab --json demo | jq -c 'select(.event==\"demo_step\") | [.step, .ok]'", "the steps as data"),
        ("netlab --trace demo 2>&1 | less", "every system call of the tour"),
    ],
    events: &[
        (
            "demo_step",
            "step, ok, detail, skipped (true, with ok false, for a step this machine cannot run: the uring step on a \
             kernel that refuses io_uring)",
        ),
        ("demo_summary", "steps, passed, failed, skipped (when any)"),
    ],
    exit_notes: &["1 when any step failed (a skipped step is no failure)"],
};

#[derive(Debug, clap::Args)]
#[command(about = "A guided tour: every command once on loopback, one line per step")]
pub struct Args {}

pub(crate) type StepResult = std::result::Result<String, String>;

/// A failed system call `op`, as a step's error text (`write: Broken pipe (EPIPE)`).
fn os(op: Op) -> impl FnOnce(nix::errno::Errno) -> String {
    move |e| Error::sys(op, e).to_string()
}

/// A failed system call `op` on `target`, as a step's error text.
fn os_at(op: Op, target: String) -> impl FnOnce(nix::errno::Errno) -> String {
    move |e| Error::sys_at(op, target, e).to_string()
}

/// How a step ended: passed or failed (what it showed, or why), or not
/// run because this machine cannot (why): no failure.
enum Outcome {
    Passed(String),
    Failed(String),
    Skipped(String),
}

impl From<StepResult> for Outcome {
    fn from(r: StepResult) -> Outcome {
        r.map_or_else(Outcome::Failed, Outcome::Passed)
    }
}

/// A demo step: its name and the function that runs it.
type Step = (String, Box<dyn Fn() -> Outcome>);

/// Every step, in order: one per echo-server model (from the `Model`
/// enum, so a new model gets its step), the others by hand.
fn steps() -> Vec<Step> {
    fn step(name: &str, f: fn() -> StepResult) -> Step {
        (name.to_string(), Box::new(move || f().into()))
    }
    let mut steps = vec![
        step("byteorder host", step_host_order),
        step("byteorder htons", step_htons),
        step("byteorder inet_aton", step_inet_aton),
        step("fileio write+read", step_fileio),
        step("fileio fds", step_fds),
        step("sockopt table", step_sockopt),
    ];
    for &model in Model::value_variants() {
        steps.push((format!("echo-server {}", model.name()), Box::new(move || echo_step(model))));
    }
    steps.push(step("udp round trip", step_udp));
    steps.push(step("resolve localhost", step_resolve));
    steps.push(step("process fork+wait", lessons::step_fork));
    steps.push(step("signal alarm", lessons::step_alarm));
    steps.push(step("pipe oneway", lessons::step_pipe));
    steps
}

pub fn run(_args: &Args, out: &mut Out) -> Result<()> {
    let (mut passed, mut failed, mut skipped) = (0u32, 0u32, 0u32);
    for (name, f) in steps() {
        let (ok, detail, skip) = match f() {
            Outcome::Passed(d) => (true, d, false),
            Outcome::Failed(d) => (false, d, false),
            Outcome::Skipped(why) => (false, why, true),
        };
        match (ok, skip) {
            (true, _) => passed += 1,
            (false, true) => skipped += 1,
            (false, false) => failed += 1,
        }
        out.emit(&Event::DemoStep { step: name, ok, detail, skipped: skip });
    }
    out.emit(&Event::DemoSummary { steps: passed + failed + skipped, passed, failed, skipped });
    if failed > 0 {
        return Err(Error::failed(format!("{failed} of {} demo steps failed", passed + failed + skipped)));
    }
    Ok(())
}

fn step_host_order() -> StepResult {
    match byteorder::host_order() {
        byteorder::Event::HostOrder { order, memory, .. } => {
            Ok(format!("{order}: 0x12345678 lies in memory as {}", memory.join(" ")))
        }
        other => Err(format!("unexpected {other:?}")),
    }
}

fn step_htons() -> StepResult {
    match byteorder::convert(byteorder::Function::htons, "9190") {
        Ok(byteorder::Event::Conversion { result_hex, memory, .. }) if memory == ["23", "e6"] => {
            Ok(format!("htons(9190) = {result_hex}; on the wire: {}", memory.join(" ")))
        }
        other => Err(format!("htons(9190) gave {other:?}, expected bytes 23 e6")),
    }
}

fn step_inet_aton() -> StepResult {
    match byteorder::inet_aton("127.1") {
        Some(s_addr) if s_addr.to_ne_bytes() == [127, 0, 0, 1] => {
            Ok("inet_aton(\"127.1\") = 127.0.0.1 (the short form)".into())
        }
        other => Err(format!("inet_aton(\"127.1\") gave {other:?}")),
    }
}

fn step_fileio() -> StepResult {
    let dir = std::env::temp_dir().join(format!("netlab-demo-{}", std::process::id()));
    // only the demo's own directory is made: TMPDIR itself must exist
    std::fs::create_dir(&dir)
        .map_err(|e| Error::io(Op::Mkdir, crate::error::Target::Path(path_text(&dir).into_owned()), &e).to_string())?;
    let res = fileio_round_trip(&dir.join("data.txt"));
    let _ = std::fs::remove_dir_all(&dir);
    res
}

fn fileio_round_trip(path: &std::path::Path) -> StepResult {
    let shown = path_text(path);
    let data = b"Let's go!\n";
    let flags = fileio::parse_flags("creat,wronly,trunc")?;
    let fd = sys::open(path, flags.bits(), Mode::from_bits_truncate(0o644), &flags.names())
        .map_err(os_at(Op::Open, shown.to_string()))?;
    let written_fd = fd.raw();
    sys::write_all(&fd, data).map_err(os(Op::Write))?;
    drop(fd);
    let fd = sys::open(path, OFlag::O_RDONLY, Mode::empty(), "O_RDONLY").map_err(os_at(Op::Open, shown.to_string()))?;
    let mut buf = [0u8; 64];
    let n = sys::read(&fd, &mut buf).map_err(os(Op::Read))?;
    if &buf[..n] != data {
        return Err(format!(
            "read back {:?}, wrote {:?}",
            String::from_utf8_lossy(&buf[..n]),
            String::from_utf8_lossy(data)
        ));
    }
    Ok(format!("open({}) = {written_fd}, wrote {} bytes, read them back", flags.names(), data.len()))
}

fn step_fds() -> StepResult {
    let tcp = sys::socket(AddressFamily::Inet, SockType::Stream, false).map_err(|e| e.to_string())?;
    let udp = sys::socket(AddressFamily::Inet, SockType::Datagram, false).map_err(|e| e.to_string())?;
    if udp.raw() <= tcp.raw() || tcp.raw() < 3 {
        return Err(format!("tcp got fd {}, udp got fd {}", tcp.raw(), udp.raw()));
    }
    Ok(format!("0/1/2 are taken; a TCP socket got fd {}, a UDP socket fd {}", tcp.raw(), udp.raw()))
}

fn step_sockopt() -> StepResult {
    let fd = sys::socket(AddressFamily::Inet, SockType::Stream, false).map_err(|e| e.to_string())?;
    let rcvbuf = sys::getsockopt_int(&fd, &sys::SO_RCVBUF).map_err(os_at(Op::Getsockopt, "SO_RCVBUF".into()))?;
    let nodelay = sys::getsockopt_int(&fd, &sys::TCP_NODELAY).map_err(os_at(Op::Getsockopt, "TCP_NODELAY".into()))?;
    sys::setsockopt_int(&fd, &sys::SO_RCVBUF, 10_000).map_err(os_at(Op::Setsockopt, "SO_RCVBUF".into()))?;
    let after = sys::getsockopt_int(&fd, &sys::SO_RCVBUF).map_err(os_at(Op::Getsockopt, "SO_RCVBUF".into()))?;
    Ok(format!(
        "{} options known; fresh TCP socket: SO_RCVBUF={rcvbuf}, TCP_NODELAY={nodelay}; set SO_RCVBUF=10000, kernel made it {after}",
        sockopt::OPTIONS.len()
    ))
}

/// A netlab server started by the demo on a free loopback port, and its
/// port (from its `listening` line, 10 s at most).
fn start_server(args: &[&str]) -> std::result::Result<(Child, u16), String> {
    let child = Child::start(args)?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match child.line(left) {
            Some(line) => {
                if let Ok(crate::events::Event::Listening { port: Some(port), .. }) = serde_json::from_str(&line) {
                    return Ok((child, port));
                }
            }
            None => return Err("the server did not start listening".into()),
        }
    }
}

/// The echo step of `model`. The uring step is skipped, saying why, on a
/// kernel that refuses io_uring (a container's seccomp filter, a sysctl,
/// an old kernel, locked memory): the server would exit 1 there, as it
/// should, and the rest of the demo still holds; any other error of
/// io_uring_setup (EMFILE…) is a failure.
fn echo_step(model: Model) -> Outcome {
    if model == Model::Uring {
        use nix::errno::Errno::{EACCES, EINVAL, ENOMEM, ENOSYS, EPERM};
        match sys::Ring::setup(2, 4) {
            Ok(_) => {}
            Err(e) if matches!(e.errno(), Some(EPERM | EACCES | ENOSYS | EINVAL | ENOMEM)) => {
                return Outcome::Skipped(format!("{e}{}", e.hint().map_or(String::new(), |h| format!("; {h}"))));
            }
            Err(e) => return Outcome::Failed(e.to_string()),
        }
    }
    step_echo(model).into()
}

/// Echo a message through `netlab echo-server --model M --max-conns 1`
/// with the client's code; the server must then stop cleanly.
fn step_echo(model: Model) -> StepResult {
    use std::time::Duration;
    let (mut child, port) =
        start_server(&["echo-server", "--model", model.name(), "--bind", "127.0.0.1", "--max-conns", "1", "0"])?;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let fd = echo_client::connect_one(&addr.into(), Some(Duration::from_secs(5))).map_err(|e| e.to_string())?;
    let msg = b"Hello, socket world!";
    sys::write_all(&fd, msg).map_err(os(Op::Write))?;
    let _ = sys::shutdown(&fd, nix::sys::socket::Shutdown::Write);
    let mut back = Vec::new();
    let mut buf = [0u8; 64];
    loop {
        let mut p = [sys::pollfd(fd.raw(), libc::POLLIN)];
        if sys::poll(&mut p, 5000).map_err(os(Op::Poll))? == 0 {
            return Err("no echo within 5 s".to_string());
        }
        match sys::read(&fd, &mut buf) {
            Ok(0) => break,
            Ok(n) => back.extend_from_slice(&buf[..n]),
            Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(os(Op::Read)(e)),
        }
    }
    if back != msg {
        return Err(format!("echo differs: {:?}", String::from_utf8_lossy(&back)));
    }
    drop(fd);
    child.finish(std::time::Duration::from_secs(5)).map_err(|e| format!("the server: {e}"))?;
    Ok(format!("port {port}: {} bytes echoed exactly, half-close honoured", msg.len()))
}

/// One datagram through `netlab udp server --max-datagrams 1`.
fn step_udp() -> StepResult {
    let (mut child, port) = start_server(&["udp", "server", "--bind", "127.0.0.1", "--max-datagrams", "1", "0"])?;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let fd = sys::socket(AddressFamily::Inet, SockType::Datagram, false).map_err(|e| e.to_string())?;
    let msg = b"datagram";
    let t0 = std::time::Instant::now();
    sys::sendto(&fd, msg, addr).map_err(os(Op::Sendto))?;
    let mut p = [sys::pollfd(fd.raw(), libc::POLLIN)];
    if sys::poll(&mut p, 5000).map_err(os(Op::Poll))? == 0 {
        return Err("no reply within 5 s".into());
    }
    let mut buf = [0u8; 64];
    let (n, from) = sys::recvfrom(&fd, &mut buf, 0).map_err(os(Op::Recvfrom))?;
    if &buf[..n] != msg || from != Some(addr.into()) {
        return Err(format!("unexpected reply {:?} from {from:?}", String::from_utf8_lossy(&buf[..n])));
    }
    let rtt = t0.elapsed().as_micros();
    child.finish(std::time::Duration::from_secs(5)).map_err(|e| format!("the server: {e}"))?;
    Ok(format!("port {}: sendto/recvfrom, {} bytes back in {rtt} us, boundaries kept", addr.port(), n))
}

fn step_resolve() -> StepResult {
    let info = sys::getaddrinfo("localhost", libc::AF_UNSPEC, libc::SOCK_STREAM, true)
        .map_err(|code| format!("getaddrinfo(localhost): {}", sys::gai_message(code)))?;
    if info.addrs.is_empty() {
        return Err("localhost resolved to nothing".into());
    }
    let list: Vec<String> = info.ips().iter().map(|a| a.to_string()).collect();
    Ok(format!("localhost -> {} (official name {})", list.join(" "), info.canonname.unwrap_or_default()))
}
