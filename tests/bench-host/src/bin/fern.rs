//! fern: a `Dispatch` with a format closure (chrono local time) chained to
//! `fern::log_file`. fern has no size rotation and no queue.

use bench_host::{LOGGER, Workload, chrono_now, fail, millis, unsupported};

fn main() {
    let args = bench_host::args();
    const LIB: &str = "fern";
    match args.workload {
        Workload::W2 => unsupported(LIB, args.workload, "no size rotation"),
        Workload::W5 => unsupported(LIB, args.workload, "no queue"),
        _ => {}
    }
    let file = fern::log_file(args.log_path()).unwrap_or_else(|e| fail(&format!("open: {e}")));
    fern::Dispatch::new()
        .format(|out, message, record| {
            out.finish(format_args!(
                "{} {} {}: {}",
                chrono_now(),
                record.level(),
                record.target(),
                message
            ))
        })
        .level(log::LevelFilter::Info)
        .chain(file)
        .apply()
        .unwrap_or_else(|e| fail(&format!("fern: {e}")));
    bench_host::run(
        LIB,
        &args,
        |i| log::info!(target: LOGGER, "request {} served in {:.3} ms", i, millis(i)),
        |i| log::debug!(target: LOGGER, "request {} served in {:.3} ms", i, millis(i)),
        || log::logger().flush(),
    );
}
