//! emlog alone on issue 6's host workloads, through the macros and the global
//! [`Logger`], write-through and buffered: the median of 3 runs.
//!
//! Every record is `<asctime, local time, ms> INFO bench: request {i} served
//! in {f:.3} ms` (f = i × 0.001) into a file in a temp directory; a run ends
//! when the file is flushed and closed, and its line count is checked.
//!
//! - W1: 1,000,000 records, one thread, a `FileHandler`.
//! - W2: the same into a `RotatingFileHandler`, 1 MiB × 5 backups.
//! - W3: 10,000,000 DEBUG calls while the level is INFO (ns per call).
//! - W4: 2 threads × 500,000 records into one `FileHandler`.
//! - W5: W1 through `QueueHandler` → `QueueListener` → `FileHandler`, the
//!   queue large enough for every record (`Overflow::Block`): the time until
//!   the caller's last call returns, and until the file is complete.
//!
//! Run: `cargo run --release -p emlog-std --example throughput [records [name]]`:
//! optionally fewer records (W3 makes ten times as many calls), and only the
//! workloads whose name contains `name` (e.g. `"W1 file, buffered"`, for a profiler).
//! (the cross-library comparison is tests/bench-host).

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use emlog::{Formatter, Level};
use emlog_std::{
    Buffering, FileHandler, Logger, Overflow, QueueHandler, QueueListener, RecordQueue,
    RotatingFileHandler,
};

const RUNS: usize = 3;
const FORMAT: &str = "%(asctime)s %(levelname)s %(name)s: %(message)s";

static LOGGER: Logger = Logger::with_root_level(Level::INFO);

static RECORDS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

/// Records per run (1,000,000 unless given).
fn records() -> usize {
    *RECORDS.get_or_init(|| {
        std::env::args()
            .nth(1)
            .map_or(1_000_000, |a| a.parse().expect("records: a whole number"))
    })
}

fn formatter() -> Formatter {
    Formatter::new(FORMAT)
        .expect("format")
        .with_utc_offset(emlog_std::local_utc_offset)
}

#[inline(always)]
fn log_record(i: usize) {
    emlog::info!(logger: "bench", "request {} served in {:.3} ms", i, i as f64 * 0.001);
}

/// Out of line, so a profiler can count just this (`--toggle-collect=throughput::log_records`).
#[inline(never)]
fn log_records(range: std::ops::Range<usize>) {
    for i in range {
        log_record(i);
    }
}

