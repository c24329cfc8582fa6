//! Files: open, unlink, lstat, lseek, fstat, and the process umask.

use super::{traced, Fd};
use crate::text::{path_text, printable};
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::stat::Mode;
use std::path::Path;

/// open(2); `shown_flags` is the flag list as the trace prints it.
pub fn open(path: &Path, flags: OFlag, mode: Mode, shown_flags: &str) -> std::result::Result<Fd, Errno> {
    let res = nix::fcntl::open(path, flags, mode).map(Fd::from_owned);
    traced(
        res,
        || {
            let path = path_text(path);
            let path = printable(&path);
            if flags.contains(OFlag::O_CREAT) {
                format!("open(\"{path}\", {shown_flags}, {:04o})", mode.bits())
            } else {
                format!("open(\"{path}\", {shown_flags})")
            }
        },
        |fd| fd.raw().to_string(),
    )
}

/// unlink(2).
pub fn unlink(path: &Path) -> std::result::Result<(), Errno> {
    let res = nix::unistd::unlink(path);
    traced(res, || format!("unlink(\"{}\")", printable(&path_text(path))), |_| "0".into())
}

/// What lstat(2) tells of a path: its kind and its identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathStat {
    /// `S_IFMT` bits of st_mode
    pub kind: u32,
    pub dev: u64,
    pub ino: u64,
}

impl PathStat {
    pub fn is_socket(&self) -> bool {
        self.kind == libc::S_IFSOCK
    }

    /// The kind in words: `socket`, `regular file`, `directory`…
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            libc::S_IFSOCK => "socket",
            libc::S_IFREG => "regular file",
            libc::S_IFDIR => "directory",
            libc::S_IFLNK => "symbolic link",
            libc::S_IFIFO => "FIFO",
            libc::S_IFCHR => "character device",
            libc::S_IFBLK => "block device",
            _ => "file of unknown kind",
        }
    }
}

/// lstat(2): the path itself, a symbolic link not followed.
pub fn lstat(path: &Path) -> std::result::Result<PathStat, Errno> {
    let res = nix::sys::stat::lstat(path).map(|st| PathStat {
        kind: st.st_mode & libc::S_IFMT,
        dev: st.st_dev,
        ino: st.st_ino,
    });
    traced(res, || format!("lstat(\"{}\")", printable(&path_text(path))), |st| format!("0 ({})", st.kind_name()))
}

/// lseek(fd, 0, SEEK_CUR): where the file offset is now.
pub fn tell(fd: &Fd) -> std::result::Result<i64, Errno> {
    let res = nix::unistd::lseek(fd, 0, nix::unistd::Whence::SeekCur);
    traced(res, || format!("lseek({}, 0, SEEK_CUR)", fd.raw()), |o| o.to_string())
}

/// lseek(fd, off, SEEK_SET).
pub fn seek(fd: &Fd, off: i64) -> std::result::Result<i64, Errno> {
    let res = nix::unistd::lseek(fd, off, nix::unistd::Whence::SeekSet);
    traced(res, || format!("lseek({}, {off}, SEEK_SET)", fd.raw()), |o| o.to_string())
}

/// fstat(2): the permission bits of an open file.
pub fn fstat_mode(fd: &Fd) -> std::result::Result<u32, Errno> {
    let res = nix::sys::stat::fstat(fd).map(|st| st.st_mode & 0o7777);
    traced(res, || format!("fstat({})", fd.raw()), |m| format!("0 (st_mode & 07777 = {m:04o})"))
}

/// The process umask, read without changing it (Linux /proc), or by
/// umask(2) set-and-restore where /proc is not mounted.
pub fn current_umask() -> u32 {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        for line in status.lines() {
            if let Some(v) = line.strip_prefix("Umask:") {
                if let Ok(m) = u32::from_str_radix(v.trim(), 8) {
                    return m;
                }
            }
        }
    }
    let old = nix::sys::stat::umask(Mode::from_bits_truncate(0o022));
    nix::sys::stat::umask(old);
    old.bits()
}
