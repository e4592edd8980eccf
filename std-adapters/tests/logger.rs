//! The std Logger: per-handler locks, effective levels, re-entrancy, shutdown order.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use emlog::{Dispatch, Handler, HandlerBase, HandlerStats, Level, Record};
use emlog_std::{Logger, LoggerError};

/// Records what it was given, optionally slowly, optionally logging from inside.
struct Probe {
    base: HandlerBase,
    seen: Arc<Mutex<Vec<String>>>,
    delay: Duration,
    logger: Option<&'static Logger>,
    events: Arc<Mutex<Vec<String>>>,
    label: &'static str,
}

impl Probe {
    fn new(label: &'static str) -> (Probe, Arc<Mutex<Vec<String>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        (
            Probe {
                base: HandlerBase::new(Level::NOTSET),
                seen: Arc::clone(&seen),
                delay: Duration::ZERO,
                logger: None,
                events: Arc::new(Mutex::new(Vec::new())),
                label,
            },
            seen,
        )
    }
}

impl Handler for Probe {
    fn level(&self) -> Level {
        self.base.level()
    }
    fn set_level(&mut self, level: Level) {
        self.base.set_level(level);
    }
    fn handle(&mut self, record: &Record<'_>) -> bool {
        if let Some(logger) = self.logger {
            logger.dispatch(&Record::new(
                Level::ERROR,
                "inner",
                format_args!("from inside"),
            ));
        }
        std::thread::sleep(self.delay);
        self.seen.lock().unwrap().push(format!("{}", record.args));
        self.base.count_emitted(false);
        true
    }
    fn flush(&mut self) {
        self.events
            .lock()
            .unwrap()
            .push(format!("flush {}", self.label));
    }
    fn close(&mut self) {
        self.events
            .lock()
            .unwrap()
            .push(format!("close {}", self.label));
    }
    fn stats(&self) -> HandlerStats {
        self.base.stats()
    }
}

#[test]
fn effective_levels_follow_the_nearest_configured_ancestor() {
    static LOGGER: Logger = Logger::new();
    let (probe, seen) = Probe::new("p");
    LOGGER.add(probe).unwrap();
    LOGGER.set_logger_level("app", Level::DEBUG).unwrap();
    LOGGER.set_logger_level("app.db", Level::ERROR).unwrap();
    for (logger, level) in [
        ("app.net", Level::DEBUG),
        ("app.db.pool", Level::WARNING),
        ("other", Level::WARNING),
        ("other", Level::INFO),
    ] {
        LOGGER.dispatch(&Record::new(
            level,
            logger,
            format_args!("{logger}/{level}"),
        ));
    }
    assert_eq!(*seen.lock().unwrap(), ["app.net/DEBUG", "other/WARNING"]);
    assert_eq!(LOGGER.effective_level("app.db.pool"), Level::ERROR);
}

/// The root's level is read without the loggers' lock while no other logger
/// has a level: setting the root, adding a named level and removing it again
/// (NOTSET) each take effect for the next record.
#[test]
fn root_and_named_levels_take_effect_as_they_are_set_and_removed() {
    static LOGGER: Logger = Logger::with_root_level(Level::ERROR);
    let (probe, seen) = Probe::new("p");
    LOGGER.add(probe).unwrap();
    let log = |tag: &str| {
        for (logger, level) in [("app", Level::INFO), ("other", Level::INFO)] {
            LOGGER.dispatch(&Record::new(level, logger, format_args!("{tag} {logger}")));
        }
    };
    log("error-root");
    LOGGER.set_logger_level("", Level::INFO).unwrap();
    log("info-root");
    LOGGER.set_logger_level("app", Level::CRITICAL).unwrap();
    log("app-critical");
    LOGGER.set_logger_level("root", Level::WARNING).unwrap();
    log("warning-root");
    LOGGER.set_logger_level("app", Level::NOTSET).unwrap();
    log("app-removed");
    LOGGER.set_logger_level("", Level::INFO).unwrap();
    log("info-again");
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "info-root app",
            "info-root other",
            "app-critical other",
            "info-again app",
            "info-again other",
        ]
    );
}

