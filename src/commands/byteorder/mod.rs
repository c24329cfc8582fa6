//! `netlab byteorder`: host vs network byte order, and the address
//! conversions of `<arpa/inet.h>`, exactly as the C library does them.
//!
//! Course: 주소체계와 데이터 정렬 (address families and byte order):
//! htons/ntohs/htonl/ntohl, inet_addr, inet_aton, inet_ntoa.
//!
//! Try it:
//!   netlab byteorder                    # is this host little-endian?
//!   netlab byteorder htons 9190         # the port's bytes on the wire
//!   netlab byteorder inet_aton 127.1 010.0.0.1 0x7f.1

pub mod events;

pub use crate::inet::{inet_addr, inet_addr_detail, inet_aton, inet_aton_detail, Parsed};
pub use events::Event;

use crate::docs::Docs;
use crate::error::{Error, Op, Result};
use crate::output::Out;
use crate::text::hex_bytes;
use std::io::BufRead;
use std::net::Ipv4Addr;

pub const DOCS: Docs = Docs {
    examples: &[
        ("netlab byteorder", "the host's byte order: 0x12345678 as it lies in memory"),
        ("netlab byteorder htons 9190", "a port in network order: the two bytes that go on the wire"),
        ("netlab byteorder htonl 0x7f000001", "a 32-bit value in network order"),
        (
            "netlab byteorder inet_aton 127.1 0x7f.1 010.0.0.1",
            "the loose forms inet_aton accepts and inet_pton refuses",
        ),
        ("netlab byteorder inet_addr 255.255.255.255", "the INADDR_NONE ambiguity"),
        ("netlab byteorder inet_ntoa 0x0100007f", "s_addr back to dotted decimal"),
        ("printf '80\\n443\\n' | netlab --json byteorder htons -", "values from stdin, one per line"),
    ],
    events: &[
        ("host_order", "order, value, memory (bytes, lowest address first), network_memory"),
        ("conversion", "function, input, value, value_hex, result, result_hex, memory"),
        ("inet_addr", "function (inet_addr|inet_aton), input, ok, dotted, s_addr, s_addr_hex, memory, notes"),
        ("inet_ntoa", "input, s_addr, s_addr_hex, dotted, memory"),
    ],
    exit_notes: &["2 when a value does not fit (htons 70000) or an address is invalid"],
};

/// The conversion to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
#[allow(non_camel_case_types)]
pub enum Function {
    htons,
    ntohs,
    htonl,
    ntohl,
    inet_addr,
    inet_aton,
    inet_ntoa,
}

#[derive(Debug, clap::Args)]
#[command(about = "Host and network byte order: htons/ntohs/htonl/ntohl, inet_addr/inet_aton/inet_ntoa")]
pub struct Args {
    /// Conversion to run; without one, show the host's byte order
    #[arg(value_enum)]
    pub function: Option<Function>,
    /// Values: decimal, 0x hex, 0o octal or 0b binary (addresses for inet_addr/inet_aton); '-' reads them from stdin, one per line
    #[arg(allow_negative_numbers = true, value_name = "VALUE")]
    pub values: Vec<String>,
}

pub fn run(args: &Args, out: &mut Out) -> Result<()> {
    let Some(func) = args.function else {
        if !args.values.is_empty() {
            return Err(Error::usage(
                "values given without a function (htons, ntohs, htonl, ntohl, inet_addr, inet_aton, inet_ntoa)",
            ));
        }
        out.emit(&host_order());
        return Ok(());
    };
    if args.values.is_empty() {
        return Err(Error::usage(format!("{} needs at least one VALUE ('-' reads them from stdin)", name(func))));
    }
    let from_stdin = args.values.iter().any(|v| v == "-");
    if from_stdin && args.values.len() > 1 {
        return Err(Error::usage("'-' (read values from stdin) must be the only VALUE"));
    }
    // Every value gets its own result: a bad one is an error for that
    // value, and the others are still converted (exit 2 if any was bad).
    let mut tally = Tally::default();
    if from_stdin {
        crate::output::stdin_open()?;
        let stdin = std::io::stdin();
        for (i, line) in stdin.lock().split(b'\n').enumerate() {
            let line = line.map_err(|e| Error::io(Op::Read, "stdin", &e))?;
            let result = match std::str::from_utf8(&line) {
                Ok(l) if l.trim().is_empty() => continue,
                Ok(l) => {
                    convert(func, l.trim()).map_err(|e| (l.trim().to_string(), format!("stdin line {}: {e}", i + 1)))
                }
                Err(_) => Err((
                    String::from_utf8_lossy(&line).into_owned(),
                    format!("stdin line {}: not text (invalid UTF-8)", i + 1),
                )),
            };
            tally.one(result, out);
            if out.is_broken() {
                break; // stdout is gone (or failing): stop, as cat does
            }
        }
        if tally.total == 0 {
            return Err(Error::usage(format!("no values on stdin: {} needs at least one", name(func))));
        }
    } else if let [v] = args.values.as_slice() {
        // one value: its error is the command's
        out.emit(&convert(func, v).map_err(Error::usage)?);
        return Ok(());
    } else {
        for v in &args.values {
            tally.one(convert(func, v).map_err(|e| (v.clone(), e)), out);
        }
    }
    match tally.bad {
        0 => Ok(()),
        bad => Err(Error::usage(format!("{bad} of {} values could not be converted", tally.total))),
    }
}

