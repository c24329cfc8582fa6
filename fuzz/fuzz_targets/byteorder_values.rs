//! byteorder: numbers and inet_aton/inet_addr forms, never a panic; every
//! accepted address is consistent between the two functions.
#![no_main]
use libfuzzer_sys::fuzz_target;
use netlab::commands::byteorder::{convert, inet_addr, inet_aton, parse_value, Function};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = parse_value(s);
    for f in [Function::htons, Function::ntohl, Function::inet_ntoa, Function::inet_aton] {
        let _ = convert(f, s);
    }
    if let Some(a) = inet_aton(s) {
        assert_eq!(inet_addr(s), a);
    }
});
