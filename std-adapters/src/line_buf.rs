//! The buffer a line is rendered into: a formatter writes a line in a dozen
//! short pieces (`"."`, `"INFO"`, `": "`, a number), and `String::push_str`
//! pays a capacity check and a `memcpy` call for each. Here a piece of up to
//! 64 bytes is copied with at most two overlapping fixed-size moves, and the
//! text is followed by room, so that the escape scan reads whole 16-byte blocks.
//!
//! A buffered file's pending lines are one too: a line is rendered straight
//! after the lines before it ([`LineBuf::begin_line`]), instead of into a
//! buffer of its own and then copied there (~32 instructions a record).

use std::fmt;

use emlog::__private::{ByteSink, copy_short, write_message_bytes, write_message_into};
use emlog::Message;

/// Bytes kept after the line: room for the blocks the escape scan reads past
/// the end, and for the line end.
const PAD: usize = 64;

/// A growable, always initialised byte buffer of text (written as `str`,
/// or as bytes of lines rendered as `str`), its last line being written.
/// `LINES`: the buffer holds lines before that one ([`Lines`]); without it,
/// the line starts at 0, known to the compiler, so that a renderer's own
/// buffer pays nothing for the others' start (13 instructions a W1 record).
#[derive(Debug)]
pub(crate) struct LineBuf<const LINES: bool = false> {
    /// `bytes[..len]` is the text; every byte is initialised, so that no
    /// write needs `unsafe`. A box, not a `Vec` (its own length is the
    /// capacity): a buffered file's fields a record writes, this buffer
    /// among them, fit one cache line.
    bytes: Box<[u8]>,
    len: usize,
    /// Where the line being written starts (with `LINES`): its positions
    /// (`len`, the escape scan's start, the digits' places) count from here.
    start: usize,
}

/// A buffer of lines, the last one being written: a buffered file's.
pub(crate) type Lines = LineBuf<true>;

