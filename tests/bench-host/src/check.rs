//! The output checker: reads every file a run left in its directory and says
//! whether the run wrote what the workload asks for.
//!
//! Every line must be `YYYY-MM-DD HH:MM:SS.mmm INFO bench: request {i} served
//! in {f} ms` with f = i / 1000 to three decimals, its timestamp (local time)
//! within the run's window when one is given, and each index once:
//! - W1, W4, W5: indices 0..N, all in one file;
//! - W2: the newest indices ending at N-1, contiguous, in at most 1 + 5 files
//!   (the older ones rotated away), every file but the live one within one
//!   line of 1 MiB;
//! - W3: nothing at all (every call was filtered out).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::TimeZone as _;

use crate::{ROTATE_BACKUPS, ROTATE_BYTES, Workload};

/// What a run should have written.
#[derive(Clone, Debug)]
pub struct Expected {
    /// The workload run.
    pub workload: Workload,
    /// Records (W3: calls) made.
    pub records: u64,
    /// When given, every timestamp must fall within these Unix milliseconds
    /// (the run's start and end, one second of slack either side).
    pub window_ms: Option<(i64, i64)>,
}

/// What a passing check saw.
#[derive(Debug)]
pub struct Summary {
    /// Record lines read.
    pub lines: u64,
    /// Files with at least one line.
    pub files: usize,
    /// The lowest and highest index seen.
    pub range: Option<(u64, u64)>,
}

/// The longest line the benchmark writes, with room to spare: the slack
/// allowed on a rotated file's size.
const LINE_SLACK: u64 = 128;
/// Problems listed before the rest are only counted.
const SHOWN: usize = 8;

struct Problems {
    shown: Vec<String>,
    count: u64,
}

impl Problems {
    fn add(&mut self, p: String) {
        self.count += 1;
        if self.shown.len() < SHOWN {
            self.shown.push(p);
        }
    }

    fn into_result(self) -> Result<(), Vec<String>> {
        if self.count == 0 {
            return Ok(());
        }
        let mut shown = self.shown;
        if self.count > shown.len() as u64 {
            shown.push(format!("... {} problems in all", self.count));
        }
        Err(shown)
    }
}

