//! Security properties of the file handlers: a message cannot forge a record
//! (control characters escaped), created files get the configured mode, and
//! no open, create or rotation follows a symbolic link planted by someone else.
//! SECURITY.md points at these tests.
#![cfg(unix)]

use std::path::{Path, PathBuf};

use std::os::unix::fs::{PermissionsExt, symlink};

use emlog::{Escape, Formatter, Handler, Level, Record};
use emlog_std::{
    FileHandler, GzipRotator, ManualClock, RolloverSchedule, RotatingFileHandler, StreamHandler,
    TimedRotatingFileHandler, WatchedFileHandler, When, gzip_namer,
};

const FORGED: &str = "login ok\nCRITICAL:root:FAKE CRITICAL record\r\x1b[2K";
const ESCAPED: &str = r"login ok\nCRITICAL:root:FAKE CRITICAL record\r\x1b[2K";

fn log(h: &mut impl Handler, msg: &str) -> bool {
    h.handle(&Record::new(Level::INFO, "app", format_args!("{msg}")))
}

fn read(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

fn basic() -> Formatter {
    Formatter::new(Formatter::BASIC).unwrap()
}

fn timed(path: &Path) -> emlog_std::TimedRotatingFileHandlerBuilder {
    let schedule = RolloverSchedule::new(When::Seconds, 1).unwrap().utc();
    TimedRotatingFileHandler::builder(path, schedule)
}

#[test]
fn a_forged_newline_is_one_escaped_line_in_every_file_handler() {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = (0..4)
        .map(|i| dir.path().join(format!("{i}.log")))
        .collect();
    let mut handlers: Vec<Box<dyn Handler>> = vec![
        Box::new(
            FileHandler::builder(&paths[0])
                .formatter(basic())
                .open()
                .unwrap(),
        ),
        Box::new(
            WatchedFileHandler::builder(&paths[1])
                .formatter(basic())
                .open()
                .unwrap(),
        ),
        Box::new(
            RotatingFileHandler::builder(&paths[2])
                .max_bytes(1 << 20)
                .backup_count(1)
                .formatter(basic())
                .open()
                .unwrap(),
        ),
        Box::new(timed(&paths[3]).formatter(basic()).open().unwrap()),
    ];
    for (handler, path) in handlers.iter_mut().zip(&paths) {
        assert!(handler.handle(&Record::new(Level::INFO, "app", format_args!("{FORGED}"))));
        let text = read(path);
        assert_eq!(text, format!("INFO:app:{ESCAPED}\n"), "{}", path.display());
        assert_eq!(text.lines().count(), 1);
    }
}

/// A `Logger` renders a `FileHandler`'s lines on the calling thread (outside
/// the handler's lock), with the handler's escaping: escaped by default, raw
/// with `Escape::Off`.
#[test]
fn a_forged_newline_is_escaped_when_a_logger_renders_the_line() {
    use emlog::Dispatch;
    let dir = tempfile::tempdir().unwrap();
    let (escaped, raw) = (dir.path().join("escaped.log"), dir.path().join("raw.log"));
    let logger = emlog_std::Logger::with_root_level(Level::INFO);
    logger
        .add(
            FileHandler::builder(&escaped)
                .formatter(basic())
                .open()
                .unwrap(),
        )
        .unwrap();
    logger
        .add(
            FileHandler::builder(&raw)
                .escape(Escape::Off)
                .open()
                .unwrap(),
        )
        .unwrap();
    logger.dispatch(&Record::new(Level::INFO, "app", format_args!("{FORGED}")));
    logger.shutdown().unwrap();
    assert_eq!(read(&escaped), format!("INFO:app:{ESCAPED}\n"));
    assert_eq!(read(&raw), format!("{FORGED}\n"));
}

#[test]
fn escape_off_writes_control_characters_raw_as_python_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("raw.log");
    let mut h = FileHandler::builder(&path)
        .escape(Escape::Off)
        .open()
        .unwrap();
    assert!(log(&mut h, FORGED));
    assert_eq!(read(&path), format!("{FORGED}\n"));
    assert_eq!(read(&path).lines().count(), 2);
}

