//! FileHandler: records appended to a file, written through per record by default.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use emlog::{Escape, Formatter, Handler, HandlerBase, Level, Record};

use crate::LineRenderer;
use crate::log_file::{FileOptions, LogFile};
use crate::write_out::{WriteOut, WriteOuts};

/// How to open a file handler; shared by every file-based handler's builder.
#[derive(Debug)]
pub struct FileBuilder {
    pub(crate) path: PathBuf,
    pub(crate) options: FileOptions,
    pub(crate) formatter: Formatter,
    pub(crate) escape: Escape,
    pub(crate) level: Level,
    pub(crate) name: &'static str,
}

impl FileBuilder {
    pub(crate) fn new(path: impl AsRef<Path>) -> FileBuilder {
        FileBuilder {
            path: path.as_ref().to_path_buf(),
            options: FileOptions::default(),
            formatter: Formatter::message_only(),
            escape: Escape::ControlChars,
            level: Level::NOTSET,
            name: "",
        }
    }

    pub(crate) fn build(self) -> io::Result<FileHandler> {
        let mut base = HandlerBase::new(self.level);
        base.set_name(self.name);
        Ok(FileHandler {
            base,
            line: LineRenderer::new(self.formatter).with_escape(self.escape),
            file: LogFile::new(&self.path, self.options)?,
        })
    }
}

/// The builder methods every file handler shares.
macro_rules! file_builder_methods {
    () => {
        /// Truncates the file when opened (Python's mode `'w'`) instead of appending.
        pub fn truncate(mut self) -> Self {
            self.file.options.append = false;
            self
        }

        /// Opens the file at the first record, not at construction.
        pub fn delay(mut self) -> Self {
            self.file.options.delay = true;
            self
        }

        /// Permission bits for a file the handler creates (e.g. `0o640`),
        /// applied exactly; without it the umask decides, as in Python.
        pub fn mode(mut self, mode: u32) -> Self {
            self.file.options.mode = Some(mode);
            self
        }

        /// Opens the file even when its path is a symbolic link (Python's
        /// behaviour). Without it such a path is refused with an error that
        /// says so; see [`FileOptions::follow_symlinks`](crate::FileOptions::follow_symlinks).
        pub fn follow_symlinks(mut self) -> Self {
            self.file.options.follow_symlinks = true;
            self
        }

        /// Buffers records instead of writing each through; see [`Buffering`](crate::Buffering).
        pub fn buffered(mut self, buffering: crate::Buffering) -> Self {
            self.file.options.buffering = Some(buffering);
            self
        }

        /// Formats records with `formatter` (default: the message alone).
        pub fn formatter(mut self, formatter: emlog::Formatter) -> Self {
            self.file.formatter = formatter;
            self
        }

        /// Whether control characters in records are escaped. Default
        /// [`Escape::ControlChars`](emlog::Escape::ControlChars): each record
        /// is one line, so a message cannot forge another record. Python writes
        /// them as they are: [`Escape::Off`](emlog::Escape::Off). See [`emlog::escape`].
        pub fn escape(mut self, escape: emlog::Escape) -> Self {
            self.file.escape = escape;
            self
        }

        /// The handler's level (default NOTSET: everything).
        pub fn level(mut self, level: emlog::Level) -> Self {
            self.file.level = level;
            self
        }

        /// The handler's name, shown in error reports.
        pub fn name(mut self, name: &'static str) -> Self {
            self.file.name = name;
            self
        }
    };
}
pub(crate) use file_builder_methods;

/// Builds a [`FileHandler`].
#[derive(Debug)]
pub struct FileHandlerBuilder {
    file: FileBuilder,
}

impl FileHandlerBuilder {
    file_builder_methods!();

    /// Opens the file (unless delayed). Errors say which path failed and why.
    pub fn open(self) -> io::Result<FileHandler> {
        let path = self.file.path.clone();
        self.file.build().map_err(|e| with_path(e, &path))
    }
}

pub(crate) fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(
        e.kind(),
        format!("cannot open log file {}: {e}", path.display()),
    )
}

