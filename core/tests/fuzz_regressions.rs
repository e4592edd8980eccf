//! Inputs the fuzz targets (core/fuzz, run by tests/fuzz.sh) found to break
//! the core, each kept here as a plain test once fixed.

#![allow(
    clippy::unwrap_used,
    reason = "in a test, a failed unwrap is a failed test"
)]

use emlog::syslog::{Header, SyslogFormat};
use emlog::{CapturedRecord, Formatter, Level, Location, Record, ThreadInfo, Timestamp};

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

// Found by `syslog`: the RFC 5424 and RFC 3164 headers computed their date
// from the seconds cast to i64, so a time beyond i64::MAX seconds showed
// 1970 and one near it plus a positive UTC offset overflowed (a panic). The
// headers now use the formatter's civil time, which saturates.
#[test]
fn syslog_headers_of_far_future_times_show_the_formatters_date() {
    let asctime = Formatter::new("%(asctime)s")
        .unwrap()
        .with_datefmt("%Y-%m-%dT%H:%M:%S")
        .unwrap()
        .with_utc_offset(|_| 86_399);
    for secs in [u64::MAX, i64::MAX as u64, i64::MAX as u64 + 1] {
        let record = Record::new(Level::CRITICAL, "x", format_args!("end"))
            .with_timestamp(Timestamp::new(secs, 999_999_999));
        let mut date = String::new();
        asctime.render(&record, &mut date).unwrap();
        let rfc5424 = SyslogFormat::new()
            .with_append_nul(false)
            .with_utc_offset(|_| 86_399)
            .with_header(Header::Rfc5424 {
                hostname: "h",
                app_name: "a",
                msgid: "",
            });
        let mut frame = String::new();
        rfc5424.write_frame(&record, &mut frame).unwrap();
        assert_eq!(frame, format!("<10>1 {date}.999+23:59 h a - - - end"));
        let rfc3164 = rfc5424.with_header(Header::Rfc3164 {
            hostname: "h",
            tag: "a",
        });
        let mut frame = String::new();
        rfc3164.write_frame(&record, &mut frame).unwrap();
        assert_eq!(frame, "<10>Jan  6 15:30:07 h a: end", "{secs}");
    }
}

// Found by `captured_record`: with a text area beyond 65,535 bytes, the names
// after a long message were given offsets past 16 bits, which wrapped, and
// replaying the copy sliced backwards (a panic).
#[test]
fn a_copy_larger_than_16_bit_offsets_uses_65535_bytes_and_replays() {
    let message = "m".repeat(70_000);
    let mut captured: Box<CapturedRecord<65_600>> = Box::new(CapturedRecord::new());
    let cut = capture(&mut captured, &message, "src/main.rs", "app", "main");
    assert!(cut, "the message is cut");
    assert_eq!(captured.logger(), "app");
    assert_eq!(captured.message().len(), 65_535 - "app".len());
    captured.with_record(|r| {
        assert_eq!(r.args.to_string().len(), 65_532 + "[...]".len());
        assert!(r.args.to_string().ends_with("m[...]"));
        // No room was left for the names; the fixed fields are intact.
        assert_eq!(r.location.file, "");
        assert_eq!(r.thread.name, "");
        assert_eq!((r.location.line, r.thread.id), (7, 1));
        assert_eq!(r.level, Level::WARNING);
    });

    // A short message leaves the names their room, as in any smaller copy.
    assert!(!capture(
        &mut captured,
        "short",
        "src/main.rs",
        "app::main",
        "main"
    ));
    captured.with_record(|r| {
        assert_eq!(r.args.to_string(), "short");
        assert_eq!(r.location.file, "src/main.rs");
        assert_eq!(r.location.module_path, "app::main");
    });
}

/// Copies a WARNING record from logger `app`, line 7, thread 1, into `captured`.
fn capture<const M: usize>(
    captured: &mut CapturedRecord<M>,
    message: &str,
    file: &str,
    module_path: &str,
    thread: &str,
) -> bool {
    captured.capture(
        &Record::new(Level::WARNING, "app", format_args!("{message}"))
            .with_location(Location {
                file,
                line: 7,
                module_path,
            })
            .with_thread(ThreadInfo {
                id: 1,
                name: thread,
            }),
        None,
    )
}
