//! StreamHandler: records as lines on any `embedded_io::Write` (a UART, a RAM buffer, a socket).
//!
//! Each record is rendered into the handler's own line buffer and written
//! whole, the line and its terminator in one `write` (more only for a writer
//! that takes part of it), so records from other contexts never land inside
//! it. A record longer than the buffer is cut at a UTF-8 character boundary
//! and ends with a visible marker (`[...]` by default), and the cut is
//! counted in [`HandlerStats::truncated`].
//!
//! With `LINE = 0` the handler has no line buffer: each piece of the record
//! goes straight to the writer as it is rendered, and the terminator after
//! it (no length limit, nothing cut, no copy). That suits a blocking UART
//! that only emlog writes to (the core [`Dispatcher`](crate::Dispatcher)
//! handles one record at a time, so lines still come out whole), at the cost
//! of a partial line when the writer fails, or a message's `Display` fails,
//! halfway through a record.
//!
//! Unlike Python's StreamHandler, the writer is not flushed after every
//! record: a blocking UART writer has nothing to flush, and a buffering writer
//! is flushed by [`Handler::flush`]. [`StreamHandler::flush_each_record`] turns
//! Python's behaviour on.

use core::fmt;

use crate::filter::MAX_FILTERS;
use crate::format::{Rendering, Sink};
use crate::whole_write::{WholeWriteError, write_whole, write_whole_blocking};
use crate::{Formatter, Handler, HandlerBase, Level, LineBuffer, Record};

/// Python's default formatter, which a handler starts with.
const MESSAGE_ONLY: Formatter<1> = Formatter::message_only().fitted();

/// The marker appended to a record that was cut to fit the line buffer.
pub const TRUNCATION_MARKER: &str = "[...]";

/// Writes each record as one line to an `embedded_io::Write`.
///
/// `LINE` is the line buffer's capacity in bytes, terminator and marker
/// included: a record longer than that is cut at a character boundary and
/// marked ([`TRUNCATION_MARKER`]). 0 means no buffer: each piece of the
/// record goes straight to the writer, nothing is cut, and a writer or
/// `Display` failing halfway leaves a partial line (for a blocking UART
/// that only emlog writes to). `FILTERS` is how many user filters it has
/// room for ([`Filters`](crate::Filters)); 0 for a handler that takes none
/// (its name filter still works).
///
/// ```
/// use emlog::{Formatter, Handler, Level, Record, StreamHandler};
/// let mut out = [0u8; 16];
/// let mut handler: StreamHandler<&mut [u8], 0> = StreamHandler::new(&mut out[..]);
/// handler.handle(&Record::new(Level::INFO, "net", format_args!("up {}", 1)));
/// drop(handler);
/// assert!(out.starts_with(b"up 1\n"));
/// ```
///
/// ```
/// use emlog::{Formatter, Handler, Level, Record, StreamHandler};
/// let mut out = [0u8; 64];
/// let mut handler: StreamHandler<&mut [u8], 64> = StreamHandler::new(&mut out[..])
///     .with_formatter(emlog::formatter!("%(levelname)s:%(name)s:%(message)s"));
/// handler.handle(&Record::new(Level::INFO, "net", format_args!("up {}", 1)));
/// drop(handler);
/// assert!(out.starts_with(b"INFO:net:up 1\n"));
/// ```
pub struct StreamHandler<W, const LINE: usize = 256, const FILTERS: usize = MAX_FILTERS> {
    base: HandlerBase<FILTERS>,
    formatter: Rendering<'static>,
    writer: Unfailing<W>,
    terminator: &'static str,
    marker: &'static str,
    flush_each_record: bool,
    line: LineBuffer<LINE>,
}

