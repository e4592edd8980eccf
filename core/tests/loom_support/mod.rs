//! What the loom models share: a `critical-section` implementation loom can
//! see, and the model runner with its bound.
//!
//! On a host the critical section is a global re-entrant mutex (the
//! `critical-section` crate's `std` implementation, used by the other tests).
//! Under loom it must be a lock loom schedules, or loom cannot explore the
//! interleavings around it and a thread waiting on a real mutex would hang the
//! model. So here it is a `loom::sync::Mutex`, made re-entrant with a
//! per-thread depth (the dispatcher counts its drops inside its own critical
//! section): the outermost `acquire` locks, the matching `release` unlocks.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex as StdMutex};

use loom::sync::{Mutex, MutexGuard};

loom::lazy_static! {
    static ref LOCK: Mutex<()> = Mutex::new(());
}

loom::thread_local! {
    static DEPTH: Cell<usize> = Cell::new(0);
    static GUARD: RefCell<Option<MutexGuard<'static, ()>>> = RefCell::new(None);
}

struct LoomCriticalSection;
critical_section::set_impl!(LoomCriticalSection);

// SAFETY: mutual exclusion between loom threads comes from loom's mutex, held
// from the outermost acquire to its release; nested sections on the thread
// that holds it only count depth.
unsafe impl critical_section::Impl for LoomCriticalSection {
    unsafe fn acquire() {
        if DEPTH.with(|d| d.replace(d.get() + 1)) == 0 {
            let guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
            GUARD.with(|g| *g.borrow_mut() = Some(guard));
        }
    }

    unsafe fn release(_: ()) {
        if DEPTH.with(|d| d.replace(d.get() - 1)) == 1 {
            GUARD.with(|g| g.borrow_mut().take());
        }
    }
}

/// Runs `f` under every interleaving loom finds within its bound: at most
/// `LOOM_MAX_PREEMPTIONS` preemptions (3 when unset, which tests/loom.sh keeps),
/// and prints how many it ran (`--nocapture` shows it).
#[allow(dead_code)] // Not every model collects outcomes.
pub fn model(f: impl Fn() + Sync + Send + 'static) {
    model_outcomes(f);
}

/// Whether loom runs with its own loads and stores (`EMLOG_LOOM_LOADS=plain`,
/// see src/sync.rs), which explore fewer interleavings: the outcome checks
/// below then cannot expect every outcome.
pub fn plain_loads() -> bool {
    std::env::var("EMLOG_LOOM_LOADS").as_deref() == Ok("plain")
}

/// [`model`], collecting what each interleaving returned: a test asserts that
/// the outcomes it is about were reached, so a model that explored less than
/// it claims fails instead of passing vacuously.
pub fn model_outcomes<T: Ord + Send + 'static>(
    f: impl Fn() -> T + Sync + Send + 'static,
) -> BTreeSet<T> {
    let outcomes = Arc::new(StdMutex::new(BTreeSet::new()));
    let sink = outcomes.clone();
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(3);
    }
    let bound = builder.preemption_bound;
    let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = runs.clone();
    builder.check(move || {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let outcome = f();
        sink.lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(outcome);
    });
    let runs = runs.load(std::sync::atomic::Ordering::Relaxed);
    println!("loom: {runs} interleavings explored (preemption bound {bound:?})");
    std::mem::take(&mut *outcomes.lock().unwrap_or_else(|e| e.into_inner()))
}
