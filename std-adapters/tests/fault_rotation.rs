//! A rename failing in the middle of a rotation: the record still goes to
//! the live file, no backup is lost or overwritten, the error is reported and
//! the next rollover tries again. (Renames denied by permissions: permission.rs.)

mod fault_support;

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use emlog::Handler;
use emlog_std::{
    ManualClock, RolloverSchedule, RotatingFileHandler, TimedRotatingFileHandler, When,
};
use fault_support::{capture_reports, info, reports_for};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A rotator whose first `failures` calls fail like a rename on a full or
/// read-only file system, then renames.
fn failing_rotator(failures: u32) -> impl FnMut(&Path, &Path) -> io::Result<()> + Send {
    let calls = Arc::new(AtomicU32::new(0));
    move |source: &Path, dest: &Path| {
        if calls.fetch_add(1, Ordering::SeqCst) < failures {
            Err(io::Error::other("rename failed (injected)"))
        } else {
            std::fs::rename(source, dest)
        }
    }
}

#[test]
fn a_failed_rename_keeps_the_record_in_the_live_file_reports_it_and_the_next_record_rolls() {
    capture_reports();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let mut h = RotatingFileHandler::builder(&path)
        .max_bytes(3)
        .backup_count(2)
        .rotator(failing_rotator(1))
        .name("rename-fails")
        .open()
        .unwrap();
    assert!(info(&mut h, "0"));
    assert!(
        info(&mut h, "1"),
        "the record is written although the rollover failed"
    );
    assert_eq!(read(&path), "0\n1\n");
    let stats = h.stats();
    assert_eq!(
        (stats.errors, stats.dropped, stats.emitted),
        (1, 0, 2),
        "{stats:?}"
    );
    let reports = reports_for("rename-fails");
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(
        reports[0].contains("rolling over") && reports[0].contains("injected"),
        "{}",
        reports[0]
    );

    assert!(info(&mut h, "2"));
    assert_eq!(read(&dir.path().join("app.log.1")), "0\n1\n");
    assert_eq!(read(&path), "2\n");
}

#[test]
fn a_backup_that_cannot_be_replaced_stops_the_rollover_and_keeps_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let mut h = RotatingFileHandler::builder(&path)
        .max_bytes(3)
        .backup_count(2)
        .open()
        .unwrap();
    info(&mut h, "0");
    info(&mut h, "1"); // rolls: app.log.1 = "0"
    // app.log.2 is a non-empty directory: shifting .1 to .2 fails midway.
    let blocker = dir.path().join("app.log.2");
    std::fs::create_dir(&blocker).unwrap();
    std::fs::write(blocker.join("keep"), "x").unwrap();
    assert!(info(&mut h, "2"), "the record goes to the live file");
    assert_eq!(
        read(&dir.path().join("app.log.1")),
        "0\n",
        "no backup was lost"
    );
    assert_eq!(read(&path), "1\n2\n");
    assert_eq!(h.stats().errors, 1);
    assert_eq!(read(&blocker.join("keep")), "x");

    std::fs::remove_dir_all(&blocker).unwrap();
    assert!(info(&mut h, "3"));
    assert_eq!(read(&dir.path().join("app.log.2")), "0\n");
    assert_eq!(read(&dir.path().join("app.log.1")), "1\n2\n");
    assert_eq!(read(&path), "3\n");
}

#[test]
fn a_failed_timed_rename_keeps_records_in_the_live_file_and_rolls_at_the_next_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.log");
    let clock = ManualClock::at_secs(1_000_000_020); // 2001-09-09 01:47:00 UTC
    let schedule = RolloverSchedule::new(When::Minutes, 1).unwrap().utc();
    let mut h = TimedRotatingFileHandler::builder(&path, schedule)
        .clock(clock.clock())
        .rotator(failing_rotator(1))
        .open()
        .unwrap();
    info(&mut h, "0");
    clock.advance_secs(60);
    assert!(info(&mut h, "1"), "the record goes to the live file");
    assert_eq!((h.rollovers(), h.stats().errors), (0, 1));
    clock.advance_secs(60);
    assert!(info(&mut h, "2"));
    assert_eq!(h.rollovers(), 1);
    assert_eq!(read(&dir.path().join("t.log.2001-09-09_01-48")), "0\n1\n");
    assert_eq!(read(&path), "2\n");
}
