//! The lock of a handler in a [`Logger`](crate::Logger) slot, taken once per
//! record: it costs what a lock must and no more.
//!
//! `std::sync::Mutex` also records whether its holder panicked (poisoning),
//! which reads the process's panic count when the lock is taken and again when
//! it is let go: 9 of the instructions the logger spends around a handler on
//! every record. The logger catches a handler's panics inside the lock and
//! keeps using the handler (its state is counters and a file), so it ignores
//! poisoning anyway. On Linux this lock is a futex word, as std's own Linux
//! mutex is, without the poison flag; elsewhere it is std's `Mutex` with
//! poisoning ignored.

#[cfg(target_os = "linux")]
pub(crate) use futex::{Guard, HandlerLock};
#[cfg(not(target_os = "linux"))]
pub(crate) use portable::{Guard, HandlerLock};

#[cfg(target_os = "linux")]
mod futex {
    use std::cell::UnsafeCell;
    use std::marker::PhantomData;
    use std::sync::atomic::AtomicU32;
    use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

    const UNLOCKED: u32 = 0;
    const LOCKED: u32 = 1;
    /// Locked, and a thread may be asleep waiting for it: the unlock wakes one.
    const CONTENDED: u32 = 2;

    /// A lock around `T` that never poisons.
    pub(crate) struct HandlerLock<T> {
        state: AtomicU32,
        value: UnsafeCell<T>,
    }

    // SAFETY: `value` is reached only through a `Guard`, and a guard exists
    // only while its thread holds the lock: made only after this thread moved
    // `state` from UNLOCKED (a compare-exchange or swap that saw UNLOCKED, so
    // no two threads hold it at once), and it stores UNLOCKED only when
    // dropped. Acquire on taking and Release on letting go order one holder's
    // accesses before the next's. So, as for `Mutex<T>`, sharing the lock
    // between threads needs only that `T` may move between them.
    unsafe impl<T: Send> Sync for HandlerLock<T> {}

    impl<T> HandlerLock<T> {
        pub(crate) const fn new(value: T) -> HandlerLock<T> {
            HandlerLock {
                state: AtomicU32::new(UNLOCKED),
                value: UnsafeCell::new(value),
            }
        }

