//! The std dispatcher: a lock per handler, so threads writing to different
//! handlers never wait for each other.
//!
//! The core's `Dispatcher` holds one critical section while any handler runs,
//! which is right for a microcontroller and wrong for a server: a thread
//! writing a slow file would hold up a thread writing to stderr. Here the
//! handler list is published to dispatching threads, which each read their
//! own copy of it ([`crate::published_list`]: nothing shared is written to
//! find the handlers), and each handler has its own lock
//! ([`crate::handler_lock`]).

use std::cell::RefCell;
use std::sync::atomic::{AtomicU8, AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use crate::handler_lock::{Guard, HandlerLock};
use crate::handler_panic::PanicCount;
use emlog::{
    CapacityError, Dispatch, DispatchStats, Handler, HandlerStats, Level, Loggers, Record,
};

/// [`Logger`]'s `root_only` when some logger besides the root has a level.
const NAMED_LEVELS: u16 = u16::MAX;

/// How many loggers may have their own level.
pub const LOGGER_LEVELS: usize = 64;

/// Identifies a handler added to a [`Logger`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HandlerKey(u64);

/// A handler or level change was attempted from inside a handler on the same
/// thread, where it would deadlock; or the key is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoggerError {
    /// Called from inside a handler that is handling a record on this thread.
    InsideHandler,
    /// No handler has this key (it was removed, or belongs to another logger).
    UnknownHandler(HandlerKey),
    /// Too many loggers have their own level.
    Capacity(CapacityError),
}

impl std::fmt::Display for LoggerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoggerError::InsideHandler => f.write_str(
                "the logger cannot be changed from inside one of its handlers: change it from outside the logging path",
            ),
            LoggerError::UnknownHandler(key) => {
                write!(f, "no handler with key {key:?}: it was removed or never added here")
            }
            LoggerError::Capacity(e) => write!(f, "logger levels {e}"),
        }
    }
}

impl std::error::Error for LoggerError {}

use crate::LineRenderer;
use crate::held_handler::{BoxedHandler, Held, OutsideRendering};
use crate::published_list::{PublishedList, ThreadCopies};
use crate::write_out::WriteOuts;

struct Slot {
    key: HandlerKey,
    // Records from loggers outside this name never reach the handler (nor its lock).
    scope: &'static str,
    // A copy of the handler's level, so the level check needs no lock.
    level: AtomicU8,
    // For a file handler: its lines are rendered before its lock is taken.
    outside: Option<OutsideRendering>,
    // For a file handler: its buffer is written out after its lock is let go.
    write_outs: Option<Arc<Mutex<WriteOuts>>>,
    // The handler's name when added, for reporting a panic outside its lock.
    name: String,
    // `None` once removed: a thread holding an older list may still reach
    // the slot, and finds no handler.
    handler: OwnLine<HandlerLock<Option<Held>>>,
}

/// A value on cache lines of its own: a lock whose state threads logging at
/// once pass back and forth, kept apart from the fields every record only
/// reads (a handler's level, the root's level), which then stay in every
/// core's cache instead of moving with the lock.
#[repr(align(64))]
struct OwnLine<T>(T);

impl<T> std::ops::Deref for OwnLine<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl Slot {
    fn lock(&self) -> Guard<'_, Option<Held>> {
        // A handler that panicked is still usable: its state is counters and a
        // file (the lock does not poison).
        self.handler.lock()
    }

    /// Takes the handler out (removal): no record reaches it after this.
    fn take(&self) -> Option<Held> {
        self.lock().take()
    }

    /// Gives `record` to the handler; a panic in it (or in rendering its
    /// line with this thread's `renderer`) is caught and counted in `panics`.
    #[inline]
    fn handle(&self, record: &Record<'_>, panics: &PanicCount, renderer: &mut Renderer) {
        match renderer {
            Some(renderer) => {
                panics.catch(
                    || &self.name,
                    Some(record),
                    || {
                        let line = renderer.render(record).ok();
                        let now = self.outside.as_ref().and_then(OutsideRendering::now);
                        let mut held = self.lock();
                        if let Some(handler) = &mut *held
                            && handler.handle_rendered(record, line, now)
                            && let Some(write_outs) = &self.write_outs
                        {
                            // Taken before the handler's lock is let go, so this
                            // buffer reaches the file before any later one.
                            let mut outs =
                                write_outs.lock().unwrap_or_else(PoisonError::into_inner);
                            let write_out = handler.begin_write_out(&mut outs);
                            drop(held);
                            if let Some(write_out) = write_out {
                                write_out.write(&mut outs);
                            }
                        }
                    },
                );
            }
            None => {
                if let Some(held) = &mut *self.lock() {
                    panics.run(&mut **held, Some(record), |h| h.handle(record));
                }
            }
        }
    }
}

