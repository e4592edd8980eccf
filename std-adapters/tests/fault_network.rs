//! Network peers that refuse, reset or hang, for every network handler, with
//! in-process loopback peers. What the user sees: the record is dropped and
//! counted (an error, or a back-off drop), the failure is reported with the
//! address, the caller waits at most the handler's timeout, and delivery
//! resumes on a new connection.
#![cfg(unix)]

mod fault_support;

use std::io::Read;
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use emlog::{Handler, Level, Record};
use emlog_std::datagram::DatagramHandler;
use emlog_std::http::{HttpHandler, Method};
use emlog_std::smtp::SmtpHandler;
use emlog_std::socket::SocketHandler;
use emlog_std::syslog::SysLogHandler;
use fault_support::{
    capture_reports, hanging_peer, info, refusing_port, reports_for, reset_on_close,
    within_deadline,
};

const TIMEOUT: Duration = Duration::from_millis(300);

/// A peer that reads one chunk from each connection, reports its size, then
/// resets the connection.
fn read_once_then_reset() -> (u16, mpsc::Receiver<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            reset_on_close(&stream);
            let mut buf = vec![0u8; 1 << 16];
            let n = stream.read(&mut buf).unwrap_or(0);
            drop(stream);
            if tx.send(n).is_err() {
                return;
            }
        }
    });
    (port, rx)
}

/// A peer that resets every connection as soon as it is accepted.
fn reset_at_once() -> u16 {
    fault_support::resetting_peer(Duration::ZERO)
}

fn big(handler: &mut impl Handler, size: usize) -> bool {
    let text = "x".repeat(size);
    handler.handle(&Record::new(Level::INFO, "app", format_args!("{text}")))
}

fn wait_for_reset(rx: &mpsc::Receiver<usize>) -> usize {
    let n = rx
        .recv_timeout(fault_support::DEADLINE)
        .expect("the peer never got a connection");
    // The RST has been sent; let it arrive before the next write.
    std::thread::sleep(Duration::from_millis(100));
    n
}

// --- SocketHandler ---------------------------------------------------------

#[test]
fn socket_peer_refusing_drops_counts_reports_once_then_backs_off() {
    capture_reports();
    let port = refusing_port();
    let mut h = SocketHandler::tcp("127.0.0.1", port)
        .unwrap()
        .with_name("socket-refused");
    for i in 0..3 {
        assert!(!info(&mut h, &format!("r{i}")));
    }
    let (stats, conn) = (h.stats(), h.connection_stats());
    assert_eq!(
        (stats.dropped, stats.errors, stats.emitted),
        (3, 1, 0),
        "{stats:?}"
    );
    assert_eq!(
        (conn.connect_failures, conn.dropped_in_backoff),
        (1, 2),
        "{conn:?}"
    );
    let reports = reports_for("socket-refused");
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(
        reports[0].contains("Connection refused") && reports[0].contains(&port.to_string()),
        "{}",
        reports[0]
    );
}

#[test]
fn socket_peer_resetting_loses_the_counted_record_and_the_next_goes_on_a_new_connection() {
    let (port, rx) = read_once_then_reset();
    let mut h = SocketHandler::tcp("127.0.0.1", port).unwrap();
    assert!(info(&mut h, "read by the peer"));
    assert!(wait_for_reset(&rx) > 0);
    assert!(
        !info(&mut h, "hits the reset"),
        "the write to a reset connection fails"
    );
    assert!(info(&mut h, "on a new connection"));
    assert!(wait_for_reset(&rx) > 0, "the peer got the third record");
    let (stats, conn) = (h.stats(), h.connection_stats());
    assert_eq!(
        (stats.emitted, stats.dropped, stats.errors),
        (2, 1, 1),
        "{stats:?}"
    );
    assert_eq!((conn.connects, conn.write_failures), (2, 1), "{conn:?}");
}

