//! The panic path: get the queued and buffered records out before the program stops.
//!
//! Zephyr's logging has a *panic mode*: when the system faults, everything
//! still deferred is processed synchronously before the halt. Here the
//! application's `#[panic_handler]` calls [`flush_on_panic`] with the
//! listeners and MemoryHandlers it wants emptied, then exits.
//!
//! The difficulty is that the panic may have happened *inside* the very code
//! that would do the flushing: a handler of the listener, or a MemoryHandler's
//! target, or a handler inside the core [`Dispatcher`](crate::Dispatcher)
//! (whose tables are then borrowed, marked busy). Touching those again would
//! alias a `&mut` that is still live lower on the stack, or be refused as
//! busy. So objects to be flushed on panic live in a [`PanicCell`], which
//! knows whether it is in use: the panic path flushes the cells that are free
//! and reports the busy ones instead of deadlocking or re-entering them. For a
//! busy listener there is a way around it: the [`crate::Queue`] itself
//! is lock-free and separate from the listener, so [`drain_to_writer`] can
//! still write the queued records, as plain lines, to a writer the panic
//! handler owns (typically the UART, stolen for the occasion). `emlog::flush()`
//! is safe too: the core dispatcher skips its flush when its tables are busy.
//!
//! ```
//! use emlog::panic_flush::{PanicCell, flush_on_panic};
//! use emlog::{Level, MemoryHandler, NullHandler, Record, Handler};
//! static MEMORY: PanicCell<MemoryHandler<'static, 8, 64>> =
//!     PanicCell::new(MemoryHandler::new(Level::ERROR));
//! MEMORY.with(|m| m.handle(&Record::new(Level::DEBUG, "app", format_args!("context"))));
//! // In the panic handler:
//! let report = flush_on_panic(&[&MEMORY]);
//! assert_eq!(report.busy, 0);
//! ```

use core::cell::UnsafeCell;
use core::fmt;
use core::sync::atomic::{AtomicU32, Ordering};

use crate::captured::CapturedRecord;
use crate::cas::compare_exchange;
use crate::{
    Formatter, Handler, HandlerStats, Level, LineBuffer, MemoryHandler, Queue, QueueListener,
    Record, TRUNCATION_MARKER,
};

const FREE: u32 = 0;
const IN_USE: u32 = 1;
const TAKEN_BY_PANIC: u32 = 2;

/// A value used from the main loop that the panic handler can take over,
/// knowing whether the panic happened while it was in use.
///
/// ```
/// use emlog::panic_flush::PanicCell;
/// static COUNT: PanicCell<u32> = PanicCell::new(0);
/// assert_eq!(COUNT.with(|c| { *c += 1; *c }), Some(1));
/// // Re-entered while in use: refused, not aliased.
/// assert_eq!(COUNT.with(|_| COUNT.with(|c| *c)), Some(None));
/// ```
pub struct PanicCell<T> {
    state: AtomicU32,
    value: UnsafeCell<T>,
}

// SAFETY: the state word hands the value to one context at a time.
unsafe impl<T: Send> Sync for PanicCell<T> {}

impl<T> PanicCell<T> {
    /// A free cell holding `value`.
    pub const fn new(value: T) -> Self {
        PanicCell {
            state: AtomicU32::new(FREE),
            value: UnsafeCell::new(value),
        }
    }

    /// Runs `f` on the value; `None` (without running it) if the value is
    /// already in use (a re-entrant call, another context) or was taken by the
    /// panic path.
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        if !compare_exchange(&self.state, FREE, IN_USE) {
            return None;
        }
        // SAFETY: the state went FREE → IN_USE for this call only.
        let result = f(unsafe { &mut *self.value.get() });
        self.state.store(FREE, Ordering::Release);
        Some(result)
    }

    /// For the panic handler: the value, if it was not in use when the panic
    /// happened. The cell then stays taken for good (the program is stopping).
    // One `&mut` at most ever comes out: the state word's FREE → TAKEN_BY_PANIC
    // transition succeeds once, and `with` refuses a taken cell.
    #[allow(clippy::mut_from_ref)]
    pub fn take_for_panic(&self) -> Option<&mut T> {
        if compare_exchange(&self.state, FREE, TAKEN_BY_PANIC) {
            // SAFETY: FREE → TAKEN_BY_PANIC happens once and is never undone.
            Some(unsafe { &mut *self.value.get() })
        } else {
            None
        }
    }

    /// Whether the value is in use right now (or taken by the panic path).
    pub fn is_busy(&self) -> bool {
        self.state.load(Ordering::Acquire) != FREE
    }
}

/// A handler (for a table) that forwards to the handler in a [`PanicCell`],
/// so the panic path can still reach it. A record arriving while the cell is
/// busy (logged from inside that handler) is dropped and counted here.
pub struct PanicCellHandler<'c, T: Handler + Send> {
    cell: &'c PanicCell<T>,
    level: Level,
    dropped: u64,
}

impl<'c, T: Handler + Send> PanicCellHandler<'c, T> {
    /// A forwarder to `cell`, at the level the handler inside has now.
    pub fn new(cell: &'c PanicCell<T>) -> Self {
        let level = cell.with(|h| h.level()).unwrap_or(Level::NOTSET);
        PanicCellHandler {
            cell,
            level,
            dropped: 0,
        }
    }
}

