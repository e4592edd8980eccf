//! 4 threads × 100,000 records through one RotatingFileHandler behind the std
//! Logger with a small max_bytes: every record is found exactly once, no line torn.

use std::collections::HashSet;

use emlog::{Dispatch, Formatter, Level, Record};
use emlog_std::{Logger, RotatingFileHandler};

const THREADS: usize = 4;
const PER_THREAD: usize = 100_000;

#[test]
fn every_record_is_in_exactly_one_file_and_no_line_is_torn() {
    static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("stress.log");
    // ~24-byte lines, 64 KiB files: about 150 files; keep them all.
    let backups = 400;
    let handler = RotatingFileHandler::builder(&base)
        .max_bytes(64 * 1024)
        .backup_count(backups)
        .formatter(Formatter::new("%(message)s").unwrap())
        .open()
        .unwrap();
    let key = LOGGER.add(handler).unwrap();
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..PER_THREAD {
                    LOGGER.dispatch(&Record::new(
                        Level::INFO,
                        "stress",
                        format_args!("t{t} r{i:06} end"),
                    ));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    LOGGER.flush_all();
    let stats = LOGGER.handler_stats(key).unwrap();
    assert_eq!(stats.emitted as usize, THREADS * PER_THREAD);
    assert_eq!(stats.errors, 0);

    let mut seen = HashSet::with_capacity(THREADS * PER_THREAD);
    let mut files = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        files += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.len() as u64 <= 64 * 1024,
            "{} is over max_bytes",
            path.display()
        );
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "{} ends mid-line",
            path.display()
        );
        for line in text.lines() {
            let ok = line.starts_with('t')
                && line.ends_with(" end")
                && line.len() == "t0 r000000 end".len();
            assert!(ok, "torn line {line:?} in {}", path.display());
            assert!(seen.insert(line.to_owned()), "{line} found twice");
        }
    }
    assert!(files > 2 && files <= backups as usize + 1, "{files} files");
    assert_eq!(seen.len(), THREADS * PER_THREAD);
}
