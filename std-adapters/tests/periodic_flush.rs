//! Buffered files are written out on a timer, not only when records arrive.

use std::time::{Duration, Instant};

use emlog::{Dispatch, Level, Record};
use emlog_std::{Buffering, FileHandler, Logger, ManualClock};

static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn a_lone_buffered_record_reaches_the_file_by_the_timer_and_not_after_the_timer_stops() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("buffered.log");
    // The record-driven rules can never fire here: a frozen clock, a one-hour
    // interval, a flush level above every record, a large buffer.
    let clock = ManualClock::at_secs(100);
    let handler = FileHandler::builder(&path)
        .buffered(Buffering {
            capacity: 1 << 20,
            flush_level: Level::CRITICAL,
            interval: Some(Duration::from_secs(3600)),
            clock: clock.clock(),
        })
        .open()
        .unwrap();
    LOGGER.add(handler).unwrap();

    LOGGER.dispatch(&Record::new(
        Level::INFO,
        "app",
        format_args!("the last record of a burst"),
    ));
    assert_eq!(read(&path), "", "buffered, nothing written yet");

    let timer = LOGGER.flush_every(Duration::from_millis(20)).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while read(&path).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(read(&path), "the last record of a burst\n");

    drop(timer);
    LOGGER.dispatch(&Record::new(
        Level::INFO,
        "app",
        format_args!("after the timer stopped"),
    ));
    std::thread::sleep(Duration::from_millis(200)); // ten of the stopped timer's intervals
    assert_eq!(
        read(&path),
        "the last record of a burst\n",
        "the timer thread is gone"
    );
    LOGGER.flush_all();
    assert_eq!(
        read(&path),
        "the last record of a burst\nafter the timer stopped\n"
    );
}

#[test]
fn a_buffered_file_behind_a_quiet_queue_is_written_out_by_the_listener_timer() {
    use emlog::Handler;
    use emlog_std::{Overflow, QueueHandler, QueueListener, RecordQueue};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("queued.log");
    let clock = ManualClock::at_secs(100);
    let file = FileHandler::builder(&path)
        .buffered(Buffering {
            capacity: 1 << 20,
            flush_level: Level::CRITICAL,
            interval: Some(Duration::from_secs(3600)),
            clock: clock.clock(),
        })
        .open()
        .unwrap();
    let queue = RecordQueue::new(100, Overflow::Block);
    let mut listener = QueueListener::new(queue.clone(), vec![Box::new(file)]);
    listener.start().unwrap();
    let timer = listener.flush_every(Duration::from_millis(20)).unwrap();
    let mut handler = QueueHandler::new(queue);
    handler.handle(&Record::new(
        Level::INFO,
        "app",
        format_args!("one quiet record"),
    ));
    let deadline = Instant::now() + Duration::from_secs(5);
    while read(&path).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        read(&path),
        "one quiet record\n",
        "written while the listener still runs"
    );
    drop(timer);
    listener.stop();
}
