//! The handler contract, the state every handler shares, and the error path.
//!
//! Python splits a handler's work in two: the caller (a logger) compares the
//! record's level with the handler's level, then `handle` runs the filters and
//! emits. emlog keeps that split, so a handler inside another one (a
//! MemoryHandler's target, a queue listener's handlers) sees records the same
//! way it would in a table.

use core::fmt;
use core::sync::atomic::{AtomicPtr, Ordering};

use crate::filter::Filters;
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
pub struct HandlerBase {
    level: Level,
    name: &'static str,
    filters: Filters,
    stats: HandlerStats,
    closed: bool,
    /// Whether a record given after close was reported yet (once per close).
    closed_reported: bool,
}

impl HandlerBase {
    /// State for a handler that wants `level` and above.
    pub const fn new(level: Level) -> HandlerBase {
        HandlerBase {
            level,
            name: "",
            filters: Filters::new(),
            stats: HandlerStats {
                emitted: 0,
                filtered: 0,
                truncated: 0,
                dropped: 0,
                errors: 0,
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
    pub fn filters(&self) -> &Filters {
        &self.filters
    }

    /// The filters, to add to or change.
    pub fn filters_mut(&mut self) -> &mut Filters {
        &mut self.filters
    }

    /// The counters.
    pub fn stats(&self) -> HandlerStats {
        // Field by field, with volatile reads so the compiler cannot merge
        // them back into a whole-struct copy: that is a memcpy call at
        // opt-level "z", and as this method is in every handler's vtable, it
        // would link compiler_builtins' 744-byte memcpy into every firmware.
        // SAFETY: each pointer comes from a live reference to a u64.
        let read = |counter: &u64| unsafe { core::ptr::read_volatile(counter) };
        let s = &self.stats;
        HandlerStats {
            emitted: read(&s.emitted),
            filtered: read(&s.filtered),
            truncated: read(&s.truncated),
            dropped: read(&s.dropped),
            errors: read(&s.errors),
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
        if self.closed {
            self.stats.dropped += 1;
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
            self.stats.filtered += 1;
            return false;
        }
        true
    }

    /// Counts an emitted record, `truncated` if it was cut.
    pub fn count_emitted(&mut self, truncated: bool) {
        self.stats.emitted += 1;
        if truncated {
            self.stats.truncated += 1;
        }
    }

    /// Counts a record lost for a reason that is not an output error (a full buffer).
    pub fn count_dropped(&mut self) {
        self.stats.dropped += 1;
    }

    /// Counts an output failure and reports it. `lost` says whether the record
    /// was lost with it (a failed flush loses nothing new).
    pub fn fail(&mut self, error: &dyn fmt::Display, record: Option<&Record<'_>>, lost: bool) {
        self.stats.errors += 1;
        if lost {
            self.stats.dropped += 1;
        }
        report_error(&ErrorReport {
            handler: self.name,
            error,
            record,
        });
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
