//! Readiness: poll(2), select(2) and epoll(7).

use super::{failed, flag_names, traced, Fd};
use crate::error::{Error, Op, Result};
use crate::logging::{trace_line, tracing_syscalls};
use nix::errno::Errno;
use nix::sys::epoll::{EpollCreateFlags, EpollEvent, EpollFlags, EpollTimeout};
use std::os::fd::{AsFd, AsRawFd, RawFd};

const POLL_FLAGS: &[(i16, &str)] = &[
    (libc::POLLIN, "POLLIN"),
    (libc::POLLOUT, "POLLOUT"),
    (libc::POLLERR, "POLLERR"),
    (libc::POLLHUP, "POLLHUP"),
    (libc::POLLNVAL, "POLLNVAL"),
];

/// A wait of `d` as poll(2)'s milliseconds: rounded up, so the wait is
/// never cut short, and capped at i32::MAX.
pub fn poll_ms(d: std::time::Duration) -> i32 {
    d.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32
}

/// poll(2) over raw pollfd entries (kept by the caller between calls).
/// `timeout_ms` < 0 waits forever.
pub fn poll(fds: &mut [libc::pollfd], timeout_ms: i32) -> std::result::Result<usize, Errno> {
    // SAFETY: fds is a valid, writable array of fds.len() pollfd structs.
    // (nix's PollFd borrows each descriptor for the array's lifetime; the
    // models keep their arrays between calls while connections come and go.)
    let res = Errno::result(unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) })
        .map(|n| n as usize);
    if tracing_syscalls() {
        let show = |fds: &[libc::pollfd], field: fn(&libc::pollfd) -> i16| {
            let mut parts: Vec<String> =
                fds.iter().take(8).map(|p| format!("{{fd={}, {}}}", p.fd, flag_names(field(p), POLL_FLAGS))).collect();
            if fds.len() > 8 {
                parts.push(format!("... {} more", fds.len() - 8));
            }
            parts.join(", ")
        };
        let call = format!("poll([{}], {}, {timeout_ms})", show(fds, |p| p.events), fds.len());
        let line = match &res {
            Ok(n) => {
                let ready: Vec<libc::pollfd> = fds.iter().filter(|p| p.revents != 0).copied().collect();
                if ready.is_empty() {
                    format!("{call} = {n}")
                } else {
                    format!("{call} = {n} ([{}])", show(&ready, |p| p.revents))
                }
            }
            Err(e) => format!("{call} = {}", failed(*e)),
        };
        trace_line(&line);
    }
    res
}

/// A pollfd entry.
pub fn pollfd(fd: RawFd, events: i16) -> libc::pollfd {
    libc::pollfd { fd, events, revents: 0 }
}

/// select(2) over nix fd_sets. The caller guarantees every fd in the sets
/// is below FD_SETSIZE (nix asserts it).
pub fn select<'fd>(
    nfds: i32,
    read: &mut nix::sys::select::FdSet<'fd>,
    write: &mut nix::sys::select::FdSet<'fd>,
    timeout: Option<std::time::Duration>,
) -> std::result::Result<usize, Errno> {
    let set_text = |s: &nix::sys::select::FdSet<'_>| {
        let v: Vec<String> = s.fds(Some(nfds - 1)).take(12).map(|f| f.as_raw_fd().to_string()).collect();
        format!("{{{}}}", v.join(" "))
    };
    let before = if tracing_syscalls() { Some((set_text(read), set_text(write))) } else { None };
    let mut tv = timeout.map(|d| nix::sys::time::TimeVal::new(d.as_secs() as _, d.subsec_micros() as _));
    let res = match tv.as_mut() {
        Some(tv) => nix::sys::select::select(nfds, Some(&mut *read), Some(&mut *write), None, Some(tv)),
        None => nix::sys::select::select(
            nfds,
            Some(&mut *read),
            Some(&mut *write),
            None,
            None::<&mut nix::sys::time::TimeVal>,
        ),
    }
    .map(|n| n as usize);
    if let Some((r, w)) = before {
        let t = match timeout {
            Some(d) => format!("{{{}, {}}}", d.as_secs(), d.subsec_micros()),
            None => "NULL".into(),
        };
        let call = format!("select({nfds}, {r}, {w}, NULL, {t})");
        let line = match &res {
            Ok(n) => format!("{call} = {n} (read {}, write {})", set_text(read), set_text(write)),
            Err(e) => format!("{call} = {}", failed(*e)),
        };
        trace_line(&line);
    }
    res
}

