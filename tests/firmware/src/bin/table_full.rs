//! Adding a handler past the table's capacity returns `Err` with that same
//! handler handed back; after a removal it fits.
#![no_std]
#![no_main]

use core_firmware::{board, finish, make_static};
use emlog::{Dispatcher, Level, NullHandler, StreamHandler};

static LOGGING: Dispatcher<2, 1> = Dispatcher::with_root_level(Level::DEBUG);

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    let first =
        make_static!(StreamHandler<board::Uart, 64>, StreamHandler::new(uart).with_name("first"));
    let second = make_static!(NullHandler, NullHandler::new());
    let third = make_static!(StreamHandler<board::Uart, 64>, StreamHandler::new(board::Uart).with_name("third"));
    let third_address = third as *const _ as *const u8 as usize;
    let (Ok(_), Ok(second_id)) = (LOGGING.add(first), LOGGING.add(second)) else {
        board::exit(false);
    };
    if emlog::install(&LOGGING).is_err() {
        board::exit(false);
    }
    let refused = match LOGGING.add(third) {
        Ok(_) => finish(&[("a third handler must not fit in a table of 2", false)]),
        Err(handed_back) => handed_back,
    };
    let same = refused as *const _ as *const u8 as usize == third_address;
    board::say("-- the table is full: the third handler came back");
    board::say(refused.name());
    let _ = LOGGING.remove(second_id);
    let added = LOGGING.add(refused).is_ok();
    emlog::info!(logger: "app", "two stream handlers now: this line twice");
    finish(&[
        ("the same handler came back", same),
        ("it fits after a removal", added),
    ])
}
