//! The empty app: cortex-m-rt start-up, the board's panic handler and the
//! semihosting exit. Every other variant's figure includes this one.
#![no_std]
#![no_main]

use size_report as report;

#[cortex_m_rt::entry]
fn main() -> ! {
    report::done()
}
