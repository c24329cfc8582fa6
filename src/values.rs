//! The one parser for the values flags take: ports, counts, sizes,
//! durations, percentages and rates (SPEC §1 "Units"). Every flag of every
//! command parses its value here, so a value means the same everywhere:
//!
//! * a duration takes a unit, `500ms`, `1.5s`, `2m`, `1h`, `250us`; a bare
//!   number keeps the unit the flag's help names (seconds for `--timeout`
//!   of the TCP commands, milliseconds for `udp client --interval`);
//! * a size is bytes, or `4K`/`4KiB` (4096), `1M`/`1MiB`, `1G`/`1GiB`:
//!   powers of 1024;
//! * a rate is a plain count per second.
//!
//! Numbers are decimal (`5`, `0.5`, `1e3`): no `inf`, `nan` or hex floats.
//! Each parser returns the message a user reads after
//! `netlab: <command>: invalid value '…' for '--flag': `.

use std::time::Duration;

/// The unit a bare number of a duration flag is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Seconds,
    Millis,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Seconds => "seconds",
            Unit::Millis => "milliseconds",
        }
    }

    fn examples(self) -> &'static str {
        match self {
            Unit::Seconds => "like 5, 0.5, 1e3, 500ms or 2m",
            Unit::Millis => "like 100, 0.5, 1e3, 2s or 250us",
        }
    }
}

/// A decimal number as the duration and size flags write it (`5`, `0.5`,
/// `1e3`, `-2`): digits, point, sign and exponent only. Range checks are
/// the caller's.
pub fn plain_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let numeric =
        !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    t.parse::<f64>().ok().filter(|_| numeric)
}

/// Text and the letters at its end (`1.5s` → ("1.5", "s"); `250µs` →
/// ("250", "µs")). The exponent of `1e3` stays with the number: it is
/// followed by a digit.
fn split_unit(t: &str) -> (&str, &str) {
    let letters = t.bytes().rev().take_while(u8::is_ascii_alphabetic).count();
    // ASCII letters are one byte each: the split is on a char boundary
    let (num, unit) = t.split_at(t.len() - letters);
    match num.strip_suffix('µ') {
        Some(n) => (n, &t[n.len()..]),
        None => (num, unit),
    }
}

/// A number and the unit after it (`1.5s` → (1.5, "s")).
fn number_and_unit(s: &str) -> Option<(f64, &str)> {
    let (num, unit) = split_unit(s.trim());
    Some((plain_number(num)?, unit))
}

/// A duration in seconds (as f64, so limits can be checked before the
/// conversion), from a number with an optional unit.
fn seconds_of(s: &str, bare: Unit) -> Option<f64> {
    let (v, unit) = number_and_unit(s)?;
    let scale = match unit.to_ascii_lowercase().as_str() {
        "" => match bare {
            Unit::Seconds => 1.0,
            Unit::Millis => 1e-3,
        },
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "s" | "sec" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return None,
    };
    Some(v * scale)
}

/// A time to wait, above 0 and 1 ms at the least (netlab's waits, poll(2),
/// count in milliseconds), at most 10,000,000 s: `--timeout`,
/// `--idle-timeout`, `--duration`. A bare number is in seconds.
pub fn secs(s: &str) -> Result<Duration, String> {
    match seconds_of(s, Unit::Seconds) {
        Some(v) if v > 1e7 => Err(format!("'{s}' seconds is over the limit of 10000000 (about 115 days)")),
        Some(v) if v >= 1e-3 => Ok(Duration::from_secs_f64(v)),
        Some(v) if v > 0.0 => {
            Err(format!("'{s}' seconds is under 1 millisecond, the smallest wait (poll counts in milliseconds)"))
        }
        Some(_) => Err(format!("'{s}': the number of seconds must be above 0")),
        None => Err(not_a_duration(s, Unit::Seconds)),
    }
}

/// A time of 0 or more, at most a day; a bare number is in milliseconds
/// (`udp client --interval`).
pub fn millis(s: &str) -> Result<Duration, String> {
    match seconds_of(s, Unit::Millis) {
        Some(0.0) => Ok(Duration::ZERO),
        Some(v) if v < 0.0 => Err(format!("'{s}': milliseconds cannot be negative")),
        Some(v) if v <= 86_400.0 => Ok(Duration::from_secs_f64(v)),
        Some(_) => Err(format!("'{s}' ms is over the limit of 86400000 (one day)")),
        None => Err(not_a_duration(s, Unit::Millis)),
    }
}