/// Checks the files in `dir` against `expected`.
pub fn check_dir(dir: &Path, expected: &Expected) -> Result<Summary, Vec<String>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| vec![format!("cannot read {}: {e}", dir.display())])?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let n = expected.records;
    let mut seen = vec![false; n as usize];
    let mut problems = Problems {
        shown: Vec::new(),
        count: 0,
    };
    let mut lines = 0u64;
    // (file, size, highest index in it) for files with lines.
    let mut with_lines: Vec<(PathBuf, u64, u64)> = Vec::new();
    let mut clock = LocalClock::default();
    for path in &files {
        let bytes = std::fs::read(path)
            .map_err(|e| vec![format!("cannot read {}: {e}", path.display())])?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        if !bytes.is_empty() && bytes.last() != Some(&b'\n') {
            problems.add(format!("{name}: the last line has no newline"));
        }
        let mut highest = None;
        for (number, line) in bytes
            .split(|&b| b == b'\n')
            .enumerate()
            .filter(|(_, l)| !l.is_empty())
        {
            lines += 1;
            let at = || format!("{name}:{}", number + 1);
            match parse_line(line) {
                Err(why) => problems.add(format!(
                    "{}: {why}: {:?}",
                    at(),
                    String::from_utf8_lossy(&line[..line.len().min(100)])
                )),
                Ok((stamp, i)) => {
                    if i >= n {
                        problems.add(format!("{}: index {i} is not below {n}", at()));
                        continue;
                    }
                    if std::mem::replace(&mut seen[i as usize], true) {
                        problems.add(format!("{}: index {i} written twice", at()));
                    }
                    highest = highest.max(Some(i));
                    if let Some((from, to)) = expected.window_ms {
                        match clock.unix_ms(stamp) {
                            Some(ms) if ms >= from - 1000 && ms <= to + 1000 => {}
                            Some(ms) => problems.add(format!(
                                "{}: timestamp {} is {} s outside the run (local time expected)",
                                at(),
                                String::from_utf8_lossy(stamp),
                                if ms < from {
                                    (from - ms) / 1000
                                } else {
                                    (ms - to) / 1000
                                }
                            )),
                            None => problems.add(format!(
                                "{}: timestamp {} is not a local time",
                                at(),
                                String::from_utf8_lossy(stamp)
                            )),
                        }
                    }
                }
            }
        }
        if let Some(h) = highest {
            with_lines.push((path.clone(), bytes.len() as u64, h));
        }
    }
    let missing = |from: u64, problems: &mut Problems| {
        let absent: Vec<u64> = (from..n).filter(|&i| !seen[i as usize]).collect();
        if let Some(first) = absent.first() {
            problems.add(format!(
                "{} of indices {from}..{n} missing (first: {first})",
                absent.len()
            ));
        }
    };
    match expected.workload {
        Workload::W3 => {
            if lines > 0 {
                problems.add(format!(
                    "{lines} lines written: every DEBUG call should have been filtered out"
                ));
            }
        }
        Workload::W1 | Workload::W4 | Workload::W5 => {
            missing(0, &mut problems);
            if with_lines.len() > 1 {
                problems.add(format!(
                    "lines spread over {} files, expected one",
                    with_lines.len()
                ));
            }
        }
        Workload::W2 if lines == 0 => problems.add("no record lines written".to_string()),
        Workload::W2 => {
            let lowest = seen.iter().position(|&s| s).unwrap_or(n as usize) as u64;
            missing(lowest, &mut problems);
            if with_lines.len() > 1 + ROTATE_BACKUPS {
                problems.add(format!(
                    "{} files kept, expected at most 1 + {ROTATE_BACKUPS}",
                    with_lines.len()
                ));
            }
            if lowest > 0 && with_lines.len() < 1 + ROTATE_BACKUPS {
                problems.add(format!(
                    "records 0..{lowest} rotated away but only {} files kept, expected 1 + {ROTATE_BACKUPS}",
                    with_lines.len()
                ));
            }
            if n >= 100_000 && with_lines.len() < 2 {
                problems.add("no rotation happened".to_string());
            }
            for (path, size, highest) in &with_lines {
                let live = *highest == n - 1;
                if !live && size.abs_diff(ROTATE_BYTES) > LINE_SLACK {
                    problems.add(format!(
                        "{}: {size} bytes, expected within {LINE_SLACK} of {ROTATE_BYTES}",
                        path.display()
                    ));
                }
            }
        }
    }
    problems.into_result()?;
    let range = seen
        .iter()
        .position(|&s| s)
        .zip(seen.iter().rposition(|&s| s))
        .map(|(a, b)| (a as u64, b as u64));
    Ok(Summary {
        lines,
        files: with_lines.len(),
        range,
    })
}

/// Splits a record line into its timestamp and index, or says what is wrong.
fn parse_line(line: &[u8]) -> Result<(&[u8], u64), &'static str> {
    if line.len() < 23 || !is_timestamp(&line[..23]) {
        return Err("no `YYYY-MM-DD HH:MM:SS.mmm` timestamp at the start");
    }
    let (stamp, rest) = line.split_at(23);
    let rest = rest
        .strip_prefix(b" INFO bench: request ")
        .ok_or("expected ` INFO bench: request ` after the timestamp")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 19 || (digits > 1 && rest[0] == b'0') {
        return Err("no index after `request `");
    }
    let i: u64 = rest[..digits]
        .iter()
        .fold(0, |v, &d| v * 10 + u64::from(d - b'0'));
    let rest = rest[digits..]
        .strip_prefix(b" served in ")
        .ok_or("expected ` served in ` after the index")?;
    let mut f = String::with_capacity(24);
    let _ = write!(f, "{}.{:03} ms", i / 1000, i % 1000);
    if rest != f.as_bytes() {
        return Err("the figure is not index × 0.001 with three decimals, then ` ms`");
    }
    Ok((stamp, i))
}

fn is_timestamp(s: &[u8]) -> bool {
    s.iter().enumerate().all(|(k, &b)| match k {
        4 | 7 => b == b'-',
        10 => b == b' ',
        13 | 16 => b == b':',
        19 => b == b'.',
        _ => b.is_ascii_digit(),
    })
}

