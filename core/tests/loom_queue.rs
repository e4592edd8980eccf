//! Model checks of the lock-free queue under every interleaving loom finds
//! (at most `LOOM_MAX_PREEMPTIONS`, default 3, preemptions per run).
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p emlog --release --test loom_queue`
//! (tests/loom.sh). Built that way, the queue's atomics and slot cells are
//! loom's (src/sync.rs): loom fails a model on any access to a slot's record
//! that is not ordered after the last write by another thread (a torn or
//! half-written record), and the asserts check that every record sent comes
//! out exactly once, whole, or is counted as dropped.
//!
//! A loom thread can be preempted between any two atomic operations, which is
//! what an interrupt does to the code it interrupts; the nested-enqueue model
//! also runs an enqueue *inside* another, as an interrupt handler that logs
//! while the main loop is formatting into its claimed slot.
#![cfg(loom)]

mod loom_support;

use std::cell::Cell;
use std::collections::{BTreeSet, HashSet};
use std::fmt;

use emlog::{CapturedRecord, Handler, HandlerBase, Level, Overflow, Queue, QueueListener, Record};
use loom::sync::Arc;
use loom::thread;
use loom_support::{model_outcomes, plain_loads};

const M: usize = 48;

fn push<const N: usize>(queue: &Queue<N, M>, thread: u32, index: u32) -> bool {
    queue
        .push(
            &Record::new(Level::INFO, "loom", format_args!("{}", body(thread, index))),
            None,
        )
        .is_ok()
}

/// A message whose tail depends on its head, so a record torn between two
/// writers or cut short by a reader does not parse back.
fn body(thread: u32, index: u32) -> String {
    format!(
        "t{thread} i{index} {}",
        "#".repeat((3 * thread + index) as usize % 7)
    )
}

fn parse(message: &str) -> (u32, u32) {
    let mut parts = message.splitn(3, ' ');
    let thread = parts.next().and_then(|p| p.strip_prefix('t')?.parse().ok());
    let index = parts.next().and_then(|p| p.strip_prefix('i')?.parse().ok());
    let (Some(thread), Some(index)) = (thread, index) else {
        panic!("torn record {message:?}");
    };
    assert_eq!(message, body(thread, index), "torn record");
    (thread, index)
}

fn pop_all<const N: usize>(queue: &Queue<N, M>, into: &mut Vec<(u32, u32)>) {
    let mut out: CapturedRecord<M> = CapturedRecord::new();
    while queue.pop_into(&mut out) {
        into.push(parse(out.message()));
    }
}

/// Every record is out exactly once or counted; one thread's records come
/// out in the order it sent them (when nothing discards in between).
fn check_accounted(received: &[(u32, u32)], dropped: u32, sent: usize, ordered: bool) {
    let unique: HashSet<_> = received.iter().collect();
    assert_eq!(
        unique.len(),
        received.len(),
        "a record came out twice: {received:?}"
    );
    assert_eq!(
        received.len() + dropped as usize,
        sent,
        "received {received:?} + dropped {dropped} != sent {sent}"
    );
    if ordered {
        for thread in 0..4 {
            let mine: Vec<_> = received.iter().filter(|r| r.0 == thread).collect();
            assert!(mine.is_sorted(), "out of order: {received:?}");
        }
    }
}

#[test]
fn two_enqueues_racing_a_drain_deliver_each_record_once_and_whole() {
    let drained_during_the_race = model_outcomes(|| {
        let queue: Arc<Queue<2, M>> = Arc::new(Queue::new());
        let producers: Vec<_> = (0..2)
            .map(|t| {
                let queue = queue.clone();
                thread::spawn(move || assert!(push(&queue, t, 0), "room for both"))
            })
            .collect();
        let mut received = Vec::new();
        pop_all(&queue, &mut received);
        let before = received.clone();
        for p in producers {
            p.join().unwrap();
        }
        pop_all(&queue, &mut received);
        check_accounted(&received, queue.dropped(), 2, true);
        assert_eq!(queue.dropped(), 0);
        before.len()
    });
    if !plain_loads() {
        assert_eq!(drained_during_the_race, BTreeSet::from([0, 1, 2]));
    }
}

#[test]
fn a_second_lap_waits_for_the_reader_to_free_the_slot() {
    // Two slots: the producer's third record needs the slot the reader may be
    // copying out at that moment. It is either queued after the copy or dropped
    // and counted; the copy is never written over.
    let dropped = model_outcomes(|| {
        let queue: Arc<Queue<2, M>> = Arc::new(Queue::new());
        let producer = {
            let queue = queue.clone();
            thread::spawn(move || {
                assert!(push(&queue, 0, 0));
                assert!(push(&queue, 0, 1));
                push(&queue, 0, 2);
            })
        };
        let mut received = Vec::new();
        pop_all(&queue, &mut received);
        producer.join().unwrap();
        pop_all(&queue, &mut received);
        check_accounted(&received, queue.dropped(), 3, true);
        queue.dropped()
    });
    if !plain_loads() {
        assert_eq!(
            dropped,
            BTreeSet::from([0, 1]),
            "both sides of the race seen"
        );
    }
}

fn overflow(policy: Overflow) {
    let dropped = model_outcomes(move || {
        let queue: Arc<Queue<2, M>> = Arc::new(Queue::with_overflow(policy));
        let producers: Vec<_> = [2, 1]
            .into_iter()
            .enumerate()
            .map(|(t, count)| {
                let queue = queue.clone();
                thread::spawn(move || {
                    for i in 0..count {
                        push(&queue, t as u32, i);
                    }
                })
            })
            .collect();
        let mut received = Vec::new();
        let mut out: CapturedRecord<M> = CapturedRecord::new();
        if queue.pop_into(&mut out) {
            received.push(parse(out.message()));
        }
        for p in producers {
            p.join().unwrap();
        }
        pop_all(&queue, &mut received);
        check_accounted(
            &received,
            queue.dropped(),
            3,
            policy == Overflow::DropNewest,
        );
        queue.dropped()
    });
    if !plain_loads() {
        // DropOldest can lose two for one overflow: while the reader is copying
        // the oldest record out, the enqueue that needs its slot discards the
        // next unread one (which frees no slot it can use) and then drops its
        // own record. Both are counted; the accounting above holds.
        let expected = match policy {
            Overflow::DropNewest => BTreeSet::from([0, 1]),
            Overflow::DropOldest => BTreeSet::from([0, 1, 2]),
        };
        assert_eq!(dropped, expected);
    }
}

#[test]
fn overflow_drop_newest_counts_every_record_it_refuses() {
    overflow(Overflow::DropNewest);
}

#[test]
fn overflow_drop_oldest_never_both_delivers_and_discards_a_record() {
    overflow(Overflow::DropOldest);
}

/// A message argument that, while the queue formats it into a claimed slot,
/// logs into the same queue: an interrupt handler that logs while the main
/// loop is in the middle of an enqueue.
struct Interrupting<'q> {
    queue: &'q Queue<2, M>,
    fired: Cell<bool>,
}

impl fmt::Display for Interrupting<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("t0 i0")?;
        if !self.fired.replace(true) {
            assert!(push(self.queue, 1, 0), "the interrupt's record finds room");
        }
        f.write_str(" ")
    }
}

#[test]
fn an_enqueue_inside_an_enqueue_is_never_read_half_written() {
    let drained_during_the_race = model_outcomes(|| {
        let queue: Arc<Queue<2, M>> = Arc::new(Queue::new());
        let main_loop = {
            let queue = queue.clone();
            thread::spawn(move || {
                let message = Interrupting {
                    queue: &queue,
                    fired: Cell::new(false),
                };
                queue
                    .push(
                        &Record::new(Level::INFO, "loom", format_args!("{message}")),
                        None,
                    )
                    .unwrap();
            })
        };
        // The reader, on another core: it may run at any point of both enqueues.
        let mut received = Vec::new();
        pop_all(&queue, &mut received);
        let before = received.clone();
        main_loop.join().unwrap();
        pop_all(&queue, &mut received);
        // Claim order: the interrupted record first, then the interrupt's.
        assert_eq!(received, [(0, 0), (1, 0)]);
        assert_eq!(queue.dropped(), 0);
        before
    });
    // The reader got nothing or both: the interrupt's record, published first,
    // waits behind the interrupted one.
    if !plain_loads() {
        assert_eq!(
            drained_during_the_race,
            BTreeSet::from([vec![], vec![(0, 0), (1, 0)]])
        );
    }
}

/// Keeps the messages it is given.
struct Collect {
    base: HandlerBase,
    messages: Vec<String>,
}

impl Handler for Collect {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        self.messages.push(record.args.to_string());
        true
    }
}

#[test]
fn a_drop_counted_while_the_listener_reports_is_reported_on_a_later_drain() {
    let drop_reports = model_outcomes(|| {
        let queue: Arc<Queue<2, M>> = Arc::new(Queue::new());
        let producer = {
            let queue = queue.clone();
            thread::spawn(move || {
                for i in 0..4 {
                    push(&queue, 0, i);
                }
            })
        };
        let mut sink = Collect {
            base: HandlerBase::new(Level::NOTSET),
            messages: Vec::new(),
        };
        {
            let mut listener: QueueListener<'_, '_, 2, M, 1> = QueueListener::new(&queue);
            listener.add(&mut sink).unwrap();
            listener.process_all();
            producer.join().unwrap();
            listener.process_all();
        }

        let mut received = Vec::new();
        let mut reported = 0;
        let mut reports = 0;
        for message in &sink.messages {
            match message
                .strip_prefix("--- ")
                .and_then(|m| m.strip_suffix(" records dropped ---"))
            {
                Some(count) => {
                    reported += count.parse::<u32>().unwrap();
                    reports += 1;
                }
                None => received.push(parse(message)),
            }
        }
        assert_eq!(reported, queue.dropped(), "every drop reported once");
        check_accounted(&received, reported, 4, true);
        reports
    });
    // Some interleavings split the drops over two reports: a drop counted
    // after the first report went out was reported by the second drain.
    if !plain_loads() {
        assert_eq!(drop_reports, BTreeSet::from([0, 1, 2]));
    }
}
