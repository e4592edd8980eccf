//! A fixed-capacity line of text that cuts, rather than fails, when full.
//!
//! Handlers render a record into a `LineBuffer` and write it out with one
//! `write_all`, so a record is never interleaved with another writer's bytes.
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
        &self.bytes[..self.len]
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
        let _ = self.push(text);
    }

    fn push(&mut self, text: &str) -> fmt::Result {
        let room = self.limit - self.len;
        if text.len() <= room {
            self.append(text.as_bytes());
            return Ok(());
        }
        let mut cut = room;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        self.append(&text.as_bytes()[..cut]);
        self.truncated = true;
        // Stop the rendering: nothing more can be kept.
        Err(fmt::Error)
    }
}

impl<const N: usize> LineBuffer<N> {
    /// Copies `bytes` (which fit) after the text so far. A byte loop, not
    /// `copy_from_slice`: a record's pieces are a few bytes each, for which
    /// memcpy's call and alignment set-up cost more than the copy, and on a
    /// microcontroller it would link compiler_builtins' 744-byte memcpy. The
    /// volatile writes keep LLVM from turning the loop back into that call.
    fn append(&mut self, bytes: &[u8]) {
        let count = bytes.len().min(N - self.len);
        // SAFETY: `len + count <= N`, so every write is inside `self.bytes`,
        // and every read inside `bytes`.
        // Tested at the bottom of the loop, which makes it four instructions
        // a byte on Cortex-M (load, store, count, branch).
        unsafe {
            let to = self.bytes.as_mut_ptr().add(self.len);
            let from = bytes.as_ptr();
            let mut i = 0;
            if count > 0 {
                loop {
                    core::ptr::write_volatile(to.add(i), *from.add(i));
                    i += 1;
                    if i == count {
                        break;
                    }
                }
            }
        }
        self.len += count;
    }
}

impl<const N: usize> Default for LineBuffer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Write for LineBuffer<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.truncated {
            return Err(fmt::Error);
        }
        self.push(s)
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
