//! `core::fmt`'s `writeln!` with one u32 to the UART: what formatting alone costs.
#![no_std]
#![no_main]

use core::fmt::Write;

use size_report::{self as report, TextUart, board};

#[cortex_m_rt::entry]
fn main() -> ! {
    board::init();
    let _ = writeln!(
        TextUart,
        "INFO:app:request served, count={}",
        report::count()
    );
    #[cfg(feature = "icount")]
    report::measure("emitted", 200, |i| {
        let _ = writeln!(TextUart, "INFO:app:request served, count={}", 10_000 + i);
    });
    report::done()
}
