//! Shared pieces of the core firmware tests: the board, a `'static` slot for
//! handlers, their start (one handler added, the dispatcher installed), and a
//! fixed clock so output is the same on every machine.
#![no_std]

pub use emlog_board as board;

use emlog::{Dispatcher, DynHandler, Environment, HandlerId, ThreadInfo, Timestamp};

/// 2026-11-23 12:34:56.789 UTC, for every record: golden files stay exact.
pub static FIXED_TIME: Environment = Environment {
    clock: || Timestamp::new(1_795_437_296, 789_000_000),
    thread: || ThreadInfo {
        id: 7,
        name: "main",
    },
    process_id: 42,
    process_name: "firmware",
};

/// A `&'static mut` to a value, for the global dispatcher. Each expansion has
/// its own storage: call it once per place in the code (in `main`).
#[macro_export]
macro_rules! make_static {
    ($ty:ty, $value:expr) => {{
        static mut SLOT: Option<$ty> = None;
        // SAFETY: each expansion has its own SLOT and runs once, before any record.
        unsafe { (*core::ptr::addr_of_mut!(SLOT)).insert($value) }
    }};
}

/// Adds `handler` to `logging` and installs `logging`, as most tests start:
/// the handler's id, or the end of the run, failed, if either is refused.
pub fn add_and_install<const N: usize, const L: usize>(
    logging: &'static Dispatcher<N, L>,
    handler: &'static mut DynHandler<'static>,
) -> HandlerId {
    let Ok(id) = logging.add(handler) else {
        board::exit(false)
    };
    if emlog::install(logging).is_err() {
        board::exit(false);
    }
    id
}

/// Ends the run: passes if `ok`, saying which check failed otherwise.
pub fn finish(checks: &[(&str, bool)]) -> ! {
    let mut ok = true;
    for &(name, passed) in checks {
        if !passed {
            board::say(name);
            ok = false;
        }
    }
    board::say(if ok { "END ok" } else { "END failed" });
    board::exit(ok)
}