#[test]
fn handler_levels_are_checked_before_the_handler_lock() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    let (probe, seen) = Probe::new("p");
    let key = LOGGER.add(probe).unwrap();
    LOGGER.set_handler_level(key, Level::ERROR).unwrap();
    LOGGER.dispatch(&Record::new(Level::INFO, "a", format_args!("info")));
    LOGGER.dispatch(&Record::new(Level::ERROR, "a", format_args!("error")));
    assert_eq!(*seen.lock().unwrap(), ["error"]);
    assert_eq!(LOGGER.lowest_level(), Level::ERROR);
}

/// A logger's only handler is given records without the loop over several:
/// its level and scope apply alike, alone and beside another handler, and
/// the root's level is compared at its edge (a record at it passes).
#[test]
fn a_lone_handler_gets_the_same_records_as_one_among_several() {
    static ALONE: Logger = Logger::with_root_level(Level::INFO);
    static SHARED: Logger = Logger::with_root_level(Level::INFO);
    let (alone, alone_seen) = Probe::new("alone");
    let key = ALONE.add_for("app", alone).unwrap();
    ALONE.set_handler_level(key, Level::WARNING).unwrap();
    let (first, first_seen) = Probe::new("first");
    SHARED.add(first).unwrap();
    let (second, second_seen) = Probe::new("second");
    let key = SHARED.add_for("app", second).unwrap();
    SHARED.set_handler_level(key, Level::WARNING).unwrap();
    for logger in [&ALONE, &SHARED] {
        for (level, name, tag) in [
            (Level::DEBUG, "app", "below the root"),
            (Level::INFO, "app", "at the root, below the handler"),
            (Level::WARNING, "app.db", "at the handler"),
            (Level::ERROR, "other", "out of scope"),
            (Level::CRITICAL, "app", "above"),
        ] {
            logger.dispatch(&Record::new(level, name, format_args!("{tag}")));
        }
    }
    assert_eq!(*alone_seen.lock().unwrap(), ["at the handler", "above"]);
    assert_eq!(*second_seen.lock().unwrap(), *alone_seen.lock().unwrap());
    assert_eq!(
        *first_seen.lock().unwrap(),
        [
            "at the root, below the handler",
            "at the handler",
            "out of scope",
            "above"
        ]
    );
}

#[test]
fn a_handler_that_logs_is_not_reentered_and_the_record_is_counted() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    let (mut probe, seen) = Probe::new("p");
    probe.logger = Some(&LOGGER);
    LOGGER.add(probe).unwrap();
    LOGGER.dispatch(&Record::new(Level::INFO, "a", format_args!("outer")));
    assert_eq!(*seen.lock().unwrap(), ["outer"]);
    assert_eq!(LOGGER.stats().reentrant, 1);
}

#[test]
fn changing_the_logger_from_inside_a_handler_is_refused_not_deadlocked() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    type Outcome = Arc<Mutex<Vec<Result<(), LoggerError>>>>;
    struct Changer(HandlerBase, Outcome);
    impl Handler for Changer {
        fn level(&self) -> Level {
            self.0.level()
        }
        fn set_level(&mut self, l: Level) {
            self.0.set_level(l)
        }
        fn handle(&mut self, _: &Record<'_>) -> bool {
            let mut out = self.1.lock().unwrap();
            out.push(LOGGER.set_logger_level("x", Level::INFO));
            out.push(LOGGER.add(emlog::NullHandler::new()).map(|_| ()));
            true
        }
        fn stats(&self) -> HandlerStats {
            self.0.stats()
        }
    }
    let outcome: Outcome = Arc::default();
    LOGGER
        .add(Changer(
            HandlerBase::new(Level::NOTSET),
            Arc::clone(&outcome),
        ))
        .unwrap();
    LOGGER.dispatch(&Record::new(Level::INFO, "a", format_args!("x")));
    assert_eq!(
        *outcome.lock().unwrap(),
        [
            Err(LoggerError::InsideHandler),
            Err(LoggerError::InsideHandler)
        ]
    );
    assert_eq!(LOGGER.handler_count(), 1);
}

