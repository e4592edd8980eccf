//! Flushing on a clock, not only when records arrive.
//!
//! A buffered [`FileHandler`](crate::FileHandler) checks its `interval` when a
//! record arrives, so after the last record of a burst its buffer would wait
//! for the next record, a flush, close or drop. A `PeriodicFlush` is the timer
//! that closes that gap: a thread that runs a flush every `interval` (for a
//! [`Logger`](crate::Logger): [`Logger::flush_every`](crate::Logger::flush_every),
//! which takes each handler's own lock only for its flush), so nothing
//! buffered waits longer than about one interval. Dropping the guard stops
//! and joins the thread.

use std::io;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// A thread that runs a flush every interval until this guard is dropped.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::time::Duration;
/// static FLUSHES: AtomicUsize = AtomicUsize::new(0);
/// let timer = emlog_std::PeriodicFlush::start(Duration::from_millis(1), || {
///     FLUSHES.fetch_add(1, Ordering::Relaxed);
/// })
/// .unwrap();
/// while FLUSHES.load(Ordering::Relaxed) == 0 {
///     std::thread::yield_now();
/// }
/// drop(timer); // stops and joins the thread
/// ```
#[derive(Debug)]
pub struct PeriodicFlush {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl PeriodicFlush {
    /// Runs `flush` every `interval` on a thread named `emlog-flush`.
    /// Fails only if the thread cannot be started.
    pub fn start(
        interval: Duration,
        mut flush: impl FnMut() + Send + 'static,
    ) -> io::Result<PeriodicFlush> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = thread::Builder::new()
            .name("emlog-flush".into())
            .spawn(move || {
                // A message or a dropped sender both mean stop.
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                    flush();
                }
            })?;
        Ok(PeriodicFlush {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for PeriodicFlush {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            // A flush that panicked has already been reported by the panic hook.
            let _ = thread.join();
        }
    }
}
