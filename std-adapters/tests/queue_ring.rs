//! The queue's lock-free ring under several producers: every record
//! delivered once and in order per producer or counted as dropped, under
//! each overflow policy, through stops and restarts, and no wake-up lost.
//!
//! Producers here are QueueHandlers of their own on threads of their own
//! (several compare-and-swaps racing on one ring), half their records plain
//! calls carried in binary and half `format_args!` text.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use emlog::__private::{Arg, PlainParts, with_plain_message};
use emlog::{Handler, HandlerBase, HandlerStats, Level, Record};
use emlog_std::{Overflow, QueueHandler, QueueListener, RecordQueue};

/// What the listener's handler saw: per producer, the indexes in order;
/// and the sum of the in-band drop reports.
#[derive(Default)]
struct Seen {
    by_producer: Vec<Vec<u64>>,
    reported_drops: u64,
    other: Vec<String>,
}

/// Keeps what it gets; every `stall_every`th record it sleeps a little, so
/// that the ring fills.
struct Collect {
    base: HandlerBase,
    seen: Arc<Mutex<Seen>>,
    stall_every: u64,
    count: u64,
}

impl Handler for Collect {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, r: &Record<'_>) -> bool {
        if r.logger == "end" {
            return true;
        }
        let text = r.args.to_string();
        let mut seen = self.seen.lock().unwrap();
        if r.logger == "emlog.queue" {
            let n: u64 = text
                .strip_prefix("--- ")
                .and_then(|t| t.strip_suffix(" records dropped ---"))
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("a drop report: {text:?}"));
            seen.reported_drops += n;
            return true;
        }
        match text
            .split_once(' ')
            .and_then(|(p, i)| Some((p.parse().ok()?, i.parse().ok()?)))
        {
            Some((p, i)) if r.logger == "load" => {
                let p: usize = p;
                if seen.by_producer.len() <= p {
                    seen.by_producer.resize(p + 1, Vec::new());
                }
                seen.by_producer[p].push(i);
            }
            _ => seen.other.push(text),
        }
        drop(seen);
        self.count += 1;
        if self.stall_every > 0 && self.count.is_multiple_of(self.stall_every) {
            std::thread::sleep(Duration::from_micros(200));
        }
        true
    }
}

fn collect(stall_every: u64) -> (Box<dyn Handler + Send>, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let handler = Collect {
        base: HandlerBase::new(Level::NOTSET),
        seen: Arc::clone(&seen),
        stall_every,
        count: 0,
    };
    (Box::new(handler), seen)
}

/// Record `i` of producer `p`: even ones a plain call (numbers in binary),
/// odd ones `format_args!` text; both read `"p i"`.
fn send(h: &mut QueueHandler, p: usize, i: u64) -> bool {
    if i.is_multiple_of(2) {
        let args = [Arg::Unsigned(p as u32), Arg::Unsigned64(i)];
        let parts = PlainParts {
            pieces: &["", " ", ""],
            precisions: &[],
            args: &args,
        };
        with_plain_message(parts, |m| h.handle(&Record::new(Level::INFO, "load", m)))
    } else {
        h.handle(&Record::new(Level::INFO, "load", format_args!("{p} {i}")))
    }
}

/// Checks that each producer's records arrived in order, each at most once.
fn assert_in_order(seen: &Seen) {
    for (p, indexes) in seen.by_producer.iter().enumerate() {
        assert!(
            indexes.windows(2).all(|w| w[0] < w[1]),
            "producer {p}'s records out of order or twice"
        );
    }
    assert!(seen.other.is_empty(), "unexpected: {:?}", seen.other);
}

fn delivered(seen: &Seen) -> u64 {
    seen.by_producer.iter().map(|v| v.len() as u64).sum()
}

