//! values: every parser of src/values.rs on arbitrary UTF-8, never a panic;
//! an accepted value keeps its promises (limits as documented), and sizes
//! and ports round-trip as the unit tests say.
#![no_main]
use libfuzzer_sys::fuzz_target;
use netlab::values;
use std::time::Duration;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = values::plain_number(s);
    let _ = values::timeout_millis(s);
    let _ = values::bounded_size(s, "the size");
    let _ = values::request_size(s);
    let _ = values::count(s);
    let _ = values::max_clients(s);
    if let Ok(d) = values::secs(s) {
        assert!(d >= Duration::from_millis(1) && d <= Duration::from_secs(10_000_000), "{s:?}: {d:?}");
    }
    if let Ok(d) = values::millis(s) {
        assert!(d <= Duration::from_secs(86_400), "{s:?}: {d:?}");
    }
    if let Ok(us) = values::micros(s) {
        assert!((0..=1_000_000_000_000_000).contains(&us), "{s:?}: {us}");
    }
    if let Ok(n) = values::buffer_size(s) {
        assert!((1..=64 << 20).contains(&n), "{s:?}: {n}");
    }
    if let Ok(n) = values::datagram_size(s) {
        assert!((8..=65535).contains(&n), "{s:?}: {n}");
    }
    if let Ok(n) = values::count_in(s, 3, 1000) {
        assert!((3..=1000).contains(&n), "{s:?}: {n}");
    }
    if let Ok(p) = values::percent(s) {
        assert!((0.0..=100.0).contains(&p), "{s:?}: {p}");
    }
    if let Ok(r) = values::rate(s) {
        assert!(r > 0.0 && r <= 10_000_000.0, "{s:?}: {r}");
    }
    // a port is exactly its digits, and every port's digits read back
    if let Ok(p) = values::port(s) {
        assert!(s.bytes().all(|b| b.is_ascii_digit()), "{s:?}");
        assert_eq!(s.parse::<u64>().ok(), Some(u64::from(p)), "{s:?}");
        assert_eq!(values::port(&p.to_string()), Ok(p));
    }
    // a size reads back from its bytes, and from every unit it is a whole
    // number of (powers of 1024, with or without "iB")
    if let Ok(n) = values::size(s) {
        assert_eq!(values::size(&n.to_string()), Ok(n), "{s:?}");
        for (unit, mult) in [("K", 1u64 << 10), ("MiB", 1 << 20), ("g", 1 << 30)] {
            if n % mult == 0 {
                assert_eq!(values::size(&format!("{}{unit}", n / mult)), Ok(n), "{s:?}");
            }
        }
    }
});
