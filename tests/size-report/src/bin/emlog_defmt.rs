//! emlog in defmt mode (feature `defmt-mode`): emlog's `info!` checks emlog's
//! run-time level (the compile-time ceiling, then the threshold of an
//! installed `LevelOnly` at INFO: no handler, no per-logger levels), then emits
//! a defmt frame (`"{=str}: {}"`: the logger name and the message as an
//! interned defmt format) through the same minimal global logger as
//! defmt_alone; one `info!` with one u32.
#![no_std]
#![no_main]

use emlog::{Level, LevelOnly};
use size_report::{self as report, board};

// A run-time level only: in defmt mode no handler takes the macros' calls.
static LOGGING: LevelOnly = LevelOnly::new(Level::INFO);

#[cortex_m_rt::entry]
fn main() -> ! {
    board::init();
    if emlog::install(&LOGGING).is_err() {
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
        // Filtered at run time: `DEFMT_LOG=info` would remove a `debug!`
        // call at compile time, so the level is raised over `info!` instead.
        LOGGING.set_level(Level::WARNING);
        report::measure(
            "filtered",
            20_000,
            |i| emlog::info!(logger: "app", "request served, count={}", 10_000 + i),
        );
    }
    report::done()
}