#[test]
fn socket_peer_hanging_costs_each_record_at_most_the_timeout_and_counts_the_drop() {
    let port = hanging_peer();
    let stats = within_deadline(
        "a SocketHandler writing to a peer that never reads",
        move || {
            let mut h = SocketHandler::tcp("127.0.0.1", port)
                .unwrap()
                .with_timeout(TIMEOUT);
            // Socket buffers hold a few MiB; then the write times out.
            let mut sent = 0;
            while big(&mut h, 256 * 1024) {
                sent += 1;
                assert!(sent < 400, "the socket buffers never filled");
            }
            assert_eq!(h.connection_stats().write_failures, 1);
            h.stats()
        },
    );
    assert_eq!((stats.dropped, stats.errors), (1, 1), "{stats:?}");
}

// --- SysLogHandler over TCP --------------------------------------------------

#[test]
fn syslog_tcp_peer_refusing_drops_counts_reports_once_then_backs_off() {
    capture_reports();
    let port = refusing_port();
    let mut h = SysLogHandler::tcp("127.0.0.1", port)
        .unwrap()
        .with_name("syslog-refused");
    for i in 0..3 {
        assert!(!info(&mut h, &format!("r{i}")));
    }
    let stats = h.stats();
    assert_eq!((stats.dropped, stats.errors), (3, 1), "{stats:?}");
    assert_eq!(h.connection_stats().dropped_in_backoff, 2);
    assert_eq!(reports_for("syslog-refused").len(), 1);
}

#[test]
fn syslog_tcp_peer_resetting_loses_the_counted_record_and_the_next_goes_on_a_new_connection() {
    let (port, rx) = read_once_then_reset();
    let mut h = SysLogHandler::tcp("127.0.0.1", port).unwrap();
    assert!(info(&mut h, "read by the peer"));
    wait_for_reset(&rx);
    assert!(!info(&mut h, "hits the reset"));
    assert!(info(&mut h, "on a new connection"));
    assert!(wait_for_reset(&rx) > 0);
    let stats = h.stats();
    assert_eq!(
        (stats.emitted, stats.dropped, stats.errors),
        (2, 1, 1),
        "{stats:?}"
    );
}

#[test]
fn syslog_tcp_peer_hanging_costs_each_record_at_most_the_timeout_and_counts_the_drop() {
    let port = hanging_peer();
    let stats = within_deadline(
        "a SysLogHandler writing to a peer that never reads",
        move || {
            let mut h = SysLogHandler::tcp("127.0.0.1", port)
                .unwrap()
                .with_timeout(TIMEOUT);
            let mut sent = 0;
            while big(&mut h, 256 * 1024) {
                sent += 1;
                assert!(sent < 400, "the socket buffers never filled");
            }
            h.stats()
        },
    );
    assert_eq!((stats.dropped, stats.errors), (1, 1), "{stats:?}");
}

/// Builds a handler on a thread bounded by the deadline, logs one record
/// there, and checks the record was not emitted but dropped and counted as
/// one error.
fn one_record_dropped_within_deadline<H: Handler>(
    what: &str,
    make: impl FnOnce() -> H + Send + 'static,
) {
    let stats = within_deadline(what, move || {
        let mut h = make();
        assert!(!info(&mut h, "lost"));
        h.stats()
    });
    assert_eq!((stats.dropped, stats.errors), (1, 1), "{what}: {stats:?}");
}

// --- HTTPHandler -------------------------------------------------------------

fn http(port: u16, name: &'static str) -> HttpHandler {
    HttpHandler::builder(format!("http://127.0.0.1:{port}/log"), Method::Post)
        .timeout(TIMEOUT)
        .name(name)
        .build()
        .unwrap()
}

#[test]
fn http_peer_refusing_drops_counts_and_reports_each_record() {
    capture_reports();
    let mut h = http(refusing_port(), "http-refused");
    assert!(!info(&mut h, "a"));
    assert!(!info(&mut h, "b"));
    let stats = h.stats();
    assert_eq!((stats.dropped, stats.errors), (2, 2), "{stats:?}");
    let reports = reports_for("http-refused");
    assert_eq!(reports.len(), 2, "{reports:?}");
}

