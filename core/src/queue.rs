//! QueueHandler and QueueListener: log from interrupts, write from the main loop.
//!
//! Python's pair: a `QueueHandler` puts prepared records (message already
//! formatted, `prepare`) on a queue without blocking, and a `QueueListener`
//! takes them off and hands them to its own handlers. On a microcontroller this
//! is Zephyr's *deferred* logging: an interrupt handler pays for formatting the
//! message into RAM, never for a UART; the main loop (or a low-priority task)
//! calls [`QueueListener::process_all`] and does the slow output.
//!
//! # The queue
//!
//! [`Queue`] is a bounded ring of `N` slots (a power of two), each holding one
//! [`CapturedRecord`] of `M` text bytes. It is the bounded queue of Dmitry
//! Vyukov's design: every slot has a *turn* number telling which position may
//! use it next, and two counters, `tail` (next position to write) and `head`
//! (next position to read), are only ever advanced by compare-and-swap.
//!
//! Enqueue at position `p` (slot `p % N`):
//! 1. read `tail` = `p` and the slot's turn; if the turn is `p` the slot is
//!    free for this position: compare-and-swap `tail` from `p` to `p + 1`.
//!    Winning it *claims* the slot; nobody else can claim position `p`.
//! 2. format the record straight into the claimed slot (interrupts enabled);
//! 3. publish: store turn = `p + 1` (Release).
//!
//! If the turn is behind `p`, the slot still holds the record of position
//! `p - N` (not yet read, or being read): the queue is full. If it is ahead,
//! another context claimed `p` meanwhile: reload and retry.
//!
//! Dequeue at position `p`: the slot is readable when its turn is `p + 1`;
//! compare-and-swap `head` from `p` to `p + 1` claims it, the record is copied
//! out, and turn = `p + N` frees the slot for the enqueue one lap later.
//!
//! # Why it is right under preemption at any point
//!
//! Contexts here are the main loop and interrupts of any priority (or, on a
//! host, threads). An interrupt runs to completion before the code it preempted
//! resumes, so the cases are what an interrupt sees when it preempts an
//! enqueue or a dequeue between any two of its steps:
//!
//! - *Preempted before its CAS on `tail`*: the interrupt may claim `p` itself;
//!   the preempted CAS then fails (`tail` moved) and it retries at the new
//!   `tail`. No position is claimed twice, because a CAS succeeds for one
//!   context only.
//! - *Preempted after claiming, while formatting*: the slot is claimed but not
//!   published. The interrupt claims `p + 1` and publishes it. A reader at
//!   `p` sees turn ≠ `p + 1` and stops as if the queue were empty; it never
//!   reads a half-written slot. Once the preempted enqueue publishes, `p` and
//!   then `p + 1` are read, in claim order. (A reader can only run meanwhile
//!   on another core or thread; on one core the reader is the main loop and
//!   runs after both.)
//! - *A dequeue preempted after its CAS on `head`, while copying*: the slot's
//!   turn is still `p + 1`, so an enqueue one lap later (`p + N`) sees the
//!   queue full and does not write over the record being copied.
//! - *A dequeue preempted before its CAS on `head`*: an interrupt that
//!   overwrites the oldest record (policy [`Overflow::DropOldest`]) claims
//!   `head` by the same CAS; the preempted dequeue's CAS then fails, and it
//!   retries at the new `head`. No record is both read and discarded.
//! - *Counters*: drops are counted with an atomic add; the listener compares
//!   the running total with what it has already reported, so a drop counted
//!   while it reports is reported on the next drain, never lost.
//!
//! Positions are `u32` and wrap; comparisons use wrapping differences, which
//! is why `N` must be a power of two (so `p % N` stays continuous across the
//! wrap) and at most 2³⁰. `N` must also be at least 2: with one slot, "holds
//! the record of position `p - 1`" (turn `p`) and "free for position `p`"
//! (turn `p`) are the same number, so a second enqueue would write over the
//! unread record and the reader would then wait for it forever (found by the
//! loom model, core/tests/loom_queue.rs).
//!
//! On thumbv6m (Cortex-M0, no compare-and-swap) each CAS and each counter add
//! is a few instructions inside a critical section; formatting never is.
//!
//! A context that claims a slot and never publishes it (it panicked inside a
//! `Display` implementation and did not abort) stalls the reader at that
//! slot; with `panic = "abort"`, the firmware norm, that cannot happen.
//!
//! # Overflow
//!
//! [`Overflow::DropNewest`] (the default, Python's `put_nowait` on a full
//! queue) drops the record being logged. [`Overflow::DropOldest`] (Zephyr's
//! choice) discards the record in the slot the new one needs (the oldest
//! unread, one lap behind) to make room, once. If that record is being read
//! out at that moment, or its writer has not finished it, nothing is
//! discarded and the new record is dropped: one record lost per overflow,
//! never two (a model of the race, core/tests/loom_queue.rs, caught the
//! earlier version discarding the next record, which freed no slot, and then
//! dropping the new one as well). Either way each lost record is counted, and the listener reports the count in-band
//! as a WARNING record from logger `"emlog"` whose message is
//! `--- 12 records dropped ---`, before the next record it drains.

