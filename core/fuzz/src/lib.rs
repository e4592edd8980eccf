//! What the core's fuzz targets share: a line-based input layout (so that
//! seed corpora are readable text), an arbitrary record, and the checks that
//! a cut text is the longest whole-character prefix that fits.
//!
//! Each input is split into lines at `\n` (invalid UTF-8 is replaced, as
//! `String::from_utf8_lossy` does); a target reads its options line by line,
//! a missing line being empty. A record takes [`RECORD_LINES`] lines (see
//! [`ArbRecord::read`]) and then its message.

use core::fmt;
use std::str::FromStr;

use emlog::{Level, Location, Record, ThreadInfo, Timestamp};

/// Lends `text` as `&'static str`, which the core's constructors take
/// (format strings, logger names and idents are `&'static str` there).
///
/// # Safety
///
/// Whatever receives the result must be dropped before `text` is: every
/// target builds its formatters, handlers and logger tables inside one run and
/// drops them before the input goes. (Leaking the strings instead would make
/// the fuzzer's leak check fail and its memory grow with every run.)
pub unsafe fn lend_static(text: &str) -> &'static str {
    // SAFETY: the caller keeps the borrow within the lifetime of `text`.
    unsafe { &*(text as *const str) }
}

/// The input's lines, read in order.
pub struct Lines<'a> {
    rest: Option<&'a str>,
}

impl<'a> Lines<'a> {
    /// Lines of `text`.
    pub fn new(text: &'a str) -> Lines<'a> {
        Lines { rest: Some(text) }
    }

    /// The next line, without its `\n`; empty past the end.
    pub fn text(&mut self) -> &'a str {
        match self.rest {
            Some(rest) => match rest.split_once('\n') {
                Some((line, after)) => {
                    self.rest = Some(after);
                    line
                }
                None => {
                    self.rest = None;
                    rest
                }
            },
            None => "",
        }
    }

    /// The next line as a decimal number; the type's default if it is not one.
    pub fn number<T: FromStr + Default>(&mut self) -> T {
        self.text().trim().parse().unwrap_or_default()
    }

    /// The next line if it is not empty.
    pub fn optional(&mut self) -> Option<&'a str> {
        Some(self.text()).filter(|line| !line.is_empty())
    }

    /// Everything not read yet, `\n`s included.
    pub fn remainder(&mut self) -> &'a str {
        self.rest.take().unwrap_or("")
    }

    /// Whether everything was read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_none()
    }
}

/// How many lines a record's fields take before its message.
pub const RECORD_LINES: usize = 13;

/// The most message bytes a record's repeat count may make.
const MESSAGE_MAX: usize = 70_000;

/// Every field of a [`Record`], as the input gives them. The message comes in
/// pieces so that the writer sees several `write_str` calls, as it does for a
/// `format_args!` with arguments.
#[derive(Debug, Default)]
pub struct ArbRecord {
    pub level: u8,
    pub logger: String,
    /// The message's pieces, written `repeat` times over.
    pub message: Vec<String>,
    pub repeat: usize,
    pub file: String,
    pub module_path: String,
    pub line: u32,
    pub secs: u64,
    pub nanos: u32,
    pub sequence: u32,
    pub thread_id: u64,
    pub thread_name: String,
    pub process_id: u32,
    pub process_name: String,
}

impl ArbRecord {
    /// Reads, one per line: level (a name such as `INFO` or a number), logger,
    /// file, module path, line number, seconds, nanoseconds, sequence, thread
    /// id, thread name, process id, process name, and how many times the
    /// message repeats (a missing or zero count is once). Then the message:
    /// with `rest` on, all the remaining input, each line one piece (its `\n`
    /// kept); otherwise one line, its pieces separated by `\x1f`.
    pub fn read(lines: &mut Lines<'_>, rest: bool) -> ArbRecord {
        let level = emlog::Level::parse(lines.text()).map_or(0, Level::number);
        let logger = lines.text().to_owned();
        let file = lines.text().to_owned();
        let module_path = lines.text().to_owned();
        let line = lines.number();
        let secs = lines.number();
        let nanos = lines.number();
        let sequence = lines.number();
        let thread_id = lines.number();
        let thread_name = lines.text().to_owned();
        let process_id = lines.number();
        let process_name = lines.text().to_owned();
        let repeat: usize = lines.number::<usize>().max(1);
        let pieces: Vec<&str> = if rest {
            lines.remainder().split_inclusive('\n').collect()
        } else {
            lines.text().split('\x1f').collect()
        };
        let once: usize = pieces.iter().map(|p| p.len()).sum();
        let repeat = repeat.min(MESSAGE_MAX / once.max(1)).max(1);
        ArbRecord {
            level,
            logger,
            message: pieces.iter().map(|p| (*p).to_owned()).collect(),
            repeat,
            file,
            module_path,
            line,
            secs,
            nanos,
            sequence,
            thread_id,
            thread_name,
            process_id,
            process_name,
        }
    }

    /// The whole message, as the record renders it.
    pub fn message_text(&self) -> String {
        self.message.concat().repeat(self.repeat)
    }

    /// The timestamp as the application's clock would make it.
    pub fn timestamp(&self) -> Timestamp {
        Timestamp::new(self.secs, self.nanos)
    }

    /// Calls `f` with the record.
    pub fn with_record<R>(&self, f: impl FnOnce(&Record<'_>) -> R) -> R {
        let pieces = Pieces(&self.message, self.repeat);
        // One expression: the `format_args!` temporary lives until its end.
        f(&Record {
            process: (self.process_id, &self.process_name),
            ..Record::new(
                Level::new(self.level),
                &self.logger,
                format_args!("{pieces}"),
            )
            .with_location(Location {
                file: &self.file,
                line: self.line,
                module_path: &self.module_path,
            })
            .with_timestamp(self.timestamp())
            .with_sequence(self.sequence)
            .with_thread(ThreadInfo {
                id: self.thread_id,
                name: &self.thread_name,
            })
        })
    }
}

/// The message pieces, each written with its own `write_str`, so many times over.
pub struct Pieces<'a>(pub &'a [String], pub usize);

impl fmt::Display for Pieces<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for _ in 0..self.1 {
            for piece in self.0 {
                f.write_str(piece)?;
            }
        }
        Ok(())
    }
}

/// The longest prefix of `text` that is at most `max` bytes and ends on a
/// character boundary: what every cutting buffer of the core must keep.
pub fn cut_at_char_boundary(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The longest suffix of `text` that is at most `max` bytes and starts on a
/// character boundary (a cut file path keeps its end).
pub fn tail_at_char_boundary(text: &str, max: usize) -> &str {
    let mut start = text.len() - text.len().min(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}
