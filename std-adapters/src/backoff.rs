//! Python's reconnect back-off for socket handlers, with an injectable clock.
//!
//! After a failed connection attempt no new attempt is made until a retry
//! period has passed: 1 s after the first failure, then doubled after each
//! further failure up to 30 s (Python's `retryStart`, `retryFactor`,
//! `retryMax`). A success resets it. Records given to the handler while it
//! waits are dropped and counted, as Python drops them (silently, there).

use std::sync::Arc;
use std::time::{Duration, Instant};

/// A monotonic clock, injectable so that back-off rules are tested without sleeping.
pub type Clock = Arc<dyn Fn() -> Instant + Send + Sync>;

/// The system's monotonic clock.
pub fn system_clock() -> Clock {
    Arc::new(Instant::now)
}

/// When the next connection attempt may be made.
///
/// ```
/// use std::time::{Duration, Instant};
/// use emlog_std::backoff::Backoff;
/// let mut backoff = Backoff::python();
/// let t0 = Instant::now();
/// backoff.failed(t0);
/// assert!(!backoff.may_attempt(t0 + Duration::from_millis(999)));
/// assert!(backoff.may_attempt(t0 + Duration::from_secs(1)));
/// backoff.failed(t0 + Duration::from_secs(1));
/// assert_eq!(backoff.period(), Some(Duration::from_secs(2)));
/// ```
#[derive(Clone, Debug)]
pub struct Backoff {
    start: Duration,
    factor: f64,
    max: Duration,
    period: Duration,
    retry_at: Option<Instant>,
}

impl Backoff {
    /// Python's: start 1 s, factor 2, at most 30 s.
    pub fn python() -> Backoff {
        Backoff::new(Duration::from_secs(1), 2.0, Duration::from_secs(30))
    }

    /// A back-off of `start` after the first failure, multiplied by `factor`
    /// (at least 1) after each further one, never above `max`.
    pub fn new(start: Duration, factor: f64, max: Duration) -> Backoff {
        Backoff {
            start,
            factor: if factor.is_finite() && factor >= 1.0 {
                factor
            } else {
                1.0
            },
            max: max.max(start),
            period: start,
            retry_at: None,
        }
    }

    /// Whether an attempt may be made at `now`.
    pub fn may_attempt(&self, now: Instant) -> bool {
        self.retry_at.is_none_or(|at| now >= at)
    }

    /// Records a successful attempt: the next failure starts from `start` again.
    pub fn succeeded(&mut self) {
        self.retry_at = None;
    }

    /// Records a failed attempt at `now`.
    pub fn failed(&mut self, now: Instant) {
        self.period = if self.retry_at.is_none() {
            self.start
        } else {
            self.period.mul_f64(self.factor).min(self.max)
        };
        self.retry_at = Some(now + self.period);
    }

    /// The current retry period, while backing off.
    pub fn period(&self) -> Option<Duration> {
        self.retry_at.map(|_| self.period)
    }

    /// When the next attempt may be made, while backing off.
    pub fn retry_at(&self) -> Option<Instant> {
        self.retry_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_doubles_to_the_cap_and_resets_after_success() {
        let mut b = Backoff::python();
        let t = Instant::now();
        let mut seen = Vec::new();
        for _ in 0..7 {
            b.failed(t);
            seen.push(b.period().map_or(0, |p| p.as_secs()));
        }
        assert_eq!(seen, [1, 2, 4, 8, 16, 30, 30]);
        b.succeeded();
        assert!(b.may_attempt(t));
        b.failed(t);
        assert_eq!(b.period(), Some(Duration::from_secs(1)));
    }
}
