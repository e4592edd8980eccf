//! The clock that time rules read: the system clock, or one a test moves by hand.
//!
//! Every rule that depends on time (timed rotation, buffered flush intervals)
//! reads a [`Clock`] given at construction, so tests move time forward without
//! sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use emlog::Timestamp;

/// A source of wall-clock time in milliseconds since the Unix epoch.
///
/// ```
/// use emlog_std::{Clock, ManualClock};
/// let manual = ManualClock::new(1_000);
/// let clock = manual.clock();
/// manual.advance_secs(2);
/// assert_eq!(clock.now_millis(), 3_000);
/// assert!(Clock::system().now_secs() > 1_600_000_000);
/// ```
#[derive(Clone)]
pub struct Clock {
    now: Arc<dyn Fn() -> i64 + Send + Sync>,
    /// Whether this is the system's wall clock ([`system`](Self::system),
    /// [`system_coarse`](Self::system_coarse)): then a record stamped by
    /// emlog-std's environment carries a reading of it already.
    system: bool,
}

impl Clock {
    /// The operating system's wall clock.
    pub fn system() -> Clock {
        Clock {
            now: Arc::new(system_millis),
            system: true,
        }
    }

    /// The operating system's wall clock as of its last tick (Linux's
    /// `CLOCK_REALTIME_COARSE`: a few milliseconds behind at most, read
    /// without touching the hardware clock). Cheap enough to read per
    /// record, for rules measured in seconds such as a buffered file's
    /// flush interval. Elsewhere it is [`system`](Self::system).
    ///
    /// ```
    /// use emlog_std::Clock;
    /// let (coarse, exact) = (Clock::system_coarse().now_millis(), Clock::system().now_millis());
    /// assert!((exact - coarse).abs() < 1_000);
    /// ```
    pub fn system_coarse() -> Clock {
        Clock {
            now: Arc::new(coarse_system_millis),
            system: true,
        }
    }

    /// A clock that calls `now` (milliseconds since the Unix epoch).
    pub fn from_fn(now: impl Fn() -> i64 + Send + Sync + 'static) -> Clock {
        Clock {
            now: Arc::new(now),
            system: false,
        }
    }

    /// Milliseconds since the Unix epoch.
    pub fn now_millis(&self) -> i64 {
        (self.now)()
    }

    /// Whether this is the system's wall clock.
    pub(crate) fn is_system(&self) -> bool {
        self.system
    }

    /// The time a record made at `made` arrives, for rules that read this
    /// clock per record (a buffered file's write-out interval): `made`
    /// itself when this is the system clock and records are stamped by
    /// emlog-std's environment, whose clock is the same system clock read
    /// a moment earlier (a clock read per record saved: 7 ns for the coarse
    /// one on a VM); else a reading of this clock. A record with no time
    /// (zero, as [`emlog::Record::new`] makes it) reads the clock too.
    #[inline]
    pub(crate) fn now_millis_at(&self, made: Timestamp) -> i64 {
        match self.system {
            true => system_millis_at(made).unwrap_or_else(|| self.now_millis()),
            false => self.now_millis(),
        }
    }

    /// Whole seconds since the Unix epoch (Python's `int(time.time())`).
    pub fn now_secs(&self) -> i64 {
        self.now_millis().div_euclid(1000)
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Clock").field(&self.now_millis()).finish()
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::system()
    }
}

/// `made` in milliseconds since the epoch if it is a reading of the system
/// clock: a record's time, stamped by emlog-std's environment. Out of line
/// (a leaf call): inlined, its arithmetic was hoisted into every record's
/// path, write-through files' too.
#[inline(never)]
fn system_millis_at(made: Timestamp) -> Option<i64> {
    if made == Timestamp::ZERO || !crate::environment::stamps_records_with_system_time() {
        return None;
    }
    // Seconds past what milliseconds in an `i64` hold (no clock gives them)
    // count as the last such second, without a check per record that could fail.
    let secs = made.secs.min(MAX_SECS) as i64;
    Some(secs * 1000 + i64::from(made.millis()))
}

/// The last second whose milliseconds an `i64` holds.
const MAX_SECS: u64 = (i64::MAX / 1000 - 1) as u64;

fn coarse_system_millis() -> i64 {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let mut now = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes one timespec through a valid pointer.
        if unsafe { libc::clock_gettime(libc::CLOCK_REALTIME_COARSE, &mut now) } == 0 {
            // time_t is 32 bits on some targets, 64 on most.
            #[allow(clippy::useless_conversion)]
            return i64::from(now.tv_sec)
                .saturating_mul(1000)
                .saturating_add(i64::from(now.tv_nsec as u32 / 1_000_000));
        }
    }
    system_millis()
}

fn system_millis() -> i64 {
    // Before 1970 the seconds are negative and the nanoseconds count up from
    // them, so the result stays ordered.
    let (secs, nanos) = crate::environment::system_time();
    secs.saturating_mul(1000)
        .saturating_add(i64::from(nanos / 1_000_000))
}

/// A clock for tests: it stands still until told to move.
#[derive(Clone, Debug, Default)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// Stands at `millis` since the Unix epoch.
    pub fn new(millis: i64) -> ManualClock {
        ManualClock(Arc::new(AtomicI64::new(millis)))
    }

    /// Stands at `secs` seconds since the Unix epoch.
    pub fn at_secs(secs: i64) -> ManualClock {
        ManualClock::new(secs * 1000)
    }

    /// A [`Clock`] that reads this one.
    pub fn clock(&self) -> Clock {
        let now = Arc::clone(&self.0);
        Clock::from_fn(move || now.load(Ordering::SeqCst))
    }

    /// Moves to `millis`.
    pub fn set_millis(&self, millis: i64) {
        self.0.store(millis, Ordering::SeqCst);
    }

    /// Moves to `secs` seconds.
    pub fn set_secs(&self, secs: i64) {
        self.set_millis(secs * 1000);
    }

    /// Moves forward by `secs` seconds.
    pub fn advance_secs(&self, secs: i64) {
        self.0.fetch_add(secs * 1000, Ordering::SeqCst);
    }

    /// Moves forward by `millis`.
    pub fn advance_millis(&self, millis: i64) {
        self.0.fetch_add(millis, Ordering::SeqCst);
    }
}
