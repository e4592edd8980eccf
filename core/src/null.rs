//! NullHandler: takes records and writes them nowhere.
//!
//! As in Python, a library can add one so that an application without
//! handlers of its own gets no "no handler" counts from the library's records.

use crate::{Handler, HandlerBase, Level, Record};

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
    crate::delegate_to_base!(base);

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
}