/// Values converted so far, and the bad ones among them.
#[derive(Default)]
struct Tally {
    total: u64,
    bad: u64,
}

impl Tally {
    /// One value's result: its event, or its error (on stderr, and as an
    /// `error` event naming the input with --json).
    fn one(&mut self, result: std::result::Result<Event, (String, String)>, out: &Out) {
        self.total += 1;
        match result {
            Ok(ev) => out.emit(&ev),
            Err((input, message)) => {
                self.bad += 1;
                out.flush();
                crate::stderr::line(&format!("netlab: byteorder: {}", crate::text::printable(&message)));
                if out.is_json() {
                    out.emit(&crate::events::Event::Error {
                        command: "byteorder".into(),
                        message,
                        errno: None,
                        code: None,
                        exit_code: crate::error::EXIT_USAGE,
                        input: Some(input),
                    });
                }
            }
        }
    }
}

fn name(f: Function) -> &'static str {
    match f {
        Function::htons => "htons",
        Function::ntohs => "ntohs",
        Function::htonl => "htonl",
        Function::ntohl => "ntohl",
        Function::inet_addr => "inet_addr",
        Function::inet_aton => "inet_aton",
        Function::inet_ntoa => "inet_ntoa",
    }
}

/// 0x12345678 in this host's memory.
pub fn host_order() -> Event {
    let v: u32 = 0x1234_5678;
    let order = if v.to_ne_bytes()[0] == 0x78 { "little-endian" } else { "big-endian" };
    Event::HostOrder {
        order: order.into(),
        value: "0x12345678".into(),
        memory: hex_bytes(&v.to_ne_bytes()),
        network_memory: hex_bytes(&v.to_be_bytes()),
    }
}

/// One value through one function.
pub fn convert(func: Function, input: &str) -> std::result::Result<Event, String> {
    match func {
        Function::htons | Function::ntohs => {
            let v = parse_value(input)?;
            let v16 = u16::try_from(v)
                .map_err(|_| format!("{}: {input} does not fit in 16 bits (uint16_t holds 0..65535)", name(func)))?;
            // On the host, htons and ntohs are the same byte swap (or none).
            let r = if func == Function::htons { v16.to_be() } else { u16::from_be(v16) };
            Ok(Event::Conversion {
                function: name(func).into(),
                input: input.into(),
                value: v,
                value_hex: format!("{v16:#06x}"),
                result: u64::from(r),
                result_hex: format!("{r:#06x}"),
                memory: hex_bytes(&r.to_ne_bytes()),
            })
        }
        Function::htonl | Function::ntohl => {
            let v = parse_value(input)?;
            let v32 = u32::try_from(v).map_err(|_| {
                format!("{}: {input} does not fit in 32 bits (uint32_t holds 0..4294967295)", name(func))
            })?;
            let r = if func == Function::htonl { v32.to_be() } else { u32::from_be(v32) };
            Ok(Event::Conversion {
                function: name(func).into(),
                input: input.into(),
                value: v,
                value_hex: format!("{v32:#010x}"),
                result: u64::from(r),
                result_hex: format!("{r:#010x}"),
                memory: hex_bytes(&r.to_ne_bytes()),
            })
        }
        Function::inet_ntoa => {
            let v = parse_value(input)?;
            let s_addr = u32::try_from(v)
                .map_err(|_| format!("inet_ntoa: {input} does not fit in 32 bits (in_addr_t is uint32_t)"))?;
            let bytes = s_addr.to_ne_bytes();
            Ok(Event::InetNtoa {
                input: input.into(),
                s_addr,
                s_addr_hex: format!("{s_addr:#010x}"),
                dotted: Ipv4Addr::from(bytes).to_string(),
                memory: hex_bytes(&bytes),
            })
        }
        Function::inet_aton | Function::inet_addr => inet_event(func, input),
    }
}

