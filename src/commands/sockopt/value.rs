//! Option values: parsed from what the user typed, written with
//! setsockopt(2), read back with getsockopt(2) and shown.

use super::table::{Kind, OptDef};
use crate::sys::{self, Fd};
use nix::errno::Errno;
use serde_json::{json, Value};

/// A value as the user typed it, parsed for an option.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Int(i64),
    Bool(bool),
    Linger {
        on: bool,
        secs: i32,
    },
    /// microseconds
    Timeval(i64),
    Str(String),
}

pub fn parse_int(s: &str) -> std::result::Result<i64, String> {
    let t = s.trim();
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16)
            .ok()
            .filter(|_| !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| format!("'{s}' is not a hex integer"));
    }
    let (num, mult) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 1024),
        Some('M') => (&t[..t.len() - 1], 1024 * 1024),
        _ => (t, 1),
    };
    let digits = num.strip_prefix('-').unwrap_or(num);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("'{s}' is not an integer (decimal or 0x hex; K and M suffixes allowed)"));
    }
    num.parse::<i64>().ok().and_then(|n| n.checked_mul(mult)).ok_or_else(|| format!("'{s}' is too large"))
}

fn parse_bool(s: &str) -> std::result::Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "on" | "true" | "yes" => Ok(true),
        "0" | "off" | "false" | "no" => Ok(false),
        _ => Err(format!("'{s}' is not a boolean (on/off, true/false, 1/0)")),
    }
}

/// Parse VALUE for an option (range-checked where the kernel has limits).
pub fn parse_value(def: &OptDef, s: &str) -> std::result::Result<Val, String> {
    let name = def.opt.opt_name;
    if !def.writable {
        return Err(format!("{name} is read-only"));
    }
    let v = match def.kind {
        Kind::Int | Kind::Bytes | Kind::Secs | Kind::Millis => {
            let n = parse_int(s).map_err(|e| format!("{name}: {e}"))?;
            let ranges = if def.range.is_empty() { &[(i32::MIN as i64, i32::MAX as i64)][..] } else { def.range };
            if !ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&n)) {
                let allowed: Vec<String> = ranges
                    .iter()
                    .map(|(lo, hi)| if lo == hi { lo.to_string() } else { format!("{lo}..{hi}") })
                    .collect();
                return Err(format!("{name}={s}: out of range {}", allowed.join(" or ")));
            }
            Val::Int(n)
        }
        Kind::Bool => Val::Bool(parse_bool(s).map_err(|e| format!("{name}: {e}"))?),
        Kind::Linger => {
            let t = s.trim().to_ascii_lowercase();
            if t == "off" || t == "0" {
                Val::Linger { on: false, secs: 0 }
            } else if let Some(n) = t.strip_prefix("on:") {
                let secs = parse_int(n)
                    .ok()
                    .filter(|n| (0..=i32::MAX as i64).contains(n))
                    .ok_or_else(|| format!("{name}: '{s}': seconds must be 0..{}", i32::MAX))?;
                Val::Linger { on: true, secs: secs as i32 }
            } else {
                return Err(format!("{name}: '{s}' is not a linger value (on:SECS or off)"));
            }
        }
        Kind::Timeval => {
            Val::Timeval(crate::values::micros(s).map_err(|e| format!("{name}: {e} (like 1.5s, 500ms, 2, off)"))?)
        }
        Kind::Str => {
            let t = s.trim();
            if t.is_empty() || t.len() > 15 || !t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
                return Err(format!("{name}: '{s}' is not an algorithm name (like cubic or reno)"));
            }
            Val::Str(t.to_string())
        }
        Kind::SockType | Kind::Errno => return Err(format!("{name} is read-only")),
    };
    Ok(v)
}

/// Split `NAME=VALUE`.
pub fn parse_setting(s: &str) -> std::result::Result<(&str, &str), String> {
    match s.split_once('=') {
        Some((n, v)) if !n.trim().is_empty() && !v.trim().is_empty() => Ok((n, v)),
        _ => Err(format!("'{s}' is not OPTION=VALUE (like SO_RCVBUF=65536 or nodelay=on)")),
    }
}

pub fn write_value(fd: &Fd, def: &OptDef, v: &Val) -> std::result::Result<(), Errno> {
    match v {
        Val::Int(n) => sys::setsockopt_int(fd, &def.opt, *n as i32),
        Val::Bool(b) => sys::setsockopt_int(fd, &def.opt, i32::from(*b)),
        Val::Linger { on, secs } => sys::set_linger(fd, *on, *secs),
        Val::Timeval(us) => {
            let tv = libc::timeval {
                tv_sec: (us / 1_000_000) as libc::time_t,
                tv_usec: (us % 1_000_000) as libc::suseconds_t,
            };
            sys::set_timeval(fd, &def.opt, tv)
        }
        Val::Str(s) => sys::setsockopt_bytes(fd, &def.opt, s.as_bytes(), &format!("\"{s}\"")),
    }
}

/// Read an option: its JSON value and its text.
pub fn read_value(fd: &Fd, def: &OptDef) -> std::result::Result<(Value, String), Errno> {
    let mut buf = [0u8; 64];
    let n = sys::getsockopt_bytes(fd, &def.opt, &mut buf)?;
    let int = i32::from_ne_bytes([buf[0], buf[1], buf[2], buf[3]]);
    Ok(match def.kind {
        Kind::Int | Kind::Secs | Kind::Millis => {
            let unit = match def.kind {
                Kind::Secs => " s",
                Kind::Millis => " ms",
                _ => "",
            };
            (json!(int), format!("{int}{unit}"))
        }
        Kind::Bytes => (json!(int), format!("{int} ({})", human_bytes(int as i64))),
        Kind::Bool => (json!(int != 0), format!("{int} ({})", if int != 0 { "on" } else { "off" })),
        Kind::Linger => {
            let l_linger = i32::from_ne_bytes([buf[4], buf[5], buf[6], buf[7]]);
            let text = if int != 0 { format!("on, {l_linger} s") } else { "off".to_string() };
            (json!({"on": int != 0, "secs": l_linger}), text)
        }
        Kind::Timeval => {
            let sec = i64::from_ne_bytes(buf[0..8].try_into().unwrap_or([0; 8]));
            let usec = i64::from_ne_bytes(buf[8..16].try_into().unwrap_or([0; 8]));
            let secs = sec as f64 + usec as f64 / 1e6;
            let text = if sec == 0 && usec == 0 { "0 (no timeout)".to_string() } else { format!("{secs} s") };
            (json!(secs), text)
        }
        Kind::SockType => {
            let name = match int {
                libc::SOCK_STREAM => "SOCK_STREAM",
                libc::SOCK_DGRAM => "SOCK_DGRAM",
                _ => "?",
            };
            (json!(int), format!("{int} ({name})"))
        }
        Kind::Errno => {
            let text =
                if int == 0 { "0 (no error)".to_string() } else { format!("{int} ({:?})", Errno::from_raw(int)) };
            (json!(int), text)
        }
        Kind::Str => {
            let s = String::from_utf8_lossy(&buf[..n]).trim_end_matches('\0').to_string();
            (json!(s), s)
        }
    })
}

fn human_bytes(n: i64) -> String {
    if n >= 1024 * 1024 && n % (1024 * 1024) == 0 {
        format!("{} MiB", n / (1024 * 1024))
    } else if n >= 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}
