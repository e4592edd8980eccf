//! The atomics and the cell the queue is built from, swappable for `loom`'s.
//!
//! Normally these are `core`'s atomics, [`crate::cas`]'s read-modify-write
//! helpers and a transparent `UnsafeCell` wrapper whose methods inline to a
//! plain pointer: the firmware build is the same machine code as without this
//! module. Built with `RUSTFLAGS="--cfg loom"` (tests/loom.sh) they are
//! `loom`'s, so the model checker sees every atomic access and every access to
//! a slot's record, and reports a data race or a lost update in any
//! interleaving (core/tests/loom_queue.rs).

#[cfg(not(loom))]
pub(crate) use crate::cas::{compare_exchange, fetch_add};
#[cfg(not(loom))]
pub(crate) use core::sync::atomic::{AtomicU8, AtomicU32, Ordering};

#[cfg(loom)]
pub(crate) use core::sync::atomic::Ordering;
#[cfg(loom)]
pub(crate) use loom_atomics::{AtomicU8, AtomicU32};

/// loom's atomics, with one change: by default every access is modelled as a
/// read-modify-write with the same ordering (a load as `fetch_add(0)`, a
/// store as `swap`).
///
/// loom 0.7's partial-order reduction remembers only the last access to each
/// atomic, so when thread A loads `x`, then thread B loads `x` and stores it,
/// it never tries B's store before A's load (tokio-rs/loom#392, #166). Every
/// enqueue and dequeue here loads a turn and then stores it, so with plain
/// loads loom explores a single interleaving of a reader and a writer. A
/// read-modify-write conflicts with every access, so every order of two
/// accesses to one atomic is explored. Stores are swaps too because loom
/// 0.7.3 lets a read-modify-write miss a plain store it must see (after
/// joining the storing thread, `fetch_add(0)` still returned the old value).
/// What this gives up is loom's stale reads (a load returning an older
/// value); `EMLOG_LOOM_LOADS=plain` keeps loom's own accesses for that
/// (tests/loom.sh runs both). Missing Release/Acquire pairs are caught either
/// way: the slot cells are checked by happens-before, not by values read.
#[cfg(loom)]
mod loom_atomics {
    extern crate std;

    use core::sync::atomic::Ordering;

    fn plain_loads() -> bool {
        static PLAIN: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *PLAIN.get_or_init(|| std::env::var("EMLOG_LOOM_LOADS").as_deref() == Ok("plain"))
    }

    macro_rules! atomic {
        ($name:ident, $int:ty) => {
            pub(crate) struct $name(loom::sync::atomic::$name);

            // AtomicU8 is only loaded and stored.
            #[allow(dead_code)]
            impl $name {
                pub(crate) fn new(value: $int) -> Self {
                    $name(loom::sync::atomic::$name::new(value))
                }

                #[track_caller]
                pub(crate) fn load(&self, order: Ordering) -> $int {
                    if plain_loads() {
                        self.0.load(order)
                    } else {
                        self.0.fetch_add(0, order)
                    }
                }

                #[track_caller]
                pub(crate) fn store(&self, value: $int, order: Ordering) {
                    if plain_loads() {
                        self.0.store(value, order)
                    } else {
                        self.0.swap(value, order);
                    }
                }

                #[track_caller]
                pub(crate) fn fetch_add(&self, value: $int, order: Ordering) -> $int {
                    self.0.fetch_add(value, order)
                }

                #[track_caller]
                pub(crate) fn compare_exchange(
                    &self,
                    current: $int,
                    new: $int,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$int, $int> {
                    self.0.compare_exchange(current, new, success, failure)
                }
            }
        };
    }

    atomic!(AtomicU8, u8);
    atomic!(AtomicU32, u32);
}

/// `UnsafeCell` with loom's interface: access goes through a closure given
/// the raw pointer, so loom can check who reads and writes it when.
#[cfg(not(loom))]
#[repr(transparent)]
pub(crate) struct UnsafeCell<T>(core::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    pub(crate) const fn new(value: T) -> Self {
        UnsafeCell(core::cell::UnsafeCell::new(value))
    }

    #[inline(always)]
    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    #[inline(always)]
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}

#[cfg(loom)]
pub(crate) use loom::cell::UnsafeCell;

/// Under loom every host target has compare-and-swap; same contract as
/// [`crate::cas::compare_exchange`].
#[cfg(loom)]
pub(crate) fn compare_exchange(atomic: &AtomicU32, current: u32, new: u32) -> bool {
    atomic
        .compare_exchange(current, new, Ordering::AcqRel, Ordering::Acquire)
        .is_ok()
}

/// Same contract as [`crate::cas::fetch_add`].
#[cfg(loom)]
pub(crate) fn fetch_add(atomic: &AtomicU32, n: u32) -> u32 {
    atomic.fetch_add(n, Ordering::AcqRel)
}
