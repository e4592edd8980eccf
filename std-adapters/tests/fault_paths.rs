//! The log path goes wrong under a running handler: its directory removed,
//! the path replaced by a directory or by a FIFO. (Permission denied is in
//! permission.rs.)
#![cfg(unix)]

mod fault_support;

use std::ffi::CString;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use emlog::Handler;
use emlog_std::{FileHandler, RotatingFileHandler, WatchedFileHandler};
use fault_support::{capture_reports, info, reports_for, within_deadline};

fn mkfifo(path: &Path) {
    let c = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a NUL-terminated path.
    let made = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
    assert_eq!(made, 0, "mkfifo: {}", std::io::Error::last_os_error());
}

#[test]
fn directory_removed_watched_handler_reports_and_counts_each_lost_record_then_recovers() {
    capture_reports();
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let path = logs.join("app.log");
    let mut h = WatchedFileHandler::builder(&path)
        .name("dir-removed-watched")
        .open()
        .unwrap();
    assert!(info(&mut h, "before"));
    std::fs::remove_dir_all(&logs).unwrap();
    assert!(!info(&mut h, "lost 1"));
    assert!(!info(&mut h, "lost 2"));
    let stats = h.stats();
    assert_eq!(stats.dropped, 2, "each lost record is counted: {stats:?}");
    let reports = reports_for("dir-removed-watched");
    assert!(
        !reports.is_empty() && reports.iter().all(|r| r.contains("app.log")),
        "{reports:?}"
    );
    assert!(
        reports
            .iter()
            .any(|r| r.contains("No such file or directory")),
        "{reports:?}"
    );

    std::fs::create_dir(&logs).unwrap();
    assert!(
        info(&mut h, "after"),
        "logging resumes once the directory is back"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "after\n");
}

#[test]
fn directory_removed_rotating_handler_reports_the_failed_rollover_and_counts_lost_records() {
    capture_reports();
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let mut h = RotatingFileHandler::builder(logs.join("app.log"))
        .max_bytes(8)
        .backup_count(2)
        .name("dir-removed-rotating")
        .open()
        .unwrap();
    assert!(info(&mut h, "first"));
    std::fs::remove_dir_all(&logs).unwrap();
    // Due to roll: the live file cannot be reopened in the removed directory.
    assert!(!info(&mut h, "second"));
    let stats = h.stats();
    assert_eq!(stats.dropped, 1, "{stats:?}");
    assert!(stats.errors >= 1, "{stats:?}");
    let reports = reports_for("dir-removed-rotating");
    assert!(
        reports
            .iter()
            .any(|r| r.contains("No such file or directory")),
        "{reports:?}"
    );
}

#[test]
fn directory_removed_file_handler_keeps_writing_to_the_open_unlinked_file_as_python_does() {
    // What the user sees: records go on into the open file, which no path
    // names any more; they count as emitted. WatchedFileHandler (above) is
    // the handler that notices.
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let mut h = FileHandler::new(logs.join("app.log")).unwrap();
    std::fs::remove_dir_all(&logs).unwrap();
    assert!(info(&mut h, "into the unlinked file"));
    assert_eq!(h.stats().emitted, 1);
    assert!(!logs.exists());
}

#[test]
fn log_path_that_is_a_directory_is_an_open_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let err = FileHandler::new(dir.path()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::IsADirectory, "{err}");
    assert!(
        err.to_string().contains(&dir.path().display().to_string()),
        "{err}"
    );
}

#[test]
fn log_path_replaced_by_a_directory_watched_handler_reports_counts_and_recovers() {
    capture_reports();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let mut h = WatchedFileHandler::builder(&path)
        .name("replaced-by-dir")
        .open()
        .unwrap();
    assert!(info(&mut h, "before"));
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    assert!(!info(&mut h, "lost"));
    assert_eq!(h.stats().dropped, 1);
    let reports = reports_for("replaced-by-dir");
    assert!(
        reports.iter().any(|r| r.contains("Is a directory")),
        "{reports:?}"
    );

    std::fs::remove_dir(&path).unwrap();
    assert!(info(&mut h, "after"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "after\n");
}

#[test]
fn a_fifo_without_a_reader_is_an_open_error_instead_of_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.fifo");
    mkfifo(&path);
    let err = within_deadline("opening a FIFO with no reader", move || {
        FileHandler::new(&path).unwrap_err()
    });
    let text = err.to_string();
    assert!(text.contains("FIFO with no reader"), "{text}");
    assert!(text.contains("app.fifo"), "{text}");
}

#[test]
fn a_fifo_with_a_reader_gets_each_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.fifo");
    mkfifo(&path);
    let reader_path = path.clone();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::fs::File::open(reader_path)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    });
    let text = within_deadline("logging into a FIFO with a reader", move || {
        let mut h = FileHandler::new(&path).unwrap();
        assert!(info(&mut h, "one"));
        assert!(info(&mut h, "two"));
        drop(h);
        reader.join().unwrap()
    });
    assert_eq!(text, "one\ntwo\n");
}

#[test]
fn log_path_replaced_by_a_fifo_watched_handler_reports_counts_and_does_not_hang() {
    capture_reports();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let p = path.clone();
    let stats = within_deadline("a watched file replaced by a FIFO", move || {
        let mut h = WatchedFileHandler::builder(&p)
            .name("replaced-by-fifo")
            .open()
            .unwrap();
        assert!(info(&mut h, "before"));
        std::fs::remove_file(&p).unwrap();
        mkfifo(&p);
        assert!(!info(&mut h, "lost"));
        h.stats()
    });
    assert_eq!(stats.dropped, 1, "{stats:?}");
    let reports = reports_for("replaced-by-fifo");
    assert!(
        reports.iter().any(|r| r.contains("FIFO with no reader")),
        "{reports:?}"
    );
}
