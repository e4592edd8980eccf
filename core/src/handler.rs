//! The handler contract, the state every handler shares, and the error path.
//!
//! Python splits a handler's work in two: the caller (a logger) compares the
//! record's level with the handler's level, then `handle` runs the filters and
//! emits. emlog keeps that split, so a handler inside another one (a
//! MemoryHandler's target, a queue listener's handlers) sees records the same
//! way it would in a table.

use core::fmt;
use core::sync::atomic::{AtomicPtr, Ordering};

use crate::filter::{Filters, MAX_FILTERS};
use crate::{Level, Record};

/// Something that takes records somewhere: a UART, a file, a socket, a buffer.
///
/// # Contract
///
/// - [`handle`](Handler::handle) runs the handler's filters and, if they pass,
///   emits the record. It does **not** compare the record's level with
///   [`level`](Handler::level): whoever calls `handle` does that (the handler
///   table, a queue listener with `respect_handler_level`), as in Python.
/// - `handle` never panics and never returns an error: a failure (a write
///   error, a record cut to fit) is counted in [`stats`](Handler::stats) and
///   passed to [`report_error`]; the next record is tried normally.
/// - `handle` may block for as long as its output blocks (a UART's FIFO, a
///   file system); handlers that must not block say so in their docs.
/// - A handler that is called again while it is handling (it logs from inside
///   its own output path) is not re-entered by the table: that record is
///   dropped and counted by the table.
/// - After [`close`](Handler::close), `handle` emits nothing and counts each
///   record it is given as dropped.
pub trait Handler {
    /// The lowest level this handler wants; NOTSET wants everything.
    fn level(&self) -> Level;

    /// Changes the level.
    fn set_level(&mut self, level: Level);

    /// Runs the filters, then emits. Returns whether the record was emitted
    /// (cut or not); `false` when a filter refused it, the handler is closed or
    /// the output failed.
    fn handle(&mut self, record: &Record<'_>) -> bool;

    /// [`handle`](Handler::handle) if the record's level reaches
    /// [`level`](Handler::level), as a table or a logger calls its handlers;
    /// returns whether the record was emitted. One call through a table of
    /// handlers instead of two: the default, inlined into each handler's
    /// own code, is what a handler should keep.
    fn offer(&mut self, record: &Record<'_>) -> bool {
        record.level >= self.level() && self.handle(record)
    }

    /// Pushes out anything buffered. Failures are counted and reported.
    fn flush(&mut self) {}

    /// Flushes and releases the output; later records are dropped and counted.
    fn close(&mut self) {}

    /// Counters of what happened to the records given to this handler.
    fn stats(&self) -> HandlerStats;

    /// The handler's name, used in error reports; empty if unnamed.
    fn name(&self) -> &str {
        ""
    }
}

impl fmt::Debug for dyn Handler + Send + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handler")
            .field("name", &self.name())
            .field("level", &self.level())
            .finish()
    }
}

/// What happened to the records a handler was given.
///
/// On targets narrower than 64 bits (microcontrollers) a handler counts in
/// 32 bits, half the flash and RAM and a third of the instructions of a
/// 64-bit count there: each count then stops at `u32::MAX` (4,294,967,295)
/// instead of going on, so a count that reached it means "at least that
/// many" (a drop is never hidden by a count that wrapped to zero).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HandlerStats {
    /// Records written out (including cut ones).
    pub emitted: u64,
    /// Records a filter refused.
    pub filtered: u64,
    /// Records written but cut to fit a fixed-size buffer (marked in the output).
    pub truncated: u64,
    /// Records lost: the output failed, the handler was closed, or a buffer was full.
    pub dropped: u64,
    /// Output failures (each reported through [`report_error`]).
    pub errors: u64,
}

/// The state every handler has: level, name, filters and counters.
///
/// Handlers embed one and delegate to it, so that level, filter and counting
/// rules are the same everywhere.
///
/// ```
/// use emlog::{HandlerBase, Level, Record};
/// let mut base = HandlerBase::new(Level::INFO);
/// base.filters_mut().set_name("app.net");
/// let record = Record::new(Level::INFO, "app.db", format_args!("x"));
/// assert!(!base.accepts(&record));
/// assert_eq!(base.stats().filtered, 1);
/// ```
#[derive(Debug)]
pub struct HandlerBase<const F: usize = MAX_FILTERS> {
    level: Level,
    name: &'static str,
    filters: Filters<F>,
    counts: Counts,
    closed: bool,
    /// Whether a record given after close was reported yet (once per close).
    closed_reported: bool,
}

