//! Steady-state logging allocates nothing: issue 6's W1 (FileHandler), W2
//! (RotatingFileHandler, across rollovers) and W5 (QueueHandler → QueueListener
//! → FileHandler), write-through and buffered, through the macros and a global
//! `Logger`, with the workload's format (`asctime` in local time).
//!
//! A counting global allocator (this test binary's own) counts every
//! allocation on every thread, the listener's included, while records are
//! logged after a warm-up. One test, so no other test allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use emlog::{Formatter, Level};
use emlog_std::{
    Buffering, FileHandler, Logger, Overflow, QueueHandler, QueueListener, RecordQueue,
    RotatingFileHandler,
};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

static LOGGER: Logger = Logger::with_root_level(Level::INFO);

const WARM_UP: usize = 10_000;
const MEASURED: usize = 20_000;
/// Indexes start here so every line has the same length (7 digits).
const FIRST: usize = 1_000_000;

fn formatter() -> Formatter {
    Formatter::new("%(asctime)s %(levelname)s %(name)s: %(message)s")
        .unwrap()
        .with_utc_offset(emlog_std::local_utc_offset)
}

fn log(range: std::ops::Range<usize>) {
    for i in range {
        emlog::info!(logger: "bench", "request {} served in {:.3} ms", i, i as f64 * 0.001);
    }
}

/// Allocations made while the measured records are logged, after the warm-up.
fn allocations_in_steady_state() -> u64 {
    log(FIRST..FIRST + WARM_UP);
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    log(FIRST + WARM_UP..FIRST + WARM_UP + MEASURED);
    ALLOCATIONS.load(Ordering::SeqCst) - before
}

fn buffering(buffered: bool) -> Option<Buffering> {
    buffered.then(|| Buffering {
        // Several write-outs within the measured records.
        capacity: 16 * 1024,
        ..Buffering::default()
    })
}

fn file_handler(path: &Path, buffered: bool) -> FileHandler {
    let builder = FileHandler::builder(path).formatter(formatter());
    match buffering(buffered) {
        Some(b) => builder.buffered(b),
        None => builder,
    }
    .open()
    .unwrap()
}

fn line_count(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count()
}

fn first_index(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let line = text.lines().next().unwrap();
    let after = line.split("request ").nth(1).unwrap();
    after.split(' ').next().unwrap().parse().unwrap()
}

fn file(dir: &Path, buffered: bool) -> u64 {
    let path = dir.join(format!("w1-{buffered}.log"));
    LOGGER.add(file_handler(&path, buffered)).unwrap();
    let allocations = allocations_in_steady_state();
    LOGGER.shutdown().unwrap();
    assert_eq!(line_count(&path), WARM_UP + MEASURED);
    allocations
}

fn rotating(dir: &Path, buffered: bool) -> u64 {
    let path = dir.join(format!("w2-{buffered}.log"));
    let builder = RotatingFileHandler::builder(&path)
        .formatter(formatter())
        .max_bytes(64 * 1024)
        .backup_count(3);
    let handler = match buffering(buffered) {
        Some(b) => builder.buffered(b),
        None => builder,
    }
    .open()
    .unwrap();
    LOGGER.add(handler).unwrap();
    let allocations = allocations_in_steady_state();
    LOGGER.shutdown().unwrap();
    // The measured records (about 1.5 MB) rolled the 64 KiB file over many
    // times: even the oldest backup holds only measured records.
    let oldest = dir.join(format!("w2-{buffered}.log.3"));
    assert!(
        first_index(&oldest) >= FIRST + WARM_UP,
        "rolled over during the measured records"
    );
    allocations
}

fn queue(dir: &Path, buffered: bool) -> u64 {
    let path = dir.join(format!("w5-{buffered}.log"));
    let queue = RecordQueue::new(8, Overflow::Block);
    let mut listener = QueueListener::new(
        Arc::clone(&queue),
        vec![Box::new(file_handler(&path, buffered))],
    );
    listener.start().unwrap();
    LOGGER.add(QueueHandler::new(Arc::clone(&queue))).unwrap();
    let allocations = allocations_in_steady_state();
    LOGGER.shutdown().unwrap();
    listener.stop();
    listener.with_handlers(|handlers| handlers.iter_mut().for_each(|h| h.close()));
    assert_eq!(line_count(&path), WARM_UP + MEASURED);
    assert_eq!(queue.dropped(), 0);
    allocations
}

#[test]
fn steady_state_records_allocate_nothing() {
    emlog_std::install_environment();
    emlog::install(&LOGGER).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for buffered in [false, true] {
        let mode = if buffered {
            "buffered"
        } else {
            "write-through"
        };
        for (workload, allocations) in [
            ("W1 FileHandler", file(dir.path(), buffered)),
            (
                "W2 RotatingFileHandler across rollovers",
                rotating(dir.path(), buffered),
            ),
            (
                "W5 QueueHandler + QueueListener",
                queue(dir.path(), buffered),
            ),
        ] {
            if allocations != 0 {
                failures.push(format!(
                    "{workload}, {mode}: {allocations} allocations for {MEASURED} records"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "steady-state records allocated:\n{}",
        failures.join("\n")
    );
}
