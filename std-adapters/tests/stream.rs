//! StreamHandler: one write per record, errors counted and reported, set_stream.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use emlog::{Formatter, Handler, Level, Record};
use emlog_std::StreamHandler;

/// Records each `write` call separately.
#[derive(Clone, Default)]
struct Calls(Arc<Mutex<Vec<Vec<u8>>>>);

impl Write for Calls {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().push(buf.to_vec());
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct Broken;

impl Write for Broken {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::new(
            io::ErrorKind::BrokenPipe,
            "reader went away",
        ))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn each_record_is_one_write_including_the_newline() {
    let calls = Calls::default();
    let mut h = StreamHandler::new(calls.clone())
        .with_formatter(Formatter::new("%(levelname)s:%(name)s:%(message)s").unwrap());
    h.handle(&Record::new(
        Level::WARNING,
        "net",
        format_args!("link {} down", 2),
    ));
    h.handle(&Record::new(Level::INFO, "net", format_args!("up")));
    assert_eq!(
        *calls.0.lock().unwrap(),
        [
            b"WARNING:net:link 2 down\n".to_vec(),
            b"INFO:net:up\n".to_vec()
        ]
    );
    assert_eq!(h.stats().emitted, 2);
}

#[test]
fn a_failing_stream_is_counted_and_the_next_record_is_tried() {
    let mut h = StreamHandler::new(Broken);
    assert!(!h.handle(&Record::new(Level::ERROR, "a", format_args!("x"))));
    assert!(!h.handle(&Record::new(Level::ERROR, "a", format_args!("y"))));
    let s = h.stats();
    assert_eq!((s.errors, s.dropped, s.emitted), (2, 2, 0));
}

#[test]
fn set_stream_returns_the_old_stream() {
    let mut h = StreamHandler::new(Vec::new());
    h.handle(&Record::new(Level::INFO, "a", format_args!("old")));
    let old = h.set_stream(Vec::new());
    assert_eq!(old, b"old\n");
    h.handle(&Record::new(Level::INFO, "a", format_args!("new")));
    assert_eq!(h.get_ref(), b"new\n");
}

#[test]
fn error_report_has_pythons_header_and_quotes_the_message() {
    let record = Record::new(Level::ERROR, "", format_args!("it's \"here\""));
    let text = emlog_std::format_error_report(&emlog::ErrorReport {
        handler: "file",
        error: &"disk full",
        record: Some(&record),
    });
    assert_eq!(
        text,
        "--- Logging error ---\nHandler: file\nError: disk full\nLogger: root, level ERROR, at :0\nMessage: 'it\\'s \"here\"'\n"
    );
}