#[test]
fn a_record_below_a_held_handlers_level_does_not_wait_for_it() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    let (started_tx, started) = std::sync::mpsc::channel();
    let (release, release_rx) = std::sync::mpsc::channel();
    let gate = Gate {
        base: HandlerBase::new(Level::ERROR),
        started: started_tx,
        release: release_rx,
    };
    LOGGER.add(gate).unwrap();
    let (fast, fast_seen) = Probe::new("fast");
    LOGGER.add(fast).unwrap();
    let blocked = std::thread::spawn(|| {
        LOGGER.dispatch(&Record::new(Level::ERROR, "a", format_args!("error")));
    });
    started.recv().unwrap(); // the ERROR handler is inside its lock, stuck
    let (done_tx, done) = std::sync::mpsc::channel();
    let info = std::thread::spawn(move || {
        LOGGER.dispatch(&Record::new(Level::INFO, "a", format_args!("info")));
        let _ = done_tx.send(());
    });
    let delivered = done.recv_timeout(Duration::from_secs(5));
    release.send(()).unwrap();
    info.join().unwrap();
    blocked.join().unwrap();
    assert!(
        delivered.is_ok(),
        "the INFO record waited for the ERROR handler's lock"
    );
    assert_eq!(*fast_seen.lock().unwrap(), ["info", "error"]);
}

#[test]
fn shutdown_flushes_and_closes_in_reverse_order() {
    static LOGGER: Logger = Logger::new();
    let events = Arc::new(Mutex::new(Vec::new()));
    for label in ["first", "second"] {
        let (mut probe, _) = Probe::new(label);
        probe.events = Arc::clone(&events);
        LOGGER.add(probe).unwrap();
    }
    LOGGER.shutdown().unwrap();
    assert_eq!(
        *events.lock().unwrap(),
        ["flush second", "close second", "flush first", "close first"]
    );
    assert_eq!(LOGGER.handler_count(), 0);
}

#[test]
fn records_with_no_handler_are_counted() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    LOGGER.dispatch(&Record::new(Level::INFO, "a", format_args!("nowhere")));
    assert_eq!(LOGGER.stats().no_handler, 1);
}

/// A handler that tells when it has started handling, then waits to be released.
struct Gate {
    base: HandlerBase,
    started: std::sync::mpsc::Sender<()>,
    release: std::sync::mpsc::Receiver<()>,
}

impl Handler for Gate {
    fn level(&self) -> Level {
        self.base.level()
    }
    fn set_level(&mut self, level: Level) {
        self.base.set_level(level);
    }
    fn handle(&mut self, _: &Record<'_>) -> bool {
        let _ = self.started.send(());
        let _ = self.release.recv();
        self.base.count_emitted(false);
        true
    }
    fn stats(&self) -> HandlerStats {
        self.base.stats()
    }
}

