//! The std [`Environment`]: system clock, thread and process identity, and the
//! local UTC offset for formatters.

use std::cell::Cell;
use std::collections::HashSet;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use emlog::{Environment, ThreadInfo, Timestamp};

/// Installs the std environment (system clock, thread id and name, process id
/// and name) into the core; [`crate::basic_config`] calls it. Idempotent.
///
/// Thread names are interned: each distinct name is stored once for the life
/// of the program (threads of a pool share one), because records carry them as
/// `&'static str`.
///
/// ```
/// emlog_std::install_environment();
/// let record = emlog::Record::capture(emlog::Level::INFO, "x", format_args!("m"),
///     emlog::Location { file: "", line: 0, module_path: "" });
/// assert!(record.timestamp.secs > 1_600_000_000);
/// assert_eq!(record.process.0, std::process::id());
/// ```
pub fn install_environment() {
    emlog::set_environment(std_environment());
}

/// The std environment, once made.
static STD_ENVIRONMENT: OnceLock<Environment> = OnceLock::new();

/// Where [`STD_ENVIRONMENT`] is, once made (null before): a record's check
/// of which environment is in force is then one compare of two addresses.
static STD_ADDRESS: AtomicPtr<Environment> = AtomicPtr::new(std::ptr::null_mut());

/// The std environment, made once.
pub fn std_environment() -> &'static Environment {
    let std = STD_ENVIRONMENT.get_or_init(|| Environment {
        // The system clock, read through the time-stamp counter where that
        // is sound (see tsc_clock.rs).
        clock: crate::tsc_clock::record_clock(),
        thread: current_thread,
        process_id: std::process::id(),
        process_name: process_name(),
    });
    // Stored before the caller can install it: a thread that sees it
    // installed (`emlog::environment` loads with acquire) sees this too.
    STD_ADDRESS.store(std::ptr::from_ref(std).cast_mut(), Ordering::Release);
    std
}

/// Whether the environment in force is emlog-std's: record timestamps are
/// the system clock's then (a record made by the macros carries a reading
/// of it from when it was made).
#[inline]
pub(crate) fn stamps_records_with_system_time() -> bool {
    // Never null: not made (hence not installed) compares unequal.
    std::ptr::eq(emlog::environment(), STD_ADDRESS.load(Ordering::Relaxed))
}

/// The system clock as a record timestamp.
pub fn system_timestamp() -> Timestamp {
    let (secs, nanos) = system_time();
    u64::try_from(secs).map_or(Timestamp::ZERO, |secs| Timestamp::new(secs, nanos))
}

/// The system clock: seconds since the Unix epoch (negative before it) and
/// nanoseconds past them. On Unix one `clock_gettime` (a vDSO call, no
/// system call), without `SystemTime`'s checked subtraction from the epoch,
/// which cost more than the clock read on every record.
pub(crate) fn system_time() -> (i64, u32) {
    #[cfg(unix)]
    {
        let mut now = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes one timespec through a valid pointer.
        if unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut now) } == 0 {
            // time_t is 32 bits on some Unix targets, 64 on most.
            #[allow(clippy::useless_conversion)]
            return (i64::from(now.tv_sec), now.tv_nsec as u32);
        }
    }
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => (
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            d.subsec_nanos(),
        ),
        Err(e) => {
            let d = e.duration();
            let secs = -i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            match d.subsec_nanos() {
                0 => (secs, 0),
                n => (secs - 1, 1_000_000_000 - n),
            }
        }
    }
}

fn process_name() -> &'static str {
    let name = std::env::args_os()
        .next()
        .and_then(|p| {
            std::path::Path::new(&p)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| String::from("MainProcess"));
    intern(&name)
}

/// Stores each distinct string once, for the program's life.
fn intern(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let names = NAMES.get_or_init(|| Mutex::new(HashSet::new()));
    let Ok(mut names) = names.lock() else {
        return "?";
    };
    if let Some(&known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

thread_local! {
    static THREAD: Cell<Option<ThreadInfo<'static>>> = const { Cell::new(None) };
}

/// The calling thread: a small number given in order of first logging (the
/// main thread is not guaranteed to be 1), and its name or `Thread-N`.
pub fn current_thread() -> ThreadInfo<'static> {
    match THREAD.try_with(Cell::get) {
        Ok(Some(known)) => known,
        // A tail call: the per-record path keeps no stack frame for it.
        _ => thread_not_known_yet(),
    }
}

/// The calling thread's first record (or one made while it exits).
#[cold]
#[inline(never)]
fn thread_not_known_yet() -> ThreadInfo<'static> {
    THREAD
        .try_with(first_record_of_this_thread)
        // During thread teardown the thread-local is gone.
        .unwrap_or(ThreadInfo {
            id: 0,
            name: "exiting",
        })
}