use crate::__private::with_count_message;
use crate::captured::CapturedRecord;
use crate::sync::{AtomicU8, AtomicU32, Ordering, UnsafeCell, compare_exchange, fetch_add};
use crate::table::DynHandler;
use crate::{Dispatch, DispatchStats, Formatter, Handler, HandlerBase, Level, Record};

/// What a full [`Queue`] does with one more record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overflow {
    /// Drop the record being logged (default; Python's behaviour).
    DropNewest,
    /// Discard the oldest unread record to make room (Zephyr's behaviour).
    DropOldest,
}

/// The queue was full and the record was dropped (and counted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueFull;

impl core::fmt::Display for QueueFull {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("queue full: record dropped; drain it more often or raise its capacity N")
    }
}

impl core::error::Error for QueueFull {}

struct Slot<const M: usize> {
    // The position allowed to use this slot next, minus the slot's index, so
    // that every slot starts at 0 and the array can be built in a `const fn`.
    turn: AtomicU32,
    record: UnsafeCell<CapturedRecord<M>>,
}

/// A lock-free bounded queue of `N` records of `M` text bytes, safe to fill
/// from any interrupt priority or thread. See the [module docs](self) for the
/// algorithm and why it is correct. RAM: `N × (M + 56)` bytes or so (each
/// slot is a [`CapturedRecord`] and a turn number), plus 20.
///
/// It can be used three ways: through a [`QueueHandler`] in a handler table
/// (Python's shape), installed directly as the program's dispatcher with
/// [`crate::install`] (no critical section on the logging path at all), or by
/// calling [`push`](Queue::push).
///
/// ```
/// use emlog::{Level, Queue, QueueListener, NullHandler, Record};
/// static QUEUE: Queue<8> = Queue::new();
/// QUEUE.push(&Record::new(Level::INFO, "isr", format_args!("tick {}", 1)), None).unwrap();
/// let mut out = NullHandler::new();
/// let mut listener: QueueListener<'_, '_, 8> = QueueListener::new(&QUEUE);
/// listener.add(&mut out).unwrap();
/// assert_eq!(listener.process_all(), 1);
/// ```
///
/// `N` is a power of two from 2 up; one slot is refused at compile time:
///
/// ```compile_fail
/// let queue: emlog::Queue<1> = emlog::Queue::new();
/// ```
pub struct Queue<const N: usize, const M: usize = 128> {
    tail: AtomicU32,
    head: AtomicU32,
    dropped: AtomicU32,
    truncated: AtomicU32,
    level: AtomicU8,
    overflow: Overflow,
    slots: [Slot<M>; N],
}

// SAFETY: a slot's record is written only by the context that won position p
// on `tail` and read only by the one that won p on `head`; the turn number,
// stored with Release and loaded with Acquire, orders those accesses.
unsafe impl<const N: usize, const M: usize> Sync for Queue<N, M> {}

impl<const N: usize, const M: usize> Queue<N, M> {
    const VALID: () = assert!(
        N.is_power_of_two() && N >= 2 && N <= 1 << 30,
        "Queue capacity N must be a power of two, from 2 to 2^30"
    );

