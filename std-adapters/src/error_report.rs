//! Python's `--- Logging error ---` report, printed to stderr when a handler fails.

use std::fmt::Write as _;
use std::io::Write as _;

use emlog::ErrorReport;

/// Installs [`print_error_report`] as the core's error reporter
/// ([`emlog::set_error_reporter`]); [`crate::basic_config`] calls it.
pub fn install_error_reporter() {
    emlog::set_error_reporter(print_error_report);
}

/// Prints a handler failure to stderr the way Python's `Handler.handleError`
/// does, with the record's origin and message instead of a traceback:
///
/// ```text
/// --- Logging error ---
/// Handler: app-file
/// Error: disk full (os error 28)
/// Logger: app.db, level ERROR, at src/db.rs:42
/// Message: 'commit failed'
/// ```
///
/// One `write` for the whole report, so reports from threads do not mix.
pub fn print_error_report(report: &ErrorReport<'_>) {
    let text = format_error_report(report);
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// The text [`print_error_report`] prints.
///
/// ```
/// use emlog::{ErrorReport, Level, Record};
/// let record = Record::new(Level::ERROR, "app", format_args!("x={}", 1));
/// let text = emlog_std::format_error_report(&ErrorReport { handler: "h", error: &"boom", record: Some(&record) });
/// assert!(text.starts_with("--- Logging error ---\n"));
/// assert!(text.contains("Error: boom\n") && text.contains("Message: 'x=1'\n"));
/// ```
pub fn format_error_report(report: &ErrorReport<'_>) -> String {
    let mut text = String::from("--- Logging error ---\n");
    if !report.handler.is_empty() {
        let _ = writeln!(text, "Handler: {}", report.handler);
    }
    let _ = writeln!(text, "Error: {}", report.error);
    if let Some(record) = report.record {
        let _ = writeln!(
            text,
            "Logger: {}, level {}, at {}:{}",
            if record.logger.is_empty() {
                "root"
            } else {
                record.logger
            },
            record.level,
            record.location.file,
            record.location.line
        );
        let mut message = String::new();
        if record.args.write_to(&mut message).is_err() {
            message.push_str("<message could not be formatted>");
        }
        // Like Python's repr(): single quotes, `'` and control characters escaped.
        text.push_str("Message: '");
        for c in message.chars() {
            match c {
                '"' => text.push('"'),
                c => {
                    let _ = write!(text, "{}", c.escape_debug());
                }
            }
        }
        text.push_str("'\n");
    }
    text
}
