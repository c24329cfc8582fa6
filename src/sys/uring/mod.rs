//! io_uring, for the `uring` echo-server model: io_uring_setup, the
//! registrations (a ring of provided receive buffers, the ring's own
//! descriptor, enabling the ring in the thread that runs it),
//! io_uring_enter, and each operation and each completion, narrated by
//! `--trace` as the course's calls are:
//!
//! ```text
//! IORING_OP_RECV(fd 7, multishot, group 0) queued
//! io_uring_enter(0, 1, 1, IORING_ENTER_GETEVENTS|IORING_ENTER_REGISTERED_RING) = 1
//! IORING_OP_RECV(fd 7, multishot, group 0) -> 64 bytes in buffer 3
//! ```
//!
//! A wrapper over the `io-uring` crate (the maintained low-level binding,
//! no runtime). Without `--trace` an operation costs what the crate's push
//! costs: the narration (and the table of what each submission was) exists
//! only when tracing.

mod bufring;

use super::failed;
use crate::error::{describe_errno, Error, Op, Result};
use crate::logging::{trace_line, tracing_syscalls};
use bufring::BufRing;
use io_uring::{cqueue, opcode, squeue, types, IoUring};
use nix::errno::Errno;
use std::collections::HashMap;
use std::os::fd::{AsRawFd, RawFd};

const IORING_ENTER_GETEVENTS: u32 = 1;
const IORING_ENTER_REGISTERED_RING: u32 = 16;
const IORING_REGISTER_RING_FDS: libc::c_uint = 20;
/// Every send goes out without waiting: it completes while it is being
/// submitted, with what the socket took (or EAGAIN), never later.
const SEND_FLAGS: i32 = libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL;

/// One operation to queue. The pointers it carries must stay valid as
/// each variant says.
#[derive(Clone, Copy, Debug)]
pub enum Sqe {
    /// accept(2) on `listener`: the peer's address is written to `addr` and
    /// `len`, which must stay valid until the completion.
    Accept { listener: RawFd, addr: *mut libc::sockaddr_storage, len: *mut libc::socklen_t },
    /// A multishot recv(2): one completion per receive, each into a buffer
    /// the kernel takes from the provided-buffer ring `group`.
    RecvMulti { fd: RawFd, group: u16 },
    /// send(2) with MSG_DONTWAIT: `len` bytes at `buf`, valid until the
    /// ring is next entered.
    Send { fd: RawFd, buf: *const u8, len: u32 },
    /// sendmsg(2) with MSG_DONTWAIT of `iovs` pieces, `len` bytes in all;
    /// the msghdr and its iovecs stay valid until the ring is next entered.
    SendMsg { fd: RawFd, msg: *const libc::msghdr, iovs: usize, len: usize },
    /// poll for `events` (POLLIN, POLLOUT), once.
    Poll { fd: RawFd, events: u32 },
    /// poll for `events` until cancelled: a completion at each wake-up of
    /// the socket that has one of them.
    PollMulti { fd: RawFd, events: u32 },
    /// Cancel the operation whose user data is `target`; no completion
    /// unless the cancellation fails.
    Cancel { target: u64 },
    /// close(2) of `fd`; no completion unless it fails.
    Close { fd: RawFd },
    /// A timer: completes with ETIME after `ms` milliseconds; `ts` holds
    /// that time and must stay valid until the completion.
    Timeout { ts: *const types::Timespec, ms: u64 },
}

/// One completion.
#[derive(Clone, Copy, Debug)]
pub struct Cqe {
    pub user_data: u64,
    /// the result: >= 0 as the call would return it, or -errno
    pub res: i32,
    pub flags: u32,
}

impl Cqe {
    /// A multishot operation is still armed after this completion.
    #[inline]
    pub fn more(&self) -> bool {
        cqueue::more(self.flags)
    }

    /// The provided buffer the data went into.
    #[inline]
    pub fn buffer(&self) -> Option<u16> {
        cqueue::buffer_select(self.flags)
    }

    /// The error, when the operation failed.
    #[inline]
    pub fn errno(&self) -> Option<Errno> {
        (self.res < 0).then(|| Errno::from_raw(-self.res))
    }
}