fn inet_event(func: Function, input: &str) -> std::result::Result<Event, String> {
    let parsed = if func == Function::inet_aton { inet_aton_detail(input) } else { inet_addr_detail(input) };
    let Some(p) = parsed else {
        let ret = if func == Function::inet_aton { "0".to_string() } else { "INADDR_NONE (0xffffffff)".to_string() };
        return Err(format!(
            "{}(\"{}\") = {ret}: not an IPv4 address (a.b.c.d with parts 0..255; inet_aton also takes a.b.c, a.b, a and 0x/0 prefixes)",
            name(func),
            input.escape_debug()
        ));
    };
    let s_addr = p.host.to_be();
    let mut notes = p.notes;
    if func == Function::inet_addr && s_addr == u32::MAX {
        notes.push(
            "0xffffffff is also INADDR_NONE, the value inet_addr returns on error: the caller cannot tell \
             255.255.255.255 from a typo (use inet_aton or inet_pton)"
                .into(),
        );
    }
    Ok(Event::InetAddr {
        function: name(func).into(),
        input: input.into(),
        ok: true,
        dotted: Some(Ipv4Addr::from(p.host).to_string()),
        s_addr,
        s_addr_hex: format!("{s_addr:#010x}"),
        memory: hex_bytes(&s_addr.to_ne_bytes()),
        notes,
    })
}

