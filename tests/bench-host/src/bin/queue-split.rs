//! emlog's queue, its two sides measured apart: `queue-split binary|text N
//! DIR` logs N records of W5's line through a `QueueHandler` while no
//! listener runs (the caller's side alone), then starts the listener, which
//! writes them all to `DIR/queue.log` (the listener's side alone). `binary`:
//! the queue stays under half full, so the arguments travel in binary and the
//! listener formats; `text`: half the queue is filled first, so the caller
//! formats. Prints each side's time per record.
//!
//! Under `valgrind --tool=callgrind --separate-threads=yes` thread 1 is the
//! caller and thread 2 the listener; the difference between runs of two
//! record counts, divided by the difference, is each side's instructions per
//! record without the set-up.

use emlog::{Formatter, Level};
use emlog_std::{
    Buffering, FileHandler, Logger, Overflow, QueueHandler, QueueListener, RecordQueue,
};

use bench_host::{LOGGER, fail, millis};

static DISPATCHER: Logger = Logger::with_root_level(Level::INFO);

/// Records the queue holds: room for half of it and N more without a drop.
const CAPACITY: usize = 1 << 19;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (text, n, dir) = match args.as_slice() {
        [_, mode, n, dir] if mode == "binary" || mode == "text" => (
            mode == "text",
            n.parse::<u64>()
                .unwrap_or_else(|e| fail(&format!("record count {n:?}: {e}"))),
            std::path::PathBuf::from(dir),
        ),
        _ => fail("usage: queue-split binary|text N DIR"),
    };
    if n > CAPACITY as u64 / 2 {
        fail(&format!("at most {} records", CAPACITY / 2));
    }
    emlog_std::install_environment();
    if emlog::install(&DISPATCHER).is_err() {
        fail("emlog installed twice");
    }
    let formatter = Formatter::new("%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s")
        .and_then(|f| f.with_datefmt("%Y-%m-%d %H:%M:%S"))
        .unwrap_or_else(|e| fail(&format!("format: {e}")))
        .with_utc_offset(emlog_std::local_utc_offset);
    let file = FileHandler::builder(dir.join("queue.log"))
        .formatter(formatter)
        .buffered(Buffering::default())
        .open()
        .unwrap_or_else(|e| fail(&format!("open: {e}")));
    let queue = RecordQueue::new(CAPACITY, Overflow::DropNewest);
    let mut listener = QueueListener::new(queue.clone(), vec![Box::new(file)]);
    if let Err(e) = DISPATCHER.add(QueueHandler::new(queue.clone())) {
        fail(&format!("add handler: {e}"));
    }
    emlog::refresh_threshold();
    let log = |i: u64| emlog::info!(logger: LOGGER, "request {} served in {:.3} ms", i, millis(i));
    let first = if text { CAPACITY as u64 / 2 } else { 0 };
    (0..first).for_each(log);
    let start = std::time::Instant::now();
    (first..first + n).for_each(|i| log(std::hint::black_box(i)));
    let caller = start.elapsed();
    if queue.dropped() != 0 {
        fail("the queue dropped records");
    }
    let start = std::time::Instant::now();
    if let Err(e) = listener.start() {
        fail(&format!("listener: {e}"));
    }
    listener.stop();
    let listener_time = start.elapsed();
    let _ = DISPATCHER.shutdown();
    let per = |d: std::time::Duration, records: u64| d.as_nanos() as f64 / records as f64;
    println!(
        "{{\"caller_ns_per_record\":{:.1},\"listener_ns_per_record\":{:.1}}}",
        per(caller, n),
        per(listener_time, first + n)
    );
}