impl HandlerBase {
    /// State for a handler that wants `level` and above, with room for
    /// [`MAX_FILTERS`] user filters.
    pub const fn new(level: Level) -> HandlerBase {
        HandlerBase::with_filter_room(level)
    }
}

impl<const F: usize> HandlerBase<F> {
    /// State for a handler that wants `level` and above, with room for `F`
    /// user filters (0 for a handler that takes none).
    ///
    /// ```
    /// use emlog::{HandlerBase, Level};
    /// let mut base: HandlerBase<0> = HandlerBase::with_filter_room(Level::INFO);
    /// base.filters_mut().set_name("app"); // the name prefix needs no room
    /// static ANY: fn(&emlog::Record) -> bool = |_| true;
    /// assert!(base.filters_mut().add(&ANY).is_err());
    /// ```
    pub const fn with_filter_room(level: Level) -> HandlerBase<F> {
        HandlerBase {
            level,
            name: "",
            filters: Filters::empty(),
            counts: Counts {
                emitted: Count::ZERO,
                filtered: Count::ZERO,
                truncated: Count::ZERO,
                dropped: Count::ZERO,
                errors: Count::ZERO,
            },
            closed: false,
            closed_reported: false,
        }
    }

    /// The level.
    pub fn level(&self) -> Level {
        self.level
    }

    /// Changes the level.
    pub const fn set_level(&mut self, level: Level) {
        self.level = level;
    }

    /// The name used in error reports.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Names the handler.
    pub const fn set_name(&mut self, name: &'static str) {
        self.name = name;
    }

    /// The filters.
    pub fn filters(&self) -> &Filters<F> {
        &self.filters
    }

    /// The filters, to add to or change.
    pub fn filters_mut(&mut self) -> &mut Filters<F> {
        &mut self.filters
    }

    /// The counters.
    pub fn stats(&self) -> HandlerStats {
        let c = &self.counts;
        HandlerStats {
            emitted: c.emitted.get(),
            filtered: c.filtered.get(),
            truncated: c.truncated.get(),
            dropped: c.dropped.get(),
            errors: c.errors.get(),
        }
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Marks the handler closed.
    pub fn close(&mut self) {
        self.closed = true;
    }

    /// Whether the record should be emitted: the handler is open and every
    /// filter passes. Counts refusals (`filtered`, or `dropped` when closed);
    /// the first record refused because the handler is closed is also
    /// reported through [`report_error`], so logging after close is not silent.
    pub fn accepts(&mut self, record: &Record<'_>) -> bool {
        // As a byte tested for zero: a `bool` is tested by a comparison with 1.
        if u8::from(self.closed) != 0 {
            self.counts.dropped.add_one();
            if !self.closed_reported {
                self.closed_reported = true;
                report_error(&ErrorReport {
                    handler: self.name,
                    error: &"the handler is closed: this record and later ones given to it are dropped (counted in stats().dropped)",
                    record: Some(record),
                });
            }
            return false;
        }
        if !self.filters.allow(record) {
            self.counts.filtered.add_one();
            return false;
        }
        true
    }

    /// Counts an emitted record, `truncated` if it was cut.
    pub fn count_emitted(&mut self, truncated: bool) {
        self.counts.emitted.add_one();
        if truncated {
            self.counts.truncated.add_one();
        }
    }

    /// Counts a record lost for a reason that is not an output error (a full buffer).
    pub fn count_dropped(&mut self) {
        self.counts.dropped.add_one();
    }

    /// Counts an output failure and reports it. `lost` says whether the record
    /// was lost with it (a failed flush loses nothing new).
    pub fn fail(&mut self, error: &dyn fmt::Display, record: Option<&Record<'_>>, lost: bool) {
        self.counts.errors.add_one();
        if lost {
            self.counts.dropped.add_one();
        }
        report_error(&ErrorReport {
            handler: self.name,
            error,
            record,
        });
    }
}

/// A handler's counters, each a [`Count`].
#[derive(Debug)]
struct Counts {
    emitted: Count,
    filtered: Count,
    truncated: Count,
    dropped: Count,
    errors: Count,
}

/// One counter: 64 bits on 64-bit targets, 32 bits that stop at `u32::MAX`
/// on narrower ones (see [`HandlerStats`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Count(
    #[cfg(target_pointer_width = "64")] u64,
    #[cfg(not(target_pointer_width = "64"))] u32,
);