/// A thread's renderer for a slot whose lines are rendered outside its lock.
type Renderer = Option<LineRenderer>;

/// This thread's copies of the handler lists it dispatches to. Borrowed
/// while the thread is inside the logger (dispatching, or a logger change
/// that holds a handler's lock), so the borrow is also the re-entrancy
/// mark: one flag to set and clear per record.
type Copies = RefCell<ThreadCopies<Slot, Renderer>>;

thread_local! {
    static THREAD: Copies = const { RefCell::new(ThreadCopies::new()) };
}

/// This thread's renderer for `slot`: the one it had, or a new one.
fn renderer_for(slot: &Slot, kept: Option<Renderer>) -> Renderer {
    kept.flatten()
        .or_else(|| slot.outside.as_ref().map(OutsideRendering::renderer))
}

/// Runs `f` marked as inside the logger, with this thread's copies; `None`
/// if this thread already is (or is exiting and has no state left).
fn inside<R>(f: impl FnOnce(&mut ThreadCopies<Slot, Renderer>) -> R) -> Option<R> {
    THREAD
        .try_with(|copies| Some(f(&mut *copies.try_borrow_mut().ok()?)))
        .ok()
        .flatten()
}

fn inside_handler() -> bool {
    THREAD
        .try_with(|copies| copies.try_borrow_mut().is_err())
        .unwrap_or(true)
}

/// The program's dispatcher on an operating system: handlers each behind their
/// own lock, logger levels with Python's inheritance.
///
/// Like Python's root logger with handlers attached: every record whose level
/// passes its logger's effective level goes to every handler whose level it
/// passes. Per-logger handlers and `propagate` are not modelled.
///
/// A record logged from inside a handler on the same thread (a handler whose
/// output path logs) is dropped and counted in [`DispatchStats::reentrant`],
/// never re-entered or deadlocked.
///
/// A handler (or filter) that panics in `handle`, `flush` or `close` does not
/// unwind through the logger: the panic is caught, counted in
/// [`handler_panics`](Logger::handler_panics), the first one is reported
/// through [`emlog::report_error`], and the other handlers still get the record.
///
/// ```
/// use emlog::{Dispatch, Level, NullHandler};
/// use emlog_std::Logger;
/// static LOGGER: Logger = Logger::new();
/// let key = LOGGER.add(NullHandler::new()).unwrap();
/// LOGGER.set_logger_level("", Level::DEBUG).unwrap();
/// LOGGER.dispatch(&emlog::Record::new(Level::INFO, "app", format_args!("hi")));
/// assert_eq!(LOGGER.handler_stats(key).unwrap().emitted, 1);
/// ```
pub struct Logger {
    handlers: PublishedList<Slot>,
    loggers: RwLock<Loggers<LOGGER_LEVELS>>,
    /// The root's level while no other logger has one (every logger's
    /// effective level then), else [`NAMED_LEVELS`]: a record's level is
    /// checked without the `loggers` lock, whose shared counter threads
    /// logging at once would pass back and forth.
    root_only: AtomicU16,
    next_key: AtomicU64,
    reentrant: AtomicU64,
    no_handler: AtomicU64,
    panics: PanicCount,
}