/// As [`millis`], more than zero (a timeout of 0 would make every reply
/// late).
pub fn timeout_millis(s: &str) -> Result<Duration, String> {
    match millis(s)? {
        d if d.is_zero() => Err(format!("'{s}': a timeout must be more than 0 ms")),
        d => Ok(d),
    }
}

/// A duration of 0 or more in whole microseconds, a bare number in seconds,
/// `off` for none (a socket timeout: `SO_RCVTIMEO=1.5s`). Anything under
/// 1 us but above 0 is refused: it would round to 0, which means "never".
pub fn micros(s: &str) -> Result<i64, String> {
    if s.trim().eq_ignore_ascii_case("off") {
        return Ok(0);
    }
    let v = match seconds_of(s, Unit::Seconds) {
        Some(v) if v >= 0.0 => v,
        Some(_) => return Err(format!("'{s}' is negative: a timeout is 0 (none) or more")),
        None => return Err(format!("'{s}' is not a duration")),
    };
    let us = v * 1e6;
    if us > 1e15 {
        return Err(format!("'{s}' is too long"));
    }
    if us > 0.0 && us.round() == 0.0 {
        return Err(format!(
            "'{s}' is under 1 us, the resolution of struct timeval: it would round to 0, which means no timeout"
        ));
    }
    Ok(us.round() as i64)
}

fn not_a_duration(s: &str, bare: Unit) -> String {
    format!("'{s}' is not a number of {} ({})", bare.name(), bare.examples())
}

/// A byte count: decimal with an optional K/KiB, M/MiB or G/GiB suffix
/// (powers of 1024, case-insensitive).
pub fn size(s: &str) -> Result<u64, String> {
    let (num, unit) = split_unit(s.trim());
    let mult: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        _ => return Err(not_a_size(s)),
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_a_size(s));
    }
    num.parse::<u64>().ok().and_then(|n| n.checked_mul(mult)).ok_or_else(|| format!("'{s}' is too large"))
}

fn not_a_size(s: &str) -> String {
    format!("'{s}' is not a size (a number, optionally with K, M or G: 4K is 4096)")
}

/// A size of `what` (named in the errors): 1 byte .. 64 MiB.
pub fn bounded_size(s: &str, what: &str) -> Result<usize, String> {
    match size(s)? {
        0 => Err(format!("{what} must be at least 1 byte")),
        n if n > 64 * 1024 * 1024 => Err(format!("{what} {s} is over the 64M limit")),
        n => Ok(n as usize),
    }
}

/// A buffer size: 1 byte .. 64 MiB.
pub fn buffer_size(s: &str) -> Result<usize, String> {
    bounded_size(s, "buffer size")
}

/// A load-mode request size: 1 byte .. 64 MiB.
pub fn request_size(s: &str) -> Result<usize, String> {
    bounded_size(s, "request size")
}

/// A numbered datagram's size: 8 (its sequence number) .. 65535 bytes.
pub fn datagram_size(s: &str) -> Result<usize, String> {
    match size(s)? {
        n if (8..=65535).contains(&n) => Ok(n as usize),
        _ => Err(format!("datagram size {s} is outside 8..65535 (8 bytes carry the sequence number)")),
    }
}

/// A port: decimal digits only, 0..=65535 (no `+80`, `1e3`, service names).
pub fn port(s: &str) -> Result<u16, String> {
    if s.is_empty() {
        return Err("port is empty; give a number 0..65535".into());
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("'{s}' is not a port number (decimal 0..65535; service names are not accepted)"));
    }
    let digits = s.trim_start_matches('0');
    if digits.len() > 5 {
        return Err(format!("port {s} is out of range (0..65535)"));
    }
    match digits.parse::<u32>() {
        Ok(n) if n <= 65535 => Ok(n as u16),
        Ok(_) => Err(format!("port {s} is out of range (0..65535)")),
        Err(_) if digits.is_empty() => Ok(0),
        Err(_) => Err(format!("'{s}' is not a port number")),
    }
}

/// A Unix-domain socket path (`--unix`): not empty, and short enough for
/// `struct sockaddr_un` (107 bytes and a NUL).
pub fn unix_path(s: &str) -> Result<std::path::PathBuf, String> {
    const MAX: usize = 107;
    if s.is_empty() {
        return Err("the socket path is empty; give a file name such as /tmp/echo.sock".into());
    }
    if s.len() > MAX {
        return Err(format!(
            "the socket path is {} bytes; a sockaddr_un holds at most {MAX} (use a shorter path, or one relative to the working directory)",
            s.len()
        ));
    }
    Ok(s.into())
}

