//! emlog at its smallest useful set-up, as the README shows it: the core
//! Dispatcher with room for one handler and no per-logger levels (a
//! firmware that sets none: `Dispatcher<1, 0>`; the root level still
//! applies), one StreamHandler on the blocking UART with Python's
//! BASIC_FORMAT (`%(levelname)s:%(name)s:%(message)s`, compiled by
//! `emlog::formatter!`), no line buffer (`LINE = 0`: each piece goes straight
//! to the UART, inside the Dispatcher's critical section, so lines still
//! come out whole; the UART cannot fail) and no room for user filters
//! (`FILTERS = 0`), one `info!` with one u32. `emlog_buffered` is the same
//! with a 64-byte line buffer.
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
