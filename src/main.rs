//! The `netlab` binary: parse, run, turn the result into an exit code.
//! Everything else lives in the library (`src/lib.rs`).

use std::process::ExitCode;
use std::sync::atomic::{AtomicU8, Ordering};

/// Which of descriptors 0, 1 and 2 were closed when the process started
/// (bit n for descriptor n). Rust's runtime reopens a closed one on
/// /dev/null before `main`, so that no file can take those numbers by
/// accident; this is recorded before it does, so that netlab can still
/// tell (`>&-` loses results, `fileio fds <&-` shows descriptor 0 closed).
static CLOSED_AT_START: AtomicU8 = AtomicU8::new(0);

extern "C" fn record_closed_std_fds() {
    for fd in 0..3 {
        // SAFETY: F_GETFD only asks whether the number is open.
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1 {
            CLOSED_AT_START.fetch_or(1 << fd, Ordering::Relaxed);
        }
    }
}

/// Runs before `main` and before the runtime's start-up code (glibc calls
/// the program's .init_array first).
#[used]
#[link_section = ".init_array"]
static RECORD_CLOSED_STD_FDS: extern "C" fn() = record_closed_std_fds;

fn main() -> ExitCode {
    netlab::output::set_closed_at_start(CLOSED_AT_START.load(Ordering::Relaxed));
    ExitCode::from(netlab::main_with_args(std::env::args_os()))
}
