//! The compile-time ceiling (feature `max_level_info`): DEBUG and TRACE calls
//! are removed from the binary, so even a DEBUG logger level shows none.
#![no_std]
#![no_main]

use core_firmware::{add_and_install, board, finish, make_static};
use emlog::{Dispatcher, Level, StreamHandler};

static LOGGING: Dispatcher<1, 1> = Dispatcher::with_root_level(Level::TRACE);

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    let handler = make_static!(StreamHandler<board::Uart, 64>, StreamHandler::new(uart).with_formatter(emlog::formatter!("%(levelname)s:%(message)s")));
    let id = add_and_install(&LOGGING, handler);
    emlog::trace!("removed at compile time");
    emlog::debug!("removed at compile time");
    emlog::info!("kept");
    emlog::error!("kept");
    let emitted = LOGGING.handler_stats(id).map(|s| s.emitted).unwrap_or(0);
    finish(&[
        ("ceiling constant", emlog::STATIC_MIN_LEVEL == 20),
        ("two records emitted", emitted == 2),
    ])
}
