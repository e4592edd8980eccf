//! Queue, QueueHandler and QueueListener: Python's QueueHandlerTest cases, overflow
//! policies with in-band drop reports, and threads hammering the queue while one drains.

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

use common::Capture;
use emlog::{
    Formatter, Handler, Level, Overflow, Queue, QueueHandler, QueueListener, Record, StreamHandler,
};

fn lines_handler(out: &Capture) -> StreamHandler<Capture, 256> {
    StreamHandler::new(out.clone())
        .with_formatter(emlog::formatter!("%(levelname)s:%(name)s:%(message)s"))
}

fn info(n: u32) -> String {
    format!("record {n}")
}

#[test]
fn the_listener_delivers_queued_records_in_order() {
    let queue: Queue<8, 64> = Queue::new();
    let mut handler = QueueHandler::new(&queue);
    for n in 0..5 {
        handler.handle(&Record::new(
            Level::INFO,
            "app",
            format_args!("{}", info(n)),
        ));
    }
    let out = Capture::default();
    let mut sink = lines_handler(&out);
    let mut listener: QueueListener<'_, '_, 8, 64> = QueueListener::new(&queue);
    listener.add(&mut sink).unwrap();
    assert_eq!(listener.process_all(), 5);
    assert_eq!(
        out.lines(),
        (0..5)
            .map(|n| format!("INFO:app:{}", info(n)))
            .collect::<Vec<_>>()
    );
    assert!(!listener.process());
}

#[test]
fn the_queue_handlers_level_and_filters_apply_before_enqueue() {
    let queue: Queue<8, 64> = Queue::new();
    let mut handler = QueueHandler::new(&queue).with_level(Level::WARNING);
    handler.base_mut().filters_mut().set_name("app");
    // The caller (a table) checks the level, as in Python; here only the filter matters.
    assert!(!handler.handle(&Record::new(Level::ERROR, "other", format_args!("x"))));
    assert!(handler.handle(&Record::new(Level::ERROR, "app.db", format_args!("y"))));
    assert_eq!(handler.level(), Level::WARNING);
    assert_eq!(queue.len(), 1);
    assert_eq!(handler.stats().filtered, 1);
}

#[test]
fn the_queue_handlers_formatter_becomes_the_queued_message() {
    // Python: prepare() sets msg = message = the formatted line, args = None.
    let queue: Queue<4, 64> = Queue::new();
    let mut handler =
        QueueHandler::new(&queue).with_formatter(Formatter::new("%(name)s|%(message)s").unwrap());
    handler.handle(&Record::new(Level::INFO, "net", format_args!("up {}", 3)));
    let out = Capture::default();
    let mut sink = lines_handler(&out);
    let mut listener: QueueListener<'_, '_, 4, 64> = QueueListener::new(&queue);
    listener.add(&mut sink).unwrap();
    listener.process_all();
    assert_eq!(out.lines(), ["INFO:net:net|up 3"]);
}

#[test]
fn respect_handler_level_gives_each_handler_only_its_levels() {
    let queue: Queue<8, 64> = Queue::new();
    queue
        .push(&Record::new(Level::DEBUG, "a", format_args!("d")), None)
        .unwrap();
    queue
        .push(&Record::new(Level::ERROR, "a", format_args!("e")), None)
        .unwrap();
    let (all, loud) = (Capture::default(), Capture::default());
    let mut all_h = lines_handler(&all);
    let mut loud_h = lines_handler(&loud).with_level(Level::WARNING);
    let mut listener: QueueListener<'_, '_, 8, 64> =
        QueueListener::new(&queue).respect_handler_level(true);
    listener.add(&mut all_h).unwrap();
    listener.add(&mut loud_h).unwrap();
    listener.process_all();
    assert_eq!(all.lines(), ["DEBUG:a:d", "ERROR:a:e"]);
    assert_eq!(loud.lines(), ["ERROR:a:e"]);
}

#[test]
fn without_respect_handler_level_every_handler_gets_every_record() {
    let queue: Queue<8, 64> = Queue::new();
    queue
        .push(&Record::new(Level::DEBUG, "a", format_args!("d")), None)
        .unwrap();
    let loud = Capture::default();
    let mut loud_h = lines_handler(&loud).with_level(Level::WARNING);
    let mut listener: QueueListener<'_, '_, 8, 64> = QueueListener::new(&queue);
    listener.add(&mut loud_h).unwrap();
    listener.process_all();
    assert_eq!(loud.lines(), ["DEBUG:a:d"]);
}

#[test]
fn a_full_queue_drops_the_newest_and_the_next_drain_reports_the_count() {
    let queue: Queue<4, 64> = Queue::new();
    for n in 0..16 {
        let r = queue.push(
            &Record::new(Level::INFO, "app", format_args!("{}", info(n))),
            None,
        );
        assert_eq!(r.is_ok(), n < 4, "record {n}");
    }
    assert_eq!(queue.dropped(), 12);
    let out = Capture::default();
    let mut sink = lines_handler(&out);
    let mut listener: QueueListener<'_, '_, 4, 64> = QueueListener::new(&queue);
    listener.add(&mut sink).unwrap();
    assert_eq!(listener.process_all(), 5);
    assert_eq!(
        out.lines(),
        [
            "WARNING:emlog:--- 12 records dropped ---",
            "INFO:app:record 0",
            "INFO:app:record 1",
            "INFO:app:record 2",
            "INFO:app:record 3",
        ]
    );
    // Reported once only.
    assert_eq!(listener.process_all(), 0);
}

