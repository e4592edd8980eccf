//! The buffer a line is rendered into: a formatter writes a line in a dozen
//! short pieces (`"."`, `"INFO"`, `": "`, a number), and `String::push_str`
//! pays a capacity check and a `memcpy` call for each. Here a piece of up to
//! 64 bytes is copied with at most two overlapping fixed-size moves, and the
//! text is followed by room, so that the escape scan reads whole 16-byte blocks.

use std::fmt;

use emlog::__private::copy_short;

/// Bytes kept after the line: room for the blocks the escape scan reads past
/// the end, and for the line end.
const PAD: usize = 64;

/// A growable, always initialised byte buffer written through [`fmt::Write`]
/// only, so that its text is always valid UTF-8.
#[derive(Debug)]
pub(crate) struct LineBuf {
    /// `bytes[..len]` is the text; every byte is initialised, so that no
    /// write needs `unsafe`.
    bytes: Vec<u8>,
    len: usize,
}

impl LineBuf {
    /// A buffer with room for `capacity` bytes before it grows.
    pub(crate) fn with_capacity(capacity: usize) -> LineBuf {
        LineBuf {
            bytes: vec![0; capacity + PAD],
            len: 0,
        }
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// The text written since the last [`LineBuf::clear`].
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// The text as `str`: always valid, since only `str`s are written
    /// (checked all the same, without `unsafe`).
    pub(crate) fn as_str(&self) -> Result<&str, fmt::Error> {
        std::str::from_utf8(self.as_bytes()).map_err(|_| fmt::Error)
    }

    /// Whether the text may hold a character [`emlog::Escape::ControlChars`]
    /// rewrites: a byte below 0x20 (TAB included), DEL, or a 0xC2 or 0xE2 lead
    /// byte. `false` means it certainly holds none; `true` needs the exact
    /// check. Reads the text in 16-byte blocks without an early exit (vector
    /// instructions), the last block padded with spaces.
    pub(crate) fn may_need_escape(&mut self) -> bool {
        let end = self.len.div_ceil(16) * 16;
        // One fixed 16-byte store when there is room (there usually is), else
        // exactly the padding.
        if let Some(pad) = self.bytes.get_mut(self.len..self.len + 16)
            && let Ok(pad) = <&mut [u8; 16]>::try_from(pad)
        {
            *pad = [b' '; 16];
        } else if let Some(pad) = self.bytes.get_mut(self.len..end) {
            pad.fill(b' ');
        }
        let Some(text) = self.bytes.get(..end) else {
            return true;
        };
        let mut any = false;
        for block in text.chunks_exact(16) {
            any |= block.iter().fold(false, |any, &b| {
                any | (b < 0x20) | (b == 0x7f) | (b == 0xc2) | (b == 0xe2)
            });
        }
        any
    }

    /// Makes room for `end` bytes and the padding (steady-state logging
    /// never gets here: the buffer keeps its size).
    #[cold]
    #[inline(never)]
    fn grow(&mut self, end: usize) {
        let size = end
            .max(self.bytes.len().saturating_mul(2))
            .saturating_add(PAD);
        self.bytes.resize(size, 0);
    }
}

impl Default for LineBuf {
    fn default() -> LineBuf {
        LineBuf::with_capacity(0)
    }
}

impl fmt::Write for LineBuf {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let src = s.as_bytes();
        let start = self.len;
        // The usual piece: short, and the buffer has room (it keeps `PAD`
        // bytes after the text whenever it can).
        if src.len() <= PAD
            && let Some(tail) = self.bytes.get_mut(start..)
            && tail.len() >= PAD
        {
            copy_short(tail, src);
            self.len = start + src.len();
            return Ok(());
        }
        self.write_long(src)
    }
}

impl LineBuf {
    /// A piece that is long or does not fit: grows the buffer if needed.
    #[inline(never)]
    fn write_long(&mut self, src: &[u8]) -> fmt::Result {
        let end = self.len.checked_add(src.len()).ok_or(fmt::Error)?;
        if end.saturating_add(PAD) > self.bytes.len() {
            self.grow(end);
        }
        let dst = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(src);
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use super::*;

    #[test]
    fn every_short_length_and_growth_match_a_string() {
        let text: String = (0..300u32)
            .map(|i| char::from_u32(0x20 + (i * 7) % 0x5f).unwrap_or('x'))
            .collect();
        let mut buf = LineBuf::with_capacity(0);
        let mut expected = String::new();
        for n in 0..=100 {
            let piece = &text[n..2 * n];
            buf.write_str(piece).unwrap();
            expected.push_str(piece);
            assert_eq!(buf.as_str().unwrap(), expected, "after a piece of {n}");
        }
        buf.write_str("é€😀").unwrap();
        expected.push_str("é€😀");
        assert_eq!(buf.as_str().unwrap(), expected);
        buf.clear();
        assert_eq!(buf.as_bytes(), b"");
    }

    #[test]
    fn the_escape_scan_ignores_stale_bytes_after_the_text() {
        let mut buf = LineBuf::with_capacity(64);
        buf.write_str("0123456789abcdef0123\n\n\n").unwrap();
        assert!(buf.may_need_escape());
        buf.clear();
        buf.write_str("0123456789abcdef0123").unwrap();
        assert!(!buf.may_need_escape(), "the old newlines are past the end");
        for candidate in ["\t", "\x1b", "\x7f", "\u{85}", "\u{2028}", "£", "—"] {
            buf.clear();
            buf.write_str("plain text of some length ").unwrap();
            buf.write_str(candidate).unwrap();
            assert!(buf.may_need_escape(), "{candidate:?}");
        }
        buf.clear();
        assert!(!buf.may_need_escape());
    }
}
