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

#[test]
fn offer_emits_from_the_handler_level_up_and_handle_ignores_the_level() {
    fn check<const LINE: usize>() {
        let out = Capture::default();
        let mut h: StreamHandler<_, LINE> = StreamHandler::new(out.clone())
            .with_formatter(emlog::formatter!(BASIC))
            .with_level(Level::WARNING);
        let at = |level| Record::new(level, "app", format_args!("m"));
        assert!(
            !h.offer(&at(Level::INFO)),
            "below the level: not offered on"
        );
        assert!(h.offer(&at(Level::WARNING)));
        assert!(h.offer(&at(Level::new(31))));
        assert!(
            h.handle(&at(Level::DEBUG)),
            "handle leaves the level to its caller"
        );
        // `handle` sets the level aside only for its own call.
        assert_eq!(h.level(), Level::WARNING);
        assert!(!h.offer(&at(Level::INFO)));
        assert_eq!(
            out.lines(),
            ["WARNING:app:m", "Level 31:app:m", "DEBUG:app:m"]
        );
        // A record below the level is not the handler's: neither filtered nor dropped.
        let stats = h.stats();
        assert_eq!((stats.emitted, stats.filtered, stats.dropped), (3, 0, 0));
        h.close();
        assert!(!h.offer(&at(Level::INFO)));
        assert!(!h.offer(&at(Level::ERROR)));
        assert_eq!(
            h.stats().dropped,
            1,
            "only the record at the level reached the closed handler"
        );
        assert!(!h.handle(&at(Level::DEBUG)));
        assert_eq!(h.level(), Level::WARNING, "set back after a refusal too");
        assert_eq!(h.stats().dropped, 2);
    }
    check::<0>();
    check::<64>();
}

#[test]
fn a_writer_that_takes_a_few_bytes_a_write_still_gets_every_line_whole() {
    /// Takes at most 3 bytes a write (a UART FIFO that is nearly full).
    #[derive(Clone, Default)]
    struct Trickle(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl embedded_io::ErrorType for Trickle {
        type Error = core::convert::Infallible;
    }
    impl embedded_io::Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
            let n = buf.len().min(3);
            self.0.lock().unwrap().extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> Result<(), Self::Error> {
            Ok(())
        }
    }
    let text = |out: &Trickle| String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    let record = Record::new(Level::WARNING, "app.net", format_args!("link 2 down"));
    let expected = "WARNING:app.net:link 2 down\n";

    let out = Trickle::default();
    let mut direct: StreamHandler<_, 0> =
        StreamHandler::new(out.clone()).with_formatter(emlog::formatter!(BASIC));
    assert!(direct.handle(&record));
    assert_eq!(text(&out), expected);

    let out = Trickle::default();
    let mut buffered: StreamHandler<_, 64> =
        StreamHandler::new(out.clone()).with_formatter(emlog::formatter!(BASIC));
    assert!(buffered.handle(&record));
    assert_eq!(text(&out), expected);
}

#[test]
fn a_writer_that_refuses_empty_writes_still_gets_every_line_and_no_error() {
    /// Refuses an empty write with an error, as embedded-io allows.
    #[derive(Clone, Default)]
    struct Strict(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl embedded_io::ErrorType for Strict {
        type Error = embedded_io::ErrorKind;
    }
    impl embedded_io::Write for Strict {
        fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
            if buf.is_empty() {
                return Err(embedded_io::ErrorKind::InvalidInput);
            }
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> Result<(), Self::Error> {
            Ok(())
        }
    }
    let text = |out: &Strict| String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    // The root logger's name and an empty message: two empty pieces.
    let record = Record::new(Level::WARNING, "", format_args!(""));
    let expected = "WARNING::\n";

    let out = Strict::default();
    let mut direct: StreamHandler<_, 0> =
        StreamHandler::new(out.clone()).with_formatter(emlog::formatter!(BASIC));
    assert!(direct.handle(&record));
    assert_eq!(text(&out), expected);
    assert_eq!(direct.stats().errors, 0);

    let out = Strict::default();
    let mut buffered: StreamHandler<_, 64> =
        StreamHandler::new(out.clone()).with_formatter(emlog::formatter!(BASIC));
    assert!(buffered.handle(&record));
    assert_eq!(text(&out), expected);
    assert_eq!(buffered.stats().errors, 0);
}

#[test]
fn without_a_line_buffer_a_writer_that_cannot_fail_is_its_own_sink() {
    /// A writer whose error type has no value (a blocking UART): the
    /// handler writes to it directly, with no error to keep.
    #[derive(Clone, Default)]
    struct Uart(std::sync::Arc<std::sync::Mutex<(Vec<u8>, usize)>>);
    impl embedded_io::ErrorType for Uart {
        type Error = core::convert::Infallible;
    }
    impl embedded_io::Write for Uart {
        fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
            self.0.lock().unwrap().0.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> Result<(), Self::Error> {
            self.0.lock().unwrap().1 += 1;
            Ok(())
        }
    }
    struct Fails;
    impl std::fmt::Display for Fails {
        fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            Err(std::fmt::Error)
        }
    }
    let text = |out: &Uart| String::from_utf8(out.0.lock().unwrap().0.clone()).unwrap();
    let flushes = |out: &Uart| out.0.lock().unwrap().1;

    let out = Uart::default();
    let mut h: StreamHandler<_, 0> = StreamHandler::new(out.clone())
        .with_formatter(emlog::formatter!(BASIC))
        .with_terminator("\r\n");
    assert!(h.handle(&Record::new(Level::INFO, "app", format_args!("n={}", 7))));
    assert!(!h.handle(&Record::new(Level::INFO, "app", format_args!("{}", Fails))));
    assert!(h.handle(&record!("after")));
    // The failing Display leaves what was written before it, and no terminator.
    assert_eq!(text(&out), "INFO:app:n=7\r\nINFO:app:INFO:app:after\r\n");
    let stats = h.stats();
    assert_eq!((stats.emitted, stats.errors, stats.dropped), (2, 1, 1));
    assert_eq!(flushes(&out), 0, "no flush unless asked");

    let out = Uart::default();
    let mut h: StreamHandler<_, 0> = StreamHandler::new(out.clone()).flush_each_record(true);
    assert!(h.handle(&record!("one")));
    assert!(h.handle(&record!("two")));
    assert_eq!(text(&out), "one\ntwo\n");
    assert_eq!(flushes(&out), 2);
    assert_eq!(h.writer().0.lock().unwrap().0.len(), 8);
    assert_eq!(text(&h.into_writer()), "one\ntwo\n");
}