impl Logger {
    /// No handlers; the root logger at WARNING, as in Python.
    pub const fn new() -> Logger {
        Logger::with_root_level(emlog::DEFAULT_ROOT_LEVEL)
    }

    /// No handlers; the root logger at `root`.
    pub const fn with_root_level(root: Level) -> Logger {
        Logger {
            handlers: PublishedList::new(),
            loggers: RwLock::new(Loggers::new(root)),
            root_only: AtomicU16::new(root.number() as u16),
            next_key: AtomicU64::new(0),
            reentrant: AtomicU64::new(0),
            no_handler: AtomicU64::new(0),
            panics: PanicCount::new(),
        }
    }

    /// Adds a handler; records go to handlers in the order they were added.
    pub fn add(&self, handler: impl Handler + Send + 'static) -> Result<HandlerKey, LoggerError> {
        self.add_scoped("", Held::new(handler))
    }

    /// Adds a handler that gets only records of logger `scope` and its
    /// descendants (`"app.db"` gets `app.db` and `app.db.pool`, not `app`):
    /// Python's handler attached to a named logger, with propagation to the
    /// root's handlers unchanged. Other records are skipped before the
    /// handler's lock, so threads logging under different names never wait
    /// for each other's handlers.
    ///
    /// ```
    /// use emlog::{Dispatch, Level, NullHandler, Record};
    /// static LOGGER: emlog_std::Logger = emlog_std::Logger::with_root_level(Level::DEBUG);
    /// let db = LOGGER.add_for("app.db", NullHandler::new()).unwrap();
    /// LOGGER.dispatch(&Record::new(Level::INFO, "app.net", format_args!("not for db")));
    /// LOGGER.dispatch(&Record::new(Level::INFO, "app.db.pool", format_args!("for db")));
    /// assert_eq!(LOGGER.handler_stats(db).unwrap().emitted, 1);
    /// ```
    pub fn add_for(
        &self,
        scope: &'static str,
        handler: impl Handler + Send + 'static,
    ) -> Result<HandlerKey, LoggerError> {
        self.add_scoped(scope, Held::new(handler))
    }

    /// Adds a boxed handler.
    pub fn add_boxed(&self, handler: BoxedHandler) -> Result<HandlerKey, LoggerError> {
        self.add_scoped("", Held::Any(handler))
    }

    fn add_scoped(&self, scope: &'static str, handler: Held) -> Result<HandlerKey, LoggerError> {
        if inside_handler() {
            return Err(LoggerError::InsideHandler);
        }
        let key = HandlerKey(self.next_key.fetch_add(1, Ordering::Relaxed));
        let slot = Arc::new(Slot {
            key,
            scope,
            level: AtomicU8::new(handler.level().number()),
            outside: handler.outside_rendering(),
            write_outs: handler.write_outs(),
            name: handler.name().to_owned(),
            handler: OwnLine(HandlerLock::new(Some(handler))),
        });
        self.handlers.change(|slots| slots.push(slot));
        self.refresh();
        Ok(key)
    }

    /// Removes a handler and hands it back (not closed). A record that
    /// another thread is dispatching at that moment reaches it or not, as
    /// it takes the handler's lock before or after the removal; none reaches
    /// it once this returns.
    pub fn remove(&self, key: HandlerKey) -> Result<BoxedHandler, LoggerError> {
        if inside_handler() {
            return Err(LoggerError::InsideHandler);
        }
        let slot = self.handlers.change(|slots| {
            let i = slots
                .iter()
                .position(|s| s.key == key)
                .ok_or(LoggerError::UnknownHandler(key))?;
            Ok(slots.remove(i))
        })?;
        self.refresh();
        // Taken after the list's lock is released: a handler holding its own
        // lock may be asking the list for something (`handler_count`).
        slot.take()
            .map(Held::into_boxed)
            .ok_or(LoggerError::UnknownHandler(key))
    }

    /// The slot of handler `key`.
    fn slot(&self, key: HandlerKey) -> Result<Arc<Slot>, LoggerError> {
        self.handlers
            .snapshot()
            .0
            .and_then(|slots| slots.iter().find(|s| s.key == key).cloned())
            .ok_or(LoggerError::UnknownHandler(key))
    }

