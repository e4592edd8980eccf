//! Civil (calendar) date and time from a Unix timestamp, without std, and the
//! subset of C's `strftime` that Python's `Formatter.datefmt` is used with.
//!
//! Why here and not a time crate: the core may not depend on one, and the
//! formatter only needs the proleptic Gregorian calendar plus a fixed offset
//! from UTC at each instant (the application's `utc_offset` hook supplies it;
//! time zones and DST rules belong to the std crate, which uses `jiff`).
//!
//! The date comes from the day count by an exact integer algorithm (400-year
//! eras of 146,097 days, years starting on March 1 so that the leap day is
//! the last day of the year), so there is no table and no floating point.
//!
//! ```
//! use emlog::civil::DateTime;
//! let t = DateTime::from_unix(951_825_600, 0, 0); // 2000-02-29 12:00:00 UTC
//! assert_eq!((t.year, t.month, t.day, t.hour), (2000, 2, 29, 12));
//! ```

use core::fmt;

use crate::Timestamp;
use crate::format::number::{ascii, div_small};
use crate::format::parse::char_at;
use crate::format::{FormatError, FormatErrorKind, Sink};

/// A broken-down date and time in some fixed offset from UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime {
    /// Year, e.g. 2024 (proleptic Gregorian; 1969 and earlier for negative times).
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
    /// Hour, 0 to 23.
    pub hour: u8,
    /// Minute, 0 to 59.
    pub minute: u8,
    /// Second, 0 to 59.
    pub second: u8,
    /// Nanoseconds past the second.
    pub nanos: u32,
    /// Day of the week, 0 = Monday … 6 = Sunday (Python's `tm_wday`).
    pub weekday: u8,
    /// Day of the year, 1 to 366 (Python's `tm_yday`).
    pub yday: u16,
    /// Seconds east of UTC this time is expressed in.
    pub utc_offset: i32,
}

impl DateTime {
    /// The civil time `utc_offset` seconds east of UTC at `secs` seconds (and
    /// `nanos`) after 1970-01-01T00:00:00Z.
    ///
    /// ```
    /// use emlog::civil::DateTime;
    /// let t = DateTime::from_unix(2_147_483_648, 0, 3600); // 2038-01-19T03:14:08Z, at +01:00
    /// assert_eq!((t.year, t.month, t.day, t.hour, t.minute, t.second), (2038, 1, 19, 4, 14, 8));
    /// assert_eq!(t.weekday, 1); // Tuesday
    /// ```
    pub fn from_unix(secs: i64, nanos: u32, utc_offset: i32) -> DateTime {
        let local = secs.saturating_add(i64::from(utc_offset));
        // 86,400 = 128 × 675: two steps that need only 32-bit division.
        let magnitude = local.unsigned_abs();
        let (q, r) = div_small(magnitude >> 7, 675);
        let (whole_days, rem) = (q, r * 128 + (magnitude & 127) as u32);
        let days = i64::try_from(whole_days).unwrap_or(i64::MAX);
        let (days, second_of_day) = match (local < 0, rem) {
            (false, _) => (days, rem),
            (true, 0) => (-days, 0),
            (true, _) => (-days - 1, 86_400 - rem),
        };
        let days = days.clamp(-MAX_DAYS, MAX_DAYS) as i32;
        let (year, month, day) = civil_from_days_i32(days);
        DateTime {
            year,
            month,
            day,
            hour: (second_of_day / 3600) as u8,
            minute: (second_of_day / 60 % 60) as u8,
            second: (second_of_day % 60) as u8,
            nanos,
            // 1970-01-01 was a Thursday (3 when Monday is 0).
            weekday: (days.rem_euclid(7) + 3).rem_euclid(7) as u8,
            yday: day_of_year(year, month, day),
            utc_offset,
        }
    }

    /// The civil time of a [`Timestamp`] at `utc_offset` seconds east of UTC.
    ///
    /// ```
    /// use emlog::{Timestamp, civil::DateTime};
    /// let t = DateTime::from_timestamp(Timestamp::new(0, 5), 0);
    /// assert_eq!((t.year, t.month, t.day, t.nanos), (1970, 1, 1, 5));
    /// ```
    pub fn from_timestamp(timestamp: Timestamp, utc_offset: i32) -> DateTime {
        let secs = i64::try_from(timestamp.secs).unwrap_or(i64::MAX);
        DateTime::from_unix(secs, timestamp.nanos, utc_offset)
    }
}

/// Whether `year` has a February 29 (proleptic Gregorian).
///
/// ```
/// assert!(emlog::civil::is_leap_year(2000));
/// assert!(!emlog::civil::is_leap_year(2100));
/// ```
pub const fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days either side of 1970 that dates are computed for: about ±5.8 million
/// years, so that all arithmetic fits 32 bits; times beyond show the limit.
const MAX_DAYS: i64 = 2_000_000_000;

