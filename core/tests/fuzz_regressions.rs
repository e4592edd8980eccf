//! Inputs the fuzz targets (core/fuzz, run by tests/fuzz.sh) found to break
//! the core, each kept here as a plain test once fixed.

#![allow(
    clippy::unwrap_used,
    reason = "in a test, a failed unwrap is a failed test"
)]

use emlog::{Formatter, Level, Record, Timestamp};

// Found by `format`: a clock reporting u64::MAX seconds and a nanosecond
// field of a second or more overflowed the carry (a panic in debug builds, a
// wrapped time in release).
#[test]
fn a_timestamp_whose_nanoseconds_carry_past_u64_max_saturates() {
    assert_eq!(
        Timestamp::new(u64::MAX, 1_000_000_000),
        Timestamp {
            secs: u64::MAX,
            nanos: 999_999_999
        }
    );
    // A carry that just fits is exact; one more second saturates.
    assert_eq!(
        Timestamp::new(u64::MAX - 4, u32::MAX),
        Timestamp {
            secs: u64::MAX,
            nanos: 294_967_295
        }
    );
    assert_eq!(
        Timestamp::new(u64::MAX - 3, u32::MAX),
        Timestamp {
            secs: u64::MAX,
            nanos: 999_999_999
        }
    );
    // The record of such a clock still renders (`created` rounds up across
    // all 20 digits; the date shows civil's limit, about 5.5 million years on).
    let f = Formatter::new("%(asctime)s %(created).3f %(msecs)03d %(message)s").unwrap();
    let record = Record::new(Level::INFO, "x", format_args!("late"))
        .with_timestamp(Timestamp::new(u64::MAX, u32::MAX));
    let mut line = String::new();
    f.render(&record, &mut line).unwrap();
    assert!(
        line == "5477784-01-06 15:30:07,999 18446744073709551616.000 999 late",
        "{line}"
    );
}
