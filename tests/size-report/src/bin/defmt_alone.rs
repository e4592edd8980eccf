//! defmt over the UART with a minimal global logger (rzCOBS frames); emlog is
//! not linked. defmt filters at compile time only, so it has no run-time
//! filtered-out call to measure.
#![no_std]
#![no_main]

use size_report::{self as report, board};

#[cortex_m_rt::entry]
fn main() -> ! {
    board::init();
    defmt::info!("request served, count={}", report::count());
    #[cfg(feature = "icount")]
    report::measure("emitted", 200, |i| {
        defmt::info!("request served, count={}", 10_000 + i)
    });
    report::done()
}
