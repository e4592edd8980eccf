//! The timer interrupt logs through the dispatcher while main logs: the
//! critical section keeps each line whole; every record arrives once.
//! Checked by check_isr.py (the interleaving depends on timing).
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU32, Ordering};

use core_firmware::{add_and_install, board, finish, make_static};
use emlog::{Dispatcher, Level, StreamHandler};

static LOGGING: Dispatcher<1, 1> = Dispatcher::with_root_level(Level::DEBUG);

const FROM_ISR: u32 = 50;
const FROM_MAIN: u32 = 300;
static ISR_SENT: AtomicU32 = AtomicU32::new(0);

fn on_tick() {
    // Only this interrupt writes the counter: load and store suffice (no CAS on the Cortex-M0).
    let n = ISR_SENT.load(Ordering::Relaxed);
    if n < FROM_ISR {
        emlog::info!(logger: "isr", "{:04} abcdefghijklmnopqrstuvwxyz0123456789", n);
        ISR_SENT.store(n + 1, Ordering::Relaxed);
    }
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    let handler = make_static!(StreamHandler<board::Uart, 96>, StreamHandler::new(uart).with_formatter(emlog::formatter!("%(name)s %(message)s")));
    add_and_install(&LOGGING, handler);
    board::say("-- concurrent start");
    board::start_tick(2_000, on_tick);
    for i in 0..FROM_MAIN {
        emlog::info!(logger: "main", "{:04} ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", i);
    }
    while ISR_SENT.load(Ordering::Relaxed) < FROM_ISR {
        core::hint::spin_loop();
    }
    board::stop_tick();
    board::say("-- concurrent end");
    board::say_number("main sent ", FROM_MAIN);
    board::say_number("isr sent ", ISR_SENT.load(Ordering::Relaxed));
    let dropped = emlog::stats().dispatch.reentrant;
    board::say_number("dropped ", dropped as u32);
    finish(&[("nothing dropped", dropped == 0)])
}
