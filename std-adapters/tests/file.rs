//! FileHandler: modes, delay, close, buffering, and faults (disk full, no
//! permission, the file or its directory deleted).
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use emlog::{Handler, Level, Record};
use emlog_std::{Buffering, FileHandler, ManualClock};

fn log(h: &mut impl Handler, level: Level, msg: &str) -> bool {
    h.handle(&Record::new(level, "test", format_args!("{msg}")))
}

fn read(p: impl AsRef<std::path::Path>) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

#[test]
fn appends_by_default_and_truncates_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.log");
    std::fs::write(&path, "old\n").unwrap();
    let mut h = FileHandler::new(&path).unwrap();
    log(&mut h, Level::INFO, "new");
    assert_eq!(read(&path), "old\nnew\n");
    let mut h = FileHandler::builder(&path).truncate().open().unwrap();
    log(&mut h, Level::INFO, "only");
    assert_eq!(read(&path), "only\n");
}

#[test]
fn delay_creates_the_file_at_the_first_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.log");
    let mut h = FileHandler::builder(&path).delay().open().unwrap();
    assert!(!path.exists());
    log(&mut h, Level::INFO, "x");
    assert_eq!(read(&path), "x\n");
}

#[test]
fn created_file_gets_the_requested_mode_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.log");
    let _h = FileHandler::builder(&path).mode(0o640).open().unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
    // An existing file keeps its mode.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let _h = FileHandler::builder(&path).mode(0o644).open().unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn nothing_is_written_after_close_and_it_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.log");
    let mut h = FileHandler::builder(&path).truncate().open().unwrap();
    log(&mut h, Level::INFO, "before");
    h.close();
    assert!(!log(&mut h, Level::INFO, "after"));
    assert_eq!(read(&path), "before\n");
    assert_eq!(h.stats().dropped, 1);
}

#[test]
fn writes_through_each_record_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.log");
    let mut h = FileHandler::new(&path).unwrap();
    log(&mut h, Level::DEBUG, "one");
    assert_eq!(read(&path), "one\n", "visible before any flush");
}

fn buffered(clock: &ManualClock) -> Buffering {
    Buffering {
        capacity: 1 << 20,
        flush_level: Level::ERROR,
        interval: Some(Duration::from_secs(5)),
        clock: clock.clock(),
    }
}

#[test]
fn buffered_mode_writes_out_at_the_flush_level() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.log");
    let clock = ManualClock::at_secs(100);
    let mut h = FileHandler::builder(&path)
        .buffered(buffered(&clock))
        .open()
        .unwrap();
    log(&mut h, Level::INFO, "a");
    log(&mut h, Level::WARNING, "b");
    assert_eq!(read(&path), "");
    log(&mut h, Level::ERROR, "c");
    assert_eq!(read(&path), "a\nb\nc\n");
}

#[test]
fn buffered_mode_writes_out_after_the_interval() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.log");
    let clock = ManualClock::at_secs(100);
    let mut h = FileHandler::builder(&path)
        .buffered(buffered(&clock))
        .open()
        .unwrap();
    log(&mut h, Level::INFO, "a");
    clock.advance_secs(4);
    log(&mut h, Level::INFO, "b");
    assert_eq!(read(&path), "");
    clock.advance_secs(1);
    log(&mut h, Level::INFO, "c");
    assert_eq!(read(&path), "a\nb\nc\n");
}

