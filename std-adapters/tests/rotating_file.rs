//! RotatingFileHandler: CPython's RotatingFileHandlerTest cases, ported, and faults.
#![cfg(unix)]

use std::path::{Path, PathBuf};

use emlog::{Handler, Level, Record};
use emlog_std::{GzipRotator, RotatingFileHandler, gzip_namer};

fn log(h: &mut impl Handler, msg: &str) -> bool {
    h.handle(&Record::new(Level::INFO, "test", format_args!("{msg}")))
}

fn read(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p).unwrap()
}

fn backup(base: &Path, n: u32) -> PathBuf {
    PathBuf::from(format!("{}.{n}", base.display()))
}

#[test]
fn never_rolls_an_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("a.log");
    let mut h = RotatingFileHandler::builder(&base)
        .max_bytes(1)
        .backup_count(1)
        .open()
        .unwrap();
    log(&mut h, "larger than max_bytes");
    assert!(!backup(&base, 1).exists());
    assert_eq!(read(&base), "larger than max_bytes\n");
}

#[test]
fn max_bytes_zero_never_rolls() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("a.log");
    let mut h = RotatingFileHandler::builder(&base)
        .max_bytes(0)
        .backup_count(1)
        .open()
        .unwrap();
    for _ in 0..10 {
        log(&mut h, "0123456789");
    }
    assert!(!backup(&base, 1).exists());
    assert_eq!(read(&base).len(), 110);
}

#[test]
fn backup_count_zero_never_rolls_and_keeps_the_file_open() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("a.log");
    let mut h = RotatingFileHandler::builder(&base)
        .max_bytes(5)
        .backup_count(0)
        .open()
        .unwrap();
    for _ in 0..10 {
        log(&mut h, "0123456789");
    }
    assert_eq!(h.rollovers(), 0);
    assert_eq!(read(&base).len(), 110);
}

#[test]
fn dev_null_never_rolls() {
    let mut h = RotatingFileHandler::builder("/dev/null")
        .max_bytes(1)
        .backup_count(1)
        .open()
        .unwrap();
    for _ in 0..5 {
        assert!(log(&mut h, "x"));
    }
    assert_eq!(h.rollovers(), 0);
    assert!(!Path::new("/dev/null.1").exists());
}

#[test]
fn named_pipe_never_rolls() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read_to_string(reader_path).unwrap());
    let mut h = RotatingFileHandler::builder(&fifo)
        .max_bytes(1)
        .backup_count(1)
        .open()
        .unwrap();
    for _ in 0..3 {
        log(&mut h, "through the pipe");
    }
    assert_eq!(h.rollovers(), 0);
    h.close();
    assert_eq!(reader.join().unwrap(), "through the pipe\n".repeat(3));
    assert!(!backup(&fifo, 1).exists());
}

#[test]
fn rolls_when_newline_and_record_reach_max_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("a.log");
    let mut h = RotatingFileHandler::builder(&base)
        .max_bytes(2)
        .backup_count(1)
        .open()
        .unwrap();
    log(&mut h, "a");
    // "a\n" is 2 bytes already: the next record rolls first.
    log(&mut h, "b");
    assert_eq!(read(backup(&base, 1)), "a\n");
    assert_eq!(read(&base), "b\n");
}

fn max_bytes_case(delay: bool) {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("a.log");
    let mut b = RotatingFileHandler::builder(&base)
        .max_bytes(100)
        .backup_count(2);
    if delay {
        b = b.delay();
    }
    let mut h = b.open().unwrap();
    assert_eq!(base.exists(), !delay);
    log(&mut h, &"a".repeat(60));
    log(&mut h, &"b".repeat(60));
    assert!(backup(&base, 1).exists());
    assert!(!backup(&base, 2).exists());
    assert_eq!(read(backup(&base, 1)), format!("{}\n", "a".repeat(60)));
    assert_eq!(read(&base), format!("{}\n", "b".repeat(60)));
}

#[test]
fn the_100_byte_case_rolls_once() {
    max_bytes_case(false);
}

#[test]
fn the_100_byte_case_rolls_once_with_delay() {
    max_bytes_case(true);
}

#[test]
fn counts_bytes_not_characters() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("a.log");
    // "ää\n" is 3 characters but 5 bytes.
    let mut h = RotatingFileHandler::builder(&base)
        .max_bytes(9)
        .backup_count(1)
        .open()
        .unwrap();
    log(&mut h, "ää");
    log(&mut h, "ää");
    assert_eq!(read(backup(&base, 1)), "ää\n");
    assert!(std::fs::metadata(&base).unwrap().len() < 9);
}

#[test]
fn shifts_backups_up_to_backup_count_and_drops_the_oldest() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("a.log");
    let mut h = RotatingFileHandler::builder(&base)
        .max_bytes(3)
        .backup_count(3)
        .open()
        .unwrap();
    for i in 0..6 {
        log(&mut h, &i.to_string());
    }
    assert_eq!(read(&base), "5\n");
    assert_eq!(read(backup(&base, 1)), "4\n");
    assert_eq!(read(backup(&base, 2)), "3\n");
    assert_eq!(read(backup(&base, 3)), "2\n");
    assert!(!backup(&base, 4).exists());
}

#[test]
fn namer_names_every_backup() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("a.log");
    let mut h = RotatingFileHandler::builder(&base)
        .max_bytes(3)
        .backup_count(2)
        .namer(|p| PathBuf::from(format!("{}.test", p.display())))
        .open()
        .unwrap();
    for i in 0..3 {
        log(&mut h, &i.to_string());
    }
    assert_eq!(read(dir.path().join("a.log.1.test")), "1\n");
    assert_eq!(read(dir.path().join("a.log.2.test")), "0\n");
    assert!(!backup(&base, 1).exists());
}

