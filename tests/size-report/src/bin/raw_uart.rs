//! A fixed line written byte by byte to the UART: no formatting at all.
#![no_std]
#![no_main]

use size_report::{self as report, board};

#[cortex_m_rt::entry]
fn main() -> ! {
    board::init();
    b"INFO:app:request served, count=10000\n"
        .iter()
        .for_each(|&b| board::Uart::put(b));
    report::done()
}
