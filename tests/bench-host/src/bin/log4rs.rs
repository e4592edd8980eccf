//! log4rs: a `FileAppender`, or for W2 a `RollingFileAppender` with a
//! `SizeTrigger` and a `FixedWindowRoller` of 5; a `PatternEncoder` with
//! `{d(...)}` (local time). log4rs has no queue.

use bench_host::{LOGGER, ROTATE_BACKUPS, ROTATE_BYTES, Workload, fail, millis, unsupported};
use log4rs::append::Append;
use log4rs::append::file::FileAppender;
use log4rs::append::rolling_file::RollingFileAppender;
use log4rs::append::rolling_file::policy::compound::CompoundPolicy;
use log4rs::append::rolling_file::policy::compound::roll::fixed_window::FixedWindowRoller;
use log4rs::append::rolling_file::policy::compound::trigger::size::SizeTrigger;
use log4rs::config::{Appender, Config, Root};
use log4rs::encode::pattern::PatternEncoder;

fn encoder() -> Box<PatternEncoder> {
    Box::new(PatternEncoder::new(
        "{d(%Y-%m-%d %H:%M:%S%.3f)} {l} {t}: {m}{n}",
    ))
}

fn appender(args: &bench_host::Args) -> Result<Box<dyn Append>, Box<dyn std::error::Error>> {
    Ok(match args.workload {
        Workload::W2 => {
            let pattern = args.out.join("bench.{}.log");
            let roller = FixedWindowRoller::builder()
                .build(&pattern.to_string_lossy(), ROTATE_BACKUPS as u32)?;
            let policy =
                CompoundPolicy::new(Box::new(SizeTrigger::new(ROTATE_BYTES)), Box::new(roller));
            Box::new(
                RollingFileAppender::builder()
                    .encoder(encoder())
                    .build(args.log_path(), Box::new(policy))?,
            )
        }
        _ => Box::new(
            FileAppender::builder()
                .encoder(encoder())
                .append(false)
                .build(args.log_path())?,
        ),
    })
}

fn main() {
    let args = bench_host::args();
    const LIB: &str = "log4rs";
    if args.workload == Workload::W5 {
        unsupported(LIB, args.workload, "no queue");
    }
    let appender = appender(&args).unwrap_or_else(|e| fail(&format!("log4rs: {e}")));
    let config = Config::builder()
        .appender(Appender::builder().build("file", appender))
        .build(
            Root::builder()
                .appender("file")
                .build(log::LevelFilter::Info),
        )
        .unwrap_or_else(|e| fail(&format!("log4rs: {e}")));
    log4rs::init_config(config).unwrap_or_else(|e| fail(&format!("log4rs: {e}")));
    bench_host::run(
        LIB,
        &args,
        |i| log::info!(target: LOGGER, "request {} served in {:.3} ms", i, millis(i)),
        |i| log::debug!(target: LOGGER, "request {} served in {:.3} ms", i, millis(i)),
        || log::logger().flush(),
    );
}