/// Year, month (1–12) and day (1–31) of the day `days` after 1970-01-01
/// (within about 5.8 million years of it; further days are clamped).
///
/// ```
/// assert_eq!(emlog::civil::civil_from_days(0), (1970, 1, 1));
/// assert_eq!(emlog::civil::civil_from_days(11_016), (2000, 2, 29));
/// assert_eq!(emlog::civil::civil_from_days(-1), (1969, 12, 31));
/// ```
pub const fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let clamped = if days > MAX_DAYS {
        MAX_DAYS
    } else if days < -MAX_DAYS {
        -MAX_DAYS
    } else {
        days
    };
    civil_from_days_i32(clamped as i32)
}

const fn civil_from_days_i32(days: i32) -> (i32, u8, u8) {
    // Count from 0000-03-01 so each 400-year era starts just after a leap
    // day; 719,468 days separate it from 1970-01-01.
    let shifted = days - 146_097 * 14 + 719_468; // at most 2^31 - 1 for MAX_DAYS
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097); // 0 ..= 146,096
    // Every 4th year has 366 days, except every 100th, except every 400th:
    // subtracting those corrections turns the day count into 365-day years.
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    // Months from March: lengths 31,30,31,30,31 repeat, which 153/5 tracks.
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u8;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u8;
    let year = year_of_era + (era + 14) * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

fn day_of_year(year: i32, month: u8, day: u8) -> u16 {
    // Days before the first of each month in a common year.
    const BEFORE: [u16; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let leap = u16::from(month > 2 && is_leap_year(year));
    BEFORE[usize::from(month.wrapping_sub(1)) % 12] + leap + u16::from(day)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The directives [`strftime`] understands, for error messages.
pub const DIRECTIVES: &str = "%Y %m %d %H %M %S %y %b %B %a %A %j %p %I %z %Z %f %%";

/// Checks that every `%` in `format` starts a directive [`strftime`] knows,
/// so that rendering never meets one it does not.
///
/// ```
/// use emlog::format::FormatErrorKind;
/// assert!(emlog::civil::validate("%Y-%m-%d").is_ok());
/// let err = emlog::civil::validate("%Y %q").unwrap_err();
/// assert_eq!((err.position, err.kind), (3, FormatErrorKind::UnknownDirective { found: 'q' }));
/// ```
pub const fn validate(format: &str) -> Result<(), FormatError> {
    let bytes = format.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        if i + 1 >= bytes.len() {
            return Err(FormatError {
                position: i,
                kind: FormatErrorKind::DanglingPercent,
            });
        }
        let found = char_at(bytes, i + 1);
        if !is_directive(found) {
            return Err(FormatError {
                position: i,
                kind: FormatErrorKind::UnknownDirective { found },
            });
        }
        i += 2;
    }
    Ok(())
}

const fn is_directive(c: char) -> bool {
    matches!(
        c,
        'Y' | 'm'
            | 'd'
            | 'H'
            | 'M'
            | 'S'
            | 'y'
            | 'b'
            | 'B'
            | 'a'
            | 'A'
            | 'j'
            | 'p'
            | 'I'
            | 'z'
            | 'Z'
            | 'f'
            | '%'
    )
}

/// Writes `time` as `format` says, with C's `strftime` directives in the C
/// locale: `%Y` year, `%m` month 01–12, `%d` day 01–31, `%H` hour 00–23,
/// `%M` minute, `%S` second, `%y` year 00–99, `%b`/`%B` month name short/full,
/// `%a`/`%A` weekday name short/full, `%j` day of the year 001–366, `%p`
/// AM/PM, `%I` hour 01–12, `%z` offset `+hhmm`, `%Z` `UTC` at offset zero and
/// `+hhmm` otherwise (there are no zone names without a time-zone database),
/// `%%` a percent sign, and the emlog extension `%f`: microseconds, six
/// digits, as Python's `datetime.strftime` has it (`time.strftime`, which
/// `logging` uses, has no `%f`).
///
/// Anything else after `%` is written as it stands; [`validate`] rejects it
/// first, so a [`crate::Formatter`] never reaches that case.
///
/// ```
/// use emlog::civil::{DateTime, strftime};
/// let mut s = String::new();
/// strftime("%a %d %b %Y %I:%M %p %z", &DateTime::from_unix(1_700_000_000, 0, -5 * 3600), &mut s).unwrap();
/// assert_eq!(s, "Tue 14 Nov 2023 05:13 PM -0500");
/// ```
pub fn strftime(format: &str, time: &DateTime, out: &mut dyn fmt::Write) -> fmt::Result {
    write_strftime(format, time, &mut &mut *out)
}

/// [`strftime`] into a [`Sink`] (what a formatter's `asctime` writes into:
/// no `dyn fmt::Write`, whose table of methods would link `core::fmt`).
pub(crate) fn write_strftime(format: &str, time: &DateTime, out: &mut dyn Sink) -> fmt::Result {
    let bytes = format.as_bytes();
    let mut literal = 0;
    let mut i = 0;
    // A byte scan ('%' is ASCII, so every cut is on a char boundary).
    while i < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        out.write_str(format.get(literal..i).unwrap_or(""))?;
        let directive = format.get(i + 1..).and_then(|rest| rest.chars().next());
        match directive {
            Some(d) => write_directive(d, time, out)?,
            None => out.write_str("%")?,
        }
        i += 1 + directive.map_or(0, char::len_utf8);
        literal = i;
    }
    out.write_str(format.get(literal..).unwrap_or(""))
}

