//! The bounded queue between [`QueueHandler`](crate::QueueHandler)s and a
//! [`QueueListener`](crate::QueueListener): a ring of preallocated slots,
//! each holding one [`QueuedRecord`], filled and taken without a lock.
//!
//! # The ring
//!
//! `capacity + 1` slots, each with a *turn* saying which position may use it
//! next and whether its record is written (Dmitry Vyukov's bounded queue, as
//! in the core's `Queue`). Two words: `tail`, the next position to claim,
//! and `head`, the next position to take. A producer checks that fewer than
//! `capacity` records wait (`tail - head`, against the last `head` it saw, so
//! it reads the listener's line only when the queue looks full), claims
//! `tail` with one compare-and-swap, copies the record into the slot and
//! publishes it by storing the slot's turn. The listener takes `head` (a
//! store, or under [`Overflow::DropOldest`] a compare-and-swap, since a
//! producer may discard the oldest record by the same), delivers the record
//! from the slot itself, then frees the slot for the next lap. The slot
//! being delivered is not counted as waiting; the extra slot keeps it out of
//! reach of the producers meanwhile.
//!
//! # Sleeping and waking
//!
//! - The listener, finding nothing after a short spin, sets [`SLEEPING`] in
//!   `tail` (only if no position was claimed since) and sleeps; the producer
//!   whose claim clears the bit wakes it after publishing. A producer pays
//!   nothing else: its compare-and-swap sees the bit.
//! - A producer that must wait for room (`Block`) says so in
//!   `producers_waiting` and sleeps. The listener looks at that count every
//!   [`WAKE_EVERY`] records and before it sleeps, and wakes the producers
//!   once half the queue is free (so that they fill it in bursts, not one
//!   wake-up per record).
//!
//! Both sleeps use the `waits` mutex and a condition variable, and each side
//! re-checks under the mutex after announcing itself, so no wake-up is lost.
//!
//! # Stopping
//!
//! [`STOPPED`] in `tail` refuses every later claim (the record is dropped
//! and counted) while the listener takes what was claimed before, then stops.
//!
//! # Memory
//!
//! A slot is [`SLOT`] bytes, two cache lines: the record's fields, and up to
//! [`INLINE`](crate::queued_record::INLINE) bytes of its data (a plain
//! call's values, the logger name, the strings not carried by reference, a
//! short message's text). A record with more data keeps it in a heap block
//! of its slot's (its *spill*, in a table beside the ring, so that a record
//! without one never touches it), kept for later laps up to
//! [`KEEP_SPILL`](crate::queued_record::KEEP_SPILL) bytes. The ring is
//! allocated zeroed (a zeroed slot is a free, empty one) and backed by
//! memory when made, up to [`BACKED_AT_ONCE`] (see [`Slots`]); the spill
//! table (16 bytes a slot) is written when made.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering, fence};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::ThreadId;

use crate::queue::Overflow;
use crate::queued_record::{QueuedRecord, SLOT, Spill};
use crate::ring_position::{Position, SLEEPING, STOPPED};

/// The listener looks for producers waiting for room this often (records).
const WAKE_EVERY: usize = 64;

/// Spins of the listener on an empty queue before it sleeps.
const SPINS_BEFORE_SLEEP: u32 = 128;

/// The largest capacity (2 GiB of slots).
pub(crate) const MAX_CAPACITY: usize = 1 << 24;

/// The most bytes of the ring backed by memory when it is made; beyond them
/// (a capacity above 524,287), pages are backed as the ring first fills.
const BACKED_AT_ONCE: usize = 64 << 20;

/// One record's place in the ring.
#[repr(C, align(64))]
struct Slot {
    /// [`Position::free_turn`] or [`Position::ready_turn`] of the position
    /// that uses the slot now.
    turn: AtomicU32,
    record: UnsafeCell<QueuedRecord>,
}

const _: () = assert!(size_of::<Slot>() == SLOT, "a slot is SLOT bytes");

/// What the producers write, on a cache line of its own.
#[repr(align(64))]
struct ProducerSide {
    /// The next position to claim, with [`SLEEPING`] and [`STOPPED`].
    tail: AtomicU64,
}

/// What the listener writes, on a cache line of its own.
#[repr(align(64))]
struct ListenerSide {
    /// The next position to take.
    head: AtomicU64,
}