    /// An empty queue that drops the newest record when full and passes every
    /// level when installed as the dispatcher.
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        Self::with_overflow(Overflow::DropNewest)
    }

    /// An empty queue with the given overflow policy.
    #[cfg(not(loom))]
    pub const fn with_overflow(overflow: Overflow) -> Self {
        #[allow(clippy::let_unit_value)]
        let () = Self::VALID;
        Queue {
            tail: AtomicU32::new(0),
            head: AtomicU32::new(0),
            dropped: AtomicU32::new(0),
            truncated: AtomicU32::new(0),
            level: AtomicU8::new(0),
            overflow,
            slots: [const {
                Slot {
                    turn: AtomicU32::new(0),
                    record: UnsafeCell::new(CapturedRecord::new()),
                }
            }; N],
        }
    }

    /// Under loom (tests/loom.sh): the same queue, built at run time because
    /// loom's atomics have no `const` constructor.
    #[cfg(loom)]
    pub fn new() -> Self {
        Self::with_overflow(Overflow::DropNewest)
    }

    /// Under loom: [`with_overflow`](Self::with_overflow) built at run time.
    #[cfg(loom)]
    pub fn with_overflow(overflow: Overflow) -> Self {
        #[allow(clippy::let_unit_value)]
        let () = Self::VALID;
        Queue {
            tail: AtomicU32::new(0),
            head: AtomicU32::new(0),
            dropped: AtomicU32::new(0),
            truncated: AtomicU32::new(0),
            level: AtomicU8::new(0),
            overflow,
            slots: core::array::from_fn(|_| Slot {
                turn: AtomicU32::new(0),
                record: UnsafeCell::new(CapturedRecord::new()),
            }),
        }
    }

    fn turn(&self, index: usize) -> u32 {
        self.slots[index]
            .turn
            .load(Ordering::Acquire)
            .wrapping_add(index as u32)
    }

    fn set_turn(&self, index: usize, turn: u32) {
        self.slots[index]
            .turn
            .store(turn.wrapping_sub(index as u32), Ordering::Release);
    }

    /// Formats `record` into a free slot (with `formatter`, else the message
    /// alone) and publishes it. Returns whether the message was cut. When the
    /// queue is full the record is dropped, counted, and `Err(QueueFull)` returned.
    pub fn push(
        &self,
        record: &Record<'_>,
        formatter: Option<&Formatter>,
    ) -> Result<bool, QueueFull> {
        let mut discarded = false;
        loop {
            let position = self.tail.load(Ordering::Acquire);
            let index = position as usize % N;
            let lag = self.turn(index).wrapping_sub(position) as i32;
            if lag == 0 {
                if !compare_exchange(&self.tail, position, position.wrapping_add(1)) {
                    continue;
                }
                // SAFETY: winning `tail` at `position` gives this context the
                // slot until it publishes the turn below (module docs).
                let cut = self.slots[index]
                    .record
                    .with_mut(|slot| unsafe { &mut *slot }.capture(record, formatter));
                self.set_turn(index, position.wrapping_add(1));
                if cut {
                    fetch_add(&self.truncated, 1);
                }
                return Ok(cut);
            } else if lag < 0 {
                // Full: the slot still holds the record of one lap ago.
                if self.overflow == Overflow::DropOldest && !discarded {
                    discarded = true;
                    if self.discard(position.wrapping_sub(N as u32)) {
                        continue;
                    }
                }
                fetch_add(&self.dropped, 1);
                return Err(QueueFull);
            }
            // lag > 0: another context took this position; look again.
        }
    }

    /// Frees the slot of the record at `position` without reading it, counting
    /// it as dropped, if that record is published and still the next to be
    /// read. False otherwise: the reader took it (and is copying it out), or
    /// its writer has not published it; discarding any other record would
    /// not free this slot.
    fn discard(&self, position: u32) -> bool {
        let index = position as usize % N;
        if self.turn(index) != position.wrapping_add(1)
            || !compare_exchange(&self.head, position, position.wrapping_add(1))
        {
            return false;
        }
        // Winning `head` at `position` after its turn was published gives
        // this context the slot, as in `pop_with`; it frees it unread.
        self.set_turn(index, position.wrapping_add(N as u32));
        fetch_add(&self.dropped, 1);
        true
    }

    /// Copies the oldest record into `out`; false if no record is ready.
    pub fn pop_into(&self, out: &mut CapturedRecord<M>) -> bool {
        self.pop_with(|slot| out.clone_from(slot)).is_some()
    }

    fn pop_with<R>(&self, read: impl FnOnce(&CapturedRecord<M>) -> R) -> Option<R> {
        loop {
            let position = self.head.load(Ordering::Acquire);
            let index = position as usize % N;
            let lag = self.turn(index).wrapping_sub(position.wrapping_add(1)) as i32;
            if lag == 0 {
                if !compare_exchange(&self.head, position, position.wrapping_add(1)) {
                    continue;
                }
                // SAFETY: winning `head` at `position` after its turn was
                // published gives this context the slot until the turn below.
                let result = self.slots[index]
                    .record
                    .with(|slot| read(unsafe { &*slot }));
                self.set_turn(index, position.wrapping_add(N as u32));
                return Some(result);
            } else if lag < 0 {
                // Empty, or the writer of this position has not published yet.
                return None;
            }
        }
    }

    /// Records dropped since the start (wrapping at 2³²).
    pub fn dropped(&self) -> u32 {
        self.dropped.load(Ordering::Acquire)
    }

    /// Records whose message was cut to fit `M` bytes, since the start.
    pub fn truncated(&self) -> u32 {
        self.truncated.load(Ordering::Relaxed)
    }

    /// How many records are waiting (a snapshot; others may be adding).
    pub fn len(&self) -> usize {
        let tail = self.tail.load(Ordering::Acquire);
        let head = self.head.load(Ordering::Acquire);
        (tail.wrapping_sub(head) as usize).min(N)
    }

    /// Whether no record is waiting (a snapshot).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The lowest level taken when the queue is installed as the dispatcher.
    pub fn level(&self) -> Level {
        Level::new(self.level.load(Ordering::Relaxed))
    }

    /// Sets the lowest level taken when the queue is the dispatcher, and
    /// republishes the program's threshold.
    pub fn set_level(&self, level: Level) {
        self.level.store(level.number(), Ordering::Relaxed);
        crate::refresh_threshold();
    }
}

