//! Processes and threads: fork, waitpid, _exit, posix_spawn and a bounded
//! wait on a pidfd, pthread_create, the scheduling policy, prctl, and
//! getrusage.

use super::{failed, traced};
use crate::logging::{trace_line, tracing_syscalls};
use nix::errno::Errno;
use nix::sys::wait::{WaitPidFlag, WaitStatus};
use nix::unistd::{ForkResult, Pid};

/// A named thread with its own stack size: std's spawn, which is
/// pthread_create(3), narrated as such (it returns the error number itself
/// instead of -1 and errno).
pub fn spawn_thread<F: FnOnce() + Send + 'static>(
    name: String,
    stack: usize,
    f: F,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    let call = tracing_syscalls().then(|| format!("pthread_create(\"{name}\", stack {stack})"));
    let res = std::thread::Builder::new().name(name).stack_size(stack).spawn(f);
    narrate_spawn(call, &res);
    res
}

/// The trace line of a pthread_create: `= 0`, or the errno it failed with.
fn narrate_spawn<T>(call: Option<String>, res: &std::io::Result<T>) {
    if let Some(call) = call {
        trace_line(&match res {
            Ok(_) => format!("{call} = 0"),
            Err(e) => {
                let errno = Errno::from_raw(e.raw_os_error().unwrap_or(libc::EAGAIN));
                format!("{call} = {errno:?} ({})", crate::error::strerror(errno))
            }
        });
    }
}

/// pthread_create(3) of a thread that may borrow from the caller's stack
/// frame (it ends before `scope` does), with the default stack.
pub fn spawn_scoped<'scope, 'env, F, T>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    name: String,
    f: F,
) -> std::io::Result<std::thread::ScopedJoinHandle<'scope, T>>
where
    F: FnOnce() -> T + Send + 'scope,
    T: Send + 'scope,
{
    let call = tracing_syscalls().then(|| format!("pthread_create(\"{name}\")"));
    let res = std::thread::Builder::new().name(name).spawn_scoped(scope, f);
    narrate_spawn(call, &res);
    res
}

/// fork(2).
///
/// # Safety
/// The caller must be single-threaded at this point (no other thread may
/// hold a lock the child would need).
pub unsafe fn fork() -> std::result::Result<ForkResult, Errno> {
    // SAFETY: forwarded to the caller's contract.
    let res = unsafe { nix::unistd::fork() };
    // Only the parent narrates; the child starts with a clean slate.
    if tracing_syscalls() {
        match &res {
            Ok(ForkResult::Parent { child }) => trace_line(&format!("fork() = {child}")),
            // a child starts with a clean slate: the handlers' notes so far
            // are its parent's to tell
            Ok(ForkResult::Child) => super::handler::forget_notes(),
            Err(e) => trace_line(&format!("fork() = {}", failed(*e))),
        }
    }
    res
}

/// _exit(2): leave at once, without the parent's atexit handlers and
/// destructors (a forked child's way out). Narrated as `exit(CODE) = ?`, the
/// call a student's child makes.
pub fn exit_now(code: i32) -> ! {
    if tracing_syscalls() {
        // strace writes a call that never returns as `= ?`
        trace_line(&format!("exit({code}) = ?"));
    }
    // SAFETY: _exit ends the process at once, running nothing of this
    // process afterwards (nix has no wrapper for it; std's exit would run
    // the parent's cleanup in a forked child).
    unsafe { libc::_exit(code) }
}

/// getpid(2), narrated (the course's processes print their pid).
pub fn getpid() -> i32 {
    let pid = nix::unistd::getpid().as_raw();
    if tracing_syscalls() {
        trace_line(&format!("getpid() = {pid}"));
    }
    pid
}

/// getppid(2), narrated.
pub fn getppid() -> i32 {
    let pid = nix::unistd::getppid().as_raw();
    if tracing_syscalls() {
        trace_line(&format!("getppid() = {pid}"));
    }
    pid
}

/// A wait status as a student reads it: `exited 7`, `killed by SIGTERM`.
pub fn describe_wait(st: WaitStatus) -> Option<(i32, String)> {
    match st {
        WaitStatus::StillAlive => None,
        WaitStatus::Exited(pid, code) => Some((pid.as_raw(), format!("exited {code}"))),
        WaitStatus::Signaled(pid, sig, _) => Some((pid.as_raw(), format!("killed by {}", sig.as_str()))),
        other => other.pid().map(|p| (p.as_raw(), format!("{other:?}"))),
    }
}

/// waitpid(-1, &status, WNOHANG): one exited child, or None when no child
/// has exited (or there are no children).
pub fn waitpid_any_nohang() -> std::result::Result<Option<(i32, String)>, Errno> {
    waitpid_any(true)
}