/// Numbers and names the calling thread, once (out of the per-record path).
fn first_record_of_this_thread(cell: &Cell<Option<ThreadInfo<'static>>>) -> ThreadInfo<'static> {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let current = std::thread::current();
    let name = match current.name() {
        Some("main") => "MainThread",
        Some(name) => intern(name),
        None => intern(&format!("Thread-{id}")),
    };
    let info = ThreadInfo { id, name };
    cell.set(Some(info));
    info
}

struct CachedOffset {
    /// The offset holds from this second (inclusive)…
    from: i64,
    /// …to this one (exclusive): the neighbouring DST transitions.
    until: i64,
    seconds: i32,
}

/// Seconds east of UTC of the system's local time zone at `t`: the function to
/// give `Formatter::with_utc_offset` so `asctime` shows local time.
///
/// The offset is cached between the zone's transitions (it only changes at DST
/// changes), so a record costs a compare in the usual case.
///
/// ```
/// let offset = emlog_std::local_utc_offset(emlog::Timestamp::new(1_700_000_000, 0));
/// assert!(offset.abs() <= 14 * 3600);
/// ```
pub fn local_utc_offset(t: Timestamp) -> i32 {
    static CACHE: Mutex<Option<CachedOffset>> = Mutex::new(None);
    let secs = i64::try_from(t.secs).unwrap_or(i64::MAX);
    if let Ok(cache) = CACHE.try_lock()
        && let Some(c) = cache.as_ref()
        && c.from <= secs
        && secs < c.until
    {
        return c.seconds;
    }
    let computed = offset_span(&jiff::tz::TimeZone::system(), secs);
    let seconds = computed.seconds;
    if let Ok(mut cache) = CACHE.try_lock() {
        *cache = Some(computed);
    }
    seconds
}

fn offset_span(tz: &jiff::tz::TimeZone, secs: i64) -> CachedOffset {
    let Ok(ts) = jiff::Timestamp::from_second(secs) else {
        return CachedOffset {
            from: secs,
            until: secs,
            seconds: 0,
        };
    };
    let seconds = tz.to_offset(ts).seconds();
    let from = tz
        .preceding(
            ts.checked_add(jiff::SignedDuration::from_secs(1))
                .unwrap_or(ts),
        )
        .next()
        .map_or(i64::MIN, |tr| tr.timestamp().as_second());
    let until = tz
        .following(ts)
        .next()
        .map_or(i64::MAX, |tr| tr.timestamp().as_second());
    CachedOffset {
        from,
        until,
        seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_span_covers_the_instant_and_ends_at_the_next_transition() {
        let tz = jiff::tz::TimeZone::posix("EST+05EDT,M3.2.0,M11.1.0").unwrap();
        // 2012-07-01T12:00Z: summer, EDT.
        let span = offset_span(&tz, 1_341_144_000);
        assert_eq!(span.seconds, -4 * 3600);
        assert!(span.from <= 1_341_144_000 && 1_341_144_000 < span.until);
        // DST ended 2012-11-04 06:00 UTC.
        assert_eq!(span.until, 1_352_008_800);
        let winter = offset_span(&tz, 1_352_008_800);
        assert_eq!(winter.seconds, -5 * 3600);
        assert_eq!(winter.from, 1_352_008_800);
    }

    #[test]
    fn the_system_time_agrees_with_std() {
        let std_now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        let (secs, nanos) = system_time();
        let ours = std::time::Duration::new(u64::try_from(secs).unwrap(), nanos);
        assert!(ours >= std_now && ours - std_now < std::time::Duration::from_secs(1));
        assert!(nanos < 1_000_000_000);
    }

    #[test]
    fn thread_names_are_interned_and_main_is_main_thread() {
        let a = std::thread::Builder::new()
            .name("worker".into())
            .spawn(current_thread)
            .unwrap()
            .join()
            .unwrap();
        let b = std::thread::Builder::new()
            .name("worker".into())
            .spawn(current_thread)
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(a.name, "worker");
        assert!(std::ptr::eq(a.name, b.name));
        assert_ne!(a.id, b.id);
    }
}