/// What a submission was, to narrate its completions (only when tracing).
struct Shown {
    call: String,
    kind: Kind,
}

#[derive(Clone, Copy)]
enum Kind {
    Accept(*const libc::sockaddr_storage),
    Recv,
    Send(usize),
    /// multishot or not
    Poll(bool),
    Timeout,
    Quiet,
}

/// An io_uring instance (SINGLE_ISSUER|DEFER_TASKRUN|SUBMIT_ALL), created
/// disabled and enabled by the thread that runs it, with its ring of
/// provided receive buffers. Dropping it closes the ring (narrated), then
/// unmaps the buffers the kernel has let go of.
pub struct Ring {
    /// dropped first: the kernel lets go of the buffers before they are unmapped
    ring: IoUring,
    bufs: Option<BufRing>,
    fd: RawFd,
    /// what io_uring_enter names the ring by: its registered index, or fd
    enter_fd: RawFd,
    enter_flags: u32,
    shown: Option<HashMap<u64, Shown>>,
}

// SAFETY: the ring and its buffer memory belong to this value alone; the
// raw pointers (the buffer ring, the addresses kept for the trace) point
// into memory it or its owner keeps alive, and only one thread uses a Ring
// at a time (it is moved to the thread that runs it).
unsafe impl Send for Ring {}

impl Ring {
    /// io_uring_setup(2) with `entries` submission slots and `cq_entries`
    /// completion slots. A kernel that refuses io_uring is an error naming
    /// the call and errno, with a hint that names the cause.
    pub fn setup(entries: u32, cq_entries: u32) -> Result<Ring> {
        let res = IoUring::builder()
            .setup_cqsize(cq_entries)
            .setup_submit_all()
            .setup_single_issuer()
            .setup_defer_taskrun()
            .setup_r_disabled()
            .build(entries);
        let res = res.map_err(|e| Errno::from_raw(e.raw_os_error().unwrap_or(libc::EINVAL)));
        if tracing_syscalls() {
            let call = format!(
                "io_uring_setup({entries}, {{flags=IORING_SETUP_CQSIZE|IORING_SETUP_SUBMIT_ALL|\
                 IORING_SETUP_SINGLE_ISSUER|IORING_SETUP_DEFER_TASKRUN|IORING_SETUP_R_DISABLED, cq_entries={cq_entries}}})"
            );
            trace_line(&match &res {
                Ok(r) => format!("{call} = {}", r.as_raw_fd()),
                Err(e) => format!("{call} = {}", failed(*e)),
            });
        }
        let ring = res.map_err(refused)?;
        let fd = ring.as_raw_fd();
        Ok(Ring { ring, bufs: None, fd, enter_fd: fd, enter_flags: 0, shown: tracing_syscalls().then(HashMap::new) })
    }

    /// The ring's descriptor.
    pub fn fd(&self) -> RawFd {
        self.fd
    }