#[test]
fn a_panic_under_handle_leaves_the_handler_level_as_it_was() {
    /// A message argument whose `Display` panics (a user's bug, caught by
    /// the application on a host).
    struct Panics;
    impl std::fmt::Display for Panics {
        fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            panic!("a Display that panics")
        }
    }
    fn check<const LINE: usize>() {
        let out = Capture::default();
        let mut h: StreamHandler<_, LINE> = StreamHandler::new(out.clone())
            .with_formatter(emlog::formatter!(BASIC))
            .with_level(Level::WARNING);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            h.handle(&Record::new(
                Level::ERROR,
                "app",
                format_args!("{}", Panics),
            ))
        }));
        assert!(caught.is_err());
        assert_eq!(h.level(), Level::WARNING, "LINE = {LINE}");
        out.clear();
        assert!(!h.offer(&Record::new(Level::INFO, "app", format_args!("m"))));
        assert_eq!(
            out.text(),
            "",
            "LINE = {LINE}: below the level after the panic too"
        );
    }
    check::<0>();
    check::<64>();
}

#[test]
fn a_writer_that_takes_no_bytes_fails_the_record_without_a_panic() {
    /// Breaks embedded-io's contract: `Ok(0)` for bytes it was given (its
    /// `write_all` would panic).
    struct Stuck;
    impl embedded_io::ErrorType for Stuck {
        type Error = embedded_io::ErrorKind;
    }
    impl embedded_io::Write for Stuck {
        fn write(&mut self, _: &[u8]) -> Result<usize, Self::Error> {
            Ok(0)
        }
        fn flush(&mut self) -> Result<(), Self::Error> {
            Ok(())
        }
    }
    fn check<const LINE: usize>() {
        let mut h: StreamHandler<_, LINE> = StreamHandler::new(Stuck);
        assert!(!h.handle(&record!("one")), "LINE = {LINE}");
        assert!(!h.handle(&record!("two")), "LINE = {LINE}");
        let stats = h.stats();
        assert_eq!(
            (stats.emitted, stats.errors, stats.dropped),
            (0, 2, 2),
            "LINE = {LINE}"
        );
    }
    check::<0>();
    check::<64>();
}

#[test]
fn a_writer_that_cannot_fail_and_takes_no_bytes_is_asked_again() {
    /// An infallible (blocking) writer that takes nothing on every other
    /// write, against embedded-io's contract: it is asked again until it
    /// takes the bytes, and every line arrives whole.
    #[derive(Clone, Default)]
    struct Hesitant(std::sync::Arc<std::sync::Mutex<(Vec<u8>, bool)>>);
    impl embedded_io::ErrorType for Hesitant {
        type Error = core::convert::Infallible;
    }
    impl embedded_io::Write for Hesitant {
        fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
            let mut out = self.0.lock().unwrap();
            out.1 = !out.1;
            if out.1 || buf.is_empty() {
                return Ok(0);
            }
            out.0.push(buf[0]);
            Ok(1)
        }
        fn flush(&mut self) -> Result<(), Self::Error> {
            Ok(())
        }
    }
    fn check<const LINE: usize>() {
        let out = Hesitant::default();
        let mut h: StreamHandler<_, LINE> =
            StreamHandler::new(out.clone()).with_formatter(emlog::formatter!(BASIC));
        assert!(h.handle(&record!("one")), "LINE = {LINE}");
        assert!(h.handle(&record!("two")), "LINE = {LINE}");
        let text = String::from_utf8(out.0.lock().unwrap().0.clone()).unwrap();
        assert_eq!(text, "INFO:app:one\nINFO:app:two\n", "LINE = {LINE}");
        let stats = h.stats();
        assert_eq!((stats.emitted, stats.errors), (2, 0), "LINE = {LINE}");
    }
    check::<0>();
    check::<64>();
}
