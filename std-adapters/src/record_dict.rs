//! Python's `LogRecord.__dict__`: the attribute names and value types that
//! Python's network handlers send (SocketHandler pickles it, HTTPHandler
//! urlencodes it), so that Python's receivers take emlog's records unchanged.

use std::fmt;

use emlog::Record;

/// One value of the record dict, with the Python type it has in a `LogRecord`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PyValue<'a> {
    /// `None`.
    None,
    /// An `int`.
    Int(i64),
    /// A `float`.
    Float(f64),
    /// A `str`.
    Str(&'a str),
}

impl fmt::Display for PyValue<'_> {
    /// Python's `str()` of the value: `None`, `42`, `1.5`, `3.0`, the text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PyValue::None => f.write_str("None"),
            PyValue::Int(n) => write!(f, "{n}"),
            PyValue::Float(x) => write_python_float(x, f),
            PyValue::Str(s) => f.write_str(s),
        }
    }
}

/// Python's `repr(float)` for the values a record holds: shortest round-trip
/// digits, with `.0` on whole numbers (Rust's `{}` leaves it off).
fn write_python_float(x: f64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if !x.is_finite() {
        return f.write_str(if x.is_nan() {
            "nan"
        } else if x > 0.0 {
            "inf"
        } else {
            "-inf"
        });
    }
    if x.fract() == 0.0 && x.abs() < 1e16 {
        write!(f, "{x:.1}")
    } else {
        write!(f, "{x}")
    }
}

/// What Python sets `funcName` to when the caller's function is unknown;
/// emlog's records carry no function name.
pub const UNKNOWN_FUNCTION: &str = "(unknown function)";

/// The 21 attributes of a Python `LogRecord`, in the order Python creates them.
///
/// `msg` is the message already merged with its arguments (Python's
/// `getMessage()`), `args`, `exc_info`, `exc_text`, `stack_info` and
/// `taskName` are None, `funcName` is [`UNKNOWN_FUNCTION`].
///
/// ```
/// use emlog::{Level, Record};
/// use emlog_std::record_dict::{PyValue, record_dict};
/// let record = Record::new(Level::ERROR, "app.db", format_args!("x"));
/// let levelname = record.level.to_string();
/// let dict = record_dict(&record, "lost 3 rows", &levelname);
/// assert_eq!(dict[1], ("msg", PyValue::Str("lost 3 rows")));
/// assert_eq!(dict[4], ("levelno", PyValue::Int(40)));
/// ```
pub fn record_dict<'a>(
    record: &'a Record<'_>,
    message: &'a str,
    levelname: &'a str,
) -> [(&'static str, PyValue<'a>); 21] {
    let created = record.timestamp.secs as f64 + f64::from(record.timestamp.nanos) / 1e9;
    [
        ("name", PyValue::Str(record.logger)),
        ("msg", PyValue::Str(message)),
        ("args", PyValue::None),
        ("levelname", PyValue::Str(levelname)),
        ("levelno", PyValue::Int(i64::from(record.level.number()))),
        ("pathname", PyValue::Str(record.location.file)),
        ("filename", PyValue::Str(record.location.file_name())),
        ("module", PyValue::Str(record.location.module())),
        ("exc_info", PyValue::None),
        ("exc_text", PyValue::None),
        ("stack_info", PyValue::None),
        ("lineno", PyValue::Int(i64::from(record.location.line))),
        ("funcName", PyValue::Str(UNKNOWN_FUNCTION)),
        ("created", PyValue::Float(created)),
        (
            "msecs",
            PyValue::Float(f64::from(record.timestamp.millis())),
        ),
        (
            "relativeCreated",
            PyValue::Float(record.relative_millis() as f64),
        ),
        (
            "thread",
            PyValue::Int(i64::try_from(record.thread.id).unwrap_or(i64::MAX)),
        ),
        ("threadName", PyValue::Str(record.thread.name)),
        ("processName", PyValue::Str(record.process.1)),
        ("process", PyValue::Int(i64::from(record.process.0))),
        ("taskName", PyValue::None),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_python_repr() {
        assert_eq!(PyValue::Float(3.0).to_string(), "3.0");
        assert_eq!(
            PyValue::Float(1_700_000_000.25).to_string(),
            "1700000000.25"
        );
        assert_eq!(PyValue::Float(0.1).to_string(), "0.1");
        assert_eq!(PyValue::None.to_string(), "None");
    }
}