/// Local time stamps to Unix milliseconds, caching the last second.
#[derive(Default)]
struct LocalClock {
    second: Vec<u8>,
    second_ms: Option<i64>,
}

impl LocalClock {
    fn unix_ms(&mut self, stamp: &[u8]) -> Option<i64> {
        let (second, millis) = stamp.split_at(19);
        if self.second != second {
            self.second = second.to_vec();
            self.second_ms = std::str::from_utf8(second)
                .ok()
                .and_then(|s| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok())
                .and_then(|t| chrono::Local.from_local_datetime(&t).earliest())
                .map(|t| t.timestamp_millis());
        }
        let millis: i64 = std::str::from_utf8(&millis[1..]).ok()?.parse().ok()?;
        Some(self.second_ms? + millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, indices: impl Iterator<Item = u64>) {
        let mut text = String::new();
        for i in indices {
            let _ = writeln!(
                text,
                "2026-12-02 10:00:00.123 INFO bench: request {i} served in {:.3} ms",
                i as f64 * 0.001
            );
        }
        std::fs::write(dir.join(name), text).unwrap();
    }

    fn expect(workload: Workload, records: u64) -> Expected {
        Expected {
            workload,
            records,
            window_ms: None,
        }
    }

    fn temp(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("bench-check-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_complete_file_passes_and_a_gap_or_duplicate_fails() {
        let dir = temp("w1");
        write(&dir, "bench.log", 0..1000);
        let s = check_dir(&dir, &expect(Workload::W1, 1000)).unwrap();
        assert_eq!((s.lines, s.files, s.range), (1000, 1, Some((0, 999))));

        write(
            &dir,
            "bench.log",
            (0..1000).filter(|&i| i != 500).chain([7]),
        );
        let e = check_dir(&dir, &expect(Workload::W1, 1000)).unwrap_err();
        assert!(
            e.iter().any(|p| p.contains("index 7 written twice")),
            "{e:?}"
        );
        assert!(e.iter().any(|p| p.contains("first: 500")), "{e:?}");
    }

    #[test]
    fn malformed_lines_are_named() {
        assert!(
            parse_line(b"2026-12-02 10:00:00 INFO bench: request 1 served in 0.001 ms").is_err()
        );
        assert!(
            parse_line(b"2026-12-02 10:00:00.000 DEBUG bench: request 1 served in 0.001 ms")
                .is_err()
        );
        assert!(
            parse_line(b"2026-12-02 10:00:00.000 INFO bench: request 1 served in 0.002 ms")
                .is_err()
        );
        assert!(
            parse_line(b"2026-12-02 10:00:00.000 INFO bench: request 01 served in 0.001 ms")
                .is_err()
        );
        assert_eq!(
            parse_line(b"2026-12-02 10:00:00.000 INFO bench: request 1234 served in 1.234 ms")
                .unwrap()
                .1,
            1234
        );
    }

    #[test]
    fn w3_must_write_nothing() {
        let dir = temp("w3");
        std::fs::write(dir.join("bench.log"), "").unwrap();
        assert!(check_dir(&dir, &expect(Workload::W3, 10)).is_ok());
        write(&dir, "bench.log", 0..1);
        assert!(check_dir(&dir, &expect(Workload::W3, 10)).is_err());
    }

    #[test]
    fn w2_wants_the_newest_records_contiguous() {
        let dir = temp("w2");
        // Records 0..900 rotated away, yet the backups that held them are gone.
        write(&dir, "bench.log", 900..1000);
        let e = check_dir(&dir, &expect(Workload::W2, 1000)).unwrap_err();
        assert!(e.iter().any(|p| p.contains("only 1 files kept")), "{e:?}");
        write(&dir, "bench.log", (900..1000).filter(|&i| i != 950));
        let e = check_dir(&dir, &expect(Workload::W2, 1000)).unwrap_err();
        assert!(e.iter().any(|p| p.contains("first: 950")), "{e:?}");
    }

    #[test]
    fn timestamps_outside_the_run_fail() {
        let dir = temp("window");
        write(&dir, "bench.log", 0..10);
        let mut e = expect(Workload::W1, 10);
        e.window_ms = Some((0, 1000));
        let problems = check_dir(&dir, &e).unwrap_err();
        assert!(problems[0].contains("outside the run"), "{problems:?}");
    }
}