/// What a producer (one [`QueueHandler`](crate::QueueHandler)) knows of the
/// queue: the listener's `head` as it last read it, so that it reads the
/// listener's line only when the queue looks full or busy.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Producer {
    seen_head: Position,
    /// Records queued since `seen_head` was read while the queue looked busy.
    busy_for: u32,
    /// Whether at least half the queue waited when this producer last
    /// queued a record: the listener is behind, and the producer's time is
    /// better spent on work the listener would do (see
    /// [`QueueHandler`](crate::QueueHandler)).
    busy: bool,
}

impl Producer {
    pub(crate) const fn new() -> Producer {
        Producer {
            seen_head: Position::START,
            busy_for: 0,
            busy: false,
        }
    }

    /// Whether the queue was busy at this producer's last record.
    #[inline(always)]
    pub(crate) fn busy(&self) -> bool {
        self.busy
    }
}

/// How often a producer that finds the queue busy reads `head` again.
const BUSY_RECHECK: u32 = 64;

/// What sleeping threads share; the lock of both condition variables.
#[derive(Debug, Default)]
struct Waits {
    /// The listener thread taking from this queue, while it runs.
    listener: Option<ThreadId>,
}

/// The bounded queue between [`QueueHandler`](crate::QueueHandler)s and a
/// [`QueueListener`](crate::QueueListener).
///
/// It holds up to `capacity` records in slots allocated once, so queueing
/// allocates nothing unless a record's data exceeds the 56 bytes a slot
/// holds; then the slot makes a heap block for it, which it keeps for later
/// records while it is at most 512 bytes (see [`RecordQueue::new`] for the
/// memory this takes). A record's strings that live for the whole program
/// (the call's file and module path, the thread and process names of the
/// installed environment) are not copied. A producer claims a slot with one
/// atomic compare-and-swap and never takes a lock unless it has to wait
/// (`Overflow::Block` on a full queue).
///
/// ```
/// use emlog_std::{Overflow, RecordQueue};
/// let queue = RecordQueue::new(1024, Overflow::DropOldest);
/// assert_eq!(queue.capacity(), 1024);
/// assert_eq!(queue.dropped(), 0);
/// ```
pub struct RecordQueue {
    producers: ProducerSide,
    listener: ListenerSide,
    slots: Slots,
    /// Each slot's spill (see [`QueuedRecord`]), used by whoever holds the
    /// slot: kept apart, so that only a record that spills touches it.
    spills: Box<[UnsafeCell<Spill>]>,
    /// `slots.len()`: `capacity + 1`.
    slot_count: u32,
    capacity: usize,
    /// Free slots at which waiting producers are woken; waiting records at
    /// which the queue counts as busy (half the capacity).
    wake_room: usize,
    overflow: Overflow,
    dropped: AtomicU64,
    producers_waiting: AtomicUsize,
    waits: Mutex<Waits>,
    not_empty: Condvar,
    not_full: Condvar,
    /// One listener takes at a time.
    taking: Mutex<()>,
}

// SAFETY: a slot's record and its spill are written only by the producer
// that claimed its position (a compare-and-swap on `tail`, which one thread
// wins) while its turn says "free for that position", and read and released
// only by the thread that took the position (the listener's store to `head`
// with the `taking` lock held, or a compare-and-swap on `head`) after its
// turn said "ready", which the producer stored with Release and the taker
// loaded with Acquire. The taker hands the slot back with a Release store of
// the next lap's turn, which the next producer loads with Acquire before
// writing.
unsafe impl Sync for RecordQueue {}
// SAFETY: the records hold only integers, bytes and addresses of `'static`
// items; the spills are owned heap blocks of bytes, and `slots` the
// allocation the queue owns.
unsafe impl Send for RecordQueue {}

impl RecordQueue {
    /// Holds up to `capacity` records (at least 1, at most 16,777,216);
    /// `overflow` says what a full queue does.
    ///
    /// Memory: 144 bytes a record (a 128-byte slot and its spill's place),
    /// made and backed by memory now, so that no record waits for the
    /// system to find a page (beyond 64 MiB of slots, a capacity above
    /// 524,287, the rest is backed as the ring first fills): 9.4 MB for
    /// 65,536 records. A record whose data (its logger name, a plain call's
    /// values and text arguments or its message's text, and strings that do
    /// not live for the whole program) exceeds 56 bytes also has its slot
    /// make a heap block, kept for later records while at most 512 bytes:
    /// once warm, at most `capacity × 656` bytes.
    pub fn new(capacity: usize, overflow: Overflow) -> Arc<RecordQueue> {
        let capacity = capacity.clamp(1, MAX_CAPACITY);
        let slot_count = capacity + 1;
        Arc::new(RecordQueue {
            producers: ProducerSide {
                tail: AtomicU64::new(Position::START.pack()),
            },
            listener: ListenerSide {
                head: AtomicU64::new(Position::START.pack()),
            },
            slots: Slots::zeroed(slot_count),
            spills: (0..slot_count).map(|_| UnsafeCell::new(None)).collect(),
            slot_count: slot_count as u32,
            capacity,
            wake_room: (capacity / 2).max(1),
            overflow,
            dropped: AtomicU64::new(0),
            producers_waiting: AtomicUsize::new(0),
            waits: Mutex::default(),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            taking: Mutex::new(()),
        })
    }

