//! When a timed rotating handler rolls over: Python's `when`, `interval`,
//! `utc`, `atTime` and `computeRollover`, on an injectable time zone.

use jiff::tz::TimeZone;

const DAY: i64 = 86_400;

/// Python's `when`: the unit of a timed rotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// `S`: seconds.
    Seconds,
    /// `M`: minutes.
    Minutes,
    /// `H`: hours.
    Hours,
    /// `D`: days (counted from the start, not midnight).
    Days,
    /// `MIDNIGHT`: at midnight, or at `at_time`.
    Midnight,
    /// `W0`–`W6`: on a weekday, 0 = Monday, at midnight or `at_time`.
    Weekday(u8),
}

/// A bad timed-rotation setting, found at construction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScheduleError {
    /// `when` is not one of S, M, H, D, MIDNIGHT, W0–W6.
    InvalidWhen(String),
    /// `interval` is 0.
    ZeroInterval,
    /// `at_time` is not a time of day.
    InvalidAtTime {
        /// Hour given.
        hour: u8,
        /// Minute given.
        minute: u8,
        /// Second given.
        second: u8,
    },
}

impl std::fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScheduleError::InvalidWhen(w) => write!(
                f,
                "invalid rollover interval {w:?}: expected S, M, H, D, MIDNIGHT or W0 to W6 (any case)"
            ),
            ScheduleError::ZeroInterval => f.write_str("rollover interval must be at least 1"),
            ScheduleError::InvalidAtTime {
                hour,
                minute,
                second,
            } => write!(
                f,
                "invalid at_time {hour:02}:{minute:02}:{second:02}: expected hour < 24, minute < 60, second < 60"
            ),
        }
    }
}

impl std::error::Error for ScheduleError {}

impl std::str::FromStr for When {
    type Err = ScheduleError;

    /// Parses Python's `when`, case-insensitive.
    ///
    /// ```
    /// use emlog_std::When;
    /// assert_eq!("midnight".parse::<When>().unwrap(), When::Midnight);
    /// assert_eq!("w6".parse::<When>().unwrap(), When::Weekday(6));
    /// assert!("W7".parse::<When>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<When, ScheduleError> {
        let upper = s.to_ascii_uppercase();
        Ok(match upper.as_str() {
            "S" => When::Seconds,
            "M" => When::Minutes,
            "H" => When::Hours,
            "D" => When::Days,
            "MIDNIGHT" => When::Midnight,
            w if w.len() == 2 && w.starts_with('W') => match w.as_bytes()[1] {
                d @ b'0'..=b'6' => When::Weekday(d - b'0'),
                _ => return Err(ScheduleError::InvalidWhen(s.to_owned())),
            },
            _ => return Err(ScheduleError::InvalidWhen(s.to_owned())),
        })
    }
}

impl When {
    /// Seconds in one unit.
    pub fn unit_secs(self) -> i64 {
        match self {
            When::Seconds => 1,
            When::Minutes => 60,
            When::Hours => 3600,
            When::Days | When::Midnight => DAY,
            When::Weekday(_) => 7 * DAY,
        }
    }

    /// Python's `suffix` (strftime) for rotated file names.
    pub fn suffix(self) -> &'static str {
        match self {
            When::Seconds => "%Y-%m-%d_%H-%M-%S",
            When::Minutes => "%Y-%m-%d_%H-%M",
            When::Hours => "%Y-%m-%d_%H",
            _ => "%Y-%m-%d",
        }
    }

    /// The suffix's shape: `d` a digit, anything else itself (Python's `extMatch`).
    pub(crate) fn suffix_shape(self) -> &'static str {
        match self {
            When::Seconds => "dddd-dd-dd_dd-dd-dd",
            When::Minutes => "dddd-dd-dd_dd-dd",
            When::Hours => "dddd-dd-dd_dd",
            _ => "dddd-dd-dd",
        }
    }
}

/// The whole rule: Python's `computeRollover` in [`next_rollover`](Self::next_rollover).
///
/// ```
/// use emlog_std::{RolloverSchedule, When};
/// let daily = RolloverSchedule::new(When::Midnight, 1).unwrap().utc();
/// assert_eq!(daily.next_rollover(0), 86_400);
/// assert_eq!(daily.next_rollover(86_399), 86_400);
/// assert_eq!(daily.next_rollover(86_400), 172_800);
/// ```
#[derive(Clone, Debug)]
pub struct RolloverSchedule {
    when: When,
    interval: i64,
    utc: bool,
    at_time: Option<i64>,
    zone: TimeZone,
}

impl RolloverSchedule {
    /// Every `interval` units of `when`, in the system's local time zone.
    pub fn new(when: When, interval: u32) -> Result<RolloverSchedule, ScheduleError> {
        if interval == 0 {
            return Err(ScheduleError::ZeroInterval);
        }
        Ok(RolloverSchedule {
            when,
            interval: when.unit_secs() * i64::from(interval),
            utc: false,
            at_time: None,
            zone: TimeZone::system(),
        })
    }

    /// Parses `when` as Python does (case-insensitive).
    pub fn parse(when: &str, interval: u32) -> Result<RolloverSchedule, ScheduleError> {
        RolloverSchedule::new(when.parse()?, interval)
    }

    /// Uses UTC (Python's `utc=True`).
    pub fn utc(mut self) -> Self {
        self.utc = true;
        self.zone = TimeZone::UTC;
        self
    }