const EPOLL_FLAGS: &[(u32, &str)] = &[
    (libc::EPOLLIN as u32, "EPOLLIN"),
    (libc::EPOLLOUT as u32, "EPOLLOUT"),
    (libc::EPOLLERR as u32, "EPOLLERR"),
    (libc::EPOLLHUP as u32, "EPOLLHUP"),
    (libc::EPOLLRDHUP as u32, "EPOLLRDHUP"),
    (libc::EPOLLEXCLUSIVE as u32, "EPOLLEXCLUSIVE"),
    (libc::EPOLLET as u32, "EPOLLET"),
];

/// Interest in reading.
pub const EPOLLIN: u32 = libc::EPOLLIN as u32;
/// Interest in writing.
pub const EPOLLOUT: u32 = libc::EPOLLOUT as u32;
/// Edge-triggered: one event per change of readiness, not one per wait
/// while it lasts.
pub const EPOLLET: u32 = libc::EPOLLET as u32;
/// The peer shut down its writing side (a FIN came).
pub const EPOLLRDHUP: u32 = libc::EPOLLRDHUP as u32;
/// Hang-up or error on the descriptor (always reported).
pub const EPOLLHUP_ERR: u32 = (libc::EPOLLHUP | libc::EPOLLERR) as u32;
/// Wake one waiter of several, not all (epoll sets sharing a listener).
pub const EPOLLEXCLUSIVE: u32 = libc::EPOLLEXCLUSIVE as u32;

/// One epoll event, as epoll_wait fills it in.
pub type EpollEntry = EpollEvent;

/// An empty event array entry for [`Epoll::wait`].
pub fn epoll_entry() -> EpollEntry {
    EpollEvent::empty()
}

/// An epoll instance (nix's, whose calls are narrated here); dropping it
/// is a narrated close(2), as for every [`Fd`].
pub struct Epoll {
    ep: Option<nix::sys::epoll::Epoll>,
    raw: RawFd,
}

impl Epoll {
    /// epoll_create1(EPOLL_CLOEXEC).
    pub fn new() -> Result<Epoll> {
        let res = nix::sys::epoll::Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC);
        let ep = traced(res, || "epoll_create1(EPOLL_CLOEXEC)".into(), |ep| ep.0.as_raw_fd().to_string())
            .map_err(|e| Error::sys(Op::EpollCreate, e))?;
        let raw = ep.0.as_raw_fd();
        Ok(Epoll { ep: Some(ep), raw })
    }

    /// The instance (set in new(), taken only by drop: EBADF cannot happen).
    fn inner(&self) -> std::result::Result<&nix::sys::epoll::Epoll, Errno> {
        self.ep.as_ref().ok_or(Errno::EBADF)
    }

    /// epoll_ctl(EPOLL_CTL_ADD): `data` comes back with each event.
    pub fn add(&self, fd: &impl AsFd, events: u32, data: u64) -> std::result::Result<(), Errno> {
        let res =
            self.inner().and_then(|ep| ep.add(fd, EpollEvent::new(EpollFlags::from_bits_retain(events as i32), data)));
        self.trace_ctl(res, "EPOLL_CTL_ADD", fd, Some((events, data)))
    }

    /// epoll_ctl(EPOLL_CTL_MOD).
    pub fn modify(&self, fd: &impl AsFd, events: u32, data: u64) -> std::result::Result<(), Errno> {
        let mut ev = EpollEvent::new(EpollFlags::from_bits_retain(events as i32), data);
        let res = self.inner().and_then(|ep| ep.modify(fd, &mut ev));
        self.trace_ctl(res, "EPOLL_CTL_MOD", fd, Some((events, data)))
    }

    /// epoll_ctl(EPOLL_CTL_DEL).
    pub fn delete(&self, fd: &impl AsFd) -> std::result::Result<(), Errno> {
        let res = self.inner().and_then(|ep| ep.delete(fd));
        self.trace_ctl(res, "EPOLL_CTL_DEL", fd, None)
    }

    fn trace_ctl(
        &self,
        res: std::result::Result<(), Errno>,
        op: &str,
        fd: &impl AsFd,
        event: Option<(u32, u64)>,
    ) -> std::result::Result<(), Errno> {
        traced(
            res,
            || {
                let event = match event {
                    // the kernel ignores it for EPOLL_CTL_DEL
                    None => "NULL".to_string(),
                    Some((events, data)) => format!("{{{}, data={data}}}", flag_names(events, EPOLL_FLAGS)),
                };
                format!("epoll_ctl({}, {op}, {}, {event})", self.raw, fd.as_fd().as_raw_fd())
            },
            |_| "0".into(),
        )
    }

    /// epoll_wait(2) into `events`; `timeout_ms` < 0 waits forever.
    #[inline]
    pub fn wait(&self, events: &mut [EpollEntry], timeout_ms: i32) -> std::result::Result<usize, Errno> {
        let timeout = EpollTimeout::try_from(timeout_ms).unwrap_or(EpollTimeout::NONE);
        let res = self.inner().and_then(|ep| ep.wait(events, timeout));
        if tracing_syscalls() {
            let call = format!("epoll_wait({}, {}, {timeout_ms})", self.raw, events.len());
            trace_line(&match &res {
                Ok(n) => format!("{call} = {n} ({})", shown_events(&events[..*n])),
                Err(e) => format!("{call} = {}", failed(*e)),
            });
        }
        res
    }
}

