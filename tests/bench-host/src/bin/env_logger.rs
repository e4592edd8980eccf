//! env_logger: a `Builder` with a format closure (chrono local time; its own
//! timestamps are UTC RFC 3339) writing to a file through `Target::Pipe`.
//! env_logger has no rotation and no queue.

use std::io::Write as _;

use bench_host::{LOGGER, Workload, chrono_now, fail, millis, unsupported};

fn main() {
    let args = bench_host::args();
    const LIB: &str = "env_logger";
    match args.workload {
        Workload::W2 => unsupported(LIB, args.workload, "no rotation"),
        Workload::W5 => unsupported(LIB, args.workload, "no queue"),
        _ => {}
    }
    let file =
        std::fs::File::create(args.log_path()).unwrap_or_else(|e| fail(&format!("open: {e}")));
    env_logger::Builder::new()
        .filter_level(log::LevelFilter::Info)
        .format(|buf, record| {
            writeln!(
                buf,
                "{} {} {}: {}",
                chrono_now(),
                record.level(),
                record.target(),
                record.args()
            )
        })
        .target(env_logger::Target::Pipe(Box::new(file)))
        .try_init()
        .unwrap_or_else(|e| fail(&format!("env_logger: {e}")));
    bench_host::run(
        LIB,
        &args,
        |i| log::info!(target: LOGGER, "request {} served in {:.3} ms", i, millis(i)),
        |i| log::debug!(target: LOGGER, "request {} served in {:.3} ms", i, millis(i)),
        || log::logger().flush(),
    );
}