    /// Runs `f` on one handler, under its lock. `f` must not change this
    /// logger (such calls return [`LoggerError::InsideHandler`]).
    pub fn with_handler<R>(
        &self,
        key: HandlerKey,
        f: impl FnOnce(&mut (dyn Handler + Send)) -> R,
    ) -> Result<R, LoggerError> {
        let result = inside(|_| {
            let slot = self.slot(key)?;
            let mut held = slot.lock();
            let handler = held.as_mut().ok_or(LoggerError::UnknownHandler(key))?;
            let result = f(&mut **handler);
            slot.level
                .store(handler.level().number(), Ordering::Relaxed);
            Ok(result)
        })
        .ok_or(LoggerError::InsideHandler)??;
        self.refresh();
        Ok(result)
    }

    /// A handler's counters.
    pub fn handler_stats(&self, key: HandlerKey) -> Result<HandlerStats, LoggerError> {
        self.with_handler(key, |h| h.stats())
    }

    /// Changes a handler's level.
    pub fn set_handler_level(&self, key: HandlerKey, level: Level) -> Result<(), LoggerError> {
        self.with_handler(key, |h| h.set_level(level))
    }

    /// Sets a logger's level (`""` is the root); a logger without a level takes
    /// its nearest configured ancestor's (Python's effective level).
    pub fn set_logger_level(&self, name: &'static str, level: Level) -> Result<(), LoggerError> {
        if inside_handler() {
            return Err(LoggerError::InsideHandler);
        }
        {
            let mut loggers = self.loggers.write().unwrap_or_else(PoisonError::into_inner);
            let set = loggers
                .set_level(name, level)
                .map_err(LoggerError::Capacity);
            let root_only = if loggers.has_named_levels() {
                NAMED_LEVELS
            } else {
                u16::from(loggers.root_level().number())
            };
            self.root_only.store(root_only, Ordering::Relaxed);
            set?;
        }
        self.refresh();
        Ok(())
    }

    /// A logger's effective level.
    pub fn effective_level(&self, name: &str) -> Level {
        self.loggers
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .effective_level(name)
    }

    /// How many times a handler or filter panicked (caught; the first was reported).
    pub fn handler_panics(&self) -> u64 {
        self.panics.get()
    }

    /// How many handlers there are.
    pub fn handler_count(&self) -> usize {
        self.handlers.snapshot().0.map_or(0, |slots| slots.len())
    }

    /// Flushes every handler, waiting for each one's lock.
    pub fn flush_all(&self) {
        let Some(slots) = self.handlers.snapshot().0 else {
            return;
        };
        inside(|_| {
            for slot in slots.iter() {
                if let Some(held) = &mut *slot.lock() {
                    self.panics.run(&mut **held, None, |h| h.flush());
                }
            }
        });
    }

    /// Flushes every handler every `interval` on a thread of its own, until
    /// the returned guard is dropped: buffered files are written out within
    /// about one interval even when no further record arrives. Each handler's
    /// lock is held only for its own flush.
    ///
    /// ```
    /// use std::time::Duration;
    /// static LOGGER: emlog_std::Logger = emlog_std::Logger::new();
    /// let timer = LOGGER.flush_every(Duration::from_secs(1)).unwrap();
    /// drop(timer);
    /// ```
    pub fn flush_every(
        &'static self,
        interval: std::time::Duration,
    ) -> std::io::Result<crate::PeriodicFlush> {
        crate::PeriodicFlush::start(interval, move || self.flush_all())
    }

    /// Flushes the handlers whose lock is free now; for panic hooks, where the
    /// panicking thread may hold a handler's lock.
    pub fn try_flush_all(&self) {
        let Some(Some(slots)) = self.handlers.try_snapshot() else {
            return;
        };
        for slot in slots.iter() {
            if let Some(mut held) = slot.handler.try_lock()
                && let Some(handler) = &mut *held
            {
                self.panics.run(&mut **handler, None, |h| h.flush());
            }
        }
    }

