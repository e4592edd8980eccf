//! spdlog-rs: the default logger with a `FileSink`, a `RotatingFileSink`
//! (`FileSize`, 1 + 5 files), or an `AsyncPoolSink` (its own thread pool,
//! blocking when full) in front of a `FileSink`.

use std::num::NonZeroUsize;
use std::sync::Arc;

use bench_host::{
    Args, LOGGER, QUEUE_CAPACITY, ROTATE_BACKUPS, ROTATE_BYTES, Workload, fail, millis,
};
use spdlog::formatter::{Pattern, PatternContext, PatternFormatter, pattern};
use spdlog::sink::{
    AsyncPoolSink, FileSink, OverflowPolicy, RotatingFileSink, RotationPolicy, Sink,
};
use spdlog::{Level, LevelFilter, Logger, Record, StringBuf, ThreadPool};

/// The level in capitals, as the other libraries print it (spdlog-rs's own
/// `{level}` is lower case).
#[derive(Clone, Default)]
struct UpperLevel;

impl Pattern for UpperLevel {
    fn format(
        &self,
        record: &Record,
        dest: &mut StringBuf,
        _: &mut PatternContext,
    ) -> spdlog::Result<()> {
        dest.push_str(match record.level() {
            Level::Critical => "CRITICAL",
            Level::Error => "ERROR",
            Level::Warn => "WARNING",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
            Level::Trace => "TRACE",
        });
        Ok(())
    }
}

fn formatter() -> PatternFormatter<impl Pattern + Clone> {
    PatternFormatter::new(pattern!(
        "{date} {time}.{millisecond} {$upper_level} {logger}: {payload}{eol}",
        {$upper_level} => UpperLevel::default,
    ))
}

fn sink(args: &Args) -> spdlog::Result<Arc<dyn Sink>> {
    let file = || {
        FileSink::builder()
            .path(args.log_path())
            .formatter(formatter())
            .build_arc()
    };
    Ok(match args.workload {
        Workload::W1 | Workload::W3 | Workload::W4 => file()?,
        Workload::W2 => RotatingFileSink::builder()
            .base_path(args.log_path())
            .rotation_policy(RotationPolicy::FileSize(ROTATE_BYTES))
            .max_files(1 + ROTATE_BACKUPS)
            .formatter(formatter())
            .build_arc()?,
        Workload::W5 => {
            let pool = ThreadPool::builder()
                .capacity(NonZeroUsize::new(QUEUE_CAPACITY).unwrap_or(NonZeroUsize::MIN))
                .build_arc()?;
            AsyncPoolSink::builder()
                .sink(file()?)
                .thread_pool(pool)
                .overflow_policy(OverflowPolicy::Block)
                .build_arc()?
        }
    })
}

fn main() {
    let args = bench_host::args();
    let logger = sink(&args)
        .and_then(|sink| {
            Logger::builder()
                .name(LOGGER)
                .sink(sink)
                .level_filter(LevelFilter::MoreSevereEqual(Level::Info))
                .build_arc()
        })
        .unwrap_or_else(|e| fail(&format!("spdlog-rs: {e}")));
    spdlog::set_default_logger(logger);
    bench_host::run(
        "spdlog-rs",
        &args,
        |i| spdlog::info!("request {} served in {:.3} ms", i, millis(i)),
        |i| spdlog::debug!("request {} served in {:.3} ms", i, millis(i)),
        || {
            // Flush, then drop the logger: its sinks close, and the async
            // sink's thread pool drains its queue and joins.
            spdlog::default_logger().flush();
            let empty = Logger::builder()
                .build_arc()
                .unwrap_or_else(|e| fail(&format!("spdlog-rs: {e}")));
            drop(spdlog::swap_default_logger(empty));
        },
    );
}