    fn submitter(&self) -> io_uring::Submitter<'_> {
        self.ring.submitter()
    }

    /// io_uring_register(IORING_REGISTER_PBUF_RING): a ring of `count`
    /// receive buffers of `size` bytes each (`count` a power of two up to
    /// 32768), as buffer group `group`, every buffer handed to the kernel.
    pub fn register_buffers(&mut self, count: u16, size: u32, group: u16) -> Result<()> {
        let bufs = BufRing::new(self, count, size, group)?;
        self.bufs = Some(bufs);
        Ok(())
    }

    /// io_uring_register(IORING_REGISTER_ENABLE_RINGS): the calling thread
    /// becomes the ring's one submitter (SINGLE_ISSUER, DEFER_TASKRUN).
    pub fn enable(&mut self) -> Result<()> {
        let res = self.ring.submitter().register_enable_rings().map_err(errno_of);
        let res = super::traced(
            res,
            || format!("io_uring_register({}, IORING_REGISTER_ENABLE_RINGS, NULL, 0)", self.fd),
            |_| "0".into(),
        );
        res.map_err(|e| Error::sys_at(Op::IoUringRegister, "IORING_REGISTER_ENABLE_RINGS", e))
    }

    /// io_uring_register(IORING_REGISTER_RING_FDS): io_uring_enter names
    /// the ring by an index, which spares the kernel a descriptor lookup on
    /// every call. Per thread: call it from the thread that enters. A
    /// kernel that cannot is no error (the descriptor is used).
    pub fn register_ring_fd(&mut self) {
        #[repr(C)]
        struct RsrcUpdate {
            offset: u32,
            resv: u32,
            data: u64,
        }
        let mut up = RsrcUpdate { offset: u32::MAX, resv: 0, data: self.fd as u64 };
        // SAFETY: the argument is one io_uring_rsrc_update, as nr_args = 1
        // says; the kernel writes the chosen index into `offset`. (The
        // crate's register_ring_fd keeps the index in a Submitter that
        // IoUring rebuilds on every call, so it would be lost.)
        let r = unsafe {
            libc::syscall(
                libc::SYS_io_uring_register,
                self.fd,
                IORING_REGISTER_RING_FDS,
                &mut up as *mut RsrcUpdate,
                1 as libc::c_uint,
            )
        };
        let res = if r == 1 { Ok(up.offset) } else { Err(Errno::last()) };
        let _ = super::traced(
            res,
            || {
                format!(
                    "io_uring_register({}, IORING_REGISTER_RING_FDS, [{{offset=-1, data={}}}], 1)",
                    self.fd, self.fd
                )
            },
            |i| format!("1 (index {i})"),
        );
        if let Ok(index) = res {
            self.enter_fd = index as RawFd;
            self.enter_flags = IORING_ENTER_REGISTERED_RING;
        }
    }

    /// Queue one operation (submitted by the next [`Ring::enter`]); with
    /// the submission queue full, what is queued is submitted first.
    ///
    /// # Safety
    /// The pointers in `sqe` must stay valid as its variant says.
    #[inline]
    pub unsafe fn push(&mut self, sqe: Sqe, user_data: u64) -> std::result::Result<(), Errno> {
        let entry = build(sqe).user_data(user_data);
        if let Some(shown) = self.shown.as_mut() {
            let (call, kind) = describe(&sqe);
            trace_line(&format!("{call} queued"));
            shown.insert(user_data, Shown { call, kind });
        }
        loop {
            // SAFETY: forwarded to the caller's contract.
            if unsafe { self.ring.submission().push(&entry) }.is_ok() {
                return Ok(());
            }
            self.enter_raw(0, false)?;
        }
    }

    /// Operations queued and not yet submitted.
    #[inline]
    pub fn queued(&mut self) -> usize {
        self.ring.submission().len()
    }

    /// io_uring_enter(2): submit what is queued and wait until `want`
    /// completions are there. EINTR (a signal) comes back to the caller.
    #[inline]
    pub fn enter(&mut self, want: u32) -> std::result::Result<u32, Errno> {
        self.enter_raw(want, true)
    }

    /// io_uring_enter(2) that only submits what is queued.
    pub fn submit(&mut self) -> std::result::Result<u32, Errno> {
        self.enter_raw(0, false)
    }

    /// io_uring_enter(2) that submits what is queued and runs the work
    /// that posts completions, without waiting for any.
    pub fn run_completions(&mut self) -> std::result::Result<u32, Errno> {
        self.enter_raw(0, true)
    }

    fn enter_raw(&mut self, want: u32, getevents: bool) -> std::result::Result<u32, Errno> {
        let to_submit = self.ring.submission().len() as u32;
        // Deferred task work (the receives) runs only in an enter that
        // asks for completions.
        let flags = self.enter_flags | if getevents { IORING_ENTER_GETEVENTS } else { 0 };
        // SAFETY: io_uring_enter on this ring (by fd or registered index),
        // without an argument pointer; every queued entry's pointers are
        // valid (the contract of push).
        let r = unsafe {
            libc::syscall(
                libc::SYS_io_uring_enter,
                self.enter_fd,
                to_submit,
                want,
                flags,
                std::ptr::null::<libc::c_void>(),
                0usize,
            )
        };
        let res = if r < 0 { Err(Errno::last()) } else { Ok(r as u32) };
        if tracing_syscalls() {
            let shown = match flags {
                0 => "0".to_string(),
                f => {
                    let mut names = Vec::new();
                    if f & IORING_ENTER_GETEVENTS != 0 {
                        names.push("IORING_ENTER_GETEVENTS");
                    }
                    if f & IORING_ENTER_REGISTERED_RING != 0 {
                        names.push("IORING_ENTER_REGISTERED_RING");
                    }
                    names.join("|")
                }
            };
            let call = format!("io_uring_enter({}, {to_submit}, {want}, {shown})", self.enter_fd);
            trace_line(&match &res {
                Ok(n) => format!("{call} = {n}"),
                Err(e) => format!("{call} = {}", failed(*e)),
            });
        }
        res
    }

    /// Move every completion that is there into `into` (cleared first).
    #[inline]
    pub fn reap(&mut self, into: &mut Vec<Cqe>) {
        into.clear();
        into.extend(self.ring.completion().map(|c| Cqe {
            user_data: c.user_data(),
            res: c.result(),
            flags: c.flags(),
        }));
        if let Some(shown) = self.shown.as_mut() {
            for c in into.iter() {
                trace_line(&narrate(shown, c));
            }
        }
    }

    /// io_uring_register(IORING_REGISTER_SYNC_CANCEL, ANY): cancel every
    /// operation in flight, and wait (1 s at most) until they have ended;
    /// their completions follow.
    pub fn cancel_all(&mut self) {
        // what is still queued goes in first (closes among it), so that
        // nothing is submitted after the cancel and left in flight
        let _ = self.submit();
        let builder = types::CancelBuilder::any();
        let res = self.ring.submitter().register_sync_cancel(Some(types::Timespec::new().sec(1)), builder);
        // (ENOENT: nothing was in flight; narrated as it came back)
        let _ = super::traced(
            res.map_err(errno_of),
            || {
                format!(
                    "io_uring_register({}, IORING_REGISTER_SYNC_CANCEL, {{flags=IORING_ASYNC_CANCEL_ANY, timeout={{1, 0}}}}, 1)",
                    self.fd
                )
            },
            |_| "0".into(),
        );
    }

    /// Bytes `off..off + len` of provided buffer `bid`.
    #[inline]
    pub fn buffer(&self, bid: u16, off: u32, len: u32) -> &[u8] {
        match &self.bufs {
            Some(b) => b.slice(bid, off, len),
            None => &[],
        }
    }

    /// Where bytes `off..` of provided buffer `bid` start (for a send).
    #[inline]
    pub fn buffer_ptr(&self, bid: u16, off: u32) -> *const u8 {
        match &self.bufs {
            Some(b) => b.ptr(bid, off),
            None => std::ptr::null(),
        }
    }

    /// The kernel filled buffer `bid` (a completion carried it).
    #[inline]
    pub fn buffer_taken(&mut self) {
        if let Some(b) = self.bufs.as_mut() {
            b.avail = b.avail.saturating_sub(1);
        }
    }

    /// Give buffer `bid` back to the kernel (seen after [`Ring::publish`]).
    #[inline]
    pub fn give_back(&mut self, bid: u16) {
        if let Some(b) = self.bufs.as_mut() {
            b.push(bid);
        }
    }

    /// Make every buffer given back since the last call visible to the
    /// kernel: one release store of the ring's tail.
    #[inline]
    pub fn publish(&mut self) {
        if let Some(b) = self.bufs.as_mut() {
            b.publish();
        }
    }

    /// Buffers the kernel may take now, and how many there are in all.
    #[inline]
    pub fn buffers_free(&self) -> (usize, usize) {
        self.bufs.as_ref().map_or((0, 0), |b| (b.avail, b.count as usize))
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        if tracing_syscalls() {
            crate::logging::because("the ring is taken down at stop", || {
                trace_line(&format!("close({}) = 0", self.fd))
            });
        }
    }
}

