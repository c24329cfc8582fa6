//! sockopt NAME=VALUE: every option's parser, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use netlab::commands::sockopt::{lookup, parse_setting, parse_value, Proto, Target, OPTIONS};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok((name, value)) = parse_setting(s) {
        for v6 in [false, true] {
            for proto in [Proto::Tcp, Proto::Udp] {
                let _ = lookup(name, Target { proto, v6 });
            }
        }
        for d in OPTIONS {
            let _ = parse_value(d, value);
        }
    }
});
