//! An owned, fixed-size copy of a record: what buffering and queueing handlers keep.
//!
//! A [`Record`] borrows its message as `fmt::Arguments` and its names as
//! `&str`, so it cannot outlive the logging call. Handlers that keep records
//! for later (MemoryHandler, QueueHandler) capture them: the message is
//! formatted once, at capture, into a fixed number of bytes, as Python's
//! `QueueHandler.prepare` does; the logger name, source location, thread and
//! process names are copied (and cut) into the same byte area, so one record
//! costs one array and a few header fields, with no allocation.
//!
//! Budget of the text area of `M` bytes, in order of importance: the logger
//! name (at most [`NAME_MAX`] bytes), then the message (all the room left),
//! then the file, module path, thread name and process name, each at most
//! [`NAME_MAX`] bytes of what the message left over. Offsets are 16-bit, so
//! an area beyond 65,535 bytes uses its first 65,535. A cut message is marked
//! when the record is replayed (it ends with
//! [`TRUNCATION_MARKER`](crate::TRUNCATION_MARKER)) and counted by the handler
//! that captured it. A cut file path keeps its end (the file name); other
//! names keep their start.

use core::fmt::{self, Write};

use crate::{Formatter, Level, Location, Record, ThreadInfo, Timestamp};

/// The most bytes any one name (logger, file, module path, thread, process)
/// takes in a captured record.
pub const NAME_MAX: usize = 32;

// Indexes of the text pieces in `CapturedRecord::ends`.
const LOGGER: usize = 0;
const MESSAGE: usize = 1;
const FILE: usize = 2;
const MODULE: usize = 3;
const THREAD: usize = 4;
const PROCESS: usize = 5;
const PIECES: usize = 6;

/// The most text bytes a record uses: `ends` holds 16-bit offsets.
const AREA_MAX: usize = u16::MAX as usize;

/// A record copied into `M` bytes of text plus its fixed-size fields.
///
/// ```
/// use emlog::{CapturedRecord, Level, Record};
/// let record = Record::new(Level::INFO, "net", format_args!("link up after {} ms", 12));
/// let mut captured: CapturedRecord<64> = CapturedRecord::new();
/// captured.capture(&record, None);
/// assert_eq!(captured.message(), "link up after 12 ms");
/// captured.with_record(|r| {
///     assert_eq!(r.logger, "net");
///     assert_eq!(r.level, Level::INFO);
/// });
/// ```
#[derive(Clone)]
pub struct CapturedRecord<const M: usize> {
    level: Level,
    line: u32,
    sequence: u32,
    timestamp: Timestamp,
    thread_id: u64,
    process_id: u32,
    // End offsets of each piece in `text`; piece i starts where i - 1 ends.
    ends: [u16; PIECES],
    message_cut: bool,
    text: [u8; M],
}

impl<const M: usize> CapturedRecord<M> {
    /// The text bytes used: all `M`, up to what 16-bit offsets reach.
    const AREA: usize = if M < AREA_MAX { M } else { AREA_MAX };

    /// An empty record (level NOTSET, no text), for static initialisation.
    pub const fn new() -> Self {
        CapturedRecord {
            level: Level::NOTSET,
            line: 0,
            sequence: 0,
            timestamp: Timestamp::ZERO,
            thread_id: 0,
            process_id: 0,
            ends: [0; PIECES],
            message_cut: false,
            text: [0; M],
        }
    }

    /// Copies `record` in, replacing what was there. The message is rendered
    /// with `formatter` if one is given (Python's `prepare`: the stored message
    /// is the formatted line), else as the message alone. Returns whether the
    /// message had to be cut; a message whose `Display` failed keeps what was
    /// written before the failure and counts as cut.
    pub fn capture(&mut self, record: &Record<'_>, formatter: Option<&Formatter>) -> bool {
        self.level = record.level;
        self.line = record.location.line;
        self.sequence = record.sequence;
        self.timestamp = record.timestamp;
        self.thread_id = record.thread.id;
        self.process_id = record.process.0;
        let at = self.put_head(0, LOGGER, record.logger, NAME_MAX);
        let mut sink = Cutting {
            text: &mut self.text[..],
            at,
            limit: Self::AREA,
            cut: false,
        };
        let rendered = match formatter {
            Some(f) => f.render_to(record, &mut sink),
            None => record.args.write_to_sink(&mut sink),
        };
        let cut = sink.cut || rendered.is_err();
        let mut at = sink.at;
        self.ends[MESSAGE] = at as u16;
        self.message_cut = cut;
        at = self.put_tail(at, FILE, record.location.file, NAME_MAX);
        at = self.put_head(at, MODULE, record.location.module_path, NAME_MAX);
        at = self.put_head(at, THREAD, record.thread.name, NAME_MAX);
        self.put_head(at, PROCESS, record.process.1, NAME_MAX);
        cut
    }

