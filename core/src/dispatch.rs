//! Global dispatch: the one place the macros send records to.
//!
//! The application installs one [`Dispatch`] for the whole program, once. The
//! core's [`Dispatcher`] keeps its handlers and logger levels behind a
//! `critical-section` mutex, so records from interrupt handlers are safe; the
//! std crate installs its own dispatcher with a lock per handler.
//!
//! Cheap when off: the installed dispatcher publishes the lowest level anything
//! wants as one atomic byte ([`threshold`]). A call below it costs a load and a
//! compare, before any record exists.

use core::cell::{Cell, UnsafeCell};
use core::fmt;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicU8, AtomicU32, Ordering};

use critical_section::Mutex;

use crate::handler::Count;
use crate::table::{DynHandler, HandlerTable, UnknownHandler};
use crate::{HandlerId, HandlerStats, Level, Loggers, Record};

/// A program-wide destination for records, installed once with [`install`].
///
/// # Contract
///
/// - `dispatch` is called from any context that logs, including interrupt
///   handlers and several threads at once; it must not panic.
/// - A record logged while `dispatch` is running on the same context (a
///   handler that logs) must be dropped and counted, never re-entered without
///   end or deadlocked.
/// - [`lowest_level`](Dispatch::lowest_level) is a level below which no record
///   is wanted; it is published as [`threshold`] by [`refresh_threshold`].
pub trait Dispatch: Sync {
    /// Takes one record; decides by logger and handler levels.
    fn dispatch(&self, record: &Record<'_>);
    /// Flushes every handler.
    fn flush(&self);
    /// The lowest level any record may have and still be wanted.
    fn lowest_level(&self) -> Level;
    /// What the dispatcher dropped.
    fn stats(&self) -> DispatchStats;
    /// Whether a call at `level` on `logger` is wanted by the logger levels
    /// alone (no handler is asked). The macros of feature `defmt-mode` ask it
    /// after the [`threshold`], since their records go to defmt, not to the
    /// handlers. By default every call that passed the threshold is wanted.
    #[cfg(feature = "defmt-mode")]
    fn wants(&self, level: Level, logger: &str) -> bool {
        let _ = (level, logger);
        true
    }
}

/// Records a dispatcher dropped, by reason. The core [`Dispatcher`] counts
/// as handlers do (see [`HandlerStats`]: on targets narrower than 64 bits,
/// each count stops at `u32::MAX`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DispatchStats {
    /// Logged from inside a handler while the dispatcher was busy on the same context.
    pub reentrant: u64,
    /// Wanted by the logger levels but there was no handler at all.
    pub no_handler: u64,
}

const UNINSTALLED: u8 = 0;
const INSTALLED: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(UNINSTALLED);
// `None` until install: zero, so in `.bss`, and no stand-in dispatcher's
// methods are linked.
static mut DISPATCH: Option<&'static dyn Dispatch> = None;
// Level 0 until install, so early records reach `log` and are counted.
static THRESHOLD: AtomicU8 = AtomicU8::new(0);
static BEFORE_INSTALL: AtomicU32 = AtomicU32::new(0);

/// Installs the program's dispatcher. Only the first call succeeds; later
/// ones return [`AlreadyInstalled`]. Marks the start of logging for
/// `relativeCreated`.
///
/// ```
/// static LOGGING: emlog::Dispatcher<2> = emlog::Dispatcher::new();
/// emlog::install(&LOGGING).unwrap();
/// assert!(emlog::install(&LOGGING).is_err());
/// ```
pub fn install(dispatch: &'static dyn Dispatch) -> Result<(), AlreadyInstalled> {
    critical_section::with(|_| {
        if STATE.load(Ordering::Relaxed) != UNINSTALLED {
            return Err(AlreadyInstalled);
        }
        // SAFETY: written once, inside a critical section, before STATE says
        // INSTALLED; readers read it only after seeing INSTALLED (Acquire).
        unsafe { DISPATCH = Some(dispatch) };
        crate::record::mark_start();
        STATE.store(INSTALLED, Ordering::Release);
        Ok(())
    })?;
    // From the argument rather than the static: a program that installs a
    // known dispatcher then needs no look-up through it.
    publish_threshold(dispatch.lowest_level());
    Ok(())
}

