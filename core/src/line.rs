//! A fixed-capacity line of text that cuts, rather than fails, when full.
//!
//! Handlers render a record into a `LineBuffer` and write it out whole, in
//! one `write`, so a record is never interleaved with another writer's bytes.
//! When the rendering does not fit, the text is cut at a UTF-8 character
//! boundary and the buffer remembers that it was cut.

use core::fmt;

/// Up to `N` bytes of UTF-8 text.
///
/// ```
/// use core::fmt::Write;
/// let mut line: emlog::LineBuffer<8> = emlog::LineBuffer::new();
/// let _ = write!(line, "héllo wörld");
/// assert_eq!(line.as_str(), "héllo w");
/// assert!(line.is_truncated());
/// ```
#[derive(Clone)]
pub struct LineBuffer<const N: usize> {
    bytes: [u8; N],
    len: usize,
    limit: usize,
    truncated: bool,
}

impl<const N: usize> LineBuffer<N> {
    /// An empty line.
    pub const fn new() -> Self {
        LineBuffer {
            bytes: [0; N],
            len: 0,
            limit: N,
            truncated: false,
        }
    }

    /// Empties the line and sets how many bytes rendering may use, leaving the
    /// rest for what is appended afterwards (a marker, a terminator).
    pub fn clear(&mut self, reserve: usize) {
        self.len = 0;
        self.limit = N.saturating_sub(reserve);
        self.truncated = false;
    }

    /// The text so far.
    pub fn as_str(&self) -> &str {
        // Only whole UTF-8 characters are ever copied in.
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }

    /// The bytes so far.
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: `len <= N` always (see `append`).
        unsafe { self.bytes.get_unchecked(..self.len) }
    }

    /// How many bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether something did not fit.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Appends `text` beyond the rendering limit, up to the full capacity `N`
    /// (for the marker and terminator that [`clear`](Self::clear) reserved room for).
    pub fn push_reserved(&mut self, text: &str) {
        self.limit = N;
        let _ = fmt::Write::write_str(self, text);
    }

    /// Keeps what fits of `text`, cut at a character boundary, and stops the
    /// rendering: out of line, as lines rarely overflow.
    #[cold]
    #[inline(never)]
    fn cut(&mut self, text: &str) -> fmt::Result {
        let mut cut = self.limit - self.len;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        self.append(&text.as_bytes()[..cut]);
        self.truncated = true;
        // Nothing more fits until `clear` or `push_reserved`.
        self.limit = self.len;
        Err(fmt::Error)
    }

    /// Copies `bytes`, which fit (`len + bytes.len() <= limit <= N`), after
    /// the text so far. A byte loop, not `copy_from_slice`: a record's pieces
    /// are a few bytes each, for which memcpy's call and alignment set-up
    /// cost more than the copy, and on a microcontroller it would link
    /// compiler_builtins' 744-byte memcpy. The volatile writes keep LLVM from
    /// turning the loop back into that call.
    #[inline(always)]
    fn append(&mut self, bytes: &[u8]) {
        debug_assert!(self.len + bytes.len() <= self.limit && self.limit <= N);
        // SAFETY: every caller checks that `bytes` fits below `limit`, and
        // `limit <= N` (set only by `new`, `clear`, `push_reserved` and
        // `cut`), so every write is inside `self.bytes`, and every read
        // inside `bytes`.
        // Tested at the bottom of the loop, which makes it four instructions
        // a byte on Cortex-M (load, store, count, branch).
        unsafe {
            let to = self.bytes.as_mut_ptr().add(self.len);
            let from = bytes.as_ptr();
            let mut i = 0;
            if !bytes.is_empty() {
                loop {
                    core::ptr::write_volatile(to.add(i), *from.add(i));
                    i += 1;
                    if i == bytes.len() {
                        break;
                    }
                }
            }
        }
        self.len += bytes.len();
    }
}

impl<const N: usize> Default for LineBuffer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Write for LineBuffer<N> {
    // Inlined into `Sink::write_str`, the one a renderer calls.
    #[inline(always)]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // `limit - len` is the room left: none once the line was cut.
        if s.len() > self.limit - self.len {
            return self.cut(s);
        }
        self.append(s.as_bytes());
        Ok(())
    }
}

impl<const N: usize> fmt::Debug for LineBuffer<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LineBuffer")
            .field("text", &self.as_str())
            .field("truncated", &self.truncated)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use core::fmt::Write;
    use std::string::String;

    use super::LineBuffer;

    /// What a line of `N` bytes, `reserve` of them kept back, holds after
    /// `pieces` are written in turn: the oracle is the whole text cut at the
    /// last char boundary that fits, and every write from the one that did
    /// not fit on fails.
    fn check<const N: usize>(reserve: usize, pieces: &[&str]) {
        let mut line: LineBuffer<N> = LineBuffer::new();
        line.clear(reserve);
        let limit = N.saturating_sub(reserve);
        let mut want = String::new();
        let mut cut = false;
        for piece in pieces {
            let result = line.write_str(piece);
            if !cut && want.len() + piece.len() <= limit {
                want.push_str(piece);
                assert!(result.is_ok(), "{pieces:?}");
            } else {
                if !cut {
                    let mut end = limit - want.len();
                    while !piece.is_char_boundary(end) {
                        end -= 1;
                    }
                    want.push_str(&piece[..end]);
                }
                cut = true;
                assert!(result.is_err() || piece.is_empty(), "{pieces:?}");
            }
            assert_eq!(line.as_str(), want, "{pieces:?}");
            assert_eq!(line.is_truncated(), cut, "{pieces:?}");
        }
        // The reserved room takes the terminator, cut or not.
        line.push_reserved("\n");
        want.push('\n');
        if want.len() <= N {
            assert_eq!(line.as_str(), want, "{pieces:?}");
        }
    }

    #[test]
    fn writes_keep_what_fits_and_cut_at_a_char_boundary() {
        let pieces: [&[&str]; 8] = [
            &["INFO", ":", "app", ":", "served"],
            &["héllo", " ", "wörld", "!"],
            &["", "abcdefgh", "", "i"],
            &["abcdefghij"],
            &["€€€", "x"],
            &["ab", "", "€", "cd"],
            &["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"],
            &[],
        ];
        for pieces in pieces {
            for reserve in 0..4 {
                check::<8>(reserve, pieces);
                check::<9>(reserve, pieces);
                check::<1>(reserve, pieces);
            }
        }
    }
}
