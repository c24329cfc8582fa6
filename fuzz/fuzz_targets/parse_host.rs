//! HOST: a literal, a name, or an error; never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(netlab::net::Host::Ip(std::net::IpAddr::V4(ip), _)) = netlab::net::parse_host(s) {
            assert_eq!(ip.to_string(), s);
        }
    }
});
