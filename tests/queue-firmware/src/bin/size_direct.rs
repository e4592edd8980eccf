//! Flash-size demo: 10 emlog calls written straight to the UART (core
//! Dispatcher + StreamHandler). Compare with size_queue and size_defmt.
#![no_std]
#![no_main]

use emlog::{Dispatcher, Level, StreamHandler};
use emlog_board as board;

static LOGGING: Dispatcher<1> = Dispatcher::with_root_level(Level::DEBUG);
static mut OUT: Option<StreamHandler<board::Uart, 128>> = None;

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    // SAFETY: set up once.
    let out = unsafe { (*core::ptr::addr_of_mut!(OUT)).insert(StreamHandler::new(uart)) };
    if LOGGING.add(out).is_err() || emlog::install(&LOGGING).is_err() {
        board::exit(false);
    }
    let n: u32 = core::hint::black_box(7);
    emlog_board::ten_calls!(n);
    board::exit(true)
}
