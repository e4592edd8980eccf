//! Escaping control characters in rendered records, so that one record is
//! one line: a message carrying `"\nCRITICAL:root:fake"` cannot forge a
//! second record in a file or at a syslog daemon.
//!
//! [`Escape::ControlChars`] rewrites, in everything the formatter writes
//! (the message, the logger name and every other field, and the format
//! string's own literal text):
//!
//! | character | written as |
//! |---|---|
//! | LF, CR | `\n`, `\r` |
//! | other C0 controls (U+0000–U+001F except TAB), DEL | `\xNN` (`\x1b` for ESC) |
//! | C1 controls U+0080–U+009F (NEL is U+0085) | `\xNN` |
//! | U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR | `\u2028`, `\u2029` |
//!
//! TAB is kept: it does not end a line, and tab-separated formats use it.
//! The backslash itself is not escaped, so a message that already contains
//! the two characters `\n` looks like an escaped newline: the escaping keeps
//! records apart, it is not meant to be reversed. Escapes are written per
//! character, so a multi-byte UTF-8 character is never split.
//!
//! Python writes control characters as they are; [`Escape::Off`] does the same.
//!
//! ```
//! use emlog::{Escape, Formatter, Level, Record};
//! let f = Formatter::new("%(levelname)s:%(message)s").unwrap();
//! let record = Record::new(Level::INFO, "app", format_args!("user=x\nCRITICAL:forged\u{1b}[2J"));
//! let mut line = String::new();
//! Escape::ControlChars.render(&f, &record, &mut line).unwrap();
//! assert_eq!(line, r"INFO:user=x\nCRITICAL:forged\x1b[2J");
//! ```

use core::fmt;

use crate::{Formatter, Record};

/// Whether a handler escapes control characters in what it writes (see the
/// [module docs](self) for exactly which, and how).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// Writes records as rendered, control characters included (Python's behaviour).
    Off,
    /// Escapes line breaks and other control characters: one record, one line.
    ControlChars,
}

impl Escape {
    /// Renders `record` with `formatter` into `out`, escaping as `self` says.
    pub fn render(
        self,
        formatter: &Formatter,
        record: &Record<'_>,
        out: &mut dyn fmt::Write,
    ) -> fmt::Result {
        match self {
            Escape::Off => formatter.render(record, out),
            Escape::ControlChars => formatter.render(record, &mut EscapeControls { inner: out }),
        }
    }
}

/// A writer that passes text on with control characters escaped
/// ([`Escape::ControlChars`]).
pub struct EscapeControls<'w> {
    /// Where the escaped text goes.
    pub inner: &'w mut dyn fmt::Write,
}

/// How many bytes at the start of `rest` form a character to escape, if one does.
fn escaped_len(rest: &[u8]) -> Option<usize> {
    match rest {
        [b'\t', ..] => None,
        [0..=0x1f | 0x7f, ..] => Some(1),
        [0xc2, 0x80..=0x9f, ..] => Some(2),
        [0xe2, 0x80, 0xa8 | 0xa9, ..] => Some(3),
        _ => None,
    }
}

fn write_hex(out: &mut dyn fmt::Write, prefix: &str, code: u32, digits: u32) -> fmt::Result {
    out.write_str(prefix)?;
    for i in (0..digits).rev() {
        let nibble = (code >> (i * 4)) & 0xf;
        let digit = b"0123456789abcdef"[nibble as usize];
        out.write_char(char::from(digit))?;
    }
    Ok(())
}

/// Whether `byte` may start a character to escape: a control, DEL, or the
/// first byte of a C1 control or of U+2028/U+2029.
fn may_start_escape(byte: u8) -> bool {
    // `|`, not `||`: no branch per byte, so blocks of bytes are tested at once.
    (byte < 0x20) | (byte == 0x7f) | (byte == 0xc2) | (byte == 0xe2)
}

/// Where the first byte that may start an escape is. Checks 16 bytes at a
/// time without an early exit inside a block, which the compiler turns into
/// vector instructions; `position` alone would test byte by byte.
fn next_candidate(bytes: &[u8]) -> Option<usize> {
    let blocks = bytes.chunks_exact(16);
    let tail = blocks.remainder();
    for (block, chunk) in blocks.enumerate() {
        if chunk
            .iter()
            .fold(false, |any, &b| any | may_start_escape(b))
        {
            let within = chunk.iter().position(|&b| may_start_escape(b))?;
            return Some(block * 16 + within);
        }
    }
    let within = tail.iter().position(|&b| may_start_escape(b))?;
    Some(bytes.len() - tail.len() + within)
}