/// The installed dispatcher, if any.
pub fn installed() -> Option<&'static dyn Dispatch> {
    // Not UNINSTALLED rather than INSTALLED, its only other value: a test
    // for zero, without a comparison.
    if STATE.load(Ordering::Acquire) != UNINSTALLED {
        // SAFETY: see `install`, which stores `Some` before INSTALLED (so
        // the `None` case, which would be a second test, cannot happen).
        Some(unsafe { (*core::ptr::addr_of!(DISPATCH)).unwrap_unchecked() })
    } else {
        None
    }
}

/// The lowest level a record needs to be worth making (one atomic load).
#[inline(always)]
pub fn threshold() -> Level {
    Level::new(THRESHOLD.load(Ordering::Relaxed))
}

/// Re-reads the installed dispatcher's lowest level into [`threshold`] (and
/// into the `log` crate's max level when the bridge is compiled in). Dispatchers
/// call it after every level change.
pub fn refresh_threshold() {
    if let Some(dispatch) = installed() {
        publish_threshold(dispatch.lowest_level());
    }
}

fn publish_threshold(lowest: Level) {
    THRESHOLD.store(lowest.number(), Ordering::Relaxed);
    #[cfg(feature = "log")]
    crate::log_bridge::set_log_max_level(lowest);
}

/// Whether the installed dispatcher's logger levels want a call at `level`
/// on `logger` (see [`Dispatch::wants`]); true before install.
#[cfg(feature = "defmt-mode")]
#[inline(always)]
pub(crate) fn wants(level: Level, logger: &str) -> bool {
    // Until a named logger has a level, the threshold alone decides, and a
    // program that never sets one does not link the per-logger look-up.
    !crate::loggers::named_levels_anywhere() || logger_wants(level, logger)
}

// Kept out of line: the call site stays a load and a branch.
#[cfg(feature = "defmt-mode")]
#[inline(never)]
fn logger_wants(level: Level, logger: &str) -> bool {
    match installed() {
        Some(d) => d.wants(level, logger),
        None => true,
    }
}

/// Sends a record to the installed dispatcher; before install it is counted
/// in [`Stats::before_install`].
pub fn dispatch(record: &Record<'_>) {
    match installed() {
        Some(d) => d.dispatch(record),
        None => count(&BEFORE_INSTALL),
    }
}

/// Flushes the installed dispatcher's handlers.
pub fn flush() {
    if let Some(d) = installed() {
        d.flush();
    }
}

/// Program-wide counts of records that reached no handler.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Logged before a dispatcher was installed.
    pub before_install: u32,
    /// The installed dispatcher's own drops.
    pub dispatch: DispatchStats,
}

/// Counts of records that reached no handler, program-wide.
pub fn stats() -> Stats {
    Stats {
        before_install: BEFORE_INSTALL.load(Ordering::Relaxed),
        dispatch: installed().map(|d| d.stats()).unwrap_or_default(),
    }
}

fn count(counter: &AtomicU32) {
    #[cfg(target_has_atomic = "32")]
    counter.fetch_add(1, Ordering::Relaxed);
    #[cfg(not(target_has_atomic = "32"))]
    critical_section::with(|_| {
        counter.store(
            counter.load(Ordering::Relaxed).wrapping_add(1),
            Ordering::Relaxed,
        )
    });
}

/// A dispatcher was already installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlreadyInstalled;

impl fmt::Display for AlreadyInstalled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a dispatcher is already installed: install one per program, at start-up")
    }
}

impl core::error::Error for AlreadyInstalled {}

/// A fixed-capacity collection was full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapacityError {
    /// How many it holds.
    pub capacity: usize,
}

impl fmt::Display for CapacityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "full: it holds {} entries; raise its capacity parameter",
            self.capacity
        )
    }
}

impl core::error::Error for CapacityError {}

