//! udp client --count: the reading of reply datagrams (`Tally::reply`), the
//! one parser whose input comes from the network. Arbitrary bytes, and real
//! payloads cut, extended, with bytes flipped or for datagrams never sent:
//! never a panic, and every reply is counted once, as received, duplicate,
//! late or corrupt.
#![no_main]
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use netlab::commands::udp::{payload, Tally};
use std::time::{Duration, Instant};

/// One reply datagram made from the fuzzer's bytes.
fn reply(u: &mut Unstructured, size: usize, token: u64) -> Result<Vec<u8>> {
    if u.arbitrary::<bool>()? {
        // anything at all
        let len = u.int_in_range(0..=size + 16)?;
        return Ok(u.bytes(len)?.to_vec());
    }
    // a real payload (its seq may be one never sent, or past the count),
    // then mutated
    let seq = u64::from(u.arbitrary::<u8>()?);
    let mut d = payload(seq, size, if u.ratio(1, 8)? { token ^ 1 } else { token });
    for _ in 0..u.int_in_range(0..=3)? {
        let i = u.choose_index(d.len())?;
        d[i] ^= u.int_in_range(1..=255)?;
    }
    match u.int_in_range(0..=3)? {
        0 => d.truncate(u.int_in_range(0..=d.len())?),
        1 => {
            let n = u.int_in_range(1..=8)?;
            d.extend_from_slice(u.bytes(n)?)
        }
        _ => {}
    }
    Ok(d)
}

fn run(u: &mut Unstructured) -> Result<()> {
    let count = u.int_in_range(1..=200u64)?;
    let size = u.int_in_range(8..=256usize)?;
    let token = u.arbitrary::<u64>()?;
    let mut t = Tally::new(count).expect("a tally");
    // some datagrams go out (a seq past the count is ignored)
    for _ in 0..u.int_in_range(0..=64)? {
        t.sent(u64::from(u.arbitrary::<u8>()?), Instant::now());
    }
    // a reply is late only when the timeout is shorter than its round trip
    let timeout = if u.ratio(1, 4)? { Duration::ZERO } else { Duration::from_secs(3600) };
    let mut fed = 0u64;
    while !u.is_empty() && fed < 256 {
        let d = reply(u, size, token)?;
        t.reply(&d, size, token, timeout);
        fed += 1;
        assert_eq!(t.received + t.duplicates + t.late + t.corrupt, fed, "every reply counted once");
        assert!(t.received <= count && t.reordered <= t.received);
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
