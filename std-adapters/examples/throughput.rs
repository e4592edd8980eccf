//! Measures the cost of a record through each file handler: the median of 7
//! runs, in nanoseconds per record, on a temp directory.
//!
//! Run: `cargo run --release -p emlog-std --example throughput`

use std::sync::Arc;
use std::time::Instant;

use emlog::{Dispatch, Handler, Level, Record};
use emlog_std::{
    Buffering, FileHandler, Logger, Overflow, QueueHandler, QueueListener, RecordQueue,
    RotatingFileHandler,
};

const RECORDS: usize = 200_000;
const RUNS: usize = 7;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn per_record(mut f: impl FnMut(usize)) -> f64 {
    let start = Instant::now();
    for i in 0..RECORDS {
        f(i);
    }
    start.elapsed().as_nanos() as f64 / RECORDS as f64
}

fn record(i: usize, h: &mut impl Handler) {
    h.handle(&Record::new(
        Level::INFO,
        "bench",
        format_args!("record number {i} with some text"),
    ));
}

fn bench(name: &str, mut make: impl FnMut(&std::path::Path) -> f64) {
    let runs: Vec<f64> = (0..RUNS)
        .map(|_| {
            let dir = tempfile::tempdir().expect("temp dir");
            make(dir.path())
        })
        .collect();
    println!(
        "{name:<44} median {:>8.0} ns/record (runs: {RUNS} x {RECORDS})",
        median(runs)
    );
}

fn main() {
    bench("FileHandler, write-through", |d| {
        let mut h = FileHandler::new(d.join("f.log")).expect("open");
        per_record(|i| record(i, &mut h))
    });
    bench("FileHandler, buffered (64 KiB)", |d| {
        let mut h = FileHandler::builder(d.join("f.log"))
            .buffered(Buffering::default())
            .open()
            .expect("open");
        let ns = per_record(|i| record(i, &mut h));
        h.close();
        ns
    });
    bench("RotatingFileHandler, 1 MiB x 5", |d| {
        let mut h = RotatingFileHandler::builder(d.join("f.log"))
            .max_bytes(1 << 20)
            .backup_count(5)
            .open()
            .expect("open");
        per_record(|i| record(i, &mut h))
    });
    bench("QueueHandler caller side (block, 64k queue)", |d| {
        let file = FileHandler::new(d.join("f.log")).expect("open");
        let queue = RecordQueue::new(65_536, Overflow::Block);
        let mut listener = QueueListener::new(Arc::clone(&queue), vec![Box::new(file)]);
        listener.start().expect("listener");
        let mut h = QueueHandler::new(queue);
        let ns = per_record(|i| record(i, &mut h));
        listener.stop();
        ns
    });
    for (name, shared) in [
        ("Logger, 4 threads, 4 files", false),
        ("Logger, 4 threads, 1 shared file", true),
    ] {
        bench(name, |d| {
            let logger: &'static Logger =
                Box::leak(Box::new(Logger::with_root_level(Level::DEBUG)));
            let files = if shared { 1 } else { 4 };
            for f in 0..files {
                let mut h = FileHandler::new(d.join(format!("f{f}.log"))).expect("open");
                if !shared {
                    h.base_mut()
                        .filters_mut()
                        .set_name(["t0", "t1", "t2", "t3"][f]);
                }
                logger.add(h).expect("add");
            }
            let start = Instant::now();
            let threads: Vec<_> = (0..4)
                .map(|t| {
                    std::thread::spawn(move || {
                        let name = ["t0", "t1", "t2", "t3"][t];
                        for i in 0..RECORDS / 4 {
                            logger.dispatch(&Record::new(
                                Level::INFO,
                                name,
                                format_args!("record number {i} with some text"),
                            ));
                        }
                    })
                })
                .collect();
            for t in threads {
                t.join().expect("thread");
            }
            start.elapsed().as_nanos() as f64 / RECORDS as f64
        });
    }
}