#[test]
fn a_handler_scoped_to_another_logger_is_skipped_without_its_lock() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    let (started_tx, started) = std::sync::mpsc::channel();
    let (release, release_rx) = std::sync::mpsc::channel();
    let gate = Gate {
        base: HandlerBase::new(Level::NOTSET),
        started: started_tx,
        release: release_rx,
    };
    let gate_key = LOGGER.add_for("db", gate).unwrap();
    let (fast, fast_seen) = Probe::new("fast");
    LOGGER.add_for("net", fast).unwrap();
    let blocked = std::thread::spawn(|| {
        LOGGER.dispatch(&Record::new(Level::INFO, "db.pool", format_args!("db")))
    });
    started.recv().unwrap(); // the db handler is now inside its lock, stuck
    // The net record is delivered while the db handler is held (a bounded
    // wait, so a regression fails instead of hanging).
    let (done_tx, done) = std::sync::mpsc::channel();
    let net = std::thread::spawn(move || {
        LOGGER.dispatch(&Record::new(Level::INFO, "net.tcp", format_args!("net")));
        let _ = done_tx.send(());
    });
    let delivered = done.recv_timeout(Duration::from_secs(5));
    release.send(()).unwrap();
    net.join().unwrap();
    assert!(
        delivered.is_ok(),
        "the net record waited for the db handler"
    );
    assert_eq!(*fast_seen.lock().unwrap(), ["net"]);
    blocked.join().unwrap();
    assert_eq!(LOGGER.handler_stats(gate_key).unwrap().emitted, 1);
}

/// A file handler's lines are rendered by the logger on each calling thread
/// (outside the handler's lock): every thread's every record arrives whole,
/// once, in the handler's format.
#[test]
fn threads_sharing_a_file_handler_write_whole_lines_in_its_format() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.log");
    let formatter = emlog::Formatter::new("%(asctime)s %(levelname)s %(name)s: %(message)s")
        .unwrap()
        .with_utc_offset(|_| 3600);
    let file = emlog_std::FileHandler::builder(&path)
        .formatter(formatter)
        .open()
        .unwrap();
    let key = LOGGER.add(file).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..500 {
                    LOGGER.dispatch(
                        &Record::new(Level::INFO, "app", format_args!("thread {t} record {i}"))
                            .with_timestamp(emlog::Timestamp::new(1_700_000_000 + i, 7_000_000)),
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(LOGGER.handler_stats(key).unwrap().emitted, 2000);
    LOGGER.shutdown().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut seen: Vec<(u32, u64)> = text
        .lines()
        .map(|line| {
            // 2023-11-14 23:13:20,007 INFO app: thread 3 record 0 (UTC+1)
            let (time, rest) = line.split_at(23);
            let rest = rest.strip_prefix(" INFO app: thread ").unwrap();
            let (t, i) = rest.split_once(" record ").unwrap();
            let (t, i): (u32, u64) = (t.parse().unwrap(), i.parse().unwrap());
            let secs = 1_700_000_000 + i;
            let mut expected = String::new();
            emlog::civil::strftime(
                "%Y-%m-%d %H:%M:%S,007",
                &emlog::civil::DateTime::from_unix(secs as i64, 0, 3600),
                &mut expected,
            )
            .unwrap();
            assert_eq!(time, expected, "{line}");
            (t, i)
        })
        .collect();
    seen.sort_unstable();
    let expected: Vec<(u32, u64)> = (0..4).flat_map(|t| (0..500).map(move |i| (t, i))).collect();
    assert_eq!(seen, expected);
}

/// A message that cannot be rendered is reported by the file handler itself,
/// as when it renders its own lines, and nothing is written.
#[test]
fn a_file_handler_in_a_logger_reports_a_message_that_fails_to_render() {
    struct Fails;
    impl std::fmt::Display for Fails {
        fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            Err(std::fmt::Error)
        }
    }
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fails.log");
    let key = LOGGER
        .add(emlog_std::FileHandler::new(&path).unwrap())
        .unwrap();
    LOGGER.dispatch(&Record::new(Level::INFO, "app", format_args!("{}", Fails)));
    LOGGER.dispatch(&Record::new(Level::INFO, "app", format_args!("fine")));
    let stats = LOGGER.handler_stats(key).unwrap();
    assert_eq!((stats.emitted, stats.errors), (1, 1), "{stats:?}");
    LOGGER.shutdown().unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "fine\n");
}