impl Count {
    pub(crate) const ZERO: Count = Count(0);

    /// One more (stopping at the maximum).
    pub(crate) fn add_one(&mut self) {
        self.0 = self.0.saturating_add(1);
    }

    /// The count.
    pub(crate) fn get(&self) -> u64 {
        // Read volatile, field by field: a whole-struct copy of the counts
        // would be a memcpy call at opt-level "z", and as `stats` is in every
        // handler's vtable, that would link compiler_builtins' 744-byte
        // memcpy into every firmware.
        // SAFETY: the pointer comes from a live reference to the field.
        let n = unsafe { core::ptr::read_volatile(&self.0) };
        #[cfg_attr(
            target_pointer_width = "64",
            allow(clippy::useless_conversion, reason = "u32 on narrower targets")
        )]
        u64::from(n)
    }
}

/// Writes the four [`Handler`] methods that only read or set a handler's
/// [`HandlerBase`] (`level`, `set_level`, `stats`, `name`), given the field
/// that holds it. Handlers write `handle` (and `flush`, `close`) themselves.
///
/// ```
/// use emlog::{Handler, HandlerBase, Level, Record};
/// struct Counting {
///     base: HandlerBase,
/// }
/// impl Handler for Counting {
///     emlog::delegate_to_base!(base);
///
///     fn handle(&mut self, record: &Record<'_>) -> bool {
///         let accepted = self.base.accepts(record);
///         if accepted {
///             self.base.count_emitted(false);
///         }
///         accepted
///     }
/// }
/// let mut h = Counting { base: HandlerBase::new(Level::INFO) };
/// h.handle(&Record::new(Level::INFO, "app", format_args!("x")));
/// assert_eq!((h.level(), h.stats().emitted), (Level::INFO, 1));
/// ```
#[macro_export]
macro_rules! delegate_to_base {
    ($field:ident) => {
        fn level(&self) -> $crate::Level {
            self.$field.level()
        }
        fn set_level(&mut self, level: $crate::Level) {
            self.$field.set_level(level)
        }
        fn stats(&self) -> $crate::HandlerStats {
            self.$field.stats()
        }
        fn name(&self) -> &str {
            self.$field.name()
        }
    };
}

/// One handler failure, as given to the installed error reporter.
#[derive(Clone, Copy)]
pub struct ErrorReport<'a> {
    /// The failing handler's name (may be empty).
    pub handler: &'a str,
    /// What went wrong.
    pub error: &'a dyn fmt::Display,
    /// The record being handled, if any.
    pub record: Option<&'a Record<'a>>,
}

/// A function that receives handler failures (see [`set_error_reporter`]).
pub type ErrorReporter = fn(&ErrorReport<'_>);

static REPORTER: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());

/// Installs the function that handler failures are reported to. By default
/// failures are only counted; the std crate installs one that prints Python's
/// `--- Logging error ---` report to stderr.
///
/// The reporter runs inside the failing handler: it must not log through
/// emlog (such records would be dropped as re-entrant) and must not block long.
pub fn set_error_reporter(reporter: ErrorReporter) {
    REPORTER.store(reporter as *mut (), Ordering::Release);
}

/// Passes a failure to the installed reporter, if any.
pub fn report_error(report: &ErrorReport<'_>) {
    let ptr = REPORTER.load(Ordering::Acquire);
    if !ptr.is_null() {
        // SAFETY: only `set_error_reporter` stores here, and it stores an `ErrorReporter`.
        let reporter: ErrorReporter =
            unsafe { core::mem::transmute::<*mut (), ErrorReporter>(ptr) };
        reporter(report);
    }
}

#[cfg(test)]
mod tests {
    use super::Count;

    #[test]
    fn a_count_stops_at_its_maximum_instead_of_wrapping() {
        let mut count = Count::ZERO;
        count.add_one();
        assert_eq!(count.get(), 1);
        count.0 = count.0.wrapping_sub(2); // one below the maximum of its width
        count.add_one();
        let max = count.get();
        assert!(max == u64::from(u32::MAX) || max == u64::MAX);
        count.add_one();
        assert_eq!(count.get(), max, "at the maximum, a count stays there");
    }
}