/// In a `Logger` the interval's clock is read before the handler's lock is
/// taken (W4 of issue 6); the rule is the handler's own.
#[test]
fn buffered_mode_in_a_logger_writes_out_after_the_interval_and_counts_each_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.log");
    let clock = ManualClock::at_secs(100);
    let logger = emlog_std::Logger::with_root_level(Level::DEBUG);
    let h = FileHandler::builder(&path)
        .buffered(buffered(&clock))
        .open()
        .unwrap();
    let key = logger.add(h).unwrap();
    let log = |m: &str| {
        emlog::Dispatch::dispatch(
            &logger,
            &Record::new(Level::INFO, "app", format_args!("{m}")),
        )
    };
    log("a");
    clock.advance_secs(4);
    log("b");
    assert_eq!(read(&path), "");
    clock.advance_secs(1);
    log("c");
    assert_eq!(read(&path), "a\nb\nc\n");
    log("d");
    assert_eq!(read(&path), "a\nb\nc\n");
    assert_eq!(logger.handler_stats(key).unwrap().emitted, 4);
}

#[test]
fn buffered_mode_writes_out_on_flush_close_and_drop() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at_secs(100);
    for way in ["flush", "close", "drop"] {
        let path = dir.path().join(format!("{way}.log"));
        let mut h = FileHandler::builder(&path)
            .buffered(buffered(&clock))
            .open()
            .unwrap();
        log(&mut h, Level::INFO, way);
        assert_eq!(read(&path), "");
        match way {
            "flush" => h.flush(),
            "close" => h.close(),
            _ => drop(h),
        }
        assert_eq!(read(&path), format!("{way}\n"), "{way}");
    }
}

#[test]
fn buffered_mode_writes_out_when_a_panic_unwinds_past_the_handler() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.log");
    let clock = ManualClock::at_secs(100);
    let p = path.clone();
    let result = std::thread::spawn(move || {
        let mut h = FileHandler::builder(&p)
            .buffered(buffered(&clock))
            .open()
            .unwrap();
        log(&mut h, Level::INFO, "before the panic");
        panic!("boom");
    })
    .join();
    assert!(result.is_err());
    assert_eq!(read(&path), "before the panic\n");
}

#[test]
fn disk_full_is_reported_counted_and_the_program_goes_on() {
    let mut h = FileHandler::new("/dev/full").unwrap();
    assert!(!log(&mut h, Level::INFO, "lost"));
    assert!(!log(&mut h, Level::INFO, "lost too"));
    let stats = h.stats();
    assert_eq!((stats.errors, stats.dropped, stats.emitted), (2, 2, 0));
}

#[test]
fn permission_denied_is_a_clear_error_at_open() {
    // Root ignores permission bits, so make the path impossible instead: a
    // directory component that is a regular file (ENOTDIR) fails for root too.
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("file");
    std::fs::write(&not_a_dir, "").unwrap();
    let err = FileHandler::new(not_a_dir.join("f.log")).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("cannot open log file") && text.contains("f.log"),
        "{text}"
    );
}

/// Written through, and buffered (its line is rendered into the buffer
/// before the open fails, and taken back): the record is dropped, and the
/// next one, once the path is fixed, kept.
#[test]
fn an_unwritable_delayed_file_fails_per_record_and_recovers_when_fixed() {
    let clock = ManualClock::at_secs(100);
    for buffering in [None, Some(buffered(&clock))] {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("logs");
        std::fs::write(&blocker, "").unwrap(); // a file where the directory should be
        let path = blocker.join("f.log");
        let builder = FileHandler::builder(&path).delay();
        let mut h = match buffering {
            Some(b) => builder.buffered(b),
            None => builder,
        }
        .open()
        .unwrap();
        assert!(!log(&mut h, Level::INFO, "lost"));
        assert_eq!((h.stats().errors, h.stats().dropped), (1, 1));
        std::fs::remove_file(&blocker).unwrap();
        std::fs::create_dir(&blocker).unwrap();
        assert!(log(&mut h, Level::INFO, "kept"));
        h.flush();
        assert_eq!(read(&path), "kept\n");
    }
}