/// Where the next character to escape starts in `bytes`, at or after
/// `from`, and how many bytes it has.
fn next_escape(bytes: &[u8], mut from: usize) -> Option<(usize, usize)> {
    loop {
        from += next_candidate(bytes.get(from..)?)?;
        match bytes.get(from..).and_then(escaped_len) {
            Some(len) => return Some((from, len)),
            None => from += 1,
        }
    }
}

/// Whether `text` has a character [`Escape::ControlChars`] rewrites.
///
/// A writer that renders first and escapes afterwards checks this once per
/// line (cheaper than escaping piece by piece) and copies only when it is true.
pub fn needs_escape(text: &str) -> bool {
    next_escape(text.as_bytes(), 0).is_some()
}

/// Writes `text` to `out` with control characters escaped.
pub fn write_escaped(text: &str, out: &mut dyn fmt::Write) -> fmt::Result {
    let bytes = text.as_bytes();
    let mut clean = 0;
    while let Some((at, len)) = next_escape(bytes, clean) {
        out.write_str(text.get(clean..at).unwrap_or(""))?;
        let code = text
            .get(at..)
            .and_then(|c| c.chars().next())
            .map_or(0, u32::from);
        match code {
            0x0a => out.write_str("\\n")?,
            0x0d => out.write_str("\\r")?,
            0..=0xff => write_hex(out, "\\x", code, 2)?,
            _ => write_hex(out, "\\u", code, 4)?,
        }
        clean = at + len;
    }
    out.write_str(text.get(clean..).unwrap_or(""))
}

impl fmt::Write for EscapeControls<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_escaped(s, self.inner)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;

    use super::*;
    use crate::Level;

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        fmt::Write::write_str(&mut EscapeControls { inner: &mut out }, text).unwrap();
        out
    }

    #[test]
    fn line_breaks_and_controls_are_escaped_tab_and_text_are_kept() {
        assert_eq!(escaped("a\nb\r\nc"), r"a\nb\r\nc");
        assert_eq!(escaped("\0\x01\x1b\x1f\x7f"), r"\x00\x01\x1b\x1f\x7f");
        assert_eq!(escaped("col\tcol"), "col\tcol");
        assert_eq!(
            escaped("plain, é, 日本, 🦀, \\n"),
            "plain, é, 日本, 🦀, \\n"
        );
    }

    #[test]
    fn c1_controls_and_unicode_line_separators_are_escaped_whole() {
        assert_eq!(escaped("a\u{85}b\u{9f}c"), r"a\x85b\x9fc");
        assert_eq!(escaped("x\u{2028}y\u{2029}z"), r"x\u2028y\u2029z");
        // Neighbours of the escaped ones stay as they are.
        assert_eq!(escaped("\u{a0}\u{2027}\u{202a}"), "\u{a0}\u{2027}\u{202a}");
    }

    #[test]
    fn escapes_are_found_at_every_position_across_16_byte_blocks() {
        for at in 0..40 {
            for (special, expected) in [("\n", r"\n"), ("\u{85}", r"\x85"), ("\u{2028}", r"\u2028")]
            {
                let mut text = String::from("abcdefghijklmnopqrstuvwxyz0123456789ABCD");
                text.insert_str(at, special);
                let mut want = String::from("abcdefghijklmnopqrstuvwxyz0123456789ABCD");
                want.insert_str(at, expected);
                assert!(needs_escape(&text), "{at}");
                assert_eq!(escaped(&text), want, "{at}");
            }
            // A lead byte of an escaped character alone is not one: "°" is C2 B0.
            let mut text = String::from("abcdefghijklmnopqrstuvwxyz0123456789ABCD");
            text.insert(at, '°');
            assert!(!needs_escape(&text));
            assert_eq!(escaped(&text), text);
        }
    }

    #[test]
    fn every_field_of_the_line_is_escaped_and_off_leaves_it_raw() {
        let f = Formatter::new("%(name)s|%(message)s").unwrap();
        let render = |escape: Escape, record: &Record<'_>| {
            let mut line = String::new();
            escape.render(&f, record, &mut line).unwrap();
            line
        };
        let forged = "CRITICAL:y";
        for (escape, expected) in [
            (Escape::ControlChars, r"app\nroot|x\nCRITICAL:y"),
            (Escape::Off, "app\nroot|x\nCRITICAL:y"),
        ] {
            let line = render(
                escape,
                &Record::new(Level::INFO, "app\nroot", format_args!("x\n{forged}")),
            );
            assert_eq!(line, expected);
        }
        // The format string's own text is escaped too (TAB kept).
        let literal = Formatter::new("%(name)s\r\t%(message)s").unwrap();
        let mut line = String::new();
        let record = Record::new(Level::INFO, "app", format_args!("m"));
        Escape::ControlChars
            .render(&literal, &record, &mut line)
            .unwrap();
        assert_eq!(line, "app\\r\tm");
    }
}
