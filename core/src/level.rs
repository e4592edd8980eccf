//! Severity levels with Python's numbers.
//!
//! A level is a number: higher means more severe. Python's five named levels
//! keep their numbers (DEBUG 10 … CRITICAL 50), `TRACE` (5) carries the `log`
//! crate's trace level, and any other number is a valid custom level, rendered
//! as `Level N` the way Python's `getLevelName` does.

use core::fmt;
use core::str::FromStr;

/// The names of the named levels, one after the other.
pub(crate) const NAMES: &[u8] = b"NOTSETTRACEDEBUGINFOWARNINGERRORCRITICAL";

/// Where the name of each multiple of 5 up to 50 ends in [`NAMES`] (and the
/// next one starts): `NAME_ENDS[n / 5]..NAME_ENDS[n / 5 + 1]`, empty for the
/// multiples without a name.
pub(crate) const NAME_ENDS: [u8; 12] = [0, 6, 11, 16, 16, 20, 20, 27, 27, 32, 32, 40];

/// 5 × this = 1 modulo 2³² (see [`Level::slot`]).
const INVERSE_OF_5: u32 = 0xCCCC_CCCD;
const _: () = assert!(5u32.wrapping_mul(INVERSE_OF_5) == 1);

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
        // The named levels are the multiples of 5 up to 50 that `NAME_ENDS`
        // gives a non-empty run of `NAMES`: a look-up, smaller on a
        // microcontroller than a `match` of seven strings.
        let Some(slot) = self.slot() else {
            return None;
        };
        let (start, end) = (NAME_ENDS[slot] as usize, NAME_ENDS[slot + 1] as usize);
        if start == end {
            return None;
        }
        // SAFETY: `start < end <= NAMES.len()` (the `NAME_ENDS` are
        // increasing, the last is the length), and `NAMES` is ASCII, so any
        // run is UTF-8.
        Some(unsafe {
            core::str::from_utf8_unchecked(core::slice::from_raw_parts(
                NAMES.as_ptr().add(start),
                end - start,
            ))
        })
    }

    /// `number / 5` for a multiple of 5 up to 50 (the numbers a name may
    /// have, each a slot of [`NAME_ENDS`]), else `None`.
    #[inline(always)]
    pub(crate) const fn slot(self) -> Option<usize> {
        // No division: times the inverse of 5 modulo 2^32, a multiple of 5
        // gives its quotient (at most 51 for a byte), and any other number
        // gives at least 2^32 / 5 (its remainder times the inverse, less
        // the little that is left). One multiplication and one comparison.
        let slot = (self.0 as u32).wrapping_mul(INVERSE_OF_5);
        if slot > 10 {
            return None;
        }
        Some(slot as usize)
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
        // Padding must apply to the whole text, so render it first.
        f.pad(self.text(&mut [0; 9]))
    }
}

impl Level {
    /// The name, or `Level N` (written into `buf`) for a custom level: what
    /// `levelname` shows, as Python's `getLevelName` (what `Display` pads).
    pub(crate) fn text(self, buf: &mut [u8; 9]) -> &str {
        if let Some(name) = self.name() {
            return name;
        }
        // Right-aligned in `buf`: the digits, last first, then "Level ".
        let mut n = self.0;
        let mut at = buf.len();
        loop {
            at -= 1;
            buf[at] = b'0' + n % 10;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for &b in b"Level ".iter().rev() {
            at -= 1;
            buf[at] = b;
        }
        // SAFETY: `buf[at..]` holds only ASCII (`from_utf8` would link a
        // validator of several hundred bytes into firmware).
        unsafe { core::str::from_utf8_unchecked(&buf[at..]) }
    }
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

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;
    use std::string::{String, ToString};

    use super::Level;

    /// Python's `getLevelName` for every number, as a `match`: the oracle
    /// of the look-up table in `name` and of `text`.
    fn expected(number: u8) -> String {
        match number {
            0 => "NOTSET".into(),
            5 => "TRACE".into(),
            10 => "DEBUG".into(),
            20 => "INFO".into(),
            30 => "WARNING".into(),
            40 => "ERROR".into(),
            50 => "CRITICAL".into(),
            n => format!("Level {n}"),
        }
    }

    /// The slot found by multiplication is the one division would find.
    #[test]
    fn slot_is_the_quotient_of_each_multiple_of_5_up_to_50() {
        for number in 0..=u8::MAX {
            let want = (number % 5 == 0 && number <= 50).then_some(usize::from(number / 5));
            assert_eq!(Level::new(number).slot(), want, "{number}");
        }
    }

    #[test]
    fn every_number_has_python_s_level_name() {
        for number in 0..=u8::MAX {
            let level = Level::new(number);
            let want = expected(number);
            let named = !want.starts_with("Level ");
            assert_eq!(level.name(), named.then_some(want.as_str()), "{number}");
            assert_eq!(level.text(&mut [0; 9]), want, "{number}");
            assert_eq!(level.to_string(), want, "{number}");
            assert_eq!(format!("{level:>10}"), format!("{want:>10}"), "{number}");
        }
    }
}
