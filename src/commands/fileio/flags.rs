//! Open flags and modes as a student writes them: `creat,wronly,trunc` or
//! `O_CREAT|O_WRONLY`; `0644`, `u=rw,g=r,o=r` or `S_IRUSR|S_IWUSR`.

use nix::fcntl::OFlag;

/// The open(2) flags netlab knows, in the order they are shown.
const FLAGS: &[(&str, OFlag)] = &[
    ("O_CREAT", OFlag::O_CREAT),
    ("O_EXCL", OFlag::O_EXCL),
    ("O_TRUNC", OFlag::O_TRUNC),
    ("O_APPEND", OFlag::O_APPEND),
    ("O_SYNC", OFlag::O_SYNC),
    ("O_NOFOLLOW", OFlag::O_NOFOLLOW),
    ("O_CLOEXEC", OFlag::O_CLOEXEC),
];

/// The three access modes (exactly one is required).
const ACCESS: &[(&str, OFlag)] =
    &[("O_RDONLY", OFlag::O_RDONLY), ("O_WRONLY", OFlag::O_WRONLY), ("O_RDWR", OFlag::O_RDWR)];

/// Parsed open flags: the access mode plus the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenFlags {
    pub access: OFlag,
    pub other: OFlag,
}

impl OpenFlags {
    pub fn bits(&self) -> OFlag {
        self.access | self.other
    }

    /// `O_WRONLY|O_CREAT|O_TRUNC`
    pub fn names(&self) -> String {
        let mut v: Vec<&str> = ACCESS.iter().filter(|(_, f)| *f == self.access).map(|(n, _)| *n).collect();
        v.extend(FLAGS.iter().filter(|(_, f)| self.other.contains(*f)).map(|(n, _)| *n));
        v.join("|")
    }

    /// `01101`: the C octal value (without O_LARGEFILE, which glibc adds).
    pub fn octal(&self) -> String {
        format!("0{:o}", self.bits().bits())
    }
}

/// Parse `creat,wronly,trunc` or `O_CREAT|O_WRONLY` (case-insensitive,
/// O_ prefix optional). Exactly one access mode; `trunc` not with
/// `rdonly`; `excl` only with `creat`.
pub fn parse_flags(s: &str) -> std::result::Result<OpenFlags, String> {
    let mut access: Vec<(&str, OFlag)> = Vec::new();
    let mut other = OFlag::empty();
    for raw in s.split([',', '|']) {
        let word = raw.trim();
        if word.is_empty() {
            return Err(format!("empty flag in '{s}'"));
        }
        let upper = word.to_ascii_uppercase();
        let name = if upper.starts_with("O_") { upper.clone() } else { format!("O_{upper}") };
        if let Some(&(n, f)) = ACCESS.iter().find(|(n, _)| *n == name) {
            if !access.iter().any(|(m, _)| *m == n) {
                access.push((n, f));
            }
        } else if let Some(&(_, f)) = FLAGS.iter().find(|(n, _)| *n == name) {
            other |= f;
        } else {
            return Err(format!(
                "unknown open flag '{word}' (known: creat, excl, trunc, append, rdonly, wronly, rdwr, sync, nofollow, cloexec)"
            ));
        }
    }
    let access = match access.as_slice() {
        [] => {
            return Err(format!(
            "'{s}' has no access mode: add rdonly, wronly or rdwr (O_RDONLY is 0, so leaving it out means read-only)"
        ))
        }
        [(_, f)] => *f,
        many => {
            let names: Vec<&str> = many.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "conflicting access modes {}: give exactly one of rdonly, wronly, rdwr",
                names.join(" and ")
            ));
        }
    };
    if access == OFlag::O_RDONLY && other.contains(OFlag::O_TRUNC) {
        return Err("O_TRUNC with O_RDONLY is undefined by POSIX (Linux truncates anyway): use wronly or rdwr".into());
    }
    if other.contains(OFlag::O_EXCL) && !other.contains(OFlag::O_CREAT) {
        return Err("O_EXCL means something only with O_CREAT (fail if the file exists): add creat".into());
    }
    Ok(OpenFlags { access, other })
}

