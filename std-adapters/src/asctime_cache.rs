//! `asctime` formatted once per second: a record in the same second as the
//! one before copies the text (and, for the default layout, writes its three
//! millisecond digits) instead of computing the calendar, the local offset
//! and a dozen small writes again.

use std::fmt;

use emlog::{Formatter, Timestamp};

/// What part of `asctime` depends on less than a second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// The default `%Y-%m-%d %H:%M:%S,mmm`: the last three digits.
    DefaultWithMillis,
    /// A `datefmt` without `%f`: nothing.
    WholeSeconds,
    /// A `datefmt` with `%f` (microseconds): not cached.
    SubSecond,
}

/// The text of `asctime` for the last second seen.
///
/// UTC offsets change only at whole seconds (time-zone transitions are whole
/// seconds), so the text of a second holds for every instant within it.
#[derive(Debug)]
pub(crate) struct AscTimeCache {
    layout: Layout,
    /// The second `text` is for; `None` before the first record.
    secs: Option<u64>,
    /// For the default layout, without the three millisecond digits.
    text: String,
}

impl AscTimeCache {
    pub(crate) fn new(formatter: &Formatter) -> AscTimeCache {
        let layout = if formatter.datefmt().is_empty() {
            Layout::DefaultWithMillis
        } else if formatter.datefmt().contains("%f") {
            Layout::SubSecond
        } else {
            Layout::WholeSeconds
        };
        AscTimeCache {
            layout,
            secs: None,
            text: String::with_capacity(64),
        }
    }

    /// Writes `asctime` of `timestamp` as `formatter` would.
    pub(crate) fn write(
        &mut self,
        formatter: &Formatter,
        timestamp: Timestamp,
        out: &mut dyn fmt::Write,
    ) -> fmt::Result {
        if self.layout == Layout::SubSecond {
            return formatter.write_asctime(timestamp, out);
        }
        if self.secs != Some(timestamp.secs) {
            self.text.clear();
            formatter.write_asctime(Timestamp::new(timestamp.secs, 0), &mut self.text)?;
            if self.layout == Layout::DefaultWithMillis {
                // The layout ends in ",000" at a whole second.
                self.text.truncate(self.text.len().saturating_sub(3));
            }
            self.secs = Some(timestamp.secs);
        }
        out.write_str(&self.text)?;
        if self.layout == Layout::DefaultWithMillis {
            out.write_str(three_digits(timestamp.millis()))?;
        }
        Ok(())
    }
}

/// "000001002…999": the text of every millisecond, three bytes each.
const MILLIS: &str = match std::str::from_utf8(&millis_digits()) {
    Ok(text) => text,
    Err(_) => panic!("the digits are ASCII"),
};

const fn millis_digits() -> [u8; 3000] {
    let mut digits = [0; 3000];
    let mut m = 0;
    while m < 1000 {
        digits[3 * m] = b'0' + (m / 100) as u8;
        digits[3 * m + 1] = b'0' + (m / 10 % 10) as u8;
        digits[3 * m + 2] = b'0' + (m % 10) as u8;
        m += 1;
    }
    digits
}

/// `millis` (below 1000) as three digits.
pub(crate) fn three_digits(millis: u32) -> &'static str {
    let at = 3 * millis.min(999) as usize;
    MILLIS.get(at..at + 3).unwrap_or("000")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(formatter: &Formatter, cache: &mut AscTimeCache, t: Timestamp) -> (String, String) {
        let mut direct = String::new();
        formatter.write_asctime(t, &mut direct).unwrap();
        let mut cached = String::new();
        cache.write(formatter, t, &mut cached).unwrap();
        (direct, cached)
    }

    #[test]
    fn cached_text_matches_the_formatter_within_and_across_seconds() {
        let formatters = [
            Formatter::message_only(),
            Formatter::message_only()
                .with_utc_offset(|t| if t.secs >= 1_700_000_001 { 3600 } else { 0 }),
            Formatter::message_only().with_datefmt("%H:%M:%S").unwrap(),
            Formatter::message_only()
                .with_datefmt("%H:%M:%S.%f")
                .unwrap(),
        ];
        for formatter in &formatters {
            let mut cache = AscTimeCache::new(formatter);
            for (secs, nanos) in [
                (1_700_000_000, 0),
                (1_700_000_000, 7_000_000),
                (1_700_000_000, 999_999_999),
                (1_700_000_001, 123_456_789),
                (1_699_999_999, 50_000_000),
                (1_700_000_001, 5_000),
            ] {
                let (direct, cached) = both(formatter, &mut cache, Timestamp::new(secs, nanos));
                assert_eq!(
                    cached,
                    direct,
                    "{:?} at {secs}.{nanos:09}",
                    formatter.datefmt()
                );
            }
        }
    }

    #[test]
    fn the_default_layout_appends_milliseconds() {
        let formatter = Formatter::message_only();
        let mut cache = AscTimeCache::new(&formatter);
        let mut out = String::new();
        cache
            .write(&formatter, Timestamp::new(0, 42_000_000), &mut out)
            .unwrap();
        cache
            .write(&formatter, Timestamp::new(0, 999_000_000), &mut out)
            .unwrap();
        assert_eq!(out, "1970-01-01 00:00:00,0421970-01-01 00:00:00,999");
    }
}
