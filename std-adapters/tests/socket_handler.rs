//! SocketHandler against Python's own receiver: every LogRecord attribute
//! arrives with Python's name, type and value.

mod support;

use emlog::Handler;
use emlog_std::socket::SocketHandler;
use std::time::{Duration, Instant};

use support::{
    FakeClock, PICKLE_RECEIVER, Peer, assert_full_record, free_port, full_record, json, path_in,
    temp_dir,
};

#[test]
fn tcp_records_reach_pythons_receiver_with_every_attribute() {
    let dir = temp_dir();
    let mut peer = Peer::python(dir.path(), "recv.py", PICKLE_RECEIVER, &["tcp", "0"]);
    let port = peer.ready_port();
    let mut handler = match SocketHandler::tcp("127.0.0.1", port) {
        Ok(h) => h,
        Err(e) => panic!("{e}"),
    };
    assert!(handler.handle(&full_record(format_args!("späm {}", 1))));
    assert!(handler.handle(&full_record(format_args!("eggs"))));
    assert_full_record(&json(&peer.line()), "späm 1");
    assert_full_record(&json(&peer.line()), "eggs");
    assert_eq!(handler.stats().emitted, 2);
    assert_eq!(handler.connection_stats().connects, 1);
}

#[test]
fn unix_stream_records_reach_pythons_receiver_with_every_attribute() {
    let dir = temp_dir();
    let sock = path_in(&dir, "log.sock");
    let sock_str = sock.to_string_lossy().into_owned();
    let mut peer = Peer::python(dir.path(), "recv.py", PICKLE_RECEIVER, &["unix", &sock_str]);
    peer.ready_port();
    let mut handler = match SocketHandler::unix(&sock) {
        Ok(h) => h,
        Err(e) => panic!("{e}"),
    };
    assert!(handler.handle(&full_record(format_args!("über {}", "unix"))));
    assert_full_record(&json(&peer.line()), "über unix");
}

#[test]
fn invalid_addresses_are_refused_at_construction() {
    let err = SocketHandler::tcp("", 9020)
        .map(|_| ())
        .unwrap_err_or_panic();
    assert!(err.contains("empty host"), "{err}");
    let err = SocketHandler::tcp("localhost", 0)
        .map(|_| ())
        .unwrap_err_or_panic();
    assert!(err.contains("port 0"), "{err}");
}

trait UnwrapErr {
    fn unwrap_err_or_panic(self) -> String;
}

