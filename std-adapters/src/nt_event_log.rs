//! NTEventLogHandler: records into the Windows event log.
//!
//! Python's mapping and identifiers: DEBUG and INFO become information
//! events, WARNING a warning, ERROR, CRITICAL and any other level an error;
//! every event has ID 1 and category 0, and its one insertion string is the
//! formatted record.
//!
//! Difference from Python: the event source is not added to the registry
//! (Python's `AddSourceToRegistry` points it at pywin32's message DLL, which
//! emlog does not have). Without a registered source the Event Viewer still
//! shows the text, prefixed by a note that the description was not found;
//! register the source with an installer (or `eventcreate`) to avoid it.

use emlog::Level;

/// The kind of event a level becomes (values are Windows' `EVENTLOG_*_TYPE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u16)]
pub enum EventType {
    /// `EVENTLOG_ERROR_TYPE`.
    Error = 1,
    /// `EVENTLOG_WARNING_TYPE`.
    Warning = 2,
    /// `EVENTLOG_INFORMATION_TYPE`.
    Information = 4,
}

/// Python's `typemap`: DEBUG/INFO → information, WARNING → warning, the rest → error.
///
/// ```
/// use emlog::Level;
/// use emlog_std::nt_event_log::{EventType, event_type};
/// assert_eq!(event_type(Level::INFO), EventType::Information);
/// assert_eq!(event_type(Level::new(25)), EventType::Error);
/// ```
pub fn event_type(level: Level) -> EventType {
    match level {
        Level::DEBUG | Level::INFO => EventType::Information,
        Level::WARNING => EventType::Warning,
        _ => EventType::Error,
    }
}

/// Python's `getMessageID`: every event has ID 1.
pub const EVENT_ID: u32 = 1;
/// Python's `getEventCategory`: category 0.
pub const EVENT_CATEGORY: u16 = 0;

#[cfg(windows)]
pub use windows_impl::NtEventLogHandler;

#[cfg(windows)]
mod windows_impl {
    use std::fmt::Write as _;

    use emlog::{Formatter, Handler, HandlerBase, HandlerStats, Level, Record};
    use windows_sys::Win32::Foundation::HANDLE;
    use windows_sys::Win32::System::EventLog::{
        DeregisterEventSource, RegisterEventSourceW, ReportEventW,
    };

    use super::{EVENT_CATEGORY, EVENT_ID, event_type};

    /// An event source handle, closed on drop.
    struct EventSource(HANDLE);

    // SAFETY: an event log handle is not tied to the thread that opened it;
    // the handler owns it and calls into it from one thread at a time.
    unsafe impl Send for EventSource {}

    impl Drop for EventSource {
        fn drop(&mut self) {
            // SAFETY: the handle came from RegisterEventSourceW and is closed once.
            unsafe { DeregisterEventSource(self.0) };
        }
    }

    fn wide(text: &str) -> Vec<u16> {
        text.encode_utf16()
            .map(|c| if c == 0 { 0xFFFD } else { c })
            .chain(std::iter::once(0))
            .collect()
    }

    /// Writes each record to the Windows event log (Python's `NTEventLogHandler`).
    pub struct NtEventLogHandler {
        base: HandlerBase,
        source: Option<EventSource>,
        formatter: Formatter,
        text: String,
    }

    impl NtEventLogHandler {
        /// Opens the event source `appname` on this machine.
        pub fn new(appname: &str) -> std::io::Result<NtEventLogHandler> {
            let name = wide(appname);
            // SAFETY: `name` is NUL-terminated UTF-16 that outlives the call;
            // a null server name means the local machine.
            let handle = unsafe { RegisterEventSourceW(std::ptr::null(), name.as_ptr()) };
            if handle.is_null() {
                return Err(std::io::Error::last_os_error());
            }
            Ok(NtEventLogHandler {
                base: HandlerBase::new(Level::NOTSET),
                source: Some(EventSource(handle)),
                formatter: Formatter::message_only(),
                text: String::new(),
            })
        }

        /// Sets the formatter of the event text.
        pub fn with_formatter(mut self, formatter: Formatter) -> Self {
            self.formatter = formatter;
            self
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

    impl Handler for NtEventLogHandler {
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
            self.text.clear();
            if self.formatter.render(record, &mut self.text).is_err() {
                self.base.fail(
                    &"a Display implementation in the message returned an error",
                    Some(record),
                    true,
                );
                return false;
            }
            let Some(source) = &self.source else {
                self.base.count_dropped();
                return false;
            };
            let text = wide(&self.text);
            let strings = [text.as_ptr()];
            // SAFETY: the handle is open; one NUL-terminated string pointer
            // that outlives the call; no SID and no raw data.
            let ok = unsafe {
                ReportEventW(
                    source.0,
                    event_type(record.level) as u16,
                    EVENT_CATEGORY,
                    EVENT_ID,
                    std::ptr::null_mut(),
                    1,
                    0,
                    strings.as_ptr(),
                    std::ptr::null(),
                )
            };
            if ok == 0 {
                let mut error = String::new();
                let _ = write!(
                    error,
                    "ReportEventW failed: {}",
                    std::io::Error::last_os_error()
                );
                self.base.fail(&error, Some(record), true);
                return false;
            }
            self.base.count_emitted(false);
            true
        }

        fn close(&mut self) {
            self.source = None;
            self.base.close();
        }

        fn stats(&self) -> HandlerStats {
            self.base.stats()
        }

        fn name(&self) -> &str {
            self.base.name()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_map_to_pythons_event_types() {
        let cases = [
            (Level::DEBUG, EventType::Information),
            (Level::INFO, EventType::Information),
            (Level::WARNING, EventType::Warning),
            (Level::ERROR, EventType::Error),
            (Level::CRITICAL, EventType::Error),
            (Level::TRACE, EventType::Error),
        ];
        for (level, expected) in cases {
            assert_eq!(event_type(level), expected, "{level}");
        }
    }
}
