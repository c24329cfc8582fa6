//! How `--trace` and strace are compared (used by `trace_vs_strace.rs`):
//! strace's account (`strace -ff -qq -s 64 -e trace=%network,%process,write
//! -o FILE`, one file per task) is read into each task's list of network
//! calls and of the lines it wrote to stderr, and matched with the
//! narration process by process and thread by thread (`%process` tells
//! threads from processes; `write` shows where each narrated line was
//! written: `write(2, "getaddrinfo(…")`).
//!
//! The rules of the comparison:
//!
//! 1. A call is its name, its first argument and its result (`socket`,
//!    `AF_INET`, `3`; `accept4`, `3`, `-1 EAGAIN`). Names are the kernel's:
//!    netlab's `accept(3)` is the C library's accept(), which is the
//!    system call accept4 with flags 0; `send` and `recv` are sendto and
//!    recvfrom without an address. Only the calls of strace's
//!    `%network` class are compared (read, write, close and poll are
//!    narrated too, but strace's class does not hold them).
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

use crate::common::TempDir;
use std::collections::{BTreeMap, HashMap, HashSet};

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

/// One network call: the kernel's name, the first argument, the result
/// (`3`, `-1 EAGAIN`; `?` never returned; `restart` interrupted, rule 5).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Call {
    name: String,
    first: String,
    result: String,
}

impl std::fmt::Display for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({}, …) = {}", self.name, self.first, self.result)
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

/// What one strace line says.
enum Traced {
    Call(Call, String),
    /// a clone: the new task, and whether it is a thread of this process
    Clone(u32, bool),
    /// a line written to stderr (its first bytes, as strace quotes them)
    Mark(String),
}

/// An entry of one task's strace list: a network call (with socket's
/// type argument, for rule 4), or a line it wrote to stderr.
#[derive(Clone, Debug)]
enum Item {
    Call(Call, String),
    Mark(String),
}

impl Item {
    fn call(&self) -> Option<&Call> {
        match self {
            Item::Call(c, _) => Some(c),
            Item::Mark(_) => None,
        }
    }
}

fn parse_strace_line(line: &str) -> Option<Traced> {
    let (name, args, result) = split_call(line)?;
    if matches!(name, "clone" | "clone3" | "fork" | "vfork") {
        let child = result.split_whitespace().next()?.parse().ok()?;
        return Some(Traced::Clone(child, line.contains("CLONE_THREAD")));
    }
    if name == "write" && args.first() == Some(&"2") {
        return Some(Traced::Mark(args.get(1).copied().unwrap_or("").to_string()));
    }
    if !NETWORK.contains(&name) {
        return None;
    }
    let result = if line.contains("<unfinished ...>") { "?".into() } else { result_of(result) };
    let call = Call { name: name.into(), first: args.first().copied().unwrap_or("").into(), result };
    Some(Traced::Call(call, args.get(1).copied().unwrap_or("").to_string()))
}

/// One narrated line: whose (process, thread name) and what.
#[derive(Debug)]
struct Narrated {
    pid: Option<u32>,
    thread: Option<String>,
    /// a network call, or a library call (rule 4) with no Call
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
    let (call, library) = if LIBRARY.contains(&name) {
        (None, Some(name.to_string()))
    } else if NETWORK.contains(&name) {
        // the C library's names for the kernel's calls: accept() is
        // accept4 with flags 0, send() and recv() are sendto and recvfrom
        // without an address
        let name = match name {
            "accept" => "accept4",
            "send" => "sendto",
            "recv" => "recvfrom",
            other => other,
        };
        let first = args.first().copied().unwrap_or("").to_string();
        (Some(Call { name: name.into(), first, result: result_of(result) }), None)
    } else {
        return None;
    };
    Some(Narrated { pid, thread, call, library, line: line.to_string() })
}

/// strace's account: each task's list, and the process each task belongs
/// to.
pub struct Strace {
    calls: BTreeMap<u32, Vec<Item>>,
    process_of: HashMap<u32, u32>,
    root: u32,
}

pub fn read_strace(dir: &std::path::Path) -> Result<Strace, String> {
    let mut calls = BTreeMap::new();
    let mut clones: Vec<(u32, u32, bool)> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(tid) = name.strip_prefix("st.").and_then(|t| t.parse::<u32>().ok()) else { continue };
        let text = std::fs::read_to_string(entry.path()).map_err(|e| e.to_string())?;
        let mut list = Vec::new();
        for line in text.lines() {
            // a call cut in two (`<unfinished ...>`, then `<... NAME
            // resumed>`): the second half has the result
            if let Some(rest) = line.strip_prefix("<... ") {
                let (name, after) = rest.split_once(" resumed>").unwrap_or((rest, ""));
                let result = after.rsplit_once(" = ").map_or("?".to_string(), |(_, r)| result_of(r));
                let cut = list.iter_mut().rev().find_map(|i| match i {
                    Item::Call(c, _) if c.name == name => Some(c),
                    _ => None,
                });
                if let Some(c) = cut {
                    c.result = result;
                }
                continue;
            }
            match parse_strace_line(line) {
                Some(Traced::Call(c, ty)) => list.push(Item::Call(c, ty)),
                Some(Traced::Mark(text)) => list.push(Item::Mark(text)),
                Some(Traced::Clone(child, thread)) => clones.push((tid, child, thread)),
                None => {}
            }
        }
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
    Ok(Strace { calls, process_of, root })
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
            Item::Call(c, ty) => {
                let own = if c.name == "socket" {
                    let ok = ty.contains("SOCK_CLOEXEC") && !c.result.starts_with('-') && c.result != "?";
                    if ok {
                        opened.insert(&c.result);
                    }
                    ok
                } else {
                    opened.contains(c.first.as_str())
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
        let same_call = got.name == want.name && got.first == want.first;
        if same_call && (got.result == want.result || (got.result == "restart" && want.result == "-1 EINTR")) {
            pos[t] = q + 1;
            if self.solve(j + 1, pos, names) {
                return true;
            }
            pos[t] = p;
        }
        // restarted by the kernel: the same call again is the narrated one
        if got.result == "restart"
            && next_call(q + 1).is_some_and(|(_, next)| next.name == got.name && next.first == got.first)
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