/// waitpid(-1, &status, 0): the next child to exit (EINTR retried), or
/// None when there are no children left.
pub fn waitpid_any_blocking() -> std::result::Result<Option<(i32, String)>, Errno> {
    loop {
        match waitpid_any(false) {
            Err(Errno::EINTR) => continue,
            other => return other,
        }
    }
}

/// waitpid(pid, &status, 0): wait for that child to end (EINTR retried).
pub fn waitpid_child(pid: Pid) -> std::result::Result<WaitStatus, Errno> {
    loop {
        match waitpid(pid, false) {
            Err(Errno::EINTR) => continue,
            other => return other,
        }
    }
}

fn waitpid_any(nohang: bool) -> std::result::Result<Option<(i32, String)>, Errno> {
    match waitpid(Pid::from_raw(-1), nohang) {
        Ok(st) => Ok(describe_wait(st)),
        Err(Errno::ECHILD) => Ok(None),
        Err(e) => Err(e),
    }
}

/// waitpid(2), traced as the kernel answered: `= 0` (children, none exited
/// yet) and `= -1 ECHILD` (no children at all) are different answers.
pub fn waitpid(pid: Pid, nohang: bool) -> std::result::Result<WaitStatus, Errno> {
    let flags = nohang.then_some(WaitPidFlag::WNOHANG);
    traced(
        nix::sys::wait::waitpid(pid, flags),
        || format!("waitpid({pid}, {})", if nohang { "WNOHANG" } else { "0" }),
        |st| describe_wait(*st).map_or_else(|| "0".into(), |(p, how)| format!("{p} ({how})")),
    )
}

/// prctl(PR_SET_PDEATHSIG, SIGKILL): the calling process is killed when
/// its parent ends (a forked helper never outlives its command).
pub fn die_with_parent() -> std::result::Result<(), Errno> {
    let res = nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL);
    traced(res, || "prctl(PR_SET_PDEATHSIG, SIGKILL)".to_string(), |_| "0".into())
}

/// prctl(PR_SET_TIMERSLACK, ns): how late the kernel may wake the calling
/// thread from a timed wait (50 us by default), to batch wake-ups.
pub fn set_timer_slack(ns: u64) -> std::result::Result<(), Errno> {
    let res = nix::sys::prctl::set_timerslack(ns as libc::c_ulong);
    traced(res, || format!("prctl(PR_SET_TIMERSLACK, {ns})"), |_| "0".into())
}

/// getrusage(RUSAGE_SELF): the CPU time this process has used, user plus
/// system, over all its threads.
pub fn cpu_time() -> std::result::Result<std::time::Duration, Errno> {
    use nix::sys::resource::{getrusage, UsageWho};
    use nix::sys::time::TimeValLike;
    let res = getrusage(UsageWho::RUSAGE_SELF).map(|u| {
        let us = u.user_time().num_microseconds() + u.system_time().num_microseconds();
        std::time::Duration::from_micros(us.max(0) as u64)
    });
    traced(res, || "getrusage(RUSAGE_SELF)".into(), |d| format!("0 (ru_utime + ru_stime = {:.3} s)", d.as_secs_f64()))
}

/// sched_getscheduler(2) for the calling thread (nix has no wrapper).
pub fn sched_getscheduler() -> std::result::Result<i32, Errno> {
    // SAFETY: takes a thread id (0: the caller) and touches no memory.
    let res = Errno::result(unsafe { libc::sched_getscheduler(0) });
    traced(res, || "sched_getscheduler(0)".into(), |p| format!("{p} ({})", sched_policy_name(*p)))
}

/// sched_setscheduler(2) for the calling thread, priority 0 (the only one
/// SCHED_OTHER, SCHED_BATCH and SCHED_IDLE take; nix has no wrapper).
pub fn sched_setscheduler(policy: i32) -> std::result::Result<(), Errno> {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: `param` is a valid sched_param that outlives the call; Linux
    // reads it and applies the policy to the calling thread only.
    let res = Errno::result(unsafe { libc::sched_setscheduler(0, policy, &param) }).map(drop);
    traced(
        res,
        || format!("sched_setscheduler(0, {}, {{sched_priority=0}})", sched_policy_name(policy)),
        |_| "0".into(),
    )
}

fn sched_policy_name(p: i32) -> &'static str {
    match p {
        libc::SCHED_OTHER => "SCHED_OTHER",
        libc::SCHED_BATCH => "SCHED_BATCH",
        libc::SCHED_IDLE => "SCHED_IDLE",
        libc::SCHED_FIFO => "SCHED_FIFO",
        libc::SCHED_RR => "SCHED_RR",
        _ => "SCHED_?",
    }
}

