//! The `netlab` binary: parse, run, turn the result into an exit code.
//! Everything else lives in the library (`src/lib.rs`).

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(netlab::main_with_args(std::env::args_os()))
}
