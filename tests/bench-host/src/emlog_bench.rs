//! emlog set up as a user would: emlog-std's `Logger` installed as emlog's
//! dispatcher (and bridging the `log` crate), a `FileHandler` /
//! `RotatingFileHandler`, or a `QueueHandler` with a `QueueListener` owning the
//! file; records made with `emlog::info!`.

use emlog::{Formatter, Level};
use emlog_std::{
    Buffering, FileHandler, Logger, Overflow, QueueHandler, QueueListener, RecordQueue,
    RotatingFileHandler,
};

use crate::{Args, LOGGER, QUEUE_CAPACITY, ROTATE_BACKUPS, ROTATE_BYTES, Workload, fail, millis};

/// emlog's two file modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The default: one `write` per record.
    WriteThrough,
    /// `.buffered(Buffering::default())`: 64 KiB, written out at ERROR, when
    /// full, every 5 s and on flush/close.
    Buffered,
}

static DISPATCHER: Logger = Logger::with_root_level(Level::INFO);

/// `2026-12-02 14:00:00.123 INFO bench: ...`, local time.
fn formatter() -> Formatter {
    match Formatter::new("%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s")
        .and_then(|f| f.with_datefmt("%Y-%m-%d %H:%M:%S"))
    {
        Ok(f) => f.with_utc_offset(emlog_std::local_utc_offset),
        Err(e) => fail(&format!("format: {e}")),
    }
}

fn buffering(mode: Mode) -> Option<Buffering> {
    (mode == Mode::Buffered).then(Buffering::default)
}

fn file(args: &Args, mode: Mode) -> FileHandler {
    let mut builder = FileHandler::builder(args.log_path()).formatter(formatter());
    if let Some(b) = buffering(mode) {
        builder = builder.buffered(b);
    }
    builder
        .open()
        .unwrap_or_else(|e| fail(&format!("open: {e}")))
}

/// Runs the workload in `args` with emlog in `mode` and prints the result;
/// for W3 also the `log` crate's filtered call, through the same bridge.
pub fn main(mode: Mode) {
    let args = crate::args();
    let lib = match mode {
        Mode::WriteThrough => "emlog-write-through",
        Mode::Buffered => "emlog-buffered",
    };
    emlog_std::install_environment();
    emlog_std::install_error_reporter();
    if emlog::install(&DISPATCHER).is_err() || emlog::install_log_bridge().is_err() {
        fail("emlog installed twice");
    }
    let mut listener = None;
    let added = match args.workload {
        Workload::W1 | Workload::W3 | Workload::W4 => DISPATCHER.add(file(&args, mode)),
        Workload::W2 => {
            let mut builder = RotatingFileHandler::builder(args.log_path())
                .max_bytes(ROTATE_BYTES)
                .backup_count(ROTATE_BACKUPS as u32)
                .formatter(formatter());
            if let Some(b) = buffering(mode) {
                builder = builder.buffered(b);
            }
            let handler = builder
                .open()
                .unwrap_or_else(|e| fail(&format!("open: {e}")));
            DISPATCHER.add(handler)
        }
        Workload::W5 => {
            let queue = RecordQueue::new(QUEUE_CAPACITY, Overflow::Block);
            let mut l = QueueListener::new(queue.clone(), vec![Box::new(file(&args, mode))]);
            l.start()
                .unwrap_or_else(|e| fail(&format!("listener: {e}")));
            listener = Some(l);
            DISPATCHER.add(QueueHandler::new(queue))
        }
    };
    if let Err(e) = added {
        fail(&format!("add handler: {e}"));
    }
    emlog::refresh_threshold();
    let finish = || {
        let _ = DISPATCHER.shutdown();
        if let Some(mut l) = listener {
            l.stop();
            l.with_handlers(|handlers| handlers.iter_mut().for_each(|h| h.close()));
        }
    };
    let debug = |i| emlog::debug!(logger: LOGGER, "request {} served in {:.3} ms", i, millis(i));
    if args.workload == Workload::W3 && mode == Mode::WriteThrough {
        return filtered_beside_log_crate(lib, &args, debug, finish);
    }
    crate::run(
        lib,
        &args,
        |i| emlog::info!(logger: LOGGER, "request {} served in {:.3} ms", i, millis(i)),
        debug,
        finish,
    );
}

/// W3 for emlog and, in the same process, the `log` crate's filtered call
/// (`log::debug!` while its max level is Info, as emlog's bridge sets it):
/// their timed passes taken in turn (`filtered_passes`), so that the two
/// differ only in the check itself.
fn filtered_beside_log_crate(lib: &str, args: &Args, debug: impl Fn(u64), finish: impl FnOnce()) {
    if log::max_level() != log::LevelFilter::Info {
        fail(&format!(
            "log's max level is {}, expected Info from emlog's bridge",
            log::max_level()
        ));
    }
    let log_debug = |i| log::debug!(target: LOGGER, "request {} served in {:.3} ms", i, millis(i));
    let n = args.records;
    let [emlog, log_crate] = crate::filtered_passes(n, [&debug, &log_debug]);
    finish();
    crate::print_result(lib, Workload::W3, n, emlog, None);
    crate::print_result("log-crate", Workload::W3, n, log_crate, None);
}
