//! emlog with a full format: `%(asctime)s %(levelname)-8s %(name)s: %(message)s`
//! (calendar, padding), built in a `const`; records carry time zero (no clock
//! installed), which asctime renders through the same calendar code.
#![no_std]
#![no_main]

use emlog::{Dispatcher, Formatter, Level, StreamHandler};
use size_report::{self as report, board};

const FORMAT: Formatter = match Formatter::new("%(asctime)s %(levelname)-8s %(name)s: %(message)s")
{
    Ok(f) => f,
    Err(_) => panic!("bad format string"),
};

static LOGGING: Dispatcher<1> = Dispatcher::with_root_level(Level::INFO);
// Built by the compiler: no start-up code moves or clears it.
static mut OUT: StreamHandler<board::Uart, 96> =
    StreamHandler::new(board::Uart).with_formatter(emlog::formatter!(FORMAT));

#[cortex_m_rt::entry]
fn main() -> ! {
    board::init();
    // SAFETY: taken once, before any logging.
    let out = unsafe { &mut *core::ptr::addr_of_mut!(OUT) };
    if LOGGING.add(out).is_err() || emlog::install(&LOGGING).is_err() {
        board::exit(false);
    }
    emlog::info!(logger: "app", "request served, count={}", report::count());
    #[cfg(feature = "icount")]
    {
        report::measure(
            "emitted",
            200,
            |i| emlog::info!(logger: "app", "request served, count={}", 10_000 + i),
        );
        report::measure(
            "filtered",
            20_000,
            |i| emlog::debug!(logger: "app", "request served, count={}", 10_000 + i),
        );
    }
    report::done()
}
