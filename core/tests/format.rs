//! The formatter against what Python 3's `logging.Formatter` writes.
//!
//! The `*_CASES` tables are literal output of `python3 core/tests/format_expectations.py`
//! (Python 3.11.7, `Formatter.converter = time.gmtime`) for the record that [`record`]
//! builds here; rerun it and paste its output to refresh them. Other expectations
//! that came from Python say so where they are.

#![allow(
    clippy::unwrap_used,
    reason = "in a test, a failed unwrap is a failed test"
)]

use emlog::civil::{self, DateTime};
use emlog::format::{FormatErrorKind, MAX_PIECES};
use emlog::{Formatter, Level, LineBuffer, Location, Record, ThreadInfo, Timestamp};

/// The record of format_expectations.py: INFO from `app.net` at src/net/tcp.rs:42,
/// created 1700000000.25 (2023-11-14 22:13:20.250 UTC).
fn record(args: core::fmt::Arguments<'_>) -> Record<'_> {
    let mut record = Record::new(Level::INFO, "app.net", args)
        .with_location(Location {
            file: "src/net/tcp.rs",
            line: 42,
            module_path: "app::net::tcp",
        })
        .with_timestamp(Timestamp::new(1_700_000_000, 250_000_000))
        .with_sequence(7)
        .with_thread(ThreadInfo {
            id: 1234,
            name: "rx-thread",
        });
    record.process = (4321, "worker");
    record
}

fn render<const N: usize>(formatter: &Formatter<N>, record: &Record<'_>) -> String {
    let mut out = String::new();
    formatter
        .render(record, &mut out)
        .expect("rendering into a String cannot fail");
    out
}

fn check_table(
    cases: &[(&'static str, &str)],
    parse: fn(&'static str) -> Result<Formatter, emlog::FormatError>,
) {
    let mut failures = Vec::new();
    for &(format, expected) in cases {
        match parse(format) {
            Ok(formatter) => {
                let got = render(&formatter, &record(format_args!("link up after {} ms", 12)));
                if got != expected {
                    failures.push(format!(
                        "{format:?}: got {got:?}, Python wrote {expected:?}"
                    ));
                }
            }
            Err(err) => failures.push(format!("{format:?}: rejected: {err}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Each case of `$table` (up to 128) parsed by `Formatter::$parse` and compiled
/// by `emlog::formatter!`: the compiled renderer must write what Python wrote.
macro_rules! check_compiled_table {
    ($table:ident, $parse:ident) => {
        check_compiled_table!($table, $parse; 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89 90 91 92 93 94 95 96 97 98 99 100 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115 116 117 118 119 120 121 122 123 124 125 126 127)
    };
    ($table:ident, $parse:ident; $($i:literal)*) => {{
        assert!($table.len() <= 128, "a step for every case");
        let mut failures = Vec::new();
        $({
            // Past the table's end, a step compiles its first case and skips it.
            const CASE: (&str, &str) = $table[if $i < $table.len() { $i } else { 0 }];
            const PARSED: Formatter = emlog::format::expect_valid(Formatter::$parse(CASE.0));
            if $i < $table.len() {
                let compiled = emlog::formatter!(PARSED);
                let got = render(compiled, &record(format_args!("link up after {} ms", 12)));
                if got != CASE.1 {
                    failures.push(format!("{:?}: got {got:?}, Python wrote {:?}", CASE.0, CASE.1));
                }
            }
        })*
        assert!(failures.is_empty(), "compiled: {} differ:\n{}", failures.len(), failures.join("\n"));
    }};
}

const PERCENT_CASES: &[(&str, &str)] = &[
    ("%(name)s", "app.net"),
    ("%(name)-10s|", "app.net   |"),
    ("%(name)10s", "   app.net"),
    ("%(name).3s", "app"),
    ("%(name)-10.3s|", "app       |"),
    ("%(name)r", "'app.net'"),
    ("%(name)a", "'app.net'"),
    ("%(name)010s", "   app.net"),
    ("%(name)+s", "app.net"),
    ("%(levelname)-8s|", "INFO    |"),
    ("%(levelname).1s", "I"),
    ("%(levelname)8s", "    INFO"),
    ("%(levelname)r", "'INFO'"),
    ("%(message)s", "link up after 12 ms"),
    ("%(message)30s", "           link up after 12 ms"),
    ("%(message)-30s|", "link up after 12 ms           |"),
    ("%(message).7s", "link up"),
    ("%(message)10.4s", "      link"),
    ("%(message)r", "'link up after 12 ms'"),
    ("%(filename)s", "tcp.rs"),
    ("%(pathname)s", "src/net/tcp.rs"),
    ("%(module)s", "tcp"),
    ("%(threadName)s", "rx-thread"),
    ("%(processName)s", "worker"),
    ("%(asctime)s", "2023-11-14 22:13:20,250"),
    ("%(asctime)30s", "       2023-11-14 22:13:20,250"),
    ("%(asctime).10s", "2023-11-14"),
    ("%(asctime)-25s|", "2023-11-14 22:13:20,250  |"),
    ("%(levelno)s", "20"),
    ("%(levelno)d", "20"),
    ("%(levelno)i", "20"),
    ("%(levelno)u", "20"),
    ("%(levelno)5d", "   20"),
    ("%(levelno)-5d|", "20   |"),
    ("%(levelno)05d", "00020"),
    ("%(levelno)+d", "+20"),
    ("%(levelno) d", " 20"),
    ("%(levelno)+05d", "+0020"),
    ("%(levelno)-+5d|", "+20  |"),
    ("%(levelno).4d", "0020"),
    ("%(levelno)8.4d", "    0020"),
    ("%(levelno)x", "14"),
    ("%(levelno)X", "14"),
    ("%(levelno)o", "24"),
    ("%(levelno)#x", "0x14"),
    ("%(levelno)#X", "0X14"),
    ("%(levelno)#o", "0o24"),
    ("%(levelno)#08x", "0x000014"),
    ("%(levelno)08.3x", "00000014"),
    ("%(levelno)f", "20.000000"),
    ("%(levelno).2f", "20.00"),
    ("%(levelno)e", "2.000000e+01"),
    ("%(levelno).1E", "2.0E+01"),
    ("%(levelno)5s", "   20"),
    ("%(levelno)05s", "   20"),
    ("%(levelno).1s", "2"),
    ("%(levelno)r", "20"),
    ("%(levelno)+s", "20"),
    ("%(lineno)d", "42"),
    ("%(lineno)-6d|", "42    |"),
    ("%(lineno)06d", "000042"),
    ("%(thread)d", "1234"),
    ("%(thread)x", "4d2"),
    ("%(process)d", "4321"),
    ("%(process)o", "10341"),
    ("%(sequence)d", "7"),
    ("%(sequence)03d", "007"),
    ("%(created)s", "1700000000.25"),
    ("%(created)f", "1700000000.250000"),
    ("%(created).3f", "1700000000.250"),
    ("%(created).0f", "1700000000"),
    ("%(created)#.0f", "1700000000."),
    ("%(created).1f", "1700000000.2"),
    ("%(created)20.2f", "       1700000000.25"),
    ("%(created)-20.2f|", "1700000000.25       |"),
    ("%(created)020.3f", "0000001700000000.250"),
    ("%(created)+f", "+1700000000.250000"),
    ("%(created) .2f", " 1700000000.25"),
    ("%(created)e", "1.700000e+09"),
    ("%(created).2e", "1.70e+09"),
    ("%(created).0e", "2e+09"),
    ("%(created)E", "1.700000E+09"),
    ("%(created)d", "1700000000"),
    ("%(created)015d", "000001700000000"),
    ("%(created)r", "1700000000.25"),
    ("%(created).4s", "1700"),
    ("%(created)20s", "       1700000000.25"),
    ("%(created).12f", "1700000000.250000000000"),
    ("%(msecs)s", "250.0"),
    ("%(msecs)d", "250"),
    ("%(msecs)03d", "250"),
    ("%(msecs)f", "250.000000"),
    ("%(msecs).1f", "250.0"),
    ("%(msecs)e", "2.500000e+02"),
    ("%(msecs)6.1f", " 250.0"),
    ("%(relativeCreated)s", "1700000000250.0"),
    ("%(relativeCreated)d", "1700000000250"),
    ("%(relativeCreated).1f", "1700000000250.0"),
    ("%(relativeCreated)e", "1.700000e+12"),
    (
        "%(asctime)s %(levelname)-8s %(name)s: %(message)s",
        "2023-11-14 22:13:20,250 INFO     app.net: link up after 12 ms",
    ),
    ("100%% %(levelname)s %%", "100% INFO %"),
    (
        "[%(asctime)s.%(msecs)03d] %(levelname)s %(filename)s:%(lineno)d %(message)s",
        "[2023-11-14 22:13:20,250.250] INFO tcp.rs:42 link up after 12 ms",
    ),
];
const BRACE_CASES: &[(&str, &str)] = &[
    ("{name}", "app.net"),
    ("{name:<10}|", "app.net   |"),
    ("{name:>10}", "   app.net"),
    ("{name:^10}|", " app.net  |"),
    ("{name:*^11}", "**app.net**"),
    ("{name:.3}", "app"),
    ("{name:10.3}|", "app       |"),
    ("{name!r}", "'app.net'"),
    ("{name!r:>12}", "   'app.net'"),
    ("{name!a}", "'app.net'"),
    ("{name:05}", "app.net"),
    ("{name:s}", "app.net"),
    ("{levelname:<8}|", "INFO    |"),
    ("{levelname:.1}", "I"),
    ("{message}", "link up after 12 ms"),
    ("{message:>30}", "           link up after 12 ms"),
    ("{message:<30}|", "link up after 12 ms           |"),
    ("{message:^30}|", "     link up after 12 ms      |"),
    ("{message:.7}", "link up"),
    ("{message!r}", "'link up after 12 ms'"),
    ("{asctime}", "2023-11-14 22:13:20,250"),
    ("{asctime:>30}", "       2023-11-14 22:13:20,250"),
    ("{levelno}", "20"),
    ("{levelno:d}", "20"),
    ("{levelno:5}", "   20"),
    ("{levelno:<5}|", "20   |"),
    ("{levelno:^5}|", " 20  |"),
    ("{levelno:05}", "00020"),
    ("{levelno:<05}", "20000"),
    ("{levelno:+}", "+20"),
    ("{levelno: }", " 20"),
    ("{levelno:=+6}", "+   20"),
    ("{levelno:*=+6}", "+***20"),
    ("{levelno:+06d}", "+00020"),
    ("{levelno:x}", "14"),
    ("{levelno:X}", "14"),
    ("{levelno:o}", "24"),
    ("{levelno:#x}", "0x14"),
    ("{levelno:#o}", "0o24"),
    ("{levelno:#010x}", "0x00000014"),
    ("{levelno:f}", "20.000000"),
    ("{levelno:.2f}", "20.00"),
    ("{levelno:e}", "2.000000e+01"),
    ("{levelno!s:>5}", "   20"),
    ("{levelno!r}", "20"),
    ("{lineno:>6d}", "    42"),
    ("{thread:x}", "4d2"),
    ("{process:o}", "10341"),
    ("{sequence:03d}", "007"),
    ("{created}", "1700000000.25"),
    ("{created:f}", "1700000000.250000"),
    ("{created:.3f}", "1700000000.250"),
    ("{created:20.2f}", "       1700000000.25"),
    ("{created:_<20.2f}", "1700000000.25_______"),
    ("{created:+.1f}", "+1700000000.2"),
    ("{created:e}", "1.700000e+09"),
    ("{created:.2E}", "1.70E+09"),
    ("{created!s:.6}", "170000"),
    ("{created!r}", "1700000000.25"),
    ("{msecs!s:>8}", "   250.0"),
    ("{created!r:^17}", "  1700000000.25  "),
    ("{msecs}", "250.0"),
    ("{msecs:03.0f}", "250"),
    ("{msecs:.1f}", "250.0"),
    ("{relativeCreated}", "1700000000250.0"),
    ("{relativeCreated:.0f}", "1700000000250"),
    (
        "{asctime} {levelname:<8} {name}: {message}",
        "2023-11-14 22:13:20,250 INFO     app.net: link up after 12 ms",
    ),
    ("{{{levelname}}} {{}}", "{INFO} {}"),
];
const DATEFMT_CASES: &[(&str, &str)] = &[
    ("%Y-%m-%d %H:%M:%S", "2023-11-14 22:13:20"),
    ("%y%m%d", "231114"),
    ("%d %b %Y", "14 Nov 2023"),
    ("%A %B", "Tuesday November"),
    ("%a %b %d %I:%M:%S %p", "Tue Nov 14 10:13:20 PM"),
    ("%j", "318"),
    ("%H%%", "22%"),
    ("%Y-%m-%dT%H:%M:%S%z", "2023-11-14T22:13:20+0000"),
];

#[test]
fn percent_style_matches_python_for_every_field_flag_width_and_precision() {
    check_table(PERCENT_CASES, Formatter::new);
}

#[test]
fn compiled_percent_style_matches_python_for_every_field_flag_width_and_precision() {
    check_compiled_table!(PERCENT_CASES, new);
}

#[test]
fn brace_style_matches_python_for_every_field_and_spec_option() {
    check_table(BRACE_CASES, Formatter::brace);
}

#[test]
fn compiled_brace_style_matches_python_for_every_field_and_spec_option() {
    check_compiled_table!(BRACE_CASES, brace);
}

#[test]
fn datefmt_matches_python_strftime_in_utc() {
    for &(datefmt, expected) in DATEFMT_CASES {
        let f = Formatter::new("%(asctime)s")
            .unwrap()
            .with_datefmt(datefmt)
            .unwrap();
        assert_eq!(
            render(&f, &record(format_args!(""))),
            expected,
            "datefmt {datefmt:?}"
        );
    }
}

#[test]
fn default_asctime_at_the_edges_of_four_digit_years_and_before_the_epoch() {
    // Python: datetime(9999, 12, 31, 23, 59, 59, 999000) and the epoch an
    // hour west render so; a fifth year digit is written in full.
    let f = Formatter::new("%(asctime)s").unwrap();
    let west = Formatter::new("%(asctime)s")
        .unwrap()
        .with_utc_offset(|_| -3600);
    let at = |secs, nanos| record(format_args!("")).with_timestamp(Timestamp::new(secs, nanos));
    assert_eq!(
        render(&f, &at(253_402_300_799, 999_000_000)),
        "9999-12-31 23:59:59,999"
    );
    assert_eq!(
        render(&f, &at(253_402_300_800, 7_000_000)),
        "10000-01-01 00:00:00,007"
    );
    assert_eq!(render(&west, &at(0, 0)), "1969-12-31 23:00:00,000");
}

#[test]
fn msecs_takes_d_in_brace_style_where_python_refuses_it() {
    // Deliberate difference (documented in emlog::format): Python's format()
    // raises for 'd' on its float msecs; emlog truncates like %d.
    let f = Formatter::brace("{msecs:03d}|{created:d}").unwrap();
    let r = record(format_args!("")).with_timestamp(Timestamp::new(5, 7_900_000));
    assert_eq!(render(&f, &r), "007|5");
}

#[test]
fn numbers_round_half_to_even_on_their_exact_decimal_value() {
    // Expectations from Python: '%.0f|%.0f|%.2f|%.2e|%e|%.3f|%.1e' % (0.5, 2.5, 0.125,
    // 9.9999999, 0.0, 999.9999999, 0.25) == '0|2|0.12|1.00e+01|0.000000e+00|1000.000|2.5e-01'
    let cases: [(&'static str, u64, u32, &str); 7] = [
        ("%(created).0f", 0, 500_000_000, "0"),
        ("%(created).0f", 2, 500_000_000, "2"),
        ("%(created).2f", 0, 125_000_000, "0.12"),
        ("%(created).2e", 9, 999_999_900, "1.00e+01"),
        ("%(created)e", 0, 0, "0.000000e+00"),
        ("%(created).3f", 999, 999_999_900, "1000.000"),
        ("%(created).1e", 0, 250_000_000, "2.5e-01"),
    ];
    for (format, secs, nanos, expected) in cases {
        let f = Formatter::new(format).unwrap();
        let r = record(format_args!("")).with_timestamp(Timestamp::new(secs, nanos));
        assert_eq!(render(&f, &r), expected, "{format} of {secs}.{nanos:09}");
    }
}

#[test]
fn created_as_s_writes_every_nonzero_digit_and_keeps_one_after_the_point() {
    let f = Formatter::new("%(created)s").unwrap();
    let at = |secs, nanos| {
        render(
            &f,
            &record(format_args!("")).with_timestamp(Timestamp::new(secs, nanos)),
        )
    };
    assert_eq!(at(1_700_000_000, 0), "1700000000.0");
    assert_eq!(at(1, 123_456_789), "1.123456789");
    assert_eq!(at(0, 10_000_000), "0.01");
}

#[test]
fn text_widths_and_precisions_count_characters_not_bytes() {
    // Python: '%-8s|%8s|%.3s|{:^9}|'.format('héllo') % (3 × 'héllo') == 'héllo   |   héllo|hél|  héllo  |'
    let f = Formatter::new("%(message)-8s|%(message)8s|%(message).3s|").unwrap();
    let g = Formatter::brace("{message:^9}|").unwrap();
    let e = 'é';
    let run = |f: &Formatter| render(f, &record(format_args!("h{e}llo")));
    assert_eq!(run(&f), "héllo   |   héllo|hél|");
    assert_eq!(run(&g), "  héllo  |");
}

#[test]
fn message_precision_cuts_across_argument_pieces() {
    let f = Formatter::brace("[{message:>6.4}]").unwrap();
    let (a, b, c) = ("ab", "c", "def");
    assert_eq!(render(&f, &record(format_args!("{a}{b}{c}"))), "[  abcd]");
}

#[test]
fn repr_quotes_and_escapes_as_python_does() {
    // Python: '%r|%r|%r|%a' % ("it's", 'say "hi" it\'s', 'a\tb\nc\x01\\', 'é中😀')
    let f = Formatter::new("%(message)r").unwrap();
    let a = Formatter::new("%(message)a").unwrap();
    assert_eq!(render(&f, &record(format_args!("it's"))), r#""it's""#);
    assert_eq!(
        render(&f, &record(format_args!("say \"hi\" it's"))),
        r#"'say "hi" it\'s'"#
    );
    assert_eq!(
        render(&f, &record(format_args!("a\tb\nc\x01\\"))),
        r"'a\tb\nc\x01\\'"
    );
    assert_eq!(
        render(&a, &record(format_args!("é中😀"))),
        r"'\xe9\u4e2d\U0001f600'"
    );
    assert_eq!(render(&f, &record(format_args!("é中"))), "'é中'");
}

#[test]
fn plain_templates_render_names_custom_levels_and_messages() {
    // BASIC_FORMAT and its like take the plain renderer; Python's getLevelName
    // gives 'Level N' for a level without a name, whatever its digit count.
    let basic = Formatter::new(Formatter::BASIC).unwrap();
    let brace = Formatter::brace("[{levelname}] {name} {message}!").unwrap();
    for (level, name) in [
        (0, "NOTSET"),
        (7, "Level 7"),
        (25, "Level 25"),
        (50, "CRITICAL"),
        (255, "Level 255"),
    ] {
        let n = core::hint::black_box(3);
        let line = |f: &Formatter| {
            render(
                f,
                &Record::new(Level::new(level), "app.net", format_args!("up {n} x")),
            )
        };
        assert_eq!(line(&basic), format!("{name}:app.net:up 3 x"));
        assert_eq!(line(&brace), format!("[{name}] app.net up 3 x!"));
    }
}

#[test]
fn custom_level_names_render_as_python_getlevelname_with_width() {
    // Python: '%(levelname)-10s|' % {'levelname': 'Level 25'} == 'Level 25  |'
    let f = Formatter::new("%(levelname)-10s|%(levelno)d").unwrap();
    let r = Record::new(Level::new(25), "x", format_args!(""));
    assert_eq!(render(&f, &r), "Level 25  |25");
}

#[test]
fn no_clock_renders_the_epoch() {
    let f = Formatter::new("%(asctime)s %(created)f %(msecs)03d").unwrap();
    let r = Record::new(Level::INFO, "x", format_args!(""));
    assert_eq!(render(&f, &r), "1970-01-01 00:00:00,000 0.000000 000");
}

#[test]
fn utc_offset_moves_asctime_and_shows_in_z() {
    // Python: datetime.fromtimestamp(1700000000.25, timezone(timedelta(seconds=off)))
    //   .strftime('%Y-%m-%d %H:%M:%S %z|%f') for off = 19800 and -36000.
    let east = Formatter::new("%(asctime)s")
        .unwrap()
        .with_datefmt("%Y-%m-%d %H:%M:%S %z|%f")
        .unwrap()
        .with_utc_offset(|_| 19_800);
    let west = east.clone().with_utc_offset(|_| -36_000);
    let r = record(format_args!(""));
    assert_eq!(render(&east, &r), "2023-11-15 03:43:20 +0530|250000");
    assert_eq!(render(&west, &r), "2023-11-14 12:13:20 -1000|250000");
}

#[test]
fn utc_offset_hook_sees_each_records_own_timestamp() {
    // A DST-like rule: +1 h before 1_700_000_000, +2 h from then on.
    let f = Formatter::new("%(asctime)s")
        .unwrap()
        .with_datefmt("%H:%M %Z")
        .unwrap()
        .with_utc_offset(|t| if t.secs < 1_700_000_000 { 3600 } else { 7200 });
    let before = record(format_args!("")).with_timestamp(Timestamp::new(1_699_999_999, 0));
    assert_eq!(render(&f, &before), "23:13 +0100");
    assert_eq!(render(&f, &record(format_args!(""))), "00:13 +0200");
}

#[test]
fn percent_z_names_utc_only_at_offset_zero() {
    // emlog's %Z: "UTC" at offset zero, else the offset (no zone database in no_std).
    let f = Formatter::new("%(asctime)s")
        .unwrap()
        .with_datefmt("%Z")
        .unwrap();
    assert_eq!(render(&f, &record(format_args!(""))), "UTC");
    let g = f.clone().with_utc_offset(|_| -3 * 3600 - 1800);
    assert_eq!(render(&g, &record(format_args!(""))), "-0330");
}

#[test]
fn default_asctime_appends_msecs_but_a_datefmt_does_not() {
    let r = record(format_args!(""));
    let default = Formatter::new("%(asctime)s").unwrap();
    let empty = Formatter::new("%(asctime)s")
        .unwrap()
        .with_datefmt("")
        .unwrap();
    let custom = Formatter::new("%(asctime)s")
        .unwrap()
        .with_datefmt("%H:%M:%S")
        .unwrap();
    assert_eq!(render(&default, &r), "2023-11-14 22:13:20,250");
    assert_eq!(render(&empty, &r), "2023-11-14 22:13:20,250");
    assert_eq!(render(&custom, &r), "22:13:20");
}

#[test]
fn microseconds_extension_f_matches_python_datetime() {
    // Python: datetime.fromtimestamp(1700000000.123456, timezone.utc).strftime('%H:%M:%S.%f')
    let f = Formatter::new("%(asctime)s")
        .unwrap()
        .with_datefmt("%H:%M:%S.%f")
        .unwrap();
    let r = record(format_args!("")).with_timestamp(Timestamp::new(1_700_000_000, 123_456_789));
    assert_eq!(render(&f, &r), "22:13:20.123456");
}

/// Unix seconds, year, month, day, hour, minute, second, weekday, day of the year.
type KnownInstant = (i64, i32, u8, u8, u8, u8, u8, u8, u16);

#[test]
fn civil_dates_of_known_instants() {
    // (unix seconds, y, m, d, H, M, S, weekday Monday=0, yday), from Python's time.gmtime.
    let known: [KnownInstant; 7] = [
        (0, 1970, 1, 1, 0, 0, 0, 3, 1),
        (951_782_400, 2000, 2, 29, 0, 0, 0, 1, 60),
        (4_107_542_400, 2100, 3, 1, 0, 0, 0, 0, 60),
        (2_147_483_648, 2038, 1, 19, 3, 14, 8, 1, 19),
        (-1, 1969, 12, 31, 23, 59, 59, 2, 365),
        (1_709_251_199, 2024, 2, 29, 23, 59, 59, 3, 60),
        (1_735_603_200, 2024, 12, 31, 0, 0, 0, 1, 366),
    ];
    for (secs, y, m, d, hh, mm, ss, wd, yd) in known {
        let t = DateTime::from_unix(secs, 0, 0);
        assert_eq!(
            (
                t.year, t.month, t.day, t.hour, t.minute, t.second, t.weekday, t.yday
            ),
            (y, m, d, hh, mm, ss, wd, yd),
            "at {secs}"
        );
    }
}

#[test]
fn civil_days_advance_one_calendar_day_at_a_time_for_800_years() {
    // Every day from 1600 to 2400 follows the one before by the Gregorian rules.
    let start = -135_140; // 1600-01-01
    let (mut y, mut m, mut d) = civil::civil_from_days(start);
    assert_eq!((y, m, d), (1600, 1, 1));
    for days in start + 1..start + 292_195 {
        let month_len = match m {
            2 if civil::is_leap_year(y) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (y, m, d) = if d < month_len {
            (y, m, d + 1)
        } else if m < 12 {
            (y, m + 1, 1)
        } else {
            (y + 1, 1, 1)
        };
        assert_eq!(civil::civil_from_days(days), (y, m, d), "day {days}");
    }
    assert_eq!((y, m, d), (2400, 1, 1));
}

#[test]
fn leap_years_follow_the_gregorian_century_rule() {
    assert!(civil::is_leap_year(2000) && civil::is_leap_year(2024) && civil::is_leap_year(1600));
    assert!(!civil::is_leap_year(1900) && !civil::is_leap_year(2100) && !civil::is_leap_year(2023));
}

#[test]
fn message_longer_than_the_line_buffer_is_cut_at_a_char_boundary() {
    let f = Formatter::new("%(levelname)s: %(message)s").unwrap();
    let text = "ünïcödé ".repeat(10);
    let mut line: LineBuffer<32> = LineBuffer::new();
    let result = f.render(&record(format_args!("{text}")), &mut line);
    assert!(result.is_err(), "a full line stops the rendering");
    assert!(line.is_truncated());
    assert!(line.len() <= 32 && line.len() >= 29);
    assert!("INFO: ünïcödé ünïcödé ünïcödé ".starts_with(line.as_str()));
}

#[test]
fn padded_message_longer_than_the_line_buffer_is_cut_too() {
    let f = Formatter::new("%(message)40s|").unwrap();
    let text = "x".repeat(5);
    let mut line: LineBuffer<16> = LineBuffer::new();
    assert!(
        f.render(&record(format_args!("é{text}")), &mut line)
            .is_err()
    );
    assert_eq!(line.as_str(), " ".repeat(16));
}

#[test]
fn message_only_is_const_and_is_the_default() {
    const PLAIN: Formatter = Formatter::message_only();
    assert_eq!(render(&PLAIN, &record(format_args!("x={}", 1))), "x=1");
    assert_eq!(
        render(&Formatter::default(), &record(format_args!("x={}", 1))),
        "x=1"
    );
    assert_eq!(PLAIN.source(), "%(message)s");
}

#[test]
fn formatters_built_in_const_items_render_like_runtime_ones() {
    const PERCENT: Formatter = match Formatter::new("%(asctime)s %(levelname)-8s %(message)s") {
        Ok(f) => match f.with_datefmt("%H:%M:%S %z") {
            Ok(f) => f.with_utc_offset(|_| 3600),
            Err(_) => panic!("bad datefmt"),
        },
        Err(_) => panic!("bad format"),
    };
    const BRACE: Formatter = match Formatter::brace("{levelno:03d}|{name!r:>10}") {
        Ok(f) => f,
        Err(_) => panic!("bad format"),
    };
    let r = record(format_args!("up"));
    assert_eq!(render(&PERCENT, &r), "23:13:20 +0100 INFO     up");
    assert_eq!(render(&BRACE, &r), "020| 'app.net'");
    const ERROR: Result<Formatter, emlog::FormatError> = Formatter::new("%(funcName)s");
    assert!(matches!(ERROR, Err(e) if e.position == 2));
}

#[test]
fn empty_format_string_means_the_message_as_in_python() {
    // Python: Formatter('').format(r) and Formatter('', style='{').format(r) give the message.
    let r = record(format_args!("only this"));
    assert_eq!(render(&Formatter::new("").unwrap(), &r), "only this");
    assert_eq!(render(&Formatter::brace("").unwrap(), &r), "only this");
}

#[test]
fn basic_format_is_pythons() {
    let f = Formatter::new(Formatter::BASIC).unwrap();
    assert_eq!(render(&f, &record(format_args!("m"))), "INFO:app.net:m");
}

#[test]
fn formatter_stays_within_its_ram_budget() {
    let size = core::mem::size_of::<Formatter>();
    assert!(
        size <= 200,
        "Formatter is {size} bytes for {MAX_PIECES} pieces"
    );
}

#[test]
fn template_holds_exactly_max_pieces() {
    // 12 fields and 12 literals = 24 pieces; one more literal is over capacity.
    const FULL: &str = "%(name)s.%(name)s.%(name)s.%(name)s.%(name)s.%(name)s.\
                        %(name)s.%(name)s.%(name)s.%(name)s.%(name)s.%(name)s.";
    assert!(Formatter::new(FULL).is_ok());
    const OVER: &str = "%(name)s.%(name)s.%(name)s.%(name)s.%(name)s.%(name)s.\
                        %(name)s.%(name)s.%(name)s.%(name)s.%(name)s.%(name)s.%(name)s";
    let err = Formatter::new(OVER).unwrap_err();
    assert_eq!(
        (err.position, err.kind),
        (OVER.len() - 8, FormatErrorKind::TooManyPieces)
    );
    assert!(err.to_string().contains("at most 24"), "{err}");
}

/// (format, brace style?, byte, kind, words the message must contain)
type ErrorCase = (&'static str, bool, usize, FormatErrorKind, &'static str);

#[test]
fn every_error_kind_says_what_where_and_what_was_expected() {
    use FormatErrorKind::*;
    let cases: [ErrorCase; 29] = [
        (
            "%(lvl)s",
            false,
            2,
            UnknownField { name: "lvl" },
            "unknown field 'lvl' at byte 2: expected one of name, levelno, levelname,",
        ),
        ("{lvl}", true, 1, UnknownField { name: "lvl" }, "sequence"),
        (
            "%(funcName)s",
            false,
            2,
            UnavailableField {
                name: "funcName",
                reason: "Rust has no function name at the call site (module and lineno locate it)",
            },
            "no function name",
        ),
        (
            "{taskName}",
            true,
            1,
            UnavailableField {
                name: "taskName",
                reason: "Rust has no asyncio task (threadName names the thread or interrupt)",
            },
            "asyncio",
        ),
        ("x %(name", false, 2, Unterminated, "expected ')'"),
        ("x {name", true, 2, Unterminated, "'}'"),
        (
            "%(name)",
            false,
            7,
            MissingConversion,
            "expected a conversion",
        ),
        ("%(name)-8", false, 9, MissingConversion, "byte 9"),
        (
            "%(name)q",
            false,
            7,
            BadConversion { found: 'q' },
            "'q' at byte 7",
        ),
        (
            "%(lineno)ld",
            false,
            9,
            BadConversion { found: 'l' },
            "expected one of s, r, a, d",
        ),
        ("{levelno:n}", true, 9, BadConversion { found: 'n' }, "'n'"),
        ("{name!x}", true, 6, BadConversion { found: 'x' }, "'x'"),
        (
            "%(message)d",
            false,
            10,
            ConversionMismatch {
                field: "message",
                conversion: 'd',
            },
            "field 'message', which is a string: expected one of s, r or a (%-style)",
        ),
        (
            "%(levelname)f",
            false,
            12,
            ConversionMismatch {
                field: "levelname",
                conversion: 'f',
            },
            "a string",
        ),
        (
            "%(created)x",
            false,
            10,
            ConversionMismatch {
                field: "created",
                conversion: 'x',
            },
            "a number",
        ),
        (
            "{levelno:s}",
            true,
            9,
            ConversionMismatch {
                field: "levelno",
                conversion: 's',
            },
            "an integer",
        ),
        (
            "{name:+}",
            true,
            6,
            SpecMismatch {
                field: "name",
                found: '+',
            },
            "'+' at byte 6",
        ),
        (
            "{name:=5}",
            true,
            6,
            SpecMismatch {
                field: "name",
                found: '=',
            },
            "a string",
        ),
        (
            "{levelno:.2}",
            true,
            9,
            SpecMismatch {
                field: "levelno",
                found: '.',
            },
            "'.'",
        ),
        ("{levelno:,}", true, 9, BadSpec { found: ',' }, "grouping"),
        ("{levelno:{w}}", true, 9, BadSpec { found: '{' }, "nested"),
        (
            "{name:é<8}",
            true,
            6,
            BadSpec { found: 'é' },
            "a fill must be ASCII",
        ),
        ("%(name).*s", false, 8, BadSpec { found: '*' }, "'*'"),
        ("%(levelno)*d", false, 10, BadSpec { found: '*' }, "'*'"),
        ("%(name)300s", false, 7, NumberTooLarge, "at most 255"),
        (
            "%(name)s 5% off",
            false,
            10,
            LonePercent { found: ' ' },
            "'%%'",
        ),
        (
            "%(name)s 100%",
            false,
            12,
            DanglingPercent,
            "ends the string",
        ),
        ("{name} }", true, 7, LoneBrace, "'}}'"),
        ("just text", false, 0, NoFields, "no field"),
    ];
    for (format, brace, position, kind, words) in cases {
        let parsed = if brace {
            Formatter::brace(format)
        } else {
            Formatter::new(format)
        };
        let err = parsed.expect_err(format);
        assert_eq!((err.position, err.kind), (position, kind), "{format:?}");
        let text = err.to_string();
        assert!(text.contains(words), "{format:?}: {text:?} lacks {words:?}");
        assert!(
            text.contains("expected"),
            "{format:?}: {text:?} says nothing expected"
        );
    }
}

#[test]
fn brace_style_without_fields_is_rejected_too() {
    let err = Formatter::brace("{{}}").unwrap_err();
    assert_eq!((err.position, err.kind), (0, FormatErrorKind::NoFields));
}

#[test]
fn over_long_format_string_is_rejected() {
    let long: &'static str = Box::leak("%(message)s".repeat(6000).into_boxed_str());
    let err = Formatter::new(long).unwrap_err();
    assert_eq!((err.position, err.kind), (65_535, FormatErrorKind::TooLong));
    assert!(err.to_string().contains("65535"));
}

#[test]
fn unknown_datefmt_directive_is_rejected_with_its_position() {
    let err = Formatter::message_only()
        .with_datefmt("%Y-%m-%d %Q")
        .unwrap_err();
    assert_eq!(
        (err.position, err.kind),
        (9, FormatErrorKind::UnknownDirective { found: 'Q' })
    );
    let text = err.to_string();
    assert!(
        text.contains("'%Q' at byte 9: expected one of %Y %m"),
        "{text}"
    );
    let err = Formatter::message_only()
        .with_datefmt("%H:%M %")
        .unwrap_err();
    assert_eq!(
        (err.position, err.kind),
        (6, FormatErrorKind::DanglingPercent)
    );
}

#[test]
fn literal_percent_and_braces_survive_between_fields() {
    let f = Formatter::new("%%%(levelno)d%%%%").unwrap();
    let g = Formatter::brace("}}{{{levelno}}}{{").unwrap();
    let r = record(format_args!(""));
    assert_eq!(render(&f, &r), "%20%%");
    assert_eq!(render(&g, &r), "}{20}{");
}

#[test]
fn record_location_fields_come_from_the_location() {
    let f = Formatter::new("%(pathname)s|%(filename)s|%(module)s|%(lineno)d").unwrap();
    let r = Record::new(Level::INFO, "x", format_args!("")).with_location(Location {
        file: r"C:\src\main.rs",
        line: 7,
        module_path: "firmware",
    });
    assert_eq!(render(&f, &r), r"C:\src\main.rs|main.rs|firmware|7");
}

#[test]
fn integers_beyond_32_bits_render_in_every_radix() {
    // Python: '%d|%x|%X|%o' % ((2**64 - 1,) * 4) and '%d' % 4294967296
    let f = Formatter::new("%(thread)d|%(thread)x|%(thread)X|%(thread)o").unwrap();
    let r = record(format_args!("")).with_thread(ThreadInfo {
        id: u64::MAX,
        name: "t",
    });
    assert_eq!(
        render(&f, &r),
        "18446744073709551615|ffffffffffffffff|FFFFFFFFFFFFFFFF|1777777777777777777777"
    );
    let r = record(format_args!("")).with_thread(ThreadInfo {
        id: 1 << 32,
        name: "t",
    });
    assert_eq!(
        render(&Formatter::new("%(thread)d").unwrap(), &r),
        "4294967296"
    );
}

#[test]
fn extreme_timestamps_render_without_panicking() {
    let f = Formatter::new("%(asctime)s %(created).1f %(created)e").unwrap();
    let r = record(format_args!("")).with_timestamp(Timestamp::new(u64::MAX, 999_999_999));
    let text = render(&f, &r);
    // Python: x = 18446744073709551615.999999999; '%.1f %e' % (x, x) gives the same text.
    assert!(
        text.ends_with(" 18446744073709551616.0 1.844674e+19"),
        "{text}"
    );
    let before_epoch = DateTime::from_unix(-86_401, 0, 0);
    assert_eq!(
        (
            before_epoch.year,
            before_epoch.month,
            before_epoch.day,
            before_epoch.hour
        ),
        (1969, 12, 30, 23)
    );
    let shifted = DateTime::from_unix(0, 0, -1);
    assert_eq!(
        (shifted.year, shifted.second, shifted.weekday),
        (1969, 59, 2)
    );
    assert_eq!(
        DateTime::from_unix(i64::MIN, 0, -86_400).month,
        DateTime::from_unix(i64::MIN, 0, 0).month
    );
}

#[test]
fn strftime_tolerates_out_of_range_fields_in_a_hand_made_datetime() {
    let odd = DateTime {
        year: -44,
        month: 0,
        day: 40,
        hour: 250,
        minute: 0,
        second: 0,
        nanos: 0,
        weekday: 9,
        yday: 0,
        utc_offset: 0,
    };
    let mut out = String::new();
    // Never a panic; the out-of-range month shows some month name.
    civil::strftime("%Y %b %a %I %p", &odd, &mut out).unwrap();
    assert!(
        out.starts_with("-0044 ") && out.ends_with(" Wed 10 PM"),
        "{out}"
    );
    assert_eq!(out.len(), "-0044 Dec Wed 10 PM".len());
}

/// Padded integers take a one-buffer path up to 22 columns and the general
/// one beyond; both write what Python's `%` writes (values from python3).
#[test]
fn padded_integers_match_python_at_the_fast_paths_edges() {
    for (format, expected) in [
        ("%(levelno)22d", "                    20"),
        ("%(levelno)022d", "0000000000000000000020"),
        ("%(levelno)023d", "00000000000000000000020"),
        ("%(created)2d", "1700000000"),
        ("%(msecs)1d", "250"),
    ] {
        let f = Formatter::new(format).unwrap_or_else(|e| panic!("{format}: {e}"));
        let line = render(&f, &record(format_args!("m")));
        assert_eq!(line, expected, "{format}");
    }
    // '{:*>5d}'.format(42), '{:*^6d}'.format(42) (centred: the general path)
    for (format, expected) in [("{lineno:*>5d}", "***42"), ("{lineno:*^6d}", "**42**")] {
        let f = Formatter::brace(format).unwrap_or_else(|e| panic!("{format}: {e}"));
        assert_eq!(render(&f, &record(format_args!("m"))), expected, "{format}");
    }
}

/// Literal text next to fields and escapes keeps its multi-byte characters
/// whole, in both styles (the renderer takes literals as the parser cut them).
#[test]
fn non_ascii_literals_around_fields_and_escapes_come_out_whole() {
    let cases = [
        (
            Formatter::new("é%(levelname)sü%%ß%(name)s€").unwrap(),
            "éINFOü%ßapp.net€",
        ),
        (Formatter::new("日本%(message)s語").unwrap(), "日本m語"),
        (
            Formatter::brace("é{levelname}ü{{ß}}{name}€").unwrap(),
            "éINFOü{ß}app.net€",
        ),
        (Formatter::brace("😀{message:>3}😀").unwrap(), "😀  m😀"),
    ];
    for (formatter, expected) in cases {
        let mut out = String::new();
        formatter
            .render(&record(format_args!("m")), &mut out)
            .unwrap();
        assert_eq!(out, expected, "{}", formatter.source());
        let mut line: LineBuffer<64> = LineBuffer::new();
        formatter
            .render_to(&record(format_args!("m")), &mut line)
            .unwrap();
        assert_eq!(line.as_str(), expected, "{}", formatter.source());
    }
}

/// `%(msecs)03d` has its own path on 64-bit targets: every millisecond is
/// what `'%03d' % msecs` writes, as the general path writes it
/// (`%(msecs)04d` minus its first zero, and `{msecs:03d}`), nanoseconds of a
/// second or more included (the timestamp carries them into its seconds).
#[test]
fn three_digit_msecs_match_the_general_path_for_every_millisecond() {
    let fast = Formatter::new("%(msecs)03d").unwrap();
    let wider = Formatter::new("%(msecs)04d").unwrap();
    let brace = Formatter::brace("{msecs:03d}").unwrap();
    let edges = [1_000_000_000, 1_500_000_000, u32::MAX];
    for millis in 0..1000u32 {
        for nanos in [millis * 1_000_000, millis * 1_000_000 + 999_999]
            .into_iter()
            .chain(edges)
        {
            let record = record(format_args!("m")).with_timestamp(Timestamp::new(7, nanos));
            let line = render(&fast, &record);
            assert_eq!(line, format!("{:03}", record.timestamp.millis()), "{nanos}");
            assert_eq!(line, render(&wider, &record)[1..], "{nanos}");
            assert_eq!(line, render(&brace, &record), "{nanos}");
        }
    }
}

/// A format, its compiled formatter's rendering, and the walk's formatter.
macro_rules! compiled_and_walked {
    ($style:ident $format:literal) => {{
        const PARSED: Formatter = emlog::format::expect_valid(Formatter::$style($format));
        let compiled: RenderCompiled = |record| render(emlog::formatter!(PARSED), record);
        ($format, compiled, PARSED)
    }};
}
type RenderCompiled = fn(&Record<'_>) -> String;

/// A compiled formatter writes `levelname` and the short literal after it
/// together, from a table of its own: for every level number (named or
/// `Level N`), each such format must write what the walk writes.
#[test]
fn compiled_levelname_and_its_literal_match_the_walk_for_every_level() {
    let formats: [(&str, RenderCompiled, Formatter); 8] = [
        compiled_and_walked!(new "%(levelname)s:%(name)s:%(message)s"),
        compiled_and_walked!(new "[%(levelname)s] %(message)s"),
        compiled_and_walked!(new "%(levelname)s%(message)s"),
        compiled_and_walked!(new "%(levelname)s: a literal longer than four bytes|%(message)s"),
        compiled_and_walked!(new "%(levelname)-8s:%(message)s"),
        compiled_and_walked!(new "%(levelname)sé|%(message)s"),
        compiled_and_walked!(brace "{levelname}: {message}"),
        compiled_and_walked!(new "%(levelname)s:%(levelname)s|%(message)s"),
    ];
    for (format, compiled, walked) in &formats {
        for number in 0..=u8::MAX {
            let record = Record::new(Level::new(number), "app", format_args!("m"));
            assert_eq!(
                compiled(&record),
                render(walked, &record),
                "{format:?} at level {number}"
            );
        }
    }
}

/// A compiled formatter writes a literal of up to four bytes from a copy of
/// its own (so that its format string need not be kept): literals of every
/// length around that limit, of one- to four-byte characters, at the start,
/// between fields, after `levelname` and at the end, must render as the walk
/// renders them.
#[test]
fn compiled_short_and_long_literals_match_the_walk() {
    let formats: [(&str, RenderCompiled, Formatter); 12] = [
        compiled_and_walked!(new "%(name)s%(message)s"),
        compiled_and_walked!(new ":%(name)s:%(message)s:"),
        compiled_and_walked!(new "ab%(name)sabc%(message)sabcd"),
        compiled_and_walked!(new "abcde%(name)sabcdef%(message)s"),
        compiled_and_walked!(new "é%(name)sé!%(message)sé!!"),
        compiled_and_walked!(new "éé%(name)séé!%(message)s"),
        compiled_and_walked!(new "→%(name)s→!%(message)s→!!"),
        compiled_and_walked!(new "😀%(name)s😀!%(message)s"),
        compiled_and_walked!(new "%(levelname)s😀%(message)s"),
        compiled_and_walked!(new "%(levelname)s😀!%(message)s"),
        compiled_and_walked!(new "%(levelname)-6s - %(name)s - %(message)s"),
        compiled_and_walked!(brace "{name} | {message} |"),
    ];
    for (format, compiled, walked) in &formats {
        for level in [Level::INFO, Level::new(25)] {
            let record = Record::new(level, "app", format_args!("m 1"));
            assert_eq!(compiled(&record), render(walked, &record), "{format:?}");
        }
    }
}
