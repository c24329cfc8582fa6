//! How `--trace` and strace are compared (used by `trace_vs_strace.rs`):
//! strace's account (`strace -ff -qq -s 64 -e trace=FILTER -o FILE`, one
//! file per task, [`FILTER`] below) is read into each task's list of
//! compared calls and of the lines it wrote to stderr, and matched with the
//! narration process by process and thread by thread (`%process` tells
//! threads from processes; `write` shows where each narrated line was
//! written: `write(2, "getaddrinfo(…")`).
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
//!    lock), so the calls a handler makes are not narrated: the
//!    waitpid(-1, WNOHANG) of a SIGCHLD handler (the course's
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

use crate::common::TempDir;
use std::collections::{BTreeMap, HashMap, HashSet};

/// What strace is asked to show: the calls compared (rule 1), the writes
/// that place each narrated line, the clones that tell threads from
/// processes, and the rt_sigreturn that ends a signal handler (rule 6).
pub const FILTER: &str = "%network,%process,write,pipe,pipe2,kill,rt_sigreturn";

/// The system calls of strace's `%network` class.
const NETWORK: &[&str] = &[
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
struct Call {
    name: String,
    first: String,
    how: String,
    result: String,
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
enum Item {
    Call(Call, String),
    Mark(String),
    Signal,
    Sigreturn,
}

impl Item {
    fn call(&self) -> Option<&Call> {
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
struct Narrated {
    pid: Option<u32>,
    thread: Option<String>,
    /// a compared call, or a library call (rule 4) with no Call
    call: Option<Call>,
    library: Option<String>,
    line: String,
}

fn parse_narrated(line: &str) -> Option<Narrated> {
    let mut rest = line.split("   # ").next().unwrap_or(line);
    let mut pid = None;
    if let Some(r) = rest.strip_prefix("[pid ") {
        let (n, r) = r.split_once("] ")?;
        pid = Some(n.parse().ok()?);
        rest = r;
    }
    let mut thread = None;
    if let Some(r) = rest.strip_prefix('[') {
        let (t, r) = r.split_once("] ")?;
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
    calls: BTreeMap<u32, Vec<Item>>,
    process_of: HashMap<u32, u32>,
    root: u32,
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

/// Where the C library's own calls for library call `name` end, from
/// `from` in a task's list (rule 4): the index of the line `name(…)` the
/// task wrote; None if anything but the C library's own calls stands in
/// the way, or the task never wrote that line.
fn library_window(items: &[Item], from: usize, name: &str) -> Option<usize> {
    let written = format!("\"{name}(");
    let mut opened: HashSet<&str> = HashSet::new();
    let mut calls = 0;
    for (i, item) in items.iter().enumerate().skip(from) {
        match item {
            Item::Mark(text) if text.starts_with(&written) => return Some(i),
            // another narrated line: the library's calls all come after it
            Item::Mark(_) if calls == 0 => {}
            Item::Mark(_) => return None,
            Item::Signal | Item::Sigreturn => return None,
            Item::Call(c, ty) => {
                let own = if c.name == "socket" {
                    let ok = ty.contains("SOCK_CLOEXEC") && !c.result.starts_with('-') && c.result != "?";
                    if ok {
                        opened.insert(&c.result);
                    }
                    ok
                } else {
                    NETWORK.contains(&c.name.as_str()) && opened.contains(c.first.as_str())
                };
                if !own {
                    return None;
                }
                calls += 1;
            }
        }
    }
    None
}

/// Where a search stands: the narrated line, each thread's position in
/// its list, and which thread each thread name is.
type State = (usize, Vec<usize>, Vec<(String, usize)>);

/// Match one process's narration against its threads' strace lists
/// (rules 3-5): a search over which thread each narrated line is, and how
/// long each library call's run of the C library's own calls is.
struct Matcher<'a> {
    lines: Vec<&'a Narrated>,
    threads: Vec<(u32, &'a [Item])>,
    failed: HashSet<State>,
    /// the furthest the search got: (line index, positions)
    best: (usize, Vec<usize>),
}

impl Matcher<'_> {
    fn solve(&mut self, j: usize, pos: &mut Vec<usize>, names: &mut Vec<(String, usize)>) -> bool {
        if j > self.best.0 {
            self.best = (j, pos.clone());
        }
        if j == self.lines.len() {
            // what is left may only be calls that never returned
            return self
                .threads
                .iter()
                .zip(pos.iter())
                .all(|((_, items), &p)| items[p..].iter().filter_map(Item::call).all(|c| c.result == "?"));
        }
        let key = (j, pos.clone(), names.clone());
        if self.failed.contains(&key) {
            return false;
        }
        let line = self.lines[j];
        let bound = line.thread.as_ref().and_then(|n| names.iter().find(|(m, _)| m == n).map(|(_, t)| *t));
        for t in 0..self.threads.len() {
            if bound.is_some_and(|b| b != t) {
                continue;
            }
            let named_here = line.thread.is_some() && bound.is_none();
            if named_here && names.iter().any(|(_, u)| *u == t) {
                continue;
            }
            if named_here {
                names.push((line.thread.clone().unwrap_or_default(), t));
            }
            if self.try_thread(j, t, pos, names) {
                return true;
            }
            if named_here {
                names.pop();
            }
        }
        self.failed.insert(key);
        false
    }

    fn try_thread(&mut self, j: usize, t: usize, pos: &mut Vec<usize>, names: &mut Vec<(String, usize)>) -> bool {
        let line = self.lines[j];
        let items = self.threads[t].1;
        let p = pos[t];
        if let Some(name) = &line.library {
            let Some(end) = library_window(items, p, name) else { return false };
            pos[t] = end + 1;
            if self.solve(j + 1, pos, names) {
                return true;
            }
            pos[t] = p;
            return false;
        }
        let Some(want) = &line.call else { return false };
        // the lines written to stderr stand between the calls
        let next_call = |from: usize| (from..items.len()).find_map(|i| items[i].call().map(|c| (i, c)));
        let Some((q, got)) = next_call(p) else { return false };
        let same_call = got.name == want.name && got.first == want.first && got.how == want.how;
        if same_call && (got.result == want.result || (got.result == "restart" && want.result == "-1 EINTR")) {
            pos[t] = q + 1;
            if self.solve(j + 1, pos, names) {
                return true;
            }
            pos[t] = p;
        }
        // restarted by the kernel: the same call again is the narrated one
        if got.result == "restart"
            && next_call(q + 1)
                .is_some_and(|(_, next)| next.name == got.name && next.first == got.first && next.how == got.how)
        {
            pos[t] = q + 1;
            if self.try_thread(j, t, pos, names) {
                return true;
            }
            pos[t] = p;
        }
        false
    }
}

/// Compare the narration (stderr) with the strace files; Err says where
/// they part.
pub fn compare(stderr: &str, st: &Strace) -> Result<usize, String> {
    let narrated: Vec<Narrated> = stderr.lines().filter_map(parse_narrated).collect();
    let mut processes: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (&tid, &p) in &st.process_of {
        processes.entry(p).or_default().push(tid);
    }
    for tid in st.calls.keys() {
        if !st.process_of.contains_key(tid) {
            return Err(format!("task {tid} of the strace files belongs to no process"));
        }
    }
    for n in &narrated {
        let p = n.pid.unwrap_or(st.root);
        if !processes.contains_key(&p) {
            return Err(format!("narrated for a process strace never saw: {}", n.line));
        }
    }
    let mut compared = 0;
    for (&p, tids) in &processes {
        let lines: Vec<&Narrated> = narrated.iter().filter(|n| n.pid.unwrap_or(st.root) == p).collect();
        let mut tids = tids.clone();
        tids.sort();
        let threads: Vec<(u32, &[Item])> =
            tids.iter().map(|t| (*t, st.calls.get(t).map_or(&[][..], |v| &v[..]))).collect();
        compared += threads.iter().flat_map(|t| t.1.iter().filter_map(Item::call)).count();
        let mut m = Matcher { lines, threads, failed: HashSet::new(), best: (0, Vec::new()) };
        let mut pos = vec![0; m.threads.len()];
        if !m.solve(0, &mut pos, &mut Vec::new()) {
            let (j, at) = m.best.clone();
            let mut why = format!("process {p}: the narration and strace part here\n");
            match m.lines.get(j) {
                Some(n) => why += &format!("  next narrated line: {}\n", n.line),
                None => why += "  every narrated line matched; strace has more\n",
            }
            for (i, (tid, calls)) in m.threads.iter().enumerate() {
                let from = at.get(i).copied().unwrap_or(0);
                let next: Vec<String> =
                    calls[from..].iter().filter_map(Item::call).take(4).map(|c| c.to_string()).collect();
                if !next.is_empty() {
                    why += &format!("  task {tid}, strace's next calls: {}\n", next.join("; "));
                }
            }
            return Err(why);
        }
    }
    Ok(compared)
}

/// The rules on a made-up account: a connect nobody narrated is caught; a
/// resolver's probe is excused only inside the library call it came
/// before; an interrupted call is the narrated EINTR or its restart.
#[test]
fn the_comparison_catches_a_call_that_is_not_narrated() {
    let strace = |extra: &str| {
        let dir = TempDir::new("strace-rules");
        let text = format!(
            "socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3\n\
             write(2, \"socket(AF_INET, SOCK_STREAM, 0) = 3\\n\", 36) = 36\n\
             socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 4\n\
             connect(4, {{sa_family=AF_UNIX, sun_path=\"/var/run/nscd/socket\"}}, 110) = -1 ENOENT (No such file or directory)\n\
             write(2, \"getaddrinfo(\\\"localhost\\\", NULL, {{\"..., 80) = 80\n\
             {extra}\
             accept4(3, {{sa_family=AF_INET, sin_port=htons(1), sin_addr=inet_addr(\"127.0.0.1\")}}, [128 => 16], 0) = 5\n\
             write(2, \"accept(3) = 5 (127.0.0.1:1)\\n\", 28) = 28\n\
             accept4(3, 0x7ffc, [128], SOCK_NONBLOCK) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)\n\
             --- SIGCHLD {{si_signo=SIGCHLD}} ---\n\
             accept4(3, 0x7ffc, [128], SOCK_NONBLOCK) = -1 EAGAIN (Resource temporarily unavailable)\n\
             connect(3, {{sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr(\"127.0.0.1\")}}, 16) = 0\n\
             +++ exited with 0 +++\n"
        );
        std::fs::write(dir.0.join("st.100"), text).unwrap();
        read_strace(&dir.0).unwrap()
    };
    let st = strace("");
    let narrated = "socket(AF_INET, SOCK_STREAM, 0) = 3\n\
                    getaddrinfo(\"localhost\", NULL, {0, AF_UNSPEC, SOCK_STREAM}) = 0 (1 addresses)\n\
                    accept(3) = 5 (127.0.0.1:1)\n\
                    accept4(3, SOCK_NONBLOCK) = -1 EAGAIN (Resource temporarily unavailable)   # why\n";
    let err = compare(narrated, &st).expect_err("the connect is not narrated");
    assert!(err.contains("connect(3, …) = 0"), "{err}");
    let narrated = format!("{narrated}connect(3, 127.0.0.1:9) = 0\n");
    assert_eq!(compare(&narrated, &st), Ok(7));
    // without the library line, its probe is nobody's
    let without: String =
        narrated.lines().filter(|l| !l.starts_with("getaddrinfo")).map(|l| format!("{l}\n")).collect();
    assert!(compare(&without, &st).is_err());
    // a probe after the library line was written is not that line's (an
    // unnarrated gethostbyname2_r, say)
    let st = strace(
        "socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 4\n\
         connect(4, {sa_family=AF_UNIX, sun_path=\"/var/run/nscd/socket\"}, 110) = -1 ENOENT (No such file or directory)\n",
    );
    let err = compare(&narrated, &st).expect_err("the second probe is not narrated");
    assert!(err.contains("socket(AF_UNIX, …) = 4"), "{err}");
    // a socket of netlab's own (no SOCK_CLOEXEC) is never the library's
    let st = strace("socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 6\n");
    assert!(compare(&narrated, &st).is_err());
}

/// The process calls on a made-up account: fork is the clone of a process,
/// pipe() is pipe2 with flags 0, waitpid and wait are wait4 with their pid
/// and options, kill has its signal; a SIGCHLD handler's waitpid calls are
/// excused only inside its run (up to rt_sigreturn).
#[test]
fn the_comparison_holds_the_process_calls_to_their_arguments() {
    let strace = |handler: &str| {
        let dir = TempDir::new("strace-process");
        let text = format!(
            "pipe2([3, 4], 0) = 0\n\
             write(2, \"pipe([3, 4]) = 0\\n\", 17) = 17\n\
             clone3({{flags=CLONE_VM|CLONE_THREAD|CLONE_SIGHAND, exit_signal=0}} => {{parent_tid=[102]}}, 88) = 102\n\
             clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 101\n\
             write(2, \"fork() = 101\\n\", 13) = 13\n\
             --- SIGCHLD {{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=101, si_status=0}} ---\n\
             wait4(-1, [{{WIFEXITED(s) && WEXITSTATUS(s) == 0}}], WNOHANG, NULL) = 101\n\
             wait4(-1, 0x7ffd, WNOHANG, NULL) = -1 ECHILD (No child processes)\n\
             {handler}\
             kill(101, SIGTERM) = -1 ESRCH (No such process)\n\
             write(2, \"kill(101, SIGTERM) = -1 ESRCH (No such process)\\n\", 48) = 48\n\
             wait4(-1, 0x7ffd, 0, NULL) = -1 ECHILD (No child processes)\n\
             exit_group(0) = ?\n"
        );
        std::fs::write(dir.0.join("st.100"), text).unwrap();
        std::fs::write(dir.0.join("st.101"), "exit_group(0) = ?\n").unwrap();
        std::fs::write(dir.0.join("st.102"), "").unwrap();
        read_strace(&dir.0).unwrap()
    };
    let st = strace("rt_sigreturn({mask=[]}) = 0\n");
    assert_eq!(st.excused, 2);
    let narrated = "pipe([3, 4]) = 0\n\
                    fork() = 101\n\
                    kill(101, SIGTERM) = -1 ESRCH (No such process)\n\
                    wait(&status) = -1 ECHILD (No child processes)\n";
    assert_eq!(compare(narrated, &st), Ok(4));
    for (right, wrong) in [
        ("pipe([3, 4])", "pipe2([3, 4], O_CLOEXEC)"),
        ("fork() = 101", "fork() = 102"),
        ("kill(101, SIGTERM)", "kill(101, SIGKILL)"),
        ("wait(&status)", "waitpid(-1, WNOHANG)"),
    ] {
        let err = compare(&narrated.replace(right, wrong), &st).expect_err(wrong);
        assert!(err.contains("part here"), "{err}");
    }
    assert!(compare(&narrated.replace("fork() = 101\n", ""), &st).is_err(), "an unnarrated fork");
    // without its rt_sigreturn the SIGCHLD had no handler: the two wait4
    // calls after it are the program's own, and are not narrated
    let st = strace("");
    assert_eq!(st.excused, 0);
    let err = compare(narrated, &st).expect_err("the wait4 calls after a SIGCHLD without a handler");
    assert!(err.contains("wait4(-1, WNOHANG, …) = 101"), "{err}");
    // a line written inside the run: not a handler's run
    let st = strace("write(2, \"something\\n\", 10) = 10\nrt_sigreturn({mask=[]}) = 0\n");
    assert_eq!(st.excused, 0);
}
