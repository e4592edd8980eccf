//! install_panic_flush_hook writes out a buffered handler held by the global
//! logger when a thread panics (globals are never dropped, so Drop cannot).

use std::time::Duration;

use emlog::{Dispatch, Level, Record};
use emlog_std::{Buffering, FileHandler, ManualClock, install_panic_flush_hook, logger};

#[test]
fn a_panic_writes_out_buffered_records_of_the_global_logger() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("buffered.log");
    let clock = ManualClock::at_secs(0);
    let handler = FileHandler::builder(&path)
        .buffered(Buffering {
            capacity: 1 << 20,
            flush_level: Level::CRITICAL,
            interval: Some(Duration::from_secs(60)),
            clock: clock.clock(),
        })
        .open()
        .unwrap();
    logger().add(handler).unwrap();
    logger().set_logger_level("", Level::DEBUG).unwrap();
    install_panic_flush_hook();
    logger().dispatch(&Record::new(
        Level::INFO,
        "app",
        format_args!("buffered before the panic"),
    ));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    let result = std::thread::spawn(|| panic!("deliberate")).join();
    assert!(result.is_err());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "buffered before the panic\n"
    );
}