impl<E: std::fmt::Display> UnwrapErr for Result<(), E> {
    fn unwrap_err_or_panic(self) -> String {
        match self {
            Ok(()) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }
}

fn tcp_handler(port: u16, clock: &FakeClock) -> SocketHandler {
    match SocketHandler::tcp("127.0.0.1", port) {
        Ok(h) => h.with_clock(clock.clock()),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn with_no_server_records_are_dropped_counted_and_retried_after_pythons_backoff() {
    let clock = FakeClock::new();
    let port = free_port();
    let mut handler = tcp_handler(port, &clock);
    let started = Instant::now();
    assert!(!handler.handle(&full_record(format_args!("one"))));
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(handler.connection_stats().connect_failures, 1);
    assert_eq!(handler.backoff().period(), Some(Duration::from_secs(1)));
    // Within the back-off window: dropped without an attempt.
    clock.advance(Duration::from_millis(900));
    assert!(!handler.handle(&full_record(format_args!("two"))));
    assert_eq!(handler.connection_stats().connect_failures, 1);
    assert_eq!(handler.connection_stats().dropped_in_backoff, 1);
    // Past it: a second attempt, and the period doubles.
    clock.advance(Duration::from_millis(100));
    assert!(!handler.handle(&full_record(format_args!("three"))));
    assert_eq!(handler.connection_stats().connect_failures, 2);
    assert_eq!(handler.backoff().period(), Some(Duration::from_secs(2)));
    assert_eq!(handler.stats().dropped, 3);
    assert_eq!(handler.stats().errors, 2);
}

#[test]
fn delivery_resumes_when_the_server_comes_back_after_the_backoff() {
    let clock = FakeClock::new();
    let port = free_port();
    let mut handler = tcp_handler(port, &clock);
    assert!(!handler.handle(&full_record(format_args!("lost"))));
    let dir = temp_dir();
    let port_arg = port.to_string();
    let mut peer = Peer::python(dir.path(), "recv.py", PICKLE_RECEIVER, &["tcp", &port_arg]);
    assert_eq!(peer.ready_port(), port);
    // Still backing off: no attempt even though the server is up.
    assert!(!handler.handle(&full_record(format_args!("lost too"))));
    clock.advance(Duration::from_secs(1));
    assert!(handler.handle(&full_record(format_args!("back"))));
    assert_full_record(&json(&peer.line()), "back");
    assert_eq!(handler.stats().dropped, 2);
    assert_eq!(handler.stats().emitted, 1);
}

#[test]
fn a_server_dying_mid_stream_loses_counted_records_and_a_restarted_one_gets_the_rest() {
    let clock = FakeClock::new();
    let dir = temp_dir();
    let mut peer = Peer::python(dir.path(), "recv.py", PICKLE_RECEIVER, &["tcp", "0"]);
    let port = peer.ready_port();
    let mut handler = tcp_handler(port, &clock);
    assert!(handler.handle(&full_record(format_args!("before"))));
    assert_full_record(&json(&peer.line()), "before");
    peer.kill();
    // The first write after the peer died may still land in the kernel's
    // buffer; within a few records the reset is seen, the connection dropped.
    let mut failed = 0;
    for _ in 0..50 {
        if !handler.handle(&full_record(format_args!("into the void"))) {
            failed += 1;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(failed, 1, "a write to a dead server never failed");
    assert!(!handler.is_connected());
    let port_arg = port.to_string();
    let mut peer = Peer::python(dir.path(), "recv2.py", PICKLE_RECEIVER, &["tcp", &port_arg]);
    assert_eq!(peer.ready_port(), port);
    clock.advance(Duration::from_secs(31));
    assert!(handler.handle(&full_record(format_args!("after"))));
    assert_full_record(&json(&peer.line()), "after");
    let stats = handler.stats();
    // Every lost record is counted, and each was a reported failure.
    assert!(stats.dropped >= 1);
    assert_eq!(stats.dropped, stats.errors);
}

#[test]
fn a_server_that_never_reads_costs_the_caller_at_most_the_timeout_per_record() {
    let clock = FakeClock::new();
    let dir = temp_dir();
    let mut peer = Peer::python(dir.path(), "recv.py", PICKLE_RECEIVER, &["tcp-silent", "0"]);
    let port = peer.ready_port();
    let timeout = Duration::from_millis(300);
    let mut handler = tcp_handler(port, &clock).with_timeout(timeout);
    let big = "x".repeat(256 * 1024);
    let mut slowest = Duration::ZERO;
    let mut sent = 0;
    // Socket buffers fill after a few MiB at most; then every write times out.
    for _ in 0..64 {
        let started = Instant::now();
        if handler.handle(&full_record(format_args!("{big}"))) {
            sent += 1;
        }
        slowest = slowest.max(started.elapsed());
        // After a timeout the handler reconnects: make that allowed at once.
        clock.advance(Duration::from_secs(60));
    }
    assert!(
        slowest < timeout + Duration::from_secs(2),
        "a record took {slowest:?}"
    );
    let stats = handler.stats();
    assert!(stats.dropped > 0, "the buffers never filled: {stats:?}");
    assert_eq!(stats.emitted, sent);
    assert_eq!(stats.emitted + stats.dropped, 64);
    assert!(handler.connection_stats().write_failures > 0);
    assert_eq!(peer.line(), "ACCEPTED");
}

#[test]
fn every_network_handler_can_go_in_a_handler_table() {
    // The core's handler table holds `dyn Handler + Send`.
    fn table_ready<T: emlog::Handler + Send + 'static>() {}
    table_ready::<SocketHandler>();
    table_ready::<emlog_std::datagram::DatagramHandler>();
    table_ready::<emlog_std::syslog::SysLogHandler>();
    table_ready::<emlog_std::http::HttpHandler>();
    table_ready::<emlog_std::smtp::SmtpHandler>();
}

#[test]
fn a_failed_connection_is_reported_with_the_address() {
    static REPORTS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    emlog::set_error_reporter(|report| {
        if let Ok(mut reports) = REPORTS.lock() {
            reports.push(format!("{}: {}", report.handler, report.error));
        }
    });
    let port = free_port();
    let mut handler = match SocketHandler::tcp("127.0.0.1", port) {
        Ok(h) => h.with_name("net-test"),
        Err(e) => panic!("{e}"),
    };
    assert!(!handler.handle(&full_record(format_args!("lost"))));
    let reports = match REPORTS.lock() {
        Ok(r) => r.clone(),
        Err(e) => panic!("{e}"),
    };
    let expected = format!("net-test: connect failed: 127.0.0.1:{port}");
    assert!(
        reports.iter().any(|r| r.starts_with(&expected)),
        "{reports:?}"
    );
}