/// A whole number in `min..=max` (`--children`, `--max-clients`); the
/// message names the range.
pub fn count_in(s: &str, min: u64, max: u64) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if n < min => Err(format!("must be at least {min}")),
        Ok(n) if n > max => Err(format!("{n} is over the limit of {max}")),
        Ok(n) => Ok(n),
        Err(_) if s.trim().starts_with('-') => Err(format!("must be at least {min}")),
        Err(_) => Err(format!("'{s}' is not a whole number")),
    }
}

/// A count that must be at least 1 (`--max-conns`).
pub fn count(s: &str) -> Result<u64, String> {
    count_in(s, 1, u64::MAX)
}

/// `--backlog`: listen()'s queue, 1 ..= 65535.
pub fn backlog(s: &str) -> Result<i32, String> {
    count_in(s, 1, 65535).map(|n| n as i32)
}

/// `pipe twoway --pipes`: 1 or 2.
pub fn pipes(s: &str) -> Result<u8, String> {
    count_in(s, 1, 2).map(|n| n as u8)
}

/// `udp client --count`: 1 ..= 10,000,000 datagrams.
pub fn datagram_count(s: &str) -> Result<u64, String> {
    count_in(s, 1, 10_000_000)
}

/// `echo-client --idle`: 0 ..= 100,000 idle connections.
pub fn idle(s: &str) -> Result<u64, String> {
    count_in(s, 0, 100_000)
}

/// `--max-clients`: 1 .. 1,000,000 live clients.
pub fn max_clients(s: &str) -> Result<u64, String> {
    match count(s)? {
        n if n > 1_000_000 => Err(format!("{n} is over the limit of 1000000 clients at once")),
        n => Ok(n),
    }
}

/// `--threads` (echo-server's event loops, echo-client's): 1 .. 1024.
pub fn threads(s: &str) -> Result<u64, String> {
    count_in(s, 1, 1024)
}

/// A time to hold, 0 .. 60 s; a bare number is in seconds (`process zombie
/// --hold`): long enough to run `ps au` in another terminal, bounded so
/// that no lesson can hang a grader.
pub fn hold(s: &str) -> Result<Duration, String> {
    match seconds_of(s, Unit::Seconds) {
        Some(v) if v < 0.0 => Err(format!("'{s}': a hold cannot be negative")),
        Some(v) if v <= 60.0 => Ok(Duration::from_secs_f64(v)),
        Some(_) => Err(format!("'{s}' is over the limit of 60 seconds")),
        None => Err(not_a_duration(s, Unit::Seconds)),
    }
}

/// A signal by name or number: `TERM`, `SIGTERM`, `sigterm`, `15`.
pub fn signal(s: &str) -> Result<nix::sys::signal::Signal, String> {
    use std::str::FromStr;
    let t = s.trim();
    if let Ok(n) = t.parse::<i32>() {
        return nix::sys::signal::Signal::try_from(n).map_err(|_| format!("{n} is not a signal number (1..31)"));
    }
    let upper = t.to_ascii_uppercase();
    let name = if upper.starts_with("SIG") { upper } else { format!("SIG{upper}") };
    nix::sys::signal::Signal::from_str(&name)
        .map_err(|_| format!("'{s}' is not a signal name (like TERM, KILL, INT or HUP, or a number)"))
}

/// A process exit code, 0 .. 255 (exit(256) would be seen as 0).
pub fn exit_code(s: &str) -> Result<i32, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if (0..=255).contains(&n) => Ok(n as i32),
        Ok(n) => Err(format!("{n} is not an exit code: the parent sees only the low 8 bits (0..255)")),
        Err(_) => Err(format!("'{s}' is not a whole number (an exit code is 0..255)")),
    }
}

/// A percentage 0..100, with or without `%`.
pub fn percent(s: &str) -> Result<f64, String> {
    match s.trim().trim_end_matches('%').parse::<f64>() {
        Ok(v) if (0.0..=100.0).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not a percentage 0..100")),
    }
}

/// A rate: requests per second, above 0, at most 10,000,000.
pub fn rate(s: &str) -> Result<f64, String> {
    match plain_number(s) {
        Some(v) if v > 10_000_000.0 => Err(format!("'{s}' per second is over the limit of 10000000")),
        Some(v) if v >= 0.001 => Ok(v),
        Some(v) if v > 0.0 => Err(format!("'{s}' per second is under the limit of 0.001 (one request in 1000 s)")),
        Some(_) => Err(format!("'{s}': the rate must be above 0 (requests per second)")),
        None => Err(format!("'{s}' is not a rate (requests per second, like 1000 or 2.5e4)")),
    }
}