/// A dispatcher with one run-time level and no handlers: what a program in
/// defmt mode (feature `defmt-mode`) installs when its macros' calls, which go
/// to defmt, need only a level, not per-logger levels (those need a
/// [`Dispatcher`]). A [`Record`] dispatched to it (from the `log` bridge) at or
/// above the level has no handler: it is counted in
/// [`DispatchStats::no_handler`].
///
/// ```
/// use emlog::{Dispatch, Level, LevelOnly};
/// static LOGGING: LevelOnly = LevelOnly::new(Level::INFO);
/// emlog::install(&LOGGING).unwrap();
/// assert_eq!(emlog::threshold(), Level::INFO);
/// LOGGING.set_level(Level::DEBUG);
/// assert_eq!(emlog::threshold(), Level::DEBUG);
/// ```
#[derive(Debug)]
pub struct LevelOnly {
    level: AtomicU8,
    no_handler: AtomicU32,
}

impl LevelOnly {
    /// A dispatcher at `level`.
    pub const fn new(level: Level) -> Self {
        LevelOnly {
            level: AtomicU8::new(level.number()),
            no_handler: AtomicU32::new(0),
        }
    }

    /// The level.
    pub fn level(&self) -> Level {
        Level::new(self.level.load(Ordering::Relaxed))
    }

    /// Changes the level (and the [`threshold`], when this is the installed dispatcher).
    pub fn set_level(&self, level: Level) {
        self.level.store(level.number(), Ordering::Relaxed);
        refresh_threshold();
    }
}

impl Dispatch for LevelOnly {
    fn dispatch(&self, record: &Record<'_>) {
        if record.level >= self.level() {
            count(&self.no_handler);
        }
    }

    fn flush(&self) {}

    fn lowest_level(&self) -> Level {
        self.level()
    }

    fn stats(&self) -> DispatchStats {
        DispatchStats {
            reentrant: 0,
            no_handler: u64::from(self.no_handler.load(Ordering::Relaxed)),
        }
    }
}

/// A value that one borrower at a time may change: `RefCell` without shared
/// borrows, whose mark is a byte set and cleared (no count to read, add to
/// and write back when the borrow ends). The dispatcher's tables, inside its
/// critical section, where the only second borrower is a handler logging
/// from its own output path.
struct Exclusive<T> {
    /// Non-zero while borrowed: a byte, not a `bool`, which the compiler
    /// tests by comparing with 1 rather than with a test for zero.
    busy: Cell<u8>,
    value: UnsafeCell<T>,
}

impl<T> Exclusive<T> {
    const fn new(value: T) -> Self {
        Exclusive {
            busy: Cell::new(0),
            value: UnsafeCell::new(value),
        }
    }

    /// The value, unless it is borrowed already.
    #[inline(always)]
    fn try_lock(&self) -> Result<Lock<'_, T>, Busy> {
        if self.busy.get() != 0 {
            return Err(Busy);
        }
        self.busy.set(1);
        Ok(Lock(self))
    }
}

/// The value of an [`Exclusive`] was borrowed already.
struct Busy;

/// The borrow of an [`Exclusive`]'s value, ended when dropped.
struct Lock<'a, T>(&'a Exclusive<T>);

impl<T> Drop for Lock<'_, T> {
    #[inline(always)]
    fn drop(&mut self) {
        self.0.busy.set(0);
    }
}

impl<T> Deref for Lock<'_, T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: `busy` was 0 when this lock was made and is 1 until
        // it is dropped, so no other `Lock` of the value exists meanwhile; the
        // value is reached only through a `Lock` (and `Exclusive` is not
        // `Sync`: one context at a time, here the holder of the critical
        // section).
        unsafe { &*self.0.value.get() }
    }
}

impl<T> DerefMut for Lock<'_, T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this the only
        // reference made through this lock.
        unsafe { &mut *self.0.value.get() }
    }
}

struct Tables<const N: usize, const L: usize> {
    handlers: HandlerTable<'static, N>,
    loggers: Loggers<L>,
}

