//! How `--trace` and strace are compared (used by `trace_vs_strace.rs`):
//! strace's account (`strace -ff -qq -s 64 -e trace=FILTER -o FILE`, one
//! file per task, [`FILTER`] below) is read into each task's list of
//! compared calls and of the lines it wrote to stderr here, and matched with
//! the narration process by process and thread by thread in
//! `strace_match.rs` (`%process` tells threads from processes; `write` shows
//! where each narrated line was written: `write(2, "getaddrinfo(…")`).
//!
//! The rules of the comparison:
//!
//! 1. A call is its name, its first argument, the argument the narration
//!    shows beside it where the lesson is in it (wait4's options, pipe2's
//!    flags, kill's signal), and its result (`socket`, `AF_INET`, `3`;
//!    `accept4`, `3`, `-1 EAGAIN`; `wait4`, `-1`, `WNOHANG`, `0`). Names are
//!    the kernel's: netlab's `accept(3)` is the C library's accept(), which
//!    is the system call accept4 with flags 0; `send` and `recv` are sendto
//!    and recvfrom without an address. The calls compared are those of
//!    strace's `%network` class, and the process calls the course teaches:
//!    - `fork() = PID` (the parent's line) is the kernel's clone or clone3
//!      without CLONE_THREAD (a new process, not a thread), whose result
//!      is the child's pid;
//!    - `waitpid(PID, WNOHANG)`, `waitpid(-1, 0)` and `wait(&status)` are
//!      the kernel's wait4(PID, &status, OPTIONS, NULL), wait() being
//!      wait4(-1, …, 0, …);
//!    - `pipe([3, 4])` is pipe2([3, 4], 0) (the C library's pipe()), and
//!      `pipe2([…], O_NONBLOCK|O_CLOEXEC)` is itself (flags in any order);
//!    - `kill(PID, SIGTERM)`;
//!    - `posix_spawn([PID], …)` (the demo starting its servers and
//!      lessons) is the C library's clone with CLONE_VM|CLONE_VFORK, whose
//!      result is the pid the library call writes into its first
//!      argument.
//!
//!    read, write, close and poll are narrated too, but are not compared.
//! 2. Processes: a line marked `[pid N]` is process N's (a forked child, or
//!    a server the demo started); other lines are the command's own
//!    process. strace's `clone` lines tell threads from processes.
//! 3. Threads: a process's narration is its threads' calls interleaved (a
//!    line `[name] …` is the thread called so, the same thread every
//!    time); each thread's calls, in strace's order, must be exactly the
//!    narrated ones of that thread, in the narration's order.
//! 4. The resolver: getaddrinfo, getnameinfo, gethostbyname2_r, getifaddrs
//!    and if_nametoindex are library calls, narrated as one line each. The
//!    system calls the C library makes inside them (the nscd socket,
//!    netlink, DNS over UDP, the address-sorting probes) are that line's:
//!    in the same thread, they come after the thread wrote its previous
//!    narrated line and before it wrote this one (a call is narrated when
//!    it returns: strace shows the `write(2, "getaddrinfo(…")`), on
//!    sockets opened there, and each such socket is opened with
//!    SOCK_CLOEXEC (glibc opens every socket of its own so; netlab's own
//!    sockets never are). Nothing else is excused.
//! 5. A call strace shows as interrupted (`= ? ERESTARTSYS`) is either the
//!    narrated `-1 EINTR`, or the kernel restarted it and the next call of
//!    that thread is the same one again, which is the narrated one. A call
//!    that never returned (`<unfinished ...>`, the process ended in it) can
//!    not be narrated and may end a thread's list.
//! 6. Signal handlers: a handler may make only async-signal-safe calls,
//!    and narrating is not one (it formats, allocates and takes the stderr
//!    lock), so the calls a handler makes are noted in a journal and
//!    narrated after it ran, labelled `[SIGCHLD handler]`, where strace has
//!    them inside the handler's run; they are left out of the comparison
//!    on both sides: the waitpid(-1, WNOHANG) of a SIGCHLD handler (the course's
//!    remove_zombie.c: `process sigchld`, `process zombie --reap sigchld`),
//!    the shutdown() with which `signal eintr --restart`'s second SIGALRM
//!    handler ends the wait. strace shows a handler's run as the signal's
//!    line (`--- SIGCHLD {…} ---`), the handler's calls, then
//!    `rt_sigreturn`. The calls between a signal's line and the
//!    rt_sigreturn that ends its handler are excused, when nothing else
//!    stands between them: no line written to stderr, no clone, nothing but
//!    compared calls and other handlers' complete runs (a handler
//!    interrupted by another signal). A signal with no handler (SIGCHLD's
//!    default action is to ignore it) has no rt_sigreturn, so the calls
//!    after it are the program's own and are never excused: each of those
//!    is followed by its narrated line before any rt_sigreturn could come.