/// `producers` threads, each with its own QueueHandler, send `per` records
/// into a queue of `capacity` whose listener stalls now and then.
fn several_producers(overflow: Overflow, capacity: usize, producers: usize, per: u64) {
    let queue = RecordQueue::new(capacity, overflow);
    let (handler, seen) = collect(97);
    let mut listener = QueueListener::new(Arc::clone(&queue), vec![handler]);
    listener.start().unwrap();
    let threads: Vec<_> = (0..producers)
        .map(|p| {
            let queue = Arc::clone(&queue);
            std::thread::spawn(move || {
                let mut h = QueueHandler::new(queue);
                for i in 0..per {
                    send(&mut h, p, i);
                    if i % 1000 == 999 {
                        std::thread::yield_now();
                    }
                }
                h.stats()
            })
        })
        .collect();
    let stats: Vec<HandlerStats> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    // One record after every drop, so the last drops are reported too
    // (into an empty ring, so that it is never dropped itself).
    while !queue.is_empty() {
        std::thread::sleep(Duration::from_millis(1));
    }
    let mut last = QueueHandler::new(Arc::clone(&queue));
    assert!(last.handle(&Record::new(Level::INFO, "end", format_args!("end"))));
    listener.stop();
    let seen = seen.lock().unwrap();
    assert_in_order(&seen);
    let sent = producers as u64 * per;
    let dropped = queue.dropped();
    assert_eq!(
        delivered(&seen) + dropped,
        sent,
        "every record delivered or counted"
    );
    assert_eq!(seen.reported_drops, dropped, "every drop reported in-band");
    let handlers_dropped: u64 = stats.iter().map(|s| s.dropped).sum();
    let handlers_emitted: u64 = stats.iter().map(|s| s.emitted).sum();
    match overflow {
        Overflow::Block => assert_eq!(dropped, 0),
        Overflow::DropNewest => assert_eq!(handlers_dropped, dropped),
        // Each handler queued its records; the ring displaced the oldest,
        // save when a producer found the oldest still being written by
        // another (then it dropped its own, counted by its handler).
        Overflow::DropOldest => {
            assert_eq!(handlers_emitted + handlers_dropped, sent);
            assert!(handlers_dropped <= dropped);
        }
    }
}

#[test]
fn several_producers_into_a_blocking_ring_lose_nothing_and_keep_their_order() {
    several_producers(Overflow::Block, 16, 4, 20_000);
    several_producers(Overflow::Block, 1, 3, 3_000);
}

#[test]
fn several_producers_into_a_drop_newest_ring_account_for_every_record() {
    several_producers(Overflow::DropNewest, 16, 4, 20_000);
    several_producers(Overflow::DropNewest, 1, 3, 3_000);
}

#[test]
fn several_producers_into_a_drop_oldest_ring_account_for_every_record() {
    several_producers(Overflow::DropOldest, 16, 4, 20_000);
    several_producers(Overflow::DropOldest, 1, 3, 3_000);
}

/// A full ring, no listener: the policies at the boundary, with records
/// that spill out of their slots mixed in.
#[test]
fn a_full_ring_keeps_exactly_its_capacity_under_each_policy() {
    let long = "x".repeat(1_000);
    for overflow in [Overflow::DropNewest, Overflow::DropOldest] {
        let queue = RecordQueue::new(5, overflow);
        let mut h = QueueHandler::new(Arc::clone(&queue));
        for i in 0..12u64 {
            let message = if i % 3 == 0 { &long } else { "" };
            h.handle(&Record::new(
                Level::INFO,
                "load",
                format_args!("0 {i}{message}"),
            ));
            assert_eq!(queue.len(), (i as usize + 1).min(5));
        }
        assert_eq!(queue.dropped(), 7);
        let (handler, seen) = collect(0);
        let mut listener = QueueListener::new(Arc::clone(&queue), vec![handler]);
        listener.start().unwrap();
        listener.stop();
        let seen = seen.lock().unwrap();
        assert_eq!(seen.reported_drops, 7);
        let expected: Vec<u64> = match overflow {
            Overflow::DropNewest => (0..5).collect(),
            _ => (7..12).collect(),
        };
        let mut got: Vec<u64> = seen.by_producer.concat();
        got.extend(
            seen.other
                .iter()
                .map(|t| t[2..].trim_end_matches('x').parse::<u64>().unwrap()),
        );
        got.sort();
        assert_eq!(got, expected, "{overflow:?}");
    }
}

