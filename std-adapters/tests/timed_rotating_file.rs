//! TimedRotatingFileHandler and its schedule: CPython's computeRollover tables
//! (UTC, and local under US DST rules), files-to-delete, restart, no overwrite.

use std::path::{Path, PathBuf};

use emlog::{Handler, Level, Record};
use emlog_std::{ManualClock, RolloverSchedule, TimedRotatingFileHandler, When};
use jiff::civil::date;
use jiff::tz::TimeZone;

const DAY: i64 = 86_400;

fn log(h: &mut impl Handler, msg: &str) {
    h.handle(&Record::new(Level::INFO, "test", format_args!("{msg}")));
}

fn us_eastern() -> TimeZone {
    TimeZone::posix("EST+05EDT,M3.2.0,M11.1.0").unwrap()
}

/// A local time in US Eastern; `later` picks the second of a repeated hour (Python's fold=1).
fn local(y: i16, mo: i8, d: i8, h: i8, mi: i8, s: i8, later: bool) -> i64 {
    let amb = us_eastern().to_ambiguous_timestamp(date(y, mo, d).at(h, mi, s, 0));
    let ts = if later { amb.later() } else { amb.earlier() }.unwrap();
    ts.as_second()
}

#[test]
fn invalid_when_is_a_construction_error() {
    for bad in ["X", "W", "W7", "", "midnight2"] {
        let err = RolloverSchedule::parse(bad, 1).unwrap_err();
        assert!(
            err.to_string()
                .contains("expected S, M, H, D, MIDNIGHT or W0 to W6"),
            "{bad}: {err}"
        );
    }
    assert!(RolloverSchedule::parse("h", 0).is_err());
    assert!(
        RolloverSchedule::parse("midnight", 1)
            .unwrap()
            .at_time(24, 0, 0)
            .is_err()
    );
}

#[test]
fn compute_rollover_from_the_epoch_for_every_when_and_interval() {
    // CPython's generated test_compute_rollover_{S,M,H,D,MIDNIGHT,W0}[_interval], UTC.
    for interval in [1u32, 3] {
        let n = i64::from(interval);
        for (when, expected) in [
            ("S", n),
            ("M", 60 * n),
            ("H", 3600 * n),
            ("D", DAY * n),
            ("MIDNIGHT", DAY * n),
            // The epoch is a Thursday: W0 first rolls at the midnight ending Monday.
            ("W0", 5 * DAY + (n - 1) * 7 * DAY),
        ] {
            let s = RolloverSchedule::parse(when, interval).unwrap().utc();
            assert_eq!(s.next_rollover(0), expected, "{when} interval {interval}");
        }
    }
}

#[test]
fn compute_rollover_midnight_utc_with_and_without_at_time() {
    let plain = RolloverSchedule::new(When::Midnight, 1).unwrap().utc();
    assert_eq!(plain.next_rollover(0), DAY);
    assert_eq!(plain.next_rollover(DAY - 1), DAY);
    assert_eq!(plain.next_rollover(DAY), 2 * DAY);
    let noon = plain.clone().at_time(12, 0, 0).unwrap();
    assert_eq!(noon.next_rollover(0), DAY / 2);
    assert_eq!(noon.next_rollover(DAY / 2 - 1), DAY / 2);
    assert_eq!(noon.next_rollover(DAY / 2), DAY / 2 + DAY);
}

#[test]
fn compute_rollover_weekly_utc_at_noon() {
    // Day 0 is Thursday (W3).
    for weekday in 0u8..7 {
        let s = RolloverSchedule::new(When::Weekday(weekday), 1)
            .unwrap()
            .utc()
            .at_time(12, 0, 0)
            .unwrap();
        let days_ahead = (i64::from(weekday) - 3).rem_euclid(7);
        assert_eq!(
            s.next_rollover(0),
            days_ahead * DAY + DAY / 2,
            "W{weekday} from Thursday 00:00"
        );
        // At exactly noon on the day, the next one is a week later.
        let at = days_ahead * DAY + DAY / 2;
        assert_eq!(
            s.next_rollover(at),
            at + 7 * DAY,
            "W{weekday} at its own noon"
        );
    }
}

