//! The uring model: io_uring (Linux 6.1+), completions instead of
//! readiness. Where the epoll model asks "which sockets are ready?" and
//! then makes the calls itself, this one hands the kernel the calls
//! (accept, recv, send, close) in a submission ring and reads their
//! results from a completion ring; one io_uring_enter per loop turn both
//! submits the echoes of the last turn and waits for the next receives.
//!
//! * accept: IORING_OP_ACCEPT, a few in flight at once, each with its own
//!   address slot, so `accepted` names the peer as accept(2) does. The
//!   descriptors are ordinary ones (not io_uring "direct descriptors"):
//!   `fd` in `accepted` is what `ls /proc/PID/fd` shows, a student can
//!   look at the socket with `ss` or steal it with pidfd_getfd, and
//!   running out of descriptors (EMFILE) leaves the client waiting in the
//!   backlog as with accept(2), handled by the shared policy (the spare
//!   descriptor, a paused accept).
//! * receive: one multishot IORING_OP_RECV per connection, armed once; the
//!   kernel picks each receive's buffer from a ring of provided buffers
//!   (`--buffer-size` bytes each, 4 MiB in all), so an idle connection owns
//!   no buffer at all.
//! * send: straight from the buffer the data arrived in, with MSG_DONTWAIT,
//!   so a send completes while it is submitted (all of it, part of it, or
//!   EAGAIN) and never pins a buffer while waiting for a slow client. Since
//!   every send's completion is there when io_uring_enter returns, the
//!   loop asks to wait for one completion more than the sends it submits:
//!   a ping-pong client costs one system call per request.
//! * a client that does not take its echo: its bytes stay queued, the loop
//!   polls for POLLOUT, and above 256 KiB unsent it cancels that client's
//!   receive (the client's writes then block); when buffers run low,
//!   stalled clients' bytes are copied out so that the pool is never held
//!   by them (see `conn.rs`).
//! * signals: the self-pipe of every model, polled in the ring; the
//!   `--idle-timeout` check and the EMFILE pause are IORING_OP_TIMEOUTs,
//!   armed only when needed.
//!
//! `--threads N` runs N such loops, each with its own ring, buffers and
//! SO_REUSEPORT listener (see `loops.rs`). A kernel that refuses io_uring
//! (seccomp, the kernel.io_uring_disabled sysctl, no io_uring) is exit 1
//! with the call, its errno and a hint, before the `listening` line; never
//! a silent fallback.
//!
//! Try it from two terminals:
//!   netlab --trace echo-server --model uring --bind 127.0.0.1 9190
//!   netlab echo-client 127.0.0.1 9190

mod conn;
mod event_loop;

use super::loops;
use super::{Config, Server};
use crate::error::Result;
use crate::logging::because;
use crate::output::Out;
use crate::sys::{Fd, Ring};

/// Submission slots per ring.
const SQ_ENTRIES: u32 = 512;
/// Completion slots per ring (a turn can complete a receive and a send
/// for each of hundreds of clients).
const CQ_ENTRIES: u32 = 8192;
/// The provided buffers of a ring, in bytes (their number is this over
/// `--buffer-size`, a power of two from 4 to 32768).
const POOL_BYTES: usize = 4 << 20;
/// Unsent bytes above which a connection stops being read from.
pub const HOLD: usize = 256 * 1024;
/// The provided-buffer group the receives take from.
pub const GROUP: u16 = 0;

/// How many buffers of `size` bytes make up the pool.
fn pool_count(size: usize) -> u16 {
    let n = (POOL_BYTES / size.max(1)).clamp(4, 32768);
    // the largest power of two not over n
    (1usize << (usize::BITS - 1 - n.leading_zeros())) as u16
}

pub fn serve(listener: Fd, cfg: &Config, out: &mut Out) -> Result<()> {
    // Every ring is set up before `listening`: a kernel that refuses
    // io_uring stops the server before anyone is told it listens.
    let mut rings = Vec::with_capacity(cfg.threads());
    for _ in 0..cfg.threads() {
        let mut ring = because("io_uring: the submission and completion rings this model works through", || {
            Ring::setup(SQ_ENTRIES, CQ_ENTRIES)
        })?;
        ring.register_buffers(pool_count(cfg.buffer_size), cfg.buffer_size as u32, GROUP)?;
        rings.push(ring);
    }
    if rings.len() > 1 {
        return loops::serve(listener, cfg, out, rings, |ring, srv, listener, member| {
            event_loop::run(ring, srv, listener, Some(member))
        });
    }
    let mut srv = Server::new(cfg, out, false, &listener)?;
    match rings.pop() {
        Some(ring) => event_loop::run(ring, &mut srv, &listener, None),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_is_a_power_of_two_of_about_four_mebibytes() {
        assert_eq!(pool_count(16 * 1024), 256);
        assert_eq!(pool_count(64 * 1024), 64);
        assert_eq!(pool_count(30), 32768);
        assert_eq!(pool_count(1000), 4096);
        assert_eq!(pool_count(64 << 20), 4);
    }
}
