//! MemoryHandler: keeps records in RAM and passes them to a target in bursts.
//!
//! Python's `logging.handlers.MemoryHandler(capacity, flushLevel=ERROR,
//! target=None, flushOnClose=True)`: each record is buffered, and then, if the
//! buffer is full or the record is at or above the flush level, every
//! buffered record is given to the target (`target.handle`, so the target's
//! filters run but not its level, as in Python) and the buffer is emptied.
//! With no target the buffer is kept.
//!
//! Differences, each because there is no heap:
//! - Records are kept as [`CapturedRecord`]s of `M` bytes: the message is
//!   formatted when the record arrives, a longer one is cut, marked and
//!   counted in [`HandlerStats::truncated`](crate::HandlerStats::truncated).
//! - Python's list grows without bound when there is no target; here a full
//!   buffer with no target drops the new record and counts it in
//!   [`HandlerStats::dropped`](crate::HandlerStats::dropped); if a target is set later, the next record
//!   flushes the full buffer to it first.
//! - `N` must be at least 1 (a compile-time error otherwise); Python's
//!   capacity 0, which flushes every record, is the target used directly.
//! - [`ring`](MemoryHandler::ring) mode keeps the last `N` records instead of
//!   flushing when full: the oldest is dropped (and counted) to make room, and
//!   only a record at or above the flush level sends the buffer out. That is
//!   the "dump the last 32 DEBUG records when an ERROR happens" use.

use crate::captured::CapturedRecord;
use crate::table::DynHandler;
use crate::{Handler, HandlerBase, Level, Record};

/// Buffers up to `N` records of `M` text bytes and flushes them to a target.
///
/// ```
/// use emlog::{Handler, Level, MemoryHandler, NullHandler, Record};
/// let mut target = NullHandler::new();
/// let mut memory: MemoryHandler<'_, 10> = MemoryHandler::new(Level::WARNING);
/// memory.set_target(Some(&mut target));
/// memory.handle(&Record::new(Level::DEBUG, "app", format_args!("one")));
/// assert_eq!(memory.len(), 1);
/// memory.handle(&Record::new(Level::WARNING, "app", format_args!("two")));
/// assert_eq!(memory.len(), 0); // both went to the target
/// ```
pub struct MemoryHandler<'t, const N: usize, const M: usize = 128> {
    base: HandlerBase,
    flush_level: Level,
    flush_on_close: bool,
    ring: bool,
    target: Option<&'t mut DynHandler<'t>>,
    buffer: heapless::Deque<CapturedRecord<M>, N>,
    overwritten: u64,
}

impl<'t, const N: usize, const M: usize> MemoryHandler<'t, N, M> {
    /// A handler that flushes when `N` records are buffered or one at
    /// `flush_level` or above arrives (Python's default is ERROR); no target,
    /// `flush_on_close` on.
    pub const fn new(flush_level: Level) -> Self {
        MemoryHandler {
            base: HandlerBase::new(Level::NOTSET),
            flush_level,
            flush_on_close: true,
            ring: false,
            target: None,
            buffer: heapless::Deque::new(),
            overwritten: 0,
        }
    }

    /// Ring mode: keeps the last `N` records (dropping and counting the
    /// oldest) and flushes only on a record at or above the flush level.
    pub fn ring(mut self, on: bool) -> Self {
        self.ring = on;
        self
    }

    /// Whether [`close`](Handler::close) flushes first (default true).
    pub fn flush_on_close(mut self, on: bool) -> Self {
        self.flush_on_close = on;
        self
    }

    /// Sets the level.
    pub fn with_level(mut self, level: Level) -> Self {
        self.base.set_level(level);
        self
    }

    /// Names the handler (used in error reports).
    pub fn with_name(mut self, name: &'static str) -> Self {
        self.base.set_name(name);
        self
    }

    /// Replaces the target (Python's `setTarget`); `None` keeps records buffered.
    pub fn set_target(&mut self, target: Option<&'t mut DynHandler<'t>>) {
        self.target = target;
    }

    /// Takes the target out, leaving none.
    pub fn take_target(&mut self) -> Option<&'t mut DynHandler<'t>> {
        self.target.take()
    }

    /// The level that triggers a flush.
    pub fn flush_level(&self) -> Level {
        self.flush_level
    }

    /// How many records are buffered.
    pub fn len(&self) -> usize {
        self.buffer.len()
    }

    /// Whether nothing is buffered.
    pub fn is_empty(&self) -> bool {
        self.buffer.is_empty()
    }

    /// The buffered records, oldest first.
    pub fn records(&self) -> impl Iterator<Item = &CapturedRecord<M>> {
        self.buffer.iter()
    }

    /// Records dropped in ring mode to make room (also in `stats().dropped`).
    pub fn overwritten(&self) -> u64 {
        self.overwritten
    }

    /// The shared handler state: filters, name, counters.
    pub fn base_mut(&mut self) -> &mut HandlerBase {
        &mut self.base
    }

    /// Python's `shouldFlush`: full (outside ring mode) or at the flush level.
    fn should_flush(&self, level: Level) -> bool {
        (!self.ring && self.buffer.is_full()) || level >= self.flush_level
    }
}

impl<const N: usize, const M: usize> Handler for MemoryHandler<'_, N, M> {
    crate::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        if self.buffer.is_full() {
            if self.ring {
                self.buffer.pop_front();
                self.overwritten += 1;
                self.base.count_dropped();
            } else if self.target.is_some() {
                // Full from a time without a target: make room the way
                // Python would end up doing, by flushing.
                self.flush();
            } else {
                self.base.count_dropped();
                return false;
            }
        }
        let mut captured = CapturedRecord::new();
        let cut = captured.capture(record, None);
        // Cannot fail: room was made above.
        let _ = self.buffer.push_back(captured);
        self.base.count_emitted(cut);
        if self.should_flush(record.level) {
            self.flush();
        }
        true
    }

    /// Gives every buffered record to the target, oldest first, then empties
    /// the buffer. Without a target the buffer is kept (as in Python).
    fn flush(&mut self) {
        let Some(target) = self.target.as_deref_mut() else {
            return;
        };
        while let Some(captured) = self.buffer.pop_front() {
            captured.with_record(|r| target.handle(r));
        }
        target.flush();
    }

    /// Flushes if `flush_on_close`, forgets the target, and drops (counting)
    /// any later record.
    fn close(&mut self) {
        if self.base.is_closed() {
            return;
        }
        if self.flush_on_close {
            self.flush();
        }
        self.target = None;
        self.base.close();
    }
}