#[test]
fn http_peer_resetting_drops_counts_and_reports_the_record() {
    capture_reports();
    let port = reset_at_once();
    one_record_dropped_within_deadline("an HTTP request reset by the peer", move || {
        http(port, "http-reset")
    });
    assert_eq!(reports_for("http-reset").len(), 1);
}

#[test]
fn http_peer_hanging_costs_the_timeout_and_counts_the_drop() {
    let port = hanging_peer();
    one_record_dropped_within_deadline("an HTTP request to a peer that never answers", move || {
        http(port, "http-hang")
    });
}

// --- SMTPHandler -------------------------------------------------------------

fn smtp(port: u16, name: &'static str) -> SmtpHandler {
    SmtpHandler::builder("127.0.0.1", "app@example.com", ["ops@example.com"], "alert")
        .port(port)
        .timeout(TIMEOUT)
        .name(name)
        .build()
        .unwrap()
}

#[test]
fn smtp_peer_refusing_drops_counts_and_reports_the_record() {
    capture_reports();
    let mut h = smtp(refusing_port(), "smtp-refused");
    assert!(!info(&mut h, "unsent"));
    let stats = h.stats();
    assert_eq!((stats.dropped, stats.errors), (1, 1), "{stats:?}");
    assert_eq!(reports_for("smtp-refused").len(), 1);
}

#[test]
fn smtp_peer_resetting_drops_counts_and_reports_the_record() {
    capture_reports();
    let port = reset_at_once();
    one_record_dropped_within_deadline("an SMTP session reset by the peer", move || {
        smtp(port, "smtp-reset")
    });
    assert_eq!(reports_for("smtp-reset").len(), 1);
}

#[test]
fn smtp_peer_hanging_before_its_greeting_costs_the_timeout_and_counts_the_drop() {
    let port = hanging_peer();
    one_record_dropped_within_deadline("an SMTP server that never greets", move || {
        smtp(port, "smtp-hang")
    });
}

// --- DatagramHandler -----------------------------------------------------------

#[test]
fn udp_peer_refusing_is_invisible_records_count_as_emitted_and_the_caller_never_waits() {
    // UDP has no delivery report: a closed port's ICMP answer does not reach
    // an unconnected socket. The records count as emitted (sent), as in Python.
    let port = refusing_port();
    let mut h = DatagramHandler::udp("127.0.0.1", port).unwrap();
    for i in 0..3 {
        assert!(info(&mut h, &format!("r{i}")));
    }
    assert_eq!(h.stats().emitted, 3);
}

#[test]
fn unix_datagram_peer_refusing_drops_counts_and_reports_each_record() {
    capture_reports();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nobody.sock");
    let _ = std::os::unix::net::UnixDatagram::bind(&path).unwrap();
    // Bound then closed: the path exists but nothing receives.
    let mut h = DatagramHandler::unix(&path)
        .unwrap()
        .with_name("dgram-refused");
    assert!(!info(&mut h, "a"));
    assert!(!info(&mut h, "b"));
    let stats = h.stats();
    assert_eq!((stats.dropped, stats.errors), (2, 2), "{stats:?}");
    let reports = reports_for("dgram-refused");
    assert!(
        reports.iter().all(|r| r.contains("Connection refused")),
        "{reports:?}"
    );
}

#[test]
fn unix_datagram_peer_hanging_costs_each_record_at_most_the_timeout_and_counts_the_drop() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stuck.sock");
    let receiver = std::os::unix::net::UnixDatagram::bind(&path).unwrap(); // never reads
    let stats = within_deadline("datagrams to a receiver that never reads", move || {
        let mut h = DatagramHandler::unix(&path).unwrap();
        let mut sent = 0;
        while big(&mut h, 1024) {
            sent += 1;
            assert!(sent < 100_000, "the receiver's queue never filled");
        }
        h.stats()
    });
    drop(receiver);
    assert_eq!((stats.dropped, stats.errors), (1, 1), "{stats:?}");
}