/// While one thread renders a slow message for a file handler, another
/// thread's record to the same handler is written: rendering happens before
/// the handler's lock is taken.
#[test]
fn a_slow_message_does_not_hold_up_other_threads_writing_the_same_file() {
    use std::sync::mpsc;
    /// Says it started rendering, then waits (at most 10 s) for the other record.
    struct Slow {
        started: mpsc::Sender<()>,
        other_written: Mutex<mpsc::Receiver<()>>,
    }
    impl std::fmt::Display for Slow {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            let _ = self.started.send(());
            let waited = self
                .other_written
                .lock()
                .unwrap()
                .recv_timeout(Duration::from_secs(10));
            f.write_str(if waited.is_ok() {
                "slow, after the other"
            } else {
                "slow, timed out"
            })
        }
    }
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("slow.log");
    LOGGER
        .add(emlog_std::FileHandler::new(&path).unwrap())
        .unwrap();
    let (started, started_rx) = mpsc::channel();
    let (written, written_rx) = mpsc::channel();
    let slow = Slow {
        started,
        other_written: Mutex::new(written_rx),
    };
    let renderer = std::thread::spawn(move || {
        LOGGER.dispatch(&Record::new(Level::INFO, "app", format_args!("{slow}")));
    });
    started_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    LOGGER.dispatch(&Record::new(Level::INFO, "app", format_args!("other")));
    written.send(()).unwrap();
    renderer.join().unwrap();
    LOGGER.shutdown().unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "other\nslow, after the other\n"
    );
}

/// Counts what it gets; complains if it gets a record after it was removed.
struct Counted {
    base: HandlerBase,
    got: Arc<std::sync::atomic::AtomicU64>,
    removed: Arc<std::sync::atomic::AtomicBool>,
    after_removal: Arc<std::sync::atomic::AtomicU64>,
}

impl Counted {
    fn new() -> Counted {
        Counted {
            base: HandlerBase::new(Level::NOTSET),
            got: Arc::default(),
            removed: Arc::default(),
            after_removal: Arc::default(),
        }
    }
}

impl Handler for Counted {
    fn level(&self) -> Level {
        self.base.level()
    }
    fn set_level(&mut self, level: Level) {
        self.base.set_level(level);
    }
    fn handle(&mut self, _: &Record<'_>) -> bool {
        use std::sync::atomic::Ordering::SeqCst;
        if self.removed.load(SeqCst) {
            self.after_removal.fetch_add(1, SeqCst);
        }
        self.got.fetch_add(1, SeqCst);
        self.base.count_emitted(false);
        true
    }
    fn stats(&self) -> HandlerStats {
        self.base.stats()
    }
}

/// Two threads log while a third adds and removes handlers (each thread
/// reads its own copy of the handler list): the handler that stays gets
/// every record, none is counted as without a handler or re-entrant, and a
/// removed handler gets nothing once `remove` has returned.
#[test]
fn handlers_added_and_removed_while_two_threads_log_leave_every_record_accounted_for() {
    use std::sync::atomic::Ordering::SeqCst;
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    const PER_THREAD: u64 = 20_000;
    let stays = LOGGER.add(Counted::new()).unwrap();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let changer = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let (mut changes, mut delivered, mut late) = (0u64, 0u64, 0u64);
            while !stop.load(SeqCst) || changes < 50 {
                let handler = Counted::new();
                let (got, removed, after) = (
                    Arc::clone(&handler.got),
                    Arc::clone(&handler.removed),
                    Arc::clone(&handler.after_removal),
                );
                let key = LOGGER.add(handler).unwrap();
                std::thread::yield_now();
                let back = LOGGER.remove(key).unwrap();
                removed.store(true, SeqCst);
                assert_eq!(back.stats().emitted, got.load(SeqCst));
                drop(back);
                delivered += got.load(SeqCst);
                late += after.load(SeqCst);
                changes += 1;
            }
            (changes, delivered, late)
        })
    };
    let loggers: Vec<_> = (0..2)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..PER_THREAD {
                    LOGGER.dispatch(&Record::new(Level::INFO, "app", format_args!("{t} {i}")));
                }
            })
        })
        .collect();
    for l in loggers {
        l.join().unwrap();
    }
    stop.store(true, SeqCst);
    let (changes, delivered, late) = changer.join().unwrap();
    assert!(changes >= 50);
    assert_eq!(
        late, 0,
        "a removed handler got records after remove returned"
    );
    assert!(delivered <= 2 * PER_THREAD);
    assert_eq!(LOGGER.handler_stats(stays).unwrap().emitted, 2 * PER_THREAD);
    assert_eq!(LOGGER.stats().no_handler, 0);
    assert_eq!(LOGGER.stats().reentrant, 0);
    assert_eq!(LOGGER.handler_count(), 1);
}

