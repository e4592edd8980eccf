//! flexi_logger: `log_to_file` in its default `WriteMode::Direct` (a write per
//! record); W2 with `rotate(Criterion::Size, Naming::Numbers,
//! Cleanup::KeepLogFiles(5))`; W5 with `WriteMode::Async`. The format function
//! uses flexi_logger's `DeferredNow` (chrono, local time).

use bench_host::{LOGGER, ROTATE_BACKUPS, ROTATE_BYTES, Workload, fail, millis};
use flexi_logger::{Cleanup, Criterion, DeferredNow, FileSpec, Logger, Naming, WriteMode};

fn line(
    w: &mut dyn std::io::Write,
    now: &mut DeferredNow,
    record: &log::Record<'_>,
) -> std::io::Result<()> {
    write!(
        w,
        "{} {} {}: {}",
        now.format(bench_host::CHRONO_FORMAT),
        record.level(),
        record.target(),
        record.args()
    )
}

fn main() {
    let args = bench_host::args();
    let spec = FileSpec::default()
        .directory(&args.out)
        .basename("bench")
        .suppress_timestamp()
        .suffix("log");
    let mut logger = Logger::try_with_str("info")
        .unwrap_or_else(|e| fail(&format!("flexi_logger: {e}")))
        .log_to_file(spec)
        .format(line);
    match args.workload {
        Workload::W2 => {
            logger = logger.rotate(
                Criterion::Size(ROTATE_BYTES),
                Naming::Numbers,
                Cleanup::KeepLogFiles(ROTATE_BACKUPS),
            )
        }
        Workload::W5 => logger = logger.write_mode(WriteMode::Async),
        _ => {}
    }
    let handle = logger
        .start()
        .unwrap_or_else(|e| fail(&format!("flexi_logger: {e}")));
    bench_host::run(
        "flexi_logger",
        &args,
        |i| log::info!(target: LOGGER, "request {} served in {:.3} ms", i, millis(i)),
        |i| log::debug!(target: LOGGER, "request {} served in {:.3} ms", i, millis(i)),
        || {
            handle.flush();
            handle.shutdown();
        },
    );
}