impl<const LINES: bool> LineBuf<LINES> {
    /// A buffer with room for `capacity` bytes before it grows.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        LineBuf {
            bytes: vec![0; capacity + PAD].into_boxed_slice(),
            len: 0,
            start: 0,
        }
    }

    /// A buffer without room (no allocation), to stand in for one taken.
    pub(crate) fn empty() -> Self {
        LineBuf {
            bytes: Box::default(),
            len: 0,
            start: 0,
        }
    }

    /// Where the line being written starts.
    #[inline(always)]
    fn start(&self) -> usize {
        if LINES { self.start } else { 0 }
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
        if LINES {
            self.start = 0;
        }
    }

    /// Starts a line after the text there is.
    #[inline(always)]
    pub(crate) fn begin_line(&mut self) {
        self.start = self.len;
    }

    /// Takes back the line begun last (one that failed to render).
    pub(crate) fn drop_line(&mut self) {
        self.len = self.start();
    }

    /// The line begun last (all the text, for a buffer of one line).
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.bytes.get(self.start()..self.len).unwrap_or(&[])
    }

    /// All the text, every line.
    pub(crate) fn text(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// How many bytes the line begun last has.
    pub(crate) fn len(&self) -> usize {
        self.len - self.start()
    }

    /// How many bytes of text there are, every line.
    pub(crate) fn text_len(&self) -> usize {
        self.len
    }

    /// Whether there is no text.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `bytes`, the lines of a renderer (UTF-8 text): a buffered
    /// file's lines rendered outside its lock.
    /// One copy where there is room; growing out of line.
    #[inline(always)]
    pub(crate) fn push_bytes(&mut self, bytes: &[u8]) -> fmt::Result {
        let start = self.len;
        if let Some(place) = self
            .bytes
            .get_mut(start..)
            .and_then(|room| room.get_mut(..bytes.len()))
        {
            place.copy_from_slice(bytes);
            self.len = start + bytes.len();
            return Ok(());
        }
        self.write_long(bytes)
    }

    /// The line as `str`: always valid, since only `str`s are written
    /// (checked all the same, without `unsafe`).
    pub(crate) fn as_str(&self) -> Result<&str, fmt::Error> {
        std::str::from_utf8(self.as_bytes()).map_err(|_| fmt::Error)
    }

    /// Whether the text from byte `from` on may hold a character
    /// [`emlog::Escape::ControlChars`] rewrites (see [`may_need_escape`]).
    /// `false` means it certainly holds none; `true` needs the exact check.
    /// Reads the text in 16-byte blocks without an early exit (vector
    /// instructions), the last block padded with spaces.
    pub(crate) fn may_need_escape_from(&mut self, from: usize) -> bool {
        let len = self.len;
        let from = self.start().saturating_add(from);
        // The text is usually followed by a block of padding (`PAD`); a
        // short piece may fill the buffer to its end, and then the exact
        // check decides.
        let Some(pad) = self.bytes.get_mut(len..len + 16) else {
            return true;
        };
        pad.copy_from_slice(&[b' '; 16]);
        // Whole blocks from `from` to at most a block past the end: they
        // cover the text, and the padding they reach holds no candidate.
        let Some(text) = self.bytes.get(from.min(len)..len + 16) else {
            return true;
        };
        let mut any = [0u8; 16];
        for block in text.chunks_exact(16) {
            for (any, &b) in any.iter_mut().zip(block) {
                *any |= u8::from(may_need_escape(b));
            }
        }
        any != [0; 16]
    }

    /// Appends the first `len` bytes of `block` (UTF-8 text) with one
    /// copy of the whole block, into the padding after the text.
    #[inline(always)]
    pub(crate) fn push_block(&mut self, block: &[u8; 64], len: usize) -> fmt::Result {
        let start = self.len;
        let text = block.get(..len).ok_or(fmt::Error)?;
        match self.bytes.get_mut(start..start + 64) {
            Some(place) => {
                place.copy_from_slice(block);
                self.len = start + len;
                Ok(())
            }
            None => self.write_long(text),
        }
    }

    /// Starts an empty buffer with the first `len` bytes of `block` (UTF-8
    /// text), the four bytes of `word` (little-endian: ASCII digits, say,
    /// and the text's byte after them) at `at` (nowhere if they would not
    /// fit in the block): one copy of the whole block and one store.
    /// `false`, and nothing written, if the buffer is not empty or `len`
    /// exceeds the block.
    #[inline(always)]
    pub(crate) fn start_with_block(
        &mut self,
        block: &[u8; 64],
        len: usize,
        at: u8,
        word: u32,
    ) -> bool {
        let at = usize::from(at);
        let start = self.start();
        if self.len != start || len > block.len() {
            return false;
        }
        let Some(place) = self
            .bytes
            .get_mut(start..)
            .and_then(|room| room.first_chunk_mut::<64>())
        else {
            return false;
        };
        *place = *block;
        if let Some(place) = place.get_mut(at..at + 4) {
            place.copy_from_slice(&word.to_le_bytes());
        }
        self.len = start + len;
        true
    }

    /// Appends `message`: written straight into the room after the text
    /// where it can be (a plain call's message that fits, with no dynamic
    /// call to lend the room), else through [`ByteSink`]. Whether what was
    /// written is printable ASCII, which no escaping rewrites.
    #[inline(always)]
    pub(crate) fn push_message(&mut self, message: &Message<'_>) -> Result<bool, fmt::Error> {
        let start = self.len;
        let usable = self.bytes.len().saturating_sub(PAD);
        if let Some(room) = self.bytes.get_mut(start..usable)
            && let Some((len, printable)) = write_message_into(message, room)
            && len <= room.len()
        {
            self.len = start + len;
            return Ok(printable);
        }
        write_message_bytes(message, self)?;
        Ok(false)
    }

    /// Appends a line end and returns the line: one bounds check for both.
    #[inline(always)]
    pub(crate) fn end_line(&mut self) -> Result<&[u8], fmt::Error> {
        let len = self.len;
        if len >= self.bytes.len() {
            return self.end_line_growing();
        }
        self.len = len + 1;
        // `..=len` without a start where the line starts at 0: one compare less.
        let line = if LINES {
            self.bytes.get_mut(self.start..=len)
        } else {
            self.bytes.get_mut(..=len)
        }
        .ok_or(fmt::Error)?;
        if let Some(end) = line.last_mut() {
            *end = b'\n';
        }
        Ok(line)
    }

    /// [`end_line`](Self::end_line) with no room left for the line end.
    #[cold]
    #[inline(never)]
    fn end_line_growing(&mut self) -> Result<&[u8], fmt::Error> {
        fmt::Write::write_str(self, "\n")?;
        Ok(self.as_bytes())
    }

    /// Sets the three bytes of the line at `at` to ASCII `digits`.
    #[inline(always)]
    pub(crate) fn set_digits(&mut self, at: usize, digits: [u8; 3]) {
        let at = self.start().saturating_add(at);
        if let Some(place) = self.bytes.get_mut(at..at + 3)
            && let Ok(place) = <&mut [u8; 3]>::try_from(place)
            && at + 3 <= self.len
        {
            *place = digits;
        }
    }

    /// Makes room for `end` bytes and the padding (steady-state logging
    /// never gets here: the buffer keeps its size).
    #[cold]
    #[inline(never)]
    fn grow(&mut self, end: usize) {
        let size = end
            .max(self.bytes.len().saturating_mul(2))
            .saturating_add(PAD);
        let mut bytes = std::mem::take(&mut self.bytes).into_vec();
        bytes.resize(size, 0);
        self.bytes = bytes.into_boxed_slice();
    }
}