    /// The capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Records dropped because the queue was full (or stopped), in total.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Records waiting (claimed by a producer and not yet taken).
    pub fn len(&self) -> usize {
        let head = Position::unpack(self.listener.head.load(Ordering::Acquire));
        let tail = Position::unpack(self.producers.tail.load(Ordering::Acquire));
        tail.since(head, self.slot_count).min(self.capacity as u64) as usize
    }

    /// Whether no record waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn waits(&self) -> MutexGuard<'_, Waits> {
        self.waits.lock().unwrap_or_else(PoisonError::into_inner)
    }

    #[inline(always)]
    fn slot(&self, position: Position) -> &Slot {
        debug_assert!(position.index < self.slot_count);
        // SAFETY: a position's index is below `slot_count` (`Position::next`
        // wraps there, and every position starts at `START`), the slice's
        // length.
        unsafe { self.slots.get_unchecked(position.index as usize) }
    }

    /// The spill of the slot at `position`, for the thread that holds it.
    #[inline(always)]
    fn spill(&self, position: Position) -> &UnsafeCell<Spill> {
        debug_assert!(position.index < self.slot_count);
        // SAFETY: as in `slot`: the slice has `slot_count` spills.
        unsafe { self.spills.get_unchecked(position.index as usize) }
    }

    /// Whether at least half the queue waits at the record at `position`,
    /// `waiting` records after the listener's position as `producer` saw
    /// it; that position is read again every [`BUSY_RECHECK`] records while
    /// it says so.
    #[inline(always)]
    fn busy_at(&self, position: Position, waiting: u64, producer: &mut Producer) -> bool {
        if (waiting as usize) < self.wake_room {
            return false;
        }
        producer.busy_for += 1;
        if producer.busy_for < BUSY_RECHECK {
            return true;
        }
        producer.busy_for = 0;
        producer.seen_head = Position::unpack(self.listener.head.load(Ordering::Acquire));
        position.since(producer.seen_head, self.slot_count) as usize >= self.wake_room
    }

    /// Queues a record: `fill` writes it into an empty slot and its spill
    /// (it must not panic: it runs between claiming and publishing), and
    /// `producer` learns whether the queue is busy.
    /// `producer` is what the caller knows of the queue. What `fill`
    /// returned, or `None` if the record was dropped (the queue full or
    /// stopped, counted in [`dropped`](Self::dropped)); `fill` is not called
    /// then.
    #[inline(always)]
    pub(crate) fn push<R>(
        &self,
        producer: &mut Producer,
        fill: impl FnOnce(&mut QueuedRecord, &mut Spill) -> R,
    ) -> Option<R> {
        let seen_head = &mut producer.seen_head;
        let slots = self.slot_count;
        let capacity = self.capacity as u64;
        let mut word = self.producers.tail.load(Ordering::Relaxed);
        let (position, waiting) = loop {
            if word & STOPPED != 0 {
                return self.refuse();
            }
            let position = Position::unpack(word);
            // A `seen_head` from longer ago than a lap reads as far behind
            // (the laps it spans), so it is read again.
            let mut waiting = position.since(*seen_head, slots);
            if waiting >= capacity {
                *seen_head = Position::unpack(self.listener.head.load(Ordering::Acquire));
                waiting = position.since(*seen_head, slots);
                if waiting >= capacity {
                    if !self.make_room() {
                        return self.refuse();
                    }
                    word = self.producers.tail.load(Ordering::Relaxed);
                    continue;
                }
            }
            // The new word has no flags: a claim clears SLEEPING (and wakes
            // the listener below).
            match self.producers.tail.compare_exchange_weak(
                word,
                position.next(slots).pack(),
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => break (position, waiting),
                Err(now) => word = now,
            }
        };
        producer.busy = self.busy_at(position, waiting, producer);
        let slot = self.slot(position);
        if slot.turn.load(Ordering::Acquire) != position.free_turn() {
            wait_for_turn(&slot.turn, position.free_turn());
        }
        // SAFETY: this thread won `position` on `tail`, and the slot's turn
        // (loaded with Acquire) says it is free for it: no other thread
        // touches the record or its spill until the Release store below
        // publishes them.
        let filled = fill(unsafe { &mut *slot.record.get() }, unsafe {
            &mut *self.spill(position).get()
        });
        slot.turn.store(position.ready_turn(), Ordering::Release);
        if word & SLEEPING != 0 {
            self.wake_listener();
        }
        Some(filled)
    }

    /// Counts a record the queue refused.
    #[cold]
    fn refuse<R>(&self) -> Option<R> {
        self.dropped.fetch_add(1, Ordering::Relaxed);
        None
    }

    /// The queue is full: makes room as the policy says. `true` if the
    /// producer should try again, `false` if its record is dropped.
    #[cold]
    #[inline(never)]
    fn make_room(&self) -> bool {
        match self.overflow {
            Overflow::DropNewest => false,
            // A producer whose oldest record is still being written by
            // another one drops its own record instead (rare: two producers
            // racing on a full queue).
            Overflow::DropOldest => !matches!(self.discard_oldest(), Discard::NotReady),
            Overflow::Block => {
                let waits = self.waits();
                if waits.listener == Some(std::thread::current().id()) {
                    // Only this thread could make room: waiting would never end.
                    return false;
                }
                self.wait_for_room(waits);
                true
            }
        }
    }

    /// Discards the oldest waiting record, counted as dropped.
    fn discard_oldest(&self) -> Discard {
        let word = self.listener.head.load(Ordering::Acquire);
        let head = Position::unpack(word);
        let tail = Position::unpack(self.producers.tail.load(Ordering::Acquire));
        if tail.since(head, self.slot_count) < self.capacity as u64 {
            // The listener made room meanwhile.
            return Discard::Raced;
        }
        let slot = self.slot(head);
        if slot.turn.load(Ordering::Acquire) != head.ready_turn() {
            // Not written yet, or the listener has just taken it.
            return match Position::unpack(self.listener.head.load(Ordering::Acquire)) == head {
                true => Discard::NotReady,
                false => Discard::Raced,
            };
        }
        let next = head.next(self.slot_count).pack();
        if self
            .listener
            .head
            .compare_exchange(word, next, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return Discard::Raced;
        }
        // SAFETY: winning `head` at this position made this thread the only
        // one to take its record (the listener takes by the same
        // compare-and-swap under this policy), and the turn loaded above
        // with Acquire says it is written.
        unsafe { (*slot.record.get()).release(&mut *self.spill(head).get()) };
        slot.turn.store(head.next_lap_turn(), Ordering::Release);
        self.dropped.fetch_add(1, Ordering::Relaxed);
        Discard::Done
    }

    /// Sleeps until the queue has room or is stopped.
    fn wait_for_room(&self, mut waits: MutexGuard<'_, Waits>) {
        self.producers_waiting.fetch_add(1, Ordering::SeqCst);
        loop {
            let word = self.producers.tail.load(Ordering::SeqCst);
            let head = Position::unpack(self.listener.head.load(Ordering::SeqCst));
            if word & STOPPED != 0
                || Position::unpack(word).since(head, self.slot_count) < self.capacity as u64
            {
                break;
            }
            waits = self
                .not_full
                .wait(waits)
                .unwrap_or_else(PoisonError::into_inner);
        }
        self.producers_waiting.fetch_sub(1, Ordering::SeqCst);
    }

    #[cold]
    #[inline(never)]
    fn wake_listener(&self) {
        let _waits = self.waits();
        self.not_empty.notify_all();
    }

    /// Waits until a record can be taken (`true`), or the queue is stopped
    /// and every record claimed before was taken (`false`).
    pub(crate) fn wait_for_records(&self) -> bool {
        let mut spins = 0;
        loop {
            let head = Position::unpack(self.listener.head.load(Ordering::Acquire));
            if self.slot(head).turn.load(Ordering::Acquire) == head.ready_turn() {
                return true;
            }
            let word = self.producers.tail.load(Ordering::Acquire);
            if Position::unpack(word) != head {
                // Claimed, not yet published: the producer is copying it.
                back_off(&mut spins);
                continue;
            }
            if word & STOPPED != 0 {
                return false;
            }
            if spins < SPINS_BEFORE_SLEEP {
                spins += 1;
                std::hint::spin_loop();
                continue;
            }
            self.wake_producers();
            self.sleep(word);
            spins = 0;
        }
    }

    /// Sleeps until a producer claims a position after `word` (the tail
    /// word the listener saw: nothing waiting), or the queue stops.
    fn sleep(&self, word: u64) {
        let mut waits = self.waits();
        if word & SLEEPING == 0
            && self
                .producers
                .tail
                .compare_exchange(word, word | SLEEPING, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
        {
            // Claimed meanwhile (or stopped): look again.
            return;
        }
        loop {
            let now = self.producers.tail.load(Ordering::Acquire);
            if now & SLEEPING == 0 || now & STOPPED != 0 {
                return;
            }
            waits = self
                .not_empty
                .wait(waits)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Takes up to `max` records that are ready, in order, giving each to
    /// `each` in its slot (with the slot's spill); returns how many. `each`
    /// must not unwind (the listener catches handler panics inside it).
    pub(crate) fn take(&self, max: usize, mut each: impl FnMut(&QueuedRecord, &Spill)) -> usize {
        let _taking = self.taking.lock().unwrap_or_else(PoisonError::into_inner);
        let drop_oldest = self.overflow == Overflow::DropOldest;
        let mut taken = 0;
        // Only this thread moves `head` but under DropOldest (`taking`), so
        // it is read once and then followed here.
        let mut word = self.listener.head.load(Ordering::Acquire);
        while taken < max {
            let head = Position::unpack(word);
            let slot = self.slot(head);
            if slot.turn.load(Ordering::Acquire) != head.ready_turn() {
                break;
            }
            let next = head.next(self.slot_count).pack();
            if !drop_oldest {
                self.listener.head.store(next, Ordering::Release);
            } else if let Err(now) =
                self.listener
                    .head
                    .compare_exchange(word, next, Ordering::AcqRel, Ordering::Acquire)
            {
                // A producer discarded it: look at the new oldest.
                word = now;
                continue;
            }
            word = next;
            // Hands the slot back when done, even if `each` unwinds (a
            // slot never handed back would stop its producer a lap later).
            let taken_slot = Taken {
                slot,
                spill: self.spill(head),
                next_turn: head.next_lap_turn(),
            };
            // SAFETY: this thread took `head` (see the store above, or the
            // compare-and-swap under DropOldest), and the turn loaded with
            // Acquire says the record and its spill are written: they are
            // this thread's until `Taken` hands the slot back.
            each(unsafe { &*slot.record.get() }, unsafe {
                &*self.spill(head).get()
            });
            drop(taken_slot);
            taken += 1;
            if taken % WAKE_EVERY == 0 {
                self.wake_producers();
            }
        }
        self.wake_producers();
        taken
    }

    /// Wakes the producers waiting for room once there is enough.
    #[inline]
    fn wake_producers(&self) {
        // Pairs with the producers' SeqCst count-then-look: either they see
        // the room made before this fence, or this sees their count.
        fence(Ordering::SeqCst);
        if self.producers_waiting.load(Ordering::Relaxed) == 0 {
            return;
        }
        let head = Position::unpack(self.listener.head.load(Ordering::Acquire));
        let tail = Position::unpack(self.producers.tail.load(Ordering::Acquire));
        let waiting = tail.since(head, self.slot_count) as usize;
        if self.capacity.saturating_sub(waiting) >= self.wake_room {
            let _waits = self.waits();
            self.not_full.notify_all();
        }
    }

    /// Records which thread listens (a producer on it must not wait for room).
    pub(crate) fn set_listener(&self, listener: Option<ThreadId>) {
        self.waits().listener = listener;
    }

    /// Stops the queue (every later record dropped and counted, sleepers
    /// woken), or starts it again.
    pub(crate) fn set_stopping(&self, stopping: bool) {
        if stopping {
            self.producers.tail.fetch_or(STOPPED, Ordering::AcqRel);
            let _waits = self.waits();
            self.not_empty.notify_all();
            self.not_full.notify_all();
        } else {
            self.producers.tail.fetch_and(!STOPPED, Ordering::AcqRel);
        }
    }
}

/// A slot taken by the listener: handed back for the next lap when dropped.
struct Taken<'a> {
    slot: &'a Slot,
    spill: &'a UnsafeCell<Spill>,
    /// The slot's turn once handed back: free for the next lap.
    next_turn: u32,
}

impl Drop for Taken<'_> {
    fn drop(&mut self) {
        // SAFETY: the record and its spill are still the taker's (see
        // `take`), and `each`'s shared borrows of them have ended.
        unsafe { (*self.slot.record.get()).release(&mut *self.spill.get()) };
        self.slot.turn.store(self.next_turn, Ordering::Release);
    }
}

