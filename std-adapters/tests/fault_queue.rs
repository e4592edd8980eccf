//! The std queue under faults: full, fed from its own listener thread,
//! closed, stopped. What the user sees: drops are counted (in the handler and
//! in the queue) and reported in-band by the listener; nothing deadlocks.

mod fault_support;

use std::sync::Arc;

use emlog::{Handler, HandlerBase, HandlerStats, Level, Record};
use emlog_std::{Overflow, QueueHandler, QueueListener, RecordQueue};
use fault_support::{Collect, info, messages, within_deadline};

/// A handler on the listener thread that logs back into the queue it is fed
/// from (a handler whose output path logs), `echoes` times per record.
struct LogsBack {
    base: HandlerBase,
    into: QueueHandler,
    echoes: u32,
}

impl Handler for LogsBack {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if record.logger == "echo" {
            return true;
        }
        for _ in 0..self.echoes {
            self.into
                .handle(&Record::new(Level::INFO, "echo", format_args!("echo")));
        }
        true
    }
}

#[test]
fn a_listener_handler_logging_into_its_own_full_blocking_queue_drops_and_counts_instead_of_deadlocking()
 {
    let queue = RecordQueue::new(1, Overflow::Block);
    let logs_back = LogsBack {
        base: HandlerBase::new(Level::NOTSET),
        into: QueueHandler::new(queue.clone()),
        echoes: 3,
    };
    let mut listener = QueueListener::new(queue.clone(), vec![Box::new(logs_back)]);
    listener.start().unwrap();
    let mut handler = QueueHandler::new(queue.clone());
    let dropped = within_deadline("a blocking queue fed from its own listener", move || {
        assert!(info(&mut handler, "from the application"));
        listener.stop();
        queue.dropped()
    });
    // Capacity 1: the first echo fits, the next two would wait for the
    // listener itself; they are dropped and counted.
    assert!(dropped >= 2, "dropped {dropped}");
}

#[test]
fn a_full_drop_newest_queue_counts_each_drop_and_the_listener_reports_them_in_band() {
    let queue = RecordQueue::new(2, Overflow::DropNewest);
    let mut handler = QueueHandler::new(queue.clone());
    for i in 0..5 {
        info(&mut handler, &format!("r{i}"));
    }
    assert_eq!((queue.dropped(), handler.stats().dropped), (3, 3));
    let (collect, got) = Collect::new("behind-full-queue");
    let mut listener = QueueListener::new(queue, vec![Box::new(collect)]);
    listener.start().unwrap();
    listener.stop();
    assert_eq!(messages(&got), ["--- 3 records dropped ---", "r0", "r1"]);
}

#[test]
fn after_close_the_queue_handler_drops_and_counts_and_queues_nothing() {
    let queue = RecordQueue::new(8, Overflow::Block);
    let mut handler = QueueHandler::new(queue.clone());
    assert!(info(&mut handler, "before"));
    handler.close();
    assert!(!info(&mut handler, "after 1"));
    assert!(!info(&mut handler, "after 2"));
    assert_eq!(queue.len(), 1, "nothing queued after close");
    let stats: HandlerStats = handler.stats();
    assert_eq!((stats.emitted, stats.dropped), (1, 2));
}

#[test]
fn after_the_listener_stops_records_are_dropped_and_counted_not_queued_forever() {
    let queue = RecordQueue::new(8, Overflow::Block);
    let mut listener = QueueListener::new(queue.clone(), Vec::new());
    listener.start().unwrap();
    listener.stop();
    let mut handler = QueueHandler::new(Arc::clone(&queue));
    let emitted = within_deadline("a blocking queue whose listener stopped", move || {
        info(&mut handler, "after stop")
    });
    assert!(!emitted);
    assert_eq!((queue.dropped(), queue.len()), (1, 0));
}