/// Python's `FileHandler`: each record is rendered and appended as one line.
///
/// Write-through by default: each record is one `write` to the file, so
/// nothing is lost if the process dies. [`FileHandlerBuilder::buffered`] opts
/// into buffering. After [`close`](Handler::close) nothing more is written:
/// later records are counted as dropped (Python's issue 42378).
///
/// Unlike Python, control characters are escaped by default (`\n` is written
/// as the two characters `\` `n`): one record is one line, so a message
/// cannot forge a record. [`FileHandlerBuilder::escape`] with
/// [`Escape::Off`](emlog::Escape::Off) writes them raw, as Python does. The
/// same holds for the watched and rotating file handlers.
///
/// ```
/// use emlog::{Handler, Level, Record};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("app.log");
/// let mut handler = emlog_std::FileHandler::builder(&path).mode(0o640).open().unwrap();
/// handler.handle(&Record::new(Level::INFO, "app", format_args!("started")));
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "started\n");
/// ```
#[derive(Debug)]
pub struct FileHandler {
    pub(crate) base: HandlerBase,
    pub(crate) line: LineRenderer,
    pub(crate) file: LogFile,
}

impl FileHandler {
    /// A builder for a handler appending to `path`.
    pub fn builder(path: impl AsRef<Path>) -> FileHandlerBuilder {
        FileHandlerBuilder {
            file: FileBuilder::new(path),
        }
    }

    /// Appends to `path`, opened now, message-only format.
    pub fn new(path: impl AsRef<Path>) -> io::Result<FileHandler> {
        FileHandler::builder(path).open()
    }

    /// The absolute path of the file.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// The shared handler state (filters, counters).
    pub fn base_mut(&mut self) -> &mut HandlerBase {
        &mut self.base
    }

    /// Sets the formatter.
    pub fn set_formatter(&mut self, formatter: Formatter) {
        self.line.set_formatter(formatter);
    }

    /// Renders `record`; `None` if it failed (counted and reported).
    /// Inlined into the handlers' `handle` (a call cost a rotating file's
    /// record 15 instructions).
    #[inline(always)]
    pub(crate) fn render<'s>(&'s mut self, record: &Record<'_>) -> Option<&'s [u8]> {
        render_line(&mut self.line, &mut self.base, record)
    }

    /// Writes the line rendered last. Always inlined into the handlers'
    /// `handle` (a call here cost a rotating file's record 19 instructions).
    #[inline(always)]
    pub(crate) fn write_rendered(&mut self, record: &Record<'_>) -> bool {
        write_line(&mut self.file, &mut self.base, self.line.last(), record)
    }

    /// Handles `record` already rendered into `line` by this handler's
    /// formatter, at `now` read from [`clock`](Self::clock) if it was: the
    /// [`Logger`](crate::Logger) renders (and reads a clock other than the
    /// system's) before taking the handler's lock, so threads sharing the
    /// file wait only for the copy. A due write-out of the buffer is left to the caller: `true` if
    /// one is due, to be begun with [`begin_write_out`](Self::begin_write_out)
    /// and written after the handler's lock is let go ([`crate::write_out`]).
    pub(crate) fn handle_line_deferred(
        &mut self,
        record: &Record<'_>,
        line: &[u8],
        now: Option<i64>,
    ) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        match self
            .file
            .write_line_deferred(line, record.level, now, record.timestamp)
        {
            Ok(due) => due,
            Err(e) => {
                self.write_failed(record, e);
                false
            }
        }
    }

    /// Hands out the due buffer (see [`LogFile::begin_write_out`]); reports
    /// the last deferred write-out's failure, if it failed.
    pub(crate) fn begin_write_out(&mut self, outs: &mut WriteOuts) -> Option<WriteOut> {
        let (earlier, write_out) = self.file.begin_write_out(outs);
        if let Err(e) = earlier {
            self.report(&e, "writing out buffered records of");
        }
        write_out
    }

    /// The lock every write-out of this file takes.
    pub(crate) fn write_outs(&self) -> &Arc<Mutex<WriteOuts>> {
        self.file.write_outs()
    }

    /// The clock a record's write reads, if any (a buffered file's interval).
    pub(crate) fn clock(&self) -> Option<&crate::Clock> {
        self.file.clock()
    }

    /// The formatter.
    pub(crate) fn formatter(&self) -> &Formatter {
        self.line.formatter()
    }

    #[cold]
    #[inline(never)]
    fn write_failed(&mut self, record: &Record<'_>, e: io::Error) -> bool {
        write_failed(&mut self.file, &mut self.base, record, e)
    }

    pub(crate) fn report(&mut self, e: &io::Error, what: &str) {
        let e = io::Error::new(
            e.kind(),
            format!("{what} {}: {e}", self.file.path().display()),
        );
        self.base.fail(&e, None, false);
        self.count_lost();
    }

    fn count_lost(&mut self) {
        count_lost(&mut self.file, &mut self.base);
    }
}

