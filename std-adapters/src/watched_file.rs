//! WatchedFileHandler: reopens its file when something else moved or deleted it.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use emlog::{Handler, HandlerStats, Level, Record};

use crate::Clock;
use crate::file::{FileBuilder, FileHandler, file_builder_methods, with_path};

/// Builds a [`WatchedFileHandler`].
#[derive(Debug)]
pub struct WatchedFileHandlerBuilder {
    file: FileBuilder,
    grace: Duration,
    clock: Clock,
}

impl WatchedFileHandlerBuilder {
    file_builder_methods!();

    /// When the path is gone but the open file was only renamed (it still has
    /// a name), keep writing to it for up to `grace` before creating a new
    /// file, so a rotator that creates the new file itself (logrotate's
    /// `create`) is not raced. Default zero: Python's behaviour, recreate at
    /// once. A deleted file is always replaced at once (its records would be lost).
    pub fn rename_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// The clock the grace is measured with (default: the system clock).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Opens the file (unless delayed).
    pub fn open(self) -> io::Result<WatchedFileHandler> {
        let path = self.file.path.clone();
        Ok(WatchedFileHandler {
            inner: self.file.build().map_err(|e| with_path(e, &path))?,
            reopen_requested: Arc::new(AtomicBool::new(false)),
            reopens: 0,
            grace_millis: i64::try_from(self.grace.as_millis()).unwrap_or(i64::MAX),
            clock: self.clock,
            missing_since: None,
        })
    }
}

/// Python's `WatchedFileHandler`, for files that `logrotate` (or a person)
/// moves away: before each record the path is `stat`ed, and if it names a
/// different file (device or inode changed) or nothing, the handler reopens
/// it, so records go to the new file.
///
/// With `logrotate`'s `create` mode, set a [`rename_grace`](WatchedFileHandlerBuilder::rename_grace)
/// (e.g. one second): records keep going to the renamed file until logrotate
/// has created the new one, then switch, and nothing is lost. Without it
/// (Python's behaviour) the handler may create the new file first; logrotate
/// then renames that file to `NAME-YYYYMMDDHH.backup`, and a second such race
/// in the same hour overwrites the first backup, losing its records.
///
/// With `copytruncate` this handler is not needed (the file stays the same)
/// and records written between logrotate's copy and its truncate are lost:
/// that window is logrotate's, not the handler's. Measured here (4 writer
/// threads at ~100,000 records/s, files of a few hundred KB, logrotate 3.21):
/// a median of ~220 records lost per rotation, a window of about 2 ms that
/// grows with the file's size (the copy's duration); see the
/// `logrotate_copytruncate_mode_loss_window_is_measured` test.
///
/// [`reopen`](Self::reopen) reopens unconditionally, and
/// [`reopen_flag`](Self::reopen_flag) gives a flag a signal handler may set
/// (see [`reopen_on_sighup`](crate::reopen_on_sighup)), checked before the next record.
///
/// Not meaningful on Windows (no inodes), as in Python.
///
/// ```
/// use emlog::{Handler, Level, Record};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("app.log");
/// let mut h = emlog_std::WatchedFileHandler::builder(&path).open().unwrap();
/// h.handle(&Record::new(Level::INFO, "app", format_args!("one")));
/// std::fs::rename(&path, dir.path().join("app.log.1")).unwrap();
/// h.handle(&Record::new(Level::INFO, "app", format_args!("two")));
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "two\n");
/// ```
#[derive(Debug)]
pub struct WatchedFileHandler {
    inner: FileHandler,
    reopen_requested: Arc<AtomicBool>,
    reopens: u64,
    grace_millis: i64,
    clock: Clock,
    missing_since: Option<i64>,
}

impl WatchedFileHandler {
    /// A builder for `path`.
    pub fn builder(path: impl AsRef<Path>) -> WatchedFileHandlerBuilder {
        WatchedFileHandlerBuilder {
            file: FileBuilder::new(path),
            grace: Duration::ZERO,
            clock: Clock::system(),
        }
    }

    /// The file's absolute path.
    pub fn path(&self) -> &Path {
        self.inner.path()
    }

    /// How many times the file was reopened.
    pub fn reopens(&self) -> u64 {
        self.reopens
    }

    /// A flag that, once set (from any thread or a signal handler), makes the
    /// handler reopen its file before the next record.
    pub fn reopen_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.reopen_requested)
    }

    /// Closes and reopens the file now (for SIGHUP-style rotation).
    pub fn reopen(&mut self) -> io::Result<()> {
        self.inner.file.close()?;
        self.reopens += 1;
        self.missing_since = None;
        self.inner.file.open()
    }

    /// Python's `reopenIfNeeded`: stat the path, reopen if it is another file or gone.
    fn reopen_if_needed(&mut self) -> io::Result<()> {
        let requested = self.reopen_requested.swap(false, Ordering::AcqRel);
        let Some(open) = self.inner.file.identity() else {
            // Not open yet (delay) or closed after a failure: the write opens it.
            return Ok(());
        };
        let moved = match std::fs::metadata(self.inner.path()) {
            Ok(m) => (m.dev(), m.ino()) != open,
            Err(e) if e.kind() == io::ErrorKind::NotFound => !self.within_rename_grace(),
            Err(e) => return Err(e),
        };
        if moved || requested {
            self.reopen()
        } else {
            Ok(())
        }
    }
}

impl WatchedFileHandler {
    /// Whether a renamed (not deleted) file may still take records while the
    /// rotator creates the new one.
    fn within_rename_grace(&mut self) -> bool {
        if self.grace_millis == 0 || self.inner.file.link_count().unwrap_or(0) == 0 {
            return false;
        }
        let now = self.clock.now_millis();
        let since = *self.missing_since.get_or_insert(now);
        now.saturating_sub(since) < self.grace_millis
    }
}

impl Handler for WatchedFileHandler {
    fn level(&self) -> Level {
        self.inner.level()
    }

    fn set_level(&mut self, level: Level) {
        self.inner.set_level(level);
    }

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.inner.base.accepts(record) || self.inner.render(record).is_none() {
            return false;
        }
        if let Err(e) = self.reopen_if_needed() {
            self.inner.report(&e, "reopening");
        }
        self.inner.write_rendered(record)
    }

    fn flush(&mut self) {
        self.inner.flush();
    }

    fn close(&mut self) {
        self.inner.close();
    }

    fn stats(&self) -> HandlerStats {
        self.inner.stats()
    }

    fn name(&self) -> &str {
        self.inner.name()
    }
}
