//! PORT: a value or an error, never a panic; a value is exactly the digits.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(p) = netlab::net::parse_port(s) {
            assert_eq!(s.parse::<u64>().ok(), Some(u64::from(p)));
        }
    }
});