#[test]
fn stream_handlers_write_control_characters_raw_by_default_and_escape_when_asked() {
    let mut h = StreamHandler::new(Vec::<u8>::new());
    assert!(log(&mut h, "a\nb"));
    assert_eq!(h.get_ref().as_slice(), b"a\nb\n");
    let mut escaping = StreamHandler::new(Vec::<u8>::new()).with_escape(Escape::ControlChars);
    assert!(log(&mut escaping, "a\nb\x1b[31m"));
    assert_eq!(escaping.get_ref().as_slice(), b"a\\nb\\x1b[31m\n");
}

#[test]
fn utf8_around_escapes_is_kept_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("utf8.log");
    let mut h = FileHandler::new(&path).unwrap();
    assert!(log(&mut h, "é\n日本\u{85}🦀\ttab"));
    assert_eq!(read(&path), "é\\n日本\\x85🦀\ttab\n");
}

fn mode_of(p: impl AsRef<Path>) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

fn is_link(p: impl AsRef<Path>) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
}

/// A file outside the log's reach, with content and mode to check afterwards.
fn victim(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, "precious\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    path
}

fn assert_untouched(victim: &Path) {
    assert_eq!(
        read(victim),
        "precious\n",
        "{} was written",
        victim.display()
    );
    assert_eq!(mode_of(victim), 0o644, "{} was chmodded", victim.display());
}

/// Runs `f` with the umask set to `mask`, so modes are checked against a
/// umask that would change them. The umask is per process: tests in this
/// file that create files take this lock.
fn with_umask<R>(mask: libc::mode_t, f: impl FnOnce() -> R) -> R {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: umask only swaps the process's mask.
    let old = unsafe { libc::umask(mask) };
    let result = f();
    // SAFETY: as above.
    unsafe { libc::umask(old) };
    result
}

#[test]
fn created_files_get_the_configured_mode_in_every_handler_and_after_rotation() {
    with_umask(0o077, || {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mut file = FileHandler::builder(d.join("f.log"))
            .mode(0o640)
            .open()
            .unwrap();
        assert!(log(&mut file, "x"));
        assert_eq!(mode_of(d.join("f.log")), 0o640);

        let mut rotating = RotatingFileHandler::builder(d.join("r.log"))
            .max_bytes(4)
            .backup_count(2)
            .mode(0o640)
            .open()
            .unwrap();
        let mut gzipped = RotatingFileHandler::builder(d.join("g.log"))
            .max_bytes(4)
            .backup_count(2)
            .mode(0o604)
            .namer(gzip_namer)
            .rotator(GzipRotator::new())
            .open()
            .unwrap();
        for i in 0..3 {
            assert!(log(&mut rotating, &format!("record {i}")));
            assert!(log(&mut gzipped, &format!("record {i}")));
        }
        assert_eq!(rotating.rollovers(), 2);
        for name in ["r.log", "r.log.1", "r.log.2"] {
            assert_eq!(mode_of(d.join(name)), 0o640, "{name}");
        }
        // The compressed backup gets the mode of the log it came from, not the umask's.
        for name in ["g.log", "g.log.1.gz", "g.log.2.gz"] {
            assert_eq!(mode_of(d.join(name)), 0o604, "{name}");
        }

        let clock = ManualClock::at_secs(1_000_000_000);
        let mut timed_handler = timed(&d.join("t.log"))
            .clock(clock.clock())
            .mode(0o640)
            .open()
            .unwrap();
        assert!(log(&mut timed_handler, "before"));
        clock.advance_millis(1100);
        assert!(log(&mut timed_handler, "after"));
        assert_eq!(timed_handler.rollovers(), 1);
        assert_eq!(mode_of(d.join("t.log")), 0o640);
        assert_eq!(mode_of(d.join("t.log.2001-09-09_01-46-40")), 0o640);

        let mut watched = WatchedFileHandler::builder(d.join("w.log"))
            .mode(0o600)
            .open()
            .unwrap();
        std::fs::rename(d.join("w.log"), d.join("w.log.old")).unwrap();
        assert!(log(&mut watched, "after the move"));
        assert_eq!(watched.reopens(), 1);
        assert_eq!(mode_of(d.join("w.log")), 0o600);
    });
}

