//! emlog_minimal with ten distinct calls instead of one: the difference,
//! divided by nine, is what each further call costs.
#![no_std]
#![no_main]

use emlog::{Dispatcher, Formatter, Level, StreamHandler};
use size_report::{self as report, board};

const FORMAT: Formatter = match Formatter::new(Formatter::BASIC) {
    Ok(f) => f,
    Err(_) => panic!("bad format string"),
};

static LOGGING: Dispatcher<1, 0> = Dispatcher::with_root_level(Level::INFO);
// Built by the compiler: no start-up code moves or clears it.
static mut OUT: StreamHandler<board::Uart, 0, 0> =
    StreamHandler::new(board::Uart).with_formatter(emlog::formatter!(FORMAT));

#[cortex_m_rt::entry]
fn main() -> ! {
    board::init();
    // SAFETY: taken once, before any logging.
    let out = unsafe { &mut *core::ptr::addr_of_mut!(OUT) };
    if LOGGING.add(out).is_err() || emlog::install(&LOGGING).is_err() {
        board::exit(false);
    }
    let n = report::count();
    emlog::info!(logger: "app", "request served, count={}", n);
    emlog::info!(logger: "app", "call 1 of the size report: {}", n + 1);
    emlog::info!(logger: "app", "call 2 of the size report: {}", n + 2);
    emlog::info!(logger: "app", "call 3 of the size report: {}", n + 3);
    emlog::info!(logger: "app", "call 4 of the size report: {}", n + 4);
    emlog::warning!(logger: "app", "call 5 of the size report: {}", n + 5);
    emlog::warning!(logger: "app", "call 6 of the size report: {}", n + 6);
    emlog::error!(logger: "app", "call 7 of the size report: {}", n + 7);
    emlog::error!(logger: "app", "call 8 of the size report: {}", n + 8);
    emlog::debug!(logger: "app", "call 9 of the size report: {}", n + 9);
    report::done()
}