/// What [`RecordQueue::discard_oldest`] did.
enum Discard {
    /// Discarded the oldest record: try again.
    Done,
    /// The listener (or another producer) took it first: try again.
    Raced,
    /// Its producer is still writing it.
    NotReady,
}

impl std::fmt::Debug for RecordQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordQueue")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .field("overflow", &self.overflow)
            .field("dropped", &self.dropped())
            .finish()
    }
}

/// The ring's slots, zeroed (free for lap 0, holding no record) and aligned
/// to cache lines.
///
/// Allocated with the allocator's usual alignment and aligned by hand (asked
/// for zeroed memory aligned beyond that, the system allocator writes the
/// zeros itself, where `calloc` of a large block gets fresh zero pages), then
/// backed by memory at once (up to [`BACKED_AT_ONCE`]): a record never waits
/// for the system to find a page, and a large ring asks for huge pages first.
struct Slots {
    /// The allocation, as made.
    block: *mut u8,
    layout: std::alloc::Layout,
    /// The first slot, in the allocation.
    first: *mut Slot,
    count: usize,
}

impl Slots {
    fn zeroed(count: usize) -> Slots {
        let layout = count
            .checked_mul(size_of::<Slot>())
            .and_then(|size| size.checked_add(align_of::<Slot>()))
            .and_then(|size| std::alloc::Layout::from_size_align(size, 16).ok());
        let Some(layout) = layout else {
            // Beyond the address space: as `Vec` does, fail loudly at set-up.
            panic!("a record queue of {count} slots does not fit in memory");
        };
        // SAFETY: the layout has a non-zero size.
        let block = unsafe { std::alloc::alloc_zeroed(layout) };
        if block.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        back_now(block, layout.size().min(BACKED_AT_ONCE));
        let offset = block.align_offset(align_of::<Slot>());
        Slots {
            block,
            layout,
            // The block has `align_of::<Slot>()` bytes to spare for this.
            first: block.wrapping_add(offset).cast::<Slot>(),
            count,
        }
    }
}

