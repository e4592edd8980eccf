//! DatagramHandler against Python's own receiver (which strips the 4-byte
//! length prefix, as CPython's test server does): every LogRecord attribute
//! arrives with Python's name, type and value.

mod support;

use emlog::Handler;
use emlog_std::datagram::DatagramHandler;
use support::{PICKLE_RECEIVER, Peer, assert_full_record, full_record, json, path_in, temp_dir};

#[test]
fn udp_records_reach_pythons_receiver_with_every_attribute() {
    let dir = temp_dir();
    let mut peer = Peer::python(dir.path(), "recv.py", PICKLE_RECEIVER, &["udp", "0"]);
    let port = peer.ready_port();
    let mut handler = match DatagramHandler::udp("127.0.0.1", port) {
        Ok(h) => h,
        Err(e) => panic!("{e}"),
    };
    assert!(handler.handle(&full_record(format_args!("späm"))));
    assert!(handler.handle(&full_record(format_args!("eggs {}", 2))));
    assert_full_record(&json(&peer.line()), "späm");
    assert_full_record(&json(&peer.line()), "eggs 2");
    assert_eq!(handler.stats().emitted, 2);
}

#[test]
fn unix_datagram_records_reach_pythons_receiver_with_every_attribute() {
    let dir = temp_dir();
    let sock = path_in(&dir, "log.dgram");
    let sock_str = sock.to_string_lossy().into_owned();
    let mut peer = Peer::python(
        dir.path(),
        "recv.py",
        PICKLE_RECEIVER,
        &["unix-dgram", &sock_str],
    );
    peer.ready_port();
    let mut handler = match DatagramHandler::unix(&sock) {
        Ok(h) => h,
        Err(e) => panic!("{e}"),
    };
    assert!(handler.handle(&full_record(format_args!("über dgram"))));
    assert_full_record(&json(&peer.line()), "über dgram");
}

#[test]
fn a_unix_datagram_to_a_missing_socket_is_counted_dropped_and_resumes_when_it_appears() {
    let dir = temp_dir();
    let sock = path_in(&dir, "later.dgram");
    let mut handler = match DatagramHandler::unix(&sock) {
        Ok(h) => h,
        Err(e) => panic!("{e}"),
    };
    assert!(!handler.handle(&full_record(format_args!("lost"))));
    assert_eq!(handler.stats().dropped, 1);
    assert_eq!(handler.stats().errors, 1);
    let sock_str = sock.to_string_lossy().into_owned();
    let mut peer = Peer::python(
        dir.path(),
        "recv.py",
        PICKLE_RECEIVER,
        &["unix-dgram", &sock_str],
    );
    peer.ready_port();
    assert!(handler.handle(&full_record(format_args!("found"))));
    assert_full_record(&json(&peer.line()), "found");
}

#[test]
fn a_unix_receiver_that_recreates_its_socket_gets_the_next_datagram() {
    let dir = temp_dir();
    let sock = path_in(&dir, "log.dgram");
    let sock_str = sock.to_string_lossy().into_owned();
    let mut first = Peer::python(
        dir.path(),
        "recv.py",
        PICKLE_RECEIVER,
        &["unix-dgram", &sock_str],
    );
    first.ready_port();
    let mut handler = match DatagramHandler::unix(&sock) {
        Ok(h) => h,
        Err(e) => panic!("{e}"),
    };
    assert!(handler.handle(&full_record(format_args!("first"))));
    assert_full_record(&json(&first.line()), "first");
    first.kill();
    if let Err(e) = std::fs::remove_file(&sock) {
        panic!("could not remove the old socket: {e}");
    }
    let mut second = Peer::python(
        dir.path(),
        "recv.py",
        PICKLE_RECEIVER,
        &["unix-dgram", &sock_str],
    );
    second.ready_port();
    assert!(handler.handle(&full_record(format_args!("second"))));
    assert_full_record(&json(&second.line()), "second");
    assert_eq!(handler.stats().dropped, 0);
}