/// Producers keep logging while the listener stops (and starts again):
/// nothing is delivered twice, nothing goes missing uncounted, and no
/// producer blocked on a full ring stays blocked.
#[test]
fn stopping_while_producers_run_loses_nothing_uncounted() {
    for overflow in [Overflow::Block, Overflow::DropNewest, Overflow::DropOldest] {
        let queue = RecordQueue::new(8, overflow);
        let (handler, seen) = collect(31);
        let mut listener = QueueListener::new(Arc::clone(&queue), vec![handler]);
        listener.start().unwrap();
        let running = Arc::new(AtomicBool::new(true));
        let sent = Arc::new(AtomicU64::new(0));
        let threads: Vec<_> = (0..3)
            .map(|p| {
                let (queue, running, sent) =
                    (Arc::clone(&queue), Arc::clone(&running), Arc::clone(&sent));
                std::thread::spawn(move || {
                    let mut h = QueueHandler::new(queue);
                    let mut i = 0;
                    while running.load(Ordering::Relaxed) {
                        send(&mut h, p, i);
                        i += 1;
                    }
                    sent.fetch_add(i, Ordering::Relaxed);
                })
            })
            .collect();
        for _ in 0..3 {
            std::thread::sleep(Duration::from_millis(20));
            listener.stop();
            std::thread::sleep(Duration::from_millis(5));
            listener.start().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
        running.store(false, Ordering::Relaxed);
        for t in threads {
            t.join().unwrap();
        }
        listener.stop();
        let seen = seen.lock().unwrap();
        assert_in_order(&seen);
        assert_eq!(
            delivered(&seen) + queue.dropped(),
            sent.load(Ordering::Relaxed),
            "{overflow:?}"
        );
        assert!(queue.is_empty(), "stop drained the ring");
    }
}

/// A handler that passes each message on at once.
struct Forward {
    base: HandlerBase,
    to: Sender<String>,
}

impl Handler for Forward {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, r: &Record<'_>) -> bool {
        let _ = self.to.send(r.args.to_string());
        true
    }
}

fn forwarding(queue: &Arc<RecordQueue>) -> (QueueListener, Receiver<String>) {
    let (to, from) = channel();
    let handler = Forward {
        base: HandlerBase::new(Level::NOTSET),
        to,
    };
    let mut listener = QueueListener::new(Arc::clone(queue), vec![Box::new(handler)]);
    listener.start().unwrap();
    (listener, from)
}

/// Records sent one at a time, with pauses long enough for the listener
/// to go to sleep in between: each wakes it.
#[test]
fn a_sleeping_listener_is_woken_by_every_lone_record() {
    let queue = RecordQueue::new(4, Overflow::Block);
    let (mut listener, delivered) = forwarding(&queue);
    let mut h = QueueHandler::new(Arc::clone(&queue));
    for i in 0..300u64 {
        if i % 3 == 0 {
            std::thread::sleep(Duration::from_micros(300 + 50 * (i % 7)));
        }
        send(&mut h, 0, i);
        let got = delivered
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("record {i} never delivered: a lost wake-up"));
        assert_eq!(got, format!("0 {i}"));
    }
    listener.stop();
}

/// Producers blocked on a full ring are woken as the listener makes room.
#[test]
fn blocked_producers_are_woken_as_the_listener_makes_room() {
    let queue = RecordQueue::new(2, Overflow::Block);
    let (mut listener, delivered) = forwarding(&queue);
    let threads: Vec<_> = (0..2)
        .map(|p| {
            let queue = Arc::clone(&queue);
            std::thread::spawn(move || {
                let mut h = QueueHandler::new(queue);
                (0..500).for_each(|i| {
                    send(&mut h, p, i);
                });
            })
        })
        .collect();
    let start = Instant::now();
    for n in 0..1000 {
        assert!(
            delivered.recv_timeout(Duration::from_secs(10)).is_ok(),
            "stuck after {n} records"
        );
    }
    for t in threads {
        t.join().unwrap();
    }
    assert!(start.elapsed() < Duration::from_secs(60));
    listener.stop();
}

/// Long-running: many producers on the smallest rings, every policy, for
/// `EMLOG_QUEUE_STRESS_SECS` seconds each (2 unless set).
#[test]
fn stress_tiny_rings_with_many_producers() {
    let secs: u64 = std::env::var("EMLOG_QUEUE_STRESS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    for overflow in [Overflow::Block, Overflow::DropNewest, Overflow::DropOldest] {
        let deadline = Instant::now() + Duration::from_millis(secs * 1000 / 3);
        let mut round = 0;
        while Instant::now() < deadline {
            several_producers(overflow, 2 + round % 3, 6, 2_000);
            round += 1;
        }
    }
}