#[test]
fn an_existing_file_keeps_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    let existing = victim(dir.path(), "app.log");
    let mut h = FileHandler::builder(&existing).mode(0o600).open().unwrap();
    assert!(log(&mut h, "appended"));
    assert_eq!(read(&existing), "precious\nappended\n");
    assert_eq!(mode_of(&existing), 0o644);
}

#[test]
fn a_symlink_at_the_log_path_is_refused_with_a_clear_error_unless_followed() {
    let dir = tempfile::tempdir().unwrap();
    let target = victim(dir.path(), "passwd");
    let link = dir.path().join("app.log");
    symlink(&target, &link).unwrap();
    for builder in [
        FileHandler::builder(&link),
        FileHandler::builder(&link).truncate(),
        FileHandler::builder(&link).mode(0o600),
        FileHandler::builder(&link).truncate().mode(0o600),
    ] {
        let err = builder.open().unwrap_err().to_string();
        assert!(err.contains("is a symbolic link"), "{err}");
        assert!(err.contains("follow_symlinks()"), "{err}");
    }
    // A dangling link is refused too: the handler does not create its target.
    let dangling = dir.path().join("dangling.log");
    symlink(dir.path().join("created-through-link"), &dangling).unwrap();
    assert!(FileHandler::builder(&dangling).mode(0o600).open().is_err());
    assert!(FileHandler::new(&dangling).is_err());
    assert!(!dir.path().join("created-through-link").exists());
    // Delayed: the open at the first record fails, reported and counted.
    let mut delayed = FileHandler::builder(&link).delay().open().unwrap();
    assert!(!log(&mut delayed, "not through the link"));
    assert_eq!(delayed.stats().dropped, 1);
    assert_untouched(&target);

    // Asked for, the link is followed as Python follows it.
    let mut followed = FileHandler::builder(&link)
        .follow_symlinks()
        .open()
        .unwrap();
    assert!(log(&mut followed, "through the link"));
    assert_eq!(read(&target), "precious\nthrough the link\n");
}

#[test]
fn rotation_replaces_symlinks_planted_at_backup_names_and_never_writes_through_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let target = victim(d, "passwd");
    let base = d.join("app.log");
    let mut h = RotatingFileHandler::builder(&base)
        .max_bytes(4)
        .backup_count(3)
        .mode(0o600)
        .open()
        .unwrap();
    // Planted before any rotation: every backup name, live and dangling links.
    symlink(&target, d.join("app.log.1")).unwrap();
    symlink(&target, d.join("app.log.2")).unwrap();
    symlink(d.join("dangling-target"), d.join("app.log.3")).unwrap();
    for i in 0..5 {
        assert!(log(&mut h, &format!("record {i}")));
    }
    assert_eq!(h.rollovers(), 4);
    assert_untouched(&target);
    assert!(!d.join("dangling-target").exists());
    for (n, record) in [(1, 3), (2, 2), (3, 1)] {
        let backup = d.join(format!("app.log.{n}"));
        assert!(!is_link(&backup), "{} is still a link", backup.display());
        assert_eq!(read(&backup), format!("record {record}\n"));
    }
}

#[test]
fn gzip_rotation_never_writes_through_or_over_a_planted_link() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let target = victim(d, "passwd");
    for background in [false, true] {
        let source = d.join("app.log");
        std::fs::write(&source, "rotated\n").unwrap();
        let dest = d.join("app.log.1.gz");
        let dangling = d.join("dangling-target");
        for planted in [&target, &dangling] {
            let _ = std::fs::remove_file(&dest);
            symlink(planted, &dest).unwrap();
            let mut rotator = if background {
                GzipRotator::background()
            } else {
                GzipRotator::new()
            };
            let rotated = emlog_std::Rotator::rotate(&mut rotator, &source, &dest)
                .and_then(|()| rotator.wait());
            let err = rotated.unwrap_err().to_string();
            assert!(err.contains("already exists"), "{err}");
            assert!(is_link(&dest));
            assert!(!dangling.exists());
            assert_untouched(&target);
            // The records are kept, at the live name or (background) the pending one.
            let pending = d.join("app.log.1.gz.pending");
            if background {
                std::fs::rename(&pending, &source).unwrap();
            }
            assert_eq!(read(&source), "rotated\n");
        }
    }
    // A link at the live name is not compressed (its target is not read into a backup).
    let source = d.join("live.log");
    symlink(&target, &source).unwrap();
    let err =
        emlog_std::Rotator::rotate(&mut GzipRotator::new(), &source, &d.join("live.log.1.gz"))
            .unwrap_err()
            .to_string();
    assert!(err.contains("is a symbolic link"), "{err}");
    assert!(!d.join("live.log.1.gz").exists());
}