/// mmap(NULL, len, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0):
/// zero-filled memory that a parent and the children it forks share.
/// Never unmapped: it lives as long as the process.
pub fn mmap_shared(len: usize) -> std::result::Result<std::ptr::NonNull<libc::c_void>, Errno> {
    use nix::sys::mman::{mmap_anonymous, MapFlags, ProtFlags};
    let size = std::num::NonZeroUsize::new(len).ok_or(Errno::EINVAL)?;
    // SAFETY: a fresh anonymous mapping at an address of the kernel's
    // choosing: it aliases nothing in this process.
    let res = unsafe { mmap_anonymous(None, size, ProtFlags::PROT_READ | ProtFlags::PROT_WRITE, MapFlags::MAP_SHARED) };
    traced(
        res,
        || format!("mmap(NULL, {len}, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0)"),
        |p| format!("{:p}", p.as_ptr()),
    )
}

/// wait(&status): the next child to end, blocking; EINTR comes back to
/// the caller (a signal is how a bounded wait ends).
pub fn wait() -> std::result::Result<WaitStatus, Errno> {
    traced(
        nix::sys::wait::wait(),
        || "wait(&status)".into(),
        |st| describe_wait(*st).map_or_else(|| "0".into(), |(p, how)| format!("{p} ({how})")),
    )
}

/// prctl(PR_SET_CHILD_SUBREAPER, 1): orphans of this process's children
/// come back to it (to be reaped and counted) instead of going to init.
pub fn become_subreaper() -> std::result::Result<(), Errno> {
    let res = nix::sys::prctl::set_child_subreaper(true);
    traced(res, || "prctl(PR_SET_CHILD_SUBREAPER, 1)".to_string(), |_| "0".into())
}

/// sleep(3): the course's `sleep(100)`; returns the seconds left when a
/// signal cut it short (0 when it slept them all).
pub fn sleep(secs: u32) -> u32 {
    let left = nix::unistd::sleep(secs);
    if tracing_syscalls() {
        trace_line(&format!("sleep({secs}) = {left}"));
    }
    left
}

/// nanosleep(2): a short wait (a back-off), cut short by a signal.
pub fn nanosleep(d: std::time::Duration) -> std::result::Result<(), Errno> {
    let ts = nix::sys::time::TimeSpec::from_duration(d);
    let res =
        nix::time::clock_nanosleep(nix::time::ClockId::CLOCK_MONOTONIC, nix::time::ClockNanosleepFlags::empty(), &ts)
            .map(drop);
    traced(res, || format!("nanosleep({{{}, {}}})", ts.tv_sec(), ts.tv_nsec()), |_| "0".into())
}

/// posix_spawn(3): start the program at `path` with `argv` (argv[0]
/// included), standard input /dev/null, standard output `stdout` and
/// standard error `stderr` (/dev/null when None), the signal mask empty and
/// SIGPIPE's default action back, as std's Command does. The C library
/// makes it of clone(CLONE_VM|CLONE_VFORK) and, in the child, the file
/// actions and execve; narrated as one library call with the pid it
/// writes into its first argument:
/// `posix_spawn([4242], "/usr/bin/netlab", {stdin </dev/null, stdout >5,
/// stderr >7}, ["/usr/bin/netlab", "--json", …]) = 0`. Like
/// pthread_create, it returns the error number itself.
pub fn spawn(
    path: &std::path::Path,
    argv: &[String],
    stdout: &super::Fd,
    stderr: Option<&super::Fd>,
) -> std::result::Result<Pid, Errno> {
    use nix::fcntl::OFlag;
    use nix::spawn::{PosixSpawnAttr, PosixSpawnFileActions, PosixSpawnFlags};
    use nix::sys::signal::{SigSet, Signal};
    use nix::sys::stat::Mode;
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let cstring = |b: &[u8]| CString::new(b).map_err(|_| Errno::EINVAL);
    let res = (|| {
        let program = cstring(path.as_os_str().as_bytes())?;
        let args = argv.iter().map(|a| cstring(a.as_bytes())).collect::<std::result::Result<Vec<_>, _>>()?;
        let env = std::env::vars_os()
            .map(|(k, v)| cstring(&[k.as_bytes(), b"=", v.as_bytes()].concat()))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let mut actions = PosixSpawnFileActions::init()?;
        actions.add_open(0, c"/dev/null", OFlag::O_RDONLY, Mode::empty())?;
        actions.add_dup2(stdout.raw(), 1)?;
        match stderr {
            Some(fd) => actions.add_dup2(fd.raw(), 2)?,
            None => actions.add_open(2, c"/dev/null", OFlag::O_WRONLY, Mode::empty())?,
        }
        let mut attr = PosixSpawnAttr::init()?;
        attr.set_sigmask(&SigSet::empty())?;
        let mut default = SigSet::empty();
        default.add(Signal::SIGPIPE);
        attr.set_sigdefault(&default)?;
        attr.set_flags(PosixSpawnFlags::POSIX_SPAWN_SETSIGMASK | PosixSpawnFlags::POSIX_SPAWN_SETSIGDEF)?;
        nix::spawn::posix_spawn(program.as_c_str(), &actions, &attr, &args, &env)
    })();
    if tracing_syscalls() {
        let err = stderr.map_or_else(|| "</dev/null".to_string(), |fd| format!(">{}", fd.raw()));
        let args: Vec<String> = argv.iter().map(|a| format!("{a:?}")).collect();
        let call = |pid: String| {
            format!(
                "posix_spawn([{pid}], {:?}, {{stdin </dev/null, stdout >{}, stderr {err}}}, [{}])",
                path.display().to_string(),
                stdout.raw(),
                args.join(", ")
            )
        };
        trace_line(&match &res {
            Ok(pid) => format!("{} = 0", call(pid.to_string())),
            Err(e) => format!("{} = {e:?} ({})", call("?".into()), crate::error::strerror(*e)),
        });
    }
    res
}