/// The core's dispatcher: up to `N` handlers and `L` logger levels behind a
/// critical section, safe to log into from interrupt handlers.
///
/// While a record is handled the critical section is held, so records from
/// interrupts wait and every line comes out whole. That also means interrupts
/// are held off for as long as the slowest handler writes; the queue handler
/// is the way to keep slow output out of interrupt context.
///
/// ```
/// use emlog::{Dispatch, Dispatcher, Level, NullHandler};
/// static LOGGING: Dispatcher<2> = Dispatcher::new();
/// static mut NULL: NullHandler = NullHandler::new();
/// // SAFETY: taken once, here.
/// let handler = unsafe { &mut *core::ptr::addr_of_mut!(NULL) };
/// let id = LOGGING.add(handler).unwrap();
/// LOGGING.set_handler_level(id, Level::INFO).unwrap();
/// LOGGING.set_logger_level("", Level::DEBUG).unwrap();
/// assert_eq!(LOGGING.lowest_level(), Level::INFO);
/// ```
///
/// A firmware that sets no logger's level can leave no room for any
/// (`L = 0`): the root logger's level still applies, and a named logger's
/// level is refused with [`CapacityError`].
///
/// ```
/// use emlog::{CapacityError, Dispatch, Dispatcher, Level};
/// static LOGGING: Dispatcher<1, 0> = Dispatcher::with_root_level(Level::INFO);
/// assert_eq!(LOGGING.set_logger_level("app.net", Level::DEBUG), Err(CapacityError { capacity: 0 }));
/// LOGGING.set_logger_level("", Level::ERROR).unwrap();
/// assert_eq!(LOGGING.lowest_level(), Level::ERROR);
/// ```
pub struct Dispatcher<const N: usize, const L: usize = 8> {
    tables: Mutex<Exclusive<Tables<N, L>>>,
    drops: Mutex<Cell<Drops>>,
}

/// What a [`Dispatcher`] dropped ([`DispatchStats`]), in its counters.
#[derive(Clone, Copy)]
struct Drops {
    reentrant: Count,
    no_handler: Count,
}

impl<const N: usize, const L: usize> Dispatcher<N, L> {
    /// No handlers; the root logger at WARNING, as in Python.
    pub const fn new() -> Self {
        Self::with_root_level(crate::loggers::DEFAULT_ROOT_LEVEL)
    }

    /// No handlers; the root logger at `root`.
    pub const fn with_root_level(root: Level) -> Self {
        Dispatcher {
            tables: Mutex::new(Exclusive::new(Tables {
                handlers: HandlerTable::new(),
                loggers: Loggers::new(root),
            })),
            drops: Mutex::new(Cell::new(Drops {
                reentrant: Count::ZERO,
                no_handler: Count::ZERO,
            })),
        }
    }

    /// Runs `f` on the tables, unless a handler is running (then `None`).
    fn with_tables<R>(&self, f: impl FnOnce(&mut Tables<N, L>) -> R) -> Option<R> {
        let result = critical_section::with(|cs| {
            let mut tables = self.tables.borrow(cs).try_lock().ok()?;
            Some(f(&mut tables))
        });
        if result.is_some() {
            refresh_threshold();
        }
        result
    }

    /// Adds a handler. When `N` are already there it is handed back in `Err`
    /// (also when called from inside a handler, which cannot change the table).
    pub fn add(
        &self,
        handler: &'static mut DynHandler<'static>,
    ) -> Result<HandlerId, &'static mut DynHandler<'static>> {
        let result = critical_section::with(|cs| match self.tables.borrow(cs).try_lock() {
            Ok(mut tables) => tables.handlers.add(handler),
            Err(_) => Err(handler),
        });
        if result.is_ok() {
            refresh_threshold();
        }
        result
    }

    /// Removes a handler and hands it back.
    pub fn remove(&self, id: HandlerId) -> Option<&'static mut DynHandler<'static>> {
        self.with_tables(|t| t.handlers.remove(id)).flatten()
    }

    /// Changes a handler's level.
    pub fn set_handler_level(&self, id: HandlerId, level: Level) -> Result<(), UnknownHandler> {
        self.with_tables(|t| t.handlers.set_level(id, level))
            .unwrap_or(Err(UnknownHandler(id)))
    }

    /// Sets a logger's level (`""` is the root); see [`Loggers::set_level`].
    pub fn set_logger_level(&self, name: &'static str, level: Level) -> Result<(), CapacityError> {
        self.with_tables(|t| t.loggers.set_level(name, level))
            .unwrap_or(Err(CapacityError { capacity: L }))
    }

    /// A handler's counters.
    pub fn handler_stats(&self, id: HandlerId) -> Result<HandlerStats, UnknownHandler> {
        self.with_tables(|t| t.handlers.get_mut(id).map(|h| h.stats()))
            .unwrap_or(Err(UnknownHandler(id)))
    }