#[test]
fn a_symlink_planted_where_a_watched_file_was_is_not_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let target = victim(dir.path(), "passwd");
    let path = dir.path().join("app.log");
    let mut h = WatchedFileHandler::builder(&path).open().unwrap();
    assert!(log(&mut h, "one"));
    std::fs::rename(&path, dir.path().join("app.log.1")).unwrap();
    symlink(&target, &path).unwrap();
    assert!(!log(&mut h, "two"));
    assert_eq!(h.stats().dropped, 1);
    assert_untouched(&target);
    // Once the link is gone, the handler creates a real file again.
    std::fs::remove_file(&path).unwrap();
    assert!(log(&mut h, "three"));
    assert_eq!(read(&path), "three\n");
}

#[test]
fn a_symlink_planted_at_the_live_name_after_rollover_is_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let target = victim(d, "passwd");
    let base = d.join("app.log");
    // Delayed: the new live file is opened at the first record after rollover.
    let mut h = RotatingFileHandler::builder(&base)
        .max_bytes(4)
        .backup_count(1)
        .delay()
        .open()
        .unwrap();
    assert!(log(&mut h, "one"));
    h.do_rollover().unwrap();
    symlink(&target, &base).unwrap();
    assert!(!log(&mut h, "two"));
    assert_untouched(&target);
    assert_eq!(read(d.join("app.log.1")), "one\n");
}

#[test]
fn timed_rotation_never_writes_through_a_link_planted_at_a_rotated_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let target = victim(d, "passwd");
    let rotated = d.join("t.log.2001-09-09_01-46-40");
    let older = d.join("t.log.2001-09-09_01-46-30");
    // A dangling link where the rollover renames to, a live one among the
    // backups that backup_count deletes.
    symlink(d.join("dangling-target"), &rotated).unwrap();
    symlink(&target, &older).unwrap();
    let clock = ManualClock::at_secs(1_000_000_000);
    let mut h = timed(&d.join("t.log"))
        .clock(clock.clock())
        .backup_count(1)
        .open()
        .unwrap();
    assert!(log(&mut h, "before"));
    clock.advance_millis(1100);
    assert!(log(&mut h, "after"));
    assert_eq!(h.rollovers(), 1);
    assert!(!is_link(&rotated));
    assert_eq!(read(&rotated), "before\n");
    assert!(!d.join("dangling-target").exists());
    assert!(
        !older.exists() && !is_link(&older),
        "the old backup link was kept"
    );
    assert_untouched(&target);

    // Gzipped: a dangling link at the compressed name stops the rollover,
    // reported; its target is not created and the records stay in the live file.
    let gz = d.join("g.log.2001-09-09_01-46-41.gz");
    symlink(d.join("dangling-target"), &gz).unwrap();
    let mut g = timed(&d.join("g.log"))
        .clock(clock.clock())
        .namer(gzip_namer)
        .rotator(GzipRotator::new())
        .open()
        .unwrap();
    assert!(log(&mut g, "kept"));
    clock.advance_millis(1100);
    assert!(log(&mut g, "also kept"));
    assert_eq!(g.rollovers(), 0);
    assert_eq!(g.stats().errors, 1);
    assert_eq!(read(d.join("g.log")), "kept\nalso kept\n");
    assert!(is_link(&gz));
    assert!(!d.join("dangling-target").exists());
}
