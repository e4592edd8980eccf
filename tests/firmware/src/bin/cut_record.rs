//! A record longer than the line buffer is cut at a UTF-8 boundary, ends with
//! the `[...]` marker, is counted, and the next record is whole again.
#![no_std]
#![no_main]

use core_firmware::{add_and_install, board, finish, make_static};
use emlog::{Dispatcher, Level, StreamHandler};

static LOGGING: Dispatcher<1, 1> = Dispatcher::with_root_level(Level::DEBUG);

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    // 32 bytes: 26 of text, 5 for the marker, 1 for the newline.
    let handler = make_static!(StreamHandler<board::Uart, 32>, StreamHandler::new(uart).with_formatter(emlog::formatter!("%(levelname)s %(message)s")));
    let id = add_and_install(&LOGGING, handler);
    emlog::info!("short and whole");
    emlog::info!("{} bytes, far too long for a 32-byte line", 44);
    emlog::info!("ééééééééééééééé (multi-byte)"); // cut between characters, never inside one
    emlog::info!("whole again");
    let stats = LOGGING.handler_stats(id).unwrap_or_default();
    board::say_number("emitted ", stats.emitted as u32);
    board::say_number("truncated ", stats.truncated as u32);
    finish(&[(
        "two records cut, four emitted",
        stats.truncated == 2 && stats.emitted == 4,
    )])
}
