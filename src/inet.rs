//! The address parsers of `<arpa/inet.h>` as glibc has them: inet_aton
//! and inet_addr take the loose forms (`127.1`, `0x7f.1`, octal `010`),
//! which inet_pton refuses; each parse says so in a note. `byteorder`
//! shows them; HOST arguments take what the C library's getaddrinfo takes,
//! which is what inet_aton takes.

/// What inet_aton made of a string: the address in host order and notes on
/// anything inet_pton would have refused.
pub struct Parsed {
    pub host: u32,
    pub notes: Vec<String>,
}

/// One number of a dotted address as strtoul(…, 0) reads it.
struct Part {
    text: String,
    value: u64,
    radix: u32,
}

/// The parser of glibc's inet_aton: up to four parts separated by dots,
/// each a C integer constant (leading `0x` hex, leading `0` octal); the last
/// part fills all remaining bytes; parsing stops at the first character
/// that is not part of a number or a dot, which must be the end of the
/// string or a space (whatever follows a space is ignored). Returns the
/// address (host order) and the index where parsing stopped.
fn aton_core(s: &str) -> Option<(u32, Vec<Part>, usize)> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut parts: Vec<Part> = Vec::new();
    loop {
        if i >= b.len() || !b[i].is_ascii_digit() {
            return None;
        }
        let start = i;
        let mut radix = 10;
        if b[i] == b'0' {
            // strtoul reads "0x" as hex only when a hex digit follows;
            // otherwise it stops after the 0 (and the x then fails the address).
            if matches!(b.get(i + 1), Some(b'x' | b'X')) && b.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit()) {
                radix = 16;
                i += 2;
            } else {
                radix = 8;
            }
        }
        // Saturating: any overflow is far above every part's limit.
        let mut val: u64 = 0;
        while i < b.len() {
            let Some(d) = (b[i] as char).to_digit(radix) else { break };
            val = val.saturating_mul(u64::from(radix)).saturating_add(u64::from(d));
            i += 1;
        }
        parts.push(Part { text: s[start..i].to_string(), value: val, radix });
        if i < b.len() && b[i] == b'.' {
            if parts.len() > 3 || val > 0xff {
                return None;
            }
            i += 1;
            continue;
        }
        break;
    }
    // Trailing characters: only an ASCII space character may stop us.
    if i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
        return None;
    }
    let n = parts.len();
    let last = parts[n - 1].value;
    let max_last: u64 = [0xffff_ffff, 0xff_ffff, 0xffff, 0xff][n - 1];
    if last > max_last {
        return None;
    }
    let mut host: u32 = 0;
    for (k, p) in parts[..n - 1].iter().enumerate() {
        host |= (p.value as u32) << (24 - 8 * k);
    }
    host |= last as u32;
    Some((host, parts, i))
}

/// glibc's inet_aton: the loose forms, and trailing text after a space.
pub fn inet_aton_detail(s: &str) -> Option<Parsed> {
    let (host, parts, end) = aton_core(s)?;
    Some(Parsed { host, notes: notes_for(s, &parts, end) })
}

/// glibc's inet_addr: the same parser as inet_aton (trailing text after a
/// space included, as the differential tests show); only the error value
/// differs (INADDR_NONE instead of 0).
pub fn inet_addr_detail(s: &str) -> Option<Parsed> {
    inet_aton_detail(s)
}

/// inet_aton as a plain function (for the differential tests).
pub fn inet_aton(s: &str) -> Option<u32> {
    aton_core(s).map(|(h, _, _)| h.to_be())
}

/// inet_addr as a plain function: s_addr, or INADDR_NONE.
pub fn inet_addr(s: &str) -> u32 {
    inet_addr_detail(s).map(|p| p.host.to_be()).unwrap_or(u32::MAX)
}

fn notes_for(s: &str, parts: &[Part], end: usize) -> Vec<String> {
    let mut notes = Vec::new();
    let strict = end == s.len()
        && parts.len() == 4
        && parts.iter().all(|p| p.radix == 10 || p.text == "0")
        && parts.iter().all(|p| p.value <= 255);
    if strict {
        return notes;
    }
    let mut why = Vec::new();
    if parts.len() < 4 {
        why.push(format!(
            "it has {} part(s), so the last one ({}) fills the remaining {} bytes",
            parts.len(),
            parts[parts.len() - 1].text,
            5 - parts.len()
        ));
    }
    for p in parts {
        match p.radix {
            16 => why.push(format!("'{}' is hexadecimal ({})", p.text, p.value)),
            8 if p.text != "0" => why.push(format!("'{}' has a leading 0, so it is octal ({})", p.text, p.value)),
            _ => {}
        }
    }
    if end != s.len() {
        why.push(format!("parsing stopped at the whitespace and ignored {:?}", &s[end..]));
    }
    notes.push(format!("inet_pton would refuse \"{}\": {}", s.escape_debug(), why.join("; ")));
    notes
}
