//! SocketHandler against Python's own receiver: every LogRecord attribute
//! arrives with Python's name, type and value.

mod support;

use emlog::Handler;
use emlog_std::socket::SocketHandler;
use support::{PICKLE_RECEIVER, Peer, assert_full_record, full_record, json, path_in, temp_dir};

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