/// A number: decimal, `0x` hex, `0o` octal or `0b` binary, up to u64.
pub fn parse_value(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim();
    if let Some(rest) = t.strip_prefix('-') {
        // `-5` is a negative number; `--json` is not a number at all
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(format!("{s}: negative values have no unsigned representation"));
        }
        return Err(format!("'{s}' is not a number (decimal, 0x hex, 0o octal or 0b binary)"));
    }
    let (digits, radix) = match t.get(..2).map(str::to_ascii_lowercase).as_deref() {
        Some("0x") => (&t[2..], 16),
        Some("0o") => (&t[2..], 8),
        Some("0b") => (&t[2..], 2),
        _ => (t, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        let kind = match radix {
            16 => "hex",
            8 => "octal",
            2 => "binary",
            _ => "decimal",
        };
        return Err(format!("'{s}' is not a {kind} number (decimal, 0x hex, 0o octal or 0b binary)"));
    }
    u64::from_str_radix(digits, radix).map_err(|_| format!("{s}: too large (more than 64 bits)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::ffi::CString;

    #[test]
    fn signs_are_refused_without_recursion() {
        assert_eq!(parse_value("-5").unwrap_err(), "-5: negative values have no unsigned representation");
        assert!(parse_value("--json").unwrap_err().contains("is not a number"));
        // a stdin line of dashes: one error, no stack overflow
        assert!(parse_value(&"-".repeat(1 << 20)).is_err());
    }

    fn libc_aton(s: &str) -> Option<u32> {
        let c = CString::new(s).ok()?;
        let mut a = libc::in_addr { s_addr: 0 };
        // SAFETY: c is NUL-terminated and a is a valid out-parameter.
        let r = unsafe { c_inet_aton(c.as_ptr(), &mut a) };
        (r != 0).then_some(a.s_addr)
    }

    fn libc_addr(s: &str) -> u32 {
        let c = CString::new(s).unwrap();
        // SAFETY: c is NUL-terminated.
        unsafe { c_inet_addr(c.as_ptr()) }
    }

    const EDGE: &[&str] = &[
        "127.0.0.1",
        "127.1",
        "0x7f.1",
        "010.0.0.1",
        "0",
        "0x",
        "0x0",
        "00",
        "08",
        "1.2.3.4 junk",
        "1.2.3.4\tx",
        "1.2.3.4x",
        "255.255.255.255",
        "256.0.0.1",
        "1.2.3.256",
        "1.2.65535",
        "1.2.65536",
        "1.16777215",
        "1.16777216",
        "4294967295",
        "4294967296",
        "0xffffffff",
        "0x100000000",
        "1..2",
        ".1",
        "1.",
        "1.2.3.4.",
        "1.2.3.4.5",
        "",
        " 1.2.3.4",
        "0X1F.0.0.1",
        "0xg",
        "1.0xg",
        "99999999999999999999999",
        "037777777777",
        "040000000000",
        "1.2.3.04",
        "0.0.0.0",
        "1 ",
        "1\n",
    ];

    #[test]
    fn edge_cases_match_libc() {
        for s in EDGE {
            assert_eq!(inet_aton(s), libc_aton(s), "inet_aton({s:?})");
            assert_eq!(inet_addr(s), libc_addr(s), "inet_addr({s:?})");
        }
    }

    #[test]
    fn notes_explain_loose_forms() {
        assert!(inet_aton_detail("127.0.0.1").unwrap().notes.is_empty());
        assert!(inet_aton_detail("127.1").unwrap().notes[0].contains("fills the remaining 3 bytes"));
        let n = &inet_aton_detail("010.0.0.1").unwrap().notes[0];
        assert!(n.contains("octal (8)"), "{n}");
        assert_eq!(inet_aton_detail("010.0.0.1").unwrap().host, 0x0800_0001);
    }

    #[test]
    fn swaps_match_libc() {
        for v in [0u16, 1, 0x1234, 9190, 0xff00, u16::MAX] {
            // SAFETY: pure functions.
            assert_eq!(v.to_be(), unsafe { libc_htons(v) });
        }
    }

    extern "C" {
        #[link_name = "htons"]
        fn libc_htons(v: u16) -> u16;
        #[link_name = "htonl"]
        fn libc_htonl(v: u32) -> u32;
        #[link_name = "ntohs"]
        fn libc_ntohs(v: u16) -> u16;
        #[link_name = "ntohl"]
        fn libc_ntohl(v: u32) -> u32;
        fn inet_ntoa(a: libc::in_addr) -> *const libc::c_char;
        #[link_name = "inet_aton"]
        fn c_inet_aton(cp: *const libc::c_char, inp: *mut libc::in_addr) -> libc::c_int;
        #[link_name = "inet_addr"]
        fn c_inet_addr(cp: *const libc::c_char) -> u32;
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn aton_matches_libc_on_address_like_strings(s in "[0-9xXa-fA-F. \t]{0,20}") {
            prop_assert_eq!(inet_aton(&s), libc_aton(&s), "inet_aton({:?})", s);
            prop_assert_eq!(inet_addr(&s), libc_addr(&s), "inet_addr({:?})", s);
        }

        #[test]
        fn aton_matches_libc_on_numbers(a in any::<u32>(), b in 0u32..300, c in 0u32..300, form in 0usize..4) {
            let s = match form {
                0 => format!("{a}"),
                1 => format!("{b}.{a}"),
                2 => format!("{b}.{c}.{}", a % 70000),
                _ => format!("{:#x}.{:o}.{b}.{c}", a % 300, a % 260),
            };
            prop_assert_eq!(inet_aton(&s), libc_aton(&s), "inet_aton({:?})", s);
            prop_assert_eq!(inet_addr(&s), libc_addr(&s), "inet_addr({:?})", s);
        }

        #[test]
        fn aton_never_panics(s in "\\PC{0,40}") {
            let _ = inet_aton_detail(&s);
            let _ = parse_value(&s);
        }

        #[test]
        fn conversions_match_libc(v16 in any::<u16>(), v32 in any::<u32>()) {
            // SAFETY: pure functions.
            unsafe {
                prop_assert_eq!(v16.to_be(), libc_htons(v16));
                prop_assert_eq!(u16::from_be(v16), libc_ntohs(v16));
                prop_assert_eq!(v32.to_be(), libc_htonl(v32));
                prop_assert_eq!(u32::from_be(v32), libc_ntohl(v32));
            }
            let Event::Conversion { result, .. } = convert(Function::htons, &v16.to_string()).unwrap() else { panic!() };
            prop_assert_eq!(result, u64::from(v16.to_be()));
            let Event::Conversion { result, .. } = convert(Function::ntohl, &format!("{v32:#x}")).unwrap() else { panic!() };
            prop_assert_eq!(result, u64::from(u32::from_be(v32)));
            let Event::InetNtoa { dotted, .. } = convert(Function::inet_ntoa, &v32.to_string()).unwrap() else { panic!() };
            // SAFETY: inet_ntoa returns a pointer to a static buffer; this
            // test thread reads it before any other call could reuse it.
            let c = unsafe { std::ffi::CStr::from_ptr(inet_ntoa(libc::in_addr { s_addr: v32 })) };
            prop_assert_eq!(dotted, c.to_str().unwrap());
        }
    }
}
