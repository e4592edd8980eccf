//! Filters: Python's logger-name prefix rule, plus user filters.
//!
//! Names are hierarchical. Python separates levels with `.`; Rust module paths
//! (the default logger name of emlog's macros and the `log` crate's target)
//! use `::`. Both count as separators, so `app` is the parent of `app.net` and
//! of `app::net`.

use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};

use crate::Record;

/// Set by the first name prefix or user filter given to any [`Filters`],
/// and never cleared. Until then every record passes every handler's
/// filters; and a program that never configures a filter never stores here,
/// so the compiler knows it stays `false` and links no filtering code.
static CONFIGURED: AtomicBool = AtomicBool::new(false);

/// A test a record must pass to be emitted.
///
/// Implemented for plain functions, so `fn(&Record) -> bool` is a filter:
///
/// ```
/// use emlog::{Filter, Level, Record};
/// fn no_heartbeats(record: &Record) -> bool { record.logger != "heartbeat" }
/// let r = Record::new(Level::INFO, "heartbeat", format_args!("tick"));
/// assert!(!no_heartbeats.allow(&r));
/// ```
pub trait Filter {
    /// Whether the record may be emitted.
    fn allow(&self, record: &Record<'_>) -> bool;
}

impl<F: Fn(&Record<'_>) -> bool> Filter for F {
    fn allow(&self, record: &Record<'_>) -> bool {
        self(record)
    }
}

impl fmt::Debug for dyn Filter + Sync + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Filter")
    }
}

/// Whether `name` is `ancestor` or below it in the hierarchy: Python's
/// `logging.Filter(name)` rule, with `.` and `::` both separating levels. The
/// empty name is the root and contains every name.
///
/// ```
/// use emlog::filter::is_within;
/// assert!(is_within("a.b", "a.b"));
/// assert!(is_within("a.b.c", "a.b"));
/// assert!(is_within("app::net", "app"));
/// assert!(!is_within("a.bb", "a.b"));
/// assert!(is_within("anything", ""));
/// assert!(is_within("", ""));
/// assert!(!is_within("app:x", "app"));
/// assert!(!is_within("ap", "app"));
/// assert!(!is_within("", "app"));
/// ```
pub fn is_within(name: &str, ancestor: &str) -> bool {
    // Bytes compared one by one: `strip_prefix` and `==` call memcmp, which
    // links over 100 bytes on a microcontroller for names a few bytes long.
    let (name, ancestor) = (name.as_bytes(), ancestor.as_bytes());
    if ancestor.is_empty() {
        // The root, which every handler's name filter is unless set.
        return true;
    }
    if name.len() < ancestor.len() || name.iter().zip(ancestor).any(|(a, b)| a != b) {
        return false;
    }
    // Then the whole name, or a separator.
    matches!(
        name.get(ancestor.len()..).unwrap_or(&[]),
        [] | [b'.', ..] | [b':', b':', ..]
    )
}

/// How many user filters one handler can hold unless it says otherwise.
pub const MAX_FILTERS: usize = 4;

/// A handler's filters: an optional logger-name prefix and up to `F`
/// ([`MAX_FILTERS`] by default) user filters. A record passes when every one
/// allows it. A handler that takes no user filters can have room for none
/// (`Filters<0>`): each slot is two words (8 bytes on a 32-bit target).
///
/// ```
/// use emlog::{Filters, Level, Record};
/// static LOUD_ONLY: fn(&Record) -> bool = |r| r.level >= Level::WARNING;
/// let mut filters = Filters::new();
/// filters.set_name("app");
/// filters.add(&LOUD_ONLY).unwrap();
/// assert!(filters.allow(&Record::new(Level::ERROR, "app.db", format_args!("x"))));
/// assert!(!filters.allow(&Record::new(Level::INFO, "app.db", format_args!("x"))));
/// assert!(!filters.allow(&Record::new(Level::ERROR, "other", format_args!("x"))));
/// ```
pub struct Filters<const F: usize = MAX_FILTERS> {
    name: &'static str,
    user: heapless::Vec<&'static (dyn Filter + Sync), F>,
}

impl Filters {
    /// No filters: everything passes.
    pub const fn new() -> Filters {
        Filters::empty()
    }
}

impl<const F: usize> Filters<F> {
    /// No filters, and room for `F` user filters.
    pub const fn empty() -> Filters<F> {
        Filters {
            name: "",
            user: heapless::Vec::new(),
        }
    }

    /// Passes only records of logger `name` and its descendants; `""` passes all.
    pub fn set_name(&mut self, name: &'static str) {
        if !name.is_empty() {
            CONFIGURED.store(true, Ordering::Relaxed);
        }
        self.name = name;
    }

    /// The name prefix (empty when there is none).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Adds a user filter. When `F` are already there the filter is handed
    /// back in `Err`.
    pub fn add(
        &mut self,
        filter: &'static (dyn Filter + Sync),
    ) -> Result<(), &'static (dyn Filter + Sync)> {
        CONFIGURED.store(true, Ordering::Relaxed);
        self.user.push(filter)
    }

    /// Removes every user filter.
    pub fn clear(&mut self) {
        self.user.clear();
    }

    /// Whether every filter allows the record.
    pub fn allow(&self, record: &Record<'_>) -> bool {
        // No `Filters` was ever given a filter: these have none either. (A
        // reader reaches these through whatever orders the `&mut` access
        // that gave them a filter before its reads, which orders the flag too.)
        if !CONFIGURED.load(Ordering::Relaxed) {
            return true;
        }
        is_within(record.logger, self.name) && self.user.iter().all(|f| f.allow(record))
    }
}

impl<const F: usize> Default for Filters<F> {
    fn default() -> Self {
        Filters::empty()
    }
}

impl<const F: usize> fmt::Debug for Filters<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Filters")
            .field("name", &self.name)
            .field("user", &self.user.len())
            .finish()
    }
}