#[test]
fn rotator_moves_the_live_file() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("a.log");
    let mut h = RotatingFileHandler::builder(&base)
        .max_bytes(3)
        .backup_count(2)
        .namer(|p| PathBuf::from(format!("{}.rotated", p.display())))
        .rotator(|src: &Path, dst: &Path| std::fs::rename(src, dst))
        .open()
        .unwrap();
    for i in 0..3 {
        log(&mut h, &i.to_string());
    }
    assert_eq!(read(dir.path().join("a.log.1.rotated")), "1\n");
    assert_eq!(read(dir.path().join("a.log.2.rotated")), "0\n");
}

fn gunzip(p: impl AsRef<Path>) -> String {
    let mut s = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(p).unwrap()),
        &mut s,
    )
    .unwrap();
    s
}

fn gzip_case(rotator: GzipRotator) {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("a.log");
    let mut h = RotatingFileHandler::builder(&base)
        .max_bytes(3)
        .backup_count(2)
        .namer(gzip_namer)
        .rotator(rotator)
        .open()
        .unwrap();
    for i in 0..4 {
        log(&mut h, &i.to_string());
    }
    drop(h); // waits for a background compression
    assert_eq!(gunzip(dir.path().join("a.log.1.gz")), "2\n");
    assert_eq!(gunzip(dir.path().join("a.log.2.gz")), "1\n");
    assert!(!dir.path().join("a.log.3.gz").exists());
    assert_eq!(read(&base), "3\n");
}

#[test]
fn gzip_rotator_compresses_backups() {
    gzip_case(GzipRotator::new());
}

#[test]
fn gzip_rotator_compresses_backups_in_the_background() {
    gzip_case(GzipRotator::background());
}

#[test]
fn failed_rename_during_rollover_keeps_backups_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("a.log");
    let mut h = RotatingFileHandler::builder(&base)
        .max_bytes(3)
        .backup_count(2)
        .open()
        .unwrap();
    log(&mut h, "0");
    log(&mut h, "1"); // a.log.1 = "0"
    // A non-empty directory where a.log.2 must go: the .1 -> .2 shift fails.
    std::fs::create_dir(backup(&base, 2)).unwrap();
    std::fs::write(backup(&base, 2).join("blocker"), "").unwrap();
    assert!(log(&mut h, "2"), "the record still goes to the live file");
    let stats = h.stats();
    assert_eq!(stats.errors, 1);
    assert_eq!(
        read(backup(&base, 1)),
        "0\n",
        "no backup was removed or overwritten"
    );
    assert_eq!(read(&base), "1\n2\n");
    std::fs::remove_dir_all(backup(&base, 2)).unwrap();
    assert!(log(&mut h, "3"));
    assert_eq!(read(backup(&base, 2)), "0\n");
    assert_eq!(read(backup(&base, 1)), "1\n2\n");
    assert_eq!(read(&base), "3\n");
    assert_eq!(h.stats().errors, 1);
}

#[test]
fn deleted_directory_is_reported_and_logging_resumes_when_it_returns() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let base = logs.join("a.log");
    let mut h = RotatingFileHandler::builder(&base)
        .max_bytes(3)
        .backup_count(2)
        .open()
        .unwrap();
    assert!(log(&mut h, "0"));
    std::fs::remove_dir_all(&logs).unwrap();
    assert!(!log(&mut h, "1"), "no directory: the record is lost");
    let stats = h.stats();
    assert!(stats.errors >= 1);
    assert_eq!(stats.dropped, 1);
    std::fs::create_dir(&logs).unwrap();
    assert!(log(&mut h, "2"));
    assert_eq!(read(&base), "2\n");
}

#[test]
fn size_or_time_policy_rolls_on_either_and_never_rolls_an_empty_file() {
    use emlog_std::{ManualClock, RolloverSchedule, When};
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("a.log");
    let clock = ManualClock::at_secs(1_000_000);
    let mut h = RotatingFileHandler::builder(&base)
        .max_bytes(8)
        .backup_count(5)
        .also_every(
            RolloverSchedule::new(When::Minutes, 1).unwrap().utc(),
            clock.clock(),
        )
        .open()
        .unwrap();
    log(&mut h, "a");
    clock.advance_secs(60);
    log(&mut h, "b"); // time: a -> .1
    log(&mut h, "ccc"); // "b\n" + "ccc\n" = 6 < 8: stays
    log(&mut h, "dd"); // 6 + 3 = 9 >= 8: size rolls
    assert_eq!(read(backup(&base, 2)), "a\n");
    assert_eq!(read(backup(&base, 1)), "b\nccc\n");
    assert_eq!(read(&base), "dd\n");
    assert_eq!(h.rollovers(), 2);
    // An empty file at a boundary is not rolled, and the boundary moves on.
    let empty = dir.path().join("e.log");
    let mut e = RotatingFileHandler::builder(&empty)
        .backup_count(1)
        .also_every(
            RolloverSchedule::new(When::Minutes, 1).unwrap().utc(),
            clock.clock(),
        )
        .open()
        .unwrap();
    clock.advance_secs(120);
    log(&mut e, "first");
    assert_eq!(e.rollovers(), 0);
    log(&mut e, "second");
    assert_eq!(e.rollovers(), 0, "the passed boundary was consumed");
    clock.advance_secs(60);
    log(&mut e, "third");
    assert_eq!(read(backup(&empty, 1)), "first\nsecond\n");
}