/// Whether `b` may belong to a character [`emlog::Escape::ControlChars`]
/// rewrites: a byte below 0x20 (TAB included), DEL, or a 0xC2 or 0xE2 lead byte.
#[inline(always)]
pub(crate) fn may_need_escape(b: u8) -> bool {
    // 0xC2 and 0xE2 are the bytes that are 0xC2 without their 0x20 bit.
    (b < 0x20) | (b == 0x7f) | (b & !0x20 == 0xc2)
}

impl<const LINES: bool> ByteSink for LineBuf<LINES> {
    /// The bytes after the text, less the padding: at least `min`.
    #[inline]
    fn room(&mut self, min: usize) -> Result<&mut [u8], fmt::Error> {
        let end = self.len.checked_add(min).ok_or(fmt::Error)?;
        if end.saturating_add(PAD) > self.bytes.len() {
            self.grow(end);
        }
        let usable = self.bytes.len().saturating_sub(PAD);
        self.bytes.get_mut(self.len..usable).ok_or(fmt::Error)
    }

    /// The writer put UTF-8 there ([`ByteSink::commit`]'s contract); the
    /// buffer checks it all the same wherever it hands out text as `str`.
    #[inline]
    fn commit(&mut self, n: usize) -> fmt::Result {
        let end = self.len.checked_add(n).ok_or(fmt::Error)?;
        if end.saturating_add(PAD) > self.bytes.len() {
            return Err(fmt::Error);
        }
        self.len = end;
        Ok(())
    }
}

impl<const LINES: bool> Default for LineBuf<LINES> {
    fn default() -> Self {
        LineBuf::with_capacity(0)
    }
}

impl<const LINES: bool> fmt::Write for LineBuf<LINES> {
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

impl<const LINES: bool> LineBuf<LINES> {
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
        let mut buf = LineBuf::<false>::with_capacity(0);
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
    fn lines_pushed_as_bytes_and_lines_begun_after_them_keep_every_byte() {
        let mut buf = Lines::with_capacity(0);
        let mut expected = String::new();
        for n in 0..150 {
            let line = format!("{}\n", "é".repeat(n % 70));
            buf.push_bytes(line.as_bytes()).unwrap();
            expected.push_str(&line);
            buf.begin_line();
            buf.write_str("taken back").unwrap();
            buf.drop_line();
            buf.begin_line();
            buf.write_str(&"y".repeat(n % 3)).unwrap();
            buf.end_line().unwrap();
            expected.push_str(&"y".repeat(n % 3));
            expected.push('\n');
            assert_eq!(buf.text(), expected.as_bytes(), "after {n}");
            assert_eq!(
                buf.as_bytes(),
                format!("{}\n", "y".repeat(n % 3)).as_bytes()
            );
        }
    }

