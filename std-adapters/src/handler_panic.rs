//! A handler (or one of its filters) that panics: caught at the dispatcher,
//! counted, reported once, and the other handlers still get the record.
//!
//! A panic in a logging path must not take the application down with it, nor
//! stop the record from reaching the handlers after the one that panicked.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};

use emlog::{ErrorReport, Handler, Record};

/// Counts caught handler panics; the first is passed to the error reporter.
#[derive(Debug, Default)]
pub(crate) struct PanicCount(AtomicU64);

impl PanicCount {
    pub(crate) const fn new() -> PanicCount {
        PanicCount(AtomicU64::new(0))
    }

    /// Panics caught so far.
    pub(crate) fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// Runs `f` (one handler's `handle`, `flush` or `close`); a panic in it is
    /// caught and counted, and the first one is reported through
    /// [`emlog::report_error`]. `None` if it panicked.
    pub(crate) fn run<H: Handler + ?Sized, R>(
        &self,
        handler: &mut H,
        record: Option<&Record<'_>>,
        f: impl FnOnce(&mut H) -> R,
    ) -> Option<R> {
        match catch_unwind(AssertUnwindSafe(|| f(&mut *handler))) {
            Ok(result) => Some(result),
            Err(payload) => {
                self.count(handler.name(), record, &*payload);
                None
            }
        }
    }

    /// Runs `f` for the handler whose name `name` gives: as
    /// [`run`](Self::run), for work that is not a method call on the handler
    /// (a line rendered for it outside its lock runs the message's `Display`
    /// impls). The name is asked for only after a panic, so a record's path
    /// keeps no copy of it on the stack.
    pub(crate) fn catch<'n, R>(
        &self,
        name: impl FnOnce() -> &'n str,
        record: Option<&Record<'_>>,
        f: impl FnOnce() -> R,
    ) -> Option<R> {
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(result) => Some(result),
            Err(payload) => {
                self.count(name(), record, &*payload);
                None
            }
        }
    }

    /// Counts a caught panic; reports the first.
    fn count(&self, name: &str, record: Option<&Record<'_>>, payload: &(dyn std::any::Any + Send)) {
        if self.0.fetch_add(1, Ordering::Relaxed) == 0 {
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("(not a string)");
            let error = format!(
                "the handler panicked: {message}; the other handlers got the record, and later \
                 handler panics are only counted (handler_panics())"
            );
            let report = |record| {
                emlog::report_error(&ErrorReport {
                    handler: name,
                    error: &error,
                    record,
                })
            };
            // The report shows the record's message, whose `Display` may be
            // what panicked: then it is reported without the record.
            if catch_unwind(AssertUnwindSafe(|| report(record))).is_err() {
                let _ = catch_unwind(AssertUnwindSafe(|| report(None)));
            }
        }
    }
}