impl std::ops::Deref for Slots {
    type Target = [Slot];

    fn deref(&self) -> &[Slot] {
        // SAFETY: `first` is aligned for `Slot` and followed by `count`
        // slots' worth of the allocation, zeroed when made: zero bytes are a
        // valid `Slot` (an atomic 0, and a record of integers and bytes).
        unsafe { std::slice::from_raw_parts(self.first, self.count) }
    }
}

impl Drop for Slots {
    fn drop(&mut self) {
        // SAFETY: `block` was allocated with `layout` by the global allocator.
        unsafe { std::alloc::dealloc(self.block, self.layout) };
    }
}

/// Has the system back `len` bytes at `block` with memory now, rather than
/// at the first write to each page (page faults in the logging path).
fn back_now(block: *mut u8, len: usize) {
    const PAGE: usize = 4096;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if len >= 4 << 20 {
        let start = block.align_offset(PAGE);
        // SAFETY: the range lies within the allocation; the advice only
        // changes how the system backs it (failing is harmless).
        unsafe {
            libc::madvise(
                block.wrapping_add(start).cast(),
                (len - start) / PAGE * PAGE,
                libc::MADV_HUGEPAGE,
            );
        }
    }
    let mut at = block.align_offset(PAGE);
    while at < len {
        // SAFETY: `at` is within the allocation, which is zeroed: writing a
        // zero changes nothing but makes the page the system's to back now.
        unsafe { block.add(at).write_volatile(0) };
        at += PAGE;
    }
}

/// Waits for a slot's turn that another thread is about to set (it holds the
/// slot for a few instructions: it is copying or discarding a record).
#[cold]
#[inline(never)]
fn wait_for_turn(turn: &AtomicU32, wanted: u32) {
    let mut spins = 0;
    while turn.load(Ordering::Acquire) != wanted {
        back_off(&mut spins);
    }
}

/// Spins a little, then yields: for waits of a few instructions on another
/// thread, which may have been descheduled.
fn back_off(spins: &mut u32) {
    if *spins < 64 {
        *spins += 1;
        std::hint::spin_loop();
    } else {
        std::thread::yield_now();
    }
}
