//! Peers that misbehave on purpose, run inside the test process: an echo
//! server that answers in small delayed pieces (and can corrupt a byte),
//! a server that does whatever a test tells it with each connection, and a
//! client that resets its connection mid-stream.

use crate::common::random_bytes;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

pub fn reset_mid_stream(addr: SocketAddr) {
    let s = TcpStream::connect(addr).unwrap();
    let mut w = &s;
    w.write_all(&random_bytes(200_000, 3)).unwrap();
    // SO_LINGER {1, 0}: close() sends RST instead of FIN.
    let sock = socket2_linger_zero(&s);
    drop(sock);
}

/// Set SO_LINGER {on, 0} through the netlab sys layer and close.
pub fn socket2_linger_zero(s: &TcpStream) -> TcpStream {
    use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd};
    let dup = s.try_clone().unwrap();
    // SAFETY: dup's fd is ours; wrapped only to call the option setter.
    let fd = unsafe { netlab::sys::Fd::from_raw(dup.into_raw_fd()) };
    netlab::sys::set_linger(&fd, true, 0).unwrap();
    let raw = fd.into_raw();
    let _ = s.as_raw_fd();
    // SAFETY: raw is still open and owned by no one else.
    unsafe { TcpStream::from_raw_fd(raw) }
}

/// A test server that echoes in small, delayed pieces (bounded: one client).
pub fn slow_echo_server(piece: usize, corrupt_at: Option<usize>) -> (SocketAddr, std::thread::JoinHandle<()>) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let h = std::thread::spawn(move || {
        let (mut c, _) = l.accept().unwrap();
        c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut buf = vec![0u8; piece];
        let mut total = 0usize;
        let mut n_pieces = 0u64;
        loop {
            let n = match c.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            for (i, b) in buf[..n].iter_mut().enumerate() {
                if Some(total + i) == corrupt_at {
                    *b ^= 0xff;
                }
            }
            total += n;
            if c.write_all(&buf[..n]).is_err() {
                break;
            }
            n_pieces += 1;
            if n_pieces.is_multiple_of(64) {
                // slow on purpose: the client must wait for its echo
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    });
    (addr, h)
}

/// A server that serves `n` connections with `f` (in turn), then stops.
pub fn odd_server(n: usize, f: fn(TcpStream)) -> (SocketAddr, std::thread::JoinHandle<()>) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let h = std::thread::spawn(move || {
        for c in l.incoming().take(n) {
            f(c.unwrap());
        }
    });
    (addr, h)
}
