//! The handler table: a fixed number of handlers, each with its own level.
//!
//! Capacity is a const generic chosen by the application. Adding past it hands
//! the handler back in `Err`, so nothing is dropped silently and nothing panics.

use core::fmt;

use crate::{Handler, Level, Record};

/// Identifies a handler in a table, for removing it or changing its level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HandlerId(u16);

/// The handler type a table holds: anything that handles records and may be
/// used from whichever context logs (an interrupt, another thread).
pub type DynHandler<'h> = dyn Handler + Send + 'h;

struct Entry<'h> {
    id: HandlerId,
    handler: &'h mut DynHandler<'h>,
}

/// Up to `N` handlers, called in the order they were added.
///
/// ```
/// use emlog::{HandlerTable, Level, NullHandler, Record};
/// let mut a = NullHandler::new();
/// let mut b = NullHandler::new();
/// let mut table: HandlerTable<'_, 1> = HandlerTable::new();
/// let id = table.add(&mut a).unwrap();
/// assert!(table.add(&mut b).is_err()); // full: `b` comes back
/// table.set_level(id, Level::ERROR).unwrap();
/// assert_eq!(table.lowest_level(), Some(Level::ERROR));
/// ```
pub struct HandlerTable<'h, const N: usize> {
    entries: heapless::Vec<Entry<'h>, N>,
    next_id: u16,
}

impl<'h, const N: usize> HandlerTable<'h, N> {
    /// An empty table.
    pub const fn new() -> Self {
        HandlerTable {
            entries: heapless::Vec::new(),
            next_id: 0,
        }
    }

    /// Adds a handler at the end. When the table already holds `N`, the handler
    /// is handed back in `Err`.
    pub fn add(
        &mut self,
        handler: &'h mut DynHandler<'h>,
    ) -> Result<HandlerId, &'h mut DynHandler<'h>> {
        let id = HandlerId(self.next_id);
        match self.entries.push(Entry { id, handler }) {
            Ok(()) => {
                self.next_id = self.next_id.wrapping_add(1);
                Ok(id)
            }
            Err(entry) => Err(entry.handler),
        }
    }

    /// Removes a handler and hands it back; the others keep their order.
    pub fn remove(&mut self, id: HandlerId) -> Option<&'h mut DynHandler<'h>> {
        let index = self.entries.iter().position(|e| e.id == id)?;
        Some(self.entries.remove(index).handler)
    }

    /// Changes a handler's level.
    pub fn set_level(&mut self, id: HandlerId, level: Level) -> Result<(), UnknownHandler> {
        self.get_mut(id).map(|h| h.set_level(level))
    }

    /// Runs `f` on one handler.
    pub fn get_mut(&mut self, id: HandlerId) -> Result<&mut DynHandler<'h>, UnknownHandler> {
        self.entries
            .iter_mut()
            .find(|e| e.id == id)
            .map(|e| &mut *e.handler)
            .ok_or(UnknownHandler(id))
    }

    /// How many handlers there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The lowest level any handler wants, `None` when the table is empty.
    pub fn lowest_level(&self) -> Option<Level> {
        if self.entries.is_empty() {
            return None;
        }
        // A fold from the highest level, not `min()`: that would peel off the
        // first handler's call into a copy of the loop body.
        Some(
            self.entries
                .iter()
                .fold(Level::new(u8::MAX), |low, e| low.min(e.handler.level())),
        )
    }

    /// Gives the record to every handler whose level it reaches; returns how
    /// many emitted it.
    pub fn handle(&mut self, record: &Record<'_>) -> usize {
        let mut emitted = 0;
        // Tested at the bottom (the compiler keeps a top-tested loop as it
        // is when optimising for size): smaller, and a jump less a handler.
        let mut entries = self.entries.iter_mut();
        let Some(mut entry) = entries.next() else {
            return 0;
        };
        loop {
            if entry.handler.offer(record) {
                emitted += 1;
            }
            match entries.next() {
                Some(next) => entry = next,
                None => return emitted,
            }
        }
    }

    /// Flushes every handler.
    pub fn flush(&mut self) {
        for entry in self.entries.iter_mut() {
            entry.handler.flush();
        }
    }

    /// Closes every handler, last added first (as Python's `shutdown`).
    pub fn close(&mut self) {
        for entry in self.entries.iter_mut().rev() {
            entry.handler.close();
        }
    }

    /// Each handler's id with a shared reference to it, in order.
    pub fn iter(&self) -> impl Iterator<Item = (HandlerId, &DynHandler<'h>)> {
        self.entries.iter().map(|e| (e.id, &*e.handler))
    }
}

impl<const N: usize> Default for HandlerTable<'_, N> {
    fn default() -> Self {
        Self::new()
    }
}

/// No handler with this id is in the table (it was removed, or belongs to another table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownHandler(pub HandlerId);

impl fmt::Display for UnknownHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no handler with id {} in this table", (self.0).0)
    }
}

impl core::error::Error for UnknownHandler {}
