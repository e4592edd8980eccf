//! Record timestamps read through the processor's time-stamp counter: the
//! system clock (`CLOCK_REALTIME`, a vDSO call) costs 25–40 ns a read on a
//! virtual machine, the counter (`rdtsc`) about 14 ns, and every record
//! reads the time once.
//!
//! Each thread extrapolates from an anchor, a (counter, clock) pair read
//! together (the clock read between two counter reads at most a few
//! thousand ticks apart), at the counter's rate in nanoseconds per tick.
//! That rate is measured against the clock on each thread: for its first
//! 2 ms of records the thread reads the clock itself, and every anchor after
//! that refines the rate over the whole span since. A thread takes a new
//! anchor from the clock every 250 µs of counter time (and at the end of each
//! second, so that a timestamp needs no carry, and after any sleep),
//! so a timestamp is never more than 250 µs of extrapolation from a clock
//! read. The rate is off by at most the anchors' uncertainty over the span
//! measured (a few µs over 2 ms at first, soon nanoseconds over seconds),
//! and NTP slews the clock by at most 500 ppm: a timestamp is within about a
//! microsecond of the clock's own reading at first, and tens of nanoseconds
//! after a few seconds, far inside the millisecond that records show. An
//! anchor that disagrees with the extrapolation by more than 50 µs (the
//! clock was set, forward or back) restarts the measurement, so a step of
//! the clock is followed within 250 µs and never extrapolated from.
//!
//! Used only where the kernel itself reads time from the counter (x86-64
//! Linux with the `tsc` clocksource, which the kernel picks only when the
//! counter is constant-rate and synchronised across cores); elsewhere every
//! timestamp is the system clock's ([`crate::system_timestamp`]).
// Elsewhere only the tests use the counter's arithmetic.
#![cfg_attr(
    not(all(target_arch = "x86_64", target_os = "linux")),
    allow(dead_code)
)]

use emlog::Timestamp;

/// Counter time between anchors, in nanoseconds.
const REANCHOR_NANOS: u64 = 250_000;
/// How long a thread measures the counter's rate before extrapolating.
const MEASURE_NANOS: u64 = 2_000_000;
/// An anchor further than this from the extrapolation restarts the measurement.
const AGREEMENT_NANOS: u64 = 50_000;
/// The most counter ticks a clock read may take for its anchor to count: a
/// read takes a few hundred; one that took longer (the thread was preempted)
/// is read again.
const READ_TICKS: u64 = 4_000;

/// The record clock: through the counter where that is sound (see the
/// module), else the system clock. Chosen once, when the environment is
/// made, so that no record asks which.
pub(crate) fn record_clock() -> fn() -> Timestamp {
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    if counter_is_the_kernels_clock() {
        return x86::now;
    }
    exact
}

/// The system clock's reading (out of line: the counter's path stays small).
#[inline(never)]
fn exact() -> Timestamp {
    crate::system_timestamp()
}

