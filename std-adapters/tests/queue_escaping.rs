//! While a queue is busy (at least half its records waiting), its handler
//! formats a plain call's message on the caller's thread and marks the text
//! printable when the call's writer says it is, so that the listener's
//! renderers skip their scan for control characters. A file handler behind
//! the listener must still escape every call whose text or arguments are not
//! printable ASCII exactly as it escapes the same message made by
//! `format_args!` (never marked): were the mark set for such a text, its
//! control characters would reach the file raw. One test, because it
//! installs program-wide state.

use std::sync::Arc;

use emlog::{Dispatch, Formatter, Level, Record};
use emlog_std::{FileHandler, Logger, Overflow, QueueHandler, QueueListener, RecordQueue};

static LOGGER: Logger = Logger::with_root_level(Level::INFO);

/// Slots in the ring: the filler takes half, the calls under test fit after.
const CAPACITY: usize = 64;

#[test]
fn calls_formatted_while_the_queue_is_busy_are_escaped_as_format_args_messages_are() {
    emlog_std::install_environment();
    emlog::install(&LOGGER).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.log");
    let file = FileHandler::builder(&path)
        .formatter(Formatter::new("%(message)s").unwrap())
        .open()
        .unwrap();
    let queue = RecordQueue::new(CAPACITY, Overflow::DropNewest);
    let mut listener = QueueListener::new(Arc::clone(&queue), vec![Box::new(file)]);
    LOGGER.add(QueueHandler::new(Arc::clone(&queue))).unwrap();
    emlog::refresh_threshold();

    // The listener has not started: half the ring fills, and the queue is
    // busy for every call after.
    for i in 0..CAPACITY as u64 / 2 {
        emlog::info!(logger: "app", "filler {}", i);
    }
    assert_eq!(queue.len(), CAPACITY / 2, "half the ring waits");

    let long = "y".repeat(300);
    macro_rules! both {
        ($($call:tt)*) => {
            emlog::info!(logger: "app", $($call)*);
            LOGGER.dispatch(&Record::new(Level::INFO, "app", format_args!($($call)*)));
        };
    }
    both!("request {} served in {:.3} ms", 12u64, 0.012f64);
    both!("bell\x07 {} done", 3u64);
    both!("forged\nCRITICAL:root:{} ok {:.2}", 4u64, 1.5f64);
    both!("été {:.2} {}", 2.25f64, -6i64);
    both!("ESC\x1b[2K {}", 7u32);
    both!("arg {} end", "a\nb");
    both!("user {} in", "bob");
    both!("long\t{} {}", long, 8u64);
    assert_eq!(queue.dropped(), 0, "all queued");

    listener.start().unwrap();
    listener.stop();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let filler = CAPACITY / 2;
    assert_eq!(lines.len(), filler + 16, "{text}");
    for (i, line) in lines[..filler].iter().enumerate() {
        assert_eq!(*line, format!("filler {i}"));
    }
    let calls = &lines[filler..];
    for pair in calls.chunks(2) {
        assert_eq!(pair[0], pair[1], "plain call vs format_args!");
    }
    assert_eq!(calls[0], "request 12 served in 0.012 ms");
    assert_eq!(calls[2], r"bell\x07 3 done");
    assert_eq!(calls[4], r"forged\nCRITICAL:root:4 ok 1.50");
    assert_eq!(calls[6], "été 2.25 -6");
    assert_eq!(calls[8], r"ESC\x1b[2K 7");
    assert_eq!(calls[10], r"arg a\nb end");
    assert_eq!(calls[12], "user bob in");
    assert_eq!(calls[14], format!("long\t{long} 8"), "a tab is kept");
}