    /// Uses local time in `zone` instead of the system's (tests use a POSIX
    /// rule such as `EST+05EDT,M3.2.0,M11.1.0`).
    pub fn time_zone(mut self, zone: TimeZone) -> Self {
        self.utc = false;
        self.zone = zone;
        self
    }

    /// Rolls at this time of day (Python's `atTime`; used by MIDNIGHT and W0–W6).
    pub fn at_time(mut self, hour: u8, minute: u8, second: u8) -> Result<Self, ScheduleError> {
        if hour >= 24 || minute >= 60 || second >= 60 {
            return Err(ScheduleError::InvalidAtTime {
                hour,
                minute,
                second,
            });
        }
        self.at_time = Some((i64::from(hour) * 60 + i64::from(minute)) * 60 + i64::from(second));
        Ok(self)
    }

    /// The unit.
    pub fn when(&self) -> When {
        self.when
    }

    /// Seconds per rollover (Python's `self.interval`).
    pub fn interval_secs(&self) -> i64 {
        self.interval
    }

    /// Whether UTC is used.
    pub fn is_utc(&self) -> bool {
        self.utc
    }

    /// Civil time at `t` in the schedule's zone, and whether DST is in force
    /// (Python's `time.localtime(t)` / `time.gmtime(t)`).
    pub fn civil(&self, t: i64) -> (jiff::civil::DateTime, bool) {
        let Ok(ts) = jiff::Timestamp::from_second(t) else {
            return (jiff::civil::DateTime::default(), false);
        };
        let dst = !self.utc && self.zone.to_offset_info(ts).dst().is_dst();
        (self.zone.to_datetime(ts), dst)
    }

    fn is_dst(&self, t: i64) -> bool {
        self.civil(t).1
    }

    /// Python's `computeRollover(t)`: the first rollover time after `t`.
    pub fn next_rollover(&self, t: i64) -> i64 {
        let mut result = t + self.interval;
        if !matches!(self.when, When::Midnight | When::Weekday(_)) {
            return result;
        }
        let (now, dst_now) = self.civil(t);
        let since_midnight =
            (i64::from(now.hour()) * 60 + i64::from(now.minute())) * 60 + i64::from(now.second());
        let mut day = i64::from(now.weekday().to_monday_zero_offset());
        let mut r = self.at_time.unwrap_or(DAY) - since_midnight;
        if r <= 0 {
            r += DAY;
            day = (day + 1) % 7;
        }
        result = t + r;
        if let When::Weekday(target) = self.when {
            let target = i64::from(target);
            if day != target {
                let wait = if day < target {
                    target - day
                } else {
                    6 - day + target + 1
                };
                result += wait * DAY;
            }
            result += self.interval - 7 * DAY;
        } else {
            result += self.interval - DAY;
        }
        if !self.utc {
            let dst_then = self.is_dst(result);
            if dst_now != dst_then {
                let addend = if !dst_now {
                    // DST starts before the rollover: an hour less, unless the
                    // hour before is not DST either.
                    if self.is_dst(result - 3600) { -3600 } else { 0 }
                } else {
                    3600
                };
                result += addend;
            }
        }
        result
    }

    /// `rollover_at`, or the next boundary after `now` if the clock went back
    /// past the current interval's start (the boundary is further away than
    /// one interval, plus an hour for DST): without this, a clock set back a
    /// day would keep one file for a day longer than the schedule says.
    pub(crate) fn after_clock_change(&self, rollover_at: i64, now: i64) -> i64 {
        if rollover_at.saturating_sub(now) > self.interval + 3600 {
            self.next_rollover(now)
        } else {
            rollover_at
        }
    }

    /// The suffix for the file covering the interval that ends at `rollover_at`
    /// (Python's `doRollover` naming, DST-corrected against `now`).
    pub fn suffix_for(&self, rollover_at: i64, now: i64) -> String {
        let t = rollover_at - self.interval;
        let (mut civil, dst_then) = self.civil(t);
        if !self.utc {
            let dst_now = self.is_dst(now);
            if dst_now != dst_then {
                civil = self.civil(t + if dst_now { 3600 } else { -3600 }).0;
            }
        }
        civil.strftime(self.when.suffix()).to_string()
    }
}

/// Whether `s` has the suffix's shape from byte `at` on, with no digit just
/// before or after (Python's `(?<!\d)…(?!\d)`).
fn shape_at(shape: &str, s: &[u8], at: usize) -> bool {
    let end = at + shape.len();
    if end > s.len() {
        return false;
    }
    if at > 0 && s[at - 1].is_ascii_digit() {
        return false;
    }
    if end < s.len() && s[end].is_ascii_digit() {
        return false;
    }
    shape.bytes().zip(&s[at..end]).all(|(p, &c)| {
        if p == b'd' {
            c.is_ascii_digit()
        } else {
            p == c
        }
    })
}

/// Python's `extMatch.fullmatch(s)`.
pub(crate) fn suffix_fullmatch(when: When, s: &str) -> bool {
    let shape = when.suffix_shape();
    s.len() == shape.len() && shape_at(shape, s.as_bytes(), 0)
}

/// Every match of Python's `extMatch.search` in `s`, in order of position.
pub(crate) fn suffix_matches(when: When, s: &str) -> impl Iterator<Item = &str> {
    let shape = when.suffix_shape();
    (0..s.len())
        .filter(move |&at| s.is_char_boundary(at) && shape_at(shape, s.as_bytes(), at))
        .map(move |at| &s[at..at + shape.len()])
}