impl Epoll {
    /// epoll_pwait2(2): as [`Epoll::wait`] with a timeout in nanoseconds
    /// (None waits forever), for waits shorter than a millisecond (an
    /// open-loop schedule's next send). A kernel without it (before 5.11:
    /// ENOSYS) gets epoll_wait with the timeout rounded up to milliseconds.
    pub fn wait_precise(
        &self,
        events: &mut [EpollEntry],
        timeout: Option<std::time::Duration>,
    ) -> std::result::Result<usize, Errno> {
        static NO_PWAIT2: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        if NO_PWAIT2.load(std::sync::atomic::Ordering::Relaxed) {
            return self.wait(events, timeout.map_or(-1, poll_ms));
        }
        let ts = timeout.map(|d| libc::timespec {
            tv_sec: d.as_secs().min(i32::MAX as u64) as libc::time_t,
            tv_nsec: d.subsec_nanos() as libc::c_long,
        });
        let max = events.len().min(i32::MAX as usize) as libc::c_int;
        // SAFETY: `events` is writable for `max` entries (nix's EpollEvent
        // is repr(transparent) over libc::epoll_event); the timespec, when
        // given, outlives the call; a null sigmask leaves the mask alone.
        let res = Errno::result(unsafe {
            libc::epoll_pwait2(
                self.raw,
                events.as_mut_ptr() as *mut libc::epoll_event,
                max,
                ts.as_ref().map_or(std::ptr::null(), |t| t as *const libc::timespec),
                std::ptr::null(),
            )
        })
        .map(|n| n as usize);
        if res == Err(Errno::ENOSYS) {
            NO_PWAIT2.store(true, std::sync::atomic::Ordering::Relaxed);
            return self.wait(events, timeout.map_or(-1, poll_ms));
        }
        if tracing_syscalls() {
            let t = ts.map_or("NULL".to_string(), |t| format!("{{{}, {}}}", t.tv_sec, t.tv_nsec));
            let call = format!("epoll_pwait2({}, {}, {t}, NULL)", self.raw, events.len());
            trace_line(&match &res {
                Ok(n) => format!("{call} = {n} ({})", shown_events(&events[..*n])),
                Err(e) => format!("{call} = {}", failed(*e)),
            });
        }
        res
    }
}

/// Ready events as a trace shows them: `[{EPOLLIN, data=4}, …]`, the
/// first eight.
fn shown_events(ready: &[EpollEntry]) -> String {
    let shown: Vec<String> = ready
        .iter()
        .take(8)
        .map(|e| format!("{{{}, data={}}}", flag_names(e.events().bits() as u32, EPOLL_FLAGS), e.data()))
        .collect();
    format!("[{}{}]", shown.join(", "), if ready.len() > 8 { ", ..." } else { "" })
}

impl Drop for Epoll {
    fn drop(&mut self) {
        // closed as every Fd is: narrated
        if let Some(ep) = self.ep.take() {
            drop(Fd::from_owned(ep.0));
        }
    }
}