    /// Runs `f` on one handler, inside the critical section.
    pub fn with_handler<R>(
        &self,
        id: HandlerId,
        f: impl FnOnce(&mut DynHandler<'static>) -> R,
    ) -> Result<R, UnknownHandler> {
        self.with_tables(|t| t.handlers.get_mut(id).map(f))
            .unwrap_or(Err(UnknownHandler(id)))
    }

    /// Closes every handler, last added first.
    pub fn close(&self) {
        self.with_tables(|t| t.handlers.close());
    }

    /// Counts a drop, inside the critical section the caller holds. Out of
    /// the way of a record that reaches its handlers.
    #[cold]
    #[inline(never)]
    fn count(&self, cs: critical_section::CriticalSection<'_>, f: impl FnOnce(&mut Drops)) {
        let cell = self.drops.borrow(cs);
        let mut drops = cell.get();
        f(&mut drops);
        cell.set(drops);
    }
}

impl<const N: usize, const L: usize> Default for Dispatcher<N, L> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize, const L: usize> Dispatch for Dispatcher<N, L> {
    // Inlined where the compiler knows the dispatcher (a firmware's one
    // installed `Dispatcher`, whose calls it resolves): no call, frame or
    // moves between making the record and the critical section.
    #[inline(always)]
    fn dispatch(&self, record: &Record<'_>) {
        critical_section::with(|cs| {
            let Ok(mut tables) = self.tables.borrow(cs).try_lock() else {
                // A handler is logging from inside its own output path.
                self.count(cs, |d| d.reentrant.add_one());
                return;
            };
            if record.level < tables.loggers.effective_level(record.logger) {
                return;
            }
            if tables.handlers.offer_all(record).is_none() {
                self.count(cs, |d| d.no_handler.add_one());
            }
        });
    }

    #[cfg(feature = "defmt-mode")]
    fn wants(&self, level: Level, logger: &str) -> bool {
        critical_section::with(|cs| match self.tables.borrow(cs).try_lock() {
            Ok(t) => level >= t.loggers.effective_level(logger),
            // Asked from inside a handler: the levels cannot be read; the
            // threshold already passed, so the call goes out.
            Err(_) => true,
        })
    }

    fn flush(&self) {
        self.with_tables(|t| t.handlers.flush());
    }

    fn lowest_level(&self) -> Level {
        critical_section::with(|cs| match self.tables.borrow(cs).try_lock() {
            Ok(t) => {
                let loggers = t.loggers.lowest();
                // In defmt mode the macros' calls go to defmt, which takes
                // every level: handler levels must not hold them back.
                if cfg!(feature = "defmt-mode") {
                    return loggers;
                }
                // With no handler, records are still made so they can be counted.
                let handlers = t.handlers.lowest_level().unwrap_or(Level::NOTSET);
                loggers.max(handlers)
            }
            Err(_) => Level::NOTSET,
        })
    }

    fn stats(&self) -> DispatchStats {
        let drops = critical_section::with(|cs| self.drops.borrow(cs).get());
        DispatchStats {
            reentrant: drops.reentrant.get(),
            no_handler: drops.no_handler.get(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Exclusive;

    /// One borrow at a time: a second is refused while the first lives, and
    /// the value is free again, with what the first wrote, once it ends.
    #[test]
    fn an_exclusive_value_has_one_borrower_at_a_time() {
        let cell = Exclusive::new(1);
        {
            let Ok(mut first) = cell.try_lock() else {
                panic!("a free value is lent");
            };
            *first += 1;
            assert!(cell.try_lock().is_err(), "not while borrowed");
        }
        let Ok(again) = cell.try_lock() else {
            panic!("free again after the borrow");
        };
        assert_eq!(*again, 2);
    }

    /// A panic under a borrow that unwinds (on a host) ends the borrow, so
    /// a dispatcher whose handler panicked does not go on refusing every
    /// record as re-entrant.
    #[test]
    fn a_panic_under_a_borrow_ends_it() {
        extern crate std;
        let cell = Exclusive::new(1);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let Ok(_lock) = cell.try_lock() else {
                return;
            };
            panic!("a handler panics under the borrow");
        }));
        assert!(caught.is_err(), "the borrow was lent and the panic caught");
        assert!(cell.try_lock().is_ok(), "free again after the panic");
    }
}