#[test]
fn compute_rollover_midnight_local_across_us_dst_changes() {
    let s = RolloverSchedule::new(When::Midnight, 1)
        .unwrap()
        .time_zone(us_eastern());
    let cases = [
        (
            local(2012, 3, 10, 23, 59, 59, false),
            local(2012, 3, 11, 0, 0, 0, false),
        ),
        (
            local(2012, 3, 11, 0, 0, 0, false),
            local(2012, 3, 12, 0, 0, 0, false),
        ),
        (
            local(2012, 3, 11, 1, 0, 0, false),
            local(2012, 3, 12, 0, 0, 0, false),
        ),
        (
            local(2012, 11, 3, 23, 59, 59, false),
            local(2012, 11, 4, 0, 0, 0, false),
        ),
        (
            local(2012, 11, 4, 0, 0, 0, false),
            local(2012, 11, 5, 0, 0, 0, false),
        ),
        (
            local(2012, 11, 4, 1, 0, 0, false),
            local(2012, 11, 5, 0, 0, 0, false),
        ),
        (
            local(2012, 11, 4, 1, 0, 0, true),
            local(2012, 11, 5, 0, 0, 0, false),
        ),
    ];
    for (t, expected) in cases {
        assert_eq!(s.next_rollover(t), expected, "from {t}");
    }
}

#[test]
fn compute_rollover_at_time_in_missing_and_repeated_local_hours() {
    let tz = us_eastern();
    let at = |h, m| {
        RolloverSchedule::new(When::Midnight, 1)
            .unwrap()
            .time_zone(tz.clone())
            .at_time(h, m, 0)
            .unwrap()
    };
    // 02:00 does not exist on 2012-03-11: the rollover is at 03:00 EDT.
    assert_eq!(
        at(2, 0).next_rollover(local(2012, 3, 10, 2, 0, 0, false)),
        local(2012, 3, 11, 3, 0, 0, false)
    );
    assert_eq!(
        at(2, 30).next_rollover(local(2012, 3, 10, 2, 30, 0, false)),
        local(2012, 3, 11, 3, 30, 0, false)
    );
    // 01:30 happens twice on 2012-11-04.
    assert_eq!(
        at(1, 30).next_rollover(local(2012, 11, 4, 1, 0, 0, true)),
        local(2012, 11, 4, 1, 30, 0, true)
    );
    assert_eq!(
        at(1, 30).next_rollover(local(2012, 11, 3, 1, 30, 0, false)),
        local(2012, 11, 4, 1, 30, 0, false)
    );
}

#[test]
fn compute_rollover_w6_local_with_interval_3_across_dst() {
    let s = RolloverSchedule::new(When::Weekday(6), 3)
        .unwrap()
        .time_zone(us_eastern());
    // Saturday 2012-03-10 noon: Python's W6 rolls at the midnight ending Sunday,
    // plus two more weeks for interval 3; DST began in between.
    assert_eq!(
        s.next_rollover(local(2012, 3, 10, 12, 0, 0, false)),
        local(2012, 3, 26, 0, 0, 0, false)
    );
    let weekly = RolloverSchedule::new(When::Weekday(6), 1)
        .unwrap()
        .time_zone(us_eastern());
    assert_eq!(
        weekly.next_rollover(local(2012, 11, 3, 12, 0, 0, false)),
        local(2012, 11, 5, 0, 0, 0, false)
    );
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn rolls_at_the_boundary_and_names_the_file_for_the_interval_start() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at_secs(1_000_000_000); // 2001-09-09 01:46:40 UTC
    let s = RolloverSchedule::new(When::Seconds, 1).unwrap().utc();
    let mut h = TimedRotatingFileHandler::builder(dir.path().join("t.log"), s)
        .clock(clock.clock())
        .open()
        .unwrap();
    log(&mut h, "before");
    clock.advance_millis(1100);
    log(&mut h, "after");
    assert_eq!(names(dir.path()), ["t.log", "t.log.2001-09-09_01-46-40"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t.log.2001-09-09_01-46-40")).unwrap(),
        "before\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t.log")).unwrap(),
        "after\n"
    );
}