/// Writes `record`'s rendered `line` to `file`; `false` if it failed
/// (counted and reported in `base`). Takes a handler's fields apart from
/// its renderer, so that the line rendered there is written as `render`
/// gave it, not fetched again.
#[inline(always)]
pub(crate) fn write_line(
    file: &mut LogFile,
    base: &mut HandlerBase,
    line: &[u8],
    record: &Record<'_>,
) -> bool {
    // An emitted record is counted by the file (`LogFile::written`).
    match file.write_line(line, record.level, record.timestamp) {
        Ok(()) => true,
        Err(e) => write_failed(file, base, record, e),
    }
}

#[cold]
#[inline(never)]
fn write_failed(
    file: &mut LogFile,
    base: &mut HandlerBase,
    record: &Record<'_>,
    e: io::Error,
) -> bool {
    let e = io::Error::new(e.kind(), format!("{}: {e}", file.path().display()));
    base.fail(&e, Some(record), false);
    count_lost(file, base);
    false
}

/// Counts records the file lost (a failed write, or a failed write-out of
/// buffered records) as dropped.
fn count_lost(file: &mut LogFile, base: &mut HandlerBase) {
    for _ in 0..file.take_lost() {
        base.count_dropped();
    }
}

/// Renders `record` with `line`; `None` if it failed (counted and reported in `base`).
#[inline(always)]
pub(crate) fn render_line<'l>(
    line: &'l mut LineRenderer,
    base: &mut HandlerBase,
    record: &Record<'_>,
) -> Option<&'l [u8]> {
    match line.render_inlined(record) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            base.fail(&e, Some(record), true);
            None
        }
    }
}

impl Handler for FileHandler {
    fn level(&self) -> Level {
        self.base.level()
    }

    fn set_level(&mut self, level: Level) {
        self.base.set_level(level);
    }

    fn stats(&self) -> emlog::HandlerStats {
        let mut stats = self.base.stats();
        stats.emitted += self.file.written();
        // A deferred write-out that failed is counted before the next write
        // takes it in and reports it.
        let outs = self
            .write_outs()
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((_, records)) = outs.done.as_ref().and_then(|d| d.failed.as_ref()) {
            stats.errors += 1;
            stats.dropped += records;
        }
        stats
    }

    fn name(&self) -> &str {
        self.base.name()
    }

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        // A buffered file's line is rendered straight into its buffer.
        if let Some(pending) = self.file.pending() {
            if let Err(e) = self.line.render_line_into(record, pending) {
                self.base.fail(&e, Some(record), true);
                return false;
            }
            return match self.file.line_rendered(record.level, record.timestamp) {
                Ok(()) => true,
                Err(e) => self.write_failed(record, e),
            };
        }
        // The rendered line as `render` gives it, not fetched again.
        let Some(line) = render_line(&mut self.line, &mut self.base, record) else {
            return false;
        };
        write_line(&mut self.file, &mut self.base, line, record)
    }

    fn flush(&mut self) {
        if let Err(e) = self.file.flush() {
            self.report(&e, "flushing");
        }
    }

    fn close(&mut self) {
        if let Err(e) = self.file.close() {
            self.report(&e, "closing");
        }
        self.base.close();
    }
}