use std::collections::{BTreeMap, HashMap, HashSet};

/// What strace is asked to show: the calls compared (rule 1), the writes
/// that place each narrated line, the clones that tell threads from
/// processes, and the rt_sigreturn that ends a signal handler (rule 6).
pub const FILTER: &str = "%network,%process,write,pipe,pipe2,kill,rt_sigreturn";

/// The system calls of strace's `%network` class.
pub(crate) const NETWORK: &[&str] = &[
    "socket",
    "socketpair",
    "bind",
    "listen",
    "accept",
    "accept4",
    "connect",
    "getsockname",
    "getpeername",
    "send",
    "recv",
    "sendto",
    "recvfrom",
    "sendmsg",
    "recvmsg",
    "sendmmsg",
    "recvmmsg",
    "shutdown",
    "setsockopt",
    "getsockopt",
];

/// Library calls whose network system calls are the C library's (rule 4).
const LIBRARY: &[&str] = &["getaddrinfo", "getnameinfo", "gethostbyname2_r", "getifaddrs", "if_nametoindex"];

/// One compared call: the kernel's name, the first argument, the argument
/// shown beside it where the lesson is in it (rule 1; empty for the
/// network calls), the result (`3`, `-1 EAGAIN`; `?` never returned;
/// `restart` interrupted, rule 5).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Call {
    pub(crate) name: String,
    pub(crate) first: String,
    pub(crate) how: String,
    pub(crate) result: String,
}

impl Call {
    fn new(name: &str, first: &str, how: &str, result: String) -> Call {
        Call { name: name.into(), first: first.into(), how: how.into(), result }
    }
}

impl std::fmt::Display for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.first.is_empty(), self.how.is_empty()) {
            (true, _) => write!(f, "{}() = {}", self.name, self.result),
            (false, true) => write!(f, "{}({}, …) = {}", self.name, self.first, self.result),
            (false, false) => write!(f, "{}({}, {}, …) = {}", self.name, self.first, self.how, self.result),
        }
    }
}

/// A call line split into name, arguments (top level, as written) and the
/// text after ` = `; None for a line that is not a call.
fn split_call(line: &str) -> Option<(&str, Vec<&str>, &str)> {
    let open = line.find('(')?;
    let name = &line[..open];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let (mut depth, mut quoted, mut escaped) = (0i32, false, false);
    let (mut args, mut from) = (Vec::new(), open + 1);
    for (i, b) in line.bytes().enumerate().skip(open) {
        if quoted {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => quoted = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => quoted = true,
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    args.push(line[from..i].trim());
                    let rest = line[i + 1..].trim_start();
                    return Some((name, args, rest.strip_prefix('=').map_or("", str::trim)));
                }
            }
            b',' if depth == 1 => {
                args.push(line[from..i].trim());
                from = i + 1;
            }
            _ => {}
        }
    }
    None
}

/// `7 (127.0.0.1:5000)` → `7`; `-1 EAGAIN (Resource …)` → `-1 EAGAIN`.
fn result_of(text: &str) -> String {
    let mut words = text.split_whitespace();
    match words.next() {
        Some("-1") => format!("-1 {}", words.next().unwrap_or("")),
        Some("?") if words.next().is_some_and(|w| w.starts_with("ERESTART")) => "restart".into(),
        Some(w) => w.to_string(),
        None => "?".into(),
    }
}

/// Flags as a set: `O_NONBLOCK|O_CLOEXEC` and `O_CLOEXEC|O_NONBLOCK` are
/// the same flags.
fn flag_set(text: &str) -> String {
    let mut names: Vec<&str> = text.split('|').map(str::trim).collect();
    names.sort_unstable();
    names.join("|")
}

/// pipe2's first argument: the two descriptors the kernel filled in, or
/// nothing when it failed (strace shows the array's address, netlab
/// `fds`).
fn pipe_fds(arg: &str, result: &str) -> String {
    if result.starts_with('-') {
        String::new()
    } else {
        arg.to_string()
    }
}

/// What one strace line says.
enum Traced {
    Call(Call, String),
    /// a clone: the new task (when it was made), whether it is a thread of
    /// this process, and the call it is when it is a process (rule 1)
    Clone(Option<u32>, bool, Option<Call>),
    /// a line written to stderr (its first bytes, as strace quotes them)
    Mark(String),
    /// a signal delivered (`--- SIGCHLD {…} ---`)
    Signal,
    /// a signal handler returned
    Sigreturn,
}

/// An entry of one task's strace list: a compared call (with socket's
/// type argument, for rule 4), a line it wrote to stderr, and (until rule
/// 6 has been applied) the signals and handler returns.
#[derive(Clone, Debug)]
pub(crate) enum Item {
    Call(Call, String),
    Mark(String),
    Signal,
    Sigreturn,
}

