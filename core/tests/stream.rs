//! StreamHandler over embedded_io::Write: one write per record, cutting, errors, closing.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::Capture;
use emlog::{Formatter, Handler, Level, Record, StreamHandler};

macro_rules! record {
    ($message:expr) => {
        Record::new(Level::INFO, "app", format_args!("{}", $message))
    };
}

const BASIC: Formatter = emlog::format::expect_valid(Formatter::new(Formatter::BASIC));

#[test]
fn each_record_is_one_write_of_line_and_terminator() {
    let out = Capture::default();
    let mut h: StreamHandler<_, 64> = StreamHandler::new(out.clone()).with_terminator("\r\n");
    assert!(h.handle(&record!("hello")));
    assert!(h.handle(&record!("world")));
    assert_eq!(out.text(), "hello\r\nworld\r\n");
    assert_eq!(*out.writes.lock().unwrap(), 2);
}

#[test]
fn an_over_long_record_is_cut_at_a_char_boundary_marked_and_counted() {
    let out = Capture::default();
    // 16 bytes: 10 for text, 5 for "[...]", 1 for "\n".
    let mut h: StreamHandler<_, 16> = StreamHandler::new(out.clone());
    assert!(h.handle(&record!("ééééééé"))); // 14 bytes: cut after 5 é (10 bytes)
    assert!(h.handle(&record!("short")));
    assert_eq!(out.lines(), ["ééééé[...]", "short"]);
    let stats = h.stats();
    assert_eq!((stats.emitted, stats.truncated, stats.dropped), (2, 1, 0));
}

static REPORTED: AtomicUsize = AtomicUsize::new(0);

#[test]
fn a_write_error_is_counted_and_reported_and_the_next_record_is_tried() {
    emlog::set_error_reporter(|report| {
        // The reporter is global: other tests' handlers (unnamed) report too.
        if report.handler != "uart" {
            return;
        }
        assert!(report.error.to_string().contains("BrokenPipe"));
        assert!(report.record.is_some());
        REPORTED.fetch_add(1, Ordering::SeqCst);
    });
    let out = Capture::default();
    let mut h: StreamHandler<_, 64> = StreamHandler::new(out.clone()).with_name("uart");
    out.set_failing(true);
    assert!(!h.handle(&record!("lost")));
    out.set_failing(false);
    assert!(h.handle(&record!("kept")));
    assert_eq!(out.lines(), ["kept"]);
    let stats = h.stats();
    assert_eq!((stats.emitted, stats.errors, stats.dropped), (1, 1, 1));
    assert_eq!(REPORTED.load(Ordering::SeqCst), 1);
}

#[test]
fn nothing_is_written_after_close_and_each_record_counts_as_dropped() {
    let out = Capture::default();
    let mut h: StreamHandler<_, 64> = StreamHandler::new(out.clone());
    h.handle(&record!("before"));
    h.close();
    assert!(!h.handle(&record!("after")));
    assert_eq!(out.lines(), ["before"]);
    assert_eq!(h.stats().dropped, 1);
}

#[test]
fn the_formatter_decides_the_line() {
    let out = Capture::default();
    let mut h: StreamHandler<_, 64> = StreamHandler::new(out.clone())
        .with_formatter(emlog::formatter!("%(levelname)s:%(name)s:%(message)s"))
        .with_level(Level::WARNING);
    assert_eq!(h.level(), Level::WARNING);
    h.handle(&Record::new(Level::ERROR, "db", format_args!("down")));
    assert_eq!(out.lines(), ["ERROR:db:down"]);
}

#[test]
fn without_a_line_buffer_each_piece_goes_straight_to_the_writer_and_nothing_is_cut() {
    let out = Capture::default();
    let mut h: StreamHandler<_, 0> =
        StreamHandler::new(out.clone()).with_formatter(emlog::formatter!(BASIC));
    let long = "x".repeat(300);
    assert!(h.handle(&Record::new(Level::INFO, "app", format_args!("n={}", 7))));
    assert!(h.handle(&record!(long)));
    assert_eq!(
        out.lines(),
        ["INFO:app:n=7".to_string(), format!("INFO:app:{long}")]
    );
    // Pieces: INFO, :, app, :, the message, the terminator.
    assert!(*out.writes.lock().unwrap() > 2);
    let stats = h.stats();
    assert_eq!((stats.emitted, stats.truncated, stats.errors), (2, 0, 0));
}

#[test]
fn without_a_line_buffer_a_write_error_is_counted_once_per_record() {
    let out = Capture::default();
    let mut h: StreamHandler<_, 0> = StreamHandler::new(out.clone());
    out.set_failing(true);
    assert!(!h.handle(&record!("lost")));
    out.set_failing(false);
    assert!(h.handle(&record!("kept")));
    assert_eq!(out.lines(), ["kept"]);
    let stats = h.stats();
    assert_eq!((stats.emitted, stats.errors, stats.dropped), (1, 1, 1));
}

#[test]
fn without_a_line_buffer_a_failing_display_is_an_error_not_a_line() {
    struct Fails;
    impl std::fmt::Display for Fails {
        fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            Err(std::fmt::Error)
        }
    }
    let out = Capture::default();
    let mut h: StreamHandler<_, 0> = StreamHandler::new(out.clone());
    assert!(!h.handle(&Record::new(Level::INFO, "app", format_args!("{}", Fails))));
    let stats = h.stats();
    assert_eq!((stats.emitted, stats.errors, stats.dropped), (0, 1, 1));
    assert_eq!(out.text(), "");
}
