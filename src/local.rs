//! Unix-domain (`PF_LOCAL`) socket files: what a server finds at its path
//! before it binds, removing the file when it stops, and the path a
//! datagram client binds so that the server can reply.
//!
//! A socket file outlives the socket: a server killed with SIGKILL leaves
//! it behind, and the next bind() to the path fails with EADDRINUSE though
//! nobody listens. So before binding, a server looks at what is there
//! (lstat) and, when it is a socket, whether anybody answers (connect):
//!
//! | found | what netlab does |
//! |---|---|
//! | nothing | binds |
//! | a socket nobody answers on (ECONNREFUSED) | removes it, says so once on stderr, binds |
//! | a socket somebody answers on | EADDRINUSE, exit 1; the file stays |
//! | anything else (a file, a directory…) | exit 2, never deleted |

use crate::error::{Error, Op, Result};
use crate::sys::{self, Addr};
use nix::errno::Errno;
use nix::sys::socket::{AddressFamily, SockType};
use std::path::{Path, PathBuf};

/// What [`prepare`] found at a path that bind() may take.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// nothing there
    Nothing,
    /// a socket file nobody listened on: removed
    Stale,
}

impl Found {
    /// The line a server says once on stderr, when there is one.
    pub fn note(&self, path: &Path) -> Option<String> {
        match self {
            Found::Nothing => None,
            Found::Stale => Some(format!(
                "removed the stale socket file {} (nobody answered a connect on it: its server is gone)",
                path.display()
            )),
        }
    }
}

/// Make `path` free for a server's bind(), as the module's table says.
/// `ty` is the server's socket type: the probe uses the same, so a live
/// server of the other type is not mistaken for a stale file.
pub fn prepare(path: &Path, ty: SockType) -> Result<Found> {
    let st = match crate::logging::because("is something at the path already?", || sys::lstat(path)) {
        Ok(st) => st,
        Err(Errno::ENOENT) => return Ok(Found::Nothing),
        // no access to look: bind() will fail and say why
        Err(_) => return Ok(Found::Nothing),
    };
    if !st.is_socket() {
        return Err(Error::usage_hint(
            format!("--unix {}: exists and is a {}, not a socket", path.display(), st.kind_name()),
            "netlab never deletes it; give a path that does not exist yet",
        ));
    }
    let unix = Addr::Unix(Some(path.to_path_buf()));
    // non-blocking: a live server whose backlog is full makes a blocking
    // connect wait for as long as it stays full (EAGAIN says it is there)
    let probe = crate::logging::because("is anybody listening on the socket file left at the path?", || {
        sys::socket(AddressFamily::Unix, ty, true)
    })?;
    match sys::connect(&probe, &unix) {
        // ECONNREFUSED: the file is there, no socket is bound to it
        Err(Errno::ECONNREFUSED) => {
            drop(probe);
            // still the file that was probed? (another server may have
            // replaced it meanwhile: then it is not ours to remove, and
            // bind() will say EADDRINUSE)
            let now = crate::logging::because("still the file that was probed?", || sys::lstat(path)).ok();
            if now.as_ref().map(|s| (s.dev, s.ino)) != Some((st.dev, st.ino)) {
                return Ok(Found::Nothing);
            }
            crate::logging::because("a stale socket file: its server is gone", || sys::unlink(path))
                .map_err(|e| Error::sys_at(Op::Unlink, path.display().to_string(), e))?;
            Ok(Found::Stale)
        }
        // it answered (EPROTOTYPE: a server of the other type answered;
        // EAGAIN: a stream server whose listen queue is full)
        Ok(()) | Err(Errno::EPROTOTYPE | Errno::EAGAIN) => Err(Error::failed_errno(
            format!("bind {}: {}", path.display(), crate::error::describe_errno(Errno::EADDRINUSE)),
            Some(
                "a server is listening on this socket file (it answered a connect); stop it, or give another path"
                    .into(),
            ),
            Errno::EADDRINUSE,
        )),
        // no permission to connect, or something stranger: leave the file, bind() will say
        Err(_) => Ok(Found::Nothing),
    }
}