pub(super) fn errno_of(e: std::io::Error) -> Errno {
    Errno::from_raw(e.raw_os_error().unwrap_or(libc::EINVAL))
}

/// The error for a kernel that refuses io_uring_setup: the call, the
/// errno, and a hint that names the cause.
fn refused(errno: Errno) -> Error {
    let disabled =
        std::fs::read_to_string("/proc/sys/kernel/io_uring_disabled").ok().and_then(|s| s.trim().parse().ok());
    Error::failed_errno(
        format!("{}: {}", Op::IoUringSetup.name(), describe_errno(errno)),
        Some(refusal_hint(errno, disabled)),
        errno,
    )
}

/// Why a kernel refuses io_uring, from the errno and the
/// `kernel.io_uring_disabled` sysctl (None: not readable).
pub fn refusal_hint(errno: Errno, disabled: Option<u32>) -> String {
    let instead = "--model epoll serves the same clients without it";
    match (errno, disabled) {
        (Errno::EPERM, Some(2)) => {
            format!("io_uring is switched off on this host (sysctl kernel.io_uring_disabled = 2); {instead}")
        }
        (Errno::EPERM, Some(1)) => format!(
            "sysctl kernel.io_uring_disabled = 1 allows io_uring only to root (CAP_SYS_ADMIN) and to the group \
             kernel.io_uring_group; {instead}"
        ),
        (Errno::EPERM | Errno::EACCES, _) => format!(
            "a seccomp filter or a security module refuses io_uring (container runtimes such as Docker block it \
             by default); {instead}"
        ),
        (Errno::ENOSYS, _) => {
            format!("this kernel has no io_uring (older than 5.1, or built without CONFIG_IO_URING); {instead}")
        }
        (Errno::EINVAL, _) => format!(
            "this kernel lacks an io_uring feature the model needs (SINGLE_ISSUER and DEFER_TASKRUN: Linux 6.1); \
             {instead}"
        ),
        (Errno::ENOMEM, _) => {
            format!("the kernel could not lock memory for the ring (`ulimit -l` on kernels before 5.12); {instead}")
        }
        _ => instead.to_string(),
    }
}

