//! A buffered file's write-out interval, measured with the system clock,
//! takes a record's own timestamp as the time it arrives when emlog-std's
//! environment stamped it (the same clock, read a moment earlier), and
//! reads the clock otherwise: a record with no time, records stamped by
//! another environment, and clocks other than the system's.
//!
//! The environment is global, so this file holds one test that sets it step
//! by step.

use std::time::Duration;

use emlog::{Dispatch, Environment, Handler, Level, Record, ThreadInfo, Timestamp};
use emlog_std::{Buffering, Clock, FileHandler, Logger, ManualClock};

fn read(p: impl AsRef<std::path::Path>) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

fn buffering(clock: Clock) -> Buffering {
    Buffering {
        capacity: 1 << 20,
        flush_level: Level::CRITICAL,
        interval: Some(Duration::from_secs(5)),
        clock,
    }
}

/// Gives `f` a record of `message` made at `made`.
fn stamped(message: &str, made: Timestamp, f: impl FnOnce(&Record<'_>)) {
    f(&Record::new(Level::INFO, "t", format_args!("{message}")).with_timestamp(made));
}

/// `seconds` from now, by the system clock.
fn in_secs(seconds: u64) -> Timestamp {
    let now = emlog_std::system_timestamp();
    Timestamp::new(now.secs + seconds, now.nanos)
}

static OTHER: Environment = Environment {
    clock: || Timestamp::new(1, 0),
    thread: || ThreadInfo { id: 1, name: "t" },
    process_id: 1,
    process_name: "p",
};

#[test]
fn the_interval_reads_a_record_stamped_with_system_time_instead_of_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.log");
    emlog_std::install_environment();
    let mut file = FileHandler::builder(&path)
        .formatter(emlog::Formatter::message_only())
        .buffered(buffering(Clock::system_coarse()))
        .open()
        .unwrap();

    // No time on the record: the clock is read, and 5 s have not passed.
    stamped("zero", Timestamp::ZERO, |r| {
        file.handle(r);
    });
    assert_eq!(read(&path), "");
    // Stamped by this environment 10 s from now: due by its own time.
    stamped("later", in_secs(10), |r| {
        file.handle(r);
    });
    assert_eq!(read(&path), "zero\nlater\n");
    // The same stamp from another environment: the clock is read.
    emlog::set_environment(&OTHER);
    stamped("other", in_secs(20), |r| {
        file.handle(r);
    });
    assert_eq!(read(&path), "zero\nlater\n");
    emlog_std::install_environment();
    file.flush();
    assert_eq!(read(&path), "zero\nlater\nother\n");

    // A clock that is not the system's is always read.
    let manual = ManualClock::new(emlog_std::system_timestamp().secs as i64 * 1000);
    let manual_path = dir.path().join("manual.log");
    let mut file = FileHandler::builder(&manual_path)
        .formatter(emlog::Formatter::message_only())
        .buffered(buffering(manual.clock()))
        .open()
        .unwrap();
    stamped("far", in_secs(60), |r| {
        file.handle(r);
    });
    assert_eq!(read(&manual_path), "");
    manual.advance_secs(6);
    stamped("now", in_secs(60), |r| {
        file.handle(r);
    });
    assert_eq!(read(&manual_path), "far\nnow\n");

    // In a Logger (the time read before the handler's lock), the same.
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    let logger_path = dir.path().join("logger.log");
    let key = LOGGER
        .add(
            FileHandler::builder(&logger_path)
                .formatter(emlog::Formatter::message_only())
                .buffered(buffering(Clock::system()))
                .open()
                .unwrap(),
        )
        .unwrap();
    stamped("soon", in_secs(1), |r| LOGGER.dispatch(r));
    assert_eq!(read(&logger_path), "");
    stamped("late", in_secs(10), |r| LOGGER.dispatch(r));
    assert_eq!(read(&logger_path), "soon\nlate\n");
    assert_eq!(LOGGER.handler_stats(key).unwrap().emitted, 2);
}
