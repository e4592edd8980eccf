//! Severity levels with Python's numbers.
//!
//! A level is a number: higher means more severe. Python's five named levels
//! keep their numbers (DEBUG 10 … CRITICAL 50), `TRACE` (5) carries the `log`
//! crate's trace level, and any other number is a valid custom level, rendered
//! as `Level N` the way Python's `getLevelName` does.

use core::fmt;
use core::str::FromStr;

/// A severity level: Python's numbering, with custom levels allowed.
///
/// ```
/// use emlog::Level;
/// assert!(Level::ERROR > Level::WARNING);
/// assert_eq!(Level::INFO.number(), 20);
/// assert_eq!("warn".parse::<Level>(), Ok(Level::WARNING));
/// assert_eq!("25".parse::<Level>().map(|l| l.number()), Ok(25));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Level(u8);

impl Level {
    /// Python's `NOTSET` (0): on a handler, "everything"; on a logger, "inherit from the parent".
    pub const NOTSET: Level = Level(0);
    /// The `log` crate's trace (5); below DEBUG.
    pub const TRACE: Level = Level(5);
    /// Python's `DEBUG` (10).
    pub const DEBUG: Level = Level(10);
    /// Python's `INFO` (20).
    pub const INFO: Level = Level(20);
    /// Python's `WARNING` (30).
    pub const WARNING: Level = Level(30);
    /// Python's `ERROR` (40).
    pub const ERROR: Level = Level(40);
    /// Python's `CRITICAL` (50).
    pub const CRITICAL: Level = Level(50);

    /// A level with any number; the five named numbers give the named levels.
    ///
    /// ```
    /// assert_eq!(emlog::Level::new(40), emlog::Level::ERROR);
    /// ```
    pub const fn new(number: u8) -> Level {
        Level(number)
    }

    /// The level's number, as Python's `levelno`.
    pub const fn number(self) -> u8 {
        self.0
    }

    /// The name of a named level (`"INFO"`), or `None` for a custom number.
    ///
    /// ```
    /// assert_eq!(emlog::Level::INFO.name(), Some("INFO"));
    /// assert_eq!(emlog::Level::new(25).name(), None);
    /// ```
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "NOTSET",
            5 => "TRACE",
            10 => "DEBUG",
            20 => "INFO",
            30 => "WARNING",
            40 => "ERROR",
            50 => "CRITICAL",
            _ => return None,
        })
    }

    /// Parses a level name (case-insensitive, with Python's aliases `WARN`
    /// and `FATAL`) or a decimal number from 0 to 255.
    ///
    /// ```
    /// use emlog::{Level, ParseLevelError};
    /// assert_eq!(Level::parse("Critical"), Ok(Level::CRITICAL));
    /// assert_eq!(Level::parse("fatal"), Ok(Level::CRITICAL));
    /// assert!(matches!(Level::parse("loud"), Err(ParseLevelError::UnknownName)));
    /// assert!(matches!(Level::parse("300"), Err(ParseLevelError::OutOfRange)));
    /// ```
    pub fn parse(text: &str) -> Result<Level, ParseLevelError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ParseLevelError::Empty);
        }
        if text.bytes().all(|b| b.is_ascii_digit()) {
            let mut value: u32 = 0;
            for b in text.bytes() {
                value = value * 10 + u32::from(b - b'0');
                if value > u32::from(u8::MAX) {
                    return Err(ParseLevelError::OutOfRange);
                }
            }
            return Ok(Level(value as u8));
        }
        const NAMES: [(&str, Level); 9] = [
            ("NOTSET", Level::NOTSET),
            ("TRACE", Level::TRACE),
            ("DEBUG", Level::DEBUG),
            ("INFO", Level::INFO),
            ("WARNING", Level::WARNING),
            ("WARN", Level::WARNING),
            ("ERROR", Level::ERROR),
            ("CRITICAL", Level::CRITICAL),
            ("FATAL", Level::CRITICAL),
        ];
        NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(text))
            .map(|&(_, level)| level)
            .ok_or(ParseLevelError::UnknownName)
    }

    /// Maps a `log` crate level to its emlog level (`Trace` → TRACE, `Warn` → WARNING, …).
    #[cfg(feature = "log")]
    pub const fn from_log(level: log::Level) -> Level {
        match level {
            log::Level::Error => Level::ERROR,
            log::Level::Warn => Level::WARNING,
            log::Level::Info => Level::INFO,
            log::Level::Debug => Level::DEBUG,
            log::Level::Trace => Level::TRACE,
        }
    }

    /// The most verbose `log` crate filter that still lets this level's records through.
    #[cfg(feature = "log")]
    pub const fn to_log_filter(self) -> log::LevelFilter {
        match self.0 {
            0..=5 => log::LevelFilter::Trace,
            6..=10 => log::LevelFilter::Debug,
            11..=20 => log::LevelFilter::Info,
            21..=30 => log::LevelFilter::Warn,
            31..=40 => log::LevelFilter::Error,
            _ => log::LevelFilter::Off,
        }
    }
}

/// Renders the name, or `Level N` for a custom level (as Python's `getLevelName`).
impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.pad(name),
            None => {
                // Padding must apply to the whole text, so render it first.
                let mut buf = [0u8; 9];
                let text = custom_level_name(self.0, &mut buf);
                f.pad(text)
            }
        }
    }
}

/// Writes `Level N` into `buf` and returns it as text.
fn custom_level_name(number: u8, buf: &mut [u8; 9]) -> &str {
    buf[..6].copy_from_slice(b"Level ");
    let mut len = 6;
    let digits = [number / 100, number / 10 % 10, number % 10];
    let first = if number >= 100 {
        0
    } else if number >= 10 {
        1
    } else {
        2
    };
    for &d in &digits[first..] {
        buf[len] = b'0' + d;
        len += 1;
    }
    // Only ASCII was written.
    core::str::from_utf8(&buf[..len]).unwrap_or("Level")
}

impl FromStr for Level {
    type Err = ParseLevelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::parse(s)
    }
}

impl From<u8> for Level {
    fn from(number: u8) -> Level {
        Level(number)
    }
}

/// Why a text is not a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseLevelError {
    /// The text was empty or only white space.
    Empty,
    /// A number above 255.
    OutOfRange,
    /// Neither a known name nor a number.
    UnknownName,
}

impl fmt::Display for ParseLevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseLevelError::Empty => "empty level: expected a level name or a number from 0 to 255",
            ParseLevelError::OutOfRange => "level number out of range: expected 0 to 255",
            ParseLevelError::UnknownName => {
                "unknown level name: expected NOTSET, TRACE, DEBUG, INFO, WARNING (WARN), ERROR, CRITICAL (FATAL) or a number from 0 to 255"
            }
        })
    }
}

impl core::error::Error for ParseLevelError {}

#[cfg(feature = "defmt")]
impl defmt::Format for Level {
    fn format(&self, f: defmt::Formatter<'_>) {
        match self.name() {
            Some(name) => defmt::write!(f, "{=str}", name),
            None => defmt::write!(f, "Level {=u8}", self.0),
        }
    }
}