#[inline]
fn build(sqe: Sqe) -> squeue::Entry {
    use types::Fd;
    match sqe {
        Sqe::Accept { listener, addr, len } => {
            opcode::Accept::new(Fd(listener), addr.cast(), len).flags(libc::SOCK_CLOEXEC).build()
        }
        Sqe::RecvMulti { fd, group } => opcode::RecvMulti::new(Fd(fd), group).build(),
        Sqe::Send { fd, buf, len } => opcode::Send::new(Fd(fd), buf, len).flags(SEND_FLAGS).build(),
        Sqe::SendMsg { fd, msg, .. } => opcode::SendMsg::new(Fd(fd), msg).flags(SEND_FLAGS as u32).build(),
        Sqe::Poll { fd, events } => opcode::PollAdd::new(Fd(fd), events).build(),
        Sqe::PollMulti { fd, events } => opcode::PollAdd::new(Fd(fd), events).multi(true).build(),
        Sqe::Cancel { target } => opcode::AsyncCancel::new(target).build().flags(squeue::Flags::SKIP_SUCCESS),
        Sqe::Close { fd } => opcode::Close::new(Fd(fd)).build().flags(squeue::Flags::SKIP_SUCCESS),
        Sqe::Timeout { ts, .. } => opcode::Timeout::new(ts).build(),
    }
}

const POLL_NAMES: &[(u32, &str)] = &[
    (libc::POLLIN as u32, "POLLIN"),
    (libc::POLLOUT as u32, "POLLOUT"),
    (libc::POLLERR as u32, "POLLERR"),
    (libc::POLLHUP as u32, "POLLHUP"),
];