impl<const N: usize, const M: usize> Default for Queue<N, M> {
    fn default() -> Self {
        Self::new()
    }
}

/// The queue as the program's dispatcher: every record at or above
/// [`Queue::level`] is formatted into the queue with no lock and no critical
/// section (except the few-instruction ones on thumbv6m). Logger levels and
/// handler levels then apply in the [`QueueListener`].
impl<const N: usize, const M: usize> Dispatch for Queue<N, M> {
    fn dispatch(&self, record: &Record<'_>) {
        if record.level >= self.level() {
            // A drop is counted by `push` and reported by the listener.
            let _ = self.push(record, None);
        }
    }

    fn flush(&self) {}

    fn lowest_level(&self) -> Level {
        self.level()
    }

    fn stats(&self) -> DispatchStats {
        DispatchStats::default()
    }
}

/// Python's `QueueHandler`: a handler that prepares each record (formats its
/// message, with the handler's formatter if it has one) and enqueues it.
///
/// Unlike Python, a full queue is not an error report: the drop is counted in
/// [`HandlerStats::dropped`](crate::HandlerStats::dropped) and in the queue, and the listener reports it
/// in-band. Inside the core [`Dispatcher`](crate::Dispatcher) the handler runs
/// under its critical section; to keep formatting out of it, install the
/// [`Queue`] itself as the dispatcher.
///
/// ```
/// use emlog::{Handler, Level, Queue, QueueHandler, Record};
/// static QUEUE: Queue<4, 64> = Queue::new();
/// let mut handler = QueueHandler::new(&QUEUE);
/// handler.handle(&Record::new(Level::INFO, "isr", format_args!("tick")));
/// assert_eq!(QUEUE.len(), 1);
/// ```
pub struct QueueHandler<'q, const N: usize, const M: usize = 128> {
    base: HandlerBase,
    queue: &'q Queue<N, M>,
    formatter: Option<Formatter>,
}

impl<'q, const N: usize, const M: usize> QueueHandler<'q, N, M> {
    /// A handler at NOTSET that enqueues the message alone.
    pub fn new(queue: &'q Queue<N, M>) -> Self {
        QueueHandler {
            base: HandlerBase::new(Level::NOTSET),
            queue,
            formatter: None,
        }
    }

    /// Formats records with `formatter` before enqueueing: the listener's
    /// handlers then see the formatted line as the message (Python's `prepare`).
    pub fn with_formatter(mut self, formatter: Formatter) -> Self {
        self.formatter = Some(formatter);
        self
    }