#[test]
fn drop_oldest_keeps_the_latest_records_and_counts_the_discarded() {
    let queue: Queue<4, 64> = Queue::with_overflow(Overflow::DropOldest);
    for n in 0..10 {
        assert!(
            queue
                .push(
                    &Record::new(Level::INFO, "app", format_args!("{}", info(n))),
                    None
                )
                .is_ok()
        );
    }
    let out = Capture::default();
    let mut sink = lines_handler(&out);
    let mut listener: QueueListener<'_, '_, 4, 64> = QueueListener::new(&queue);
    listener.add(&mut sink).unwrap();
    listener.process_all();
    assert_eq!(
        out.lines(),
        [
            "WARNING:emlog:--- 6 records dropped ---",
            "INFO:app:record 6",
            "INFO:app:record 7",
            "INFO:app:record 8",
            "INFO:app:record 9",
        ]
    );
}

#[test]
fn the_queue_handler_counts_its_own_drops_and_cut_messages() {
    let queue: Queue<2, 16> = Queue::new();
    let mut handler = QueueHandler::new(&queue);
    handler.handle(&Record::new(
        Level::INFO,
        "a",
        format_args!("{}", "long message here, too long"),
    ));
    handler.handle(&Record::new(Level::INFO, "a", format_args!("b")));
    handler.handle(&Record::new(Level::INFO, "a", format_args!("c")));
    let stats = handler.stats();
    assert_eq!((stats.emitted, stats.truncated, stats.dropped), (2, 1, 1));
    assert_eq!(queue.truncated(), 1);
}

#[test]
fn positions_wrap_around_many_laps_without_losing_order() {
    let queue: Queue<4, 32> = Queue::new();
    let mut out: emlog::CapturedRecord<32> = emlog::CapturedRecord::new();
    for n in 0..10_000u32 {
        queue
            .push(&Record::new(Level::INFO, "a", format_args!("{n}")), None)
            .unwrap();
        assert!(queue.pop_into(&mut out));
        assert_eq!(out.message(), n.to_string());
    }
    assert!(!queue.pop_into(&mut out));
}

#[test]
fn installed_as_the_dispatcher_the_queue_takes_macro_records_at_its_level() {
    static QUEUE: Queue<8, 96> = Queue::new();
    QUEUE.set_level(Level::INFO);
    emlog::install(&QUEUE).unwrap();
    emlog::debug!(logger: "app", "too low");
    emlog::warning!(logger: "app", "disk at {}%", 91);
    assert_eq!(QUEUE.len(), 1);
    let mut out: emlog::CapturedRecord<96> = emlog::CapturedRecord::new();
    assert!(QUEUE.pop_into(&mut out));
    assert_eq!(out.message(), "disk at 91%");
    out.with_record(|r| {
        assert_eq!(r.location.file, file!());
        assert!(r.location.line > 0);
    });
}

/// Producers × records each, through a queue of `N` slots, while one thread drains.
fn hammer(overflow: Overflow) {
    const PRODUCERS: u32 = 4;
    const EACH: u32 = 20_000;
    let queue: Queue<16, 96> = Queue::with_overflow(overflow);
    let done = AtomicBool::new(false);
    let out = Capture::default();
    std::thread::scope(|s| {
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let queue = &queue;
                s.spawn(move || {
                    for i in 0..EACH {
                        // A message whose tail depends on the head, so a torn record shows.
                        let _ = queue.push(
                            &Record::new(
                                Level::INFO,
                                "hammer",
                                format_args!("p{p} i{i} {}", "#".repeat((i % 40) as usize)),
                            ),
                            None,
                        );
                    }
                })
            })
            .collect();
        let drainer = s.spawn(|| {
            let mut sink = lines_handler(&out);
            let mut listener: QueueListener<'_, '_, 16, 96> = QueueListener::new(&queue);
            listener.add(&mut sink).unwrap();
            loop {
                let finished = done.load(Ordering::Acquire);
                listener.process_all();
                if finished && queue.is_empty() {
                    listener.process_all();
                    break;
                }
            }
        });
        for p in producers {
            p.join().unwrap();
        }
        done.store(true, Ordering::Release);
        drainer.join().unwrap();
    });

    let mut received = 0u64;
    let mut reported = 0u64;
    let mut seen = HashSet::new();
    let mut last = vec![None::<u32>; PRODUCERS as usize];
    for line in out.lines() {
        if let Some(rest) = line.strip_prefix("WARNING:emlog:--- ") {
            let n: u64 = rest
                .strip_suffix(" records dropped ---")
                .unwrap()
                .parse()
                .unwrap();
            reported += n;
            continue;
        }
        let body = line
            .strip_prefix("INFO:hammer:")
            .unwrap_or_else(|| panic!("torn: {line:?}"));
        let mut parts = body.splitn(3, ' ');
        let p: u32 = parts.next().unwrap()[1..].parse().unwrap();
        let i: u32 = parts.next().unwrap()[1..].parse().unwrap();
        assert_eq!(
            parts.next().unwrap_or(""),
            "#".repeat((i % 40) as usize),
            "torn: {line:?}"
        );
        assert!(seen.insert((p, i)), "duplicated: {line:?}");
        if overflow == Overflow::DropNewest {
            // One producer's records come out in the order it logged them.
            assert!(last[p as usize] < Some(i), "out of order: {line:?}");
        }
        last[p as usize] = Some(i);
        received += 1;
    }
    assert_eq!(received + reported, u64::from(PRODUCERS * EACH));
    assert_eq!(u64::from(queue.dropped()), reported);
    assert!(received > 0);
}

#[test]
fn threads_hammering_a_drop_newest_queue_lose_nothing_uncounted_and_tear_nothing() {
    hammer(Overflow::DropNewest);
}

#[test]
fn threads_hammering_a_drop_oldest_queue_lose_nothing_uncounted_and_tear_nothing() {
    hammer(Overflow::DropOldest);
}