fn describe(sqe: &Sqe) -> (String, Kind) {
    match *sqe {
        Sqe::Accept { listener, addr, .. } => (format!("IORING_OP_ACCEPT(fd {listener})"), Kind::Accept(addr)),
        Sqe::RecvMulti { fd, group } => (format!("IORING_OP_RECV(fd {fd}, multishot, group {group})"), Kind::Recv),
        Sqe::Send { fd, len, .. } => {
            (format!("IORING_OP_SEND(fd {fd}, {len} bytes, MSG_DONTWAIT|MSG_NOSIGNAL)"), Kind::Send(len as usize))
        }
        Sqe::SendMsg { fd, iovs, len, .. } => (
            format!("IORING_OP_SENDMSG(fd {fd}, {iovs} pieces, {len} bytes, MSG_DONTWAIT|MSG_NOSIGNAL)"),
            Kind::Send(len),
        ),
        Sqe::Poll { fd, events } => {
            (format!("IORING_OP_POLL_ADD(fd {fd}, {})", super::flag_names(events, POLL_NAMES)), Kind::Poll(false))
        }
        Sqe::PollMulti { fd, events } => (
            format!("IORING_OP_POLL_ADD(fd {fd}, {}, multishot)", super::flag_names(events, POLL_NAMES)),
            Kind::Poll(true),
        ),
        Sqe::Cancel { target } => (format!("IORING_OP_ASYNC_CANCEL(user_data {target:#x})"), Kind::Quiet),
        Sqe::Close { fd } => (format!("IORING_OP_CLOSE(fd {fd})"), Kind::Quiet),
        Sqe::Timeout { ms, .. } => (format!("IORING_OP_TIMEOUT({ms} ms)"), Kind::Timeout),
    }
}

/// One completion as a trace line: the submission it answers, `->`, what
/// it says.
fn narrate(shown: &mut HashMap<u64, Shown>, c: &Cqe) -> String {
    let Some(s) = shown.get(&c.user_data) else {
        return format!("completion of user_data {:#x} -> {}", c.user_data, c.res);
    };
    let result = match (c.errno(), s.kind) {
        (Some(Errno::ETIME), Kind::Timeout) => "ETIME (the time is up)".to_string(),
        (Some(e), _) => format!("-{e:?} ({})", crate::error::strerror(e)),
        (None, Kind::Accept(addr)) => {
            // SAFETY: the caller of push keeps the address valid until this
            // completion, and the kernel has just written it.
            let peer = super::raw_storage_to_addr(
                unsafe { &*addr },
                std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t,
            );
            format!("{} ({})", c.res, peer.map_or_else(|| "?".to_string(), |p| p.to_string()))
        }
        (None, Kind::Recv) => match (c.res, c.buffer()) {
            (0, _) => "0 (EOF)".to_string(),
            (n, Some(b)) => format!("{n} bytes in buffer {b}"),
            (n, None) => format!("{n} bytes"),
        },
        (None, Kind::Send(len)) if (c.res as usize) < len => format!("{} (short: the socket took no more)", c.res),
        (None, Kind::Poll(_)) => super::flag_names(c.res as u32, POLL_NAMES),
        (None, _) => c.res.to_string(),
    };
    let line = format!("{} -> {result}", s.call);
    let multishot = matches!(s.kind, Kind::Recv | Kind::Poll(true));
    if !c.more() {
        shown.remove(&c.user_data);
        if multishot {
            return format!("{line} (multishot ended)");
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_its_cause_and_the_epoll_model() {
        let h = refusal_hint(Errno::EPERM, Some(2));
        assert!(h.contains("kernel.io_uring_disabled = 2") && h.contains("--model epoll"), "{h}");
        let h = refusal_hint(Errno::EPERM, Some(1));
        assert!(h.contains("kernel.io_uring_group") && h.contains("--model epoll"), "{h}");
        let h = refusal_hint(Errno::EPERM, Some(0));
        assert!(h.contains("seccomp") && h.contains("--model epoll"), "{h}");
        let h = refusal_hint(Errno::ENOSYS, None);
        assert!(h.contains("no io_uring") && h.contains("--model epoll"), "{h}");
        assert!(refusal_hint(Errno::EINVAL, Some(0)).contains("6.1"));
        assert!(refusal_hint(Errno::EBADF, None).contains("--model epoll"));
    }

    #[test]
    fn a_refusal_is_exit_1_with_the_call_and_errno() {
        let e = refused(Errno::EPERM);
        assert_eq!(e.to_string(), "io_uring_setup: Operation not permitted (EPERM)");
        assert_eq!(e.exit_code(), crate::error::EXIT_FAILURE);
        assert_eq!(e.code().as_deref(), Some("EPERM"));
        assert!(e.hint().is_some_and(|h| h.contains("--model epoll")));
        let e = refused(Errno::ENOSYS);
        assert_eq!(e.to_string(), "io_uring_setup: Function not implemented (ENOSYS)");
    }
}
