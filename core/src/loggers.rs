//! Logger levels by dotted name, with Python's effective-level rule.
//!
//! Python gives every logger an optional level; a logger without one takes the
//! level of its nearest ancestor that has one, up to the root. emlog keeps only
//! the names that were given a level, in a fixed-capacity list, and finds the
//! nearest configured ancestor of a record's logger when the record is made.

use core::sync::atomic::{AtomicBool, Ordering};

use crate::filter::is_within;
use crate::{CapacityError, Level};

/// Set by the first level given to a named logger, in any [`Loggers`], and
/// never cleared. Until then every logger's level is the root's, so the
/// look-ups skip the list; and a program that never names a logger's level
/// (whose `set_level` is never called, or only on the root) never stores
/// here, so the compiler knows it stays `false` and links no look-up code.
static NAMED_LEVELS: AtomicBool = AtomicBool::new(false);

/// Whether any [`Loggers`] in the program was ever given a named logger's level.
#[inline(always)]
pub(crate) fn named_levels_anywhere() -> bool {
    NAMED_LEVELS.load(Ordering::Relaxed)
}

/// The root logger's level until the application sets one: Python's WARNING.
pub const DEFAULT_ROOT_LEVEL: Level = Level::WARNING;

/// Levels of up to `L` named loggers, plus the root's.
///
/// ```
/// use emlog::{Level, Loggers};
/// let mut loggers: Loggers<4> = Loggers::new(Level::WARNING);
/// loggers.set_level("app.net", Level::DEBUG).unwrap();
/// assert_eq!(loggers.effective_level("app.net.tcp"), Level::DEBUG);
/// assert_eq!(loggers.effective_level("app.db"), Level::WARNING);
/// loggers.set_level("app", Level::INFO).unwrap();
/// assert_eq!(loggers.effective_level("app::db"), Level::INFO);
/// ```
#[derive(Debug)]
pub struct Loggers<const L: usize> {
    root: Level,
    levels: heapless::Vec<(&'static str, Level), L>,
}

impl<const L: usize> Loggers<L> {
    /// No named levels; the root at `root`.
    pub const fn new(root: Level) -> Loggers<L> {
        Loggers {
            root,
            levels: heapless::Vec::new(),
        }
    }

    /// The root logger's level.
    pub fn root_level(&self) -> Level {
        self.root
    }

    /// Sets a logger's level; `""` (or `"root"`) is the root. Setting NOTSET on
    /// a named logger removes its level, so it inherits again. When `L` names
    /// already have levels, a new name is refused with [`CapacityError`].
    pub fn set_level(&mut self, name: &'static str, level: Level) -> Result<(), CapacityError> {
        if name.is_empty() || name == "root" {
            self.root = level;
            return Ok(());
        }
        match self.levels.iter().position(|&(n, _)| n == name) {
            Some(i) if level == Level::NOTSET => {
                self.levels.remove(i);
                Ok(())
            }
            Some(i) => {
                self.levels[i].1 = level;
                Ok(())
            }
            None if level == Level::NOTSET => Ok(()),
            None => {
                self.levels
                    .push((name, level))
                    .map_err(|_| CapacityError { capacity: L })?;
                // Readers reach this list through whatever orders this
                // `&mut` access before their reads, which orders the flag
                // too. Set only once a level is in: with no room (`L = 0`),
                // the look-ups stay out of the program.
                NAMED_LEVELS.store(true, Ordering::Relaxed);
                Ok(())
            }
        }
    }

    /// The level of the nearest configured ancestor of `name` (itself
    /// included), or the root's.
    pub fn effective_level(&self, name: &str) -> Level {
        if !named_levels_anywhere() {
            return self.root;
        }
        let mut best: Option<(usize, Level)> = None;
        for &(configured, level) in &self.levels {
            if is_within(name, configured) && best.is_none_or(|(len, _)| configured.len() > len) {
                best = Some((configured.len(), level));
            }
        }
        best.map_or(self.root, |(_, level)| level)
    }

    /// Whether any logger besides the root has its own level (if not, every
    /// logger's effective level is the root's).
    pub fn has_named_levels(&self) -> bool {
        !self.levels.is_empty()
    }

    /// The lowest level any logger can have: no record below it is wanted.
    pub fn lowest(&self) -> Level {
        if !named_levels_anywhere() {
            return self.root;
        }
        self.levels
            .iter()
            .map(|&(_, level)| level)
            .fold(self.root, Level::min)
    }
}