impl Item {
    pub(crate) fn call(&self) -> Option<&Call> {
        match self {
            Item::Call(c, _) => Some(c),
            _ => None,
        }
    }
}

fn parse_strace_line(line: &str) -> Option<Traced> {
    if line.starts_with("--- SIG") {
        return Some(Traced::Signal);
    }
    let (name, args, result) = split_call(line)?;
    let arg = |i: usize| args.get(i).copied().unwrap_or("");
    let result = if line.contains("<unfinished ...>") { "?".into() } else { result_of(result) };
    if matches!(name, "clone" | "clone3" | "fork" | "vfork") {
        let child = result.parse().ok();
        let thread = line.contains("CLONE_THREAD");
        let call = match () {
            _ if thread => None,
            // posix_spawn: the pid is what the library call hands back
            _ if line.contains("CLONE_VFORK") || name == "vfork" => {
                let pid = if child.is_some() { result.clone() } else { String::new() };
                let result = if child.is_some() { "0".to_string() } else { result };
                Some(Call::new("posix_spawn", &pid, "", result))
            }
            _ => Some(Call::new("fork", "", "", result)),
        };
        return Some(Traced::Clone(child, thread, call));
    }
    if name == "rt_sigreturn" {
        return Some(Traced::Sigreturn);
    }
    if name == "write" && arg(0) == "2" {
        return Some(Traced::Mark(arg(1).to_string()));
    }
    let call = match name {
        n if NETWORK.contains(&n) => Call::new(n, arg(0), "", result),
        "wait4" => Call::new("wait4", arg(0), arg(2), result),
        "pipe2" => Call::new("pipe2", &pipe_fds(arg(0), &result), &flag_set(arg(1)), result),
        "pipe" => Call::new("pipe2", &pipe_fds(arg(0), &result), "0", result),
        "kill" => Call::new("kill", arg(0), arg(1), result),
        _ => return None,
    };
    Some(Traced::Call(call, arg(1).to_string()))
}

/// One narrated line: whose (process, thread name) and what.
#[derive(Debug)]
pub(crate) struct Narrated {
    pub(crate) pid: Option<u32>,
    pub(crate) thread: Option<String>,
    /// a compared call, or a library call (rule 4) with no Call
    pub(crate) call: Option<Call>,
    pub(crate) library: Option<String>,
    pub(crate) line: String,
}

pub(crate) fn parse_narrated(line: &str) -> Option<Narrated> {
    let mut rest = line.split("   # ").next().unwrap_or(line);
    let mut pid = None;
    if let Some(r) = rest.strip_prefix("[pid ") {
        let (n, r) = r.split_once("] ")?;
        pid = Some(n.parse().ok()?);
        rest = r;
    }
    let mut thread = None;
    while let Some(r) = rest.strip_prefix('[') {
        let (t, r) = r.split_once("] ")?;
        // a signal handler's call, narrated from its journal after it ran:
        // strace's account of it is excused (rule 6)
        if t.ends_with(" handler") {
            return None;
        }
        thread = Some(t.to_string());
        rest = r;
    }
    let (name, args, result) = split_call(rest)?;
    let arg = |i: usize| args.get(i).copied().unwrap_or("");
    if LIBRARY.contains(&name) {
        return Some(Narrated { pid, thread, call: None, library: Some(name.to_string()), line: line.to_string() });
    }
    let result = result_of(result);
    // the kernel's names and arguments for the C library's calls (rule 1)
    let call = match name {
        "accept" => Call::new("accept4", arg(0), "", result),
        "send" => Call::new("sendto", arg(0), "", result),
        "recv" => Call::new("recvfrom", arg(0), "", result),
        n if NETWORK.contains(&n) => Call::new(n, arg(0), "", result),
        "fork" => Call::new("fork", "", "", result),
        "waitpid" => Call::new("wait4", arg(0), arg(1), result),
        "wait" => Call::new("wait4", "-1", "0", result),
        "pipe" => Call::new("pipe2", &pipe_fds(arg(0), &result), "0", result),
        "pipe2" => Call::new("pipe2", &pipe_fds(arg(0), &result), &flag_set(arg(1)), result),
        "kill" => Call::new("kill", arg(0), arg(1), result),
        "posix_spawn" => {
            let pid = arg(0).trim_start_matches('[').trim_end_matches(']');
            let pid = if result == "0" { pid } else { "" };
            Call::new("posix_spawn", pid, "", result)
        }
        _ => return None,
    };
    Some(Narrated { pid, thread, call: Some(call), library: None, line: line.to_string() })
}

