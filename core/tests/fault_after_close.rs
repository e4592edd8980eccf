//! Logging after close, for the core's handlers. What the user sees: nothing
//! is written, queued or buffered, `handle` returns false, each record counts
//! in `stats().dropped`, and the first one goes to the error reporter.

mod common;

use std::sync::Mutex;

use common::Capture;
use emlog::{Handler, Level, MemoryHandler, Queue, QueueHandler, Record, StreamHandler};

static REPORTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn reports_for(name: &str) -> usize {
    REPORTS
        .lock()
        .unwrap()
        .iter()
        .filter(|h| h.as_str() == name)
        .count()
}

fn closed_drops_counts_and_reports_once(h: &mut dyn Handler, name: &str) {
    emlog::set_error_reporter(|report| {
        if report.error.to_string().contains("the handler is closed") {
            REPORTS.lock().unwrap().push(report.handler.to_string());
        }
    });
    h.close();
    let before = h.stats();
    for i in 0..3 {
        assert!(!h.handle(&Record::new(Level::ERROR, "app", format_args!("after {i}"))));
    }
    let after = h.stats();
    assert_eq!(after.dropped - before.dropped, 3, "{name}: {after:?}");
    assert_eq!(after.emitted, before.emitted, "{name}: {after:?}");
    assert_eq!(
        reports_for(name),
        1,
        "{name}: the first record after close is reported"
    );
}

#[test]
fn stream_handler_after_close_writes_nothing_and_counts_each_record() {
    let out = Capture::default();
    let mut h: StreamHandler<_, 64> = StreamHandler::new(out.clone()).with_name("core-stream");
    closed_drops_counts_and_reports_once(&mut h, "core-stream");
    assert_eq!(out.text(), "");
}

#[test]
fn memory_handler_after_close_buffers_nothing_and_counts_each_record() {
    let mut h: MemoryHandler<'_, 4> = MemoryHandler::new(Level::CRITICAL).with_name("core-memory");
    closed_drops_counts_and_reports_once(&mut h, "core-memory");
    assert!(h.is_empty());
}

#[test]
fn queue_handler_after_close_queues_nothing_and_counts_each_record() {
    let queue: Queue<4, 64> = Queue::new();
    let mut h = QueueHandler::new(&queue);
    h.base_mut().set_name("core-queue");
    closed_drops_counts_and_reports_once(&mut h, "core-queue");
    assert!(queue.is_empty());
    assert_eq!(
        queue.dropped(),
        0,
        "refused before the queue: counted in the handler"
    );
}
