//! The provided-buffer ring of the uring model.

use super::{errno_of, Ring};
use crate::error::{Error, Op, Result};
use crate::logging::{trace_line, tracing_syscalls};
use io_uring::types;
use nix::errno::Errno;
use std::sync::atomic::{AtomicU16, Ordering};

/// The provided-buffer ring (IORING_REGISTER_PBUF_RING, Linux 5.19): an
/// array of `count` 16-byte `io_uring_buf {addr, len, bid, resv}` entries
/// the kernel takes receive buffers from, and the buffers themselves. The
/// ring's 16-bit tail overlays the `resv` field of entry 0, so an entry's
/// addr, len and bid are written one by one, never the whole entry; the
/// tail is published with one release store per loop turn. Buffers are
/// taken in ring order, so under load every buffer gets used: `count` x
/// `size` is what the pool costs in memory.
pub(super) struct BufRing {
    entries: *mut types::BufRingEntry,
    ring_bytes: usize,
    base: *mut u8,
    base_bytes: usize,
    pub(super) count: u16,
    size: u32,
    mask: u16,
    tail: u16,
    published: u16,
    /// buffers the kernel may take now
    pub(super) avail: usize,
}

impl BufRing {
    pub(super) fn new(ring: &Ring, count: u16, size: u32, group: u16) -> Result<BufRing> {
        if !count.is_power_of_two() || count > 32768 {
            return Err(Error::failed(format!("internal: {count} provided buffers is not a power of two <= 32768")));
        }
        let ring_bytes = count as usize * std::mem::size_of::<types::BufRingEntry>();
        let base_bytes = count as usize * size as usize;
        let entries =
            crate::logging::because("the ring of provided buffers the kernel receives into", || map(ring_bytes))?
                as *mut types::BufRingEntry;
        let base = match crate::logging::because(
            "the receive buffers themselves (pages are used as the kernel first fills them)",
            || map(base_bytes),
        ) {
            Ok(p) => p,
            Err(e) => {
                unmap(entries.cast(), ring_bytes);
                return Err(e);
            }
        };
        let mut bufs = BufRing {
            entries,
            ring_bytes,
            base,
            base_bytes,
            count,
            size,
            mask: count - 1,
            tail: 0,
            published: 0,
            avail: 0,
        };
        // SAFETY: the mapping is page aligned and `count` entries long, and
        // it stays mapped until the ring is closed (Ring drops its IoUring
        // before this BufRing).
        let res = unsafe { ring.submitter().register_buf_ring_with_flags(entries as u64, count, group, 0) };
        let res = crate::sys::traced(
            res.map_err(errno_of),
            || {
                format!(
                    "io_uring_register({}, IORING_REGISTER_PBUF_RING, {{ring_addr={entries:p}, ring_entries={count}, bgid={group}}}, 1)",
                    ring.fd()
                )
            },
            |_| "0".into(),
        );
        let why = "the kernel picks each receive's buffer itself: no buffer per idle connection";
        if let Err(e) = res {
            return Err(Error::sys_at(Op::IoUringRegister, "IORING_REGISTER_PBUF_RING", e));
        }
        if tracing_syscalls() {
            crate::logging::because(why, || {
                trace_line(&format!("{count} buffers of {size} bytes given to the kernel (buffer group {group})"))
            });
        }
        for bid in 0..count {
            bufs.push(bid);
        }
        bufs.publish();
        Ok(bufs)
    }

    #[inline]
    pub(super) fn ptr(&self, bid: u16, off: u32) -> *const u8 {
        // SAFETY: bid < count and off <= size keep the pointer inside the
        // mapping (callers pass what a completion or a queue holds).
        unsafe { self.base.add(bid as usize * self.size as usize + off as usize) }
    }

    #[inline]
    pub(super) fn slice(&self, bid: u16, off: u32, len: u32) -> &[u8] {
        if bid >= self.count || off as u64 + len as u64 > self.size as u64 {
            return &[];
        }
        // SAFETY: in bounds (checked above); the kernel wrote these bytes
        // before the completion that handed the buffer over, and does not
        // write this buffer again until it is given back.
        unsafe { std::slice::from_raw_parts(self.ptr(bid, off), len as usize) }
    }

    #[inline]
    pub(super) fn push(&mut self, bid: u16) {
        let slot = (self.tail & self.mask) as usize;
        // SAFETY: slot < count; only addr, len and bid are written, never
        // resv (which, in entry 0, is the tail the kernel reads).
        let e = unsafe { &mut *self.entries.add(slot) };
        e.set_addr(self.ptr(bid, 0) as u64);
        e.set_len(self.size);
        e.set_bid(bid);
        self.tail = self.tail.wrapping_add(1);
        self.avail += 1;
    }

    #[inline]
    pub(super) fn publish(&mut self) {
        if self.tail != self.published {
            // SAFETY: the tail is a naturally aligned u16 inside the mapping.
            let t = unsafe { &*(types::BufRingEntry::tail(self.entries) as *const AtomicU16) };
            t.store(self.tail, Ordering::Release);
            self.published = self.tail;
        }
    }
}

impl Drop for BufRing {
    fn drop(&mut self) {
        crate::logging::because("the provided buffers are given back at stop", || {
            unmap(self.entries.cast(), self.ring_bytes);
            unmap(self.base, self.base_bytes);
        });
    }
}

/// mmap(NULL, len, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0).
fn map(len: usize) -> Result<*mut u8> {
    use nix::sys::mman::{mmap_anonymous, MapFlags, ProtFlags};
    let size = std::num::NonZeroUsize::new(len).ok_or_else(|| Error::sys(Op::Mmap, Errno::EINVAL))?;
    // SAFETY: a fresh anonymous mapping at an address of the kernel's
    // choosing: it aliases nothing in this process.
    let res =
        unsafe { mmap_anonymous(None, size, ProtFlags::PROT_READ | ProtFlags::PROT_WRITE, MapFlags::MAP_PRIVATE) };
    crate::sys::traced(
        res,
        || format!("mmap(NULL, {len}, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)"),
        |p| format!("{:p}", p.as_ptr()),
    )
    .map(|p| p.as_ptr().cast::<u8>())
    .map_err(|e| Error::sys(Op::Mmap, e))
}

/// munmap(2) of a mapping made by [`map`].
fn unmap(p: *mut u8, len: usize) {
    let Some(ptr) = std::ptr::NonNull::new(p.cast::<libc::c_void>()) else { return };
    // SAFETY: `p` and `len` describe a whole mapping made by `map`, which
    // nothing uses any more (the ring that read it is closed).
    let res = unsafe { nix::sys::mman::munmap(ptr, len) };
    let _ = crate::sys::traced(res, || format!("munmap({p:p}, {len})"), |_| "0".into());
}
