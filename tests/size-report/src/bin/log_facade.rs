//! The `log` facade with a logger that writes `LEVEL:target:message` lines to
//! the UART inside a critical section (emlog is not linked).
#![no_std]
#![no_main]

use core::fmt::Write;

use size_report::{self as report, TextUart, board};

struct UartLogger;

impl log::Log for UartLogger {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        critical_section::with(|_| {
            let _ = writeln!(
                TextUart,
                "{}:{}:{}",
                record.level(),
                record.target(),
                record.args()
            );
        });
    }
    fn flush(&self) {}
}

static LOGGER: UartLogger = UartLogger;

#[cortex_m_rt::entry]
fn main() -> ! {
    board::init();
    if log::set_logger(&LOGGER).is_err() {
        board::exit(false);
    }
    log::set_max_level(log::LevelFilter::Info);
    log::info!(target: "app", "request served, count={}", report::count());
    #[cfg(feature = "icount")]
    {
        report::measure(
            "emitted",
            200,
            |i| log::info!(target: "app", "request served, count={}", 10_000 + i),
        );
        report::measure(
            "filtered",
            20_000,
            |i| log::debug!(target: "app", "request served, count={}", 10_000 + i),
        );
    }
    report::done()
}
