//! Text helpers every printer shares: user input made safe for one line of
//! output, paths as text, bytes as hex.

use std::borrow::Cow;

/// User-given text inside a line of text output, with control characters
/// escaped (`\n`, `\u{1b}`): one result stays one line, and no input can
/// drive the terminal.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut escaped = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// A path as text: UTF-8 as it is, any other byte as `\xNN` (a Linux path
/// is bytes; `to_string_lossy` would print a name that cannot be opened).
pub fn path_text(path: &std::path::Path) -> Cow<'_, str> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(s);
    }
    let mut text = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for b in chunk.invalid() {
            text.push_str(&format!("\\x{b:02x}"));
        }
    }
    Cow::Owned(text)
}

/// Bytes as one lowercase hex string (`"7f000001"`).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes as lowercase hex pairs (`["7f","00","00","01"]`).
pub fn hex_bytes(bytes: &[u8]) -> Vec<String> {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An echo's `data` and, when it is not UTF-8, its exact bytes in hex.
pub fn echo_data(bytes: &[u8]) -> (String, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), None),
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), Some(hex(bytes))),
    }
}
