//! Lines on stderr: errors, hints, prompts, side notes and trace lines all
//! end up here.

use std::io::{self, Write};

/// One line on stderr (errors, hints, prompts). A closed or broken stderr
/// is ignored: there is nowhere left to complain to.
///
/// The line and its newline go out in one write(2): a forked child and its
/// parent share stderr, and a line cut in two by the other's write is a line
/// a grep no longer finds (writes up to PIPE_BUF to a pipe are atomic).
pub fn line(text: &str) {
    let mut buf = String::with_capacity(text.len() + 1);
    buf.push_str(text);
    buf.push('\n');
    let _ = io::stderr().lock().write_all(buf.as_bytes());
}

/// Text on stderr without a newline (the client's prompt).
pub fn text(text: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// Whether stderr is a terminal (isatty: colour and progress lines only
/// then).
pub fn is_tty() -> bool {
    nix::unistd::isatty(io::stderr()).unwrap_or(false)
}
