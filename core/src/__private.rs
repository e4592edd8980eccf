//! What the macros expand to. Not a public API: it may change in any release.

use core::fmt;

use crate::{Level, Location, Record, STATIC_MIN_LEVEL};

/// Whether a call at `level` is compiled in and wanted now.
#[inline(always)]
// Always true when no ceiling feature is on; that is the point of the constant.
#[allow(clippy::absurd_extreme_comparisons)]
pub fn enabled(level: Level) -> bool {
    level.number() as u16 >= STATIC_MIN_LEVEL && level >= crate::threshold()
}

/// Makes the record and dispatches it. Kept out of line so each call site
/// stays a load, a compare and a call.
#[inline(never)]
pub fn log(level: Level, logger: &str, args: fmt::Arguments<'_>, location: &Location<'static>) {
    let record = Record::capture(level, logger, args, *location);
    crate::dispatch(&record);
}