#[test]
fn a_deleted_file_or_directory_does_not_stop_the_program() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let path = sub.join("f.log");
    let mut h = FileHandler::new(&path).unwrap();
    assert!(log(&mut h, Level::INFO, "a"));
    std::fs::remove_dir_all(&sub).unwrap();
    // Like Python's FileHandler, the open descriptor still takes writes (into
    // the unlinked file); use WatchedFileHandler to follow the path.
    assert!(log(&mut h, Level::INFO, "b"));
    assert_eq!(h.stats().errors, 0);
}

#[test]
fn a_failed_buffered_write_out_counts_every_lost_record() {
    let clock = ManualClock::at_secs(100);
    let mut h = FileHandler::builder("/dev/full")
        .buffered(buffered(&clock))
        .open()
        .unwrap();
    for _ in 0..3 {
        assert!(log(&mut h, Level::INFO, "buffered"));
    }
    assert!(!log(&mut h, Level::ERROR, "triggers the write-out"));
    let s = h.stats();
    assert_eq!((s.errors, s.dropped), (1, 4));
    // Buffered, then lost at close.
    assert!(log(&mut h, Level::INFO, "lost at close"));
    h.close();
    let s = h.stats();
    assert_eq!((s.errors, s.dropped), (2, 5));
}

/// Two threads share a buffered file in a `Logger` whose buffer is due every
/// few records, so its write-outs run after the handler's lock is let go
/// while the other thread appends, and a third thread flushes meanwhile:
/// every record is in the file once, each thread's in the order it logged
/// them.
#[test]
fn deferred_write_outs_keep_every_record_once_and_each_threads_order() {
    static LOGGER: emlog_std::Logger = emlog_std::Logger::with_root_level(Level::DEBUG);
    const PER_THREAD: u64 = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.log");
    let h = FileHandler::builder(&path)
        .buffered(Buffering {
            capacity: 200,
            ..Buffering::default()
        })
        .open()
        .unwrap();
    let key = LOGGER.add(h).unwrap();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flusher = {
        let done = std::sync::Arc::clone(&done);
        std::thread::spawn(move || {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                LOGGER.flush_all();
                std::thread::yield_now();
            }
        })
    };
    let threads: Vec<_> = (0..2u64)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..PER_THREAD {
                    emlog::Dispatch::dispatch(
                        &LOGGER,
                        &Record::new(Level::INFO, "app", format_args!("{t} {i}")),
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    flusher.join().unwrap();
    let stats = LOGGER.handler_stats(key).unwrap();
    assert_eq!(
        (stats.emitted, stats.dropped, stats.errors),
        (2 * PER_THREAD, 0, 0)
    );
    LOGGER.shutdown().unwrap();
    let mut next = [0u64; 2];
    for line in read(&path).lines() {
        let (t, i) = line.split_once(' ').unwrap();
        let (t, i): (usize, u64) = (t.parse().unwrap(), i.parse().unwrap());
        assert_eq!(i, next[t], "thread {t}'s records out of order or missing");
        next[t] += 1;
    }
    assert_eq!(next, [PER_THREAD; 2]);
}

/// A write-out that a `Logger` ran after letting go of the handler's lock
/// and that failed is counted at once (stats) and reported at the next
/// write: as when the handler writes its own buffer.
#[test]
fn a_failed_deferred_write_out_counts_every_lost_record_and_is_reported_once() {
    let clock = ManualClock::at_secs(100);
    let logger = emlog_std::Logger::with_root_level(Level::DEBUG);
    let h = FileHandler::builder("/dev/full")
        .buffered(buffered(&clock))
        .open()
        .unwrap();
    let key = logger.add(h).unwrap();
    let log = |level, m: &str| {
        emlog::Dispatch::dispatch(&logger, &Record::new(level, "app", format_args!("{m}")))
    };
    for _ in 0..3 {
        log(Level::INFO, "buffered");
    }
    log(Level::ERROR, "triggers the write-out");
    let s = logger.handler_stats(key).unwrap();
    assert_eq!((s.emitted, s.errors, s.dropped), (4, 1, 4));
    // Taken in (and reported) by the flush; nothing is counted twice.
    logger.flush_all();
    let s = logger.handler_stats(key).unwrap();
    assert_eq!((s.errors, s.dropped), (1, 4));
    log(Level::INFO, "lost at close");
    logger.shutdown().unwrap();
}

/// A `Display` that writes part of its text, then fails.
struct FailsPartway;

impl std::fmt::Display for FailsPartway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("half a line")?;
        Err(std::fmt::Error)
    }
}

