//! The log record: everything a handler needs about one logging call.
//!
//! A record borrows its message as a [`Message`] (`core::fmt::Arguments`, or
//! a plain call's text and arguments), so creating one allocates and formats
//! nothing: only a handler that emits the record renders
//! the message, straight into its writer.

use core::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

use crate::{Level, Message};

/// A point in time: seconds and nanoseconds since the Unix epoch, or since
/// boot when the application's clock counts uptime.
///
/// ```
/// let t = emlog::Timestamp::new(1_700_000_000, 250_000_000);
/// assert_eq!(t.millis(), 250);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Whole seconds.
    pub secs: u64,
    /// Nanoseconds past `secs`, below 1,000,000,000.
    pub nanos: u32,
}

impl Timestamp {
    /// Zero: what records carry when the application installed no clock.
    pub const ZERO: Timestamp = Timestamp { secs: 0, nanos: 0 };

    /// A timestamp; `nanos` above one second carries into `secs`. A carry
    /// beyond `u64::MAX` seconds saturates at the last representable instant.
    ///
    /// ```
    /// use emlog::Timestamp;
    /// assert_eq!(Timestamp::new(1, 1_500_000_000), Timestamp { secs: 2, nanos: 500_000_000 });
    /// assert_eq!(Timestamp::new(u64::MAX, u32::MAX), Timestamp { secs: u64::MAX, nanos: 999_999_999 });
    /// ```
    pub const fn new(secs: u64, nanos: u32) -> Timestamp {
        match secs.checked_add((nanos / 1_000_000_000) as u64) {
            Some(secs) => Timestamp {
                secs,
                nanos: nanos % 1_000_000_000,
            },
            None => Timestamp {
                secs: u64::MAX,
                nanos: 999_999_999,
            },
        }
    }

    /// From milliseconds, for clocks that count milliseconds since boot.
    ///
    /// ```
    /// assert_eq!(emlog::Timestamp::from_millis(1_500), emlog::Timestamp::new(1, 500_000_000));
    /// ```
    pub const fn from_millis(millis: u64) -> Timestamp {
        Timestamp {
            secs: millis / 1000,
            nanos: (millis % 1000) as u32 * 1_000_000,
        }
    }

    /// The millisecond part (Python's `msecs`, 0 to 999).
    pub const fn millis(self) -> u32 {
        self.nanos / 1_000_000
    }

    /// Milliseconds from `earlier` to `self`, zero if `earlier` is later.
    ///
    /// ```
    /// use emlog::Timestamp;
    /// assert_eq!(Timestamp::new(2, 100_000_000).millis_since(Timestamp::new(1, 900_000_000)), 200);
    /// assert_eq!(Timestamp::new(1, 0).millis_since(Timestamp::new(2, 0)), 0);
    /// ```
    pub const fn millis_since(self, earlier: Timestamp) -> u64 {
        // Seconds and nanoseconds apart, not one 128-bit count: 128-bit
        // division costs over a kilobyte of flash on 32-bit cores.
        if self.secs < earlier.secs || (self.secs == earlier.secs && self.nanos <= earlier.nanos) {
            return 0;
        }
        let (secs, nanos) = if self.nanos >= earlier.nanos {
            (self.secs - earlier.secs, self.nanos - earlier.nanos)
        } else {
            (
                self.secs - earlier.secs - 1,
                self.nanos + 1_000_000_000 - earlier.nanos,
            )
        };
        secs.saturating_mul(1000)
            .saturating_add((nanos / 1_000_000) as u64)
    }
}

/// Where a logging call is in the source: filled by the macros from `file!()`,
/// `line!()` and `module_path!()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location<'a> {
    /// Source path as the compiler gave it (Python's `pathname`).
    pub file: &'a str,
    /// Line number (Python's `lineno`).
    pub line: u32,
    /// Module path, e.g. `app::net` (Python's `module` is its last segment).
    pub module_path: &'a str,
}

impl<'a> Location<'a> {
    /// The file name without its directories (Python's `filename`).
    ///
    /// ```
    /// let loc = emlog::Location { file: "src/net/tcp.rs", line: 3, module_path: "app::net::tcp" };
    /// assert_eq!(loc.file_name(), "tcp.rs");
    /// assert_eq!(loc.module(), "tcp");
    /// ```
    pub fn file_name(&self) -> &'a str {
        after_last(self.file, |b| b == b'/' || b == b'\\')
    }

    /// The last segment of the module path (Python's `module`).
    pub fn module(&self) -> &'a str {
        // Segments never contain ':', so the last one starts after the last ':'.
        after_last(self.module_path, |b| b == b':')
    }
}

