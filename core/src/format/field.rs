//! The record fields a format string may name, with Python's names.

use super::parse::bytes_eq;
use crate::{Record, Timestamp};

/// A `LogRecord` attribute that has a meaning for an emlog record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Field {
    Name,
    LevelNo,
    LevelName,
    Message,
    AscTime,
    Created,
    Msecs,
    RelativeCreated,
    FileName,
    PathName,
    Module,
    LineNo,
    Thread,
    ThreadName,
    Process,
    ProcessName,
    Sequence,
}

/// What kind of Python value a field is, which decides the conversions it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `str`.
    Text,
    /// `int`.
    Integer,
    /// `float` (rendered from exact integers, never through floating point).
    Decimal,
}

/// Every field, in the order error messages list them.
pub(crate) const EXPECTED_FIELDS: &str = "name, levelno, levelname, message, asctime, created, \
     msecs, relativeCreated, filename, pathname, module, lineno, thread, threadName, process, \
     processName, sequence";

const FIELDS: [(&str, Field); 17] = [
    ("name", Field::Name),
    ("levelno", Field::LevelNo),
    ("levelname", Field::LevelName),
    ("message", Field::Message),
    ("asctime", Field::AscTime),
    ("created", Field::Created),
    ("msecs", Field::Msecs),
    ("relativeCreated", Field::RelativeCreated),
    ("filename", Field::FileName),
    ("pathname", Field::PathName),
    ("module", Field::Module),
    ("lineno", Field::LineNo),
    ("thread", Field::Thread),
    ("threadName", Field::ThreadName),
    ("process", Field::Process),
    ("processName", Field::ProcessName),
    ("sequence", Field::Sequence),
];

/// Python `LogRecord` attributes that emlog records do not have, and why.
const UNAVAILABLE: [(&str, &str); 7] = [
    (
        "funcName",
        "Rust has no function name at the call site (module and lineno locate it)",
    ),
    (
        "msg",
        "the message is fmt::Arguments, rendered only as a whole (use message)",
    ),
    (
        "args",
        "the message is fmt::Arguments, rendered only as a whole (use message)",
    ),
    (
        "exc_info",
        "records carry no exception (put the error in the message)",
    ),
    (
        "exc_text",
        "records carry no exception (put the error in the message)",
    ),
    (
        "stack_info",
        "records carry no stack trace (no_std has no unwinder to capture one)",
    ),
    (
        "taskName",
        "Rust has no asyncio task (threadName names the thread or interrupt)",
    ),
];

/// Why a Python attribute name has no emlog field, if it is one of those.
pub(crate) const fn unavailable_reason(name: &str) -> Option<&'static str> {
    let mut i = 0;
    while i < UNAVAILABLE.len() {
        if bytes_eq(UNAVAILABLE[i].0.as_bytes(), name.as_bytes()) {
            return Some(UNAVAILABLE[i].1);
        }
        i += 1;
    }
    None
}

impl Field {
    /// The field called `name` (case-sensitive, as Python's attributes are).
    pub(crate) const fn parse(name: &str) -> Option<Field> {
        let mut i = 0;
        while i < FIELDS.len() {
            if bytes_eq(FIELDS[i].0.as_bytes(), name.as_bytes()) {
                return Some(FIELDS[i].1);
            }
            i += 1;
        }
        None
    }

    pub(crate) const fn kind(self) -> Kind {
        match self {
            Field::LevelNo | Field::LineNo | Field::Thread | Field::Process | Field::Sequence => {
                Kind::Integer
            }
            Field::Created | Field::Msecs | Field::RelativeCreated => Kind::Decimal,
            _ => Kind::Text,
        }
    }

    /// This field's value in `record`.
    #[inline(never)]
    pub(crate) fn value<'a>(self, record: &Record<'a>) -> Value<'a> {
        let loc = &record.location;
        match self {
            Field::Name => Value::Text(record.logger),
            Field::LevelNo => Value::Integer(u64::from(record.level.number())),
            Field::LevelName => Value::Level(record.level),
            Field::Message => Value::Args(record.args),
            Field::AscTime => Value::AscTime(record.timestamp),
            Field::Created => Value::Decimal(record.timestamp.secs, record.timestamp.nanos),
            Field::Msecs => Value::Decimal(u64::from(record.timestamp.millis()), 0),
            Field::RelativeCreated => Value::Decimal(record.relative_millis(), 0),
            Field::FileName => Value::Text(loc.file_name()),
            Field::PathName => Value::Text(loc.file),
            Field::Module => Value::Text(loc.module()),
            Field::LineNo => Value::Integer(u64::from(loc.line)),
            Field::Thread => Value::Integer(record.thread.id),
            Field::ThreadName => Value::Text(record.thread.name),
            Field::Process => Value::Integer(u64::from(record.process.0)),
            Field::ProcessName => Value::Text(record.process.1),
            Field::Sequence => Value::Integer(u64::from(record.sequence)),
        }
    }
}

/// A field's value, borrowed from the record.
#[derive(Clone, Copy)]
pub(crate) enum Value<'a> {
    Text(&'a str),
    Level(crate::Level),
    Args(crate::Message<'a>),
    AscTime(Timestamp),
    Integer(u64),
    /// Whole part and nanoseconds of a non-negative decimal.
    Decimal(u64, u32),
}
