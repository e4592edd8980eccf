//! emlog in defmt mode: the core Dispatcher with emlog's DefmtHandler, so
//! records go out as defmt frames through the same minimal global logger as
//! defmt_alone; one `info!` with one u32.
#![no_std]
#![no_main]

use emlog::{DefmtHandler, Dispatcher, Level};
use size_report::{self as report, board};

static LOGGING: Dispatcher<1> = Dispatcher::with_root_level(Level::INFO);
static mut OUT: DefmtHandler = DefmtHandler::new();

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
