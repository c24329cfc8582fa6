//! fileio --flags and --mode, and sizes: never a panic; accepted modes fit 07777.
#![no_main]
use libfuzzer_sys::fuzz_target;
use netlab::commands::fileio::{parse_flags, parse_mode};
use netlab::values::size;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = parse_flags(s);
    let _ = size(s);
    if let Ok(m) = parse_mode(s) {
        assert!(m <= 0o7777);
    }
});