    /// Flushes and closes every handler, the last added first (Python's
    /// `logging.shutdown` order), and removes them.
    pub fn shutdown(&self) -> Result<(), LoggerError> {
        if inside_handler() {
            return Err(LoggerError::InsideHandler);
        }
        let slots = self.handlers.change(std::mem::take);
        for slot in slots.iter().rev() {
            if let Some(mut handler) = slot.take() {
                self.panics.run(&mut *handler, None, |h| {
                    h.flush();
                    h.close();
                });
            }
        }
        self.refresh();
        Ok(())
    }

    fn refresh(&self) {
        if let Some(installed) = emlog::installed()
            && std::ptr::addr_eq(installed as *const dyn Dispatch, self as *const Logger)
        {
            emlog::refresh_threshold();
        }
    }
}

impl Default for Logger {
    fn default() -> Logger {
        Logger::new()
    }
}

impl std::fmt::Debug for Logger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logger")
            .field("handlers", &self.handler_count())
            .field("stats", &self.stats())
            .finish()
    }
}

impl Drop for Logger {
    /// Drops the handlers now (a buffered file writes out), not when the
    /// last thread holding a copy of the list lets go of their slots.
    fn drop(&mut self) {
        for slot in self.handlers.change(std::mem::take) {
            drop(slot.take());
        }
    }
}

impl Logger {
    /// Whether `record` passes its logger's effective level.
    #[inline]
    fn passes_logger_level(&self, record: &Record<'_>) -> bool {
        let root_only = self.root_only.load(Ordering::Relaxed);
        // One compare while only the root has a level: NAMED_LEVELS is
        // above every level, so it fails here and asks the loggers.
        u16::from(record.level.number()) >= root_only
            || (root_only == NAMED_LEVELS && record.level >= self.effective_level(record.logger))
    }

    /// Offers `record` to each handler in turn: out of line, so that the
    /// lone handler's path keeps no loop state in registers.
    #[inline(never)]
    fn offer_each(&self, entries: &mut [(Arc<Slot>, Renderer)], record: &Record<'_>) {
        for (slot, renderer) in entries {
            self.offer(slot, renderer, record);
        }
    }

    /// Gives `record` to the handler in `slot` if it passes the handler's
    /// level and scope.
    #[inline]
    fn offer(&self, slot: &Slot, renderer: &mut Renderer, record: &Record<'_>) {
        if record.level >= Level::new(slot.level.load(Ordering::Relaxed))
            && (slot.scope.is_empty() || emlog::filter::is_within(record.logger, slot.scope))
        {
            slot.handle(record, &self.panics, renderer);
        }
    }
}

impl Dispatch for Logger {
    fn dispatch(&self, record: &Record<'_>) {
        let dispatched = inside(|copies| {
            if !self.passes_logger_level(record) {
                return;
            }
            let generation = self.handlers.generation();
            match copies.get(&self.handlers, generation, renderer_for) {
                // The usual logger: one handler, no loop around it.
                [(slot, renderer)] => self.offer(slot, renderer, record),
                [] => {
                    self.no_handler.fetch_add(1, Ordering::Relaxed);
                }
                entries => self.offer_each(entries, record),
            }
        });
        if dispatched.is_none() {
            self.reentrant.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn flush(&self) {
        self.flush_all();
    }

    fn lowest_level(&self) -> Level {
        let loggers = self
            .loggers
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .lowest();
        let handlers = self
            .handlers
            .snapshot()
            .0
            .and_then(|slots| {
                slots
                    .iter()
                    .map(|s| Level::new(s.level.load(Ordering::Relaxed)))
                    .min()
            })
            // With no handler, records are still made so they can be counted.
            .unwrap_or(Level::NOTSET);
        loggers.max(handlers)
    }

    fn stats(&self) -> DispatchStats {
        DispatchStats {
            reentrant: self.reentrant.load(Ordering::Relaxed),
            no_handler: self.no_handler.load(Ordering::Relaxed),
        }
    }
}