/// `time` as Python's default `asctime`: `%Y-%m-%d %H:%M:%S,mmm`
/// (`default_time_format` then `default_msec_format`).
///
/// `time` comes from [`DateTime::from_timestamp`], so every field is in its
/// range: after the year, the text is built in one buffer and written once.
pub(crate) fn write_default(time: &DateTime, out: &mut dyn Sink) -> fmt::Result {
    write_year(time.year, out)?;
    let mut text = *b"-00-00 00:00:00,000";
    let two = [time.month, time.day, time.hour, time.minute, time.second];
    for (i, value) in two.into_iter().enumerate() {
        text[1 + 3 * i] = b'0' + value / 10 % 10;
        text[2 + 3 * i] = b'0' + value % 10;
    }
    let millis = time.nanos / 1_000_000;
    for (i, divisor) in [100, 10, 1].into_iter().enumerate() {
        text[16 + i] = b'0' + (millis / divisor % 10) as u8;
    }
    out.write_str(ascii(&text))
}

fn write_directive(d: char, t: &DateTime, out: &mut dyn Sink) -> fmt::Result {
    let two = |v: u8, out: &mut dyn Sink| write_padded(u32::from(v), 2, out);
    match d {
        'Y' => write_year(t.year, out),
        'm' => two(t.month, out),
        'd' => two(t.day, out),
        'H' => two(t.hour, out),
        'M' => two(t.minute, out),
        'S' => two(t.second, out),
        'y' => two(t.year.rem_euclid(100) as u8, out),
        'b' => out.write_str(short(MONTHS[usize::from(t.month.wrapping_sub(1)) % 12])),
        'B' => out.write_str(MONTHS[usize::from(t.month.wrapping_sub(1)) % 12]),
        'a' => out.write_str(short(WEEKDAYS[usize::from(t.weekday) % 7])),
        'A' => out.write_str(WEEKDAYS[usize::from(t.weekday) % 7]),
        'j' => write_padded(u32::from(t.yday), 3, out),
        'p' => out.write_str(if t.hour < 12 { "AM" } else { "PM" }),
        'I' => write_padded((u32::from(t.hour) + 11) % 12 + 1, 2, out),
        'z' => write_offset(t.utc_offset, out),
        'Z' if t.utc_offset == 0 => out.write_str("UTC"),
        'Z' => write_offset(t.utc_offset, out),
        'f' => write_padded(t.nanos / 1000, 6, out),
        '%' => out.write_str("%"),
        other => {
            let mut utf8 = [0; 4];
            out.write_str("%")?;
            out.write_str(other.encode_utf8(&mut utf8))
        }
    }
}

fn short(name: &str) -> &str {
    name.get(..3).unwrap_or(name)
}

fn write_year(year: i32, out: &mut dyn Sink) -> fmt::Result {
    if year < 0 {
        out.write_str("-")?;
    }
    write_padded(year.unsigned_abs(), 4, out)
}

/// `+hhmm` or `-hhmm`; seconds of an offset are dropped, as C's `%z` does.
fn write_offset(offset: i32, out: &mut dyn Sink) -> fmt::Result {
    out.write_str(if offset < 0 { "-" } else { "+" })?;
    let minutes = offset.unsigned_abs() / 60;
    write_padded(minutes / 60, 2, out)?;
    write_padded(minutes % 60, 2, out)
}

/// Writes `value` in decimal with at least `digits` digits (zeros in front).
pub(crate) fn write_padded(value: u32, digits: usize, out: &mut dyn Sink) -> fmt::Result {
    let mut buf = [b'0'; 10];
    let mut at = buf.len();
    let mut rest = value;
    while rest > 0 || at == buf.len() {
        at -= 1;
        buf[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let start = at.min(buf.len().saturating_sub(digits));
    out.write_str(ascii(&buf[start..]))
}