        /// Takes the lock, waiting for it if another thread holds it.
        #[inline]
        pub(crate) fn lock(&self) -> Guard<'_, T> {
            if self
                .state
                .compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed)
                .is_err()
            {
                self.wait_for_it();
            }
            Guard {
                lock: self,
                _not_shared: PhantomData,
            }
        }

        /// Takes the lock if no thread holds it now.
        pub(crate) fn try_lock(&self) -> Option<Guard<'_, T>> {
            self.state
                .compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed)
                .ok()
                .map(|_| Guard {
                    lock: self,
                    _not_shared: PhantomData,
                })
        }

        #[cold]
        #[inline(never)]
        fn wait_for_it(&self) {
            // A short spin first: a holder usually only copies a line. Not
            // once others sleep for it (CONTENDED): the unlock wakes one of
            // them, so spinning here would only burn the time (as std's
            // futex mutex stops too).
            for _ in 0..100 {
                match self.state.load(Relaxed) {
                    UNLOCKED
                        if self
                            .state
                            .compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed)
                            .is_ok() =>
                    {
                        return;
                    }
                    CONTENDED => break,
                    _ => {}
                }
                std::hint::spin_loop();
            }
            // Taken as CONTENDED from here on (other sleepers may remain), so
            // this thread's unlock wakes the next.
            while self.state.swap(CONTENDED, Acquire) != UNLOCKED {
                futex_wait(&self.state, CONTENDED);
            }
        }

        fn unlock(&self) {
            if self.state.swap(UNLOCKED, Release) == CONTENDED {
                futex_wake_one(&self.state);
            }
        }
    }

    /// Sleeps while `state` holds `expected` (or until woken, or for no reason:
    /// the caller looks at the state again either way).
    fn futex_wait(state: &AtomicU32, expected: u32) {
        // SAFETY: FUTEX_WAIT only reads the aligned u32 at this address, which
        // the atomic keeps valid for the call; a null timeout waits unbounded.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                state.as_ptr(),
                libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
                expected,
                std::ptr::null::<libc::timespec>(),
            );
        }
    }

    /// Wakes one thread sleeping in [`futex_wait`] on `state`.
    fn futex_wake_one(state: &AtomicU32) {
        // SAFETY: FUTEX_WAKE uses the address only as a key; it reads no memory.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                state.as_ptr(),
                libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
                1,
            );
        }
    }

    /// The lock, held until dropped. Neither sent nor shared between threads
    /// (as `MutexGuard`), so the value is reached by the holder alone.
    pub(crate) struct Guard<'a, T> {
        lock: &'a HandlerLock<T>,
        _not_shared: PhantomData<*const ()>,
    }

    impl<T> std::ops::Deref for Guard<'_, T> {
        type Target = T;

        fn deref(&self) -> &T {
            // SAFETY: this guard's thread holds the lock (see `Sync` above).
            unsafe { &*self.lock.value.get() }
        }
    }

    impl<T> std::ops::DerefMut for Guard<'_, T> {
        fn deref_mut(&mut self) -> &mut T {
            // SAFETY: as `deref`, and `&mut self` makes this the only borrow
            // through the guard.
            unsafe { &mut *self.lock.value.get() }
        }
    }

    impl<T> Drop for Guard<'_, T> {
        fn drop(&mut self) {
            self.lock.unlock();
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod portable {
    use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

    pub(crate) type Guard<'a, T> = MutexGuard<'a, T>;

    /// A lock around `T` whose poisoning is ignored.
    pub(crate) struct HandlerLock<T>(Mutex<T>);

    impl<T> HandlerLock<T> {
        pub(crate) const fn new(value: T) -> HandlerLock<T> {
            HandlerLock(Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> Guard<'_, T> {
            self.0.lock().unwrap_or_else(PoisonError::into_inner)
        }

        pub(crate) fn try_lock(&self) -> Option<Guard<'_, T>> {
            match self.0.try_lock() {
                Ok(guard) => Some(guard),
                Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
                Err(TryLockError::WouldBlock) => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::HandlerLock;
    use std::sync::Arc;

    /// Threads that add under the lock, with the read and the write apart,
    /// lose no addition: one holder at a time, and each sees the last
    /// holder's writes (the contended path sleeps and is woken).
    #[test]
    fn holders_exclude_each_other_under_contention() {
        const THREADS: u64 = 4;
        const ADDS: u64 = 20_000;
        let lock = Arc::new(HandlerLock::new((0u64, 0u64)));
        let workers: Vec<_> = (0..THREADS)
            .map(|_| {
                let lock = Arc::clone(&lock);
                std::thread::spawn(move || {
                    for i in 0..ADDS {
                        let mut held = lock.lock();
                        let (count, _) = *held;
                        if i % 1000 == 0 {
                            // Hold it long enough for others to sleep on it.
                            std::thread::yield_now();
                        }
                        *held = (count + 1, held.1 + i);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        let held = lock.lock();
        assert_eq!(held.0, THREADS * ADDS);
        assert_eq!(held.1, THREADS * (ADDS * (ADDS - 1) / 2));
    }

    #[test]
    fn try_lock_fails_while_held_and_succeeds_after() {
        let lock = HandlerLock::new(5);
        let held = lock.lock();
        std::thread::scope(|s| {
            s.spawn(|| assert!(lock.try_lock().is_none()))
                .join()
                .unwrap();
        });
        drop(held);
        assert_eq!(lock.try_lock().map(|g| *g), Some(5));
    }

    /// A holder that panics lets the lock go, and the next holder finds the
    /// value as it was left (nothing is poisoned).
    #[test]
    fn a_panicking_holder_lets_go_without_poisoning() {
        let lock = HandlerLock::new(1);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut held = lock.lock();
            *held = 2;
            panic!("holder bug");
        }));
        assert!(caught.is_err());
        assert_eq!(*lock.lock(), 2);
    }
}
