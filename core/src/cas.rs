//! Read-modify-write on atomics, on every target.
//!
//! Most targets have compare-and-swap; thumbv6m (Cortex-M0) has only atomic
//! loads and stores. There the same operations run inside a critical section,
//! which on a single core makes them atomic with respect to every interrupt.
//! The critical section covers only the few instructions of the operation.

use core::sync::atomic::{AtomicU32, Ordering};

/// Stores `new` if the value is `current`; returns whether it did. AcqRel on
/// success, Acquire on failure.
#[inline]
pub(crate) fn compare_exchange(atomic: &AtomicU32, current: u32, new: u32) -> bool {
    #[cfg(target_has_atomic = "32")]
    {
        atomic
            .compare_exchange(current, new, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }
    #[cfg(not(target_has_atomic = "32"))]
    {
        critical_section::with(|_| {
            if atomic.load(Ordering::Acquire) == current {
                atomic.store(new, Ordering::Release);
                true
            } else {
                false
            }
        })
    }
}

/// Adds `n` (wrapping); returns the previous value.
#[inline]
// Under loom the queue counts with loom's atomics (sync.rs); only defmt uses this.
#[cfg_attr(loom, allow(dead_code))]
pub(crate) fn fetch_add(atomic: &AtomicU32, n: u32) -> u32 {
    #[cfg(target_has_atomic = "32")]
    {
        atomic.fetch_add(n, Ordering::AcqRel)
    }
    #[cfg(not(target_has_atomic = "32"))]
    {
        critical_section::with(|_| {
            let old = atomic.load(Ordering::Acquire);
            atomic.store(old.wrapping_add(n), Ordering::Release);
            old
        })
    }
}