#[test]
fn rolls_over_on_restart_after_the_boundary_from_the_file_mtime() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.log");
    std::fs::write(&path, "first run\n").unwrap();
    let day = 19_000 * DAY; // 2022-01-08
    let mtime = std::time::UNIX_EPOCH + std::time::Duration::from_secs((day + 3600) as u64);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let clock = ManualClock::at_secs(day + DAY + 60); // the next day
    let s = RolloverSchedule::new(When::Midnight, 1).unwrap().utc();
    let mut h = TimedRotatingFileHandler::builder(&path, s)
        .clock(clock.clock())
        .open()
        .unwrap();
    assert_eq!(h.rollover_at(), day + DAY);
    log(&mut h, "second run");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t.log.2022-01-08")).unwrap(),
        "first run\n"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "second run\n");
}

#[test]
fn never_overwrites_an_existing_rotated_file() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at_secs(19_000 * DAY);
    let s = RolloverSchedule::new(When::Midnight, 1).unwrap().utc();
    let path = dir.path().join("t.log");
    let mut h = TimedRotatingFileHandler::builder(&path, s)
        .clock(clock.clock())
        .open()
        .unwrap();
    std::fs::write(
        dir.path().join("t.log.2022-01-08"),
        "rolled by someone else\n",
    )
    .unwrap();
    log(&mut h, "a");
    clock.advance_secs(DAY);
    log(&mut h, "b");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t.log.2022-01-08")).unwrap(),
        "rolled by someone else\n"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "a\nb\n");
    assert_eq!(
        h.rollover_at(),
        19_000 * DAY + 2 * DAY,
        "moved on to the next boundary"
    );
}

#[test]
fn dev_null_never_rolls_but_moves_its_boundary() {
    // The first boundary comes from /dev/null's mtime; start well after it.
    let later = emlog_std::Clock::system().now_secs() + 3600;
    let clock = ManualClock::at_secs(later);
    let s = RolloverSchedule::new(When::Seconds, 1).unwrap().utc();
    let mut h = TimedRotatingFileHandler::builder("/dev/null", s)
        .clock(clock.clock())
        .open()
        .unwrap();
    log(&mut h, "x");
    assert_eq!(h.rollovers(), 0);
    assert_eq!(h.rollover_at(), later + 1);
}

#[test]
fn deletes_beyond_backup_count_by_name_pattern() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at_secs(19_000 * DAY);
    let s = RolloverSchedule::new(When::Midnight, 1).unwrap().utc();
    let path = dir.path().join("t.log");
    // Not ours: other prefixes, non-matching suffixes.
    for other in [
        "t.log.2022-01-0",
        "t.log.2022-01-01.gz",
        "x.log.2022-01-01",
        "t.log.notadate",
    ] {
        std::fs::write(dir.path().join(other), "").unwrap();
    }
    let mut h = TimedRotatingFileHandler::builder(&path, s)
        .backup_count(2)
        .clock(clock.clock())
        .open()
        .unwrap();
    for i in 0..4 {
        log(&mut h, &i.to_string());
        clock.advance_secs(DAY);
    }
    log(&mut h, "4");
    let ours: Vec<String> = names(dir.path())
        .into_iter()
        .filter(|n| n.starts_with("t.log.2022-01-"))
        .collect();
    assert_eq!(
        ours,
        [
            "t.log.2022-01-0",
            "t.log.2022-01-01.gz",
            "t.log.2022-01-10",
            "t.log.2022-01-11"
        ]
    );
}