/// pidfd_open(2): a descriptor that becomes readable once process `pid`
/// has ended (nix has no wrapper).
pub fn pidfd_open(pid: Pid) -> std::result::Result<super::Fd, Errno> {
    // SAFETY: pidfd_open takes a pid and flags and touches no memory; the
    // descriptor it returns is new and owned by nothing else.
    let res = Errno::result(unsafe { libc::syscall(libc::SYS_pidfd_open, pid.as_raw(), 0) })
        .map(|fd| unsafe { super::Fd::from_raw(fd as i32) });
    traced(res, || format!("pidfd_open({pid}, 0)"), |fd| fd.raw().to_string())
}

/// Wait at most `limit` for child `pid` to end, and reap it: poll(2) on
/// its pidfd with the bound, then waitpid(pid, WNOHANG) (without pidfds,
/// waitpid(WNOHANG) every 10 ms). Ok(None): it was still running when the
/// bound ran out (it is not reaped).
pub fn wait_child_for(pid: Pid, limit: std::time::Duration) -> std::result::Result<Option<WaitStatus>, Errno> {
    use crate::logging::because;
    use std::time::{Duration, Instant};
    let deadline = Instant::now() + limit;
    let pidfd = because("readable once the child has ended: the wait is bounded", || pidfd_open(pid));
    loop {
        match waitpid(pid, true)? {
            WaitStatus::StillAlive => {}
            st => return Ok(Some(st)),
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(None);
        }
        match &pidfd {
            Ok(fd) => {
                let mut p = [super::pollfd(fd.raw(), libc::POLLIN)];
                match super::poll(&mut p, super::poll_ms(left)) {
                    Ok(0) => return Ok(None),
                    Ok(_) | Err(Errno::EINTR) => {}
                    Err(e) => return Err(e),
                }
            }
            Err(_) => {
                let _ =
                    because("no pidfd here: look again in 10 ms", || nanosleep(left.min(Duration::from_millis(10))));
            }
        }
    }
}

/// The children this process still has, zombies included, as
/// /proc/self/task/TID/children lists them (empty when it cannot be read).
fn own_children() -> Vec<i32> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return Vec::new() };
    let mut pids = Vec::new();
    for task in tasks.flatten() {
        if let Ok(list) = std::fs::read_to_string(task.path().join("children")) {
            pids.extend(list.split_whitespace().filter_map(|p| p.parse::<i32>().ok()));
        }
    }
    pids
}

/// Leaves no child behind: when dropped in the process that made it, every
/// child it still has is killed (SIGKILL) and reaped, and so are the
/// orphans that come back to it as a subreaper meanwhile (a few rounds,
/// each bounded: a killed child ends at once). A lesson keeps one for its
/// whole run, so that Ctrl-C, an error or a killed child midway leaves no
/// zombie and no orphan. After a run that went as planned it finds nothing
/// and makes no call.
pub struct NoChildLeft {
    owner: i32,
}

impl NoChildLeft {
    pub fn new() -> NoChildLeft {
        NoChildLeft { owner: nix::unistd::getpid().as_raw() }
    }
}

impl Default for NoChildLeft {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for NoChildLeft {
    fn drop(&mut self) {
        // a forked child leaves with _exit and never drops this; a child
        // that returned here by mistake must not reap its siblings
        if nix::unistd::getpid().as_raw() != self.owner {
            return;
        }
        for _ in 0..8 {
            let left = own_children();
            if left.is_empty() {
                return;
            }
            for pid in left {
                let why = "netlab leaves no child behind";
                let _ = crate::logging::because(why, || super::kill(pid, nix::sys::signal::Signal::SIGKILL));
                let _ = crate::logging::because(why, || waitpid_child(Pid::from_raw(pid)));
            }
        }
    }
}