/// The workloads to run: those whose name contains this (all by default).
fn only() -> String {
    std::env::args().nth(2).unwrap_or_default()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn ns_per(start: Instant, n: usize) -> f64 {
    start.elapsed().as_nanos() as f64 / n as f64
}

fn buffering(buffered: bool) -> Option<Buffering> {
    buffered.then(Buffering::default)
}

fn file_handler(path: &Path, buffered: bool) -> FileHandler {
    let builder = FileHandler::builder(path).formatter(formatter());
    match buffering(buffered) {
        Some(b) => builder.buffered(b),
        None => builder,
    }
    .open()
    .expect("open the log file")
}

fn check_lines(path: &Path, expected: usize) {
    let text = std::fs::read_to_string(path).expect("read the log file");
    let lines = text.lines().count();
    assert_eq!(lines, expected, "{}: line count", path.display());
    let last = text.lines().last().unwrap_or("");
    assert!(
        last.contains(" INFO bench: request ") && last.ends_with(" ms"),
        "malformed line {last:?}"
    );
}

/// Runs the workload `RUNS` times in fresh temp directories; each run returns
/// one or more figures, the medians are printed.
fn bench<const N: usize>(name: &str, labels: [&str; N], mut run: impl FnMut(&Path) -> [f64; N]) {
    if !name.contains(&only()) {
        return;
    }
    let mut figures: [Vec<f64>; N] = std::array::from_fn(|_| Vec::new());
    for _ in 0..RUNS {
        let dir = tempfile::tempdir().expect("temp dir");
        for (all, one) in figures.iter_mut().zip(run(dir.path())) {
            all.push(one);
        }
    }
    let shown: Vec<String> = labels
        .iter()
        .zip(figures)
        .map(|(label, all)| format!("{label}{:>8.1}", median(all)))
        .collect();
    println!("{name:<34} {}", shown.join("   "));
}

fn w1(dir: &Path, buffered: bool) -> [f64; 1] {
    let path = dir.join("w1.log");
    LOGGER.add(file_handler(&path, buffered)).expect("add");
    let start = Instant::now();
    log_records(0..records());
    LOGGER.shutdown().expect("shutdown");
    let ns = ns_per(start, records());
    check_lines(&path, records());
    [ns]
}

fn w2(dir: &Path, buffered: bool) -> [f64; 1] {
    let path = dir.join("w2.log");
    let builder = RotatingFileHandler::builder(&path)
        .formatter(formatter())
        .max_bytes(1 << 20)
        .backup_count(5);
    let handler = match buffering(buffered) {
        Some(b) => builder.buffered(b),
        None => builder,
    }
    .open()
    .expect("open the log file");
    LOGGER.add(handler).expect("add");
    let start = Instant::now();
    log_records(0..records());
    LOGGER.shutdown().expect("shutdown");
    let ns = ns_per(start, records());
    let backups = (1..=5)
        .filter(|n| dir.join(format!("w2.log.{n}")).exists())
        .count();
    if records() >= 1_000_000 {
        assert_eq!(backups, 5, "W2 keeps five backups");
    }
    [ns]
}

fn w3(dir: &Path) -> [f64; 1] {
    LOGGER
        .add(file_handler(&dir.join("w3.log"), false))
        .expect("add");
    let start = Instant::now();
    for i in 0..10 * records() {
        emlog::debug!(logger: "bench", "request {} served in {:.3} ms", i, i as f64 * 0.001);
    }
    let ns = ns_per(start, 10 * records());
    LOGGER.shutdown().expect("shutdown");
    assert_eq!(std::fs::metadata(dir.join("w3.log")).expect("w3").len(), 0);
    [ns]
}

fn w4(dir: &Path, buffered: bool) -> [f64; 1] {
    let path = dir.join("w4.log");
    LOGGER.add(file_handler(&path, buffered)).expect("add");
    let start = Instant::now();
    let half = records() / 2;
    let threads: Vec<_> = (0..2)
        .map(|t| std::thread::spawn(move || log_records(t * half..(t + 1) * half)))
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    LOGGER.shutdown().expect("shutdown");
    let ns = ns_per(start, records());
    check_lines(&path, records());
    [ns]
}

fn w5(dir: &Path, buffered: bool) -> [f64; 2] {
    let path = dir.join("w5.log");
    let queue = RecordQueue::new(records(), Overflow::Block);
    let mut listener = QueueListener::new(
        Arc::clone(&queue),
        vec![Box::new(file_handler(&path, buffered))],
    );
    listener.start().expect("listener");
    LOGGER.add(QueueHandler::new(queue)).expect("add");
    let start = Instant::now();
    log_records(0..records());
    let caller = ns_per(start, records());
    LOGGER.shutdown().expect("shutdown");
    listener.stop();
    listener.with_handlers(|handlers| handlers.iter_mut().for_each(|h| h.close()));
    let complete = ns_per(start, records());
    check_lines(&path, records());
    [caller, complete]
}

fn main() {
    emlog_std::install_environment();
    emlog::install(&LOGGER).expect("install the logger");
    println!(
        "emlog, median of {RUNS} runs, ns per record ({} records; W3 ns per call, {} calls)",
        records(),
        10 * records()
    );
    for (mode, buffered) in [("write-through", false), ("buffered", true)] {
        bench(&format!("W1 file, {mode}"), [""], |d| w1(d, buffered));
        bench(&format!("W2 rotate 1 MiB x 5, {mode}"), [""], |d| {
            w2(d, buffered)
        });
        bench(&format!("W4 2 threads, {mode}"), [""], |d| w4(d, buffered));
        bench(&format!("W5 queue, {mode}"), ["caller", "complete"], |d| {
            w5(d, buffered)
        });
    }
    bench("W3 filtered DEBUG", [""], w3);
}
