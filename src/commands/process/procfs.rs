//! A process as `ps au` shows it, read from /proc/PID/stat: the state
//! letter and its `+` (in the terminal's foreground process group), the
//! parent, and the command (`[netlab] <defunct>` for a zombie).

/// What /proc/PID/stat says about one process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcState {
    /// R, S, D, T, Z, …
    pub state: char,
    pub ppid: i32,
    /// the command name (comm), without its parentheses
    pub comm: String,
    pgrp: i32,
    tty_nr: i32,
    tpgid: i32,
}

impl ProcState {
    /// The STAT column of `ps au`: the state, and `+` when the process is
    /// in the foreground process group of its terminal.
    pub fn ps_stat(&self) -> String {
        let fg = self.tty_nr != 0 && self.tpgid == self.pgrp;
        format!("{}{}", self.state, if fg { "+" } else { "" })
    }

    /// The COMMAND column of `ps au` for it (`[netlab] <defunct>` for a
    /// zombie, whose command line is gone).
    pub fn ps_command(&self) -> String {
        if self.state == 'Z' {
            format!("[{}] <defunct>", self.comm)
        } else {
            self.comm.clone()
        }
    }
}

/// /proc/PID/stat of `pid`, or None when there is no such process (it was
/// reaped, or never existed).
pub fn read(pid: i32) -> Option<ProcState> {
    parse(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// "pid (comm) state ppid pgrp session tty_nr tpgid …": comm may hold
/// spaces and parentheses, so the fields are counted from its last `)`.
fn parse(stat: &str) -> Option<ProcState> {
    let open = stat.find('(')?;
    let (head, tail) = stat.rsplit_once(") ")?;
    let comm = head.get(open + 1..)?.to_string();
    let f: Vec<&str> = tail.split_whitespace().collect();
    let num = |i: usize| f.get(i).and_then(|v| v.parse::<i32>().ok());
    Some(ProcState {
        state: f.first()?.chars().next()?,
        ppid: num(1)?,
        pgrp: num(2)?,
        tty_nr: num(4)?,
        tpgid: num(5)?,
        comm,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zombie_reads_as_ps_shows_it() {
        let z = parse("4243 (netlab) Z 4242 4242 100 34817 4242 4194316 0 0").unwrap();
        assert_eq!((z.state, z.ppid), ('Z', 4242));
        assert_eq!(z.ps_stat(), "Z+");
        assert_eq!(z.ps_command(), "[netlab] <defunct>");
        let bg = parse("4243 (a (b) c) S 1 4243 100 0 -1 0").unwrap();
        assert_eq!((bg.comm.as_str(), bg.ps_stat()), ("a (b) c", "S".to_string()));
        assert!(parse("garbage").is_none());
    }
}
