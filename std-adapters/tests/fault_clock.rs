//! The wall clock jumps under timed rotation (NTP step, a VM resumed, an
//! operator's `date -s`): one rollover after a jump forward, the next
//! boundary of the new time after a jump back, never an overwritten file.

mod fault_support;

use std::path::Path;

use emlog_std::{
    ManualClock, RolloverSchedule, RotatingFileHandler, TimedRotatingFileHandler, When,
};
use fault_support::info;

const T0: i64 = 1_700_000_000; // 2023-11-14 22:13:20 UTC
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn hourly(path: &Path, clock: &ManualClock) -> TimedRotatingFileHandler {
    let schedule = RolloverSchedule::new(When::Hours, 1).unwrap().utc();
    TimedRotatingFileHandler::builder(path, schedule)
        .clock(clock.clock())
        .open()
        .unwrap()
}

#[test]
fn clock_jumping_forward_a_week_rolls_once_not_once_per_missed_hour() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.log");
    let clock = ManualClock::at_secs(T0);
    let mut h = hourly(&path, &clock);
    info(&mut h, "before the jump");
    clock.advance_secs(7 * DAY);
    info(&mut h, "after 1");
    info(&mut h, "after 2");
    assert_eq!(h.rollovers(), 1);
    assert_eq!(
        h.rollover_at(),
        T0 + 7 * DAY + HOUR,
        "the next boundary counts from now"
    );
    assert_eq!(
        read(&dir.path().join("t.log.2023-11-14_22")),
        "before the jump\n"
    );
    assert_eq!(read(&path), "after 1\nafter 2\n");
}

#[test]
fn clock_set_back_a_day_rolls_at_the_next_boundary_of_the_new_time_not_a_day_late() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.log");
    let clock = ManualClock::at_secs(T0);
    let mut h = hourly(&path, &clock);
    info(&mut h, "a");
    clock.set_secs(T0 - DAY);
    info(&mut h, "b");
    assert!(
        h.rollover_at() <= T0 - DAY + HOUR,
        "the boundary follows the clock back (rollover_at {}, now {})",
        h.rollover_at(),
        T0 - DAY
    );
    clock.advance_secs(HOUR);
    info(&mut h, "c");
    assert_eq!(h.rollovers(), 1, "rolled an hour later, not 25 hours later");
    assert_eq!(read(&path), "c\n");
}

#[test]
fn clock_set_back_within_the_interval_keeps_the_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at_secs(T0);
    let mut h = hourly(&dir.path().join("t.log"), &clock);
    let at = h.rollover_at();
    clock.set_secs(T0 - 600);
    info(&mut h, "ten minutes back");
    assert_eq!((h.rollover_at(), h.rollovers()), (at, 0));
}

#[test]
fn clock_set_back_over_a_rollover_never_overwrites_the_file_already_rotated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.log");
    let day = 19_000 * DAY; // 2022-01-08, midnight UTC
    let clock = ManualClock::at_secs(day + 60);
    let schedule = RolloverSchedule::new(When::Midnight, 1).unwrap().utc();
    let mut h = TimedRotatingFileHandler::builder(&path, schedule)
        .clock(clock.clock())
        .open()
        .unwrap();
    info(&mut h, "first pass");
    clock.set_secs(day + DAY + 60);
    info(&mut h, "next day");
    assert_eq!(read(&dir.path().join("t.log.2022-01-08")), "first pass\n");
    clock.set_secs(day + 120); // back to the day already rotated
    info(&mut h, "second pass");
    clock.set_secs(day + DAY + 120);
    info(&mut h, "next day again");
    assert_eq!(
        read(&dir.path().join("t.log.2022-01-08")),
        "first pass\n",
        "the rotated file is kept, not overwritten"
    );
    assert_eq!(
        read(&path),
        "next day\nsecond pass\nnext day again\n",
        "nothing lost"
    );
}

#[test]
fn size_or_time_rotation_follows_the_clock_back_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let clock = ManualClock::at_secs(T0);
    let mut h = RotatingFileHandler::builder(&path)
        .max_bytes(1 << 20)
        .backup_count(2)
        .also_every(
            RolloverSchedule::new(When::Hours, 1).unwrap().utc(),
            clock.clock(),
        )
        .open()
        .unwrap();
    info(&mut h, "a");
    clock.set_secs(T0 - DAY);
    info(&mut h, "b");
    clock.advance_secs(HOUR);
    info(&mut h, "c");
    assert_eq!(
        h.rollovers(),
        1,
        "rolled an hour after the jump back, not 25 hours"
    );
    assert_eq!(read(&dir.path().join("app.log.1")), "a\nb\n");
    assert_eq!(read(&path), "c\n");
}

#[test]
fn a_log_file_dated_in_the_future_does_not_postpone_the_first_rollover() {
    // The clock was set back between two runs: the existing file's mtime is
    // a day ahead of now, and the first boundary (from that mtime) with it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.log");
    std::fs::write(&path, "earlier run\n").unwrap();
    let mtime = std::time::UNIX_EPOCH + std::time::Duration::from_secs((T0 + DAY) as u64);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let clock = ManualClock::at_secs(T0);
    let mut h = hourly(&path, &clock);
    assert_eq!(
        h.rollover_at(),
        T0 + DAY + HOUR,
        "from the file's mtime, as Python"
    );
    info(&mut h, "now");
    clock.advance_secs(HOUR);
    info(&mut h, "an hour later");
    assert_eq!(h.rollovers(), 1, "rolled an hour later, not a day later");
    assert_eq!(read(&path), "an hour later\n");
}