    /// Sets the level.
    pub fn with_level(mut self, level: Level) -> Self {
        self.base.set_level(level);
        self
    }

    /// The shared handler state: filters, name, counters.
    pub fn base_mut(&mut self) -> &mut HandlerBase {
        &mut self.base
    }
}

impl<const N: usize, const M: usize> Handler for QueueHandler<'_, N, M> {
    crate::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        match self.queue.push(record, self.formatter.as_ref()) {
            Ok(cut) => {
                self.base.count_emitted(cut);
                true
            }
            Err(QueueFull) => {
                self.base.count_dropped();
                false
            }
        }
    }

    fn close(&mut self) {
        self.base.close();
    }
}

/// Python's `QueueListener`, without a thread: the main loop (or a
/// low-priority task) calls [`process`](Self::process) or
/// [`process_all`](Self::process_all), and each record goes to the listener's
/// own handlers, up to `H` of them.
///
/// With `respect_handler_level` off (Python's default) every handler gets
/// every record; on, a handler gets only records at or above its level.
///
/// Python's `start()`/`stop()` and its thread have no equivalent: the listener
/// runs when it is called, and records still queued when the program stops
/// are lost unless the panic path ([`crate::panic_flush`]) or a last
/// `process_all` drains them, as with Python's listener that was never stopped.
pub struct QueueListener<'q, 'h, const N: usize, const M: usize = 128, const H: usize = 4> {
    queue: &'q Queue<N, M>,
    handlers: heapless::Vec<&'h mut DynHandler<'h>, H>,
    respect_handler_level: bool,
    reported_drops: u32,
    scratch: CapturedRecord<M>,
}

impl<'q, 'h, const N: usize, const M: usize, const H: usize> QueueListener<'q, 'h, N, M, H> {
    /// A listener with no handlers, draining `queue` (usable in a `static`).
    pub const fn new(queue: &'q Queue<N, M>) -> Self {
        QueueListener {
            queue,
            handlers: heapless::Vec::new(),
            respect_handler_level: false,
            reported_drops: 0,
            scratch: CapturedRecord::new(),
        }
    }

    /// Gives each handler only records at or above its level.
    pub const fn respect_handler_level(mut self, on: bool) -> Self {
        self.respect_handler_level = on;
        self
    }

    /// Adds a handler; when `H` are there already it is handed back in `Err`.
    pub fn add(&mut self, handler: &'h mut DynHandler<'h>) -> Result<(), &'h mut DynHandler<'h>> {
        self.handlers.push(handler)
    }

    /// The queue drained.
    pub fn queue(&self) -> &'q Queue<N, M> {
        self.queue
    }

    /// Handles one record, or first the report of records dropped since the
    /// last report. Returns false when there was nothing to do.
    pub fn process(&mut self) -> bool {
        let dropped = self.queue.dropped();
        if dropped != self.reported_drops {
            let count = dropped.wrapping_sub(self.reported_drops);
            self.reported_drops = dropped;
            // Written as the macros write a plain call: no core::fmt integer code.
            let handlers = &mut self.handlers;
            let respect = self.respect_handler_level;
            with_count_message(&["--- ", " records dropped ---"], count, |message| {
                Self::deliver(
                    handlers,
                    respect,
                    &Record::new(Level::WARNING, "emlog", message),
                )
            });
            return true;
        }
        if !self.queue.pop_into(&mut self.scratch) {
            return false;
        }
        let handlers = &mut self.handlers;
        let respect = self.respect_handler_level;
        self.scratch
            .with_record(|record| Self::deliver(handlers, respect, record));
        true
    }

    /// Handles records until the queue is empty; returns how many
    /// (drop reports included).
    pub fn process_all(&mut self) -> usize {
        let mut handled = 0;
        while self.process() {
            handled += 1;
        }
        handled
    }

    /// Flushes every handler.
    pub fn flush(&mut self) {
        for handler in self.handlers.iter_mut() {
            handler.flush();
        }
    }

    fn deliver(
        handlers: &mut heapless::Vec<&'h mut DynHandler<'h>, H>,
        respect_handler_level: bool,
        record: &Record<'_>,
    ) {
        for handler in handlers.iter_mut() {
            // `offer` is the level test and `handle` in one call.
            if respect_handler_level {
                handler.offer(record);
            } else {
                handler.handle(record);
            }
        }
    }
}
