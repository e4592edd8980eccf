//! The `log` crate bridge (feature `log`): `log::info!` from any crate reaches
//! emlog's handlers, with the `log` target as the logger name.

use crate::{Level, Location, Record};

/// The `log::Log` implementation that forwards to the installed dispatcher.
pub struct LogBridge;

static BRIDGE: LogBridge = LogBridge;

impl log::Log for LogBridge {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        crate::__private::enabled(Level::from_log(metadata.level()))
    }

    fn log(&self, record: &log::Record<'_>) {
        let level = Level::from_log(record.level());
        if !crate::__private::enabled(level) {
            return;
        }
        let location = Location {
            file: record.file().unwrap_or(""),
            line: record.line().unwrap_or(0),
            module_path: record.module_path().unwrap_or(""),
        };
        let record = Record::capture(level, record.target(), *record.args(), location);
        crate::dispatch(&record);
    }

    fn flush(&self) {
        crate::flush();
    }
}

/// Makes emlog the `log` crate's logger. Fails if another logger was set.
/// The `log` max level follows emlog's [`threshold`](crate::threshold).
///
/// ```
/// emlog::install_log_bridge().unwrap();
/// log::info!(target: "app.net", "reaches emlog's handlers");
/// ```
pub fn install_log_bridge() -> Result<(), log::SetLoggerError> {
    #[cfg(target_has_atomic = "ptr")]
    log::set_logger(&BRIDGE)?;
    #[cfg(not(target_has_atomic = "ptr"))]
    critical_section::with(|_| {
        // SAFETY: `set_logger_racy` must not race another call to it; the
        // critical section excludes every other context on this single core.
        unsafe { log::set_logger_racy(&BRIDGE) }
    })?;
    set_log_max_level(crate::threshold());
    crate::dispatch::refresh_threshold();
    Ok(())
}

/// Sets the `log` crate's max level to let `level` and above through.
pub(crate) fn set_log_max_level(level: Level) {
    #[cfg(target_has_atomic = "ptr")]
    log::set_max_level(level.to_log_filter());
    #[cfg(not(target_has_atomic = "ptr"))]
    critical_section::with(|_| {
        // SAFETY: the critical section excludes every other context on this single core.
        unsafe { log::set_max_level_racy(level.to_log_filter()) }
    });
}
