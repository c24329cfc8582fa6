//! The matcher of the strace comparison: one process's narration against
//! its threads' strace lists, by the rules written in `strace.rs` (rules
//! 3-5: which thread each narrated line is, how long each library call's
//! run of the C library's own calls is, interrupted calls), and the rules
//! tried on made-up accounts.

use crate::common::TempDir;
use crate::strace::{parse_narrated, read_strace, Item, Narrated, Strace, NETWORK};
use std::collections::{BTreeMap, HashSet};

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
