//! emlog_minimal with a line buffer: the core Dispatcher (one handler, no
//! per-logger levels), one UART StreamHandler (no room for user filters)
//! with a 64-byte line buffer (each record rendered into it,
//! cut with a marker if too long, then written with one `write`) and
//! Python's BASIC_FORMAT (`%(levelname)s:%(name)s:%(message)s`, built in a
//! `const`), one `info!` with one u32.
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
static mut OUT: StreamHandler<board::Uart, 64, 0> =
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