impl<T: Handler + Send> Handler for PanicCellHandler<'_, T> {
    fn level(&self) -> Level {
        self.level
    }

    fn set_level(&mut self, level: Level) {
        self.level = level;
        self.cell.with(|h| h.set_level(level));
    }

    fn handle(&mut self, record: &Record<'_>) -> bool {
        match self.cell.with(|h| h.handle(record)) {
            Some(emitted) => emitted,
            None => {
                self.dropped += 1;
                false
            }
        }
    }

    fn flush(&mut self) {
        self.cell.with(|h| h.flush());
    }

    fn close(&mut self) {
        self.cell.with(|h| h.close());
    }

    fn stats(&self) -> HandlerStats {
        let mut stats = self.cell.with(|h| h.stats()).unwrap_or_default();
        stats.dropped += self.dropped;
        stats
    }
}

/// Something that can push out everything it holds, synchronously.
pub trait PanicFlush {
    /// Sends every pending record to its destination and flushes it; returns
    /// how many records went out.
    fn flush_for_panic(&mut self) -> usize;
}

impl<const N: usize, const M: usize> PanicFlush for MemoryHandler<'_, N, M> {
    /// Flushes the buffer to the target, whatever the flush level (none if
    /// there is no target: then the records stay, and 0 is returned).
    fn flush_for_panic(&mut self) -> usize {
        let before = self.len();
        Handler::flush(self);
        before - self.len()
    }
}

impl<const N: usize, const M: usize, const H: usize> PanicFlush for QueueListener<'_, '_, N, M, H> {
    /// Drains the queue into the listener's handlers, then flushes them.
    fn flush_for_panic(&mut self) -> usize {
        let handled = self.process_all();
        self.flush();
        handled
    }
}

impl<T: PanicFlush> PanicFlush for Option<T> {
    /// Flushes the value if there is one (a listener set up at run time).
    fn flush_for_panic(&mut self) -> usize {
        self.as_mut().map_or(0, T::flush_for_panic)
    }
}

/// What the panic path can flush: a [`PanicCell`] holding a [`PanicFlush`].
pub trait PanicTarget: Sync {
    /// Flushes the value if it is free: `Some(records)`, or `None` when the
    /// panic happened while it was in use.
    fn panic_flush(&self) -> Option<usize>;
}

impl<T: PanicFlush + Send> PanicTarget for PanicCell<T> {
    fn panic_flush(&self) -> Option<usize> {
        self.take_for_panic().map(|value| value.flush_for_panic())
    }
}

/// What [`flush_on_panic`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PanicReport {
    /// Records sent out.
    pub flushed: usize,
    /// Targets skipped because the panic happened while they were in use.
    pub busy: usize,
}

/// For the application's panic handler: flushes each target that is not in
/// use, in order, then the installed dispatcher's handlers
/// ([`crate::flush`], which skips itself when a handler is running).
/// Never blocks on a lock, never re-enters a busy target.
pub fn flush_on_panic(targets: &[&dyn PanicTarget]) -> PanicReport {
    let mut report = PanicReport::default();
    for target in targets {
        match target.panic_flush() {
            Some(n) => report.flushed += n,
            None => report.busy += 1,
        }
    }
    crate::flush();
    report
}

/// The way around a busy listener: writes every queued record to `writer` as
/// one line each, rendered with `formatter`, then reports drops as the
/// listener would. Returns how many lines were written. `LINE` bounds a line;
/// a longer one is cut and marked.
///
/// ```
/// use emlog::{Formatter, Level, Queue, Record, panic_flush::drain_to_writer};
/// static QUEUE: Queue<4, 64> = Queue::new();
/// QUEUE.push(&Record::new(Level::ERROR, "app", format_args!("last words")), None).unwrap();
/// let mut out = [0u8; 64];
/// let n = drain_to_writer::<4, 64, 80, _>(&QUEUE, &Formatter::new(Formatter::BASIC).unwrap(), &mut &mut out[..]);
/// assert_eq!(n, 1);
/// assert!(out.starts_with(b"ERROR:app:last words\n"));
/// ```
pub fn drain_to_writer<const N: usize, const M: usize, const LINE: usize, W: embedded_io::Write>(
    queue: &Queue<N, M>,
    formatter: &Formatter,
    writer: &mut W,
) -> usize {
    let mut record: CapturedRecord<M> = CapturedRecord::new();
    let mut line: LineBuffer<LINE> = LineBuffer::new();
    let mut written = 0;
    while queue.pop_into(&mut record) {
        record.with_record(|r| write_line(&mut line, formatter, r, writer));
        written += 1;
    }
    let dropped = queue.dropped();
    if dropped != 0 {
        write_line(
            &mut line,
            formatter,
            &Record::new(
                Level::WARNING,
                "emlog",
                format_args!("--- {} records dropped (total) ---", dropped),
            ),
            writer,
        );
        written += 1;
    }
    written
}

fn write_line<const LINE: usize, W: embedded_io::Write>(
    line: &mut LineBuffer<LINE>,
    formatter: &Formatter,
    record: &Record<'_>,
    writer: &mut W,
) {
    line.clear(TRUNCATION_MARKER.len() + 1);
    let _ = formatter.render(record, line as &mut dyn fmt::Write);
    if line.is_truncated() {
        line.push_reserved(TRUNCATION_MARKER);
    }
    line.push_reserved("\n");
    // Nothing to report a failure to while panicking; the line is lost.
    let _ = crate::whole_write::write_whole(writer, line.as_bytes());
}