    #[test]
    fn lent_room_grows_to_what_is_asked_and_commits_stay_within_it() {
        let mut buf = LineBuf::<false>::with_capacity(8);
        buf.write_str("head").unwrap();
        let room = buf.room(100).unwrap();
        assert!(room.len() >= 100);
        room[..5].copy_from_slice(b"-tail");
        buf.commit(5).unwrap();
        assert_eq!(buf.as_str().unwrap(), "head-tail");
        let lent = buf.room(0).unwrap().len();
        assert!(buf.commit(lent + PAD).is_err(), "past the room");
        assert_eq!(buf.as_str().unwrap(), "head-tail");
    }

    #[test]
    fn a_kept_block_appends_its_text_with_or_without_room_for_the_whole_block() {
        let block: [u8; 64] = std::array::from_fn(|i| b'a' + (i % 26) as u8);
        let mut buf = LineBuf::<false>::with_capacity(0);
        let mut expected = String::new();
        for len in [0, 1, 37, 64, 5, 64, 64, 64, 64] {
            buf.push_block(&block, len).unwrap();
            expected.push_str(std::str::from_utf8(&block[..len]).unwrap());
            assert_eq!(buf.as_str().unwrap(), expected);
        }
        buf.end_line().unwrap();
        assert_eq!(buf.as_bytes().last(), Some(&b'\n'));
    }

    #[test]
    fn a_text_that_fills_the_buffer_to_its_end_still_takes_blocks_and_its_newline() {
        // `with_capacity(0)` is `PAD` bytes; one short piece fills them all.
        let full = "x".repeat(PAD);
        for next in ["block", "newline"] {
            let mut buf = LineBuf::<false>::with_capacity(0);
            buf.write_str(&full).unwrap();
            let mut expected = full.clone();
            if next == "block" {
                buf.push_block(&[b'y'; 64], 3).unwrap();
                expected.push_str("yyy");
            }
            buf.end_line().unwrap();
            expected.push('\n');
            assert_eq!(buf.as_str().unwrap(), expected, "{next}");
            assert!(buf.may_need_escape_from(0), "the newline, {next}");
        }
    }

    #[test]
    fn the_escape_scan_starts_where_it_is_told() {
        let mut buf = LineBuf::<false>::with_capacity(64);
        for at in 0..40 {
            buf.clear();
            buf.write_str(&"x".repeat(at)).unwrap();
            buf.write_str("\n").unwrap();
            buf.write_str(&"y".repeat(40 - at)).unwrap();
            assert!(buf.may_need_escape_from(at), "{at}");
            assert!(buf.may_need_escape_from(0), "{at}");
            assert!(!buf.may_need_escape_from(at + 1), "{at}");
        }
        assert!(!buf.may_need_escape_from(1000), "past the end: nothing");
    }

    #[test]
    fn the_escape_scan_ignores_stale_bytes_after_the_text() {
        let mut buf = LineBuf::<false>::with_capacity(64);
        buf.write_str("0123456789abcdef0123\n\n\n").unwrap();
        assert!(buf.may_need_escape_from(0));
        buf.clear();
        buf.write_str("0123456789abcdef0123").unwrap();
        assert!(
            !buf.may_need_escape_from(0),
            "the old newlines are past the end"
        );
        for candidate in ["\t", "\x1b", "\x7f", "\u{85}", "\u{2028}", "£", "—"] {
            buf.clear();
            buf.write_str("plain text of some length ").unwrap();
            buf.write_str(candidate).unwrap();
            assert!(buf.may_need_escape_from(0), "{candidate:?}");
        }
        buf.clear();
        assert!(!buf.may_need_escape_from(0));
    }
}