/// Most percentiles one `--percentiles` list may name.
const MAX_PERCENTILES: usize = 16;

/// Percentiles to report, ascending, without repeats.
#[derive(Clone, Debug, PartialEq)]
pub struct PercentileList(pub Vec<f64>);

/// A list of percentiles, `50,90,99,99.9` (a `p` in front or a `%` after
/// each is allowed: `p99`, `99.9%`): each above 0 and at most 100, sorted
/// and without repeats. The maximum is always reported besides.
pub fn percentiles(s: &str) -> Result<PercentileList, String> {
    let mut v = Vec::new();
    for part in s.split(',') {
        let t = part.trim();
        let bare = t.strip_prefix(['p', 'P']).unwrap_or(t).trim_end_matches('%');
        match plain_number(bare) {
            Some(p) if p > 0.0 && p <= 100.0 => v.push(p),
            Some(_) => return Err(format!("'{t}' is not a percentile: each is above 0 and at most 100")),
            None if t.is_empty() => {
                return Err(format!("'{s}' has an empty entry (a comma-separated list, like 50,99,99.9)"))
            }
            None => return Err(format!("'{t}' is not a percentile (a comma-separated list, like 50,99,99.9)")),
        }
    }
    v.sort_by(f64::total_cmp);
    v.dedup();
    if v.len() > MAX_PERCENTILES {
        return Err(format!("{} percentiles is over the limit of {MAX_PERCENTILES}", v.len()));
    }
    Ok(PercentileList(v))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_unix_path_fits_sockaddr_un_or_is_refused_with_its_length() {
        assert_eq!(unix_path("/tmp/echo.sock").unwrap(), std::path::PathBuf::from("/tmp/echo.sock"));
        assert!(unix_path(&"a".repeat(107)).is_ok());
        let e = unix_path(&"a".repeat(108)).unwrap_err();
        assert!(e.contains("108 bytes") && e.contains("at most 107"), "{e}");
        assert!(unix_path("").unwrap_err().contains("empty"));
    }

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn seconds_take_decimals_exponents_and_units_within_limits() {
        assert_eq!(secs("1e3"), Ok(Duration::from_secs(1000)));
        assert_eq!(secs("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(secs("1e-3"), Ok(Duration::from_millis(1)));
        assert_eq!(secs("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(secs("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(secs("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(secs("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(secs("1e3ms"), Ok(Duration::from_secs(1)));
        for bad in ["0", "-0", "-1", "1e-4", "1e400", "inf", "nan", "0x10", "", "1.2.3", "5x", "ms", "5 s s"] {
            assert!(secs(bad).is_err(), "{bad}");
        }
        assert!(secs("1e400").unwrap_err().contains("over the limit"));
        assert!(secs("1e8").unwrap_err().contains("over the limit"));
        assert!(secs("500us").unwrap_err().contains("under 1 millisecond"));
    }

    #[test]
    fn milliseconds_take_the_same_syntax_with_their_own_bare_unit() {
        assert_eq!(millis("100"), Ok(Duration::from_millis(100)));
        assert_eq!(millis("1e3"), Ok(Duration::from_secs(1)));
        assert_eq!(millis("2.5E+1"), Ok(Duration::from_micros(25_000)));
        assert_eq!(millis("0"), Ok(Duration::ZERO));
        assert_eq!(millis("-0"), Ok(Duration::ZERO));
        assert_eq!(millis("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(millis("250us"), Ok(Duration::from_micros(250)));
        assert!(millis("-5").unwrap_err().contains("cannot be negative"));
        assert!(millis("-1e-9").unwrap_err().contains("cannot be negative"));
        assert!(millis("86400001").unwrap_err().contains("over the limit"));
        for bad in ["", "inf", "nan", "0x10", "1.2.3", "5 parsecs", "e", "-"] {
            assert!(millis(bad).unwrap_err().contains("not a number of milliseconds"), "{bad}");
        }
        assert!(timeout_millis("0").unwrap_err().contains("more than 0 ms"));
    }

    #[test]
    fn sizes_are_powers_of_1024_with_or_without_ib() {
        for (s, want) in [
            ("512", 512),
            ("4K", 4096),
            ("4k", 4096),
            ("4KiB", 4096),
            ("1M", 1 << 20),
            ("1MiB", 1 << 20),
            ("2G", 2 << 30),
            ("7b", 7),
        ] {
            assert_eq!(size(s), Ok(want), "{s}");
        }
        for bad in ["", "K", "-1", "1.5K", "4KB", "0x10", "1T"] {
            assert!(size(bad).is_err(), "{bad}");
        }
        assert!(bounded_size("0", "buffer size").unwrap_err().contains("at least 1 byte"));
        assert!(bounded_size("65M", "buffer size").unwrap_err().contains("over the 64M limit"));
        assert_eq!(datagram_size("1K"), Ok(1024));
        assert!(datagram_size("7").is_err());
    }

    #[test]
    fn socket_timeouts_are_microseconds() {
        assert_eq!(micros("1.5s"), Ok(1_500_000));
        assert_eq!(micros("500ms"), Ok(500_000));
        assert_eq!(micros("2"), Ok(2_000_000));
        assert_eq!(micros("off"), Ok(0));
        assert_eq!(micros("250us"), Ok(250));
        assert!(micros("0.1us").unwrap_err().contains("under 1 us"));
        assert!(micros("soon").is_err());
    }

    #[test]
    fn signals_holds_and_exit_codes() {
        use nix::sys::signal::Signal;
        for s in ["TERM", "SIGTERM", "term", "15"] {
            assert_eq!(signal(s), Ok(Signal::SIGTERM), "{s}");
        }
        assert!(signal("FOO").unwrap_err().contains("not a signal name"));
        assert!(signal("99").is_err());
        assert_eq!(hold("0"), Ok(Duration::ZERO));
        assert_eq!(hold("500ms"), Ok(Duration::from_millis(500)));
        assert!(hold("-1").unwrap_err().contains("cannot be negative"));
        assert!(hold("61").is_err());
        assert_eq!(exit_code("7"), Ok(7));
        assert!(exit_code("256").is_err() && exit_code("-1").is_err());
    }

    #[test]
    fn ports_and_counts() {
        assert_eq!(port("0"), Ok(0));
        assert_eq!(port("65535"), Ok(65535));
        assert_eq!(port("009190"), Ok(9190));
        for bad in ["", "65536", "-1", "+80", "1e3", "http", " 80", "80 ", "0x50", "99999999999999999999"] {
            assert!(port(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(count("0"), Err("must be at least 1".into()));
        assert_eq!(count_in("100000", 1, 1000), Err("100000 is over the limit of 1000".into()));
        assert_eq!(count_in("-3", 1, 1000), Err("must be at least 1".into()));
        assert!(rate("0").is_err() && rate("2000").is_ok() && rate("inf").is_err());
    }

    #[test]
    fn percentile_lists() {
        let ok = |s: &str| percentiles(s).map(|l| l.0);
        assert_eq!(ok("50,90,99,99.9"), Ok(vec![50.0, 90.0, 99.0, 99.9]));
        assert_eq!(ok("p99, 50%,99,100"), Ok(vec![50.0, 99.0, 100.0]));
        assert_eq!(ok("99.99"), Ok(vec![99.99]));
        for bad in ["", "101", "0", "-5", "50,,99", "x", "50;99", "nan", "inf", "1e3"] {
            assert!(percentiles(bad).is_err(), "{bad}");
        }
        assert!(percentiles("101").unwrap_err().contains("at most 100"));
        let many: Vec<String> = (1..=17).map(|i| i.to_string()).collect();
        assert!(percentiles(&many.join(",")).unwrap_err().contains("over the limit"));
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,24}") {
            let _ = (secs(&s), millis(&s), micros(&s), size(&s), port(&s), count(&s), percent(&s), rate(&s));
            let _ = (hold(&s), signal(&s), exit_code(&s), percentiles(&s));
        }

        #[test]
        fn a_bare_number_keeps_its_unit(ms in 1u64..86_400_000) {
            prop_assert_eq!(millis(&ms.to_string()), Ok(Duration::from_millis(ms)));
            prop_assert_eq!(millis(&format!("{ms}ms")), Ok(Duration::from_millis(ms)));
            let s = ms.min(10_000_000);
            prop_assert_eq!(secs(&s.to_string()), Ok(Duration::from_secs(s)));
            prop_assert_eq!(secs(&format!("{s}s")), Ok(Duration::from_secs(s)));
        }

        #[test]
        fn every_port_round_trips(n in any::<u16>()) {
            prop_assert_eq!(port(&n.to_string()), Ok(n));
        }

        #[test]
        fn port_is_error_or_exact(s in "\\PC{0,12}") {
            if let Ok(p) = port(&s) {
                prop_assert!(s.bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(s.parse::<u64>().ok(), Some(u64::from(p)));
            }
        }
    }
}
