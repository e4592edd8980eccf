//! WatchedFileHandler: reopens its file when something else moved or deleted it.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use emlog::{Handler, HandlerStats, Level, Record};

use crate::file::{FileBuilder, FileHandler, file_builder_methods, with_path};

/// Builds a [`WatchedFileHandler`].
#[derive(Debug)]
pub struct WatchedFileHandlerBuilder {
    file: FileBuilder,
}

impl WatchedFileHandlerBuilder {
    file_builder_methods!();

    /// Opens the file (unless delayed).
    pub fn open(self) -> io::Result<WatchedFileHandler> {
        let path = self.file.path.clone();
        Ok(WatchedFileHandler {
            inner: self.file.build().map_err(|e| with_path(e, &path))?,
            reopen_requested: Arc::new(AtomicBool::new(false)),
            reopens: 0,
        })
    }
}

/// Python's `WatchedFileHandler`, for files that `logrotate` (or a person)
/// moves away: before each record the path is `stat`ed, and if it names a
/// different file (device or inode changed) or nothing, the handler reopens
/// it, so records go to the new file.
///
/// For `logrotate`'s `create` mode this loses nothing. With `copytruncate`
/// this handler is not needed (the file stays the same) and records written
/// between logrotate's copy and its truncate are lost: that window is
/// logrotate's, not the handler's.
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
}

impl WatchedFileHandler {
    /// A builder for `path`.
    pub fn builder(path: impl AsRef<Path>) -> WatchedFileHandlerBuilder {
        WatchedFileHandlerBuilder {
            file: FileBuilder::new(path),
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
            Err(e) if e.kind() == io::ErrorKind::NotFound => true,
            Err(e) => return Err(e),
        };
        if moved || requested {
            self.reopen()
        } else {
            Ok(())
        }
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
