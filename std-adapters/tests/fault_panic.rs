//! A user handler or filter that panics, and logging while panicking. What
//! the user sees: the application keeps running, the other handlers still get
//! the record, the panic is counted (`handler_panics()`) and reported once.

mod fault_support;

use emlog::{Dispatch, Level, Record};
use emlog_std::{Logger, Overflow, QueueHandler, QueueListener, RecordQueue};
use fault_support::{Collect, capture_reports, messages, reports_for, within_deadline};

fn dispatch(logger: &Logger, message: &str) {
    logger.dispatch(&Record::new(Level::ERROR, "app", format_args!("{message}")));
}

#[test]
fn a_panicking_handler_does_not_stop_the_others_and_its_panic_is_counted_and_reported_once() {
    capture_reports();
    let logger = Logger::with_root_level(Level::DEBUG);
    let (first, got_first) = Collect::new("before-the-panicky");
    let (mut panicky, _) = Collect::new("panicky-handler");
    panicky.panic_on = Some("");
    let (last, got_last) = Collect::new("after-the-panicky");
    logger.add(first).unwrap();
    logger.add(panicky).unwrap();
    logger.add(last).unwrap();
    for i in 0..3 {
        dispatch(&logger, &format!("record {i}"));
    }
    let expected = ["record 0", "record 1", "record 2"];
    assert_eq!(messages(&got_first), expected);
    assert_eq!(
        messages(&got_last),
        expected,
        "handlers after the panicking one get every record"
    );
    assert_eq!(logger.handler_panics(), 3);
    let reports = reports_for("panicky-handler");
    assert_eq!(reports.len(), 1, "reported once: {reports:?}");
    assert!(
        reports[0].contains("the handler panicked: handler bug"),
        "{}",
        reports[0]
    );
    assert!(reports[0].contains("Message: 'record 0'"), "{}", reports[0]);
    // The thread is not left marked as inside the logger.
    assert!(logger.set_logger_level("app", Level::INFO).is_ok());
}

static PANICKY_FILTER: fn(&Record<'_>) -> bool = |_| panic!("filter bug");

#[test]
fn a_panicking_filter_is_caught_like_a_panicking_handler() {
    let logger = Logger::with_root_level(Level::DEBUG);
    let (mut filtered, got_filtered) = Collect::new("filtered");
    filtered.base.filters_mut().add(&PANICKY_FILTER).unwrap();
    let (other, got_other) = Collect::new("unfiltered");
    logger.add(filtered).unwrap();
    logger.add(other).unwrap();
    dispatch(&logger, "through the filter");
    assert!(messages(&got_filtered).is_empty());
    assert_eq!(messages(&got_other), ["through the filter"]);
    assert_eq!(logger.handler_panics(), 1);
}

#[test]
fn a_handler_panicking_in_flush_and_close_does_not_stop_the_others_being_flushed_and_closed() {
    let logger = Logger::with_root_level(Level::DEBUG);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let file = emlog_std::FileHandler::builder(&path)
        .buffered(emlog_std::Buffering {
            flush_level: Level::CRITICAL,
            interval: None,
            ..emlog_std::Buffering::default()
        })
        .open()
        .unwrap();
    logger.add(file).unwrap();
    let (mut panicky, _) = Collect::new("panics-in-flush");
    panicky.panic_in_flush = true;
    logger.add(panicky).unwrap();
    dispatch(&logger, "buffered");
    logger.flush_all();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "buffered\n");
    assert_eq!(logger.handler_panics(), 1);
    logger.shutdown().unwrap();
    assert_eq!(
        logger.handler_panics(),
        2,
        "close panicked too, and was caught"
    );
    assert_eq!(logger.handler_count(), 0);
}

#[test]
fn a_panicking_handler_behind_the_queue_listener_does_not_stop_the_listener_or_the_others() {
    let queue = RecordQueue::new(16, Overflow::Block);
    let (mut panicky, _) = Collect::new("queued-panicky");
    panicky.panic_on = Some("boom");
    let (other, got) = Collect::new("queued-other");
    let mut listener = QueueListener::new(queue.clone(), vec![Box::new(panicky), Box::new(other)]);
    listener.start().unwrap();
    let mut handler = QueueHandler::new(queue);
    for message in ["one", "boom", "three"] {
        assert!(fault_support::info(&mut handler, message));
    }
    let listener = within_deadline("stopping the listener", move || {
        listener.stop();
        listener
    });
    assert_eq!(messages(&got), ["one", "boom", "three"]);
    assert_eq!(listener.handler_panics(), 1);
}

struct LogsOnDrop(&'static Logger);

impl Drop for LogsOnDrop {
    fn drop(&mut self) {
        dispatch(self.0, "logged while unwinding");
    }
}

#[test]
fn a_record_logged_while_the_thread_unwinds_from_a_panic_reaches_the_handlers() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    let (collect, got) = Collect::new("unwinding");
    LOGGER.add(collect).unwrap();
    let joined = std::thread::spawn(|| {
        let _guard = LogsOnDrop(&LOGGER);
        panic!("the application's own panic");
    })
    .join();
    assert!(joined.is_err(), "the thread panicked");
    assert_eq!(messages(&got), ["logged while unwinding"]);
    dispatch(&LOGGER, "after");
    assert_eq!(messages(&got), ["logged while unwinding", "after"]);
}

#[test]
fn a_record_logged_from_a_panic_hook_reaches_the_handlers() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    let (collect, got) = Collect::new("panic-hook");
    LOGGER.add(collect).unwrap();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some("hooked") {
            dispatch(
                &LOGGER,
                &format!("panic: {}", info.payload_as_str().unwrap_or("?")),
            );
        } else {
            previous(info);
        }
    }));
    let joined = std::thread::Builder::new()
        .name("hooked".into())
        .spawn(|| panic!("disk on fire"))
        .unwrap()
        .join();
    assert!(joined.is_err());
    assert_eq!(messages(&got), ["panic: disk on fire"]);
}

/// A message whose `Display` panics while the logger renders a file
/// handler's line (outside the handler's lock): caught, counted, reported
/// under the file handler's name, and the next record is written.
#[test]
fn a_message_panicking_while_a_file_line_is_rendered_is_reported_under_the_files_name() {
    struct Panics;
    impl std::fmt::Display for Panics {
        fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            panic!("display bug")
        }
    }
    capture_reports();
    let logger = Logger::with_root_level(Level::DEBUG);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("render-panic.log");
    let file = emlog_std::FileHandler::new(&path).unwrap();
    let name = emlog::Handler::name(&file).to_owned();
    logger.add(file).unwrap();
    logger.dispatch(&Record::new(Level::INFO, "app", format_args!("{}", Panics)));
    logger.dispatch(&Record::new(Level::INFO, "app", format_args!("fine")));
    assert_eq!(logger.handler_panics(), 1);
    let reports = reports_for(&name);
    assert!(
        reports
            .iter()
            .any(|r| r.contains("the handler panicked: display bug")),
        "{name}: {reports:?}"
    );
    logger.shutdown().unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "fine\n");
}