/// The text after the last byte that `is_separator` accepts (all of it if none).
/// A byte scan: `str::rfind` links a UTF-8 searcher several times this size,
/// and the separators are ASCII, so the cut is always on a char boundary.
fn after_last(text: &str, is_separator: fn(u8) -> bool) -> &str {
    match text.bytes().rposition(is_separator) {
        Some(i) => text.get(i + 1..).unwrap_or(""),
        None => text,
    }
}

/// Thread identity of a record: Python's `thread` and `threadName`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThreadInfo<'a> {
    /// A number identifying the thread (or interrupt, or task).
    pub id: u64,
    /// Its name.
    pub name: &'a str,
}

/// One logging call: level, logger name, message, origin and time.
///
/// ```
/// use emlog::{Level, Record};
/// let record = Record::new(Level::INFO, "net", format_args!("link up after {} ms", 12));
/// assert_eq!(record.level, Level::INFO);
/// assert_eq!(record.logger, "net");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    /// Severity.
    pub level: Level,
    /// Logger name (Python's `name`): dotted (`app.net`) or a module path (`app::net`).
    pub logger: &'a str,
    /// The message, formatted only when a handler emits the record
    /// (`Display`; see [`Message`]).
    pub args: Message<'a>,
    /// Where the call is.
    pub location: Location<'a>,
    /// When the record was made, from the installed [`Environment`] clock.
    pub timestamp: Timestamp,
    /// Position in the order of records made by this program (wraps at 2³²).
    pub sequence: u32,
    /// Thread (or interrupt) that made it.
    pub thread: ThreadInfo<'a>,
    /// Process id and name (Python's `process`, `processName`).
    pub process: (u32, &'a str),
}

impl<'a> Record<'a> {
    /// A record with an unknown location, time zero and the default thread and
    /// process; the `with_*` methods fill in the rest. The macros fill all fields.
    pub fn new(level: Level, logger: &'a str, args: impl Into<Message<'a>>) -> Record<'a> {
        Record {
            level,
            logger,
            args: args.into(),
            location: Location {
                file: "",
                line: 0,
                module_path: "",
            },
            timestamp: Timestamp::ZERO,
            sequence: 0,
            thread: DEFAULT_ENVIRONMENT.thread_info(),
            process: (0, DEFAULT_ENVIRONMENT.process_name),
        }
    }

    /// Sets the source location.
    pub fn with_location(mut self, location: Location<'a>) -> Record<'a> {
        self.location = location;
        self
    }

    /// Sets the time.
    pub fn with_timestamp(mut self, timestamp: Timestamp) -> Record<'a> {
        self.timestamp = timestamp;
        self
    }

    /// Sets the sequence number.
    pub fn with_sequence(mut self, sequence: u32) -> Record<'a> {
        self.sequence = sequence;
        self
    }

    /// Sets the thread identity.
    pub fn with_thread(mut self, thread: ThreadInfo<'a>) -> Record<'a> {
        self.thread = thread;
        self
    }

    /// Makes a record the way the macros do: time, thread and process from
    /// the installed [`Environment`], the next sequence number.
    pub fn capture(
        level: Level,
        logger: &'a str,
        args: impl Into<Message<'a>>,
        location: Location<'a>,
    ) -> Record<'a> {
        let env = environment();
        // On 64-bit hosts the thread first: it comes back through memory,
        // straight into the record, so that the clock's reading, which comes
        // back in registers, is not kept across a call (fewer registers to
        // save). Not on microcontrollers, where that order costs 2 more.
        #[cfg(target_pointer_width = "64")]
        let thread = env.thread_info();
        let timestamp = (env.clock)();
        let sequence = next_sequence();
        #[cfg(not(target_pointer_width = "64"))]
        let thread = env.thread_info();
        Record {
            level,
            logger,
            args: args.into(),
            location,
            timestamp,
            sequence,
            thread,
            process: (env.process_id, env.process_name),
        }
    }

    /// Milliseconds since logging started (Python's `relativeCreated`): since
    /// [`crate::install`] ran, or since time zero if it never did.
    pub fn relative_millis(&self) -> u64 {
        self.timestamp.millis_since(start_time())
    }
}

