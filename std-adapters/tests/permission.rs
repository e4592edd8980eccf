//! Permission denied, as root: tests run as root, which ignores file modes
//! through CAP_DAC_OVERRIDE. Linux capabilities are per thread, so each test
//! runs in a thread that drops CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and
//! CAP_FOWNER from its effective set; modes then apply to it as to any user.
//! (Without root the modes apply anyway.)
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use emlog::{Handler, Level, Record};
use emlog_std::{FileHandler, RotatingFileHandler};

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: i32,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

const CAPABILITY_VERSION_3: u32 = 0x2008_0522;
const DAC_BITS: u32 = (1 << 1) | (1 << 2) | (1 << 3); // DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER

/// Runs `f` on a new thread whose effective capabilities lack the DAC ones.
fn without_dac_override<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::spawn(move || {
        let mut header = CapHeader {
            version: CAPABILITY_VERSION_3,
            pid: 0,
        };
        let mut data = [CapData::default(); 2];
        // SAFETY: header and a two-element data array, as capget(2) requires for version 3.
        let got = unsafe { libc::syscall(libc::SYS_capget, &mut header, data.as_mut_ptr()) };
        assert_eq!(got, 0, "capget failed: {}", std::io::Error::last_os_error());
        data[0].effective &= !DAC_BITS;
        // SAFETY: as above; only this thread's effective set changes.
        let set = unsafe { libc::syscall(libc::SYS_capset, &mut header, data.as_ptr()) };
        assert_eq!(set, 0, "capset failed: {}", std::io::Error::last_os_error());
        f()
    })
    .join()
    .unwrap()
}

fn log(h: &mut impl Handler, msg: &str) -> bool {
    h.handle(&Record::new(Level::INFO, "test", format_args!("{msg}")))
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn permission_denied_file_is_reported_counted_and_recovers_when_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.log");
    std::fs::write(&path, "").unwrap();
    chmod(&path, 0o444);
    let p = path.clone();
    let (first, second, stats) = without_dac_override(move || {
        let err = FileHandler::new(&p).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied, "{err}");
        assert!(err.to_string().contains("ro.log"), "{err}");
        let mut h = FileHandler::builder(&p).delay().open().unwrap();
        let first = log(&mut h, "denied");
        chmod(&p, 0o644); // the owner may chmod without CAP_FOWNER
        let second = log(&mut h, "allowed");
        (first, second, h.stats())
    });
    assert!(!first && second);
    assert_eq!((stats.errors, stats.dropped, stats.emitted), (1, 1, 1));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "allowed\n");
}

#[test]
fn rename_denied_during_rotation_keeps_writing_and_rolls_once_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let base = logs.join("app.log");
    let (b, l) = (base.clone(), logs.clone());
    let stats = without_dac_override(move || {
        let mut h = RotatingFileHandler::builder(&b)
            .max_bytes(3)
            .backup_count(2)
            .open()
            .unwrap();
        log(&mut h, "0");
        chmod(&l, 0o555); // no renames or creations in the directory
        assert!(log(&mut h, "1"), "the record goes to the live file");
        chmod(&l, 0o755);
        assert!(log(&mut h, "2"));
        h.stats()
    });
    assert_eq!(stats.errors, 1);
    assert_eq!(stats.emitted, 3);
    assert_eq!(
        std::fs::read_to_string(logs.join("app.log.1")).unwrap(),
        "0\n1\n"
    );
    assert_eq!(std::fs::read_to_string(&base).unwrap(), "2\n");
}

#[test]
fn timed_rename_denied_keeps_writing_and_rolls_at_the_next_boundary() {
    use emlog_std::{ManualClock, RolloverSchedule, TimedRotatingFileHandler, When};
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let base = logs.join("t.log");
    let (b, l) = (base.clone(), logs.clone());
    let stats = without_dac_override(move || {
        let clock = ManualClock::at_secs(1_000_000_000); // 2001-09-09 01:46:40 UTC
        let schedule = RolloverSchedule::new(When::Minutes, 1).unwrap().utc();
        let mut h = TimedRotatingFileHandler::builder(&b, schedule)
            .clock(clock.clock())
            .open()
            .unwrap();
        log(&mut h, "0");
        chmod(&l, 0o555);
        clock.advance_secs(60);
        assert!(log(&mut h, "1"), "the record goes to the live file");
        chmod(&l, 0o755);
        assert!(log(&mut h, "2"), "no retry before the next boundary");
        clock.advance_secs(60);
        assert!(log(&mut h, "3"));
        h.stats()
    });
    assert_eq!(stats.errors, 1);
    assert_eq!(stats.emitted, 4);
    assert_eq!(
        std::fs::read_to_string(logs.join("t.log.2001-09-09_01-47")).unwrap(),
        "0\n1\n2\n"
    );
    assert_eq!(std::fs::read_to_string(&base).unwrap(), "3\n");
}
