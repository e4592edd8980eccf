//! 8 threads logging through rotating files, directly and through the queue:
//! every record sent is found exactly once across the live file and its
//! rotated backups, or counted as dropped; no line is torn; one thread's
//! records come out in the order it sent them, across the backups.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use emlog::{Dispatch, Formatter, Level, Record};
use emlog_std::{
    Logger, ManualClock, Overflow, QueueHandler, QueueListener, RecordQueue, RolloverSchedule,
    RotatingFileHandler, TimedRotatingFileHandler, When,
};

const THREADS: usize = 8;
const PER_THREAD: usize = 20_000;
const SENT: usize = THREADS * PER_THREAD;
const MAX_BYTES: u64 = 64 * 1024;
/// ~15-byte lines: 160,000 records are about 37 files of 64 KiB; keep them all.
const BACKUPS: u32 = 100;
const LINE: &str = "t0 r000000 end";

/// Each of `THREADS` threads sends `PER_THREAD` records through `logger`,
/// calling `between(thread, index)` before each.
fn send_all(logger: &'static Logger, between: impl Fn(usize, usize) + Sync) {
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let between = &between;
            s.spawn(move || {
                for i in 0..PER_THREAD {
                    between(t, i);
                    logger.dispatch(&Record::new(
                        Level::INFO,
                        "stress",
                        format_args!("t{t} r{i:06} end"),
                    ));
                }
            });
        }
    });
}

/// What the files hold.
struct Found {
    records: usize,
    /// The sum of the queue's in-band `--- N records dropped ---` reports.
    reported_drops: u64,
    /// How many such report lines there were.
    report_lines: u64,
    files: usize,
}

/// Reads every file in `dir`, oldest first (`oldest_first` orders the
/// rotated names; the live file `base` comes last), and checks each line.
fn read_back(dir: &Path, base: &Path, oldest_first: impl Fn(&mut [PathBuf])) -> Found {
    let mut rotated: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p != base)
        .collect();
    oldest_first(&mut rotated);
    rotated.push(base.to_owned());

    let mut seen = HashSet::with_capacity(SENT);
    let mut last = [None::<usize>; THREADS];
    let mut reported_drops = 0;
    let mut report_lines = 0;
    for path in &rotated {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "{} ends mid-line",
            path.display()
        );
        for line in text.lines() {
            if let Some(count) = line
                .strip_prefix("--- ")
                .and_then(|l| l.strip_suffix(" records dropped ---"))
            {
                reported_drops += count.parse::<u64>().unwrap();
                report_lines += 1;
                continue;
            }
            let parsed = (line.len() == LINE.len() && line.ends_with(" end"))
                .then(|| {
                    let t = line.strip_prefix('t')?.get(..1)?.parse::<usize>().ok()?;
                    let i = line.get(4..10)?.parse::<usize>().ok()?;
                    (t < THREADS && i < PER_THREAD).then_some((t, i))
                })
                .flatten();
            let Some((t, i)) = parsed else {
                panic!("torn line {line:?} in {}", path.display());
            };
            assert!(seen.insert((t, i)), "{line} found twice");
            assert!(
                last[t] < Some(i),
                "{line} after t{t} r{:?} (out of order) in {}",
                last[t],
                path.display()
            );
            last[t] = Some(i);
        }
    }
    Found {
        records: seen.len(),
        reported_drops,
        report_lines,
        files: rotated.len(),
    }
}

/// `app.log.N`: the highest N is the oldest.
fn by_number_descending(paths: &mut [PathBuf]) {
    let number = |p: &PathBuf| -> u32 {
        let name = p.file_name().unwrap().to_str().unwrap();
        name.rsplit('.').next().unwrap().parse().unwrap()
    };
    paths.sort_by_key(|p| std::cmp::Reverse(number(p)));
}

fn rotating(path: &Path) -> RotatingFileHandler {
    RotatingFileHandler::builder(path)
        .max_bytes(MAX_BYTES)
        .backup_count(BACKUPS)
        .formatter(Formatter::new("%(message)s").unwrap())
        .open()
        .unwrap()
}

