//! Reopening watched files on SIGHUP, the signal `logrotate`'s `postrotate` sends.

use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::{Arc, Mutex};

static FLAGS: Mutex<Vec<Arc<AtomicBool>>> = Mutex::new(Vec::new());
// The signal handler reads a leaked snapshot: it may not lock or allocate.
static SNAPSHOT: AtomicPtr<Vec<Arc<AtomicBool>>> = AtomicPtr::new(std::ptr::null_mut());

extern "C" fn on_sighup(_: libc::c_int) {
    let flags = SNAPSHOT.load(Ordering::Acquire);
    if !flags.is_null() {
        // SAFETY: snapshots are leaked, never freed, so the pointer stays valid.
        for flag in unsafe { &*flags } {
            flag.store(true, Ordering::Release);
        }
    }
}

/// Makes SIGHUP set `flag` (from [`WatchedFileHandler::reopen_flag`](crate::WatchedFileHandler::reopen_flag)),
/// so the handler reopens its file before its next record. Replaces any
/// SIGHUP handler the program had. Each call leaks one small list (the signal
/// handler must never see it freed); call it once per handler at setup.
pub fn reopen_on_sighup(flag: Arc<AtomicBool>) -> std::io::Result<()> {
    let mut flags = FLAGS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    flags.push(flag);
    let snapshot = Box::leak(Box::new(flags.clone()));
    SNAPSHOT.store(snapshot, Ordering::Release);
    // SAFETY: `on_sighup` only loads an atomic pointer and stores atomics,
    // which is async-signal-safe.
    let previous =
        unsafe { libc::signal(libc::SIGHUP, on_sighup as *const () as libc::sighandler_t) };
    if previous == libc::SIG_ERR {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}