impl<W: embedded_io::Write, const LINE: usize, const FILTERS: usize>
    StreamHandler<W, LINE, FILTERS>
{
    /// A handler at NOTSET writing the message alone (Python's default formatter).
    ///
    /// The constructor and the `with_*` settings are `const fn`, so firmware
    /// can have the compiler build its handler in a `static`: no start-up code
    /// builds, moves or clears it.
    ///
    /// ```
    /// use emlog::{Formatter, StreamHandler};
    /// # struct Uart;
    /// # impl embedded_io::ErrorType for Uart { type Error = core::convert::Infallible; }
    /// # impl embedded_io::Write for Uart {
    /// #     fn write(&mut self, b: &[u8]) -> Result<usize, Self::Error> { Ok(b.len()) }
    /// #     fn flush(&mut self) -> Result<(), Self::Error> { Ok(()) }
    /// # }
    /// const FORMAT: Formatter = match Formatter::new(Formatter::BASIC) {
    ///     Ok(f) => f,
    ///     Err(_) => panic!("bad format string"),
    /// };
    /// static mut OUT: StreamHandler<Uart, 64> = StreamHandler::new(Uart)
    ///     .with_formatter(emlog::formatter!(FORMAT))
    ///     .with_level(emlog::Level::INFO)
    ///     .with_terminator("\r\n");
    /// ```
    pub const fn new(writer: W) -> Self {
        StreamHandler {
            base: HandlerBase::with_filter_room(Level::NOTSET),
            formatter: MESSAGE_ONLY.rendering(),
            writer: Unfailing(writer),
            terminator: "\n",
            marker: TRUNCATION_MARKER,
            flush_each_record: false,
            line: LineBuffer::new(),
        }
    }

    /// Sets the formatter. The handler borrows it: a formatter in a
    /// `const` item is borrowed as `&FORMAT` (the compiler keeps it in
    /// flash), and [`formatter!`](crate::formatter!) makes one that holds
    /// only its own pieces, so a handler in a `static` carries a pointer.
    pub const fn with_formatter<const N: usize>(
        mut self,
        formatter: &'static Formatter<N>,
    ) -> Self {
        self.formatter = formatter.rendering();
        self
    }

    /// Sets the level.
    pub const fn with_level(mut self, level: Level) -> Self {
        self.base.set_level(level);
        self
    }

    /// Names the handler (used in error reports).
    pub const fn with_name(mut self, name: &'static str) -> Self {
        self.base.set_name(name);
        self
    }

    /// Sets what ends each record (default `"\n"`; `"\r\n"` for terminals that want it).
    pub const fn with_terminator(mut self, terminator: &'static str) -> Self {
        self.terminator = terminator;
        self
    }

    /// Sets the marker that ends a cut record (default [`TRUNCATION_MARKER`]).
    pub const fn with_truncation_marker(mut self, marker: &'static str) -> Self {
        self.marker = marker;
        self
    }

    /// Flushes the writer after every record, as Python does.
    pub const fn flush_each_record(mut self, on: bool) -> Self {
        self.flush_each_record = on;
        self
    }

    /// The shared handler state: filters, name, counters.
    pub fn base_mut(&mut self) -> &mut HandlerBase<FILTERS> {
        &mut self.base
    }

    /// The writer.
    pub fn writer(&self) -> &W {
        &self.writer.0
    }

    /// The writer, mutably.
    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.writer.0
    }

    /// Takes the writer back.
    pub fn into_writer(self) -> W {
        self.writer.0
    }
}

impl<W: embedded_io::Write, const LINE: usize, const FILTERS: usize>
    StreamHandler<W, LINE, FILTERS>
{
    /// `handle` without a line buffer (`LINE = 0`): pieces straight to the writer.
    #[inline(always)]
    fn handle_unbuffered(&mut self, record: &Record<'_>) -> bool {
        if Unfailing::<W>::CANNOT_FAIL {
            return self.handle_unfailing(record);
        }
        let mut out = Direct {
            writer: &mut self.writer.0,
            failed: None,
        };
        let mut rendered = self.formatter.render_to(record, &mut out);
        if rendered.is_ok() {
            // The terminator through the same sink: one copy of the write loop.
            rendered = Sink::write_str(&mut out, self.terminator);
        }
        let mut result = match out.failed {
            Some(e) => Err(e.kind()),
            None if rendered.is_err() => {
                self.base.fail(
                    &"a Display implementation in the message returned an error",
                    Some(record),
                    true,
                );
                return false;
            }
            None => Ok(()),
        };
        if result.is_ok() && self.flush_each_record {
            result = self
                .writer
                .0
                .flush()
                .map_err(|e| embedded_io::Error::kind(&e));
        }
        match result {
            Ok(()) => {
                self.base.count_emitted(false);
                true
            }
            Err(kind) => {
                self.base.fail(&WriteFailed(kind), Some(record), true);
                false
            }
        }
    }

    /// `handle_unbuffered` for a writer that cannot fail: the handler's own
    /// writer is the sink (no sink made on the stack, no error kept), and
    /// an error can only be a message's `Display` (a write that takes no
    /// bytes is made again: `write_whole_blocking`).
    #[inline(always)]
    fn handle_unfailing(&mut self, record: &Record<'_>) -> bool {
        let out = &mut self.writer;
        let mut rendered = self.formatter.render_to(record, out);
        if rendered.is_ok() {
            rendered = Sink::write_str(out, self.terminator);
        }
        if rendered.is_ok() && self.flush_each_record {
            // Cannot fail: `Unfailing::CANNOT_FAIL`.
            let _ = self.writer.0.flush();
        }
        if rendered.is_err() {
            self.base.fail(
                &"a Display implementation in the message returned an error",
                Some(record),
                true,
            );
            return false;
        }
        self.base.count_emitted(false);
        true
    }
}

/// The handler's writer. As the [`Sink`] of an unbuffered handler it is
/// used only when the writer cannot fail ([`CANNOT_FAIL`](Self::CANNOT_FAIL));
/// others write through [`Direct`], which keeps the error.
struct Unfailing<W>(W);

