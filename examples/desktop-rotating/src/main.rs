//! Several threads log through a QueueHandler; one listener thread writes
//! them into size-rotated files (and warnings to stderr), so no application
//! thread waits on the disk.
//!
//! Run: `cargo run -p desktop-rotating -- [DIR]` (default: ./desktop-rotating-logs).

use std::path::PathBuf;
use std::sync::Arc;

use emlog::{Formatter, Level};
use emlog_std::{
    GzipRotator, Overflow, QueueHandler, QueueListener, RecordQueue, RotatingFileHandler,
    StreamHandler, gzip_namer, logger,
};

const THREADS: usize = 4;
const RECORDS: usize = 25_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("desktop-rotating-logs"), PathBuf::from);
    std::fs::create_dir_all(&dir)?;

    // Everything the listener thread writes to.
    let file = RotatingFileHandler::builder(dir.join("app.log"))
        .max_bytes(256 * 1024)
        .backup_count(8)
        .namer(gzip_namer)
        .rotator(GzipRotator::background())
        .formatter(
            Formatter::new("%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s")?
                .with_utc_offset(emlog_std::local_utc_offset),
        )
        .open()?;
    let console = StreamHandler::stderr()
        .with_level(Level::WARNING)
        .with_formatter(Formatter::new("%(levelname)s:%(name)s:%(message)s")?);
    let queue = RecordQueue::new(16 * 1024, Overflow::Block);
    let mut listener =
        QueueListener::new(Arc::clone(&queue), vec![Box::new(file), Box::new(console)])
            .respect_handler_level(true);
    listener.start()?;

    // The application side: the std environment, the logger, the log bridge.
    emlog_std::install_environment();
    emlog_std::install_error_reporter();
    let logger = logger();
    logger.add(QueueHandler::new(Arc::clone(&queue)))?;
    logger.set_logger_level("", Level::DEBUG)?;
    emlog::install(logger)?;
    emlog::install_log_bridge().map_err(|e| e.to_string())?;

    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            std::thread::Builder::new()
                .name(format!("worker-{t}"))
                .spawn(move || {
                    for i in 0..RECORDS {
                        if i % 10_000 == 9_999 {
                            emlog::warning!(logger: "demo.worker", "worker {t} passed {i}");
                        } else if i % 2 == 0 {
                            emlog::info!(logger: "demo.worker", "worker {t} record {i}");
                        } else {
                            log::debug!(target: "demo.log_crate", "worker {t} record {i}");
                        }
                    }
                })
        })
        .collect::<Result<_, _>>()?;
    for w in workers {
        if w.join().is_err() {
            eprintln!("a worker panicked");
        }
    }
    emlog_std::shutdown();
    listener.stop();
    // Close the files (and wait for the last background compression).
    listener.with_handlers(|handlers| handlers.iter_mut().for_each(|h| h.close()));

    let mut files: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    files.sort();
    println!(
        "{} records from {THREADS} threads, {} dropped by the queue; files in {}: {}",
        THREADS * RECORDS,
        queue.dropped(),
        dir.display(),
        files.join(" ")
    );
    Ok(())
}
