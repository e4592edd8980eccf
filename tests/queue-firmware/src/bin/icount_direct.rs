//! Guest instructions per `emlog::info!` written straight to the UART through
//! the core Dispatcher and a StreamHandler (36-character line, one u32).
//! Run under `qemu -icount shift=0`; prints the figure.
#![no_std]
#![no_main]

use emlog::{Dispatcher, Level, StreamHandler};
use emlog_board as board;

static LOGGING: Dispatcher<1> = Dispatcher::with_root_level(Level::DEBUG);
static mut OUT: Option<StreamHandler<board::Uart, 64>> = None;
const CALLS: u32 = 50;

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    // SAFETY: set up once.
    let out = unsafe { (*core::ptr::addr_of_mut!(OUT)).insert(StreamHandler::new(uart)) };
    if LOGGING.add(out).is_err() || emlog::install(&LOGGING).is_err() {
        board::exit(false);
    }
    #[cfg(target_arch = "arm")]
    board::start_tick(0x00FF_FFFF, || {});
    let per_100k = board::counts_per_104k_instructions();
    let start = board::now();
    for i in 0..CALLS {
        emlog::info!("measuring a direct record, n={:5}", 10_000 + i);
    }
    let counts = board::elapsed(start, board::now());
    let insns = (u64::from(counts) * 104_000 / u64::from(per_100k.max(1))) as u32 / CALLS;
    board::say_number("counts per 104k instructions: ", per_100k);
    board::say_number("direct UART record, guest instructions per call: ", insns);
    board::exit(true)
}