/// A buffered file renders each line straight into its buffer, after the
/// lines there: the file it writes is the write-through file's, byte for
/// byte, whatever the layout (kept text then the message, steps, digits in
/// kept text longer than a block), with lines escaped, lines longer than the
/// buffer, write-outs between lines, and lines that fail partway (dropped,
/// reported once, the lines before them kept).
#[test]
fn a_buffered_file_writes_what_a_write_through_file_writes() {
    let dir = tempfile::tempdir().unwrap();
    let long_prefix = "x".repeat(70);
    let templates = [
        "%(asctime)s %(levelname)s %(name)s: %(message)s".to_string(),
        "%(levelname)s:%(message)s [%(msecs)03d] %(name)s".to_string(),
        "%(message)s".to_string(),
        format!("{long_prefix} %(msecs)03d %(levelname)s: %(message)s"),
    ];
    for (t, template) in templates.iter().enumerate() {
        // The formatter keeps its template for good.
        let template: &'static str = template.clone().leak();
        for capacity in [1, 100, 1 << 20] {
            let handler = |name: &str, buffering: Option<Buffering>| {
                let builder =
                    FileHandler::builder(dir.path().join(format!("{t}-{capacity}-{name}")))
                        .formatter(emlog::Formatter::new(template).unwrap());
                match buffering {
                    Some(b) => builder.buffered(b),
                    None => builder,
                }
                .open()
                .unwrap()
            };
            let clock = ManualClock::at_secs(100);
            let mut through = handler("through", None);
            let mut buffered = handler(
                "buffered",
                Some(Buffering {
                    capacity,
                    ..buffered(&clock)
                }),
            );
            for i in 0..300u32 {
                let long = "é".repeat((i as usize * 13) % 700);
                let level = [Level::INFO, Level::WARNING, Level::ERROR][i as usize % 3 % 2];
                let logger = ["a", "bench", "c.d"][i as usize % 3];
                let mut handle = |args: std::fmt::Arguments<'_>| {
                    let mut record = Record::new(level, logger, args);
                    record.timestamp = emlog::Timestamp::new(
                        1_700_000_000 + u64::from(i / 40),
                        (i * 37 % 1000) * 1_000_000,
                    );
                    let a = through.handle(&record);
                    let b = buffered.handle(&record);
                    assert_eq!(a, b, "template {t}, capacity {capacity}, record {i}");
                };
                match i % 5 {
                    0 => handle(format_args!("plain {i}")),
                    1 => handle(format_args!("{long} {i}")),
                    2 => handle(format_args!(
                        "line\nbreak {i}\t{}",
                        &long[..long.len().min(40)]
                    )),
                    3 => handle(format_args!("{i} {}", FailsPartway)),
                    _ => handle(format_args!("{}", "")),
                }
            }
            through.close();
            buffered.close();
            let (a, b) = (through.stats(), buffered.stats());
            assert_eq!(
                (a.emitted, a.errors, a.dropped),
                (b.emitted, b.errors, b.dropped),
                "template {t}, capacity {capacity}"
            );
            assert_eq!(a.errors, 60);
            let expected = read(through.path());
            assert_eq!(expected.lines().count(), 240);
            let written = read(buffered.path());
            let first_difference = written
                .lines()
                .zip(expected.lines())
                .position(|(a, b)| a != b);
            assert!(
                written == expected,
                "template {t}, capacity {capacity}: lines from {first_difference:?} differ"
            );
        }
    }
}