/// A thread that has logged (and so holds a copy of the handler list) sees
/// a handler added after that, in the first record it logs after the add.
#[test]
fn a_handler_added_before_a_record_gets_it_on_a_thread_that_logged_before() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    LOGGER.add(emlog::NullHandler::new()).unwrap();
    let (go_tx, go) = std::sync::mpsc::channel::<()>();
    let (logged_tx, logged) = std::sync::mpsc::channel::<()>();
    let thread = std::thread::spawn(move || {
        LOGGER.dispatch(&Record::new(Level::INFO, "a", format_args!("before")));
        logged_tx.send(()).unwrap();
        go.recv().unwrap();
        LOGGER.dispatch(&Record::new(Level::INFO, "a", format_args!("after")));
    });
    logged.recv().unwrap();
    let (probe, seen) = Probe::new("late");
    LOGGER.add(probe).unwrap();
    go_tx.send(()).unwrap();
    thread.join().unwrap();
    assert_eq!(*seen.lock().unwrap(), ["after"]);
}

/// A handler that asks its logger for its handler count (the list's lock)
/// while another thread removes that handler (which waits for the handler's
/// lock): neither waits for the other forever.
#[test]
fn removing_a_handler_that_reads_its_logger_does_not_deadlock() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    struct Asker(HandlerBase, std::sync::mpsc::Sender<usize>);
    impl Handler for Asker {
        fn level(&self) -> Level {
            self.0.level()
        }
        fn set_level(&mut self, l: Level) {
            self.0.set_level(l)
        }
        fn handle(&mut self, _: &Record<'_>) -> bool {
            std::thread::sleep(Duration::from_millis(1));
            let _ = self.1.send(LOGGER.handler_count());
            true
        }
        fn stats(&self) -> HandlerStats {
            self.0.stats()
        }
    }
    let (counts_tx, counts) = std::sync::mpsc::channel();
    let (done_tx, done) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for round in 0..20 {
            let key = LOGGER
                .add(Asker(HandlerBase::new(Level::NOTSET), counts_tx.clone()))
                .unwrap();
            let logger = std::thread::spawn(|| {
                for _ in 0..5 {
                    LOGGER.dispatch(&Record::new(Level::INFO, "a", format_args!("x")));
                }
            });
            if round % 2 == 0 {
                std::thread::sleep(Duration::from_millis(2));
            }
            LOGGER.remove(key).unwrap();
            logger.join().unwrap();
        }
        done_tx.send(()).unwrap();
    });
    done.recv_timeout(Duration::from_secs(60))
        .expect("remove and a handler reading its logger deadlocked");
    assert!(counts.try_iter().all(|n| n <= 1));
    assert_eq!(LOGGER.handler_count(), 0);
}

/// A logger that is dropped drops (and so writes out) its handlers then,
/// though the thread that logged still holds a copy of its handler list.
#[test]
fn a_dropped_logger_writes_out_its_buffered_file_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dropped.log");
    let logger = Logger::with_root_level(Level::DEBUG);
    let file = emlog_std::FileHandler::builder(&path)
        .buffered(emlog_std::Buffering::default())
        .open()
        .unwrap();
    logger.add(file).unwrap();
    logger.dispatch(&Record::new(Level::INFO, "a", format_args!("kept")));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    drop(logger);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "kept\n");
}