/// Rule 6: take the calls of signal handlers out of a task's list
/// (returns how many), then the signal and handler-return entries.
fn excuse_handlers(items: &mut Vec<Item>) -> usize {
    /// The end (its rt_sigreturn) of the handler run whose signal line is
    /// at `at`, if the run holds only calls and complete nested runs.
    fn run_end(items: &[Item], at: usize, calls: &mut Vec<usize>) -> Option<usize> {
        let mut i = at + 1;
        loop {
            match items.get(i)? {
                Item::Call(c, _) if !matches!(c.name.as_str(), "fork" | "posix_spawn") => calls.push(i),
                Item::Signal => i = run_end(items, i, calls)?,
                Item::Sigreturn => return Some(i),
                _ => return None,
            }
            i += 1;
        }
    }
    let mut excused = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        if matches!(item, Item::Signal) {
            let mut calls = Vec::new();
            if run_end(items, i, &mut calls).is_some() {
                excused.extend(calls);
            }
        }
    }
    let mut i = 0;
    items.retain(|item| {
        i += 1;
        !excused.contains(&(i - 1)) && matches!(item, Item::Call(..) | Item::Mark(_))
    });
    excused.len()
}

/// strace's account: each task's list, and the process each task belongs
/// to.
pub struct Strace {
    pub(crate) calls: BTreeMap<u32, Vec<Item>>,
    pub(crate) process_of: HashMap<u32, u32>,
    pub(crate) root: u32,
    /// the calls of signal handlers (rule 6)
    pub excused: usize,
}

pub fn read_strace(dir: &std::path::Path) -> Result<Strace, String> {
    let mut calls = BTreeMap::new();
    let mut clones: Vec<(u32, u32, bool)> = Vec::new();
    let mut excused = 0;
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(tid) = name.strip_prefix("st.").and_then(|t| t.parse::<u32>().ok()) else { continue };
        let text = std::fs::read_to_string(entry.path()).map_err(|e| e.to_string())?;
        // None: a clone of a thread cut in two, until its second half
        let mut list: Vec<Option<Item>> = Vec::new();
        // a call cut in two (`NAME(args <unfinished ...>`, then `<... NAME
        // resumed>rest`): the two halves make the line, read again in the
        // first half's place
        let mut cut: Vec<(String, usize, String)> = Vec::new();
        for line in text.lines() {
            let (parsed, at) = match line.strip_prefix("<... ") {
                Some(rest) => {
                    let (name, after) = rest.split_once(" resumed>").unwrap_or((rest, ""));
                    let Some(k) = cut.iter().rposition(|(n, _, _)| n == name) else { continue };
                    let (_, at, first) = cut.remove(k);
                    (parse_strace_line(&format!("{first}{after}")), Some(at))
                }
                None => {
                    let parsed = parse_strace_line(line);
                    if let (Some(first), Some(Traced::Call(..) | Traced::Clone(..))) =
                        (line.strip_suffix("<unfinished ...>"), &parsed)
                    {
                        let name = first.split('(').next().unwrap_or("").to_string();
                        cut.push((name, list.len(), first.trim_end().to_string() + " "));
                    }
                    (parsed, None)
                }
            };
            let item = match parsed {
                Some(Traced::Call(c, ty)) => Some(Item::Call(c, ty)),
                Some(Traced::Mark(text)) => Some(Item::Mark(text)),
                Some(Traced::Signal) => Some(Item::Signal),
                Some(Traced::Sigreturn) => Some(Item::Sigreturn),
                Some(Traced::Clone(child, thread, call)) => {
                    if let Some(child) = child {
                        clones.push((tid, child, thread));
                    }
                    // a process: the fork or posix_spawn it is
                    match call {
                        Some(c) => Some(Item::Call(c, String::new())),
                        None if at.is_none() && line.ends_with("<unfinished ...>") => {
                            list.push(None);
                            continue;
                        }
                        None => None,
                    }
                }
                None => continue,
            };
            match at {
                Some(at) => list[at] = item,
                None => list.extend(item.map(Some)),
            }
        }
        let mut list: Vec<Item> = list.into_iter().flatten().collect();
        excused += excuse_handlers(&mut list);
        calls.insert(tid, list);
    }
    let created: HashSet<u32> = clones.iter().map(|c| c.1).collect();
    let roots: Vec<u32> = calls.keys().copied().filter(|t| !created.contains(t)).collect();
    let [root] = roots[..] else { return Err(format!("not one first task in the strace files: {roots:?}")) };
    let mut process_of = HashMap::from([(root, root)]);
    // parents before their children: repeat until every clone is placed
    for _ in 0..=clones.len() {
        for &(parent, child, thread) in &clones {
            if let Some(&p) = process_of.get(&parent) {
                process_of.entry(child).or_insert(if thread { p } else { child });
            }
        }
    }
    Ok(Strace { calls, process_of, root, excused })
}