impl<W: embedded_io::ErrorType> Unfailing<W> {
    /// No error can be made: `Option` of the error type takes no room, so
    /// `None` is its only value (`Infallible`, a blocking UART's error).
    const CANNOT_FAIL: bool = core::mem::size_of::<Option<W::Error>>() == 0;
}

impl<W: embedded_io::Write> fmt::Write for Unfailing<W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // No error to keep: the writer's error type has no value.
        write_whole_blocking(&mut self.0, s.as_bytes()).map_err(|_| fmt::Error)
    }
}

/// The writer as the [`Sink`](crate::format::Sink) of an unbuffered handler:
/// keeps the first error and stops the rendering there. The error itself,
/// not its kind: for a writer that cannot fail (`Infallible`) there is then
/// nothing to keep, set or test.
struct Direct<'w, W: embedded_io::ErrorType> {
    writer: &'w mut W,
    failed: Option<WholeWriteError<W::Error>>,
}

impl<W: embedded_io::Write> fmt::Write for Direct<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_whole(self.writer, s.as_bytes()).map_err(|e| {
            self.failed = Some(e);
            fmt::Error
        })
    }
}

/// A handler set to NOTSET until this is dropped, then back at its level:
/// also when a filter, a message's `Display` or the writer panics under
/// it and the panic unwinds (on a host), so the handler does not go on at
/// NOTSET. With `panic = "abort"` the drop is the one store after the call.
struct AtNotset<'h, W, const LINE: usize, const FILTERS: usize> {
    handler: &'h mut StreamHandler<W, LINE, FILTERS>,
    level: Level,
}

impl<'h, W, const LINE: usize, const FILTERS: usize> AtNotset<'h, W, LINE, FILTERS> {
    #[inline(always)]
    fn new(handler: &'h mut StreamHandler<W, LINE, FILTERS>) -> Self {
        let level = handler.base.level();
        handler.base.set_level(Level::NOTSET);
        AtNotset { handler, level }
    }
}

impl<W, const LINE: usize, const FILTERS: usize> Drop for AtNotset<'_, W, LINE, FILTERS> {
    #[inline(always)]
    fn drop(&mut self) {
        self.handler.base.set_level(self.level);
    }
}

/// Shows an `embedded_io` error kind in an error report.
struct WriteFailed(embedded_io::ErrorKind);

impl fmt::Display for WriteFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "write failed: {:?}", self.0)
    }
}

impl<W: embedded_io::Write, const LINE: usize, const FILTERS: usize> Handler
    for StreamHandler<W, LINE, FILTERS>
{
    crate::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        // `offer` at NOTSET, which every record passes: nothing in it reads
        // the level but that test.
        AtNotset::new(self).handler.offer(record)
    }

    /// The body of both `offer` and `handle` (which sets the level aside
    /// for the call), so that the dispatcher's call, `offer`, enters the
    /// body itself, not a jump to a body the two share.
    fn offer(&mut self, record: &Record<'_>) -> bool {
        if record.level < self.base.level() || !self.base.accepts(record) {
            return false;
        }
        if LINE == 0 {
            return self.handle_unbuffered(record);
        }
        self.handle_buffered(record)
    }

    fn flush(&mut self) {
        if let Err(e) = self.writer.0.flush() {
            let kind = embedded_io::Error::kind(&e);
            self.base.fail(&WriteFailed(kind), None, false);
        }
    }

    fn close(&mut self) {
        if !self.base.is_closed() {
            self.flush();
            self.base.close();
        }
    }
}

impl<W: embedded_io::Write, const LINE: usize, const FILTERS: usize>
    StreamHandler<W, LINE, FILTERS>
{
    /// `handle` with the line buffer (`LINE > 0`): the record rendered into
    /// it, then one write.
    #[inline(always)]
    fn handle_buffered(&mut self, record: &Record<'_>) -> bool {
        self.line.clear(self.marker.len() + self.terminator.len());
        let rendered = self.formatter.render_to(record, &mut self.line);
        let truncated = self.line.is_truncated();
        if rendered.is_err() && !truncated {
            self.base.fail(
                &"a Display implementation in the message returned an error",
                Some(record),
                true,
            );
            return false;
        }
        if truncated {
            self.line.push_reserved(self.marker);
        }
        self.line.push_reserved(self.terminator);
        let line = self.line.as_bytes();
        let mut result = if Unfailing::<W>::CANNOT_FAIL {
            write_whole_blocking(&mut self.writer.0, line).map_err(|e| embedded_io::Error::kind(&e))
        } else {
            write_whole(&mut self.writer.0, line).map_err(|e| e.kind())
        };
        if result.is_ok() && self.flush_each_record {
            result = self
                .writer
                .0
                .flush()
                .map_err(|e| embedded_io::Error::kind(&e));
        }
        match result {
            Ok(()) => {
                self.base.count_emitted(truncated);
                true
            }
            Err(kind) => {
                self.base.fail(&WriteFailed(kind), Some(record), true);
                false
            }
        }
    }
}
