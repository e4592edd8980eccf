//! The `log` crate bridge: `log::info!` reaches emlog's handlers, the target
//! becomes the logger name, levels map (Warn → WARNING, Trace → TRACE), and
//! the `log` max level follows emlog's threshold.
#![no_std]
#![no_main]

use core_firmware::{add_and_install, board, finish, make_static};
use emlog::{Dispatcher, Level, StreamHandler};

static LOGGING: Dispatcher<1, 2> = Dispatcher::with_root_level(Level::INFO);

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    let handler = make_static!(StreamHandler<board::Uart, 96>, StreamHandler::new(uart).with_formatter(emlog::formatter!("%(levelname)s:%(name)s:%(message)s")));
    add_and_install(&LOGGING, handler);
    if emlog::install_log_bridge().is_err() {
        board::exit(false);
    }
    log::info!(target: "app.net", "link up after {} ms", 12);
    log::warn!(target: "app.net", "retrying");
    log::debug!(target: "app.net", "not shown: root at INFO");
    let info_max = log::max_level() == log::LevelFilter::Info;
    let _ = LOGGING.set_logger_level("app.trace", Level::TRACE);
    log::trace!(target: "app.trace", "trace maps to TRACE");
    let trace_max = log::max_level() == log::LevelFilter::Trace;
    finish(&[
        ("log max level INFO", info_max),
        ("log max level TRACE", trace_max),
    ])
}