/// Parse a mode: octal (`0644`, `644`, `0o644`), symbolic (`u=rw,g=r,o=r`,
/// `a+x`) or constants (`S_IRUSR|S_IWUSR`). At most 07777.
pub fn parse_mode(s: &str) -> std::result::Result<u32, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("mode is empty".into());
    }
    if t.bytes().all(|b| b.is_ascii_digit()) || t.to_ascii_lowercase().starts_with("0o") {
        let digits = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")).unwrap_or(t);
        if digits.is_empty() || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return Err(format!("mode '{s}' is not octal (digits 0-7, like 0644)"));
        }
        return match u32::from_str_radix(digits, 8) {
            Ok(m) if m <= 0o7777 => Ok(m),
            _ => Err(format!("mode '{s}' is larger than 07777")),
        };
    }
    if t.to_ascii_uppercase().starts_with("S_I") {
        let mut m = 0;
        for part in t.split('|') {
            let p = part.trim().to_ascii_uppercase();
            m |= match p.as_str() {
                "S_IRWXU" => 0o700,
                "S_IRUSR" => 0o400,
                "S_IWUSR" => 0o200,
                "S_IXUSR" => 0o100,
                "S_IRWXG" => 0o070,
                "S_IRGRP" => 0o040,
                "S_IWGRP" => 0o020,
                "S_IXGRP" => 0o010,
                "S_IRWXO" => 0o007,
                "S_IROTH" => 0o004,
                "S_IWOTH" => 0o002,
                "S_IXOTH" => 0o001,
                "S_ISUID" => 0o4000,
                "S_ISGID" => 0o2000,
                "S_ISVTX" => 0o1000,
                _ => return Err(format!("unknown mode constant '{}' (S_IRUSR, S_IWUSR, S_IRWXG, …)", part.trim())),
            };
        }
        return Ok(m);
    }
    parse_symbolic(t).map_err(|e| format!("mode '{s}': {e}"))
}

/// chmod-style clauses, starting from 0: `u=rw,g=r,o=r`, `a+x`, `go-w`.
fn parse_symbolic(s: &str) -> std::result::Result<u32, String> {
    let mut mode = 0u32;
    for clause in s.split(',') {
        let op_at = clause.find(['=', '+', '-']).ok_or("each clause needs =, + or - (like u=rw)")?;
        let (who, rest) = clause.split_at(op_at);
        let op = rest.as_bytes()[0];
        let perms = &rest[1..];
        let mut mask = 0u32;
        for c in if who.is_empty() { "a".chars() } else { who.chars() } {
            mask |= match c {
                'u' => 0o4700,
                'g' => 0o2070,
                // the sticky bit goes with "others", as chmod(1) has it
                'o' => 0o1007,
                'a' => 0o7777,
                _ => return Err(format!("'{c}' is not u, g, o or a")),
            };
        }
        let mut bits = 0u32;
        for c in perms.chars() {
            bits |= match c {
                'r' => 0o444,
                'w' => 0o222,
                'x' => 0o111,
                's' => 0o6000,
                't' => 0o1000,
                _ => return Err(format!("'{c}' is not r, w, x, s or t")),
            };
        }
        let who_bits = mask & bits;
        match op {
            b'=' => mode = (mode & !(mask & 0o777)) | who_bits,
            b'+' => mode |= who_bits,
            _ => mode &= !who_bits,
        }
    }
    Ok(mode)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn flags() {
        let f = parse_flags("creat,wronly,trunc").unwrap();
        assert_eq!(f.names(), "O_WRONLY|O_CREAT|O_TRUNC");
        assert_eq!(f.octal(), "01101");
        assert_eq!(parse_flags("O_CREAT|O_WRONLY|O_EXCL").unwrap().octal(), "0301");
        assert_eq!(parse_flags("rdonly").unwrap().octal(), "00");
        for bad in ["", "creat", "rdonly,wronly", "rdonly,trunc", "wronly,excl", "wronly,bogus", "wronly,,creat"] {
            assert!(parse_flags(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn modes() {
        assert_eq!(parse_mode("0644"), Ok(0o644));
        assert_eq!(parse_mode("644"), Ok(0o644));
        assert_eq!(parse_mode("0o600"), Ok(0o600));
        assert_eq!(parse_mode("u=rw,g=r,o=r"), Ok(0o644));
        assert_eq!(parse_mode("a=rwx"), Ok(0o777));
        assert_eq!(parse_mode("u=rwx,go=rx"), Ok(0o755));
        assert_eq!(parse_mode("S_IRUSR|S_IWUSR"), Ok(0o600));
        // t is the sticky bit for o or a (or no who at all), as chmod sets it
        assert_eq!(parse_mode("o+t"), Ok(0o1000));
        assert_eq!(parse_mode("a+t"), Ok(0o1000));
        assert_eq!(parse_mode("u=rwx,+t"), Ok(0o1700));
        assert_eq!(parse_mode("a=rwxt"), Ok(0o1777));
        assert_eq!(parse_mode("u+t"), Ok(0));
        assert_eq!(parse_mode("u+s,g+s,o+s"), Ok(0o6000));
        for bad in ["", "0888", "99999", "u=rwz", "q=r", "rw", "S_IBOGUS", "0o"] {
            assert!(parse_mode(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,30}") {
            let _ = parse_flags(&s);
            let _ = parse_mode(&s);
        }

        #[test]
        fn octal_modes_round_trip(m in 0u32..=0o7777) {
            prop_assert_eq!(parse_mode(&format!("{m:04o}")), Ok(m));
        }
    }
}
