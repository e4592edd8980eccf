//! Disk full: what the user sees when the file system has no space left.
//! A real ENOSPC from a 64 KiB tmpfs (needs root, as CI runs; the test says
//! so loudly otherwise), and /dev/full for a plain write error.
#![cfg(target_os = "linux")]

mod fault_support;

use emlog::{Handler, Level, Record};
use emlog_std::{Buffering, FileHandler};
use fault_support::{SmallDisk, capture_reports, info, reports_for};

#[test]
fn disk_full_record_is_dropped_counted_and_reported_and_logging_resumes_when_space_returns() {
    capture_reports();
    let disk = SmallDisk::mount(64);
    let path = disk.path().join("app.log");
    let mut h = FileHandler::builder(&path)
        .name("disk-full")
        .open()
        .unwrap();
    // Exactly one page (4096 bytes with its newline), so the next record needs a new one.
    let before = "b".repeat(4095);
    assert!(info(&mut h, &before));
    let filler = disk.fill();
    assert!(
        !info(&mut h, "while full"),
        "a record that did not fit is not emitted"
    );
    let stats = h.stats();
    assert_eq!((stats.errors, stats.dropped), (1, 1), "{stats:?}");
    let reports = reports_for("disk-full");
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(
        reports[0].contains("No space left on device"),
        "{}",
        reports[0]
    );
    assert!(
        reports[0].contains("app.log"),
        "the report names the file: {}",
        reports[0]
    );
    assert!(
        reports[0].contains("Message: 'while full'"),
        "{}",
        reports[0]
    );

    std::fs::remove_file(filler).unwrap();
    assert!(
        info(&mut h, "after"),
        "the application keeps logging once space returns"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{before}\nafter\n")
    );
    assert_eq!(h.stats().emitted, 2);
}

#[test]
fn a_line_cut_by_a_full_disk_is_not_glued_to_the_next_record() {
    let disk = SmallDisk::mount(64);
    let path = disk.path().join("app.log");
    let mut h = FileHandler::new(&path).unwrap();
    // The file's first page is allocated: what is left of it still fits,
    // so the long record below is written in part before ENOSPC.
    assert!(info(&mut h, "first"));
    let filler = disk.fill();
    let long = "L".repeat(6000);
    assert!(!info(&mut h, &long));
    std::fs::remove_file(filler).unwrap();
    assert!(info(&mut h, "next"));

    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.first(), Some(&"first"));
    assert!(
        lines.last() == Some(&"next"),
        "the next record starts its own line, not after the cut one (last line: {} bytes)",
        lines.last().map_or(0, |l| l.len())
    );
    assert_eq!(
        lines.len(),
        3,
        "first, the cut line, next: {} lines",
        lines.len()
    );
    assert!(
        !lines[1].is_empty() && lines[1].len() < long.len() && long.starts_with(lines[1]),
        "the middle line is the cut record ({} bytes)",
        lines[1].len()
    );
    assert_eq!(h.stats().dropped, 1, "the cut record counts as lost");
}

#[test]
fn buffered_records_lost_to_a_full_disk_are_each_counted() {
    let disk = SmallDisk::mount(64);
    let path = disk.path().join("app.log");
    let mut h = FileHandler::builder(&path)
        .buffered(Buffering {
            interval: None,
            ..Buffering::default()
        })
        .open()
        .unwrap();
    let filler = disk.fill();
    for i in 0..5 {
        assert!(
            info(&mut h, &format!("buffered {i}")),
            "buffered: emitted into the buffer"
        );
    }
    h.flush();
    let stats = h.stats();
    assert_eq!(
        (stats.emitted, stats.dropped, stats.errors),
        (5, 5, 1),
        "{stats:?}"
    );
    std::fs::remove_file(filler).unwrap();
    h.handle(&Record::new(Level::ERROR, "app", format_args!("later")));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "later\n");
}

#[test]
fn dev_full_every_record_is_dropped_counted_and_reported_and_the_caller_continues() {
    capture_reports();
    let mut h = FileHandler::builder("/dev/full")
        .name("dev-full")
        .open()
        .unwrap();
    for i in 0..3 {
        assert!(!info(&mut h, &format!("record {i}")));
    }
    let stats = h.stats();
    assert_eq!(
        (stats.emitted, stats.dropped, stats.errors),
        (0, 3, 3),
        "{stats:?}"
    );
    assert_eq!(
        reports_for("dev-full").len(),
        3,
        "each failed write is reported"
    );
}

/// A buffer that a `Logger` writes out after letting go of the handler's
/// lock, cut by a full disk: its records are counted as lost, and the next
/// write-out starts on a line of its own.
#[test]
fn a_deferred_write_out_cut_by_a_full_disk_is_counted_and_not_glued_to_the_next() {
    let disk = SmallDisk::mount(64);
    let path = disk.path().join("app.log");
    let logger = emlog_std::Logger::with_root_level(Level::DEBUG);
    let h = FileHandler::builder(&path)
        .buffered(Buffering {
            interval: None,
            ..Buffering::default()
        })
        .open()
        .unwrap();
    let key = logger.add(h).unwrap();
    let log = |level, m: &str| {
        emlog::Dispatch::dispatch(&logger, &Record::new(level, "app", format_args!("{m}")))
    };
    log(Level::ERROR, "first");
    let filler = disk.fill();
    // Written in part: the file's first page still has room for some of it.
    log(Level::ERROR, &"L".repeat(6000));
    let s = logger.handler_stats(key).unwrap();
    assert_eq!((s.emitted, s.dropped, s.errors), (2, 1, 1), "{s:?}");
    std::fs::remove_file(filler).unwrap();
    log(Level::ERROR, "next");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.first(), Some(&"first"));
    assert_eq!(
        lines.last(),
        Some(&"next"),
        "the next write-out starts its own line"
    );
    assert_eq!(lines.len(), 3, "first, the cut line, next");
    assert!(
        !lines[1].is_empty() && lines[1].len() < 6000,
        "{} bytes",
        lines[1].len()
    );
    let s = logger.handler_stats(key).unwrap();
    assert_eq!((s.emitted, s.dropped, s.errors), (3, 1, 1), "{s:?}");
}