    fn put_head(&mut self, at: usize, piece: usize, s: &str, max: usize) -> usize {
        let mut n = s.len().min(max).min(Self::AREA - at);
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        self.text[at..at + n].copy_from_slice(&s.as_bytes()[..n]);
        self.ends[piece] = (at + n) as u16;
        at + n
    }

    fn put_tail(&mut self, at: usize, piece: usize, s: &str, max: usize) -> usize {
        let n = s.len().min(max).min(Self::AREA - at);
        let mut start = s.len() - n;
        while !s.is_char_boundary(start) {
            start += 1;
        }
        let n = s.len() - start;
        self.text[at..at + n].copy_from_slice(&s.as_bytes()[start..]);
        self.ends[piece] = (at + n) as u16;
        at + n
    }

    fn piece(&self, piece: usize) -> &str {
        let start = if piece == 0 {
            0
        } else {
            self.ends[piece - 1] as usize
        };
        let end = self.ends[piece] as usize;
        // Only whole UTF-8 characters are copied in; an empty string is the
        // safe answer should that ever not hold.
        core::str::from_utf8(&self.text[start..end]).unwrap_or("")
    }

    /// The level.
    pub fn level(&self) -> Level {
        self.level
    }

    /// The logger name (cut to [`NAME_MAX`] bytes).
    pub fn logger(&self) -> &str {
        self.piece(LOGGER)
    }

    /// The message as captured (the formatted line if a formatter was given),
    /// without the truncation marker.
    pub fn message(&self) -> &str {
        self.piece(MESSAGE)
    }

    /// Whether the message was cut to fit.
    pub fn is_cut(&self) -> bool {
        self.message_cut
    }

    /// The sequence number of the original record.
    pub fn sequence(&self) -> u32 {
        self.sequence
    }

    /// Calls `f` with a [`Record`] rebuilt from the copy: its message is the
    /// captured text, followed by the truncation marker if it was cut.
    pub fn with_record<R>(&self, f: impl FnOnce(&Record<'_>) -> R) -> R {
        let marker = if self.message_cut {
            crate::TRUNCATION_MARKER
        } else {
            ""
        };
        let message = CapturedMessage(self.message(), marker);
        f(&Record {
            level: self.level,
            logger: self.logger(),
            args: crate::Message::plain(&message),
            location: Location {
                file: self.piece(FILE),
                line: self.line,
                module_path: self.piece(MODULE),
            },
            timestamp: self.timestamp,
            sequence: self.sequence,
            thread: ThreadInfo {
                id: self.thread_id,
                name: self.piece(THREAD),
            },
            process: (self.process_id, self.piece(PROCESS)),
        })
    }
}

impl<const M: usize> Default for CapturedRecord<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const M: usize> fmt::Debug for CapturedRecord<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CapturedRecord")
            .field("level", &self.level)
            .field("logger", &self.logger())
            .field("message", &self.message())
            .field("cut", &self.message_cut)
            .field("sequence", &self.sequence)
            .finish()
    }
}

/// A `fmt::Write` into a byte range that cuts at a character boundary when full.
struct Cutting<'a> {
    text: &'a mut [u8],
    at: usize,
    limit: usize,
    cut: bool,
}

impl Write for Cutting<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.cut {
            return Err(fmt::Error);
        }
        let room = self.limit - self.at;
        let mut n = s.len().min(room);
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        self.text[self.at..self.at + n].copy_from_slice(&s.as_bytes()[..n]);
        self.at += n;
        if n < s.len() {
            self.cut = true;
            // Stop the rendering: nothing more fits.
            return Err(fmt::Error);
        }
        Ok(())
    }
}

/// A captured message and its truncation marker: written as two pieces of
/// text, with no `core::fmt`.
struct CapturedMessage<'a>(&'a str, &'a str);

impl crate::message::WriteMessage for CapturedMessage<'_> {
    fn write_message(&self, out: &mut dyn crate::format::Sink) -> core::fmt::Result {
        out.write_str(self.0)?;
        if !self.1.is_empty() {
            out.write_str(self.1)?;
        }
        Ok(())
    }
}