#[test]
fn eight_threads_into_a_rotating_file_every_record_in_exactly_one_file() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("stress.log");
    let key = LOGGER.add(rotating(&base)).unwrap();
    send_all(&LOGGER, |_, _| {});
    LOGGER.flush_all();
    let stats = LOGGER.handler_stats(key).unwrap();
    assert_eq!((stats.emitted as usize, stats.errors), (SENT, 0));

    let found = read_back(dir.path(), &base, by_number_descending);
    assert_eq!(found.records, SENT);
    assert_eq!(found.reported_drops, 0);
    assert!(found.files > 2 && found.files <= BACKUPS as usize + 1);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let len = entry.unwrap().metadata().unwrap().len();
        assert!(len <= MAX_BYTES, "a file of {len} bytes is over max_bytes");
    }
}

/// Logger → QueueHandler → RecordQueue of 64 → QueueListener thread →
/// RotatingFileHandler, 8 threads logging at once.
fn through_the_queue(logger: &'static Logger, overflow: Overflow) {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("queued.log");
    let queue = RecordQueue::new(64, overflow);
    let mut listener = QueueListener::new(queue.clone(), vec![Box::new(rotating(&base))]);
    listener.start().unwrap();
    let key = logger.add(QueueHandler::new(queue.clone())).unwrap();
    send_all(logger, |_, _| {});
    // Delivers what is still queued and flushes.
    listener.stop();
    let handler = logger.handler_stats(key).unwrap();
    let file = listener.with_handlers(|h| h[0].stats());

    let found = read_back(dir.path(), &base, by_number_descending);
    let dropped = queue.dropped();
    assert_eq!(
        found.records as u64 + dropped,
        SENT as u64,
        "found {} + dropped {dropped} != sent",
        found.records
    );
    assert_eq!(found.reported_drops, dropped, "every drop reported in-band");
    assert_eq!(file.errors, 0);
    assert_eq!(file.emitted, found.records as u64 + found.report_lines);
    match overflow {
        Overflow::Block => assert_eq!(dropped, 0),
        // The handler refused these itself.
        Overflow::DropNewest => assert_eq!(handler.dropped, dropped),
        // The handler queued every record; the queue displaced the dropped ones.
        Overflow::DropOldest => assert_eq!(handler.emitted as usize, SENT),
    }
    println!(
        "{overflow:?}: {} found, {dropped} dropped, {} files",
        found.records, found.files
    );
}

#[test]
fn eight_threads_through_a_blocking_queue_into_rotating_files_lose_nothing() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    through_the_queue(&LOGGER, Overflow::Block);
}

#[test]
fn eight_threads_through_a_drop_newest_queue_account_for_every_record() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    through_the_queue(&LOGGER, Overflow::DropNewest);
}

#[test]
fn eight_threads_through_a_drop_oldest_queue_account_for_every_record() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    through_the_queue(&LOGGER, Overflow::DropOldest);
}

#[test]
fn eight_threads_into_a_timed_rotating_file_with_the_clock_moving_every_record_once() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("timed.log");
    let clock = ManualClock::at_secs(1_700_000_000);
    let schedule = RolloverSchedule::new(When::Seconds, 1).unwrap().utc();
    // backup_count 0 keeps every rotated file, as in Python.
    let handler = TimedRotatingFileHandler::builder(&base, schedule)
        .clock(clock.clock())
        .formatter(Formatter::new("%(message)s").unwrap())
        .open()
        .unwrap();
    let key = LOGGER.add(handler).unwrap();
    // Every thread moves the clock a second on every 2,000th record: 80
    // boundaries crossed while the others are logging.
    send_all(&LOGGER, |_, i| {
        if i % 2_000 == 1_999 {
            clock.advance_secs(1);
        }
    });
    LOGGER.flush_all();
    let stats = LOGGER.handler_stats(key).unwrap();
    assert_eq!((stats.emitted as usize, stats.errors), (SENT, 0));

    // timed.log.2023-11-14_22-13-20: names sort in time order.
    let found = read_back(dir.path(), &base, |paths| paths.sort());
    assert_eq!(found.records, SENT);
    assert!(
        found.files > 10 && found.files <= 81,
        "{} files for 80 clock steps",
        found.files
    );
}