/// A socket file this process bound: removed when dropped, and only by
/// this process (a forked child that exits normally must not remove its
/// parent's file), and only while it is still the same file (another
/// server may have taken the path since).
#[derive(Debug)]
pub struct SocketFile {
    path: PathBuf,
    id: Option<(u64, u64)>,
    owner: u32,
    why: &'static str,
}

impl SocketFile {
    /// The file a server's bind() just created at `path`.
    pub fn server(path: &Path) -> SocketFile {
        Self::bound(path, "the server is stopping: its socket file goes with it")
    }

    /// The file a client's bind() just created at `path`.
    pub fn client(path: &Path) -> SocketFile {
        Self::bound(path, "the client is done: its own socket file goes with it")
    }

    fn bound(path: &Path, why: &'static str) -> SocketFile {
        let id =
            crate::logging::because("which file bind() made: only that one is removed at the end", || sys::lstat(path))
                .ok()
                .map(|st| (st.dev, st.ino));
        SocketFile { path: path.to_path_buf(), id, owner: std::process::id(), why }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        if std::process::id() != self.owner {
            return;
        }
        let same = crate::logging::because("still the file bind() made?", || sys::lstat(&self.path))
            .ok()
            .map(|st| (st.dev, st.ino))
            == self.id;
        if same && self.id.is_some() {
            let _ = crate::logging::because(self.why, || sys::unlink(&self.path));
        }
    }
}

/// A path for a datagram client's own socket, so that the server's
/// sendto() has somewhere to reply: in the temporary directory, named
/// after the process (`/tmp/netlab-udp-4242-0.sock`).
pub fn client_path(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("netlab-{tag}-{}-{n}.sock", std::process::id()));
    // A socket file by this name is what a killed client of the same pid
    // left (Ctrl-C skips the removal): this process's to take.
    if sys::lstat(&path).is_ok_and(|st| st.is_socket()) {
        let _ = crate::logging::because("left by a killed client of the same pid", || sys::unlink(&path));
    }
    path
}

/// What a client's refused connect (or send) to the socket file `path`
/// means there, and what to do: (what, hint), or None for an errno that
/// says nothing particular of a socket file. `serve` is the command that
/// would serve the path (`netlab echo-server --unix`). ENOENT: no file;
/// ECONNREFUSED: a file that is not a socket (said by its kind), or a
/// socket nobody listens on (its server gone); EPROTOTYPE: a socket of the
/// other type (stream for datagram, or the reverse).
pub fn refused(path: &Path, e: Errno, serve: &str) -> Option<(String, String)> {
    let shown = path.display();
    let kind = || crate::logging::because("what is at the path: why it was refused", || sys::lstat(path)).ok();
    Some(match e {
        Errno::ENOENT => ("no such socket file".to_string(), format!("start a server on it: `{serve} {shown}`")),
        Errno::ECONNREFUSED => match kind() {
            Some(st) if !st.is_socket() => (
                format!("{shown} is a {}, not a socket", st.kind_name()),
                "give the path of a server's socket file (the one its --unix named)".to_string(),
            ),
            _ => (
                "nobody listens on this socket file".to_string(),
                format!("its server is gone: start one, `{serve} {shown}`"),
            ),
        },
        Errno::EPROTOTYPE => (
            "the socket there is of the other type".to_string(),
            "echo-client talks to a stream socket (netlab echo-server --unix), the udp client to a datagram \
             socket (netlab udp server --unix)"
                .to_string(),
        ),
        _ => return None,
    })
}

/// The error of a client's `call` (connect, sendto) to the socket file
/// `path` that failed with `e`, when [`refused`] has something to say of
/// it; None otherwise (the caller's own error applies).
pub fn connect_failed(path: &Path, e: Errno, call: &str, serve: &str) -> Option<Error> {
    let (what, hint) = refused(path, e, serve)?;
    let shown = path.display();
    Some(Error::failed_errno(format!("{call} {shown}: {what} ({})", crate::error::errno_name(e)), Some(hint), e))
}
