//! Logging after close, for every std handler. What the user sees: nothing
//! is written or sent, `handle` returns false, each record counts in
//! `stats().dropped`, and the first one is reported (not silent).

mod fault_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use emlog::{Dispatch, Handler, Level, Record};
use emlog_std::datagram::DatagramHandler;
use emlog_std::http::{HttpHandler, Method};
use emlog_std::smtp::SmtpHandler;
use emlog_std::socket::SocketHandler;
use emlog_std::syslog::SysLogHandler;
use emlog_std::{
    FileHandler, Logger, ManualClock, Overflow, QueueHandler, RecordQueue, RolloverSchedule,
    RotatingFileHandler, StreamHandler, TimedRotatingFileHandler, When,
};
use fault_support::{capture_reports, info, refusing_port, reports_for};

/// Closes `h`, logs twice and checks what the user sees.
fn closed_drops_counts_and_reports_once(h: &mut dyn Handler, name: &str) {
    capture_reports();
    h.close();
    let before = h.stats();
    assert!(
        !info(h, "after close 1"),
        "{name}: nothing emitted after close"
    );
    assert!(!info(h, "after close 2"));
    let after = h.stats();
    assert_eq!(after.dropped - before.dropped, 2, "{name}: {after:?}");
    assert_eq!(after.emitted, before.emitted, "{name}: {after:?}");
    let reports = reports_for(name);
    assert_eq!(reports.len(), 1, "{name}: reported once: {reports:?}");
    assert!(
        reports[0].contains("the handler is closed"),
        "{}",
        reports[0]
    );
    assert!(
        reports[0].contains("Message: 'after close 1'"),
        "{}",
        reports[0]
    );
}

#[test]
fn file_handler_after_close_writes_nothing_and_counts_each_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let mut h = FileHandler::builder(&path)
        .name("closed-file")
        .open()
        .unwrap();
    info(&mut h, "before");
    closed_drops_counts_and_reports_once(&mut h, "closed-file");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "before\n");
}

#[test]
fn rotating_file_handler_after_close_writes_nothing_and_counts_each_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let mut h = RotatingFileHandler::builder(&path)
        .max_bytes(4)
        .backup_count(2)
        .name("closed-rotating")
        .open()
        .unwrap();
    info(&mut h, "before");
    closed_drops_counts_and_reports_once(&mut h, "closed-rotating");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "before\n");
    assert!(
        !dir.path().join("app.log.1").exists(),
        "no rollover after close"
    );
}

#[test]
fn timed_rotating_file_handler_after_close_writes_nothing_and_counts_each_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.log");
    let clock = ManualClock::at_secs(1_700_000_000);
    let schedule = RolloverSchedule::new(When::Seconds, 1).unwrap().utc();
    let mut h = TimedRotatingFileHandler::builder(&path, schedule)
        .clock(clock.clock())
        .name("closed-timed")
        .open()
        .unwrap();
    info(&mut h, "before");
    clock.advance_secs(5);
    closed_drops_counts_and_reports_once(&mut h, "closed-timed");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "before\n");
    assert_eq!(h.rollovers(), 0);
}

#[cfg(unix)]
#[test]
fn watched_file_handler_after_close_writes_nothing_and_counts_each_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let mut h = emlog_std::WatchedFileHandler::builder(&path)
        .name("closed-watched")
        .open()
        .unwrap();
    info(&mut h, "before");
    std::fs::remove_file(&path).unwrap();
    closed_drops_counts_and_reports_once(&mut h, "closed-watched");
    assert!(!path.exists(), "not reopened after close");
}

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn stream_handler_after_close_writes_nothing_and_counts_each_record() {
    let out = Shared::default();
    let mut h = StreamHandler::new(out.clone()).with_name("closed-stream");
    info(&mut h, "before");
    closed_drops_counts_and_reports_once(&mut h, "closed-stream");
    assert_eq!(out.0.lock().unwrap().as_slice(), b"before\n");
}

#[test]
fn network_handlers_after_close_send_nothing_and_count_each_record() {
    let port = refusing_port();
    let mut socket = SocketHandler::tcp("127.0.0.1", port)
        .unwrap()
        .with_name("closed-socket");
    closed_drops_counts_and_reports_once(&mut socket, "closed-socket");
    assert_eq!(
        socket.connection_stats().connect_failures,
        0,
        "no connection attempted"
    );

    let mut syslog = SysLogHandler::tcp("127.0.0.1", port)
        .unwrap()
        .with_name("closed-syslog");
    closed_drops_counts_and_reports_once(&mut syslog, "closed-syslog");
    assert_eq!(syslog.connection_stats().connect_failures, 0);

    let mut datagram = DatagramHandler::udp("127.0.0.1", port)
        .unwrap()
        .with_name("closed-datagram");
    closed_drops_counts_and_reports_once(&mut datagram, "closed-datagram");

    let mut http = HttpHandler::builder(format!("http://127.0.0.1:{port}/"), Method::Post)
        .name("closed-http")
        .build()
        .unwrap();
    closed_drops_counts_and_reports_once(&mut http, "closed-http");
    assert_eq!(http.stats().errors, 0, "no request attempted");

    let mut smtp = SmtpHandler::builder("127.0.0.1", "a@example.com", ["b@example.com"], "s")
        .port(port)
        .name("closed-smtp")
        .build()
        .unwrap();
    closed_drops_counts_and_reports_once(&mut smtp, "closed-smtp");
    assert_eq!(smtp.stats().errors, 0, "no session attempted");
}

#[test]
fn queue_handler_after_close_queues_nothing_and_counts_each_record() {
    let queue = RecordQueue::new(4, Overflow::Block);
    let mut h = QueueHandler::new(queue.clone()).with_name("closed-queue");
    closed_drops_counts_and_reports_once(&mut h, "closed-queue");
    assert!(queue.is_empty());
}

#[test]
fn logger_after_shutdown_counts_each_record_as_having_no_handler() {
    let logger = Logger::with_root_level(Level::DEBUG);
    let (collect, got) = fault_support::Collect::new("shut-down");
    logger.add(collect).unwrap();
    logger.shutdown().unwrap();
    logger.dispatch(&Record::new(
        Level::ERROR,
        "app",
        format_args!("after shutdown"),
    ));
    assert_eq!(logger.stats().no_handler, 1);
    assert!(fault_support::messages(&got).is_empty());
}