/// CPython's bpo-46063 case: prefixes that are prefixes of each other, with and without namers.
#[test]
fn files_to_delete_tells_apart_prefixes_and_namers() {
    let dir = tempfile::tempdir().unwrap();
    let dates = ["2022-01-01", "2022-01-02", "2022-01-03"];
    for prefix in ["a.b", "a.b.c", "d.e", "d.e.f", "g"] {
        for d in dates {
            // Plain names for a.*, g; namer names (extension kept last) for d.*.
            let name = if prefix.starts_with('d') {
                format!("{prefix}.{d}.log")
            } else {
                format!("{prefix}.log.{d}")
            };
            std::fs::write(dir.path().join(name), "").unwrap();
        }
    }
    let namer = |p: &Path| -> PathBuf {
        // d.e.log.2022-01-01 -> d.e.2022-01-01.log
        let s = p.to_str().unwrap();
        let (head, date) = s.rsplit_once(".log.").unwrap();
        PathBuf::from(format!("{head}.{date}.log"))
    };
    let clock = ManualClock::at_secs(0);
    let open = |prefix: &str, with_namer: bool| {
        let s = RolloverSchedule::new(When::Days, 1).unwrap().utc();
        let b = TimedRotatingFileHandler::builder(dir.path().join(format!("{prefix}.log")), s)
            .backup_count(1)
            .delay()
            .clock(clock.clock());
        let b = if with_namer { b.namer(namer) } else { b };
        b.open().unwrap()
    };
    let short = |v: Vec<PathBuf>| -> Vec<String> {
        v.into_iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        short(open("a.b", false).files_to_delete().unwrap()),
        ["a.b.log.2022-01-01", "a.b.log.2022-01-02"]
    );
    assert_eq!(
        short(open("a.b.c", false).files_to_delete().unwrap()),
        ["a.b.c.log.2022-01-01", "a.b.c.log.2022-01-02"]
    );
    assert_eq!(
        short(open("g", false).files_to_delete().unwrap()),
        ["g.log.2022-01-01", "g.log.2022-01-02"]
    );
    assert_eq!(
        short(open("d.e", true).files_to_delete().unwrap()),
        ["d.e.2022-01-01.log", "d.e.2022-01-02.log"]
    );
    assert_eq!(
        short(open("d.e.f", true).files_to_delete().unwrap()),
        ["d.e.f.2022-01-01.log", "d.e.f.2022-01-02.log"]
    );
}

#[test]
fn gzip_rotator_with_namer_is_deleted_beyond_backup_count() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at_secs(19_000 * DAY); // 2022-01-08
    let s = RolloverSchedule::new(When::Midnight, 1).unwrap().utc();
    let path = dir.path().join("t.log");
    let mut h = TimedRotatingFileHandler::builder(&path, s)
        .backup_count(2)
        .namer(emlog_std::gzip_namer)
        .rotator(emlog_std::GzipRotator::background())
        .clock(clock.clock())
        .open()
        .unwrap();
    for i in 0..5 {
        log(&mut h, &format!("day {i}"));
        clock.advance_secs(DAY);
    }
    log(&mut h, "today");
    h.close();
    assert_eq!(
        names(dir.path()),
        ["t.log", "t.log.2022-01-11.gz", "t.log.2022-01-12.gz"]
    );
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(
            std::fs::File::open(dir.path().join("t.log.2022-01-12.gz")).unwrap(),
        ),
        &mut text,
    )
    .unwrap();
    assert_eq!(text, "day 4\n");
}

#[test]
fn rotated_names_are_dst_corrected_like_python() {
    let s = RolloverSchedule::new(When::Midnight, 1)
        .unwrap()
        .time_zone(us_eastern());
    // The day DST starts is 23 hours long: the file rolled at the next
    // midnight is still named for that day, not the day before.
    let at = local(2012, 3, 12, 0, 0, 0, false);
    assert_eq!(s.suffix_for(at, at), "2012-03-11");
    // The day DST ends is 25 hours long.
    let at = local(2012, 11, 5, 0, 0, 0, false);
    assert_eq!(s.suffix_for(at, at), "2012-11-04");
    // Without a change in between, no correction.
    let at = local(2012, 7, 2, 0, 0, 0, false);
    assert_eq!(s.suffix_for(at, at), "2012-07-01");
}
