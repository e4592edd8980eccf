//! DefmtHandler: emlog records out through defmt's global logger.
//!
//! For applications whose output is already defmt (defmt-rtt, a probe, or
//! emlog's own [`defmt_logger`](crate::defmt_logger)): records from emlog's
//! macros and from the `log` bridge reach the same stream as `defmt::info!`.
//! The message is sent as text (`Display2Format`), so it costs what a
//! `core::fmt` call costs; the logger name goes as a defmt string.
//!
//! Levels map to defmt's five by range: below DEBUG → `trace`, DEBUG → `debug`,
//! INFO → `info`, WARNING → `warn`, ERROR and above (CRITICAL too; defmt has
//! no higher level) → `error`. defmt's own compile-time filter (`DEFMT_LOG`)
//! still applies on top of the handler's level.
//!
//! For emlog's own macros, feature `defmt-mode` is the cheaper way to defmt:
//! the calls become defmt frames with interned format strings and no Record
//! (see the crate documentation); this handler then still takes the Records
//! of the `log` bridge.

use crate::{Handler, HandlerBase, Level, Record};

/// Sends each record to defmt's global logger as `"{logger}: {message}"`.
///
/// ```no_run
/// use emlog::{DefmtHandler, Handler, Level, Record};
/// let mut handler = DefmtHandler::new();
/// handler.handle(&Record::new(Level::WARNING, "net", format_args!("retry {}", 3)));
/// ```
#[derive(Debug)]
pub struct DefmtHandler {
    base: HandlerBase,
}

impl DefmtHandler {
    /// A handler at NOTSET.
    pub const fn new() -> Self {
        DefmtHandler {
            base: HandlerBase::new(Level::NOTSET),
        }
    }

    /// Sets the level.
    pub fn with_level(mut self, level: Level) -> Self {
        self.base.set_level(level);
        self
    }

    /// The shared handler state: filters, name, counters.
    pub fn base_mut(&mut self) -> &mut HandlerBase {
        &mut self.base
    }
}

impl Default for DefmtHandler {
    fn default() -> Self {
        Self::new()
    }
}

impl Handler for DefmtHandler {
    crate::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        let message = defmt::Display2Format(&record.args);
        let logger = record.logger;
        let level = record.level;
        if level < Level::DEBUG {
            defmt::trace!("{=str}: {}", logger, message);
        } else if level < Level::INFO {
            defmt::debug!("{=str}: {}", logger, message);
        } else if level < Level::WARNING {
            defmt::info!("{=str}: {}", logger, message);
        } else if level < Level::ERROR {
            defmt::warn!("{=str}: {}", logger, message);
        } else {
            defmt::error!("{=str}: {}", logger, message);
        }
        self.base.count_emitted(false);
        true
    }

    fn flush(&mut self) {
        defmt::flush();
    }

    fn close(&mut self) {
        self.base.close();
    }
}