/// Where records come from: the clock and the thread and process identity.
///
/// No clock is installed by default: records then carry time zero, so
/// `asctime` renders `1970-01-01 00:00:00,000` and `created` renders 0. An
/// application installs its own with [`set_environment`] (the std crate
/// installs the system clock and real thread and process ids).
///
/// ```
/// use emlog::{Environment, Timestamp, ThreadInfo};
/// static ENV: Environment = Environment {
///     clock: || Timestamp::from_millis(42),
///     thread: || ThreadInfo { id: 0, name: "main" },
///     process_id: 1,
///     process_name: "firmware",
/// };
/// emlog::set_environment(&ENV);
/// ```
#[derive(Debug)]
pub struct Environment {
    /// Returns the current time (Unix time or uptime).
    pub clock: fn() -> Timestamp,
    /// Returns the identity of the calling thread or interrupt.
    pub thread: fn() -> ThreadInfo<'static>,
    /// Python's `process`.
    pub process_id: u32,
    /// Python's `processName`.
    pub process_name: &'static str,
}

impl Environment {
    fn thread_info(&self) -> ThreadInfo<'static> {
        (self.thread)()
    }
}

/// The environment in force until the application installs its own.
pub static DEFAULT_ENVIRONMENT: Environment = Environment {
    clock: || Timestamp::ZERO,
    thread: || ThreadInfo {
        id: 0,
        name: "MainThread",
    },
    process_id: 0,
    process_name: "MainProcess",
};

static ENVIRONMENT: AtomicPtr<Environment> =
    AtomicPtr::new(&DEFAULT_ENVIRONMENT as *const Environment as *mut Environment);

/// Installs the clock and identity sources used by [`Record::capture`].
/// May be called again to replace them.
pub fn set_environment(env: &'static Environment) {
    ENVIRONMENT.store(
        env as *const Environment as *mut Environment,
        Ordering::Release,
    );
}

/// The environment in force.
pub fn environment() -> &'static Environment {
    // SAFETY: the pointer always comes from a `&'static Environment`.
    unsafe { &*ENVIRONMENT.load(Ordering::Acquire) }
}

// The start time is two 32-bit halves so that targets without 64-bit atomics
// can store it; it is written once, at install.
static START_SECS: AtomicU32 = AtomicU32::new(0);
static START_NANOS: AtomicU32 = AtomicU32::new(0);

/// Marks now as the start of logging (`relativeCreated` counts from here).
pub(crate) fn mark_start() {
    let now = (environment().clock)();
    START_SECS.store(now.secs as u32, Ordering::Relaxed);
    START_NANOS.store(now.nanos, Ordering::Relaxed);
}

fn start_time() -> Timestamp {
    Timestamp {
        secs: u64::from(START_SECS.load(Ordering::Relaxed)),
        nanos: START_NANOS.load(Ordering::Relaxed),
    }
}

/// The record counter, which every record writes: on an operating system's
/// cores it gets a cache line of its own, so that threads logging at once
/// do not also move the line of what every record only reads (the installed
/// dispatcher, the level threshold) from core to core with it. Not on
/// microcontrollers, which have one core and little RAM.
#[cfg_attr(any(target_arch = "x86_64", target_arch = "aarch64"), repr(align(64)))]
struct SequenceCounter(AtomicU32);

static SEQUENCE: SequenceCounter = SequenceCounter(AtomicU32::new(0));

/// The next record sequence number.
fn next_sequence() -> u32 {
    #[cfg(target_has_atomic = "32")]
    {
        SEQUENCE.0.fetch_add(1, Ordering::Relaxed)
    }
    #[cfg(not(target_has_atomic = "32"))]
    {
        // No compare-and-swap here (thumbv6m): a critical section makes the
        // read-modify-write atomic.
        critical_section::with(|_| {
            let n = SEQUENCE.0.load(Ordering::Relaxed);
            SEQUENCE.0.store(n.wrapping_add(1), Ordering::Relaxed);
            n
        })
    }
}

/// `LEVEL logger: message (file:line #sequence)`. The message goes as text
/// (`Display2Format`), so it is formatted on the device like any emlog record.
#[cfg(feature = "defmt")]
impl defmt::Format for Record<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "{} {=str}: {} ({=str}:{=u32} #{=u32})",
            self.level,
            self.logger,
            defmt::Display2Format(&self.args),
            self.location.file,
            self.location.line,
            self.sequence
        );
    }
}
