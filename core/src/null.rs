//! NullHandler: takes records and writes them nowhere.
//!
//! As in Python, a library can add one so that an application without
//! handlers of its own gets no "no handler" counts from the library's records.

use crate::{Handler, HandlerBase, HandlerStats, Level, Record};

/// A handler that discards every record it is given (counting it as emitted).
///
/// ```
/// use emlog::{Handler, Level, NullHandler, Record};
/// let mut null = NullHandler::new();
/// assert!(null.handle(&Record::new(Level::INFO, "x", format_args!("gone"))));
/// assert_eq!(null.stats().emitted, 1);
/// ```
#[derive(Debug)]
pub struct NullHandler {
    base: HandlerBase,
}

impl NullHandler {
    /// A NullHandler at NOTSET.
    pub const fn new() -> NullHandler {
        NullHandler {
            base: HandlerBase::new(Level::NOTSET),
        }
    }
}

impl Default for NullHandler {
    fn default() -> Self {
        Self::new()
    }
}

impl Handler for NullHandler {
    fn level(&self) -> Level {
        self.base.level()
    }
    fn set_level(&mut self, level: Level) {
        self.base.set_level(level);
    }
    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        self.base.count_emitted(false);
        true
    }
    fn close(&mut self) {
        self.base.close();
    }
    fn stats(&self) -> HandlerStats {
        self.base.stats()
    }
    fn name(&self) -> &str {
        self.base.name()
    }
}