/// Whether the kernel reads time from the counter (its clocksource is `tsc`).
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn counter_is_the_kernels_clock() -> bool {
    let source =
        std::fs::read_to_string("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    matches!(source.as_deref().map(str::trim), Ok("tsc"))
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod x86 {
    use std::cell::Cell;

    use emlog::Timestamp;

    use super::{MEASURE_NANOS, READ_TICKS, ThreadClock};

    thread_local! {
        pub(super) static CLOCK: Cell<ThreadClock> = const { Cell::new(ThreadClock::NEW) };
    }

    fn counter() -> u64 {
        // SAFETY: `rdtsc` reads the time-stamp counter; every x86-64
        // processor has it, and it touches no memory.
        unsafe { core::arch::x86_64::_rdtsc() }
    }

    /// The system clock in nanoseconds since the epoch; `None` before 1970.
    fn clock() -> Option<u64> {
        let (secs, nanos) = crate::environment::system_time();
        u64::try_from(secs)
            .ok()?
            .checked_mul(1_000_000_000)?
            .checked_add(u64::from(nanos))
    }

    /// The time through the counter. One range check covers every case
    /// but extrapolation: while the rate is measured, and before the first
    /// anchor, `reanchor_ticks` is 0, so it fails into [`not_extrapolated`].
    pub(super) fn now() -> Timestamp {
        let read = CLOCK.try_with(|cell| {
            let tsc = counter();
            cell.get().extrapolate_timestamp(tsc).ok_or(tsc)
        });
        match read {
            Ok(Ok(time)) => time,
            Ok(Err(tsc)) => not_extrapolated(tsc),
            // The thread is ending.
            Err(_) => super::exact(),
        }
    }

    /// The counter read `tsc` is past the anchor's interval, or the rate is
    /// not measured yet.
    #[cold]
    #[inline(never)]
    fn not_extrapolated(tsc: u64) -> Timestamp {
        match CLOCK.try_with(Cell::get) {
            Ok(state) if state.measuring() => measuring(state.start_nanos),
            Ok(_) => anchor(tsc),
            Err(_) => super::exact(),
        }
    }

    /// Until the rate is measured, the clock itself; then
    /// the anchor that ends the measurement.
    #[cold]
    #[inline(never)]
    fn measuring(start: u64) -> Timestamp {
        let Some(real) = clock() else {
            return super::exact();
        };
        if real > start && real - start < MEASURE_NANOS {
            return super::timestamp(real);
        }
        anchor(counter())
    }

    /// Reads the clock between two counter reads, and takes them as the
    /// anchor unless the read took too long (the thread was preempted): the
    /// reading is the timestamp either way.
    /// `before` is the counter read just now.
    #[cold]
    #[inline(never)]
    fn anchor(before: u64) -> Timestamp {
        let Some(real) = clock() else {
            return super::exact();
        };
        let ticks = counter().wrapping_sub(before);
        if ticks <= READ_TICKS {
            let tsc = before.wrapping_add(ticks / 2);
            let _ = CLOCK.try_with(|cell| {
                let mut clock = cell.get();
                clock.anchor(tsc, real);
                cell.set(clock);
            });
        }
        super::timestamp(real)
    }
}

const NANOS_PER_SEC: u64 = 1_000_000_000;

/// Nanoseconds since the epoch as a timestamp.
fn timestamp(nanos: u64) -> Timestamp {
    Timestamp::new(nanos / NANOS_PER_SEC, (nanos % NANOS_PER_SEC) as u32)
}

/// One thread's anchor and its measure of the counter's rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ThreadClock {
    /// The counter and the clock (nanoseconds since the epoch) at the anchor.
    anchor_tsc: u64,
    anchor_nanos: u64,
    /// The clock at the anchor as seconds and nanoseconds past them: a
    /// timestamp extrapolated from them needs no division.
    anchor_secs: u64,
    anchor_subsec: u32,
    /// Nanoseconds per tick × 2³²; 0 while the rate is being measured.
    rate: u64,
    /// Ticks in [`REANCHOR_NANOS`], or to the end of the anchor's second if
    /// that is sooner (an extrapolated timestamp then never carries into
    /// the next second); 0 while the rate is being measured (then every
    /// read is the clock's).
    reanchor_ticks: u64,
    /// Where the rate measurement started (`start_nanos` 0: not yet).
    start_tsc: u64,
    start_nanos: u64,
}

impl ThreadClock {
    const NEW: ThreadClock = ThreadClock {
        anchor_tsc: 0,
        anchor_nanos: 0,
        anchor_secs: 0,
        anchor_subsec: 0,
        rate: 0,
        reanchor_ticks: 0,
        start_tsc: 0,
        start_nanos: 0,
    };

    /// Whether the rate is being measured (the clock read directly meanwhile).
    #[inline(always)]
    fn measuring(&self) -> bool {
        self.rate == 0 && self.start_nanos != 0
    }

    /// Nanoseconds from the anchor to counter `tsc`, if that is within
    /// [`REANCHOR_NANOS`] and the anchor's second. (`delta × rate` is below
    /// 2³² × `REANCHOR_NANOS`, far below 2⁶⁴: `delta` is below
    /// `reanchor_ticks`, which is at most `REANCHOR_NANOS × 2³² / rate`.)
    #[inline(always)]
    fn since_anchor(&self, tsc: u64) -> Option<u64> {
        let delta = tsc.wrapping_sub(self.anchor_tsc);
        if delta < self.reanchor_ticks {
            return Some((delta * self.rate) >> 32);
        }
        None
    }

    /// The time at counter `tsc` in nanoseconds since the epoch, if it is
    /// within [`REANCHOR_NANOS`] after the anchor and in its second.
    #[cfg(test)]
    fn extrapolate(&self, tsc: u64) -> Option<u64> {
        Some(self.anchor_nanos + self.since_anchor(tsc)?)
    }

    /// [`extrapolate`](Self::extrapolate) as a timestamp, without a
    /// division: in the anchor's second, so its nanoseconds are the
    /// anchor's plus those since (the sum is below 10⁹, `reanchor_ticks`
    /// ends at the second's end; the latter are below [`REANCHOR_NANOS`]).
    #[inline(always)]
    fn extrapolate_timestamp(&self, tsc: u64) -> Option<Timestamp> {
        let since = self.since_anchor(tsc)? as u32;
        Some(Timestamp {
            secs: self.anchor_secs,
            nanos: self.anchor_subsec + since,
        })
    }

    /// Takes (`tsc`, `real`) as the anchor: measures or refines the rate,
    /// or restarts the measurement when the anchor disagrees with the
    /// extrapolation (the clock was set).
    fn anchor(&mut self, tsc: u64, real: u64) {
        if self.rate != 0 {
            let delta = tsc.wrapping_sub(self.anchor_tsc);
            let predicted =
                u128::from(self.anchor_nanos) + ((u128::from(delta) * u128::from(self.rate)) >> 32);
            if predicted.abs_diff(u128::from(real)) > u128::from(AGREEMENT_NANOS) {
                *self = ThreadClock::NEW;
            }
        }
        if self.start_nanos == 0 || real <= self.start_nanos || tsc <= self.start_tsc {
            // Starting (again), or the clock or counter went back past the start.
            *self = ThreadClock {
                start_tsc: tsc,
                start_nanos: real,
                ..ThreadClock::NEW
            };
        }
        self.anchor_tsc = tsc;
        self.anchor_nanos = real;
        self.anchor_secs = real / NANOS_PER_SEC;
        self.anchor_subsec = (real % NANOS_PER_SEC) as u32;
        let span = real - self.start_nanos;
        if span >= MEASURE_NANOS {
            let ticks = u128::from(tsc - self.start_tsc);
            let rate = (u128::from(span) << 32) / ticks;
            match u64::try_from(rate) {
                Ok(rate) if rate > 0 => {
                    self.rate = rate;
                    let to_second = NANOS_PER_SEC - u64::from(self.anchor_subsec);
                    let nanos = REANCHOR_NANOS.min(to_second);
                    self.reanchor_ticks =
                        u64::try_from((u128::from(nanos) << 32) / u128::from(rate)).unwrap_or(0);
                }
                _ => *self = ThreadClock::NEW,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A counter at 3 GHz (1/3 ns a tick) and a clock that runs at `ppm`
    /// parts per million off it, from `t0`.
    struct Machine {
        t0: u64,
        ppm: f64,
    }

    impl Machine {
        fn tsc(&self, ns: u64) -> u64 {
            1_000_000 + ns * 3
        }
        fn real(&self, ns: u64) -> u64 {
            self.t0 + (ns as f64 * (1.0 + self.ppm * 1e-6)) as u64
        }
    }

    /// Runs `clock` over `steps` reads `gap` ns apart: anchors when it
    /// cannot extrapolate. Returns the largest error seen once extrapolating.
    fn run(clock: &mut ThreadClock, m: &Machine, from: u64, steps: u64, gap: u64) -> (u64, u64) {
        let (mut worst, mut extrapolated) = (0, 0);
        for i in 0..steps {
            let ns = from + i * gap;
            let (tsc, real) = (m.tsc(ns), m.real(ns));
            match clock.extrapolate(tsc) {
                Some(t) => {
                    assert_eq!(clock.extrapolate_timestamp(tsc), Some(timestamp(t)));
                    worst = worst.max(t.abs_diff(real));
                    extrapolated += 1;
                }
                None => clock.anchor(tsc, real),
            }
        }
        (worst, extrapolated)
    }

    #[test]
    fn the_clock_is_read_until_the_rate_is_measured_then_extrapolated_closely() {
        let m = Machine {
            t0: 1_700_000_000_000_000_000,
            ppm: 0.0,
        };
        let mut clock = ThreadClock::NEW;
        // The first 2 ms: every read is an anchor.
        let (_, extrapolated) = run(&mut clock, &m, 0, 19, 100_000);
        assert_eq!(extrapolated, 0);
        assert_eq!(clock.rate, 0);
        // Then reads 100 ns apart are extrapolated, within a few ns.
        let (worst, extrapolated) = run(&mut clock, &m, 2_000_000, 100_000, 100);
        assert!(extrapolated > 99_000, "{extrapolated}");
        assert!(worst <= 2, "{worst} ns");
    }

    #[test]
    fn a_thread_measures_the_rate_for_two_milliseconds_from_its_first_anchor() {
        let mut clock = ThreadClock::NEW;
        assert!(!clock.measuring(), "nothing to measure from yet");
        clock.anchor(1_000, 5_000_000_000);
        assert!(clock.measuring());
        clock.anchor(5_000_000, 5_001_999_999);
        assert!(clock.measuring(), "not yet 2 ms");
        clock.anchor(6_001_000, 5_002_000_000);
        assert!(!clock.measuring());
        // 3,000 ticks at 1/3 ns a tick, to the nanosecond below.
        let later = clock.extrapolate(6_001_000 + 3_000).unwrap();
        assert!(later.abs_diff(5_002_001_000) <= 1, "{later}");
    }

    /// The fast path's one range check is what sends a thread without an
    /// anchor, or still measuring the rate, to the clock: it must fail for
    /// every counter value then.
    #[test]
    fn nothing_is_extrapolated_before_the_first_anchor_or_while_measuring() {
        let edges = [0, 1, 999, 1_000, 1_001, 5_000_000, u64::MAX / 2, u64::MAX];
        for tsc in edges {
            assert_eq!(ThreadClock::NEW.extrapolate(tsc), None, "{tsc}");
        }
        let mut clock = ThreadClock::NEW;
        clock.anchor(1_000, 5_000_000_000);
        clock.anchor(4_000_000, 5_001_000_000);
        assert!(clock.measuring());
        for tsc in edges {
            assert_eq!(clock.extrapolate(tsc), None, "{tsc}");
        }
    }

    #[test]
    fn a_slewed_clock_is_followed_within_a_microsecond() {
        for ppm in [-500.0, 500.0] {
            let m = Machine {
                t0: 1_700_000_000_000_000_000,
                ppm,
            };
            let mut clock = ThreadClock::NEW;
            run(&mut clock, &m, 0, 21, 100_000);
            let (worst, _) = run(&mut clock, &m, 2_100_000, 200_000, 137);
            assert!(worst < 1_000, "{ppm} ppm: {worst} ns");
        }
    }

    #[test]
    fn anchors_read_with_jitter_still_extrapolate_within_microseconds() {
        let m = Machine {
            t0: 1_700_000_000_000_000_000,
            ppm: 0.0,
        };
        let mut clock = ThreadClock::NEW;
        // Each anchor's clock reading off by up to 1.5 µs either way (the
        // midpoint of a slow read), at random.
        let mut seed = 12345u64;
        let mut worst = 0;
        for i in 0..400_000u64 {
            let ns = i * 97;
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let jitter = (seed >> 33) % 3_000;
            let (tsc, real) = (m.tsc(ns), m.real(ns));
            match clock.extrapolate(tsc) {
                Some(t) => worst = worst.max(t.abs_diff(real)),
                None => clock.anchor(tsc, real + jitter - 1_500),
            }
        }
        assert_ne!(clock.rate, 0);
        assert!(worst < 5_000, "{worst} ns");
    }

    #[test]
    fn a_clock_set_back_or_forward_is_followed_and_measured_again() {
        for step in [-5_000_000_000i64, 3_600_000_000_000, 60_000] {
            let mut m = Machine {
                t0: 1_700_000_000_000_000_000,
                ppm: 0.0,
            };
            let mut clock = ThreadClock::NEW;
            run(&mut clock, &m, 0, 21, 100_000);
            run(&mut clock, &m, 2_100_000, 1_000, 100);
            assert_ne!(clock.rate, 0);
            m.t0 = m.t0.wrapping_add_signed(step);
            // Within one re-anchor interval the step is seen.
            let later = 2_100_000 + 1_000 * 100 + 300_000;
            let (tsc, real) = (m.tsc(later), m.real(later));
            assert_eq!(clock.extrapolate(tsc), None, "past the interval");
            clock.anchor(tsc, real);
            assert_eq!(clock.rate, 0, "measuring again after a step of {step}");
            assert_eq!(
                clock.extrapolate(tsc + 10),
                None,
                "reads the clock meanwhile"
            );
        }
    }

    /// Extrapolation stops at the anchor's second's end (the next read
    /// anchors in the new second), so a timestamp is the anchor's second
    /// and never needs a carry; `run` compares each with the nanosecond count.
    #[test]
    fn extrapolation_stops_at_the_end_of_the_anchors_second() {
        let m = Machine {
            t0: 1_700_000_000_995_000_000,
            ppm: 0.0,
        };
        let mut clock = ThreadClock::NEW;
        run(&mut clock, &m, 0, 21, 100_000);
        // Across the second's end at 5 ms.
        let (worst, extrapolated) = run(&mut clock, &m, 2_100_000, 70_000, 137);
        assert!(extrapolated > 65_000, "{extrapolated}");
        assert!(worst <= 2, "{worst} ns");
        // An anchor 10 ns (30 ticks) before the next second's end.
        let (tsc, real) = (m.tsc(1_004_999_990), m.real(1_004_999_990));
        assert_eq!(clock.extrapolate(tsc), None);
        clock.anchor(tsc, real);
        assert_eq!(clock.anchor_subsec, 999_999_990);
        for ticks in 0..=40 {
            match clock.extrapolate_timestamp(tsc + ticks) {
                Some(t) => {
                    assert_eq!(t.secs, 1_700_000_001, "{ticks}");
                    assert_eq!(
                        Some(timestamp(clock.extrapolate(tsc + ticks).unwrap())),
                        Some(t)
                    );
                }
                None => assert!(ticks >= 30, "{ticks}"),
            }
        }
        assert_eq!(
            clock.extrapolate_timestamp(tsc + 29),
            Some(Timestamp::new(1_700_000_001, 999_999_999))
        );
        assert_eq!(clock.extrapolate_timestamp(tsc + 31), None);
        // The next anchor, in the new second, extrapolates the full interval.
        let (tsc, real) = (m.tsc(1_005_000_300), m.real(1_005_000_300));
        clock.anchor(tsc, real);
        let later = clock.extrapolate_timestamp(tsc + 300_000).unwrap();
        assert_eq!(later.secs, 1_700_000_002);
        assert!(later.nanos.abs_diff(100_300) <= 2, "{later:?}");
    }

    #[test]
    fn timestamps_split_nanoseconds_into_seconds() {
        assert_eq!(
            timestamp(1_700_000_000_999_999_999),
            Timestamp::new(1_700_000_000, 999_999_999)
        );
        assert_eq!(timestamp(0), Timestamp::ZERO);
    }

    /// On this machine: through the counter or not, a timestamp lies between
    /// the system clock's readings just before and after it, give or take
    /// 200 µs (extrapolation is off by microseconds at most).
    #[test]
    fn timestamps_agree_with_the_system_clock() {
        let nanos = |t: Timestamp| u128::from(t.secs) * 1_000_000_000 + u128::from(t.nanos);
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_millis(100) {
            let before = nanos(crate::system_timestamp());
            let t = nanos(record_clock()());
            let after = nanos(crate::system_timestamp());
            assert!(
                t + 200_000 >= before && t <= after + 200_000,
                "{before} {t} {after}"
            );
        }
        #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
        if counter_is_the_kernels_clock() {
            let rate = x86::CLOCK.with(|clock| clock.get().rate);
            assert_ne!(
                rate, 0,
                "after its first 2 ms this thread reads the counter"
            );
        }
    }
}
